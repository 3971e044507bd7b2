"""Amending a registration: a pilot's title, innovation, target countries, components and
end date, a consortium's name and lead, a member country removed. Each is an event with a
reason, holds from the day it occurred, and shows in every view, list and point in time."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from expect import refused, store_digest_of
from scaletrack.domain.consortium import Consortium
from scaletrack.domain.envelope import Provenance
from scaletrack.domain.errors import InvalidInput, RuleViolation
from scaletrack.domain.indicator import Indicator
from scaletrack.domain.pilot import Pilot

CODE = "SEED-GR-01"


def by(reason: str | None = "Typo in the registration", on: date = date(2022, 3, 1)
       ) -> Provenance:
    return Provenance(occurred_on=on, recorded_at=datetime(2023, 6, 30, 9, 30, tzinfo=UTC),
                      actor="tester", reason=reason)


# -- the domain, without a store ---------------------------------------------------------


def seed() -> Consortium:
    return Consortium.register("SEED", "Seed", "City of Turin", ["IT", "GR", "RO"],
                               by(None, date(2021, 1, 4)))


def pilot_of(consortium: Consortium) -> Pilot:
    return Pilot.register(CODE, consortium, by(None, date(2021, 4, 1)), title="SI maping",
                          innovation="Local SI mapping", origin_country="IT",
                          target_countries=["GR"], core_components=["Method"],
                          adaptable_components=["Venue"], starts_on=date(2021, 5, 3),
                          ends_on=date(2023, 6, 30))


def test_an_amendment_changes_what_it_names_and_keeps_the_rest() -> None:
    consortium = seed()
    pilot = pilot_of(consortium)

    pilot.amend(consortium, by(), title="SI mapping", target_countries=["gr", "RO"],
                ends_on=date(2023, 12, 31))

    event = pilot.pending_events[-1]
    assert isinstance(event, Pilot.Amended)
    assert (event.reason, event.occurred_on) == ("Typo in the registration", date(2022, 3, 1))
    assert (pilot.title, pilot.target_countries, pilot.ends_on) == (
        "SI mapping", ["GR", "RO"], date(2023, 12, 31))
    assert (pilot.innovation, pilot.core_components, pilot.adaptable_components) == (
        "Local SI mapping", ["Method"], ["Venue"])
    assert (pilot.code, pilot.origin_country, pilot.starts_on) == (
        CODE, "IT", date(2021, 5, 3))


@pytest.mark.parametrize(("changes", "rule"), [
    ({"title": "SI maping"}, "amendment-changes-nothing"),
    ({"target_countries": ["GR"], "core_components": ["Method"]}, "amendment-changes-nothing"),
    ({"ends_on": date(2021, 5, 2)}, "ends-before-start"),
    ({"target_countries": ["FR"]}, "target-country-outside-consortium"),
    ({"target_countries": []}, "no-target-country"),
])
def test_an_amendment_obeys_the_rules_the_registration_obeyed(
        changes: dict[str, Any], rule: str) -> None:
    consortium = seed()
    pilot = pilot_of(consortium)

    with pytest.raises(RuleViolation) as broken:
        pilot.amend(consortium, by(), **changes)

    assert broken.value.rule == rule
    assert len(pilot.pending_events) == 1
    assert pilot.title == "SI maping"


def test_an_amendment_needs_a_reason_and_well_formed_values() -> None:
    consortium = seed()
    pilot = pilot_of(consortium)

    with pytest.raises(RuleViolation, match="needs a reason") as broken:
        pilot.amend(consortium, by(reason=" "), title="SI mapping")
    assert broken.value.rule == "reason-required"
    with pytest.raises(InvalidInput, match="title"):
        pilot.amend(consortium, by(), title="")
    with pytest.raises(InvalidInput, match="ISO 3166-1"):
        pilot.amend(consortium, by(), target_countries=["XX"])
    with pytest.raises(RuleViolation, match="cannot be amended"):
        pilot.amend(consortium, by(), origin_country="GR")


def test_an_earlier_end_cannot_leave_a_reported_result_outside_the_pilot() -> None:
    consortium = seed()
    pilot = pilot_of(consortium)
    part = Indicator.define("PART", by(None, date(2021, 1, 4)), name="Participants",
                            level="output", measure="unit", unit="people", direction="higher",
                            accumulation="incremental", dimensions=[])
    pilot.report_result(part, by(None, date(2022, 12, 31)), period="2022-Q4", value=12)

    with pytest.raises(RuleViolation, match="results for 2022-Q4, after 2022-09-30"):
        pilot.amend(consortium, by(on=date(2023, 1, 5)), ends_on=date(2022, 9, 30))
    pilot.amend(consortium, by(on=date(2023, 1, 5)), ends_on=date(2022, 12, 31))

    assert pilot.ends_on == date(2022, 12, 31)


def test_a_consortium_amendment_changes_its_name_or_lead() -> None:
    consortium = seed()

    consortium.amend(by(), lead="City of Turin (Italy)")

    assert (consortium.name, consortium.lead) == ("Seed", "City of Turin (Italy)")
    assert isinstance(consortium.pending_events[-1], Consortium.Amended)
    with pytest.raises(RuleViolation, match="leaves SEED as it is"):
        consortium.amend(by(), name=" Seed ", lead="City of Turin (Italy)")
    with pytest.raises(RuleViolation, match="needs a reason"):
        consortium.amend(by(reason=None), name="SEED")
    with pytest.raises(RuleViolation, match="before SEED was registered"):
        consortium.amend(by(on=date(2020, 1, 1)), name="SEED")


def test_a_country_leaves_only_when_nothing_of_the_consortium_is_in_it() -> None:
    consortium = seed()
    consortium.add_partner("Impact Hub Bucharest", "RO", "partner", by(None))
    consortium.establish_centre("IT", "SI Centre Italy", by(None))

    for country, pilots, words in [
        ("GR", {CODE: ["GR"]}, f"it is the country of pilot {CODE}"),
        ("RO", {}, "partner Impact Hub Bucharest"),
        ("IT", {}, "competence centre SI Centre Italy"),
        ("FR", {}, "FR is not a member country of SEED"),
    ]:
        with pytest.raises(RuleViolation, match=words):
            consortium.remove_country(country, by(), pilots)
    assert consortium.countries == ["IT", "GR", "RO"]

    consortium.remove_country("el", by(), {CODE: ["RO"]})

    assert consortium.countries == ["IT", "RO"]
    assert isinstance(consortium.pending_events[-1], Consortium.CountryRemoved)


def test_the_last_member_country_stays() -> None:
    consortium = Consortium.register("SOLO", "Solo", "A lead", ["IT"], by(None, date(2021, 1, 4)))

    with pytest.raises(RuleViolation, match="the only member country"):
        consortium.remove_country("IT", by(), {})


# -- the command line --------------------------------------------------------------------


@pytest.fixture
def store(run: Any) -> Any:
    """SEED (IT, GR, RO, SI) with SEED-GR-01 (IT -> GR, 2021-05-03 to 2023-06-30)."""
    for command in [
        ("init",),
        ("consortium", "register", "SEED", "--name", "Seed", "--lead", "City of Turin",
         "--country", "IT", "--country", "GR", "--country", "RO", "--country", "SI",
         "--occurred-on", "2021-01-04"),
        ("pilot", "register", CODE, "--consortium", "SEED", "--title", "SI maping",
         "--innovation", "Local SI mapping", "--origin-country", "IT", "--target-country",
         "GR", "--core", "Method", "--starts-on", "2021-05-03", "--ends-on", "2023-06-30",
         "--occurred-on", "2021-04-01"),
    ]:
        result = run(*command)
        assert result.exit_code == 0, (command, result)
    return run


def test_pilot_amend_records_one_event_and_every_list_shows_it(store: Any) -> None:
    run = store
    done = run("pilot", "amend", CODE, "--title", "SI mapping", "--target-country", "GR",
               "--target-country", "RO", "--ends-on", "2023-12-31", "--reason", "Typo",
               "--occurred-on", "2022-03-01")

    assert (done.exit_code, done.stdout) == (0, f"{CODE}@2\n"), done.stderr
    (listed,) = run("pilot", "list", "--json").json()
    assert (listed["title"], listed["countries"]) == ("SI mapping", ["IT", "GR", "RO"])
    shown = run("pilot", "show", CODE, "--json").json()
    assert (shown["ends_on"], shown["core_components"]) == ("2023-12-31", ["Method"])
    last = run("pilot", "history", CODE, "--json").json()[-1]
    assert (last["type"], last["reason"], last["data"]["title"]) == (
        "pilot.amended", "Typo", "SI mapping")
    assert [p["pilot"] for p in run("progress", "--country", "RO", "--json").json()[
        "pilots"]] == [CODE]


@pytest.mark.parametrize(("args", "code", "words"), [
    (("--title", "SI mapping"), 2, "needs a reason"),
    (("--title", "SI maping", "--reason", "r"), 1, "leaves SEED-GR-01 as it is"),
    (("--reason", "r"), 2, "amendment of SEED-GR-01 names nothing to change"),
    (("--target-country", "FR", "--reason", "r"), 1, "FR are not members of SEED"),
    (("--target-country", "XX", "--reason", "r"), 2, "ISO 3166-1"),
    (("--ends-on", "2021-05-01", "--reason", "r"), 1, "before it starts"),
    (("--ends-on", "31/12/2023", "--reason", "r"), 2, "YYYY-MM-DD"),
    (("--title", "", "--reason", "r"), 2, "title"),
])
def test_pilot_amend_refuses_with_one_line_and_its_exit_code(
        store: Any, store_url: str, args: tuple[str, ...], code: int, words: str) -> None:
    before = store_digest_of(store_url)

    result = store("pilot", "amend", CODE, *args)

    if code == 2 and "YYYY" in words:  # click's own usage error
        assert (result.exit_code, result.stdout) == (2, "")
        assert words in result.stderr
    else:
        refused(result, code, words)
    assert store_digest_of(store_url) == before


def test_amending_a_pilot_or_consortium_that_does_not_exist_is_not_found(store: Any) -> None:
    refused(store("pilot", "amend", "NOPE-01", "--title", "T", "--reason", "r"), 3,
            "no pilot NOPE-01")
    refused(store("consortium", "amend", "NOPE", "--name", "N", "--reason", "r"), 3,
            "no consortium NOPE")
    refused(store("consortium", "remove-country", "NOPE", "GR", "--reason", "r"), 3,
            "no consortium NOPE")


def test_consortium_amend_and_remove_country(store: Any, store_url: str) -> None:
    run = store
    done = run("consortium", "amend", "SEED", "--lead", "City of Turin (Italy)",
               "--reason", "As the grant agreement names it", "--json")
    assert done.exit_code == 0, done.stderr
    assert (done.json()["name"], done.json()["lead"]) == ("Seed", "City of Turin (Italy)")
    before = store_digest_of(store_url)
    refused(run("consortium", "remove-country", "SEED", "GR", "--reason", "r"), 1,
            f"pilot {CODE}")
    refused(run("consortium", "remove-country", "SEED", "SI"), 2, "needs a reason")
    refused(run("consortium", "remove-country", "SEED", "FR", "--reason", "r"), 1,
            "not a member country")
    refused(run("consortium", "amend", "SEED", "--reason", "r"), 2,
            "amendment of SEED names nothing to change")
    refused(run("consortium", "amend", "SEED", "--name", "Seed", "--reason", "r"), 1,
            "leaves SEED as it is")
    assert store_digest_of(store_url) == before

    removed = run("consortium", "remove-country", "SEED", "SI", "--reason", "By mistake")

    assert (removed.exit_code, removed.stdout) == (0, "SEED@3\n"), removed.stderr
    (listed,) = run("consortium", "list", "--json").json()
    assert (listed["lead"], listed["countries"]) == ("City of Turin (Italy)", ["IT", "GR", "RO"])
    assert run("consortium", "show", "SEED", "--json").json()["countries"] == ["IT", "GR", "RO"]
    refused(run("pilot", "amend", CODE, "--target-country", "SI", "--reason", "r"), 1,
            "SI are not members of SEED")


# -- time travel -------------------------------------------------------------------------


def test_as_of_before_an_amendment_the_pilot_reads_as_registered(store: Any) -> None:
    run = store
    assert run("pilot", "amend", CODE, "--title", "SI mapping", "--target-country", "RO",
               "--reason", "Moved to Romania", "--occurred-on", "2022-03-01").exit_code == 0

    before = run("pilot", "show", CODE, "--as-of", "2022-02-28", "--json").json()
    after = run("pilot", "show", CODE, "--as-of", "2022-03-01", "--json").json()

    assert (before["title"], before["target_countries"]) == ("SI maping", ["GR"])
    assert (after["title"], after["target_countries"]) == ("SI mapping", ["RO"])
    for country, as_of, found in [("GR", "2022-02-28", [CODE]), ("GR", None, []),
                                  ("RO", "2022-02-28", []), ("RO", None, [CODE]),
                                  ("RO", "2022-03-01", [CODE])]:
        point = ("--as-of", as_of) if as_of else ()
        shown = run("progress", "--country", country, *point, "--json")
        assert shown.exit_code == 0, shown.stderr
        assert [p["pilot"] for p in shown.json()["pilots"]] == found, (country, as_of)
        assert [p["countries"] for p in shown.json()["pilots"]] == (
            [["IT", "GR"] if as_of == "2022-02-28" else ["IT", "RO"]] if found else [])


def test_a_diff_across_an_amendment_names_it_under_the_country_it_left(store: Any) -> None:
    run = store
    assert run("pilot", "amend", CODE, "--target-country", "RO", "--reason", "Moved",
               "--occurred-on", "2022-03-01").exit_code == 0

    diff = run("diff", "progress", "--country", "GR", "--as-of", "2022-02-28",
               "--to-as-of", "2022-03-01", "--json")

    assert diff.exit_code == 0, diff.stderr
    assert ("pilots", "removed") in [(c["section"], c["change"]) for c in diff.json()["changes"]]
    assert [(e["id"], e["type"]) for e in diff.json()["events"]] == [
        (f"{CODE}@2", "pilot.amended")]


def test_known_at_before_an_amendment_the_consortium_reads_as_registered(store: Any) -> None:
    run = store
    moment = datetime.now(UTC).isoformat()
    assert run("consortium", "amend", "SEED", "--name", "SEED network",
               "--reason", "Renamed").exit_code == 0
    assert run("consortium", "remove-country", "SEED", "SI", "--reason", "Left").exit_code == 0

    then = run("portfolio", "--known-at", moment, "--json")
    now = run("portfolio", "--json")

    assert then.exit_code == 0, then.stderr
    assert [row["country"] for row in then.json()["matrix"]] == ["GR", "IT", "RO", "SI"]
    assert [row["country"] for row in now.json()["matrix"]] == ["GR", "IT", "RO"]
    assert run("consortium", "list", "--json").json()[0]["name"] == "SEED network"


# -- the audit export and the import -----------------------------------------------------


def test_an_export_with_amendments_verifies(store: Any, tmp_path: Path) -> None:
    run = store
    assert run("pilot", "amend", CODE, "--title", "SI mapping", "--reason", "Typo").exit_code == 0
    assert run("consortium", "amend", "SEED", "--lead", "Turin", "--reason", "r").exit_code == 0
    assert run("consortium", "remove-country", "SEED", "SI", "--reason", "r").exit_code == 0

    exported = run("export", "-o", str(tmp_path / "bundle"), "--json")
    checked = run("verify", str(tmp_path / "bundle"), "--json")

    assert exported.exit_code == 0, exported.stderr
    assert exported.json()["events"]["count"] == 5
    assert (checked.exit_code, checked.json()["valid"]) == (0, True), checked.stdout
    assert run("verify", "--store", "--json").json()["valid"] is True


def test_a_dump_with_amendments_imports_as_the_same_events(
        store: Any, store_url: str, tmp_path: Path, cli: Any) -> None:
    run = store
    for command in [
        ("pilot", "amend", CODE, "--title", "SI mapping", "--core", "Method",
         "--core", "Training", "--reason", "Typo", "--occurred-on", "2022-03-01"),
        ("consortium", "amend", "SEED", "--name", "SEED network", "--reason", "Renamed"),
        ("consortium", "remove-country", "SEED", "SI", "--reason", "Left"),
    ]:
        assert run(*command).exit_code == 0, command
    dump = tmp_path / "dump.csv"
    assert run("import", "dump", "-o", str(dump)).exit_code == 0
    copy = f"sqlite:///{tmp_path / 'copy.db'}"
    assert cli("--db", copy, "init").exit_code == 0

    imported = cli("--db", copy, "import", str(dump), "--json")

    assert imported.exit_code == 0, imported.stdout
    assert imported.json()["recorded"] == 5

    def kept(url: str) -> list[Any]:
        return [{k: e[k] for k in ("type", "occurred_on", "reason", "data")}
                for e in cli("--db", url, "timeline", "--json").json()["events"]]

    assert kept(copy) == kept(store_url)
