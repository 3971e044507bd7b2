"""Recorded-at never goes backwards in store order, whatever a writer's clock says."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from itertools import pairwise

from scaletrack.application.ledger import Ledger
from scaletrack.application.store import StoreURL
from scaletrack.domain.envelope import Provenance, Recorded
from scaletrack.domain.pilot import Pilot

CODE = "SEED-GR-01"
LATE = datetime(2023, 6, 30, 12, 0, 0, 250000, tzinfo=UTC)


def backwards(ledger: Ledger) -> int:
    """How many stored events are recorded before the event stored ahead of them."""
    moments = [e.recorded_at for e in ledger.all_events()]
    return sum(1 for before, after in pairwise(moments) if after < before)


def set_up(ledger: Ledger) -> None:
    by = Provenance(occurred_on=date(2022, 1, 10), recorded_at=LATE - timedelta(days=1),
                    actor="setup")
    ledger.register_consortium("SEED", "Seed", "City of Turin", ["IT", "GR"], by)
    ledger.register_pilot(CODE, "SEED", {
        "title": "SI mapping", "innovation": "Local SI mapping", "origin_country": "IT",
        "target_countries": ["GR"], "core_components": ["Method"],
        "adaptable_components": ["Venue"], "starts_on": date(2022, 1, 1),
        "ends_on": date(2023, 6, 30)}, by)


def risk(ledger: Ledger, name: str) -> Pilot:
    return ledger.log_event("risk-raised", CODE, {"risk": name, "description": "Turnover",
                                                  "severity": "low"},
                            ledger.provenance("ana", date(2022, 5, 1)))


def test_a_write_stamped_before_the_newest_event_is_recorded_at_its_moment(
        store_url: str) -> None:
    ahead = Ledger(StoreURL.parse(store_url), clock=lambda: LATE)
    behind = Ledger(StoreURL.parse(store_url), clock=lambda: LATE - timedelta(seconds=3))
    try:
        set_up(ahead)
        risk(ahead, "R1")
        pilot = risk(behind, "R2")  # a writer whose clock is 3 s slow, or who waited
        later = Ledger(StoreURL.parse(store_url),
                       clock=lambda: LATE + timedelta(minutes=1))
        try:
            risk(later, "R3")
            stored = [e.recorded_at for e in later.events.get(Pilot.id_for(CODE))
                      if isinstance(e, Recorded)]
            assert backwards(later) == 0
        finally:
            later.close()
    finally:
        ahead.close()
        behind.close()

    assert pilot.version == 3
    assert stored[1:] == [LATE, LATE, LATE + timedelta(minutes=1)]


def test_a_copy_keeps_every_moment_as_it_was(sqlite_url: str, tmp_path: object) -> None:
    from scaletrack.application.copying import copy_store

    ledger = Ledger(StoreURL.parse(sqlite_url), clock=lambda: LATE)
    try:
        set_up(ledger)
        risk(ledger, "R1")
        moments = [e.recorded_at for e in ledger.all_events()]
    finally:
        ledger.close()
    target = f"sqlite:///{tmp_path}/copy.db"

    copy_store(StoreURL.parse(sqlite_url), StoreURL.parse(target))

    copy = Ledger(StoreURL.parse(target))
    try:
        assert [e.recorded_at for e in copy.all_events()] == moments
    finally:
        copy.close()
