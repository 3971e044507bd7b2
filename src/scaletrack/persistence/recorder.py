"""What the project's event recorders add to eventsourcing's: the chain, in the same write.

Each backend's recorder (:mod:`scaletrack.persistence.sqlite`,
:mod:`scaletrack.persistence.postgres`) opens a transaction that holds the
store's write lock, inserts the events and appends their links to the
audit chain before it commits: an event is never stored without its link,
and never recorded before the event stored ahead of it.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from contextlib import AbstractContextManager
from typing import Any

from eventsourcing.persistence import ApplicationRecorder, StoredEvent

from scaletrack.persistence import recorded_at
from scaletrack.persistence.chain_table import ChainTable, Dialect


class ChainedRecorder(ApplicationRecorder, ABC):
    """An application recorder that links every event it inserts."""

    chain: ChainTable
    dialect: Dialect

    @abstractmethod
    def create_table(self) -> None:
        """Create the events' and the chain's tables if they are missing."""

    @abstractmethod
    def transaction(self) -> AbstractContextManager[Any]:
        """A cursor in a transaction that holds the store's write lock; commits on exit."""

    @abstractmethod
    def _insert_rows(self, cursor: Any, stored_events: Sequence[StoredEvent]) -> list[int]:
        """Insert the events as eventsourcing's recorder does; their positions."""

    def append(self, cursor: Any, stored_events: Sequence[StoredEvent], *,
               verbatim: bool = False) -> list[int]:
        """Insert events and their links in the caller's :meth:`transaction`.

        Unless ``verbatim`` (a copy of another store), an event stamped before the
        newest stored one is recorded at that one's moment
        (:mod:`scaletrack.persistence.recorded_at`).
        """
        if not stored_events:
            return []
        if not verbatim:
            stored_events = recorded_at.in_order(stored_events,
                                                 recorded_at.newest(cursor, self.dialect))
        positions = self._insert_rows(cursor, stored_events)
        self.chain.append(cursor, [self.dialect.row(position, event) for position, event
                                   in zip(positions, stored_events, strict=True)])
        return positions
