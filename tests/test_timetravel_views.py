"""Every view at a point in time equals the views of a store that only ever held what
that point sees.

The oracle copies the stored rows that a point sees, verbatim, into a new
store and computes its views from scratch there; ``scaletrack VIEW --known-at
T`` (or ``--as-of D``) must print the same documents, for Hypothesis-chosen
points over generated histories with late reports, corrections and retractions.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from eventsourcing.persistence import StoredEvent
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scaletrack.application.commands import AmendPilot
from scaletrack.application.ledger import Ledger
from scaletrack.application.store import StoreURL, empty_store
from scaletrack.domain.errors import ScaletrackError
from scaletrack.projections.database import engine_for
from scaletrack.projections.facts import StoreSource
from scaletrack.projections.runner import ReadModels
from view_documents import documents

START = datetime(2022, 1, 3, 9, tzinfo=UTC)
PERIODS = ["2022-Q1", "2022-Q2", "2022-Q3"]
copies = itertools.count(1)
KINDS = {"target": "target", "result": "result", "milestone": "milestone-planned",
         "achieved": "milestone-achieved", "risk": "risk-raised"}


class Clock:
    """Recorded-at moments: each command a number of hours after the one before."""

    def __init__(self) -> None:
        self.now = START
        self.step = timedelta(hours=20)

    def __call__(self) -> datetime:
        self.now += self.step
        return self.now


step = st.tuples(st.sampled_from(["target", "result", "result", "milestone", "achieved",
                                  "risk", "correct", "retract", "amend"]),
                 st.integers(0, 1), st.integers(0, 40), st.integers(0, 60))
"""(what, which pilot, how many days late it is recorded, a figure)."""


def build(url: str, steps: list[tuple[str, int, int, int]]) -> None:
    empty_store(StoreURL.parse(url))
    clock = Clock()
    ledger = Ledger(StoreURL.parse(url), clock=clock)
    try:
        by = ledger.provenance("setup", date(2022, 1, 3))
        ledger.register_consortium("SEED", "SEED consortium", "Turin", ["IT", "GR"], by)
        ledger.define_indicator("PART", {"name": "Participants", "level": "output",
                                         "measure": "unit", "unit": "people",
                                         "direction": "higher", "accumulation": "incremental",
                                         "dimensions": []}, by)
        for code in ("P-1", "P-2"):
            ledger.register_pilot(code, "SEED", {
                "title": "A pilot", "innovation": "An innovation", "origin_country": "IT",
                "target_countries": ["GR"], "core_components": ["Method"],
                "adaptable_components": ["Venue"], "starts_on": date(2022, 1, 1),
                "ends_on": date(2023, 12, 31)}, by)
        entries: list[str] = []
        for number, (what, pilot, late, figure) in enumerate(steps):
            if what in ("correct", "retract") and not entries:
                continue
            code = f"P-{pilot + 1}"
            day = max(date(2022, 1, 4), (clock.now + clock.step).date() - timedelta(days=late))
            by = ledger.provenance("tester", day, "because")
            period = PERIODS[figure % len(PERIODS)]
            values: dict[str, Any] = dict[str, dict[str, Any]]({
                "target": {"indicator": "PART", "period": period, "target": figure,
                           "baseline": 0},
                "result": {"indicator": "PART", "period": period, "value": figure},
                "milestone": {"milestone": f"M{number}", "title": "A milestone",
                              "due_on": day + timedelta(days=figure)},
                "achieved": {"milestone": f"M{number - 1}"},
                "risk": {"risk": f"R{number}", "description": "Turnover", "severity": "high"},
            }).get(what, {})
            try:
                if what == "correct":
                    ledger.correct(entries[figure % len(entries)], {"value": figure}, by)
                    continue
                if what == "retract":
                    ledger.retract(entries[figure % len(entries)], by)
                    continue
                if what == "amend":  # into Italy too, or back to Greece only
                    ledger.handle(AmendPilot(code, title=f"Pilot {figure}", target_countries=[
                        "GR", "IT"][:1 + figure % 2]), by=by)
                    continue
                logged = ledger.log_event(KINDS[what], code, values, by)
            except ScaletrackError:
                continue  # refused: the history goes on
            if what in ("target", "result", "milestone", "risk"):
                entries.append(f"{code}@{logged.version}")
    finally:
        ledger.close()


def copy_of(url: str, directory: Path, keep: Callable[[dict[str, Any], set[tuple[Any, int]]],
                                                      bool]) -> str:
    """A new store holding the stored rows ``keep`` accepts, verbatim, in order.
    ``keep`` is told each row's state and the (aggregate, version)s kept so far."""
    target = f"sqlite:///{directory / f'copy-{next(copies)}.db'}"
    source, copy = Ledger(StoreURL.parse(url)), Ledger(StoreURL.parse(target))
    try:
        kept: set[tuple[Any, int]] = set()
        rows = []
        for note in source.recorder.select_notifications(1, 100_000):
            state = json.loads(note.state)
            if keep({**state, "_id": note.originator_id}, kept):
                kept.add((note.originator_id, note.originator_version))
                rows.append(StoredEvent(note.originator_id, note.originator_version,
                                        note.topic, note.state))
        if rows:
            copy.recorder.insert_events(rows)
    finally:
        source.close()
        copy.close()
    return target


