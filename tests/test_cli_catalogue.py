"""``scaletrack consortium`` and ``scaletrack indicator``: register, change, list, show."""

from __future__ import annotations

from typing import Any

import pytest

from expect import refused

SEED = ("consortium", "register", "SEED", "--name", "Social innovation Ecosystem Development",
        "--lead", "City of Turin", "--country", "IT", "--country", "gr")
PART = ("indicator", "define", "part", "--name", "Participants", "--level", "output",
        "--measure", "unit", "--unit", "people", "--direction", "higher",
        "--accumulation", "incremental", "--dimension", "sex", "--dimension", "age-band")


@pytest.fixture
def store(run: Any) -> Any:
    assert run("init").exit_code == 0
    return run


def test_a_consortium_grows_countries_partners_and_centres(store: Any) -> None:
    run = store
    assert run(*SEED).stdout == "SEED@1\n"
    assert run("consortium", "add-country", "seed", "ro").stdout == "SEED@2\n"
    assert run("consortium", "add-partner", "SEED", "--organisation", "Impact Hub Athens",
               "--country", "GR").stdout == "SEED@3\n"
    centre = run("consortium", "establish-centre", "SEED", "--country", "GR", "--name",
                 "SI Centre Greece", "--json")
    assert centre.exit_code == 0
    assert centre.json() == {
        "code": "SEED", "name": "Social innovation Ecosystem Development",
        "lead": "City of Turin", "countries": ["IT", "GR", "RO"],
        "partners": [{"organisation": "Impact Hub Athens", "country": "GR", "role": "partner"}],
        "centres": {"GR": "SI Centre Greece"}, "version": 4}
    assert run("consortium", "show", "SEED", "--json").json() == centre.json()
    assert [c["code"] for c in run("consortium", "list", "--json").json()] == ["SEED"]
    assert "SI Centre Greece" in run("consortium", "show", "SEED").stdout


def test_consortium_commands_refuse_broken_rules_and_bad_input(store: Any) -> None:
    run = store
    run(*SEED)
    refused(run(*SEED), 1, "already exists")
    refused(run("consortium", "add-country", "SEED", "GR"), 1, "already a member")
    refused(run("consortium", "add-country", "SEED", "Greece"), 2, "country")
    refused(run("consortium", "add-partner", "SEED", "--organisation", "Hub", "--country",
                "FR"), 1, "FR is not a member country")
    refused(run("consortium", "establish-centre", "SEED", "--country", "GR"), 2, "--name")
    refused(run("consortium", "register", "FUSE", "--lead", "Rethink Ireland",
                "--country", "IE"), 2, "--name")
    refused(run("consortium", "add-country", "FUSE", "IE"), 3, "no consortium FUSE")
    refused(run("consortium", "show", "FUSE"), 3, "no consortium FUSE")
    assert run("consortium", "show", "SEED", "--json").json()["version"] == 1


def test_an_indicator_is_defined_revised_and_retired(store: Any) -> None:
    run = store
    assert run(*PART).stdout == "indicator:PART@1\n"
    revised = run("indicator", "revise", "PART", "--unit", "FTE", "--reason", "Count FTE",
                  "--json")
    assert revised.exit_code == 0
    assert revised.json() == {
        "code": "PART", "name": "Participants", "level": "output", "measure": "unit",
        "unit": "FTE", "direction": "higher", "accumulation": "incremental",
        "dimensions": ["sex", "age-band"], "esf_common": False, "definition_version": 2,
        "retired": False}
    assert run("indicator", "retire", "PART", "--reason", "Replaced").stdout == (
        "indicator:PART@3\n")
    shown = run("indicator", "show", "part", "--json").json()
    assert (shown["definition_version"], shown["unit"], shown["retired"]) == (2, "FTE", True)
    listed = run("indicator", "list", "--json").json()
    assert [(i["code"], i["retired"]) for i in listed] == [("PART", True)]
    assert "Participants" in run("indicator", "list").stdout


def test_indicator_commands_refuse_broken_rules_and_bad_input(store: Any) -> None:
    run = store
    run(*PART)
    refused(run(*PART), 1, "already exists")
    refused(run("indicator", "revise", "PART", "--unit", "FTE"), 2, "needs a reason")
    refused(run("indicator", "revise", "PART", "--reason", "r"), 2, "names nothing to change")
    refused(run("indicator", "revise", "PART", "--name", "Participants", "--reason", "r"), 1,
            "leaves indicator PART as it is")
    refused(run(*PART[:-4], "--measure", "vibes"), 2, "--measure", "qualitative")
    refused(run(*PART[:5]), 2, "Missing option")
    refused(run("indicator", "show", "NOPE"), 3, "no indicator NOPE")
    refused(run("indicator", "revise", "NOPE", "--unit", "x", "--reason", "r"), 3, "NOPE")
    run("indicator", "retire", "PART")
    refused(run("indicator", "retire", "PART"), 1, "retired")
    refused(run("indicator", "revise", "PART", "--unit", "FTE", "--reason", "Late"), 1,
            "retired")
    assert run("indicator", "show", "PART", "--json").json()["definition_version"] == 1


EECO01 = ("indicator", "define", "EECO01", "--name", "Total number of participants",
          "--level", "output", "--measure", "unit", "--unit", "participants", "--direction",
          "higher", "--accumulation", "incremental", "--dimension", "sex", "--esf-common")


def test_an_esf_plus_common_indicator_is_listed_with_its_counting_rule(store: Any) -> None:
    run = store
    run(*EECO01)
    run(*PART)

    listed = {row["code"]: row for row in run("indicator", "list", "--json").json()}

    assert {k: listed["EECO01"][k] for k in ("esf_level", "counting_rule",
                                              "estimate_allowed")} == {
        "esf_level": "output", "counting_rule": "at entry", "estimate_allowed": False}
    assert "counting_rule" not in listed["PART"]
    assert run("indicator", "show", "EECO01", "--json").json()["counting_rule"] == "at entry"
    assert "at entry" in run("indicator", "list").stdout


def test_esf_plus_common_indicators_are_defined_as_the_regulation_counts_them(
        store: Any) -> None:
    run = store
    run(*PART)
    before = run("indicator", "list", "--json").json()

    refused(run(*PART[:2], "EECO01", *PART[3:]), 1, "EECO01 is an ESF+ common indicator's code")
    refused(run(*PART[:2], "PART2", *PART[3:], "--esf-common"), 1,
            "PART2 is not an ESF+ common indicator")
    refused(run(*EECO01[:10], "people", *EECO01[11:]), 1,
            "EECO01 (Total number of participants) is counted with unit participants "
            "(not people)")
    assert run("indicator", "list", "--json").json() == before
    run(*EECO01)
    refused(run("indicator", "revise", "EECO01", "--not-esf-common", "--reason", "r"), 1,
            "EECO01 is an ESF+ common indicator's code")
    refused(run("indicator", "revise", "PART", "--esf-common", "--reason", "r"), 1,
            "PART is not an ESF+ common indicator")
    assert run("indicator", "show", "EECO01", "--json").json()["definition_version"] == 1


@pytest.mark.parametrize("store_url", ["sqlite"], indirect=True)  # no store involved
def test_help_of_each_catalogue_command_shows_an_example(run: Any) -> None:
    for noun, verbs in (("consortium", ("register", "add-country", "add-partner",
                                        "establish-centre", "list", "show")),
                        ("indicator", ("define", "revise", "retire", "list", "show"))):
        for verb in verbs:
            result = run(noun, verb, "--help")
            assert result.exit_code == 0
            assert f"scaletrack {noun} {verb} " in result.stdout, (noun, verb)
