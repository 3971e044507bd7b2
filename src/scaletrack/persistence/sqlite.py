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
from eventsourcing.persistence import OperationalError, StoredEvent
from eventsourcing.sqlite import (
    SQLiteApplicationRecorder,
    SQLiteCursor,
    SQLiteDatastore,
    SQLiteTransaction,
)

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


class Factory(library.SQLiteFactory):
    application_recorder_class = EventRecorder
