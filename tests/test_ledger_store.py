"""The ledger on a real store: what is saved stays, loads the same, in one global order."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from scaletrack.application.ledger import Ledger
from scaletrack.application.queries.history import pilot_history
from scaletrack.application.store import StoreURL
from scaletrack.domain.consortium import Consortium
from scaletrack.domain.envelope import Provenance, Recorded
from scaletrack.domain.errors import InvalidInput, NotFound, RuleViolation
from scaletrack.domain.indicator import Indicator
from scaletrack.domain.pilot import Pilot

CODE = "SEED-GR-01"
NOW = datetime(2023, 6, 30, 12, tzinfo=UTC)


def by(on: date = date(2023, 1, 10), reason: str | None = None) -> Provenance:
    return Provenance(occurred_on=on, recorded_at=NOW, actor="tester", reason=reason)


def open_ledger(url: str) -> Ledger:
    return Ledger(StoreURL.parse(url), clock=lambda: NOW)


@pytest.fixture
def seeded(ledger: Ledger) -> Ledger:
    ledger.register_consortium("SEED", "Seed", "City of Turin", ["IT", "GR"], by())
    ledger.define_indicator("PART", {"name": "Participants", "level": "output",
                                     "measure": "unit", "unit": "people",
                                     "direction": "higher", "accumulation": "incremental",
                                     "dimensions": ["sex"]}, by())
    for code in (CODE, "SEED-IT-01"):
        ledger.register_pilot(code, "seed", {
            "title": "SI mapping", "innovation": "Local SI mapping", "origin_country": "IT",
            "target_countries": ["GR"], "core_components": ["Method"],
            "adaptable_components": ["Venue"], "starts_on": date(2022, 1, 1),
            "ends_on": date(2023, 6, 30)}, by())
    return ledger


def public_state(pilot: Pilot) -> dict[str, Any]:
    return {k: v for k, v in vars(pilot).items() if not k.startswith("_")}


def replayed(ledger: Ledger, code: str, upto: int | None = None) -> Pilot:
    """The pilot rebuilt from every stored event, ignoring snapshots and caches."""
    pilot: Any = None
    for event in ledger.events.get(Pilot.id_for(code), lte=upto):
        assert isinstance(event, Recorded)
        pilot = event.mutate(pilot)
    assert isinstance(pilot, Pilot)
    return pilot


def log_many(ledger: Ledger, count: int) -> None:
    """``count`` events of several kinds: milestones (dates), risks, funding (decimals; a
    pilot has one result per indicator and quarter)."""
    for n in range(count // 4):
        ledger.log_event("milestone-planned", CODE, {
            "milestone": f"M{n}", "title": f"Site {n}",
            "due_on": date(2022, 1, 1) + timedelta(days=n)}, by())
        ledger.log_event("risk-raised", CODE, {"risk": f"R{n}", "description": "Turnover",
                                               "severity": "low"}, by())
        ledger.log_event("risk-closed", CODE, {"risk": f"R{n}"}, by())
        ledger.log_event("funding", CODE, {"funder": f"Funder {n}", "amount_eur": n + 1},
                         by())


def test_what_was_saved_is_there_after_reopening_the_store(seeded: Ledger,
                                                          store_url: str) -> None:
    seeded.log_event("milestone-planned", CODE, {"milestone": "M1", "title": "Athens",
                                                 "due_on": date(2023, 3, 31)}, by())
    seeded.log_event("milestone-slipped", CODE, {"milestone": "M1",
                                                 "new_due_on": date(2023, 5, 31)}, by())
    before = public_state(seeded.get(Pilot, CODE))
    history = pilot_history(seeded, CODE)
    seeded.close()

    reopened = open_ledger(store_url)
    try:
        assert public_state(reopened.get(Pilot, CODE)) == before
        assert pilot_history(reopened, CODE) == history
        assert reopened.get(Pilot, CODE).milestones["M1"].due_on == date(2023, 5, 31)
        assert reopened.event_count() == 6
    finally:
        reopened.close()


def test_a_long_stream_loads_from_snapshots_as_if_replayed(seeded: Ledger,
                                                           store_url: str) -> None:
    log_many(seeded, 220)
    seeded.close()

    reopened = open_ledger(store_url)
    try:
        assert reopened.snapshots is not None
        snapshots = list(reopened.snapshots.get(Pilot.id_for(CODE)))
        assert [s.originator_version for s in snapshots] == [100, 200]
        loaded = reopened.get(Pilot, CODE)
        assert loaded.version == 221
        assert public_state(loaded) == public_state(replayed(reopened, CODE))
        earlier = reopened.get(Pilot, CODE, version=150)
        assert public_state(earlier) == public_state(replayed(reopened, CODE, 150))
    finally:
        reopened.close()


def test_every_event_has_a_position_in_one_global_order(seeded: Ledger) -> None:
    seeded.log_event("readiness", "SEED-IT-01", {"score": 60, "summary": "Ready"}, by())
    seeded.log_event("readiness", CODE, {"score": 70, "summary": "Ready"}, by())
    events = list(seeded.all_events())
    assert [e.TYPE for e in events] == [
        "consortium.registered", "indicator.defined", "pilot.registered",
        "pilot.registered", "pilot.readiness-assessed", "pilot.readiness-assessed"]
    assert [e.score for e in events[4:]] == [60, 70]  # type: ignore[attr-defined]
    positions = [n.id for n in seeded.recorder.select_notifications(1, 100)]
    assert positions == list(range(1, 7))
    assert seeded.event_count() == 6
    assert len(list(seeded.all_events(types=["pilot.registered"]))) == 2
    assert seeded.codes(Pilot) == [CODE, "SEED-IT-01"]
    assert [c.code for c in seeded.all(Consortium)] == ["SEED"]


def test_an_event_id_finds_the_event_and_names_its_pilot(seeded: Ledger) -> None:
    seeded.log_event("readiness", CODE, {"score": 70, "summary": "Ready"}, by())
    record = pilot_history(seeded, CODE)[-1]
    assert (record["id"], record["subject"], record["version"]) == (f"{CODE}@2", CODE, 2)
    assert seeded.pilot_event(CODE, 2).TYPE == "pilot.readiness-assessed"
    with pytest.raises(NotFound, match="no event SEED-GR-01@3"):
        seeded.pilot_event(CODE, 3)
    with pytest.raises(NotFound, match="no pilot SEED-XX-01"):
        pilot_history(seeded, "SEED-XX-01")
    with pytest.raises(NotFound, match="only 2 events"):
        seeded.get(Pilot, CODE, version=3)


def test_a_refused_command_leaves_the_store_as_it_was(seeded: Ledger) -> None:
    count = seeded.event_count()
    with pytest.raises(RuleViolation):
        seeded.log_event("stage", CODE, {"to_stage": "piloting"}, by())
    with pytest.raises(InvalidInput):
        seeded.log_event("readiness", CODE, {"score": 170, "summary": "Ready"}, by())
    with pytest.raises(RuleViolation):
        seeded.log_event("readiness", CODE, {"score": 70, "summary": "Ready"},
                         by(on=date(2023, 7, 1)))
    with pytest.raises(NotFound):
        seeded.log_event("target", CODE, {"indicator": "NOPE", "period": "2023-Q1",
                                          "target": 1}, by())
    with pytest.raises(RuleViolation):
        seeded.retract(f"{CODE}@1", by(reason="Not an entry"))
    assert seeded.event_count() == count
    assert seeded.get(Pilot, CODE).version == 1
    assert seeded.get(Indicator, "PART").version == 1
