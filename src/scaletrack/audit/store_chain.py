"""The audit chain kept in the store, in its own table beside the events.

One row per chained event: its ordinal in the chain (``seq``, 1..N), its
position in the store (the notification id, which may have gaps on
PostgreSQL), its digest and its chain hash (see :mod:`scaletrack.audit.chain`).
The table is derived data: :func:`extend_chain` appends to it after every
save, and whatever a crash left unchained is chained the next time, from the
notification log. Readers never depend on it being current: they compute any
unchained tail in memory.

Plain SQL through the event recorder's own connections, so a command that
saves an event imports nothing more than it already has.
"""

from __future__ import annotations

import hashlib
import json
import logging
import sqlite3
import uuid
import weakref
from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, NamedTuple

from eventsourcing.persistence import PersistenceError

from scaletrack.audit.chain import ALTERED, GENESIS, Fault, Invalid, canonical, document, link

TABLE = "audit_chain"
PAGE = 2000
_LOCK_KEY = 0x5CA1E7  # PostgreSQL advisory lock serialising chain writers
_BEFORE_EVERYTHING = -(2**63)

_log = logging.getLogger(__name__)


class Link(NamedTuple):
    """One row of the chain table."""

    seq: int
    position: int
    digest: str
    hash: str


class StoredRow(NamedTuple):
    """One stored event as the chain sees it."""

    position: int
    aggregate: str
    version: int
    type: str
    state: bytes


def row_digest(row: StoredRow) -> str:
    """The digest of a stored event; an unreadable state is a fault at its position."""
    try:
        state = json.loads(row.state)
    except (ValueError, TypeError):
        raise Invalid(Fault(ALTERED, "the stored state is not JSON", None, row.position)
                      ) from None
    return hashlib.sha256(document(row.aggregate, row.version, row.type, canonical(state))
                          ).hexdigest()


def extend(last: Link | None, rows: Iterator[StoredRow]) -> Iterator[tuple[Link, StoredRow]]:
    """The links that chain ``rows`` after ``last``."""
    seq, previous = (last.seq, last.hash) if last else (0, GENESIS)
    for row in rows:
        seq += 1
        digest = row_digest(row)
        previous = link(previous, digest)
        yield Link(seq, row.position, digest, previous), row


def extend_chain(recorder: Any, saved: Sequence[Any] = ()) -> Link | None:
    """Chain every stored event not chained yet; returns the last link.

    Called after every save (``saved``: its recordings, which spare reading the
    events back when they follow the last link) and before every digest,
    export and verify. It never fails the caller: the events are stored
    whether or not the chain could follow (locked out, a read-only role, a
    damaged row), and whatever is left unchained is chained next time or
    computed by the reader.
    """
    table = ChainTable(recorder)
    try:
        return table.catch_up([_row_of(r.notification, table.db) for r in saved])
    except (PersistenceError, sqlite3.Error, Invalid) as error:
        _log.warning("audit chain not extended (%s); readers compute the missing links, "
                     "and the next save or digest by a writing role stores them", error)
        return None


