"""The PostgreSQL recorders: eventsourcing's, with each event's chain link in its
transaction, and without pipeline mode.

Selected by ``PERSISTENCE_MODULE=scaletrack.persistence.postgres`` (what a
``postgresql://`` store URL sets). The library sends a save's statements
(table lock, notify, insert) as one psycopg pipeline. An insert of more than
a few megabytes (a bulk import of about 15,000 events) then never returned:
client and server both waited to read (psycopg 3.3.9 with libpq 18; psycopg
issue #685 describes the same). Here they are sent one after another in a
plain transaction, the events in chunks of :data:`CHUNK`; 30,000 events
insert in about a second. The table lock that keeps notification ids in
commit order is the library's; the chain's links are written under it.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from eventsourcing import postgres as library
from eventsourcing.persistence import (
    AggregateRecorder,
    InterfaceError,
    OperationalError,
    StoredEvent,
)
from eventsourcing.postgres import (
    PostgresAggregateRecorder,
    PostgresApplicationRecorder,
    PostgresDatastore,
)
from eventsourcing.utils import retry
from psycopg.errors import LockNotAvailable
from psycopg.sql import SQL, Composed

from scaletrack.domain.errors import ConcurrentChange
from scaletrack.persistence import snapshots
from scaletrack.persistence.chain_table import ChainTable, PostgresDialect
from scaletrack.persistence.recorder import ChainedRecorder

CHUNK = 2000
"""Events per insert statement: well under a megabyte each."""


class EventRecorder(PostgresApplicationRecorder, ChainedRecorder):
    def __init__(self, datastore: PostgresDatastore, *,
                 events_table_name: str = "stored_events") -> None:
        super().__init__(datastore, events_table_name=events_table_name)
        self.dialect = PostgresDialect(datastore, events_table_name)
        self.chain = ChainTable(self.dialect)
        self.sql_create_statements.extend(Composed([SQL(s)]) for s in self.dialect.ddl())

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
    def insert_events(self, stored_events: Sequence[StoredEvent], **kwargs: Any
                      ) -> Sequence[int] | None:
        if not stored_events:
            return None
        with self.transaction() as cursor:
            return self.append(cursor, stored_events)

    @contextmanager
    def transaction(self) -> Iterator[Any]:
        try:
            with self.datastore.transaction(commit=True) as cursor:
                self._lock_table(cursor)
                self._notify_channel(cursor)
                yield cursor
        except OperationalError as failed:
            # A lock held past the lock timeout is someone else's long write (or a
            # stuck session): retrying would make the writer wait ten timeouts.
            if isinstance(failed.__cause__, LockNotAvailable):
                raise ConcurrentChange("the event table stayed locked past the lock timeout "
                                       "(another write, or a stuck session)",
                                       hint="retry in a moment") from None
            raise

    def _insert_rows(self, cursor: Any, stored_events: Sequence[StoredEvent]) -> list[int]:
        positions: list[int] = []
        for start in range(0, len(stored_events), CHUNK):
            cursor.execute(self.insert_events_statement, ([
                self.construct_pg_stored_event(s.originator_id, s.originator_version,
                                               s.topic, s.state)
                for s in stored_events[start:start + CHUNK]],))
            positions.extend(row["notification_id"] for row in cursor.fetchall())
        return positions


class SnapshotRecorder(PostgresAggregateRecorder, snapshots.SnapshotRecorder):
    """eventsourcing's snapshot recorder, sealing each snapshot to the chain as it stores it."""

    def __init__(self, datastore: PostgresDatastore, *,
                 events_table_name: str = "stored_snapshots",
                 chained: str = "stored_events") -> None:
        super().__init__(datastore, events_table_name=events_table_name)
        self.dialect = PostgresDialect(datastore, chained)
        self.snapshots_table = self.dialect.qualified(events_table_name)
        self.chain = ChainTable(self.dialect)
        self.sql_create_statements.append(Composed([SQL(
            f"CREATE TABLE IF NOT EXISTS {self.seals} (originator_id uuid NOT NULL, "
            "originator_version bigint NOT NULL, chain_hash text NOT NULL, "
            "seal text NOT NULL, PRIMARY KEY (originator_id, originator_version))")]))
        self._has_seals: bool | None = None

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
    def insert_events(self, stored_events: Sequence[StoredEvent], **kwargs: Any
                      ) -> Sequence[int] | None:
        if stored_events:
            with self.datastore.transaction(commit=True) as cursor:
                self._insert_stored_events(cursor, stored_events, **kwargs)
                self.seal_in(cursor, stored_events)
        return None

    def has_seals(self, cursor: Any) -> bool:
        if not self._has_seals:
            cursor = self.dialect.tuples(cursor)
            cursor.execute("SELECT to_regclass(%s)", (self.seals,))
            row = cursor.fetchone()
            self._has_seals = row is not None and row[0] is not None
        return self._has_seals

    def originator_id(self, stored: Any) -> Any:
        return stored


class Factory(library.PostgresFactory):
    application_recorder_class = EventRecorder

    def aggregate_recorder(self, purpose: str = "events") -> AggregateRecorder:
        if purpose != "snapshots":
            return super().aggregate_recorder(purpose)
        prefix = self.env.name.lower() or "stored"
        recorder = SnapshotRecorder(self.datastore, events_table_name=f"{prefix}_snapshots",
                                    chained=f"{prefix}_events")
        if self.env_create_table():
            recorder.create_table()
        return recorder
