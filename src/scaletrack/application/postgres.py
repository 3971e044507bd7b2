"""The PostgreSQL event recorder: the eventsourcing library's, minus pipeline mode.

The library sends a save's statements (table lock, notify, insert) as one
psycopg pipeline. An insert of more than a few megabytes (a bulk import of
about 15,000 events) then never returned: client and server both waited to
read (psycopg 3.3.9 with libpq 18; psycopg issue #685 describes the same).
Sent one after another in a plain transaction, the same statements insert
30,000 events in about a second. Everything else, the table lock that keeps
notification ids in commit order included, is the library's.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from eventsourcing.persistence import InterfaceError, OperationalError, StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder
from eventsourcing.utils import retry
from psycopg.errors import LockNotAvailable

from scaletrack.domain.errors import ConcurrentChange


class EventRecorder(PostgresApplicationRecorder):
    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
    def insert_events(self, stored_events: Sequence[StoredEvent], **kwargs: Any
                      ) -> Sequence[int] | None:
        try:
            with self.datastore.transaction(commit=True) as cursor:
                self._insert_events(cursor, stored_events, **kwargs)
                if not stored_events:
                    return None
                self._insert_stored_events(cursor, stored_events, **kwargs)
                return self._fetch_ids_after_insert_events(cursor, stored_events, **kwargs)
        except OperationalError as failed:
            # A lock held past the lock timeout is someone else's long write (or a
            # stuck session): retrying would make the writer wait ten timeouts.
            if isinstance(failed.__cause__, LockNotAvailable):
                raise ConcurrentChange("the event table stayed locked past the lock timeout "
                                       "(another write, or a stuck session)",
                                       hint="retry in a moment") from None
            raise
