"""Views at a point in time for the view commands and ``diff``: where the facts come from.

Without a point, a view command reads the live views (brought up to date
first). With one, the facts that point sees are replayed into a private
in-memory database (:mod:`scaletrack.projections.pointintime`), so the live
views are never touched.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from scaletrack.cli.render import say

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from scaletrack.application.timetravel import PointInTime
    from scaletrack.projections.facts import Fact


@dataclass(frozen=True)
class Moment:
    """A view read at a point: its connection, and the day overdue milestones are judged on."""

    connection: Connection
    today: date


def store_facts() -> list[Fact]:
    """Every fact of the session's store, in the store's order."""
    from scaletrack.cli.projections import read_models

    return [fact for page in read_models().source.pages(0) for fact in page]


def now() -> datetime:
    from scaletrack.cli.context import session

    return session().ledger().clock()


def is_future(point: PointInTime, at: datetime) -> bool:
    """Whether every axis the point names lies after ``at`` (it then sees what now sees)."""
    return ((point.as_of is None or point.as_of > at.date())
            and (point.known_at is None or point.known_at > at))


def day_of(point: PointInTime, at: datetime) -> date:
    """"Today" at a point: its as-of date, else its known-at day, else today."""
    if point.as_of is not None:
        return point.as_of
    return point.known_at.date() if point.known_at is not None else at.date()


def when(point: PointInTime) -> str:
    return ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in point.describe().items() if v)


def visible_facts(point: PointInTime, facts: list[Fact]) -> list[Fact]:
    from scaletrack.projections.pointintime import visible

    return list(visible(facts, point.as_of, point.known_at))


@contextmanager
def view_at(uses: Sequence[str], point: PointInTime, *, quiet: bool = False
            ) -> Iterator[Moment]:
    """A read transaction on the named views as they stood at a point (now if none)."""
    from scaletrack.cli.projections import current
    from scaletrack.projections.database import reading
    from scaletrack.projections.pointintime import views_of

    at = now()
    if point.is_now or is_future(point, at):
        if not point.is_now and not quiet:
            say(f"note: that point ({when(point)}) is after now; showing the current view")
        with current(uses) as connection:
            yield Moment(connection, at.date())
        return
    facts = store_facts()
    seen = visible_facts(point, facts)
    if facts and not seen and not quiet:
        say(f"note: nothing had happened or been recorded at that point ({when(point)}); "
            "the view is empty")
    engine = views_of(seen, uses)
    try:
        with reading(engine) as connection:
            yield Moment(connection, day_of(point, at))
    finally:
        engine.dispose()