class ChainTable:
    """The chain table of one store, reached through its event recorder."""

    def __init__(self, recorder: Any) -> None:
        self.db: _Database = (_Postgres(recorder) if hasattr(recorder.datastore, "schema")
                              else _SQLite(recorder))

    def catch_up(self, saved: Sequence[StoredRow] = ()) -> Link | None:
        """Chain the stored events after the last link, a page per transaction.

        ``saved`` are events just stored: if they are all that follows the last
        link, they are chained as they are instead of being read back.
        """
        while True:
            with self.db.write() as cursor:
                last = self._last(cursor)
                after = last.position if last else _BEFORE_EVERYTHING
                if saved and saved[-1].position <= after:
                    return last  # someone else chained them already
                rows = (list(saved) if saved and _follows(last, saved[0].position)
                        else self._rows(cursor, after, PAGE))
                saved = ()
                links = [new for new, _ in extend(last, iter(rows))]
                if links:
                    cursor.executemany(self.db.sql(
                        "INSERT INTO {chain} (seq, position, digest, hash) VALUES (?, ?, ?, ?)"),
                        links)
            if len(rows) < PAGE:
                return links[-1] if links else last

    def last(self) -> Link | None:
        with self.db.read() as cursor:
            return self._last(cursor) if self.db.has_chain(cursor) else None

    def find(self, digest: str) -> Link | None:
        """The link of an event by its digest (a full scan: only used to explain a fault)."""
        with self.db.read() as cursor:
            cursor.execute(self.db.sql("SELECT seq, position, digest, hash FROM {chain} "
                                       "WHERE digest = ? ORDER BY seq LIMIT 1"), (digest,))
            row = cursor.fetchone()
        return Link(*row) if row else None

    def links(self) -> Iterator[Link]:
        """Every link, in chain order."""
        after = 0
        while True:
            with self.db.read() as cursor:
                if not self.db.has_chain(cursor):
                    return
                cursor.execute(self.db.sql("SELECT seq, position, digest, hash FROM {chain} "
                                           "WHERE seq > ? ORDER BY seq LIMIT ?"), (after, PAGE))
                page = [Link(*row) for row in cursor.fetchall()]
            yield from page
            if len(page) < PAGE:
                return
            after = page[-1].seq

    def rows(self, after: int | None = None, upto: int | None = None) -> Iterator[StoredRow]:
        """Stored events in the store's order, after a position (default: all of them)."""
        position = _BEFORE_EVERYTHING if after is None else after
        while True:
            with self.db.read() as cursor:
                page = self._rows(cursor, position, PAGE, upto)
            yield from page
            if len(page) < PAGE:
                return
            position = page[-1].position

    def chained(self, upto: Link) -> Iterator[tuple[Link, StoredRow | None]]:
        """Each link up to ``upto`` with the stored event at its position (None if gone)."""
        after = 0
        aggregate = self.db.aggregate
        while after < upto.seq:
            with self.db.read() as cursor:
                cursor.execute(self.db.sql(
                    "SELECT c.seq, c.position, c.digest, c.hash, e.originator_id, "
                    "e.originator_version, e.topic, e.state FROM {chain} c LEFT JOIN {events} e "
                    "ON e.{position} = c.position WHERE c.seq > ? AND c.seq <= ? "
                    "ORDER BY c.seq LIMIT ?"), (after, upto.seq, PAGE))
                page = cursor.fetchall()
            for seq, position, digest, hash_, aggregate_id, version, type_, state in page:
                row = (None if type_ is None else
                       StoredRow(position, aggregate(aggregate_id), version, type_, _bytes(state)))
                yield Link(seq, position, digest, hash_), row
            if len(page) < PAGE:
                return
            after = page[-1][0]

    def max_position(self) -> int | None:
        with self.db.read() as cursor:
            cursor.execute(self.db.sql("SELECT MAX({position}) FROM {events}"))
            row = cursor.fetchone()
        return int(row[0]) if row and row[0] is not None else None

    def _last(self, cursor: Any) -> Link | None:
        cursor.execute(self.db.sql("SELECT seq, position, digest, hash FROM {chain} "
                                   "ORDER BY seq DESC LIMIT 1"))
        row = cursor.fetchone()
        return Link(*row) if row else None

    def _rows(self, cursor: Any, after: int, limit: int, upto: int | None = None
              ) -> list[StoredRow]:
        bound = "" if upto is None else " AND {position} <= ?"
        cursor.execute(self.db.sql(
            "SELECT {position}, originator_id, originator_version, topic, state FROM {events} "
            "WHERE {position} > ?" + bound + " ORDER BY {position} LIMIT ?"),
            (after, limit) if upto is None else (after, upto, limit))
        aggregate = self.db.aggregate
        return [StoredRow(position, aggregate(aggregate_id), version, type_, _bytes(state))
                for position, aggregate_id, version, type_, state in cursor.fetchall()]


def _follows(last: Link | None, position: int) -> bool:
    """Whether nothing can be stored between the last link and ``position``."""
    return position == (last.position + 1 if last else 1)


def _row_of(notification: Any, db: _Database) -> StoredRow:
    return StoredRow(notification.id, db.aggregate(notification.originator_id),
                     notification.originator_version, notification.topic,
                     _bytes(notification.state))


def _bytes(state: Any) -> bytes:
    """A stored state as bytes, however the driver returns it (a tampered SQLite cell
    may even hold text)."""
    return state.encode() if isinstance(state, str) else bytes(state)


