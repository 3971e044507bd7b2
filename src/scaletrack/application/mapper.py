"""Turns events into stored records and back, by their stable type names.

Events are stored as compact JSON of their payload and envelope (without
originator id and version, which have their own columns) under their
``TYPE`` name, so modules and classes can be renamed without touching the
store. pydantic validates every event read back; an event stored in an older
schema version is upcast first (``class_version`` and ``upcast_vN_vM``).
Snapshots keep the library's own transcoding, with the types of a pilot's
state registered (:func:`register_state_types`).
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

from eventsourcing.domain import DomainEventProtocol, Snapshot
from eventsourcing.persistence import JSONTranscoder, Mapper, StoredEvent, Transcoding

from scaletrack.domain.envelope import Recorded, adapter_for, event_class
from scaletrack.domain.pilot_state import Milestone, MoneyLine

_ENVELOPE_ONLY = {"originator_id", "originator_version"}


class DateAsISO(Transcoding):
    """Dates in snapshots (milestone due dates, pilot start and end)."""

    type = date
    name = "date_iso"

    def encode(self, obj: date) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> date:
        return date.fromisoformat(data)


class SetAsList(Transcoding):
    """Sets in snapshots (a pilot's targets, corrected and retracted entries), sorted,
    so that the same state always makes the same snapshot."""

    type = set
    name = "set"

    def encode(self, obj: set[Any]) -> list[Any]:
        return sorted(obj)

    def decode(self, data: list[Any]) -> set[Any]:
        return set(data)


class MilestoneAsList(Transcoding):
    """A pilot's milestone as ``[title, due_on, status, slips, planned_on]``."""

    type = Milestone
    name = "milestone"

    def encode(self, obj: Milestone) -> list[Any]:
        planned_on = obj.planned_on.isoformat() if obj.planned_on else None
        return [obj.title, obj.due_on.isoformat(), obj.status, obj.slips, planned_on]

    def decode(self, data: list[Any]) -> Milestone:
        title, due_on, status, slips, *rest = data  # snapshots before version 3 have four
        planned_on = date.fromisoformat(rest[0]) if rest and rest[0] else None
        return Milestone(title, date.fromisoformat(due_on), status, slips, planned_on)


class MoneyLineAsList(Transcoding):
    """Money a pilot's entry commits or pays, as ``[flow, source, amount_eur]`` (the amount
    as text, exact)."""

    type = MoneyLine
    name = "money_line"

    def encode(self, obj: MoneyLine) -> list[str]:
        return [obj.flow, obj.source, str(obj.amount_eur)]

    def decode(self, data: list[str]) -> MoneyLine:
        flow, source, amount = data
        return MoneyLine("paid" if flow == "paid" else "committed", source, Decimal(amount))


def register_state_types(transcoder: JSONTranscoder) -> None:
    """Teach a snapshot transcoder the types of aggregate state beyond the library's."""
    for transcoding in (DateAsISO(), SetAsList(), MilestoneAsList(), MoneyLineAsList()):
        transcoder.register(transcoding)


def event_state(event: Recorded) -> dict[str, Any]:
    """The stored JSON state of an event: envelope and payload, no ids."""
    state: dict[str, Any] = adapter_for(type(event)).dump_python(
        event, mode="json", exclude=_ENVELOPE_ONLY
    )
    version = getattr(type(event), "class_version", 1)
    if version > 1:
        state["class_version"] = version
    return state


def decode_event(type_name: str, originator_id: UUID, version: int,
                 state: dict[str, Any]) -> Recorded:
    """An event from its type name, ids and stored state, upcast and validated."""
    cls = event_class(type_name)
    if cls is None:
        raise KeyError(type_name)
    from_version = state.pop("class_version", 1)
    while from_version < getattr(cls, "class_version", 1):
        getattr(cls, f"upcast_v{from_version}_v{from_version + 1}")(state)
        from_version += 1
    state["originator_id"] = originator_id
    state["originator_version"] = version
    event: Recorded = adapter_for(cls).validate_python(state)
    return event


class EventMapper(Mapper[UUID]):
    def to_stored_event(self, domain_event: DomainEventProtocol[UUID]) -> StoredEvent:
        if isinstance(domain_event, Snapshot):
            return super().to_stored_event(domain_event)
        assert isinstance(domain_event, Recorded)
        # Sorted keys make the stored state the audit chain's canonical JSON as it
        # is, so exports need not re-serialise it (docs/AUDIT.md).
        state = json.dumps(event_state(domain_event), separators=(",", ":"), sort_keys=True,
                           ensure_ascii=False).encode()
        return StoredEvent(
            originator_id=domain_event.originator_id,
            originator_version=domain_event.originator_version,
            topic=domain_event.TYPE,
            state=state,
        )

    def to_domain_event(self, stored_event: StoredEvent) -> DomainEventProtocol[UUID]:
        if event_class(stored_event.topic) is None:  # a snapshot, under its class's topic
            return super().to_domain_event(stored_event)
        originator_id = stored_event.originator_id
        return decode_event(
            stored_event.topic,
            originator_id if isinstance(originator_id, UUID) else UUID(str(originator_id)),
            stored_event.originator_version,
            json.loads(stored_event.state),
        )
