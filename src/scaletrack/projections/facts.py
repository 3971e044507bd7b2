"""Events as the views read them: the stored JSON state, decoded once, not validated again.

A projection reads every event of the store; building pydantic event objects
would cost more than the projection itself. The stored state is the event's
envelope and payload as JSON (see ``application.mapper``), already validated
when it was written, so a view reads it as plain values: dates and times as
ISO 8601 text, decimals as text, enums as their values.

Where facts come from does not matter to a view: the store's notification
log, or any selection of it (all that was recorded by a moment, all that
occurred by a date) for a view computed at a point in time. Only their order
matters: it must be the store's.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol
from uuid import UUID

from eventsourcing.persistence import ApplicationRecorder, StoredEvent

from scaletrack.domain.envelope import Recorded, adapter_for
from scaletrack.domain.vocabulary import period_of

ENVELOPE = frozenset({"timestamp", "occurred_on", "actor", "source", "reason", "key",
                      "originator_topic", "class_version"})
"""Keys of the stored state that are not the event's own fields."""

PAGE = 1000
"""Events per transaction: committing a page at a time is about 6x faster than one by one."""


@dataclass(frozen=True, slots=True)
class Fact:
    """One stored event: where it is in the store, whose it is, and its state."""

    position: int
    """Notification id: the event's place in the store's global order."""
    subject: str
    """The aggregate's id as 32 hex digits."""
    version: int
    type: str
    state: dict[str, Any]
    text: str
    """The state as stored: compact JSON."""

    @property
    def occurred_on(self) -> str:
        value: str = self.state["occurred_on"]
        return value

    @property
    def recorded_at(self) -> str:
        value: str = self.state["timestamp"]
        return value

    def occurred(self) -> date:
        return date.fromisoformat(self.occurred_on)

    def payload(self) -> dict[str, Any]:
        """The event's own fields, without the envelope."""
        return {k: v for k, v in self.state.items() if k not in ENVELOPE}

    def period(self) -> str:
        """The reporting period of an entry: its own, else the quarter it occurred in."""
        period: str | None = self.state.get("period")
        return period or period_of(self.occurred())


def subject_of(aggregate_id: UUID | str) -> str:
    return aggregate_id.hex if isinstance(aggregate_id, UUID) else UUID(aggregate_id).hex


def fact_of(stored: StoredEvent, position: int) -> Fact:
    """A fact from a stored event (a notification, or a row the caller read)."""
    text = stored.state.decode()
    return Fact(position, subject_of(stored.originator_id), stored.originator_version,
                stored.topic, json.loads(text), text)


def fact_from_event(event: Recorded, position: int) -> Fact:
    """A fact from an event object, stated as the store states it."""
    state = adapter_for(type(event)).dump_python(
        event, mode="json", exclude={"originator_id", "originator_version"})
    return Fact(position, event.originator_id.hex, event.originator_version, event.TYPE, state,
                json.dumps(state, separators=(",", ":"), ensure_ascii=False))


def facts_of(events: Iterable[Recorded]) -> Iterator[Fact]:
    """Facts from event objects in the store's order, numbered from 1 (a selection of
    events has no notification ids of its own, and only their order matters)."""
    for position, event in enumerate(events, start=1):
        yield fact_from_event(event, position)


class FactSource(Protocol):
    """Where a view catches up from: the store, read in its order."""

    def head(self) -> int:
        """The position of the last event stored (0 if none)."""

    def pages(self, after: int, size: int = PAGE) -> Iterator[Sequence[Fact]]:
        """The events after a position, a page at a time."""


class StoreSource:
    """The store's notification log, read by position through the library's recorder."""

    def __init__(self, recorder: ApplicationRecorder) -> None:
        self.recorder = recorder

    def head(self) -> int:
        return int(self.recorder.max_notification_id() or 0)

    def pages(self, after: int, size: int = PAGE) -> Iterator[Sequence[Fact]]:
        while True:
            notes = self.recorder.select_notifications(after + 1, size)
            if not notes:
                return
            yield [fact_of(note, note.id) for note in notes]
            after = notes[-1].id
            if len(notes) < size:
                return


class SQLiteLogSource:
    """The same notification log on SQLite, read with the recorder's own query.

    The library's recorder builds a UUID and a Notification object per row,
    which costs more than decoding the row's JSON; this reads the rows as
    they are (the row id is the notification id; the aggregate id is stored
    as 32 hex digits). A read-only connection of its own, closed with ``close``.
    """

    def __init__(self, path: str, table: str = "stored_events") -> None:
        self.connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True,
                                          check_same_thread=False)
        self.table = table

    def head(self) -> int:
        found = self.connection.execute(f"SELECT MAX(rowid) FROM {self.table}").fetchone()
        return int(found[0] or 0)

    def pages(self, after: int, size: int = PAGE) -> Iterator[Sequence[Fact]]:
        query = (f"SELECT rowid, originator_id, originator_version, topic, state "
                 f"FROM {self.table} WHERE rowid > ? ORDER BY rowid LIMIT ?")
        while True:
            rows = self.connection.execute(query, (after, size)).fetchall()
            if not rows:
                return
            page = []
            for position, subject, version, topic, state in rows:
                text = state.decode()
                page.append(Fact(position, subject if len(subject) == 32 else subject_of(subject),
                                 version, topic, json.loads(text), text))
            yield page
            after = rows[-1][0]
            if len(rows) < size:
                return

    def close(self) -> None:
        self.connection.close()


class SelectionSource:
    """A selection of the store's facts, in the store's order (a view at a point in time)."""

    def __init__(self, facts: Iterable[Fact]) -> None:
        self.facts = list(facts)

    def head(self) -> int:
        return self.facts[-1].position if self.facts else 0

    def pages(self, after: int, size: int = PAGE) -> Iterator[Sequence[Fact]]:
        return paged((f for f in self.facts if f.position > after), size)


def paged(facts: Iterable[Fact], size: int = PAGE) -> Iterator[list[Fact]]:
    """Any sequence of facts in pages (for views built from a selection of the store)."""
    page: list[Fact] = []
    for fact in facts:
        page.append(fact)
        if len(page) == size:
            yield page
            page = []
    if page:
        yield page
