"""``scaletrack copy`` moves a whole store between SQLite and PostgreSQL unchanged."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from expect import store_digest_of
from scaletrack.application.copying import store_digest
from scaletrack.application.ledger import Ledger
from scaletrack.application.records import EventRecord
from scaletrack.application.store import StoreURL
from scaletrack.domain.consortium import Consortium
from scaletrack.domain.envelope import Provenance, Recorded
from scaletrack.domain.pilot import Pilot

Run = Callable[..., Any]


def by(day: int, reason: str | None = None) -> Provenance:
    return Provenance(occurred_on=date(2022, 3, day),
                      recorded_at=datetime(2022, 4, day, 9, 30, 15, 123456, tzinfo=UTC),
                      actor="ana", reason=reason)


def fill(ledger: Ledger, milestones: int = 3) -> None:
    """A small but varied store: consortium, indicator, pilot, entries and a correction."""
    ledger.register_consortium("SEED", "Social innovation Ecosystem Development",
                               "City of Turin", ["IT", "GR"], by(1))
    ledger.add_partner("SEED", "Impact Hub Athens", "GR", "local implementer", by(2))
    ledger.define_indicator("PART", {"name": "Participants", "level": "output",
                                     "measure": "unit", "unit": "people",
                                     "direction": "higher", "accumulation": "incremental",
                                     "dimensions": ["sex"]}, by(2))
    ledger.register_pilot("SEED-GR-01", "SEED", {
        "title": "SI mapping in Greek cities", "innovation": "Local SI mapping",
        "origin_country": "IT", "target_countries": ["GR"], "core_components": ["Method"],
        "adaptable_components": ["Venue"], "starts_on": date(2022, 1, 1),
        "ends_on": date(2023, 6, 30)}, by(3))
    for n in range(milestones):
        ledger.log_event("milestone-planned", "SEED-GR-01",
                         {"milestone": f"M{n}", "title": f"Step {n} (ελληνικά)",
                          "due_on": date(2022, 6, 1)}, by(4))
    ledger.log_event("funding", "SEED-GR-01", {"funder": "ESF+", "amount_eur": "1500.50",
                                               "currency": "EUR"}, by(5))
    ledger.correct(f"SEED-GR-01@{milestones + 2}", {"amount_eur": "1600"}, by(6, "typo"))


def history(url: str) -> list[dict[str, Any]]:
    """Every event of the store in global order, as a user sees it."""
    ledger = Ledger(StoreURL.parse(url))
    try:
        events = []
        codes = [*((Consortium.id_for(c), c) for c in ledger.codes(Consortium)),
                 *((Pilot.id_for(c), c) for c in ledger.codes(Pilot))]
        for id_, code in codes:
            events += [EventRecord.of(e, code).as_dict() for e in ledger.events.get(id_)
                       if isinstance(e, Recorded)]
        return [*events, *({"type": e.TYPE, "id": str(e.originator_id),
                            "version": e.originator_version} for e in ledger.all_events())]
    finally:
        ledger.close()


@pytest.fixture
def other_url(store_url: str, request: pytest.FixtureRequest) -> str:
    """A fresh store on the other backend."""
    url: str = request.getfixturevalue("pg_url" if store_url.startswith("sqlite")
                                       else "sqlite_url")
    return url


def test_copy_to_the_other_backend_and_back_keeps_every_event(
        ledger: Ledger, store_url: str, other_url: str, tmp_path: Path, run: Run) -> None:
    fill(ledger)
    back = f"sqlite:///{tmp_path / 'back.db'}"

    there = run("copy", "--to", other_url, "--json")
    again = run("--db", other_url, "copy", "--to", back, "--json")

    assert (there.exit_code, again.exit_code) == (0, 0), there.stderr + again.stderr
    assert there.json()["events"] == again.json()["events"] == ledger.event_count() == 9
    assert there.json()["digest"] == again.json()["digest"] == store_digest(ledger)[1]
    assert history(other_url) == history(back) == history(store_url)


def test_a_copied_store_verifies_with_the_same_head_digest(
        ledger: Ledger, store_url: str, other_url: str, tmp_path: Path, run: Run) -> None:
    fill(ledger)
    back = f"sqlite:///{tmp_path / 'back.db'}"
    assert run("copy", "--to", other_url).exit_code == 0
    assert run("--db", other_url, "copy", "--to", back).exit_code == 0

    heads = [run("--db", url, "digest", "--json").json() for url in (store_url, other_url, back)]
    checks = [run("--db", url, "verify", "--store") for url in (store_url, other_url, back)]

    assert [c.exit_code for c in checks] == [0, 0, 0], [c.stderr for c in checks]
    assert [(h["count"], h["hash"]) for h in heads] == [(9, heads[0]["hash"])] * 3


def test_a_copy_has_its_views_built_and_current(
        ledger: Ledger, other_url: str, run: Run) -> None:
    fill(ledger)

    assert run("copy", "--to", other_url).exit_code == 0
    views = run("--db", other_url, "projections", "status", "--json").json()

    assert {(v["state"], v["position"]) for v in views} == {("current", 9)}


def test_copied_store_answers_commands_like_the_original(
        ledger: Ledger, other_url: str, run: Run) -> None:
    fill(ledger)
    before = run("pilot", "show", "SEED-GR-01", "--json").json()

    assert run("copy", "--to", other_url).exit_code == 0
    after = run("--db", other_url, "pilot", "show", "SEED-GR-01", "--json")
    logged = run("--db", other_url, "log", "risk-raised", "SEED-GR-01", "--risk", "R1",
                 "--description", "Turnover", "--severity", "low", "--actor", "ana")

    assert after.json() == before
    assert (logged.exit_code, logged.stdout.strip()) == (0, "SEED-GR-01@7")


def test_copy_of_a_long_pilot_loads_from_a_fresh_snapshot(
        ledger: Ledger, other_url: str, run: Run) -> None:
    fill(ledger, milestones=120)
    before = run("pilot", "show", "SEED-GR-01", "--json").json()

    assert run("copy", "--to", other_url).exit_code == 0
    copy = Ledger(StoreURL.parse(other_url))
    try:
        snapshot = list(copy.snapshots.get(Pilot.id_for("SEED-GR-01"))) if copy.snapshots else []
    finally:
        copy.close()

    assert [s.originator_version for s in snapshot] == [123]
    assert run("--db", other_url, "pilot", "show", "SEED-GR-01", "--json").json() == before


def test_copy_refuses_a_target_that_holds_events(
        ledger: Ledger, store_url: str, other_url: str, run: Run) -> None:
    fill(ledger)
    assert run("copy", "--to", other_url).exit_code == 0
    held = store_digest_of(other_url)

    refused = run("copy", "--to", other_url)

    assert refused.exit_code == 1
    assert "already holds 9 events" in refused.stderr
    assert store_digest_of(other_url) == held


def test_copy_of_a_missing_store_or_onto_itself_is_refused(
        ledger: Ledger, store_url: str, sqlite_url: str, tmp_path: Path, run: Run) -> None:
    missing = f"sqlite:///{tmp_path / 'missing.db'}"

    assert run("copy", "--from", missing, "--to", f"sqlite:///{tmp_path / 'x.db'}"
               ).exit_code == 3
    assert run("copy", "--to", store_url).exit_code == 2
    assert not (tmp_path / "x.db").exists()


@pytest.mark.postgres
def test_copy_from_postgresql_closes_the_gaps_a_lost_race_leaves_but_keeps_order(
        pg_url: str, sqlite_url: str, run: Run) -> None:
    source = Ledger(StoreURL.parse(pg_url))
    try:
        fill(source)
        stale = source.get(Pilot, "SEED-GR-01")
        source.log_event("risk-raised", "SEED-GR-01", {"risk": "R1", "description": "x",
                                                       "severity": "low"}, by(7))
        stale.raise_risk("R2", "y", "low", by(7))
        with pytest.raises(Exception, match="duplicate key"):
            source.save(stale)  # uses up a sequence number, then rolls back
        source.log_event("risk-closed", "SEED-GR-01", {"risk": "R1"}, by(8))
        ids = [n.id for n in source.recorder.select_notifications(1, 100)]
    finally:
        source.close()

    copied = run("copy", "--from", pg_url, "--to", sqlite_url, "--json")

    assert ids[-1] == len(ids) + 1  # one gap in the source
    assert copied.exit_code == 0, copied.stderr
    assert copied.json()["events"] == len(ids)
    assert history(sqlite_url) == history(pg_url)
