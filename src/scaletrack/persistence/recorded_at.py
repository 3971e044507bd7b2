"""Recorded-at never goes backwards in store order, whatever the writers' clocks say.

Every writer stamps its events with its own clock when it builds them, before
it waits for the store's write lock: with several writers (processes, server
processes, machines) a write stamped earlier can commit later. So the
recorder, holding the write lock, reads the recorded-at of the newest stored
event and gives each new event that would come before it that same moment
instead: in store order, recorded-at only stays or moves on. The moment is
copied as stored, so it reads back exactly as the event before it.

Moving a stamp forward never breaks a rule (an event may not have occurred
after the day it is recorded). Copies of a store (``scaletrack copy``) are
inserted as they are, to keep every hash.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from eventsourcing.persistence import StoredEvent

from scaletrack.audit.chain import canonical
from scaletrack.persistence.chain_table import Dialect

FIELD = "timestamp"
"""Where a stored event's state keeps its recorded-at."""


def newest(cursor: Any, dialect: Dialect) -> str | None:
    """The recorded-at of the newest stored event, as stored (None in an empty store)."""
    cursor = dialect.tuples(cursor)
    cursor.execute(dialect.sql("SELECT state FROM {events} ORDER BY {position} DESC LIMIT 1"))
    row = cursor.fetchone()
    return _stamp(row[0]) if row else None


def in_order(events: Sequence[StoredEvent], floor: str | None) -> list[StoredEvent]:
    """The events, each recorded no earlier than ``floor`` and the events before it."""
    result: list[StoredEvent] = []
    lowest = _moment(floor) if floor is not None else None
    for event in events:
        state = _state(event.state)
        stamp = state.get(FIELD) if state is not None else None
        moment = _moment(stamp)
        if state is None or moment is None:
            result.append(event)
            continue
        if floor is not None and lowest is not None and moment < lowest:
            state[FIELD] = floor
            event = StoredEvent(event.originator_id, event.originator_version, event.topic,
                                canonical(state).encode())
        else:
            floor, lowest = stamp, moment
        result.append(event)
    return result


def _state(stored: Any) -> dict[str, Any] | None:
    try:
        state = json.loads(stored)
    except (ValueError, TypeError):
        return None
    return state if isinstance(state, dict) else None


def _stamp(stored: Any) -> str | None:
    state = _state(bytes(stored) if isinstance(stored, memoryview) else stored)
    stamp = state.get(FIELD) if state is not None else None
    return stamp if isinstance(stamp, str) and _moment(stamp) is not None else None


def _moment(stamp: Any) -> datetime | None:
    if not isinstance(stamp, str):
        return None
    try:
        moment = datetime.fromisoformat(stamp)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
