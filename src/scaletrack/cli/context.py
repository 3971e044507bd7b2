"""What every command shares: the store URL, the ledger, its views, and debug mode."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from scaletrack.application.ledger import Ledger
    from scaletrack.application.queries.reading import ReadStore
    from scaletrack.application.store import StoreURL


@dataclass
class Session:
    """The state of one CLI invocation; opens the store only when asked."""

    db_url: str | None
    debug: bool = False
    server: str | None = None
    actor: str | None = None
    """Who records the writes, when given before the command (or by SCALETRACK_ACTOR)."""
    """A scaletrack server to work through instead of the store (scaletrack.cli.remote)."""
    _ledger: Ledger | None = field(default=None, repr=False)
    _reads: ReadStore | None = field(default=None, repr=False)

    @property
    def store(self) -> StoreURL:
        from scaletrack.application.store import StoreURL

        return StoreURL.parse(self.db_url)

    def ledger(self, *, must_exist: bool = True) -> Ledger:
        """The ledger on the store; a missing SQLite file is an error unless creating."""
        if self._ledger is None:
            from scaletrack.application.ledger import Ledger
            from scaletrack.domain.errors import NotFound

            store = self.store
            if must_exist and not store.exists:
                raise NotFound(f"no store at {store.shown}",
                               hint="run scaletrack init (or scaletrack demo), or give --db")
            self._ledger = Ledger(store)
        return self._ledger

    def read_store(self) -> ReadStore:
        """The views of the ledger's store (opened with the ledger if need be)."""
        if self._reads is None:
            from scaletrack.application.queries.reading import ReadStore

            self._reads = ReadStore(self.ledger())
        return self._reads

    def close(self) -> None:
        if self._reads is not None:
            self._reads.close()
            self._reads = None
        if self._ledger is not None:
            self._ledger.close()
            self._ledger = None


def session() -> Session:
    obj = click.get_current_context().find_root().obj
    assert isinstance(obj, Session)
    return obj
