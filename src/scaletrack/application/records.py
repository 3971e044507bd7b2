"""Events as plain records: what history, export and views print."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from scaletrack.domain.envelope import Recorded, plain
from scaletrack.domain.errors import InvalidInput
from scaletrack.domain.pilot import payload_of


def event_id(subject: str, version: int) -> str:
    """The stable printable id of an event: its aggregate's code and version."""
    return f"{subject}@{version}"


def parse_event_id(text: str) -> tuple[str, int]:
    code, sep, version = text.strip().rpartition("@")
    if not sep or not code or not version.isdigit() or int(version) < 1:
        raise InvalidInput(f"{text!r} is not an event id",
                           hint="write CODE@N, e.g. SEED-GR-01@7 (see pilot history)")
    return code, int(version)


@dataclass(frozen=True)
class EventRecord:
    """One event with its envelope, ready to print or serialise."""

    id: str
    subject: str
    type: str
    version: int
    occurred_on: str
    recorded_at: str
    actor: str
    reason: str | None
    source: str
    key: str | None
    data: dict[str, Any]

    @classmethod
    def of(cls, event: Recorded, subject: str) -> EventRecord:
        return cls(
            id=event_id(subject, event.originator_version),
            subject=subject,
            type=event.TYPE,
            version=event.originator_version,
            occurred_on=event.occurred_on.isoformat(),
            recorded_at=event.recorded_at.isoformat(),
            actor=event.actor,
            reason=event.reason,
            source=str(event.source),
            key=event.key,
            data=plain(payload_of(event)),
        )

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)
