"""What a view is asked about: filters, and the pilots they select.

A pilot belongs to each of its countries: the one its innovation comes from
and those it is scaled into; a filter on a country selects it by either. What
it achieves happens in its target countries, so figures per country count it
under those (:mod:`scaletrack.projections.queries.rollups`). Naming a
consortium, pilot or indicator that does not exist is an error (not an empty
view), so a typo is never mistaken for "nothing to report".
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Connection, Select, select

from scaletrack.domain.errors import NotFound
from scaletrack.projections.filters import Filters
from scaletrack.projections.tables import (
    ConsortiumRow,
    IndicatorRow,
    MemberCountry,
    PilotCountry,
    PilotRow,
    Subject,
)


@dataclass(frozen=True)
class Pilot:
    """A pilot as the views group and label it."""

    subject: str
    code: str
    consortium: str
    countries: list[str]
    stage: str
    pilot_type: str | None
    dimensions: list[str] = field(default_factory=list)
    mechanism: str | None = None
    closed_on: date | None = None
    """The day it was closed, if it was at the point asked."""
    targets: list[str] = field(default_factory=list)
    """The countries it is scaled into (``countries`` also holds its origin)."""


def selected(filters: Filters, *, ever: bool = False) -> Select[str]:
    """The ids of the pilots the filters select (consortium, country, pilot); ``ever``:
    also those that were in the country before an amendment took them out of it."""
    query = select(PilotRow.subject)
    if filters.consortium:
        query = query.where(PilotRow.consortium == filters.consortium)
    if filters.pilot:
        query = query.where(PilotRow.code == filters.pilot)
    if filters.country:
        within = PilotCountry.country == filters.country
        if not ever:
            within &= PilotCountry.current.is_(True)
        query = query.where(PilotRow.subject.in_(select(PilotCountry.subject).where(within)))
    return query


def pilots(connection: Connection, filters: Filters) -> dict[str, Pilot]:
    """The selected pilots by id, in the order of their codes."""
    check(connection, filters)
    rows = connection.execute(
        select(PilotRow.subject, PilotRow.code, PilotRow.consortium, PilotRow.origin_country,
               PilotRow.target_countries, PilotRow.stage, PilotRow.pilot_type,
               PilotRow.dimensions, PilotRow.mechanism, PilotRow.closed_on)
        .where(PilotRow.subject.in_(selected(filters))).order_by(PilotRow.code))
    found = {}
    for (subject, code, consortium, origin, targets, stage, kind, dimensions, mechanism,
         closed_on) in rows:
        countries = list(dict.fromkeys([origin, *json.loads(targets)]))
        found[subject] = Pilot(subject, code, consortium, countries, stage, kind,
                               json.loads(dimensions), mechanism,
                               closed_on=date.fromisoformat(closed_on) if closed_on else None,
                               targets=json.loads(targets))
    return found


def check(connection: Connection, filters: Filters) -> None:
    """NotFound for a consortium, pilot, indicator or country the store does not know (a
    country is known once a consortium or a pilot has it)."""
    for value, column, noun in ((filters.consortium, ConsortiumRow.code, "consortium"),
                                (filters.pilot, PilotRow.code, "pilot"),
                                (filters.indicator, IndicatorRow.code, "indicator")):
        if value and connection.execute(select(column).where(column == value)).first() is None:
            raise NotFound(f"no {noun} {value}", hint=f"see scaletrack {noun} list")
    if filters.country and not any(
            connection.execute(select(column).where(column == filters.country)).first()
            for column in (MemberCountry.country, PilotCountry.country)):
        raise NotFound(f"no consortium or pilot in country {filters.country}",
                       hint="see scaletrack consortium list")


def codes(connection: Connection) -> dict[str, str]:
    """Every subject's code, by id."""
    return dict(connection.execute(select(Subject.subject, Subject.code)).all())


def event_id(code: str, version: int | None) -> str | None:
    return None if version is None else f"{code}@{version}"


def in_period(day: str, period: str | None) -> bool:
    """Whether an ISO day falls in a quarter (always, when no period is asked)."""
    if period is None:
        return True
    year, quarter = period[:4], int(period[-1])
    return day[:4] == year and (int(day[5:7]) - 1) // 3 + 1 == quarter
