"""A view: tables, the handlers that fold events into them, and its position.

Every view is an ``eventsourcing`` :class:`Projection` whose tracking
recorder lives in the view's own database. The handlers never read or write
the database themselves: they state changes (:mod:`.changes`) that a page
flushes at once, and the caller records the page's last position in the same
transaction. The handlers depend only on the facts they are given, so a view
can be built from the live store, or from any selection of it into another
database, with the same code.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, ClassVar, TypeVar

from eventsourcing.domain import DomainEventProtocol
from eventsourcing.persistence import IntegrityError, Tracking
from eventsourcing.projection import Projection
from sqlalchemy import Connection

from scaletrack.domain.envelope import Recorded
from scaletrack.projections.changes import Changes
from scaletrack.projections.database import ViewTable, table, writing
from scaletrack.projections.facts import Fact, fact_from_event
from scaletrack.projections.tracking import ViewTracking

H = TypeVar("H", bound=Callable[..., None])


def on(*types: str) -> Callable[[H], H]:
    """Mark a view method as the handler of the events of these types."""

    def mark(handler: H) -> H:
        handler._handles = types  # type: ignore[attr-defined]
        return handler

    return mark


class View(Projection[ViewTracking]):
    """Base of every view."""

    schema: ClassVar[int] = 1
    """Version of the view's tables and rules; a change rebuilds the view."""
    tables: ClassVar[tuple[type[ViewTable], ...]] = ()
    handlers: ClassVar[dict[str, tuple[Callable[[Any, Fact], None], ...]]] = {}
    """The view's handlers of each event type, in the order they are declared."""
    shows: ClassVar[frozenset[str] | None] = None
    """The event types whose content the view shows (None: every type it handles)."""
    dated: ClassVar[frozenset[str]] = frozenset()
    """The event types the view shows only through their valid day."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        inherited: str = "" if "name" in cls.__dict__ else getattr(cls, "name", "")
        super().__init_subclass__(**kwargs)
        if inherited:  # a variant of a view is that view (the library would rename it)
            cls.name = inherited
        handlers: dict[str, tuple[Callable[[Any, Fact], None], ...]] = {}
        for klass in reversed(cls.__mro__):
            for member in klass.__dict__.values():
                for kind in getattr(member, "_handles", ()):
                    handlers[kind] = (*handlers.get(kind, ()), member)
        cls.handlers = handlers

    def __init__(self, tracking: ViewTracking) -> None:
        super().__init__(tracking)
        self.changes = {model: Changes(table(model)) for model in self.tables}

    def write(self, model: type[ViewTable]) -> Changes:
        """The pending changes to one of the view's tables."""
        return self.changes[model]

    def fold(self, connection: Connection, facts: Sequence[Fact]) -> None:
        """Apply a page of facts, in order, and write the outcome in one go."""
        for pending in self.changes.values():
            pending.clear()
        self.start_page(connection, facts)
        handlers = self.handlers
        for fact in facts:
            for handler in handlers.get(fact.type, ()):
                handler(self, fact)
        self.settle()
        for pending in self.changes.values():
            pending.flush(connection)

    def start_page(self, connection: Connection, facts: Sequence[Fact]) -> None:
        """Forget what the last page added up, and read what this page's handlers need
        to know beyond it (most views keep and need nothing)."""

    def settle(self) -> None:
        """Turn what the handlers added up over the page into changes (most add up nothing)."""

    def process_event(self, domain_event: DomainEventProtocol[Any], tracking: Tracking) -> None:
        """The library's one-event-at-a-time entry point: applies the event and its position
        in one transaction; an event already applied raises IntegrityError and changes
        nothing."""
        assert isinstance(domain_event, Recorded)
        with writing(self.view.engine) as connection:
            if tracking.notification_id <= self.view.position(connection, lock=True):
                raise IntegrityError(f"view {self.name} has already applied event "
                                     f"{tracking.notification_id}")
            self.fold(connection, [fact_from_event(domain_event, tracking.notification_id)])
            self.view.record(connection, tracking)
