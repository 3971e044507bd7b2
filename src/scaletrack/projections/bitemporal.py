"""Rows that hold for a valid time and were believed during a recorded interval.

The views that are asked about points in time (impact, progress, and the
directory they read) keep, beside what holds now, *when* it held and *when
the store believed it*, the way XTDB keeps ``_valid_from`` and
``_system_from/_system_to`` on every row:

- ``valid_on``: the day from which a row holds, the occurred-on day of the
  event that made it; a correction or retraction holds from the day of the
  entry it names (the README's rule), never from its own;
- ``since`` and ``until``: the recorded interval, in microseconds since the
  epoch (UTC), from the recorded-at moment of the event that wrote the row
  to that of the correction or retraction that replaced it (None: still
  believed).

A point (as of a day, known at a moment) sees a row that held by its day and
that the store believed at its moment: ``valid_on <= day`` and ``since <=
moment < until``. Now is the point that sees every row still believed. Each
view's query is the same at every point, an indexed SQL query; no event is
replayed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Connection,
    Integer,
    String,
    Table,
    and_,
    bindparam,
    or_,
    select,
    true,
    tuple_,
)
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.sql.expression import ColumnElement

from scaletrack.projections.changes import Changes
from scaletrack.projections.facts import Fact

MICROS = BigInteger().with_variant(Integer, "sqlite")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def micros(moment: datetime | str) -> int:
    """A moment (or its ISO 8601 text) in microseconds since the epoch, UTC."""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    delta = moment - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def recorded(fact: Fact) -> int:
    """When the store recorded a fact, in microseconds."""
    return micros(fact.recorded_at)


class Valid:
    """The column of a row that holds from a day on."""

    valid_on: Mapped[str] = mapped_column(String(10))


class Believed:
    """The columns of a row believed during a recorded interval."""

    since: Mapped[int] = mapped_column(MICROS)
    until: Mapped[int | None] = mapped_column(MICROS)


class Occurred:
    """The columns of a fact that holds from a day on and was recorded at a moment
    (a row no correction replaces: its recorded interval never closes)."""

    valid_on: Mapped[str] = mapped_column(String(10))
    since: Mapped[int] = mapped_column(MICROS)


def named(fact: Fact) -> int | None:
    """The version of the entry a correction or retraction names (None for other events)."""
    found = fact.state.get("corrects", fact.state.get("retracts"))
    return None if found is None else int(found)


class ValidDays:
    """The valid day of each fact of a page: its own occurred-on day, or for a correction
    or retraction that of the entry it names, from the page itself or, for an entry of an
    earlier page, from the view's own table of them (``subject``, ``version``,
    ``valid_on``)."""

    def __init__(self, source: Table) -> None:
        self.source = source
        self.days: dict[tuple[str, int], str] = {}

    def read(self, connection: Connection, facts: Sequence[Fact]) -> None:
        """Before a page: look up the entries its corrections name that it does not hold."""
        self.days = {}
        inside = {(fact.subject, fact.version) for fact in facts}
        wanted = {(fact.subject, target) for fact in facts
                  if (target := named(fact)) is not None} - inside
        if wanted:
            c = self.source.c
            for subject, version, day in connection.execute(
                    select(c.subject, c.version, c.valid_on)
                    .where(tuple_(c.subject, c.version).in_(sorted(wanted)))):
                self.days[(subject, version)] = day

    def of(self, fact: Fact) -> str:
        """The fact's valid day (facts must be asked about in the page's order)."""
        target = named(fact)
        day = fact.occurred_on if target is None else self.days.get(
            (fact.subject, target), fact.occurred_on)
        self.days[(fact.subject, fact.version)] = day
        return day


@dataclass(frozen=True)
class Point:
    """A point as the views' queries take it: a day (ISO text) and a moment (microseconds);
    None on an axis sees everything on it."""

    day: str | None = None
    moment: int | None = None

    @classmethod
    def at(cls, as_of: date | None, known_at: datetime | None) -> Point:
        return cls(as_of.isoformat() if as_of else None,
                   micros(known_at) if known_at else None)

    @property
    def is_now(self) -> bool:
        return self.day is None and self.moment is None

    def holds(self, valid: Table | None = None, believed: Table | None = None
              ) -> ColumnElement[bool]:
        """Whether the rows of these tables are seen at this point: ``valid`` has the
        day a row holds from (and may have the moment it was recorded), ``believed``
        the recorded interval (when not the same table)."""
        seen: list[ColumnElement[bool]] = []
        if valid is not None and self.day is not None:
            seen.append(valid.c.valid_on <= self.day)
        for columns in (valid, believed):
            if columns is None or "since" not in columns.c:
                continue
            if self.moment is not None:
                seen.append(columns.c.since <= self.moment)
            if "until" in columns.c:
                seen.append(columns.c.until.is_(None) if self.moment is None
                            else or_(columns.c.until.is_(None), columns.c.until > self.moment))
        return and_(*seen) if seen else true()


NOW = Point()


class Intervals:
    """Pending writes to a table of believed rows, within one page, flushed at once.

    ``start`` opens the first recorded interval of a row; ``replace`` closes the
    one open and opens the next; ``end`` closes it. A row opened in this page is
    closed in memory; one opened in an earlier page is closed in the database,
    before the page's new rows are inserted (so the update never meets them).
    """

    def __init__(self, target: Table, key: Sequence[str]) -> None:
        self.table = target
        self.key = tuple(key)
        self.rows: list[dict[str, Any]] = []
        self.open: dict[tuple[object, ...], dict[str, Any]] = {}
        self.closes: dict[tuple[object, ...], int] = {}
        self.inserts = Changes(target)

    def clear(self) -> None:
        self.rows, self.open, self.closes = [], {}, {}

    def start(self, row: dict[str, Any]) -> None:
        row.setdefault("until", None)
        self.rows.append(row)
        self.open[tuple(row[name] for name in self.key)] = row

    def end(self, key: tuple[object, ...], at: int) -> None:
        found = self.open.pop(key, None)
        if found is not None:
            found["until"] = at
        else:
            self.closes.setdefault(key, at)

    def replace(self, key: tuple[object, ...], row: dict[str, Any], at: int) -> None:
        self.end(key, at)
        self.start(row)

    def flush(self, connection: Connection) -> None:
        rows, closes = self.rows, self.closes
        self.clear()
        if closes:
            c = self.table.c
            statement = (self.table.update()
                         .where(*(c[name] == bindparam(f"k_{name}") for name in self.key),
                                c.until.is_(None))
                         .values(until=bindparam("at")))
            connection.execute(statement, [
                {**{f"k_{name}": value for name, value in zip(self.key, key, strict=True)},
                 "at": at} for key, at in closes.items()])
        for row in rows:
            self.inserts.append(row)
        self.inserts.flush(connection)
