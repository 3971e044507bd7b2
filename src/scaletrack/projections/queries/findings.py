"""What the data quality checks read (:mod:`scaletrack.projections.findings`): the
selected pilots' dates, targets, results, adoption decisions and core adaptations as
they stand, from the directory, impact, decision log and quality views."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, select

from scaletrack.domain.vocabulary import period_of
from scaletrack.projections.bitemporal import NOW
from scaletrack.projections.database import table
from scaletrack.projections.filters import Filters
from scaletrack.projections.findings import (
    Adoption,
    Definition,
    Deviation,
    Evidence,
    Result,
    Span,
    findings,
)
from scaletrack.projections.queries.selection import Pilot, event_id, selected
from scaletrack.projections.tables import (
    Adaptation,
    Decision,
    ImpactEntry,
    ImpactFigures,
    IndicatorVersion,
    PilotRow,
)

ADOPTION = "pilot.adoption-decided"


def quality_findings(connection: Connection, filters: Filters, chosen: dict[str, Pilot],
                     today: date) -> list[dict[str, Any]]:
    """The findings about the selected pilots on the day, in the period asked (if one)."""
    def code(subject: str) -> str:
        return chosen[subject].code

    within = selected(filters)
    # a pilot's dates end when it closed, if it closed before its planned end
    spans = [Span(code(s), date.fromisoformat(start), date.fromisoformat(min(end, closed or end)))
             for s, start, end, closed in connection.execute(
                 select(PilotRow.subject, PilotRow.starts_on, PilotRow.ends_on,
                        PilotRow.closed_on)
                 .where(PilotRow.subject.in_(within)))]
    definitions = {(d.code, d.version): Definition(d.measure, d.unit, d.accumulation,
                                                   tuple(json.loads(d.dimensions)))
                   for d in connection.execute(select(*table(IndicatorVersion).c))}
    entries, figures = table(ImpactEntry), table(ImpactFigures)
    results, targets = [], set()
    for e in connection.execute(
            select(entries.c.subject, entries.c.version, entries.c.kind, entries.c.indicator,
                   entries.c.indicator_version, entries.c.period, figures.c.value,
                   figures.c.breakdown)
            .join(figures, (figures.c.subject == entries.c.subject)
                  & (figures.c.version == entries.c.version))
            .where(entries.c.subject.in_(within), NOW.holds(entries, figures))
            .order_by(entries.c.subject, entries.c.version)):
        if e.kind == "target":
            targets.add((code(e.subject), e.indicator, e.period))
            continue
        definition = definitions.get((e.indicator, e.indicator_version))
        if definition is None:  # a version the directory never had: nothing to judge by
            continue
        breakdown = {dimension: {category: Decimal(v) for category, v in parts.items()}
                     for dimension, parts in json.loads(e.breakdown).items()}
        results.append(Result(
            str(event_id(code(e.subject), e.version)), code(e.subject), e.indicator, e.period,
            None if e.value is None else Decimal(e.value), breakdown, definition))
    adoptions = [Adoption(code(d.subject), details["provider"], details["decision"],
                          date.fromisoformat(d.occurred_on))
                 for d in connection.execute(select(Decision.subject, Decision.details,
                                                    Decision.occurred_on)
                                             .where(Decision.subject.in_(within),
                                                    Decision.type == ADOPTION))
                 for details in [json.loads(d.details)]]
    deviations = [Deviation(str(event_id(code(a.subject), a.version)), code(a.subject),
                            a.component, a.summary,
                            period_of(date.fromisoformat(a.occurred_on)), a.reason)
                  for a in connection.execute(select(*table(Adaptation).c)
                                              .where(Adaptation.subject.in_(within),
                                                     Adaptation.core))]
    found = findings(Evidence(today, spans, results, frozenset(targets), adoptions,
                              deviations))
    return [f for f in found if filters.period in (None, f["period"])]
