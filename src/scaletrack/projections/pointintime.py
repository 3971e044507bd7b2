"""Views at a point in time: the visible events replayed into a database of their own.

A point sees what had been recorded by its *known-at* moment and, of that,
what had occurred by the end of its *as-of* day. A correction or retraction
follows the valid time of the entry it names: it is seen exactly when that
entry is (and it had itself been recorded by the known-at moment). This is
the rule of ``application.timetravel.PointInTime.visible``, stated here over
the stored facts so that a view at a point reads the store's JSON as the
live views do, without building an event object per event.

The views are built by the live views' own code into a private in-memory
SQLite database, so the live views are never touched and two evaluators
asking about different points never meet. The views that keep both times of
their rows (:mod:`.bitemporal`) answer a point without this replay; it
serves the others, and the tests, as the oracle of those that do.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime

from sqlalchemy import Engine

from scaletrack.projections.database import engine_for
from scaletrack.projections.facts import Fact, SelectionSource
from scaletrack.projections.runner import ReadModels
from scaletrack.projections.types import CORRECTED, ENTRIES, RETRACTED

_ENTRIES = frozenset(ENTRIES)


def target_of(fact: Fact) -> int | None:
    """The version of the entry a correction or retraction names (None for other events)."""
    if fact.type == CORRECTED:
        return int(fact.state["corrects"])
    if fact.type == RETRACTED:
        return int(fact.state["retracts"])
    return None


def visible(facts: Iterable[Fact], as_of: date | None = None,
            known_at: datetime | None = None) -> Iterator[Fact]:
    """The facts a point sees, in the order given (which must be the store's)."""
    if as_of is None and known_at is None:
        yield from facts
        return
    day = as_of.isoformat() if as_of else None
    seen: set[tuple[str, int]] = set()
    for fact in facts:
        if known_at is not None and datetime.fromisoformat(fact.recorded_at) > known_at:
            continue
        target = target_of(fact)
        if target is not None:
            if (fact.subject, target) in seen:
                yield fact
            continue
        if day is None or fact.occurred_on <= day:
            if fact.type in _ENTRIES:
                seen.add((fact.subject, fact.version))
            yield fact


def views_of(facts: Iterable[Fact], names: Sequence[str] | None = None) -> Engine:
    """A private in-memory database holding the named views (all when None) built from
    these facts alone; dispose of the engine when done."""
    engine = engine_for("sqlite://")
    ReadModels(engine, SelectionSource(facts)).rebuild(names)
    return engine
