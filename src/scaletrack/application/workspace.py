"""Aggregates held in memory while a batch of commands is checked, then saved at once.

Each aggregate is loaded from the store the first time a command needs it
and kept, so a command sees every earlier command of the same batch. Nothing
reaches the store until the ledger saves :meth:`Workspace.touched` in one
atomic write.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError

from scaletrack.domain.consortium import Consortium
from scaletrack.domain.envelope import Recorded
from scaletrack.domain.errors import NotFound, RuleViolation
from scaletrack.domain.indicator import Indicator
from scaletrack.domain.pilot import Pilot

if TYPE_CHECKING:
    from scaletrack.application.ledger import Ledger

AggregateT = TypeVar("AggregateT", Consortium, Indicator, Pilot)

NOUNS: dict[type[Any], str] = {Consortium: "consortium", Indicator: "indicator", Pilot: "pilot"}


class Workspace:
    """The batch's view of the store: stored aggregates plus the batch's own events."""

    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger
        self._aggregates: dict[UUID, Any] = {}
        self._ids: dict[tuple[type[Any], str], UUID] = {}
        self.recorded: list[Recorded] = []
        """Every new event, in the order the batch recorded them."""

    def get(self, cls: type[AggregateT], code: str) -> AggregateT:
        code = code.strip().upper()
        id_ = self._ids.get((cls, code))
        if id_ is None:
            id_ = self._ids[cls, code] = cls.id_for(code)
        if id_ not in self._aggregates:
            try:
                self._aggregates[id_] = self.ledger.repository.get(id_)
            except AggregateNotFoundError:
                self._aggregates[id_] = None
        aggregate: AggregateT | None = self._aggregates[id_]
        if aggregate is None:
            noun = NOUNS[cls]
            raise NotFound(f"no {noun} {code}", hint=f"register it first (scaletrack {noun} "
                           "list shows those that exist)")
        return aggregate

    def exists(self, cls: type[AggregateT], code: str) -> bool:
        try:
            self.get(cls, code)
        except NotFound:
            return False
        return True

    def add(self, cls: type[AggregateT], code: str, aggregate: AggregateT) -> None:
        """A newly registered aggregate; its code must be free."""
        if self.exists(cls, code):
            raise RuleViolation("code-taken", f"{NOUNS[cls]} {code} already exists",
                                field=NOUNS[cls], hint="codes are unique; choose another")
        self._aggregates[aggregate.id] = aggregate

    def entry(self, code: str, version: int) -> Recorded:
        """Event N of a pilot, whether stored or recorded earlier in this batch."""
        pilot = self.get(Pilot, code)
        pending = pilot.pending_events
        first = pending[0].originator_version if pending else pilot.version + 1
        if version >= first:
            if version > pilot.version:
                raise NotFound(f"no event {code}@{version}")
            event = pending[version - first]
            assert isinstance(event, Recorded)
            return event
        return self.ledger.pilot_event(code, version)

    def note(self, aggregate_id: UUID) -> None:
        """The aggregate has just recorded one event: keep the batch's order."""
        event = self._aggregates[aggregate_id].pending_events[-1]
        assert isinstance(event, Recorded)
        self.recorded.append(event)

    def touched(self) -> list[Any]:
        """Aggregates with events waiting to be saved."""
        return [a for a in self._aggregates.values() if a is not None and a.pending_events]
