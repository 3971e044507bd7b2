"""The SQLite recorders: eventsourcing's, with each event's chain link in its transaction.

Selected by ``PERSISTENCE_MODULE=scaletrack.persistence.sqlite`` (what a
``sqlite:///`` store URL sets). A save takes the file's write lock first
(``BEGIN IMMEDIATE``), so the last link and the last recorded-at it reads
cannot change before it commits.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from eventsourcing import sqlite as library
from eventsourcing.persistence import AggregateRecorder, OperationalError, StoredEvent
from eventsourcing.sqlite import (
    SQLiteAggregateRecorder,
    SQLiteApplicationRecorder,
    SQLiteCursor,
    SQLiteDatastore,
    SQLiteTransaction,
)

from scaletrack.persistence import snapshots
from scaletrack.persistence.chain_table import ChainTable, SQLiteDialect
from scaletrack.persistence.recorder import ChainedRecorder


class _Immediate(SQLiteTransaction):
    """eventsourcing's transaction (its errors mapped the same way), begun IMMEDIATE."""

    def __enter__(self) -> SQLiteCursor:
        cursor = self.connection.cursor()
        try:
            cursor.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as error:
            raise OperationalError(error) from error
        return cursor


class EventRecorder(SQLiteApplicationRecorder, ChainedRecorder):
    def __init__(self, datastore: SQLiteDatastore,
                 events_table_name: str = "stored_events") -> None:
        self.dialect = SQLiteDialect(datastore, events_table_name)
        super().__init__(datastore, events_table_name)
        self.chain = ChainTable(self.dialect)

    def construct_create_table_statements(self) -> list[str]:
        return [*super().construct_create_table_statements(), *self.dialect.ddl()]

    def insert_events(self, stored_events: Sequence[StoredEvent], **kwargs: Any
                      ) -> Sequence[int] | None:
        with self.transaction() as cursor:
            return self.append(cursor, stored_events)

    @contextmanager
    def transaction(self) -> Iterator[Any]:
        with self.datastore.get_connection(commit=True) as connection, \
                _Immediate(connection, commit=True) as cursor:
            yield cursor

    def _insert_events(self, c: SQLiteCursor, stored_events: Sequence[StoredEvent],
                       **kwargs: Any) -> Sequence[int] | None:
        return self.append(c, stored_events)

    def _insert_rows(self, cursor: Any, stored_events: Sequence[StoredEvent]) -> list[int]:
        ids = super()._insert_events(cursor, stored_events)
        return list(ids or ())


class SnapshotRecorder(SQLiteAggregateRecorder, snapshots.SnapshotRecorder):
    """eventsourcing's snapshot recorder, sealing each snapshot to the chain as it stores it."""

    def __init__(self, datastore: SQLiteDatastore, events_table_name: str = "stored_snapshots",
                 *, chained: str = "stored_events") -> None:
        self.dialect = SQLiteDialect(datastore, chained)
        super().__init__(datastore, events_table_name)
        self.snapshots_table = events_table_name
        self.chain = ChainTable(self.dialect)

    def construct_create_table_statements(self) -> list[str]:
        return [*super().construct_create_table_statements(),
                f"CREATE TABLE IF NOT EXISTS {snapshots.TABLE} (originator_id TEXT, "
                "originator_version INTEGER, chain_hash TEXT NOT NULL, seal TEXT NOT NULL, "
                "PRIMARY KEY (originator_id, originator_version)) WITHOUT ROWID"]

    def _insert_events(self, c: SQLiteCursor, stored_events: Sequence[StoredEvent],
                       **kwargs: Any) -> Sequence[int] | None:
        super()._insert_events(c, stored_events, **kwargs)
        self.seal_in(c, stored_events)
        return None

    def has_seals(self, cursor: Any) -> bool:
        return True  # created with the snapshots' table whenever the store is opened

    def originator_id(self, stored: Any) -> Any:
        return self.convert_originator_id(stored)


class Factory(library.SQLiteFactory):
    application_recorder_class = EventRecorder

    def aggregate_recorder(self, purpose: str = "events") -> AggregateRecorder:
        if purpose != "snapshots":
            return super().aggregate_recorder(purpose)
        recorder = SnapshotRecorder(self.datastore, "stored_snapshots",
                                    chained="stored_events")
        if self.env_create_table():
            recorder.create_table()
        return recorder
