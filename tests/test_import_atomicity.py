"""A file is imported all or nothing, even when the process is killed while it writes.

The import runs as a real process; the test watches the store until that
process holds the write lock of the event table (it is saving the file's
events), then kills it with SIGKILL. The store then holds none or all of
the file's events, and running the import again completes it.
"""

from __future__ import annotations

import csv
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from scaletrack.application.ledger import Ledger
from scaletrack.application.store import StoreURL
from scaletrack.domain.envelope import Provenance

PILOTS = [f"SEED-GR-{n:02d}" for n in range(1, 21)]
ROWS = 30_000
"""Enough to be caught while writing; on PostgreSQL, about 9 MB of events, which
eventsourcing's pipelined insert could not send without hanging (see
scaletrack.persistence.postgres)."""


def set_up(url: str) -> int:
    """A consortium and its pilots; returns how many events that took."""
    ledger = Ledger(StoreURL.parse(url))
    by = Provenance(date(2022, 1, 3), datetime.now(UTC), "setup")
    try:
        ledger.register_consortium("SEED", "Seed", "City of Turin", ["IT", "GR"], by)
        for code in PILOTS:
            ledger.register_pilot(code, "SEED", {
                "title": code, "innovation": "SI mapping", "origin_country": "IT",
                "target_countries": ["GR"], "core_components": [], "adaptable_components": [],
                "starts_on": date(2022, 1, 1),
                "ends_on": date(2023, 6, 30)}, by)
        return ledger.event_count()
    finally:
        ledger.close()


def funding_file(path: Path) -> Path:
    with path.open("w", newline="") as f:
        out = csv.writer(f)
        out.writerow(["kind", "pilot", "occurred_on", "funder", "amount_eur"])
        for n in range(ROWS):
            out.writerow(["funding", PILOTS[n % len(PILOTS)], "2022-06-30", f"Funder {n}",
                          f"{n + 1}.50"])
    return path


def count(url: str) -> int:
    ledger = Ledger(StoreURL.parse(url))
    try:
        return ledger.event_count()
    finally:
        ledger.close()


def start_import(url: str, path: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "SCALETRACK_DB": url, "SCALETRACK_ACTOR": "importer"}
    return subprocess.Popen(
        [sys.executable, "-c", "from scaletrack.cli.main import main; main()",
         "import", str(path)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def writing_probe(url: str) -> Callable[[], bool]:
    """Whether another process holds the event table's write lock right now."""
    store = StoreURL.parse(url)
    if store.backend == "sqlite":
        def sqlite_locked() -> bool:
            probe = sqlite3.connect(store.path, timeout=0, isolation_level=None)
            try:
                probe.execute("BEGIN IMMEDIATE")
                probe.execute("ROLLBACK")
                return False
            except sqlite3.OperationalError:
                return True
            finally:
                probe.close()
        return sqlite_locked

    import psycopg

    watcher = psycopg.connect(host=store.host, port=store.port, user=store.user,
                              password=store.password, dbname=store.dbname, autocommit=True)

    def postgres_locked() -> bool:
        row = watcher.execute(
            "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
            "WHERE c.relname LIKE '%%events' AND l.mode = 'ExclusiveLock' AND l.granted "
            "AND l.pid <> pg_backend_pid()").fetchone()
        return bool(row and row[0])
    return postgres_locked


def kill_while_writing(process: subprocess.Popen[bytes], writing: Callable[[], bool]) -> bool:
    """SIGKILL the process as soon as it writes; False if it finished first."""
    while process.poll() is None:
        if writing():
            os.kill(process.pid, signal.SIGKILL)
            process.wait()
            return True
        time.sleep(0.002)
    return False


@pytest.mark.slow
def test_an_import_killed_while_writing_leaves_none_of_its_file_and_can_be_rerun(
        store_url: str, tmp_path: Path) -> None:
    before = set_up(store_url)
    path = funding_file(tmp_path / "funding.csv")

    killed = kill_while_writing(start_import(store_url, path), writing_probe(store_url))

    assert killed, "the import finished before it could be killed while writing"
    assert count(store_url) in (before, before + ROWS)
    rerun = start_import(store_url, path)
    assert rerun.wait(timeout=300) == 0, rerun.stderr.read() if rerun.stderr else ""
    assert count(store_url) == before + ROWS
    again = start_import(store_url, path)
    assert again.wait(timeout=300) == 0
    assert count(store_url) == before + ROWS
