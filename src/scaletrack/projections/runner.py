"""Keeping views up to date with the store, and rebuilding them.

*Catching up* applies the events a view has not seen, a page per
transaction, each page's rows and position committed together: a crash
loses at most the page in flight, and the next run continues from the last
committed page. Writers take turns (see :mod:`.database`), and each re-reads
its position once it has the lock, so two processes catching up at once
never apply an event twice.

*Rebuilding* empties a view and applies every event in one transaction, so
a reader sees the old complete view until the new complete one replaces it.
A view whose tables changed version (``View.schema``), or that was never
built, is rebuilt before it is first caught up.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from eventsourcing.persistence import Tracking
from sqlalchemy import Connection, Engine, inspect, text

from scaletrack.domain.errors import NotFound
from scaletrack.projections.database import ViewTable, reading, table, writing
from scaletrack.projections.facts import PAGE, Fact, FactSource
from scaletrack.projections.registry import VIEWS
from scaletrack.projections.tracking import POSITIONS, ViewTracking
from scaletrack.projections.view import View

OnPage = Callable[[int, int], None]
"""Told (position reached, head) after each page."""

_SETUP_LOCK = 7_201_003
"""PostgreSQL advisory lock held while views are created or rebuilt."""


class ReadModels:
    """The views of one database, fed from one source of events."""

    def __init__(self, engine: Engine, source: FactSource, application: str = "scaletrack", *,
                 views: Mapping[str, type[View]] = VIEWS, page: int = PAGE) -> None:
        self.engine = engine
        self.source = source
        self.application = application
        self.page = page
        self.views = {name: cls(ViewTracking(engine, name, application))
                      for name, cls in views.items()}

    def select(self, names: Iterable[str] | None = None) -> list[View]:
        """Views by name (all when None), in build order."""
        wanted = set(self.views if names is None else names)
        unknown = wanted - set(self.views)
        if unknown:
            raise NotFound(f"no view {', '.join(sorted(unknown))}",
                           hint=f"views: {', '.join(self.views)}")
        return [view for name, view in self.views.items() if name in wanted]

    # -- bringing views up to date --------------------------------------------------

    def catch_up(self, names: Iterable[str] | None = None, on_page: OnPage | None = None
                 ) -> int:
        """Apply the events the views have not seen; returns how many events were read."""
        views = self.select(names)
        self.install(views, on_page)
        with reading(self.engine) as connection:
            positions = [view.view.position(connection) for view in views]
        head = self.source.head()
        ahead = [v.name for v, p in zip(views, positions, strict=True) if p > head]
        if ahead:  # built from another history (the store was emptied and refilled)
            self.rebuild(ahead, on_page)
            return self.catch_up(names, on_page)
        behind = {v: p for v, p in zip(views, positions, strict=True) if p < head}
        if not behind:
            return 0
        read = 0
        for page in self.source.pages(min(behind.values()), self.page):
            with writing(self.engine) as connection:
                for view in behind:
                    self._apply(connection, view, page)
            read += len(page)
            if on_page:
                on_page(page[-1].position, head)
        return read

    def _apply(self, connection: Connection, view: View, page: Sequence[Fact]) -> None:
        position = view.view.position(connection, lock=True)
        todo = page if page[0].position > position else [
            fact for fact in page if fact.position > position]
        if todo:
            view.fold(connection, todo)
            view.view.record(connection, Tracking(self.application, todo[-1].position))

    def rebuild(self, names: Iterable[str] | None = None, on_page: OnPage | None = None
                ) -> int:
        """Build views from the first event, in one transaction; returns the events read."""
        views = self.select(names)
        head = self.source.head()
        read, last = 0, 0
        with writing(self.engine) as connection:
            _setup_lock(connection)
            ViewTable.metadata.create_all(connection, tables=[POSITIONS])
            for view in views:
                _empty(connection, view)
                view.view.restart(connection, view.schema)
            for page in self.source.pages(0, self.page):
                for view in views:
                    view.fold(connection, page)
                read, last = read + len(page), page[-1].position
                if on_page:
                    on_page(last, head)
            if last:
                for view in views:
                    view.view.record(connection, Tracking(self.application, last))
        return read

    def install(self, views: Sequence[View], on_page: OnPage | None = None) -> None:
        """Create the tables of views never built; rebuild those built with older tables."""
        stale = self._stale(views)
        if not stale:
            return
        with writing(self.engine) as connection:
            _setup_lock(connection)
            ViewTable.metadata.create_all(connection, tables=[POSITIONS])
        stale = self._stale(views)
        if stale:
            self.rebuild([view.name for view in stale], on_page)

    def _stale(self, views: Sequence[View]) -> list[View]:
        if not inspect(self.engine).has_table(POSITIONS.name):
            return list(views)
        with reading(self.engine) as connection:
            return [view for view in views if view.view.schema(connection) != view.schema]

    # -- reporting ------------------------------------------------------------------

    def status(self) -> list[dict[str, Any]]:
        """Each view's position, the store's head and how many events the view lags."""
        head = self.source.head()
        built = inspect(self.engine).has_table(POSITIONS.name)
        rows = []
        with reading(self.engine) as connection:
            for view in self.views.values():
                schema = view.view.schema(connection) if built else None
                position = view.view.position(connection) if built else 0
                rows.append({"view": view.name, "position": position, "head": head,
                             "lag": head - position,
                             "state": "not built" if schema is None else
                             "outdated tables" if schema != view.schema else
                             "current" if position == head else "behind"})
        return rows


def _empty(connection: Connection, view: View) -> None:
    """Empty a view's tables, or create them anew when their version changed.

    Rows are deleted, not the tables dropped, so that on PostgreSQL readers keep
    reading the old rows meanwhile (a dropped table would make them wait).
    """
    models = [table(model) for model in view.tables]
    if view.view.schema(connection) == view.schema:
        for model in models:
            connection.execute(model.delete())
    else:
        ViewTable.metadata.drop_all(connection, tables=models)
        ViewTable.metadata.create_all(connection, tables=models)


def _setup_lock(connection: Connection) -> None:
    """On PostgreSQL, one process at a time creates or rebuilds views (SQLite's
    writer lock already does that)."""
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _SETUP_LOCK})

