"""Each event is applied exactly once, in order, whatever happens to the process.

Views catch up a page per transaction: an interrupted page leaves the last
committed position and rows, and the next run continues without loss or
double counting. An event delivered again changes nothing. A rebuild is
seen whole or not at all.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from eventsourcing.persistence import IntegrityError, Tracking
from sqlalchemy import Connection, Engine, func, select

from oracle import expected, public
from scaletrack.application.ledger import Ledger
from scaletrack.application.store import StoreURL, empty_store
from scaletrack.projections.database import engine_for
from scaletrack.projections.facts import (
    Fact,
    SelectionSource,
    SQLiteLogSource,
    StoreSource,
    facts_of,
)
from scaletrack.projections.progress import Progress
from scaletrack.projections.registry import VIEWS
from scaletrack.projections.runner import ReadModels
from scaletrack.projections.tables import ProgressEvent
from scaletrack.projections.tracking import ViewTracking
from test_projections_oracle import as_json, oracle
from view_documents import documents

TODAY = date(2023, 6, 1)


class Ticking:
    def __init__(self) -> None:
        self.now = datetime(2022, 12, 1, 9, tzinfo=UTC)

    def __call__(self) -> datetime:
        self.now += timedelta(minutes=30)
        return self.now


def history(ledger: Ledger, pilots: int = 3) -> None:
    """A small history: two set-up events, then fourteen per pilot."""
    set_up(ledger)
    for n in range(1, pilots + 1):
        pilot_history(ledger, f"SEED-GR-{n:02}")


def set_up(ledger: Ledger) -> None:
    by = ledger.provenance
    ledger.register_consortium("SEED", "SEED consortium", "Turin", ["IT", "GR", "SI"],
                               by("ana", date(2022, 1, 3)))
    ledger.define_indicator("PART", {"name": "Participants", "level": "output",
                                     "measure": "unit", "unit": "people",
                                     "direction": "higher", "accumulation": "incremental",
                                     "dimensions": ["sex"]}, by("ana", date(2022, 1, 3)))


def pilot_history(ledger: Ledger, code: str) -> None:
    """Late reports, a slip, a lock lifted, a correction and a retraction."""
    by = ledger.provenance
    ledger.register_pilot(code, "SEED", {
        "title": "Local mapping", "innovation": "SI mapping", "origin_country": "IT",
        "target_countries": ["GR"], "core_components": ["Method"],
        "adaptable_components": ["Venue"], "starts_on": date(2022, 1, 10),
        "ends_on": date(2023, 6, 30)}, by("ana", date(2022, 1, 10)))
    log = ledger.log_event
    log("milestone-planned", code, {"milestone": "M1", "title": "Site open",
                                    "due_on": date(2022, 6, 30)}, by("ana", date(2022, 2, 1)))
    log("milestone-slipped", code, {"milestone": "M1", "new_due_on": date(2022, 9, 30)},
        by("ana", date(2022, 6, 1)))
    log("target", code, {"indicator": "PART", "period": "2022-Q2", "baseline": 0,
                         "target": 40}, by("ana", date(2022, 2, 1)))
    log("result", code, {"indicator": "PART", "period": "2022-Q1", "value": 12,
                         "breakdown": {"sex": {"women": 7, "men": 5}}},
        by("ana", date(2022, 3, 31)))
    log("result", code, {"indicator": "PART", "period": "2022-Q2", "value": 20},
        by("ana", date(2022, 6, 30)))
    log("period-submitted", code, {"period": "2022-Q1"}, by("ana", date(2022, 4, 2)))
    log("period-approved", code, {"period": "2022-Q1"}, by("eva", date(2022, 4, 9)))
    log("period-unlocked", code, {"period": "2022-Q1"},
        ledger.provenance("eva", date(2022, 5, 2), "late invoices"))
    ledger.correct(f"{code}@5", {"value": 14, "breakdown": {"sex": {"women": 8, "men": 6}}},
                   ledger.provenance("ana", date(2022, 5, 3), "double count"))
    ledger.retract(f"{code}@6", ledger.provenance("ana", date(2022, 7, 1), "wrong pilot"))
    log("risk-raised", code, {"risk": "R1", "description": "Turnover", "severity": "high"},
        by("ana", date(2022, 7, 2)))
    log("pathway", code, {"pilot_type": "replication", "dimensions": ["out"],
                          "mechanism": "dissemination"}, by("ana", date(2022, 2, 1)))
    log("adaptation", code, {"component": "Method", "summary": "Shorter sessions"},
        ledger.provenance("ana", date(2022, 8, 1), "working participants"))


@pytest.fixture
def ledger(store_url: str) -> Iterator[Ledger]:
    app = Ledger(StoreURL.parse(store_url), clock=Ticking())
    yield app
    app.close()


@pytest.fixture
def engine(store_url: str) -> Iterator[Engine]:
    found = engine_for(store_url)
    yield found
    found.dispose()


def models(engine: Engine, ledger: Ledger, **options: Any) -> ReadModels:
    return ReadModels(engine, StoreSource(ledger.recorder), ledger.name, **options)


def positions(engine: Engine) -> dict[str, int]:
    with engine.connect() as connection:
        return {name: _position(connection, name) for name in VIEWS}


def _position(connection: Connection, name: str) -> int:
    from scaletrack.projections.tracking import Position

    found = connection.execute(select(Position.notification_id)
                               .where(Position.view == name)).scalar()
    return int(found or 0)


class Interrupted(Progress):
    """The progress view, failing half way through the page holding one event."""

    fail_at = 0

    def fold(self, connection: Connection, facts: Sequence[Fact]) -> None:
        if facts[0].position <= self.fail_at <= facts[-1].position:
            super().fold(connection, [f for f in facts if f.position < self.fail_at])
            raise RuntimeError("the process died")
        super().fold(connection, facts)


def test_a_page_interrupted_half_way_resumes_without_loss_or_double_counting(
        ledger: Ledger, engine: Engine) -> None:
    set_up(ledger)
    models(engine, ledger).catch_up()  # built at event 2; pilots' events come in pages
    for code in ("SEED-GR-01", "SEED-GR-02", "SEED-GR-03"):
        pilot_history(ledger, code)
    Interrupted.fail_at = 23
    failing = models(engine, ledger, views={**VIEWS, "progress": Interrupted}, page=5)
    with pytest.raises(RuntimeError):
        failing.catch_up()
    reached = positions(engine)
    assert reached["progress"] == 22  # the last page committed: events 18 to 22
    with engine.connect() as connection:
        events = connection.execute(select(func.count()).select_from(ProgressEvent)).scalar()
    assert events == 22 - 2  # every pilot event up to 22, once (the first two are not)

    models(engine, ledger, page=5).catch_up()

    assert documents(engine, TODAY) == oracle(ledger, TODAY)
    assert set(positions(engine).values()) == {ledger.event_count()}


def test_an_event_delivered_again_changes_nothing(ledger: Ledger, engine: Engine) -> None:
    history(ledger, pilots=1)
    live = models(engine, ledger)
    live.catch_up()
    before = documents(engine, TODAY)
    old = ledger.pilot_event("SEED-GR-01", 5)

    for view in live.views.values():
        with pytest.raises(IntegrityError):
            view.process_event(old, Tracking(ledger.name, 7))

    assert documents(engine, TODAY) == before


def test_catching_up_from_a_source_that_repeats_old_events_applies_each_once(
        ledger: Ledger, engine: Engine) -> None:
    history(ledger, pilots=1)
    models(engine, ledger).catch_up()
    history_more(ledger)

    class FromTheStart(SelectionSource):
        """An at-least-once delivery: every page from the first event, whatever is asked."""

        def pages(self, after: int, size: int = 1000) -> Iterator[Sequence[Fact]]:
            return super().pages(0, size)

    facts = [f for page in StoreSource(ledger.recorder).pages(0) for f in page]
    ReadModels(engine, FromTheStart(facts), ledger.name, page=4).catch_up()

    assert documents(engine, TODAY) == oracle(ledger, TODAY)


def history_more(ledger: Ledger) -> None:
    by = ledger.provenance("ana", date(2022, 8, 1))
    ledger.log_event("milestone-achieved", "SEED-GR-01", {"milestone": "M1"}, by)
    ledger.log_event("risk-closed", "SEED-GR-01", {"risk": "R1"}, by)


def test_a_reader_sees_the_old_view_until_the_rebuilt_one_is_complete(
        ledger: Ledger, engine: Engine) -> None:
    history(ledger)
    live = models(engine, ledger, page=4)
    live.catch_up()
    before = documents(engine, TODAY)
    seen = []

    def read_during_rebuild(position: int, head: int) -> None:
        seen.append(documents(engine, TODAY))

    live.rebuild(on_page=read_during_rebuild)

    assert len(seen) > 3
    assert all(document == before for document in seen)
    assert documents(engine, TODAY) == before


def test_a_view_built_with_older_tables_is_rebuilt_before_it_is_read(
        ledger: Ledger, engine: Engine) -> None:
    history(ledger, pilots=1)
    models(engine, ledger).catch_up()

    class NewProgress(Progress):
        schema = Progress.schema + 1

    newer = models(engine, ledger, views={**VIEWS, "progress": NewProgress})
    assert {row["view"]: row["state"] for row in newer.status()}["progress"] == \
        "outdated tables"
    newer.catch_up()

    assert {row["state"] for row in newer.status()} == {"current"}
    assert documents(engine, TODAY) == oracle(ledger, TODAY)


def test_views_of_an_emptied_and_refilled_store_are_rebuilt(
        store_url: str, ledger: Ledger, engine: Engine) -> None:
    history(ledger, pilots=3)
    models(engine, ledger).catch_up()
    ledger.close()
    engine.dispose()
    empty_store(StoreURL.parse(store_url))
    refilled = Ledger(StoreURL.parse(store_url), clock=Ticking())
    try:
        history(refilled, pilots=1)
        fresh = engine_for(store_url)
        models(fresh, refilled).catch_up()
        assert documents(fresh, TODAY) == oracle(refilled, TODAY)
        fresh.dispose()
    finally:
        refilled.close()


def test_status_shows_each_views_position_and_lag(ledger: Ledger, engine: Engine) -> None:
    history(ledger, pilots=1)
    live = models(engine, ledger)
    live.catch_up(["directory"])
    head = ledger.event_count()

    rows = {row["view"]: row for row in live.status()}

    assert rows["directory"] == {"view": "directory", "position": head, "head": head,
                                 "lag": 0, "state": "current"}
    assert rows["impact"]["state"] == "not built"
    assert rows["impact"]["lag"] == head


def test_two_processes_catching_up_at_once_apply_each_event_once(
        store_url: str, ledger: Ledger) -> None:
    history(ledger, pilots=4)
    engines = [engine_for(store_url) for _ in range(2)]
    errors: list[BaseException] = []

    def catch_up(engine: Engine) -> None:
        try:
            models(engine, ledger, page=3).catch_up()
        except BaseException as error:  # reported below, in the test's thread
            errors.append(error)

    threads = [threading.Thread(target=catch_up, args=(e,)) for e in engines]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert documents(engines[0], TODAY) == oracle(ledger, TODAY)
    for engine in engines:
        engine.dispose()


def test_views_of_the_events_known_at_a_moment_equal_the_oracle_of_those_events(
        ledger: Ledger, engine: Engine) -> None:
    history(ledger, pilots=2)
    models(engine, ledger).catch_up()
    live = documents(engine, TODAY)
    events = list(ledger.all_events())
    moment = events[20].recorded_at
    known = [e for e in events if e.recorded_at <= moment]

    elsewhere = engine_for("sqlite://")
    ReadModels(elsewhere, SelectionSource(facts_of(known)), ledger.name, page=4).catch_up()

    assert 0 < len(known) < len(events)
    assert documents(elsewhere, TODAY) == as_json(public(expected(known, TODAY)))
    assert documents(engine, TODAY) == live  # the live views are untouched
    elsewhere.dispose()


def test_the_sqlite_log_source_reads_what_the_librarys_recorder_reads(
        sqlite_url: str) -> None:
    ledger = Ledger(StoreURL.parse(sqlite_url), clock=Ticking())
    history(ledger, pilots=2)
    log = SQLiteLogSource(StoreURL.parse(sqlite_url).path)
    try:
        for after in (0, 7):
            assert [list(p) for p in log.pages(after, 4)] == [
                list(p) for p in StoreSource(ledger.recorder).pages(after, 4)]
        assert log.head() == ledger.event_count()
    finally:
        log.close()
        ledger.close()


def test_a_views_tracking_follows_the_librarys_tracking_recorder_contract(
        ledger: Ledger, engine: Engine) -> None:
    history(ledger, pilots=0)
    models(engine, ledger).catch_up(["directory"])
    tracking = ViewTracking(engine, "directory", ledger.name)

    tracking.insert_tracking(Tracking(ledger.name, 5))

    assert tracking.max_tracking_id(ledger.name) == 5
    assert tracking.has_tracking_id(ledger.name, 5)
    assert not tracking.has_tracking_id(ledger.name, 6)
    assert tracking.max_tracking_id("another application") is None
    with pytest.raises(IntegrityError):
        tracking.insert_tracking(Tracking(ledger.name, 5))
