"""Saving a large batch of events on PostgreSQL in one transaction, without pipeline mode.

The eventsourcing PostgreSQL recorder sends a save as one statement in
psycopg's pipeline mode. With a payload of a few megabytes (a bulk import of
some ten thousand rows) that exchange can deadlock: the client waits for a
result while the server waits for the rest of the statement (measured here
with eventsourcing 9.5.6 and psycopg 3.3.9; compare psycopg issue 685). So a
batch is written here as the recorder would write it (the same table lock,
notification and insert statement, in one transaction) but in chunks of
plain statements.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from eventsourcing.application import Application, ProcessingEvent
from eventsourcing.persistence import Notification, Recording

CHUNK = 2000
"""Events per insert statement: well under a megabyte each."""


def record(app: Application[UUID], processing: ProcessingEvent[UUID]) -> list[Recording[UUID]]:
    """Store the processing event's events atomically, in their order; cache the aggregates."""
    from psycopg.sql import SQL, Identifier

    recorder: Any = app.recorder
    stored = [app.mapper.to_stored_event(e) for e in processing.events]
    ids: list[int] = []
    with recorder.datastore.transaction(commit=True) as cursor:
        for statement in recorder.lock_table_statements:
            cursor.execute(statement, prepare=True)
        cursor.execute(SQL("NOTIFY {0}").format(Identifier(recorder.channel_name)))
        for start in range(0, len(stored), CHUNK):
            cursor.execute(recorder.insert_events_statement, ([
                recorder.construct_pg_stored_event(s.originator_id, s.originator_version,
                                                   s.topic, s.state)
                for s in stored[start:start + CHUNK]],))
            ids.extend(row["notification_id"] for row in cursor.fetchall())
    if app.repository.cache is not None:
        for aggregate_id, aggregate in processing.aggregates.items():
            app.repository.cache.put(aggregate_id, aggregate)
    return [Recording(event, Notification(id=id_, originator_id=s.originator_id,
                                          originator_version=s.originator_version,
                                          topic=s.topic, state=s.state))
            for event, s, id_ in zip(processing.events, stored, ids, strict=True)]
