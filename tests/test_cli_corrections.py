"""``scaletrack correct`` and ``retract``: a new event points at the entry it fixes."""

from __future__ import annotations

from typing import Any

import pytest

from expect import refused

CODE = "SEED-GR-01"


@pytest.fixture
def pilot(run: Any) -> Any:
    """A pilot with a milestone (@2), a result (@3) and a qualitative result (@4)."""
    for command in [
        ("init",),
        ("consortium", "register", "SEED", "--name", "Seed", "--lead", "City of Turin",
         "--country", "IT", "--country", "GR"),
        ("indicator", "define", "PART", "--name", "Participants", "--level", "output",
         "--measure", "unit", "--unit", "people", "--direction", "higher",
         "--accumulation", "incremental", "--dimension", "sex"),
        ("indicator", "define", "POLICY", "--name", "Policy change", "--level", "impact",
         "--measure", "qualitative", "--unit", "-", "--direction", "higher",
         "--accumulation", "snapshot"),
        ("pilot", "register", CODE, "--consortium", "SEED", "--title", "SI mapping",
         "--innovation", "Local SI mapping", "--origin-country", "IT", "--target-country",
         "GR", "--core", "Method", "--starts-on", "2021-05-03", "--ends-on", "2023-06-30"),
        ("log", "milestone-planned", CODE, "--milestone", "M1", "--title", "Athens",
         "--due-on", "2021-12-15"),
        ("log", "result", CODE, "--indicator", "PART", "--period", "2022-Q1", "--value", "40",
         "--breakdown", "sex:women=22", "--breakdown", "sex:men=18",
         "--occurred-on", "2022-03-31"),
        ("log", "result", CODE, "--indicator", "POLICY", "--period", "2022-Q1",
         "--narrative", "Regional law drafted", "--occurred-on", "2022-03-31"),
    ]:
        result = run(*command)
        assert result.exit_code == 0, (command, result)
    return run


def history(run: Any) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = run("pilot", "history", CODE, "--json").json()
    return events


def test_a_correction_is_a_new_event_pointing_at_the_entry(pilot: Any) -> None:
    run = pilot
    result = run("correct", f"{CODE}@3", "--set", "value=42",
                 "--set", 'breakdown={"sex": {"women": 24, "men": 18}}',
                 "--reason", "Two late sign-in sheets", "--json")
    assert result.exit_code == 0, result.stderr
    event = result.json()
    assert (event["id"], event["type"], event["reason"]) == (
        f"{CODE}@5", "pilot.entry-corrected", "Two late sign-in sheets")
    assert event["data"] == {
        "corrects": 3, "corrected_type": "pilot.result-reported",
        "data": {"indicator": "PART", "indicator_version": 1, "period": "2022-Q1",
                 "value": "42", "narrative": None,
                 "breakdown": {"sex": {"women": "24", "men": "18"}}}}
    assert history(run)[2]["data"]["value"] == "40", "the original stays as it was"


def test_a_retraction_withdraws_an_entry_once(pilot: Any) -> None:
    run = pilot
    assert run("retract", f"{CODE}@4", "--reason", "Wrong pilot").stdout == f"{CODE}@5\n"
    assert history(run)[-1]["data"] == {"retracts": 4,
                                        "retracted_type": "pilot.result-reported"}
    assert run("pilot", "show", CODE, "--json").json()["retracted_entries"] == 1
    refused(run("retract", f"{CODE}@4", "--reason", "Again"), 1, "retracted")
    refused(run("correct", f"{CODE}@4", "--set", "narrative=Law", "--reason", "R"), 1,
            "retracted")


@pytest.mark.parametrize(("args", "code", "words"), [
    (("correct", f"{CODE}@3", "--set", "value=41"), 2, ("needs a reason",)),
    (("retract", f"{CODE}@3"), 2, ("needs a reason",)),
    (("correct", f"{CODE}@3", "--reason", "R"), 2, ("--set",)),
    (("correct", f"{CODE}@3", "--set", "value", "--reason", "R"), 2, ("FIELD=VALUE",)),
    (("correct", f"{CODE}@3", "--set", "breakdown={oops", "--reason", "R"), 2, ("JSON",)),
    (("correct", f"{CODE}@3", "--set", "value=lots", "--reason", "R"), 2, ("value",)),
    (("correct", f"{CODE}@3", "--set", "value=41", "--reason", "R"), 1, ("add up",)),
    (("correct", f"{CODE}@3", "--set", "colour=red", "--reason", "R"), 1, ("colour",)),
    (("correct", f"{CODE}@3", "--set", "period=2022-Q2", "--reason", "R"), 1, ("period",)),
    (("correct", f"{CODE}@4", "--set", "value=3", "--reason", "R"), 1, ("qualitative",)),
    (("correct", f"{CODE}@2", "--set", "title=X", "--reason", "R"), 1, ("not an entry",)),
    (("retract", f"{CODE}@1", "--reason", "R"), 1, ("not an entry",)),
    (("retract", f"{CODE}@9", "--reason", "R"), 3, ("no event", "@9")),
    (("retract", "SEED-XX-01@2", "--reason", "R"), 3, ("SEED-XX-01",)),
    (("retract", CODE, "--reason", "R"), 2, ("not an event id", "CODE@N")),
    (("retract", f"{CODE}@0", "--reason", "R"), 2, ("not an event id",)),
    (("retract", f"{CODE}@3", "--reason", "R", "--occurred-on", "2999-01-01"), 1,
     ("after the day",)),
], ids=lambda v: "-".join(v) if isinstance(v, tuple) else str(v))
@pytest.mark.parametrize("store_url", ["sqlite"], indirect=True)
def test_bad_corrections_and_retractions_are_refused(pilot: Any, args: tuple[str, ...],
                                                     code: int, words: tuple[str, ...]) -> None:
    run = pilot
    before = history(run)
    refused(run(*args), code, *words)
    assert history(run) == before


def test_a_locked_period_needs_an_unlock_before_a_correction(pilot: Any) -> None:
    run = pilot
    for kind in ("period-submitted", "period-approved"):
        assert run("log", kind, CODE, "--period", "2022-Q1").exit_code == 0
    refused(run("correct", f"{CODE}@3", "--set", "value=40", "--reason", "R"), 1, "locked")
    refused(run("retract", f"{CODE}@3", "--reason", "R"), 1, "locked")
    assert run("log", "period-unlocked", CODE, "--period", "2022-Q1", "--reason",
               "Late sheets").exit_code == 0
    assert run("retract", f"{CODE}@3", "--reason", "Counted twice").stdout == f"{CODE}@8\n"
