"""Reading the portfolio: consortia by country, pilots by pathway and stage, ESF+ roll-ups.

- **Matrix**: one row per consortium and country (its member countries and
  any country one of its pilots comes from): membership, its competence
  centre there, its partner organisations there, and its pilots there.
- **Pilots by** type, scaling dimension (a pilot counts once per dimension),
  mechanism and stage; "none" where no pathway was chosen yet.
- **ESF+ roll-ups**: for every indicator counted in units (participants and
  the like), each pilot's figure to date (achieved, as in the impact view, at
  its latest reported period) added up over the pilots, with its breakdowns
  by sex and by age band: an incremental indicator adds up the breakdowns of
  every reported period, the others take the latest period's.
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, select

from scaletrack.projections.bitemporal import NOW, Point
from scaletrack.projections.filters import Filters
from scaletrack.projections.queries.impact import Breakdown, Row, series_rows
from scaletrack.projections.queries.selection import pilots
from scaletrack.projections.tables import Centre, ConsortiumPartner, ConsortiumRow, MemberCountry

USES = ("directory", "impact")
ROLLED_UP = ("sex", "age-band")


def portfolio(connection: Connection, filters: Filters, point: Point = NOW) -> dict[str, Any]:
    chosen = pilots(connection, filters)
    return {"filters": filters.describe(),
            "matrix": _matrix(connection, filters, list(chosen.values())),
            "pilots_by": {
                "type": _count(p.pilot_type or "none" for p in chosen.values()),
                "dimension": _count(d for p in chosen.values() for d in p.dimensions),
                "mechanism": _count(p.mechanism or "none" for p in chosen.values()),
                "stage": _count(p.stage for p in chosen.values())},
            "esf": _esf(series_rows(connection, Filters(
                consortium=filters.consortium, country=filters.country, pilot=filters.pilot,
                indicator=filters.indicator), point))}


def _count(values: Any) -> dict[str, int]:
    return dict(sorted(Counter(values).items()))


def _matrix(connection: Connection, filters: Filters, chosen: list[Any]) -> list[dict[str, Any]]:
    consortia = dict(connection.execute(select(ConsortiumRow.subject, ConsortiumRow.code)
                                        ).all())
    members = {(consortia[s], c) for s, c in connection.execute(
        select(MemberCountry.subject, MemberCountry.country))}
    centres = {(consortia[s], c): name for s, c, name in connection.execute(
        select(Centre.subject, Centre.country, Centre.name))}
    partners = Counter((consortia[s], c) for s, c in connection.execute(
        select(ConsortiumPartner.subject, ConsortiumPartner.country)))
    pilot_count = Counter((p.consortium, c) for p in chosen for c in p.countries)
    cells = sorted({*members, *pilot_count})
    return [{"consortium": consortium, "country": country,
             "member": (consortium, country) in members,
             "centre": centres.get((consortium, country)),
             "partners": partners[(consortium, country)],
             "pilots": pilot_count[(consortium, country)]}
            for consortium, country in cells
            if filters.consortium in (None, consortium) and filters.country in (None, country)
            and not (filters.pilot and not pilot_count[(consortium, country)])]


def _esf(rows: list[Row]) -> list[dict[str, Any]]:
    reported: dict[tuple[str, str], list[Row]] = {}
    for row in rows:
        if row.reported and row.definition and row.definition["measure"] == "unit":
            reported.setdefault((row.pilot.code, row.indicator), []).append(row)
    totals: dict[str, dict[str, Any]] = {}
    for (_, indicator), series in sorted(reported.items()):
        latest = series[-1]
        if latest.achieved is None or latest.definition is None:
            continue
        incremental = latest.definition["accumulation"] == "incremental"
        parts: Breakdown = {}
        for row in series if incremental else [latest]:
            parts = _add(parts, row.breakdown or {})
        total = totals.setdefault(indicator, {
            "indicator": indicator, "name": latest.definition["name"],
            "unit": latest.definition["unit"], "pilots": 0, "total": Decimal(0),
            "by_sex": {}, "by_age_band": {}})
        total["pilots"] += 1
        total["total"] += latest.achieved
        for dimension in ROLLED_UP:
            into = total["by_" + dimension.replace("-", "_")]
            for category, value in parts.get(dimension, {}).items():
                into[category] = into.get(category, Decimal(0)) + value
    return [totals[code] for code in sorted(totals)]


def _add(into: Breakdown, parts: Breakdown) -> Breakdown:
    summed = {dimension: dict(categories) for dimension, categories in into.items()}
    for dimension, categories in parts.items():
        for category, value in categories.items():
            summed.setdefault(dimension, {})
            summed[dimension][category] = summed[dimension].get(category, Decimal(0)) + value
    return summed
