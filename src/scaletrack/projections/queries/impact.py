"""Reading the impact view: per pilot, indicator and period, target against achieved.

The rules are in :mod:`scaletrack.projections.rules`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, select

from scaletrack.domain.vocabulary import COUNTED_FROM_ADOPTIONS, period_end
from scaletrack.projections import rules
from scaletrack.projections.bitemporal import NOW, Point
from scaletrack.projections.database import table
from scaletrack.projections.filters import Filters
from scaletrack.projections.queries.adoptions import (
    adopted_by,
    adoption_decisions,
    last_day_seen,
)
from scaletrack.projections.queries.rating import rating
from scaletrack.projections.queries.selection import Pilot, pilots, selected
from scaletrack.projections.tables import ImpactEntry, ImpactFigures, IndicatorVersion

USES = ("directory", "impact", "decisions")

Breakdown = dict[str, dict[str, Decimal]]


@dataclass(slots=True)
class Row:
    """One pilot, indicator and period, as it stands."""

    pilot: Pilot
    indicator: str
    period: str
    version: int
    definition: dict[str, Any] | None
    baseline: Decimal | None = None
    target: Decimal | None = None
    target_narrative: str | None = None
    actual: Decimal | None = None
    narrative: str | None = None
    breakdown: Breakdown | None = None
    reported: bool = False
    achieved: Decimal | None = None
    target_to_date: Decimal | None = None

    def as_dict(self, by: rules.Rating = rules.DEFAULT, day: date | None = None
                ) -> dict[str, Any]:
        """The row as the view shows it, rated by ``by`` on ``day`` (None: as if every
        period had ended)."""
        definition = self.definition or {}
        ordinal = definition.get("measure") == "ordinal"
        achieved_percent = None if ordinal else rules.percent(
            definition.get("direction"), self.baseline, self.target_to_date, self.achieved)
        shown = by.capped(achieved_percent)
        period = rules.Period(self.period, self.reported, day, self.pilot.closed_on)
        rated = (rules.score_status(definition.get("direction"), self.target_to_date,
                                    self.achieved, period) if ordinal
                 else rules.status(achieved_percent, by, period))
        return {
            "pilot": self.pilot.code, "consortium": self.pilot.consortium,
            "indicator": self.indicator, "indicator_version": self.version,
            "period": self.period, "unit": definition.get("unit"),
            "direction": definition.get("direction"),
            "accumulation": definition.get("accumulation"),
            "baseline": self.baseline, "target": self.target, "actual": self.actual,
            "target_to_date": self.target_to_date, "achieved": self.achieved,
            "percent": shown, "capped": shown != achieved_percent,
            "status": rated,
            "breakdown": self.breakdown or {},
            "narrative": self.narrative, "target_narrative": self.target_narrative,
            **({"score": rules.score(definition.get("unit"), self.achieved)} if ordinal
               else {}),
        }


def impact(connection: Connection, filters: Filters, point: Point = NOW,
           today: date | None = None) -> dict[str, Any]:
    """The rows the filters select, rated by the settings known at the point, on ``today``
    (the point's day: a period not ended by then is not due yet)."""
    rows = [row for row in series_rows(connection, filters, point)
            if filters.period is None or row.period == filters.period]
    by = rating(connection, point)
    return {"filters": filters.describe(), "rating": by.as_dict(),
            "rows": [row.as_dict(by, today) for row in rows]}


def series_rows(connection: Connection, filters: Filters, point: Point = NOW) -> list[Row]:
    """Every row of the selected pilots (and indicator) seen at the point, with achieved
    to date, in order."""
    chosen = pilots(connection, filters)
    definitions = _definitions(connection)
    entries, figures = table(ImpactEntry), table(ImpactFigures)
    query = (select(entries.c.subject, entries.c.version, entries.c.kind, entries.c.indicator,
                    entries.c.indicator_version, entries.c.period, figures.c.baseline,
                    figures.c.target, figures.c.value, figures.c.narrative,
                    figures.c.breakdown)
             .join(figures, (figures.c.subject == entries.c.subject)
                   & (figures.c.version == entries.c.version))
             .where(entries.c.subject.in_(selected(filters)), point.holds(entries, figures))
             .order_by(entries.c.subject, entries.c.indicator, entries.c.period,
                       entries.c.version))
    if filters.indicator:
        query = query.where(entries.c.indicator == filters.indicator)
    rows: dict[tuple[str, str, str], Row] = {}
    for entry in connection.execute(query):
        key = (entry.subject, entry.indicator, entry.period)
        row = rows.get(key)
        if row is None:
            row = rows[key] = Row(chosen[entry.subject], entry.indicator, entry.period,
                                  entry.indicator_version, None)
        _take(row, entry)
    ordered = sorted(rows.values(), key=lambda r: (r.pilot.code, r.indicator, r.period))
    _count_adoptions(connection, [r for r in ordered if r.indicator in COUNTED_FROM_ADOPTIONS],
                     point)
    actuals: list[Decimal | None] = []
    targets: list[Decimal | None] = []
    for index, row in enumerate(ordered):
        previous = ordered[index - 1] if index else None
        if previous is None or (previous.pilot.code, previous.indicator) != (
                row.pilot.code, row.indicator):
            actuals, targets = [], []
        row.definition = definitions.get((row.indicator, row.version))
        actuals.append(row.actual)
        targets.append(row.target)
        if row.definition and row.definition["measure"] != "qualitative":
            accumulation = row.definition["accumulation"]
            row.achieved = rules.achieved(accumulation, actuals)
            row.target_to_date = rules.target_to_date(accumulation, targets)
    return ordered


def _count_adoptions(connection: Connection, rows: list[Row], point: Point) -> None:
    """An adoption indicator's actual: the providers adopted by the end of each period that
    has ended by the point's day (:mod:`.adoptions`), whatever was typed for it."""
    if not rows:
        return
    decided = adoption_decisions(connection, {r.pilot.subject for r in rows}, point)
    seen = last_day_seen(point)
    for row in rows:
        end = period_end(row.period)
        row.actual, row.narrative, row.breakdown = None, None, {}
        row.reported = end <= seen
        if row.reported:
            row.actual = Decimal(adopted_by(decided.get(row.pilot.subject, []), end))


def reported_rows(connection: Connection, filters: Filters, point: Point = NOW) -> list[Row]:
    """The rows of the selected pilots (and indicator) with a result seen at the point,
    each as its latest result says, in the order of ``series_rows``: what roll-ups add up.

    Only results are read, in the entries' key order (no sort in the database); a
    period's later result replaces an earlier one, and achieved and target to date are
    not worked out (roll-ups do their own sums).
    """
    chosen = pilots(connection, filters)
    definitions = _definitions(connection)
    entries, figures = table(ImpactEntry), table(ImpactFigures)
    query = (select(entries.c.subject, entries.c.indicator, entries.c.period,
                    entries.c.indicator_version, figures.c.value, figures.c.narrative,
                    figures.c.breakdown)
             .join(figures, (figures.c.subject == entries.c.subject)
                   & (figures.c.version == entries.c.version))
             .where(entries.c.kind == "result", entries.c.subject.in_(selected(filters)),
                    point.holds(entries, figures))
             .order_by(entries.c.subject, entries.c.version))
    if filters.indicator:
        query = query.where(entries.c.indicator == filters.indicator)
    latest: dict[tuple[str, str, str], Row] = {}
    for subject, indicator, period, version, value, narrative, breakdown in \
            connection.execute(query).tuples():
        if indicator in COUNTED_FROM_ADOPTIONS:
            continue
        latest[subject, indicator, period] = Row(
            chosen[subject], indicator, period, version, definitions.get((indicator, version)),
            actual=_number(value), narrative=narrative, reported=True,
            breakdown=_breakdown(breakdown))
    rows = list(latest.values())
    del latest
    defined = {code for code, _ in definitions}
    for code in sorted(COUNTED_FROM_ADOPTIONS & defined):
        if filters.indicator in (None, code):
            rows.extend(row for row in series_rows(connection, replace(filters, indicator=code),
                                                   point) if row.reported)
    rows.sort(key=lambda r: (r.pilot.code, r.indicator, r.period))
    return rows


def _breakdown(text: str) -> Breakdown:
    if text == "{}":
        return {}
    return {dimension: {category: Decimal(v) for category, v in parts.items()}
            for dimension, parts in json.loads(text).items()}


def _take(row: Row, entry: Any) -> None:
    """Let a later entry replace what an earlier one said for the same period."""
    if entry.kind == "target":
        row.baseline, row.target = _number(entry.baseline), _number(entry.target)
        row.target_narrative = entry.narrative
        if not row.reported:
            row.version = entry.indicator_version
    else:
        row.actual, row.narrative = _number(entry.value), entry.narrative
        row.breakdown = _breakdown(entry.breakdown)
        row.version, row.reported = entry.indicator_version, True


def _definitions(connection: Connection) -> dict[tuple[str, int], dict[str, Any]]:
    return {(d.code, d.version): {"measure": d.measure, "unit": d.unit,
                                  "direction": d.direction, "accumulation": d.accumulation,
                                  "name": d.name}
            for d in connection.execute(select(*table(IndicatorVersion).c))}


def _number(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)
