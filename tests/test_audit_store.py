"""The chain kept in the store: current after every command, on every backend, across copies."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from contextlib import closing
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from scaletrack.application.ledger import Ledger
from scaletrack.application.store import StoreURL
from scaletrack.domain.envelope import Provenance
from scaletrack.domain.errors import ScaletrackError
from scaletrack.domain.pilot import Pilot

Run = Callable[..., Any]


def by(day: int) -> Provenance:
    return Provenance(occurred_on=date(2022, 3, day),
                      recorded_at=datetime(2022, 4, day, 9, 30, tzinfo=UTC), actor="ana")


def register(ledger: Ledger) -> None:
    ledger.register_consortium("SEED", "Social innovation Ecosystem Development",
                               "City of Turin", ["IT", "GR"], by(1))
    ledger.register_pilot("SEED-GR-01", "SEED", {
        "title": "SI mapping", "innovation": "Local SI mapping", "origin_country": "IT",
        "target_countries": ["GR"], "core_components": ["Method"],
        "adaptable_components": ["Venue"], "starts_on": date(2022, 1, 1),
        "ends_on": date(2023, 6, 30)}, by(2))


def risk(ledger: Ledger, n: int) -> None:
    ledger.log_event("risk-raised", "SEED-GR-01", {"risk": f"R{n}", "description": "Turnover",
                                                   "severity": "low"}, by(3))


def chained(ledger: Ledger) -> int:
    last = ledger.chain.last()
    return last.seq if last else 0


def test_every_command_leaves_the_chain_current(ledger: Ledger, run: Run) -> None:
    register(ledger)
    assert chained(ledger) == ledger.event_count() == 2

    logged = run("log", "risk-raised", "SEED-GR-01", "--risk", "R1", "--description", "x",
                 "--severity", "low")
    risk(ledger, 2)

    assert logged.exit_code == 0, logged.stderr
    assert chained(ledger) == ledger.event_count() == 4
    assert run("verify", "--store", "--json").json()["chained"] == 4


def test_an_event_whose_link_cannot_be_written_is_not_stored(sqlite_url: str) -> None:
    ledger = Ledger(StoreURL.parse(sqlite_url))
    try:
        register(ledger)
        with closing(sqlite3.connect(sqlite_url.removeprefix("sqlite:///"))) as db, db:
            db.execute("CREATE TRIGGER jammed BEFORE INSERT ON audit_chain "
                       "BEGIN SELECT RAISE(ABORT, 'disk trouble'); END")

        with pytest.raises(ScaletrackError):
            risk(ledger, 1)  # the link is written in the event's transaction, or neither is

        assert ledger.event_count() == chained(ledger) == 2
        with closing(sqlite3.connect(sqlite_url.removeprefix("sqlite:///"))) as db, db:
            db.execute("DROP TRIGGER jammed")
        risk(ledger, 2)
        assert ledger.event_count() == chained(ledger) == 3
    finally:
        ledger.close()


@pytest.mark.postgres
def test_postgresql_gap_and_copy_to_sqlite_keep_every_hash(
        pg_url: str, sqlite_url: str, tmp_path: Path, run: Run) -> None:
    source = Ledger(StoreURL.parse(pg_url))
    try:
        register(source)
        stale = source.get(Pilot, "SEED-GR-01")  # as a second writer saw it
        risk(source, 1)
        stale.raise_risk("R9", "y", "low", by(3))
        with pytest.raises(Exception, match="duplicate key"):
            source.save(stale)  # uses up a sequence number, then rolls back
        risk(source, 2)
        positions = [link.position for link in source.chain.links()]
    finally:
        source.close()

    there = run("--db", pg_url, "digest", "--json").json()
    assert run("--db", pg_url, "export", "-o", str(tmp_path / "pg")).exit_code == 0
    assert run("--db", pg_url, "copy", "--to", sqlite_url).exit_code == 0
    here = run("--db", sqlite_url, "digest", "--json").json()
    assert run("--db", sqlite_url, "export", "-o", str(tmp_path / "sqlite")).exit_code == 0

    assert positions == [1, 2, 3, 5]
    assert (here["count"], here["hash"]) == (there["count"], there["hash"]) == (4, here["hash"])
    assert run("--db", sqlite_url, "verify", "--store").exit_code == 0
    assert run("verify", str(tmp_path / "sqlite"), "--against", str(tmp_path / "pg")
               ).exit_code == 0
    pg_lines, sqlite_lines = ([json.loads(line) for line in
                               (tmp_path / name / "events.jsonl").read_text().splitlines()]
                              for name in ("pg", "sqlite"))
    assert [e["hash"] for e in pg_lines] == [e["hash"] for e in sqlite_lines]
    assert [e["position"] for e in pg_lines] == [1, 2, 3, 5]
    assert [e["position"] for e in sqlite_lines] == [1, 2, 3, 4]


def test_a_bulk_import_links_and_seals_everything_it_stores(
        ledger: Ledger, run: Run, tmp_path: Path) -> None:
    register(ledger)
    rows = tmp_path / "funding.csv"
    rows.write_text("kind,pilot,occurred_on,funder,amount_eur\n" + "".join(
        f"funding,SEED-GR-01,2022-03-01,Funder {n},{n}.50\n" for n in range(150)))

    imported = run("import", str(rows))

    assert imported.exit_code == 0, imported.stderr
    assert chained(ledger) == ledger.event_count() == 152  # one save, one transaction
    assert ledger.snapshots is not None
    [snapshot] = ledger.snapshots.get(Pilot.id_for("SEED-GR-01"), desc=True, limit=1)
    assert snapshot.originator_version == 151  # taken once, after the batch, and sealed
    assert run("verify", "--store").exit_code == 0