class _Database(ABC):
    """What differs between SQLite and PostgreSQL: names, placeholders, locking."""

    events: str
    chain: str
    position: str
    placeholder = "?"

    def __init__(self) -> None:
        self._ids: dict[Any, str] = {}

    def sql(self, template: str) -> str:
        text = template.format(events=self.events, chain=self.chain, position=self.position)
        return text.replace("?", self.placeholder) if self.placeholder != "?" else text

    def aggregate(self, stored: Any) -> str:
        """An aggregate id in its canonical form (SQLite stores it as 32 hex digits)."""
        known = self._ids.get(stored)
        if known is None:
            known = self._ids[stored] = str(stored if isinstance(stored, uuid.UUID)
                                            else uuid.UUID(str(stored)))
        return known

    @abstractmethod
    def write(self) -> Any:
        """A context: a cursor in a transaction that holds the chain writers' lock."""

    @abstractmethod
    def read(self) -> Any:
        """A context: a cursor to read with."""

    @abstractmethod
    def has_chain(self, cursor: Any) -> bool:
        """Whether the chain table exists (a read-only role may never have created it)."""


_ready: weakref.WeakSet[Any] = weakref.WeakSet()
"""Datastores whose chain table is known to exist in this process."""


class _SQLite(_Database):
    position = "rowid"

    def __init__(self, recorder: Any) -> None:
        super().__init__()
        self.datastore = recorder.datastore
        self.events = recorder.events_table_name
        self.chain = TABLE

    @contextmanager
    def write(self) -> Iterator[sqlite3.Cursor]:
        with self.datastore.get_connection(commit=True) as connection, \
                connection.cursor() as cursor:
            if self.datastore not in _ready:
                cursor.execute(f"CREATE TABLE IF NOT EXISTS {TABLE} (seq INTEGER PRIMARY KEY, "
                               "position INTEGER NOT NULL UNIQUE, digest TEXT NOT NULL, "
                               "hash TEXT NOT NULL)")
                _ready.add(self.datastore)  # committed already: DDL outside a transaction
            # The chain can always be rebuilt from the events, so its commits need
            # not wait for the disk: a power cut loses at most links made again later.
            synchronous = cursor.execute("PRAGMA synchronous").fetchone()[0]
            if synchronous > 1:
                cursor.execute("PRAGMA synchronous = NORMAL")
            try:
                cursor.execute("BEGIN IMMEDIATE")
                try:
                    yield cursor
                except BaseException:
                    cursor.execute("ROLLBACK")
                    raise
                cursor.execute("COMMIT")
            finally:
                if synchronous > 1:
                    cursor.execute(f"PRAGMA synchronous = {int(synchronous)}")

    @contextmanager
    def read(self) -> Iterator[sqlite3.Cursor]:
        with self.datastore.get_connection(commit=False) as connection, \
                connection.cursor() as cursor:
            cursor.execute("BEGIN")
            try:
                yield cursor
            finally:
                cursor.execute("ROLLBACK")

    def has_chain(self, cursor: Any) -> bool:
        if self.datastore in _ready:
            return True
        cursor.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (TABLE,))
        return cursor.fetchone() is not None


class _Postgres(_Database):
    position = "notification_id"
    placeholder = "%s"

    def __init__(self, recorder: Any) -> None:
        super().__init__()
        self.datastore = recorder.datastore
        schema = '"' + self.datastore.schema.replace('"', '""') + '"'
        self.events = f'{schema}."{recorder.events_table_name}"'
        self.chain = f"{schema}.{TABLE}"

    @contextmanager
    def write(self) -> Iterator[Any]:
        from psycopg.rows import tuple_row

        with self.datastore.get_connection() as connection, connection.transaction():
            cursor = connection.cursor(row_factory=tuple_row)
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", (_LOCK_KEY,))
            created = self.datastore not in _ready
            # Even IF NOT EXISTS needs the CREATE privilege, which writer roles lack.
            if created and not self.has_chain(cursor):
                cursor.execute(f"CREATE TABLE IF NOT EXISTS {self.chain} (seq bigint PRIMARY "
                               "KEY, position bigint NOT NULL UNIQUE, digest text NOT NULL, "
                               "hash text NOT NULL)")
            yield cursor
        if created:
            _ready.add(self.datastore)

    @contextmanager
    def read(self) -> Iterator[Any]:
        from psycopg.rows import tuple_row

        with self.datastore.get_connection() as connection:
            yield connection.cursor(row_factory=tuple_row)

    def has_chain(self, cursor: Any) -> bool:
        if self.datastore in _ready:
            return True
        cursor.execute("SELECT to_regclass(%s)", (self.chain,))
        row = cursor.fetchone()
        return row is not None and row[0] is not None
