"""Events stored by an older version of scaletrack are read in today's schema.

``pilot.funding-secured`` is at schema version 2: version 1 had no ``currency``
(amounts were euros by definition). The tests write a version-1 row straight
into the SQLite table, as the older software did, and read it back through
the ledger.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from scaletrack.application.ledger import Ledger
from scaletrack.application.queries.history import pilot_history
from scaletrack.application.store import StoreURL
from scaletrack.domain import pilot_events as ev
from scaletrack.domain.consortium import Consortium
from scaletrack.domain.envelope import Provenance, Recorded, every_event_type
from scaletrack.domain.errors import RuleViolation
from scaletrack.domain.indicator import Indicator
from scaletrack.domain.pilot import Pilot

CODE = "SEED-GR-01"
NOW = datetime(2023, 6, 30, 12, tzinfo=UTC)
V1_FUNDING = {
    "timestamp": "2022-05-03T08:15:00.000000Z", "occurred_on": "2022-04-28", "actor": "ana",
    "source": "cli", "reason": None, "key": None, "funder": "ESF+ OP Attica",
    "amount_eur": "150000",
}
"""A funding event as version 1 stored it: no currency, no class_version."""


def by(reason: str | None = None) -> Provenance:
    return Provenance(occurred_on=date(2022, 4, 1), recorded_at=NOW, actor="ana", reason=reason)


def open_ledger(path: Path) -> Ledger:
    return Ledger(StoreURL.parse(f"sqlite:///{path}"), clock=lambda: NOW)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """A store with a pilot, and a version-1 funding event written as the old software did."""
    path = tmp_path / "old.db"
    ledger = open_ledger(path)
    ledger.register_consortium("SEED", "Seed", "City of Turin", ["IT", "GR"], by())
    ledger.register_pilot(CODE, "SEED", {
        "title": "SI mapping", "innovation": "Local SI mapping", "origin_country": "IT",
        "target_countries": ["GR"], "core_components": ["Method"],
        "adaptable_components": ["Venue"], "starts_on": date(2022, 1, 1),
        "ends_on": date(2023, 6, 30)}, by())
    ledger.close()
    with sqlite3.connect(path) as connection:
        connection.execute("INSERT INTO stored_events VALUES (?, ?, ?, ?)",
                           (Pilot.id_for(CODE).hex, 2, "pilot.funding-secured",
                            json.dumps(V1_FUNDING).encode()))
    connection.close()
    return path


def stored_states(path: Path, topic: str) -> list[dict[str, Any]]:
    with sqlite3.connect(path) as connection:
        rows = connection.execute("SELECT state FROM stored_events WHERE topic = ? "
                                  "ORDER BY rowid", (topic,)).fetchall()
    connection.close()
    return [json.loads(state) for (state,) in rows]


def test_a_version_1_funding_event_reads_as_version_3_in_euros_from_no_stated_source(
        db: Path) -> None:
    ledger = open_ledger(db)
    event = ledger.pilot_event(CODE, 2)
    assert isinstance(event, ev.FundingSecured)
    assert (event.funder, event.amount_eur, event.currency) == (
        "ESF+ OP Attica", Decimal(150000), "EUR")
    assert (event.occurred_on, event.actor) == (date(2022, 4, 28), "ana")
    (record,) = [r for r in pilot_history(ledger, CODE) if r["type"] == "pilot.funding-secured"]
    assert record["data"] == {"funder": "ESF+ OP Attica", "amount_eur": "150000",
                              "currency": "EUR", "funding_source": None,
                              "co_financing_rate": None}
    pilot = ledger.get(Pilot, CODE)
    assert (pilot.version, pilot.entry_count) == (2, 1)
    ledger.close()


def test_a_version_1_event_can_be_corrected_and_new_ones_are_stored_as_version_3(
        db: Path) -> None:
    ledger = open_ledger(db)
    ledger.correct(f"{CODE}@2", {"amount_eur": "140000"}, by(reason="Co-funding share"))
    ledger.log_event("funding", CODE, {"funder": "Region", "amount_eur": "5000"}, by())
    correction = ledger.pilot_event(CODE, 3)
    assert isinstance(correction, ev.EntryCorrected)
    assert correction.data == {"funder": "ESF+ OP Attica", "amount_eur": "140000",
                               "currency": "EUR", "funding_source": None,
                               "co_financing_rate": None}
    ledger.close()

    old, new = stored_states(db, "pilot.funding-secured")
    assert "class_version" not in old, "reading must never rewrite what was stored"
    assert (new["class_version"], new["currency"]) == (3, "EUR")


def test_every_event_type_declares_its_schema_version() -> None:
    types = every_event_type()
    versions = {name: cls.class_version for name, cls in types.items()}
    assert versions["pilot.funding-secured"] == 3
    upcast = {"indicator.defined", "indicator.revised"}
    assert {name: versions[name] for name in upcast} == dict.fromkeys(upcast, 2)
    assert {v for name, v in versions.items()
            if name not in {*upcast, "pilot.funding-secured"}} == {1}
    for name, cls in types.items():
        for version in range(1, cls.class_version):
            assert callable(getattr(cls, f"upcast_v{version}_v{version + 1}", None)), name


# -- snapshots --------------------------------------------------------------------------

V1_SNAPSHOT = (
    '{"timestamp":{"_type_":"datetime_iso","_data_":"2026-12-01T22:42:32.554669+00:00"},'
    '"topic":"scaletrack.domain.pilot:Pilot","state":{'
    '"_created_on":{"_type_":"datetime_iso","_data_":"2023-06-30T12:00:00+00:00"},'
    '"_modified_on":{"_type_":"datetime_iso","_data_":"2023-06-30T12:00:00+00:00"},'
    '"stage":"proposed","pilot_type":null,"dimensions":[],"mechanism":null,'
    '"affiliation_form":null,"readiness_score":null,"evaluations":0,'
    '"milestones":{"M1":{"title":"Athens","due_on":{"_type_":"date_iso",'
    '"_data_":"2023-05-31"},"status":"planned","slips":1}},"partners":{},'
    '"targets":{"PART|2023-Q1":5},"risks":{"R1":"open"},"periods":{"2022-Q4":"submitted"},'
    '"entries":{"5":{"type":"pilot.target-set","period":"2023-Q1","retracted":false},'
    '"6":{"type":"pilot.result-reported","period":"2023-Q1","retracted":false,'
    '"corrected":true},"7":{"type":"pilot.result-reported","period":"2023-Q1",'
    '"retracted":true}},"code":"SEED-GR-01","consortium":"SEED","title":"SI mapping",'
    '"innovation":"Local SI mapping","origin_country":"IT","target_countries":["GR"],'
    '"core_components":["Method"],"adaptable_components":["Venue"],'
    '"starts_on":{"_type_":"date_iso","_data_":"2022-01-01"},'
    '"ends_on":{"_type_":"date_iso","_data_":"2023-06-30"}}}'
)
"""The snapshot version 1 of the Pilot stored after the ten events of :func:`old_pilot`:
a record of every entry, milestones and targets as plain dictionaries."""


def old_pilot(path: Path) -> None:
    """The pilot whose tenth version :data:`V1_SNAPSHOT` is, with that snapshot stored."""
    ledger = open_ledger(path)
    ledger.register_consortium("SEED", "Seed", "City of Turin", ["IT", "GR"], by())
    ledger.define_indicator("PART", {"name": "Participants", "level": "output",
                                     "measure": "unit", "unit": "people",
                                     "direction": "higher", "accumulation": "incremental",
                                     "dimensions": ["sex"]}, by())
    ledger.register_pilot(CODE, "SEED", {
        "title": "SI mapping", "innovation": "Local SI mapping", "origin_country": "IT",
        "target_countries": ["GR"], "core_components": ["Method"],
        "adaptable_components": ["Venue"], "starts_on": date(2022, 1, 1),
        "ends_on": date(2023, 6, 30)}, by())
    steps: list[tuple[str, dict[str, Any]]] = [
        ("milestone-planned", {"milestone": "M1", "title": "Athens", "due_on": date(2023, 3, 31)}),
        ("milestone-slipped", {"milestone": "M1", "new_due_on": date(2023, 5, 31)}),
        ("risk-raised", {"risk": "R1", "description": "Turnover", "severity": "low"}),
        ("target", {"indicator": "PART", "period": "2023-Q1", "target": 100}),
        ("result", {"indicator": "PART", "period": "2022-Q2", "value": 40, "breakdown": {}}),
        ("result", {"indicator": "PART", "period": "2022-Q1", "value": 50, "breakdown": {}}),
    ]
    for kind, values in steps:
        ledger.log_event(kind, CODE, values, by())
    ledger.correct(f"{CODE}@6", {"value": 45}, by(reason="typo"))
    ledger.retract(f"{CODE}@7", by(reason="duplicate"))
    ledger.log_event("period-submitted", CODE, {"period": "2022-Q4"},
                     replace(by(), occurred_on=date(2023, 1, 5)))
    ledger.close()
    with sqlite3.connect(path) as connection:
        connection.execute("INSERT INTO stored_snapshots VALUES (?, ?, ?, ?)",
                           (Pilot.id_for(CODE).hex, 10, "eventsourcing.domain:Snapshot",
                            V1_SNAPSHOT.encode()))
    connection.close()


def replayed(ledger: Ledger) -> dict[str, Any]:
    pilot: Any = None
    for event in ledger.events.get(Pilot.id_for(CODE)):
        assert isinstance(event, Recorded)
        pilot = event.mutate(pilot)
    return {k: v for k, v in vars(pilot).items() if not k.startswith("_")}


def kept_by_version_1(state: dict[str, Any]) -> dict[str, Any]:
    """A pilot's state without what a version 1 snapshot did not record: the day each
    milestone was planned and each report submitted, the results and the adopted decisions
    (upcast as unknown)."""
    kept = {k: v for k, v in state.items()
            if not k.startswith("_") and k not in ("submitted_on", "results", "adopted")}
    kept["milestones"] = {ref: replace(m, planned_on=None) for ref, m in kept["milestones"].items()}
    return kept


def test_a_version_1_snapshot_reads_as_the_pilot_its_events_make(tmp_path: Path) -> None:
    old_pilot(tmp_path / "old.db")
    ledger = open_ledger(tmp_path / "old.db")
    assert ledger.snapshots is not None
    assert list(ledger.snapshots.get(Pilot.id_for(CODE))) == []  # unsealed: never used
    (stored,) = ledger.snapshots.recorder.select_events(Pilot.id_for(CODE))
    snapshot = ledger.mapper.to_domain_event(stored)
    assert isinstance(snapshot, Pilot.Snapshot)
    upcast = snapshot.mutate(None)
    assert isinstance(upcast, Pilot)
    assert kept_by_version_1(vars(upcast)) == kept_by_version_1(replayed(ledger))
    assert upcast.targets == {"PART|2023-Q1": 5}
    assert (upcast.entry_count, upcast.corrected, upcast.retracted) == (3, {6}, {7})
    assert upcast.milestones["M1"].due_on == date(2023, 5, 31)
    assert (upcast.adopted, upcast.originator_approval_required) == ({0}, False)

    pilot = ledger.get(Pilot, CODE)
    assert kept_by_version_1(vars(pilot)) == kept_by_version_1(replayed(ledger))
    ledger.retract(f"{CODE}@6", by(reason="double counted"))
    with pytest.raises(RuleViolation) as refused:
        ledger.correct(f"{CODE}@7", {"value": 1}, by(reason="again"))
    assert refused.value.rule == "entry-retracted"
    ledger.close()


def test_a_version_3_snapshot_knows_only_the_results_reported_after_it() -> None:
    """Version 3 kept no results: the upcast pilot refuses a second result only where the
    first was reported after the snapshot (as pilot_state.upcast_v3_v4 documents)."""
    seed = Consortium.register("SEED", "Seed", "City of Turin", ["IT", "GR"], by())
    part = Indicator.define("PART", by(), name="Participants", level="output", measure="unit",
                            unit="people", direction="higher", accumulation="incremental",
                            dimensions=[])
    pilot = Pilot.register(CODE, seed, by(), title="SI mapping", innovation="SI mapping",
                           origin_country="IT", target_countries=["GR"],
                           core_components=["Method"], adaptable_components=["Venue"],
                           starts_on=date(2022, 1, 1), ends_on=date(2023, 6, 30))
    pilot.report_result(part, by(), period="2022-Q1", value=Decimal(40))
    snapshot = Pilot.Snapshot.take(pilot)
    version_3 = {k: v for k, v in snapshot.state.items() if k != "results"}
    old = Pilot.Snapshot(originator_id=snapshot.originator_id,
                         originator_version=snapshot.originator_version,
                         timestamp=snapshot.timestamp, topic=snapshot.topic,
                         state={**version_3, "class_version": 3})

    upcast = old.mutate(None)

    assert isinstance(upcast, Pilot)
    assert (pilot.results, upcast.results) == ({"PART|2022-Q1": 2}, {})
    upcast.report_result(part, by(), period="2022-Q2", value=Decimal(30))
    with pytest.raises(RuleViolation) as refused:
        upcast.report_result(part, by(), period="2022-Q2", value=Decimal(31))
    assert refused.value.rule == "result-exists"
