"""What the database itself can do: raw sqlite3 / psycopg, no scaletrack code.

Each baseline does the same work as the scaletrack operation beside it, on
the same rows or rows of the same size and shape, in the same run, so the
ratio between them is what scaletrack's own code costs.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

PAGE = 1_000


def _path(url: str) -> str:
    return url.removeprefix("sqlite:///")


def _pg(url: str) -> Any:
    import psycopg

    parts = urlsplit(url)
    return psycopg.connect(host=parts.hostname or "127.0.0.1", port=parts.port or 5432,
                           user=parts.username or "postgres", password=parts.password or "",
                           dbname=parts.path.lstrip("/"))


def _events_table(url: str) -> str:
    return "stored_events" if url.startswith("sqlite") else "scaletrack_events"


def sample_rows(url: str, limit: int) -> list[tuple[str, int, str, bytes]]:
    """Stored rows of the store, to write again elsewhere (same sizes, same shape)."""
    query = (f"SELECT originator_id, originator_version, topic, state "
             f"FROM {_events_table(url)} ORDER BY originator_id LIMIT {int(limit)}")
    if url.startswith("sqlite"):
        with sqlite3.connect(_path(url)) as db:
            return [(str(a), int(b), str(c), bytes(d)) for a, b, c, d in db.execute(query)]
    with _pg(url) as db:
        return [(str(a), int(b), str(c), bytes(d)) for a, b, c, d in db.execute(query)]


def _fresh_rows(rows: list[tuple[str, int, str, bytes]], url: str
                ) -> Iterator[tuple[Any, int, str, bytes]]:
    """The rows under new aggregate ids, so they can be inserted beside the originals.

    They are written to the store's own events table, which a scratch copy of
    the store can take: the same index and page cache as scaletrack's writes.
    """
    renamed: dict[str, Any] = {}
    for originator, version, topic, state in rows:
        new = uuid.uuid4()
        new = renamed.setdefault(originator, new.hex if url.startswith("sqlite") else new)
        yield new, version, topic, state


def _insert(url: str) -> str:
    """INSERT into the store's own events table: the same table, index and page cache."""
    mark = "?" if url.startswith("sqlite") else "%s"
    return (f"INSERT INTO {_events_table(url)} (originator_id, originator_version, "
            f"topic, state) VALUES ({mark}, {mark}, {mark}, {mark})")


def synchronous_of(url: str) -> int:
    """The synchronous setting scaletrack's own connections write with (SQLite)."""
    from scaletrack.application.ledger import Ledger
    from scaletrack.application.store import StoreURL

    ledger = Ledger(StoreURL.parse(url))
    try:
        with ledger.recorder.datastore.transaction(commit=False) as cursor:  # type: ignore[attr-defined]
            cursor.execute("PRAGMA synchronous")
            return int(cursor.fetchone()[0])
    finally:
        ledger.close()


