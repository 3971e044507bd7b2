"""The view documents, now or at a point in time.

A view is read from the live views, first brought up to date with the store,
so it is never stale. The impact, progress, portfolio and timeline views keep when
each of their rows held and when the store believed it
(:mod:`scaletrack.projections.bitemporal`), so at any point they are the
same indexed queries as now, over the rows that point sees, with the
directory as that point saw it (:mod:`scaletrack.projections.directory_at`).
The others (decisions, quality, finance), at a point in the past, replay the facts that point sees
into a private in-memory database (:mod:`scaletrack.projections.pointintime`),
so the live views are never touched. A point after now sees what now sees.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from scaletrack.application.documents import Document
from scaletrack.application.queries.reading import ReadStore
from scaletrack.application.timetravel import NOW, PointInTime
from scaletrack.domain.errors import NotFound
from scaletrack.projections.bitemporal import Point
from scaletrack.projections.database import reading
from scaletrack.projections.directory_at import directory_at, sees_anything
from scaletrack.projections.filters import EVERYTHING, Filters
from scaletrack.projections.pointintime import views_of, visible
from scaletrack.projections.queries import (
    decisions,
    finance,
    impact,
    portfolio,
    progress,
    quality,
    timeline,
)
from scaletrack.projections.runner import OnPage

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from scaletrack.projections.facts import Fact

Tell = Callable[[str], None]
"""Told a note for the person asking (the point lies after now, or sees nothing)."""


@dataclass(frozen=True)
class ViewQuery:
    """A view document: the views it reads, and how it reads them on a given day (and,
    for a view that keeps both times of its rows, at a given point)."""

    uses: tuple[str, ...]
    read: Callable[[Connection, Filters, date], Document]
    at: Callable[[Connection, Filters, date, Point], Document] | None = None
    indicators: frozenset[str] | None = None
    """The only indicators whose events can change the view's rows (None: any it reads)."""

    def read_at(self, connection: Connection, filters: Filters, today: date,
                point: Point) -> Document:
        assert self.at is not None
        with directory_at(connection, point, filters):
            return self.at(connection, filters, today, point)


QUERIES: dict[str, ViewQuery] = {
    "progress": ViewQuery(progress.USES, progress.progress, progress.progress,
                          progress.INDICATORS),
    "impact": ViewQuery(impact.USES, lambda c, f, t: impact.impact(c, f, today=t),
                        lambda c, f, t, p: impact.impact(c, f, p, t)),
    "portfolio": ViewQuery(portfolio.USES, lambda c, f, _: portfolio.portfolio(c, f),
                           lambda c, f, _, p: portfolio.portfolio(c, f, p)),
    "decisions": ViewQuery(decisions.USES, lambda c, f, _: decisions.decisions(c, f)),
    "quality": ViewQuery(quality.USES, quality.quality),
    "timeline": ViewQuery(timeline.USES, lambda c, f, _: timeline.timeline(c, f),
                          lambda c, f, _, p: timeline.timeline(c, f, p)),
    "finance": ViewQuery(finance.USES, lambda c, f, _: finance.finance(c, f)),
}
"""Every view document by name, in the order the CLI lists them."""

NAMES = tuple(QUERIES)


def query(name: str) -> ViewQuery:
    found = QUERIES.get(name)
    if found is None:
        raise NotFound(f"no view {name}", hint=f"views: {', '.join(NAMES)}")
    return found


def document(store: ReadStore, name: str, filters: Filters = EVERYTHING,
             at: PointInTime = NOW, *, tell: Tell | None = None,
             on_page: OnPage | None = None) -> Document:
    """The view ``name`` (see ``NAMES``) for the filters, as it stood at a point (now if none).

    Overdue milestones are judged on the point's day (``PointInTime.day``).
    NotFound for an unknown view, or a consortium, pilot or indicator the
    store does not know.
    """
    wanted = query(name)
    now = store.ledger.clock()
    if at.is_now or at.is_after(now):
        if not at.is_now and tell:
            tell(f"note: that point ({at.words()}) is after now; showing the current view")
        with store.current(wanted.uses, on_page) as connection:
            return wanted.read(connection, filters, now.date())
    if wanted.at is not None:
        point = Point.at(at.as_of, at.known_at)
        with store.current(wanted.uses, on_page) as connection:
            if tell and store.models.source.head() and not sees_anything(connection, point,
                                                                         wanted.uses):
                tell(_NOTHING.format(at.words()))
            return wanted.read_at(connection, filters, at.day(now), point)
    facts = store.facts()
    seen = seen_at(at, facts)
    if facts and not seen and tell:
        tell(_NOTHING.format(at.words()))
    return replayed(name, seen, filters, at.day(now))


_NOTHING = "note: nothing had happened or been recorded at that point ({}); the view is empty"


def seen_at(at: PointInTime, facts: Iterable[Fact]) -> list[Fact]:
    """The facts a point sees, in the store's order."""
    return list(visible(facts, at.as_of, at.known_at))


def replayed(name: str, facts: Iterable[Fact], filters: Filters, today: date) -> Document:
    """The view ``name`` built from these facts alone, apart from the live views."""
    wanted = query(name)
    engine = views_of(facts, wanted.uses)
    try:
        with reading(engine) as connection:
            return wanted.read(connection, filters, today)
    finally:
        engine.dispose()
