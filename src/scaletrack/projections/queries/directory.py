"""Reading the directory: the lists of pilots, consortia and indicators.

Each row is what the aggregate's summary shows (``application.summaries``),
sorted by code (as people look them up).
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Connection, select

from scaletrack.domain.esf_plus import catalogue_facts
from scaletrack.projections.tables import (
    Centre,
    ConsortiumPartner,
    ConsortiumRow,
    IndicatorRow,
    IndicatorVersion,
    MemberCountry,
    PilotRow,
    Subject,
)

USES = ("directory",)


def pilots(connection: Connection, consortium: str | None = None) -> list[dict[str, Any]]:
    """Every pilot (or only a consortium's): code, consortium, title, type, stage,
    countries (origin first) and version."""
    query = (select(PilotRow.code, PilotRow.consortium, PilotRow.title, PilotRow.pilot_type,
                    PilotRow.stage, PilotRow.origin_country, PilotRow.target_countries,
                    Subject.version)
             .join(Subject, Subject.subject == PilotRow.subject).order_by(PilotRow.code))
    if consortium is not None:
        query = query.where(PilotRow.consortium == consortium)
    return [{"code": row.code, "consortium": row.consortium, "title": row.title,
             "type": row.pilot_type, "stage": row.stage,
             "countries": list(dict.fromkeys([row.origin_country,
                                              *json.loads(row.target_countries)])),
             "version": row.version}
            for row in connection.execute(query)]


def consortia(connection: Connection) -> list[dict[str, Any]]:
    """Every consortium: code, name, lead, countries, partners, centres and version."""
    countries: dict[str, list[str]] = {}
    for subject, country in connection.execute(
            select(MemberCountry.subject, MemberCountry.country)
            .order_by(MemberCountry.position, MemberCountry.place)):
        countries.setdefault(subject, []).append(country)
    partners: dict[str, list[dict[str, str]]] = {}
    for subject, organisation, country, role in connection.execute(
            select(ConsortiumPartner.subject, ConsortiumPartner.organisation,
                   ConsortiumPartner.country, ConsortiumPartner.role)
            .order_by(ConsortiumPartner.position)):
        partners.setdefault(subject, []).append(
            {"organisation": organisation, "country": country, "role": role})
    centres: dict[str, dict[str, str]] = {}
    for subject, country, name in connection.execute(
            select(Centre.subject, Centre.country, Centre.name).order_by(Centre.position)):
        centres.setdefault(subject, {})[country] = name
    return [{"code": row.code, "name": row.name, "lead": row.lead,
             "countries": countries.get(row.subject, []),
             "partners": partners.get(row.subject, []), "centres": centres.get(row.subject, {}),
             "version": row.version}
            for row in connection.execute(
                select(ConsortiumRow.subject, ConsortiumRow.code, ConsortiumRow.name,
                       ConsortiumRow.lead, Subject.version)
                .join(Subject, Subject.subject == ConsortiumRow.subject)
                .order_by(ConsortiumRow.code))]


def indicators(connection: Connection) -> list[dict[str, Any]]:
    """Every indicator: code, its current definition, what the regulation says of it if it
    is an ESF+ common indicator (counting rule, informed estimate allowed), definition
    version and retired."""
    query = (select(IndicatorRow.code, IndicatorVersion.name, IndicatorVersion.level,
                    IndicatorVersion.measure, IndicatorVersion.unit, IndicatorVersion.direction,
                    IndicatorVersion.accumulation, IndicatorVersion.dimensions,
                    IndicatorVersion.esf_common, IndicatorRow.current_version, IndicatorRow.retired)
             .join(Subject, Subject.subject == IndicatorRow.subject)
             .join(IndicatorVersion, (IndicatorVersion.code == IndicatorRow.code)
                   & (IndicatorVersion.version == IndicatorRow.current_version))
             .order_by(IndicatorRow.code))
    return [{"code": row.code, "name": row.name, "level": row.level, "measure": row.measure,
             "unit": row.unit, "direction": row.direction, "accumulation": row.accumulation,
             "dimensions": json.loads(row.dimensions), "esf_common": bool(row.esf_common),
             **catalogue_facts(row.code, bool(row.esf_common)),
             "definition_version": row.current_version, "retired": bool(row.retired)}
            for row in connection.execute(query)]