def one_row_per_transaction(url: str, n: int, synchronous: int = 2) -> dict[str, Any]:
    """INSERT rows of the store's shape, one transaction (and commit) each."""
    rows = list(_fresh_rows(sample_rows(url, n), url))
    insert = _insert(url)
    if url.startswith("sqlite"):
        db = sqlite3.connect(_path(url), isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute(f"PRAGMA synchronous={int(synchronous)}")
        started = time.perf_counter()
        for row in rows:
            db.execute("BEGIN")
            db.execute(insert, row)
            db.execute("COMMIT")
        seconds = time.perf_counter() - started
        db.close()
    else:
        with _pg(url) as db:
            started = time.perf_counter()
            for row in rows:
                db.execute(insert, row)
                db.commit()
            seconds = time.perf_counter() - started
    return {"seconds": seconds, "rows": len(rows)}


def executemany_one_transaction(url: str, rows: list[tuple[str, int, str, bytes]]
                                ) -> dict[str, Any]:
    """INSERT many rows in one transaction with executemany."""
    fresh = list(_fresh_rows(rows, url))
    insert = _insert(url)
    if url.startswith("sqlite"):
        db = sqlite3.connect(_path(url), isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        started = time.perf_counter()
        db.execute("BEGIN")
        db.executemany(insert, fresh)
        db.execute("COMMIT")
        seconds = time.perf_counter() - started
        db.close()
    else:
        with _pg(url) as db:
            started = time.perf_counter()
            with db.cursor() as cursor:
                cursor.executemany(insert, fresh)
            db.commit()
            seconds = time.perf_counter() - started
    return {"seconds": seconds, "rows": len(fresh)}


def paged_select_json(url: str, page: int = PAGE, limit: int | None = None) -> dict[str, Any]:
    """Read every event in global order, a page at a time, and json.loads each state."""
    table = _events_table(url)
    position = "rowid" if url.startswith("sqlite") else "notification_id"
    mark = "?" if url.startswith("sqlite") else "%s"
    query = (f"SELECT {position}, originator_id, originator_version, topic, state "
             f"FROM {table} WHERE {position} > {mark} ORDER BY {position} LIMIT {mark}")
    db = sqlite3.connect(_path(url)) if url.startswith("sqlite") else _pg(url)
    started = time.perf_counter()
    last, rows = 0, 0
    try:
        while limit is None or rows < limit:
            page_rows = db.execute(query, (last, page)).fetchall()
            for row in page_rows:
                json.loads(row[4])
            rows += len(page_rows)
            if len(page_rows) < page:
                break
            last = page_rows[-1][0]
    finally:
        db.close()
    return {"seconds": time.perf_counter() - started, "rows": rows}


def pilot_rows(url: str, pilot_id: str, snapshot: bool = True) -> dict[str, Any]:
    """Read one pilot's newest snapshot and the events after it (or, without
    ``snapshot``, its whole stream), and json.loads them."""
    sqlite = url.startswith("sqlite")
    mark = "?" if sqlite else "%s"
    ident: Any = uuid.UUID(pilot_id).hex if sqlite else uuid.UUID(pilot_id)
    snapshots = "stored_snapshots" if sqlite else "scaletrack_snapshots"
    db = sqlite3.connect(_path(url)) if sqlite else _pg(url)
    try:
        started = time.perf_counter()
        newest = snapshot and db.execute(
            f"SELECT originator_version, state FROM {snapshots} "
            f"WHERE originator_id = {mark} ORDER BY originator_version DESC LIMIT 1",
            (ident,)).fetchone()
        after = newest[0] if newest else 0
        if newest:
            json.loads(newest[1])
        events = db.execute(
            f"SELECT state FROM {_events_table(url)} WHERE originator_id = {mark} "
            f"AND originator_version > {mark} ORDER BY originator_version", (ident, after)
        ).fetchall()
        for (state,) in events:
            json.loads(state)
        return {"seconds": time.perf_counter() - started, "rows": len(events) + 1}
    finally:
        db.close()


def sha256_and_parse(folder: str) -> dict[str, Any]:
    """SHA-256 over every file of a bundle, and json.loads of each JSON document or line."""
    started = time.perf_counter()
    lines = 0
    for path in sorted(Path(folder).rglob("*")):
        if not path.is_file():
            continue
        data = path.read_bytes()
        hashlib.sha256(data).hexdigest()
        if path.suffix == ".json":
            json.loads(data)
            lines += 1
        elif path.suffix in (".jsonl", ".ndjson"):
            for line in data.splitlines():
                if line.strip():
                    json.loads(line)
                    lines += 1
    return {"seconds": time.perf_counter() - started, "lines": lines}



def view_tables(url: str, prefixes: list[str]) -> dict[str, Any]:
    """Every row of the views' tables whose names start with the prefixes, read and
    counted: what a list or view reads, without scaletrack's code (or its imports)."""
    sqlite = url.startswith("sqlite")
    db = sqlite3.connect(_path(url)) if sqlite else _pg(url)
    started = time.perf_counter()
    try:
        names = [name for (name,) in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'" if sqlite else
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public'").fetchall()]
        rows = sum(len(db.execute(f'SELECT * FROM "{name}"').fetchall())
                   for name in sorted(names) if name.startswith(tuple(prefixes)))
    finally:
        db.close()
    return {"seconds": time.perf_counter() - started, "rows": rows}


_EXECUTEMANY_JSON = '''
import json, sqlite3, sys, uuid
path, rows = sys.argv[1], int(sys.argv[2])
db = sqlite3.connect(path, isolation_level=None)
db.execute("PRAGMA journal_mode=WAL")
pilot = uuid.uuid4().hex
db.execute("BEGIN")
db.executemany(
    "INSERT INTO stored_events (originator_id, originator_version, topic, state) "
    "VALUES (?, ?, ?, ?)",
    ((pilot, n, "pilot.funding-secured", json.dumps(
        {"actor": "bench", "amount_eur": f"{1000 + n}.50", "co_financing_rate": "0",
         "currency": "EUR", "funder": f"Funder {n % 50}", "funding_source": "other-public",
         "key": f"row-{n:024x}", "occurred_on": "2025-12-01", "reason": None,
         "source": "import", "timestamp": "2025-12-19T09:00:00.000000+00:00"},
        sort_keys=True, separators=(",", ":")).encode()) for n in range(1, rows + 1)))
db.execute("COMMIT")
db.close()
'''


def executemany_json_process(url: str, rows: int) -> list[str]:
    """A whole process (``python -c``) that inserts ``rows`` JSON rows of a funding
    event's shape into the store's events table with executemany, in one transaction,
    encoding each row as it goes (SQLite only)."""
    import sys

    return [sys.executable, "-c", _EXECUTEMANY_JSON, _path(url), str(rows)]