def views_from_scratch(url: str, today: date) -> dict[str, Any]:
    ledger = Ledger(StoreURL.parse(url))
    engine = engine_for(url)
    try:
        ReadModels(engine, StoreSource(ledger.recorder), ledger.name).catch_up()
        return documents(engine, today)
    finally:
        engine.dispose()
        ledger.close()


def printed(run: Any, *point: str) -> dict[str, Any]:
    found = {}
    for view in ("progress", "impact", "portfolio", "decisions", "quality", "timeline"):
        result = run(view, *point, "--json")
        assert result.exit_code == 0, result.stderr
        found[view] = result.json()
    return found


histories = st.lists(step, min_size=3, max_size=18)
FAST = settings(max_examples=5, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])


@FAST
@given(steps=histories, hours=st.integers(0, 20 * 24))
def test_a_view_known_at_a_moment_is_the_view_of_a_store_of_what_was_recorded_by_then(
        store_url: str, run: Any, tmp_path: Path, steps: list[Any], hours: int) -> None:
    build(store_url, steps)
    moment = START + timedelta(hours=hours)

    oracle = copy_of(store_url, tmp_path,
                     lambda state, kept: datetime.fromisoformat(state["timestamp"]) <= moment)

    assert printed(run, "--known-at", moment.isoformat()) == \
        views_from_scratch(oracle, moment.date())


def _occurred_by(day: date) -> Callable[[dict[str, Any], set[tuple[Any, int]]], bool]:
    """As of a day: what occurred by then; a correction or retraction goes with its entry."""

    def keep(state: dict[str, Any], kept: set[tuple[Any, int]]) -> bool:
        target = state.get("corrects", state.get("retracts"))
        if target is not None:
            return (state["_id"], target) in kept
        return date.fromisoformat(state["occurred_on"]) <= day

    return keep


@FAST
@given(steps=histories, days=st.integers(0, 24))
def test_a_view_as_of_a_day_is_the_view_of_a_store_of_what_had_occurred_by_then(
        store_url: str, run: Any, tmp_path: Path, steps: list[Any], days: int) -> None:
    build(store_url, steps)
    day = START.date() + timedelta(days=days)

    oracle = copy_of(store_url, tmp_path, _occurred_by(day))

    assert printed(run, "--as-of", day.isoformat()) == views_from_scratch(oracle, day)


def test_both_axes_together_see_what_was_recorded_by_t1_about_the_world_by_t2(
        store_url: str, run: Any, tmp_path: Path) -> None:
    build(store_url, [("result", 0, 30, 5), ("result", 0, 0, 6), ("correct", 0, 0, 9),
                      ("target", 1, 10, 7), ("retract", 0, 0, 1), ("result", 1, 2, 8)])
    day, moment = START.date() + timedelta(days=3), START + timedelta(hours=130)
    by_day = _occurred_by(day)

    oracle = copy_of(store_url, tmp_path, lambda state, kept: datetime.fromisoformat(
        state["timestamp"]) <= moment and by_day(state, kept))

    assert printed(run, "--as-of", day.isoformat(), "--known-at", moment.isoformat()) == \
        views_from_scratch(oracle, day)


def test_a_point_before_the_first_event_gives_empty_views_with_a_note(
        store_url: str, run: Any) -> None:
    build(store_url, [("result", 0, 0, 5)])

    result = run("impact", "--known-at", "2021-12-31", "--json")

    assert result.exit_code == 0
    assert result.json()["rows"] == []
    assert "note:" in result.stderr


def test_a_point_after_now_gives_the_current_view_with_a_note(store_url: str, run: Any) -> None:
    build(store_url, [("result", 0, 0, 5), ("target", 0, 0, 5)])

    later, current = run("impact", "--known-at", "2999-01-01", "--json"), run("impact", "--json")

    assert later.exit_code == 0
    assert later.json() == current.json()
    assert "after now" in later.stderr


def test_a_moment_that_is_not_iso_8601_is_invalid_input(store_url: str, run: Any) -> None:
    build(store_url, [])

    result = run("impact", "--known-at", "15/07/2022")

    assert result.exit_code == 2
    assert "15/07/2022" in result.stderr
    assert result.stderr.count("\n") == 1
