"""The audit chain kept in the store, in its own table beside the events.

One row per chained event: its ordinal in the chain (``seq``, 1..N), its
position in the store (the notification id, which may have gaps on
PostgreSQL), its digest and its chain hash (see :mod:`scaletrack.audit.chain`).
The event recorders write an event's link in the transaction that inserts
the event (:meth:`ChainTable.append`), so no event is committed without it.
Events stored before the chain was kept that way (an older store) are
chained by the next insert, in its transaction, before its own events;
until then readers compute the missing tail in memory.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from scaletrack.audit.chain import canonical, document
from scaletrack.audit.rows import Link, StoredRow, extend

TABLE = "audit_chain"
PAGE = 2000
_BEFORE_EVERYTHING = -(2**63)


def stored_digest(row: StoredRow) -> str:
    """The digest the recorder links an event with.

    A state that is not JSON (scaletrack never writes one) is linked by the
    SHA-256 of its bytes, so the chain goes on; ``verify --store`` reports
    that event as altered, since no document can be made of it.
    """
    try:
        state = json.loads(row.state)
    except (ValueError, TypeError):
        return hashlib.sha256(row.state).hexdigest()
    return hashlib.sha256(document(row.aggregate, row.version, row.type, canonical(state))
                          ).hexdigest()


class ChainTable:
    """The chain table of one store: appended to by its event recorder, read by audits."""

    def __init__(self, db: Dialect) -> None:
        self.db = db

    # -- writing, inside the event recorder's transaction ----------------------------

    def append(self, cursor: Any, rows: Sequence[StoredRow]) -> Link | None:
        """Link ``rows``, just inserted, after every event stored before them.

        ``cursor`` is the inserting transaction's, which holds the store's write
        lock: nothing can be stored or linked meanwhile. Events stored before
        ``rows`` that have no link yet (an older store) are linked first.
        """
        cursor = self.db.tuples(cursor)
        last = self._last(cursor)
        first = rows[0].position if rows else None
        while True:
            after = last.position if last else _BEFORE_EVERYTHING
            unlinked = self._rows(cursor, after, PAGE, None if first is None else first - 1)
            if not unlinked:
                break
            last = self._insert(cursor, last, unlinked)
        return self._insert(cursor, last, rows) if rows else last

    def _insert(self, cursor: Any, last: Link | None, rows: Sequence[StoredRow]) -> Link | None:
        links = [new for new, _ in extend(last, iter(rows), stored_digest)]
        cursor.executemany(self.db.sql(
            "INSERT INTO {chain} (seq, position, digest, hash) VALUES (?, ?, ?, ?)"), links)
        return links[-1] if links else last

    def link_of(self, cursor: Any, originator_id: Any, version: int) -> Link | None:
        """The link of one aggregate's event, read in the caller's transaction."""
        cursor = self.db.tuples(cursor)
        cursor.execute(self.db.sql(
            "SELECT c.seq, c.position, c.digest, c.hash FROM {events} e JOIN {chain} c "
            "ON c.position = e.{position} WHERE e.originator_id = ? "
            "AND e.originator_version = ?"), (self.db.stored_id(originator_id), version))
        row = cursor.fetchone()
        return Link(*row) if row else None

    # -- reading -------------------------------------------------------------------

    def last(self) -> Link | None:
        with self.db.read() as cursor:
            return self._last(cursor)

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
                row = (None if type_ is None else StoredRow(
                    position, aggregate(aggregate_id), version, type_, as_bytes(state)))
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
        return [StoredRow(position, aggregate(aggregate_id), version, type_, as_bytes(state))
                for position, aggregate_id, version, type_, state in cursor.fetchall()]


def as_bytes(state: Any) -> bytes:
    """A stored state as bytes, however the driver returns it (a tampered SQLite cell
    may even hold text)."""
    return state.encode() if isinstance(state, str) else bytes(state)


class Dialect(ABC):
    """What differs between SQLite and PostgreSQL: names, placeholders, connections."""

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

    def row(self, position: int, event: Any) -> StoredRow:
        """A stored event (eventsourcing's ``StoredEvent``) at its position."""
        return StoredRow(position, self.aggregate(event.originator_id),
                         event.originator_version, event.topic, as_bytes(event.state))

    @abstractmethod
    def qualified(self, table: str) -> str:
        """A table's name as statements write it."""

    @abstractmethod
    def stored_id(self, originator_id: Any) -> Any:
        """An aggregate id as the events table stores it."""

    @abstractmethod
    def tuples(self, cursor: Any) -> Any:
        """A cursor of the same transaction that returns rows as tuples."""

    @abstractmethod
    def read(self) -> Any:
        """A context: a cursor to read with."""

    @abstractmethod
    def ddl(self) -> list[str]:
        """The statements that create the chain table."""


class SQLiteDialect(Dialect):
    position = "rowid"

    def __init__(self, datastore: Any, events_table: str) -> None:
        super().__init__()
        self.datastore = datastore
        self.events = events_table
        self.chain = TABLE

    def qualified(self, table: str) -> str:
        return table

    def stored_id(self, originator_id: Any) -> Any:
        return originator_id.hex if isinstance(originator_id, uuid.UUID) else originator_id

    def tuples(self, cursor: Any) -> Any:
        return cursor  # sqlite3.Row unpacks as a tuple

    @contextmanager
    def read(self) -> Iterator[Any]:
        with self.datastore.get_connection(commit=False) as connection, \
                connection.cursor() as cursor:
            cursor.execute("BEGIN")
            try:
                yield cursor
            finally:
                cursor.execute("ROLLBACK")

    def ddl(self) -> list[str]:
        return [f"CREATE TABLE IF NOT EXISTS {TABLE} (seq INTEGER PRIMARY KEY, "
                "position INTEGER NOT NULL UNIQUE, digest TEXT NOT NULL, hash TEXT NOT NULL)"]


class PostgresDialect(Dialect):
    position = "notification_id"
    placeholder = "%s"

    def __init__(self, datastore: Any, events_table: str) -> None:
        super().__init__()
        self.datastore = datastore
        self.schema = '"' + datastore.schema.replace('"', '""') + '"'
        self.events = self.qualified(events_table)
        self.chain = f"{self.schema}.{TABLE}"

    def qualified(self, table: str) -> str:
        return f'{self.schema}."{table}"'

    def stored_id(self, originator_id: Any) -> Any:
        return originator_id

    def tuples(self, cursor: Any) -> Any:
        from psycopg.rows import tuple_row

        return cursor.connection.cursor(row_factory=tuple_row)

    @contextmanager
    def read(self) -> Iterator[Any]:
        from psycopg.rows import tuple_row

        with self.datastore.get_connection() as connection:
            yield connection.cursor(row_factory=tuple_row)

    def ddl(self) -> list[str]:
        return [f"CREATE TABLE IF NOT EXISTS {self.chain} (seq bigint PRIMARY KEY, "
                "position bigint NOT NULL UNIQUE, digest text NOT NULL, hash text NOT NULL)"]
