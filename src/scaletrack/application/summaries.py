"""Aggregates as plain dictionaries, for show and list commands."""

from __future__ import annotations

import re
from dataclasses import asdict
from datetime import date
from typing import Any

from scaletrack.domain.consortium import Consortium
from scaletrack.domain.esf_plus import catalogue_facts
from scaletrack.domain.indicator import Indicator
from scaletrack.domain.pilot import Pilot
from scaletrack.domain.vocabulary import Stage


def pilot_summary(pilot: Pilot) -> dict[str, Any]:
    """What a lead wants to see of a pilot (short enough for a list row)."""
    return {
        "code": pilot.code,
        "consortium": pilot.consortium,
        "title": pilot.title,
        "type": pilot.pilot_type,
        "stage": pilot.stage,
        "countries": list(dict.fromkeys([pilot.origin_country, *pilot.target_countries])),
        "version": pilot.version,
    }


def _natural(ref: str) -> tuple[Any, ...]:
    """M2 before M10: a reference's digits compared as numbers."""
    return tuple(int(part) if part.isdigit() else part for part in re.split(r"(\d+)", ref))


def pilot_detail(pilot: Pilot, today: date | None = None) -> dict[str, Any]:
    """Everything the aggregate knows about a pilot; milestones by due date. A closed
    pilot's milestones still planned, and its risks still open, were left open at
    closure: never overdue."""
    closed = pilot.stage == Stage.CLOSED
    milestones = {
        ref: {**asdict(m), "due_on": str(m.due_on),
              "overdue": bool(today and not closed and m.status == "planned"
                              and m.due_on < today),
              "left_open_at_closure": closed and m.status == "planned"}
        for ref, m in sorted(pilot.milestones.items(),
                             key=lambda item: (item[1].due_on, _natural(item[0])))
    }
    still_open = sorted(r for r, s in pilot.risks.items() if s == "open")
    return {
        **pilot_summary(pilot),
        "innovation": pilot.innovation,
        "origin_country": pilot.origin_country,
        "target_countries": pilot.target_countries,
        "core_components": pilot.core_components,
        "adaptable_components": pilot.adaptable_components,
        "starts_on": str(pilot.starts_on),
        "ends_on": str(pilot.ends_on),
        "dimensions": pilot.dimensions,
        "mechanism": pilot.mechanism,
        "affiliation_form": pilot.affiliation_form,
        "readiness_score": pilot.readiness_score,
        "evaluations": pilot.evaluations,
        "milestones": milestones,
        "partners": pilot.partners,
        "open_risks": [] if closed else still_open,
        "risks_left_open_at_closure": still_open if closed else [],
        "periods": pilot.periods,
        "entries": pilot.entry_count,
        "retracted_entries": len(pilot.retracted),
    }


def consortium_summary(consortium: Consortium) -> dict[str, Any]:
    return {
        "code": consortium.code,
        "name": consortium.name,
        "lead": consortium.lead,
        "countries": consortium.countries,
        "partners": consortium.partners,
        "centres": consortium.centres,
        "version": consortium.version,
    }


def indicator_summary(indicator: Indicator) -> dict[str, Any]:
    return {
        "code": indicator.code,
        **indicator.current,
        **catalogue_facts(indicator.code, bool(indicator.current["esf_common"])),
        "definition_version": indicator.definition_version,
        "retired": indicator.retired,
    }
