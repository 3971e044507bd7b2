"""Reading the decision log, in the order the decisions occurred."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Connection, select

from scaletrack.projections.database import table
from scaletrack.projections.filters import Filters
from scaletrack.projections.queries.selection import event_id, in_period, pilots, selected
from scaletrack.projections.tables import Decision

USES = ("directory", "decisions")


def decisions(connection: Connection, filters: Filters) -> dict[str, Any]:
    chosen = pilots(connection, filters)
    rows = []
    for d in connection.execute(select(*table(Decision).c)
                                .where(Decision.subject.in_(selected(filters)))
                                .order_by(Decision.occurred_on, Decision.position)):
        if not in_period(d.occurred_on, filters.period):
            continue
        pilot = chosen[d.subject]
        rows.append({"id": event_id(pilot.code, d.version), "pilot": pilot.code,
                     "consortium": pilot.consortium, "decision": d.type.split(".", 1)[1],
                     "occurred_on": d.occurred_on, "recorded_at": d.recorded_at,
                     "actor": d.actor, "reason": d.reason, "details": json.loads(d.details),
                     "corrected_by": event_id(pilot.code, d.corrected_by),
                     "correction_reason": d.correction_reason})
    return {"filters": filters.describe(), "decisions": rows}
