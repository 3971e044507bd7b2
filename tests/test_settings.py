"""The rating settings as a user changes them: events with a reason, refused when wrong,
shown, and named by the views that rate by them."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture
def store(run: Any) -> Any:
    assert run("init").exit_code == 0
    return run


def test_the_defaults_hold_until_a_change_is_recorded(store: Any) -> None:
    shown = store("settings", "show", "--json").json()

    assert shown == {"rating": {"on_track": 90, "at_risk": 60, "cap": None,
                                "settings_version": None}, "changes": []}


def test_settings_show_says_what_holds_in_words_where_a_value_is_none(store: Any) -> None:
    defaults = store("settings", "show")
    store("settings", "rating", "--cap", "150", "--reason", "Guidance", "--actor", "ana")
    store("settings", "rating", "--no-cap", "--reason", "No cap after all", "--actor", "ana")
    changed = store("settings", "show")

    assert defaults.stdout.splitlines()[:4] == [
        "on track          90%", "at risk           60%", "cap               no cap",
        "settings version  none: the defaults, never changed"]
    assert changed.stdout.splitlines()[2:4] == ["cap               no cap",
                                                "settings version  3"]
    rows = [line for line in changed.stdout.splitlines() if line.startswith("│ settings@")]
    assert [[c.strip() for c in row.split("│")[4:7]] for row in rows] == [
        ["90%", "60%", "150%"], ["90%", "60%", "no cap"]]


def test_a_change_is_an_event_with_its_reason_and_actor(store: Any) -> None:
    changed = store("settings", "rating", "--on-track", "85", "--cap", "150", "--reason",
                    "Managing authority's guidance", "--actor", "ana")
    again = store("settings", "rating", "--no-cap", "--at-risk", "55.5", "--reason",
                  "No cap after all", "--actor", "ana")
    shown = store("settings", "show", "--json").json()

    assert (changed.exit_code, changed.stdout, again.stdout) == (0, "settings@2\n",
                                                                 "settings@3\n")
    assert shown["rating"] == {"on_track": 85, "at_risk": 55.5, "cap": None,
                               "settings_version": 3}
    assert [(c["id"], c["actor"], c["reason"], c["cap"]) for c in shown["changes"]] == [
        ("settings@2", "ana", "Managing authority's guidance", 150),
        ("settings@3", "ana", "No cap after all", None)]
    timeline = store("timeline", "--json").json()["events"]
    assert [(e["id"], e["type"], e["reason"]) for e in timeline][-1] == (
        "settings@3", "settings.rating-changed", "No cap after all")
    assert store("verify", "--store").exit_code == 0  # in the audit chain like every event


@pytest.mark.parametrize(("arguments", "code", "said"), [
    (["--on-track", "80"], 2, "needs a reason"),
    (["--at-risk", "90", "--reason", "r"], 1, "at-risk threshold (90%) must be below"),
    (["--cap", "95", "--reason", "r"], 1, "100% or more"),
    (["--on-track", "90", "--reason", "r"], 1, "already on track 90%, at risk 60%, no cap"),
    (["--reason", "r"], 2, "names nothing to change"),
    (["--cap", "150", "--no-cap", "--reason", "r"], 2, "not both"),
    (["--on-track", "ninety", "--reason", "r"], 2, "--on-track"),
    (["--on-track", "85.55", "--reason", "r"], 2, "decimal"),
    (["--on-track", "nan", "--reason", "r"], 2, "not a percent"),
    (["--on-track", "20000", "--reason", "r"], 2, "--on-track"),
])
def test_a_wrong_change_is_refused_in_one_line_and_records_nothing(
        store: Any, arguments: list[str], code: int, said: str) -> None:
    refused = store("settings", "rating", *arguments)

    assert (refused.exit_code, refused.stdout) == (code, "")
    assert said in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1
    assert store("settings", "show", "--json").json()["changes"] == []


def test_the_impact_view_names_the_settings_it_rated_by(store: Any) -> None:
    store("settings", "rating", "--on-track", "75", "--at-risk", "40", "--reason", "Pilot year")

    rating = store("impact", "--json").json()["rating"]

    assert rating == {"on_track": 75, "at_risk": 40, "cap": None, "settings_version": 2}


def test_a_diff_names_the_change_of_settings_that_changed_a_status(store: Any) -> None:
    for command in (
            ["consortium", "register", "SEED", "--name", "SEED", "--lead", "Turin",
             "--country", "IT", "--country", "GR"],
            ["indicator", "define", "PART", "--name", "Participants", "--level", "output",
             "--measure", "unit", "--unit", "people", "--direction", "higher",
             "--accumulation", "incremental"],
            ["pilot", "register", "SEED-GR-01", "--consortium", "SEED", "--title", "Mapping",
             "--innovation", "Mapping", "--origin-country", "IT", "--target-country", "GR",
             "--core", "Method", "--adaptable", "Venue", "--starts-on", "2022-01-01",
             "--ends-on", "2023-12-31"],
            ["log", "target", "SEED-GR-01", "--indicator", "PART", "--period", "2022-Q1",
             "--target", "100", "--occurred-on", "2022-01-10"],
            ["log", "result", "SEED-GR-01", "--indicator", "PART", "--period", "2022-Q1",
             "--value", "92", "--occurred-on", "2022-03-31"]):
        assert store(*command).exit_code == 0, command
    before = store("timeline", "--json").json()["events"][-1]["recorded_at"]
    store("settings", "rating", "--on-track", "95", "--reason", "Stricter")

    diff = store("diff", "impact", "--known-at", before, "--json").json()

    assert [c["fields"] for c in diff["changes"] if c["section"] == "rows"] == [
        {"status": {"from": "on-track", "to": "at-risk"}}]
    assert [e["id"] for e in diff["events"]] == ["settings@2"]
