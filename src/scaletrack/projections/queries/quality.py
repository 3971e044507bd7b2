"""Reading the data quality view (its rules: :mod:`scaletrack.projections.quality`)."""

from __future__ import annotations

import json
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import Connection, select

from scaletrack.projections.database import table
from scaletrack.projections.filters import Filters
from scaletrack.projections.quality import LATE_AFTER_DAYS
from scaletrack.projections.queries.findings import quality_findings
from scaletrack.projections.queries.selection import event_id, in_period, pilots, selected
from scaletrack.projections.tables import Adaptation, Lag, LockedEdit, Mismatch

USES = ("directory", "impact", "decisions", "quality")
"""The findings read the impact and decision views too."""


def quality(connection: Connection, filters: Filters, today: date) -> dict[str, Any]:
    """The view's document; its findings are judged on the day (periods ended by then)."""
    chosen = pilots(connection, filters)
    within = selected(filters)

    def rows(model: Any) -> Any:
        return connection.execute(select(*table(model).c).where(model.subject.in_(within)))

    lag = sorted(({"pilot": chosen[r.subject].code, "events": r.events,
                   "mean_days": (Decimal(r.total_days) / r.events).quantize(
                       Decimal("0.1"), rounding=ROUND_HALF_UP),
                   "max_days": r.max_days, "late": r.late} for r in rows(Lag)),
                 key=lambda r: r["pilot"])
    edits = [edit for _, edit in sorted(
        ((r.position, {"id": event_id(chosen[r.subject].code, r.version),
                       "pilot": chosen[r.subject].code, "what": r.type.split(".", 1)[1],
                       "touches": event_id(chosen[r.subject].code, r.touches),
                       "period": r.period, "recorded_at": r.recorded_at, "actor": r.actor,
                       "reason": r.reason})
         for r in rows(LockedEdit) if filters.period in (None, r.period)),
        key=lambda pair: pair[0])]
    mismatches = [{"id": event_id(chosen[r.subject].code, r.version),
                   "pilot": chosen[r.subject].code, "indicator": r.indicator,
                   "period": r.period, "total": Decimal(r.total),
                   "sums": {k: Decimal(v) for k, v in json.loads(r.sums).items()}}
                  for r in rows(Mismatch) if filters.period in (None, r.period)]
    deviations = [{"id": event_id(chosen[r.subject].code, r.version),
                   "pilot": chosen[r.subject].code, "component": r.component,
                   "summary": r.summary, "occurred_on": r.occurred_on, "actor": r.actor,
                   "reason": r.reason}
                  for r in rows(Adaptation) if r.core and in_period(r.occurred_on, filters.period)]
    return {"filters": filters.describe(), "late_after_days": LATE_AFTER_DAYS, "lag": lag,
            "edits_after_lock": edits,
            "disaggregation_mismatches": sorted(mismatches, key=_by_id),
            "fidelity_deviations": sorted(deviations, key=_by_id),
            "findings": quality_findings(connection, filters, chosen, today)}


def _by_id(row: dict[str, Any]) -> tuple[str, int]:
    code, _, version = row["id"].rpartition("@")
    return code, int(version)
