"""Reading the portfolio: consortia by country, pilots by pathway and stage, roll-ups.

- **Matrix**: one row per consortium and country (its member countries and
  any country one of its pilots is scaled into or comes from): membership,
  its competence centre there, its partner organisations there, the pilots
  scaled into it (``pilots``) and those whose innovation comes from it
  (``origin_of``).
- **Pilots by** type, scaling dimension (a pilot counts once per dimension),
  mechanism and stage; "none" where no pathway was chosen yet.
- **Roll-ups** (``roll_ups``): every indicator with a number, to date, over
  the selected pilots, in the country asked for (``roll_ups_countries``;
  every country if none), by the rules of
  :mod:`scaletrack.projections.queries.rollups`: what adds up is summed, with
  its breakdowns and their unknown parts; snapshots and rates per pilot, with
  their median.
- **ESF+ roll-ups** (``esf``): the same, counting only the ESF+ common
  indicators of Annex I (those the catalogue marks, by their EECO/EECR codes) in the
  ESF+ countries (:mod:`scaletrack.domain.esf_plus`). The indicators that are a breakdown
  of the total of participants (EECO02, EECO04-EECO11: employment status, age band, ISCED
  level) are never counted apart: EECO01's figure carries them (``common_indicators``),
  read from its breakdown, so each age band has one figure. ``esf_scope`` names those countries,
  the selected pilots' countries left out (the UK), the marked indicators, and
  a note saying why nothing is rolled up, when nothing can be.
"""

from __future__ import annotations

import json
from collections import Counter
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, select

from scaletrack.domain.esf_plus import (
    BREAKDOWNS,
    COMMON_INDICATORS,
    ENTITIES,
    ESF_PLUS_COUNTRIES,
    TOTAL,
)
from scaletrack.projections.bitemporal import NOW, Point
from scaletrack.projections.filters import Filters
from scaletrack.projections.queries.impact import Row, reported_rows
from scaletrack.projections.queries.rollups import EVERYWHERE, Scope, roll_up
from scaletrack.projections.queries.selection import Pilot, pilots
from scaletrack.projections.tables import (
    Centre,
    ConsortiumPartner,
    ConsortiumRow,
    IndicatorRow,
    IndicatorVersion,
    MemberCountry,
)

USES = ("directory", "impact", "decisions")


def portfolio(connection: Connection, filters: Filters, point: Point = NOW) -> dict[str, Any]:
    chosen = pilots(connection, filters)
    return {"filters": filters.describe(),
            "matrix": _matrix(connection, filters, list(chosen.values())),
            "pilots_by": {
                "type": _count(p.pilot_type or "none" for p in chosen.values()),
                "dimension": _count(d for p in chosen.values() for d in p.dimensions),
                "mechanism": _count(p.mechanism or "none" for p in chosen.values()),
                "stage": _count(p.stage for p in chosen.values())},
            **_roll_ups(connection, filters, list(chosen.values()), reported_rows(
                connection, Filters(consortium=filters.consortium, country=filters.country,
                                    pilot=filters.pilot, indicator=filters.indicator),
                point))}


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
    into = Counter((p.consortium, c) for p in chosen for c in p.targets)
    origins = Counter((p.consortium, p.countries[0]) for p in chosen)
    cells = sorted({*members, *into, *origins})
    return [{"consortium": consortium, "country": country,
             "member": (consortium, country) in members,
             "centre": centres.get((consortium, country)),
             "partners": partners[(consortium, country)],
             "pilots": into[(consortium, country)],
             "origin_of": origins[(consortium, country)]}
            for consortium, country in cells
            if filters.consortium in (None, consortium) and filters.country in (None, country)
            and not (filters.pilot and not (into + origins)[(consortium, country)])]


def _roll_ups(connection: Connection, filters: Filters, chosen: list[Pilot],
              rows: list[Row]) -> dict[str, Any]:
    """The roll-ups in the country asked for, and the ESF+ ones with their scope."""
    dimensions, marked = _catalogue(connection)
    asked = EVERYWHERE if filters.country is None else Scope(frozenset({filters.country}))
    esf = ESF_PLUS_COUNTRIES if asked.countries is None else ESF_PLUS_COUNTRIES & asked.countries
    outside = sorted({c for p in chosen for c in p.targets} - esf if asked.countries is None
                     else asked.countries - esf)
    note = None
    if not marked:
        note = ("no indicator in the catalogue is marked as an ESF+ common indicator "
                "(indicator revise CODE --esf-common), so nothing is rolled up as ESF+")
    elif filters.indicator in BREAKDOWNS:
        dimension, category = COMMON_INDICATORS[filters.indicator].part_of or ("", "")
        note = (f"{filters.indicator} is the {dimension} {category} part of {TOTAL}: "
                f"ask for {TOTAL}")
    elif filters.indicator and filters.indicator not in marked:
        note = f"{filters.indicator} is not marked as an ESF+ common indicator"
    elif not esf:
        note = f"{filters.country} is not an ESF+ country (not an EU member state)"
    counted = [] if note else roll_up(
        [row for row in rows if row.indicator in marked and row.indicator not in BREAKDOWNS],
        Scope(esf), dimensions)
    return {
        "roll_ups": roll_up(rows, asked, dimensions),
        "roll_ups_countries": None if asked.countries is None else sorted(asked.countries),
        "esf": [_with_parts(figure) if figure["indicator"] == TOTAL else
                _entities(figure) if COMMON_INDICATORS[figure["indicator"]].unit == ENTITIES
                else figure for figure in counted],
        "esf_scope": {"countries": sorted(esf), "left_out": outside,
                      "indicators": sorted(marked), "note": note},
    }


def _with_parts(total: dict[str, Any]) -> dict[str, Any]:
    """EECO01 with the common indicators that are its breakdown (EECO02, EECO04-EECO11):
    each the part of the total in its category, so an age band has one figure only; None
    where the results are not broken down by that dimension."""
    parts = {}
    for code in sorted(BREAKDOWNS):
        dimension, category = COMMON_INDICATORS[code].part_of or ("", "")
        by = total.get("by", {}).get(dimension)
        parts[code] = {"name": COMMON_INDICATORS[code].name, "dimension": dimension,
                       "category": category,
                       "value": None if by is None else by.get(category, Decimal(0))}
    return {**total, "common_indicators": parts}


def _entities(figure: dict[str, Any]) -> dict[str, Any]:
    """EECO18 and EECO19 as the pilots report them, saying what they do not know: whether
    two pilots supported the same organisation."""
    return {**figure, "counted": f"{figure['counted']}; an organisation two pilots "
            "support is counted by each: `organisation supported` counts the distinct "
            "organisation records"}


def _catalogue(connection: Connection) -> tuple[dict[str, list[str]], set[str]]:
    """Each indicator's breakdown dimensions (over all its versions), and the codes of
    those its current version marks as ESF+ common indicators."""
    current = dict(connection.execute(
        select(IndicatorRow.code, IndicatorRow.current_version)).all())
    dimensions: dict[str, list[str]] = {}
    marked = set()
    for code, version, named, esf_common in connection.execute(
            select(IndicatorVersion.code, IndicatorVersion.version, IndicatorVersion.dimensions,
                   IndicatorVersion.esf_common).order_by(IndicatorVersion.version)):
        dimensions[code] = list(dict.fromkeys([*dimensions.get(code, []), *json.loads(named)]))
        if esf_common and current.get(code) == version and code in COMMON_INDICATORS:
            marked.add(code)
    return dimensions, marked
