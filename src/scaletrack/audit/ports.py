"""What the audit use cases need of a store, as protocols the store's adapters meet.

The use cases (digest, export, verify) import nothing of the application or
of the persistence adapters: they are handed an :class:`AuditedStore` (the
application's ledger is one) whose chain is a :class:`ChainStore` (the
store's chain table is one).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from scaletrack.audit.rows import Link, StoredRow

if TYPE_CHECKING:  # named, not imported: a store's write path loads only what it writes
    from scaletrack.domain.consortium import Consortium
    from scaletrack.domain.indicator import Indicator
    from scaletrack.domain.pilot import Pilot

AggregateT = TypeVar("AggregateT", "Consortium", "Indicator", "Pilot")


class ChainStore(Protocol):
    """The chain as the store keeps it, read page by page."""

    def last(self) -> Link | None:
        """The newest link."""

    def links(self) -> Iterator[Link]:
        """Every link, in chain order."""

    def rows(self, after: int | None = None, upto: int | None = None) -> Iterator[StoredRow]:
        """Stored events in the store's order, after a position (default: all of them)."""

    def chained(self, upto: Link) -> Iterator[tuple[Link, StoredRow | None]]:
        """Each link up to ``upto`` with the stored event at its position (None if gone)."""

    def find(self, digest: str) -> Link | None:
        """The link of an event by its digest."""

    def max_position(self) -> int | None:
        """The position of the newest stored event."""


@dataclass(frozen=True)
class StaleSnapshot:
    """A stored snapshot that is not the state its events give."""

    aggregate: Any
    """The aggregate as its events give it at the snapshot's version."""
    version: int
    link: Link | None
    """The chain link of the event at that version, if the chain has it."""
    detail: str


class Location(Protocol):
    @property
    def backend(self) -> str: ...

    @property
    def shown(self) -> str: ...


class AuditedStore(Protocol):
    """A store as the audit use cases see it."""

    @property
    def store(self) -> Location: ...

    @property
    def chain(self) -> ChainStore: ...

    def stale_snapshots(self) -> Iterator[StaleSnapshot]:
        """Every stored snapshot that differs from the state its events give."""

    def get(self, cls: type[AggregateT], code: str) -> AggregateT:
        """An aggregate by code; NotFound if there is none."""
