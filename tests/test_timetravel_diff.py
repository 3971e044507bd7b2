"""``scaletrack diff``: what differs between two points, and exactly which events did it."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from scaletrack.application.ledger import Ledger
from scaletrack.application.store import StoreURL


class Clock:
    """Recorded-at moments that the test sets, one command at a time."""

    def __init__(self) -> None:
        self.now = datetime(2022, 1, 10, 9, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def history(store_url: str) -> dict[str, str]:
    """A pilot whose Q1 result is corrected in August and who raises a risk in September."""
    clock = Clock()
    ledger = Ledger(StoreURL.parse(store_url), clock=clock)
    by = ledger.provenance
    ledger.register_consortium("SEED", "Seed", "City of Turin", ["IT", "GR"], by("ana"))
    ledger.define_indicator("PART", {"name": "Participants", "level": "output",
                                     "measure": "unit", "unit": "people",
                                     "direction": "higher", "accumulation": "incremental",
                                     "dimensions": ["sex"]}, by("ana"))
    ledger.register_pilot("SEED-GR-01", "SEED", {
        "title": "Mapping", "innovation": "SI mapping", "origin_country": "IT",
        "target_countries": ["GR"], "core_components": ["Method"],
        "adaptable_components": ["Venue"], "starts_on": date(2022, 1, 1),
        "ends_on": date(2023, 6, 30)}, by("ana"))
    ledger.log_event("target", "SEED-GR-01", {"indicator": "PART", "period": "2022-Q1",
                                              "baseline": 0, "target": 20}, by("ana"))
    clock.now = datetime(2022, 4, 5, 9, tzinfo=UTC)
    result = "SEED-GR-01@{}".format(ledger.log_event("result", "SEED-GR-01", {
        "indicator": "PART", "period": "2022-Q1", "value": 10},
        by("ana", date(2022, 3, 31))).version)
    clock.now = datetime(2022, 8, 1, 9, tzinfo=UTC)
    correction = "SEED-GR-01@{}".format(ledger.correct(
        result, {"value": 16}, by("bo", reason="Two sign-in sheets came late")).version)
    clock.now = datetime(2022, 9, 1, 9, tzinfo=UTC)
    risk = "SEED-GR-01@{}".format(ledger.log_event("risk-raised", "SEED-GR-01", {
        "risk": "R1", "description": "Staff turnover", "severity": "high"}, by("ana")).version)
    ledger.close()
    return {"result": result, "correction": correction, "risk": risk}


def test_a_diff_of_impact_lists_the_changed_figure_and_only_the_correction(
        history: dict[str, str], run: Any) -> None:
    done = run("diff", "impact", "--pilot", "SEED-GR-01", "--known-at", "2022-07-15",
               "--to-known-at", "2022-09-30", "--json")
    assert done.exit_code == 0, done.stderr
    diff = done.json()
    [change] = [c for c in diff["changes"] if c["key"].get("period") == "2022-Q1"]
    assert change["fields"]["actual"] == {"from": 10, "to": 16}
    assert [e["id"] for e in diff["events"]] == [history["correction"]]
    assert diff["events"][0]["corrects"] == history["result"]


def test_a_diff_of_progress_names_every_event_between_that_changes_it(
        history: dict[str, str], run: Any) -> None:
    done = run("diff", "progress", "--pilot", "SEED-GR-01", "--known-at", "2022-07-15",
               "--to-known-at", "2022-09-30", "--json")
    assert done.exit_code == 0, done.stderr
    diff = done.json()
    # The risk opens a risk and is the pilot's last activity. The correction, seen
    # only later too, counts on the day of the result it corrects (31 March, already
    # the last activity before): it changes no row, so it is not named; nor is the
    # result, seen at both points.
    assert [e["id"] for e in diff["events"]] == [history["risk"]]
    pilot_rows = [c for c in diff["changes"] if c["key"].get("pilot") == "SEED-GR-01"]
    assert [c["fields"]["open_risks"] for c in pilot_rows] == [{"from": 0, "to": 1}]


def test_two_points_that_see_the_same_events_differ_in_nothing(
        history: dict[str, str], run: Any) -> None:
    done = run("diff", "impact", "--known-at", "2022-09-02", "--to-known-at", "2022-12-31",
               "--json")
    assert done.exit_code == 0, done.stderr
    assert done.json()["changes"] == []
    assert done.json()["events"] == []


def test_a_diff_on_the_valid_time_axis_follows_when_things_happened(
        history: dict[str, str], run: Any) -> None:
    done = run("diff", "impact", "--pilot", "SEED-GR-01", "--as-of", "2022-03-30",
               "--to-as-of", "2022-03-31", "--json")
    assert done.exit_code == 0, done.stderr
    ids = [e["id"] for e in done.json()["events"]]
    # The result happened on 31 March; its correction follows it onto the same day.
    assert ids == [history["result"], history["correction"]]


def test_a_diff_with_a_malformed_point_is_refused_in_one_line(
        history: dict[str, str], run: Any) -> None:
    done = run("diff", "impact", "--known-at", "last summer", "--to-known-at", "2022-09-30")
    assert done.exit_code == 2
    assert len(done.stderr.strip().splitlines()) == 1


def test_on_the_demo_a_late_correction_changes_impact_as_known_before_and_after(
        demo_url: str, run: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCALETRACK_DB", demo_url)

    def q1_participants(known_at: str) -> Any:
        done = run("impact", "--pilot", "SEED-GR-01", "--indicator", "EECO01", "--period",
                   "2022-Q1", "--known-at", known_at, "--json")
        assert done.exit_code == 0, done.stderr
        [row] = [r for r in done.json()["rows"] if r["period"] == "2022-Q1"]
        return row["actual"]

    assert q1_participants("2022-10-01") != q1_participants("2022-10-31")
    done = run("diff", "impact", "--pilot", "SEED-GR-01", "--known-at", "2022-10-01",
               "--to-known-at", "2022-10-31", "--json")
    corrections = [e for e in done.json()["events"] if e["type"] == "pilot.entry-corrected"]
    assert corrections
    assert all(e["reason"] for e in corrections)
    assert any("counted twice" in e["reason"] for e in corrections)  # the demo's late one




@pytest.fixture
def redefined(store_url: str, history: dict[str, str]) -> dict[str, str]:
    """The history, then: a Q3 target under PART's first definition; PART revised in
    June (a country breakdown); the Q3 result, reported in October under the second."""
    clock = Clock()
    ledger = Ledger(StoreURL.parse(store_url), clock=clock)
    by = ledger.provenance
    clock.now = datetime(2022, 9, 2, 9, tzinfo=UTC)
    ledger.log_event("target", "SEED-GR-01", {"indicator": "PART", "period": "2022-Q3",
                                              "baseline": 0, "target": 20}, by("ana"))
    clock.now = datetime(2022, 9, 3, 9, tzinfo=UTC)
    ledger.revise_indicator("PART", {"dimensions": ["sex", "country"]},
                            by("wg", date(2022, 6, 15), reason="A country breakdown"))
    clock.now = datetime(2022, 10, 5, 9, tzinfo=UTC)
    result = ledger.log_event("result", "SEED-GR-01", {
        "indicator": "PART", "period": "2022-Q3", "value": 12,
        "breakdown": {"sex": {"women": 7, "men": 5}, "country": {"GR": 12}}},
        by("ana", date(2022, 9, 30))).version
    ledger.close()
    return {**history, "q3": f"SEED-GR-01@{result}"}


def test_a_row_read_under_a_new_definition_is_one_change_of_that_row(
        redefined: dict[str, str], run: Any) -> None:
    done = run("diff", "impact", "--pilot", "SEED-GR-01", "--known-at", "2022-09-30",
               "--to-known-at", "2022-10-31", "--json")

    assert done.exit_code == 0, done.stderr
    [change] = [c for c in done.json()["changes"] if c["key"].get("period") == "2022-Q3"]
    assert (change["change"], change["key"]) == ("changed", {
        "pilot": "SEED-GR-01", "consortium": "SEED", "indicator": "PART",
        "period": "2022-Q3"})
    assert change["fields"]["indicator_version"] == {"from": 1, "to": 2}
    assert change["fields"]["actual"] == {"from": None, "to": 12}
    assert change["events"] == [redefined["q3"]]


def test_the_diff_table_shows_a_line_per_field_and_says_none_for_a_missing_value(
        redefined: dict[str, str], run: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "100")
    added = run("diff", "impact", "--pilot", "SEED-GR-01", "--known-at", "2022-09-01",
                "--to-known-at", "2022-09-02T12:00:00Z")  # the Q3 target
    assert run("retract", redefined["q3"], "--reason", "Sheets of another pilot").exit_code == 0
    emptied = run("diff", "impact", "--pilot", "SEED-GR-01", "--known-at", "2022-10-31")

    def cells(table: str) -> list[list[str]]:
        return [[c.strip() for c in line.split("│")[1:-1]] for line in table.splitlines()
                if line.startswith("│")]

    assert added.exit_code == emptied.exit_code == 0, added.stderr + emptied.stderr
    rows = cells(added.stdout)
    assert rows[0][2:4] == ["added", "unit"]  # the row, then one line per value
    assert ["target", "", "20"] in [row[3:6] for row in rows]
    assert ["status", "", "not-due-yet"] in [row[3:6] for row in rows]
    assert not [row for row in rows if "=" in row[5] or ";" in row[5]]
    assert ["actual", "12", "(none)"] in [row[3:6] for row in cells(emptied.stdout)]
