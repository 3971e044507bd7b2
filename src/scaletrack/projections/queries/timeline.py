"""Reading the timeline: events in the store's order, corrections linked both ways.

A correction or retraction names the entry it ``corrects``; an entry names
what ``corrected_by`` it (corrections and retractions, oldest first). With
``--pilot`` or ``--country`` the timeline holds the selected pilots' events;
with ``--consortium``, also the consortium's own; with none of them, every
event, indicators' included. ``--period`` keeps the events that occurred in
that quarter. At a point, the events that point sees (each keeps the day it
holds from and the moment it was recorded).
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import ColumnElement, Connection, or_, select

from scaletrack.projections.bitemporal import NOW, Point
from scaletrack.projections.database import table
from scaletrack.projections.facts import ENVELOPE
from scaletrack.projections.filters import Filters
from scaletrack.projections.queries.selection import codes, event_id, in_period, pilots, selected
from scaletrack.projections.tables import ConsortiumRow, Subject, TimelineEvent

USES = ("directory", "timeline")
LINKS = ("pilot.entry-corrected", "pilot.entry-retracted")


def timeline(connection: Connection, filters: Filters, point: Point = NOW) -> dict[str, Any]:
    pilots(connection, filters)
    seen = point.holds(table(TimelineEvent))
    query = select(*table(TimelineEvent).c).where(seen).order_by(TimelineEvent.position)
    if filters.consortium or filters.country or filters.pilot:
        among: ColumnElement[bool] = TimelineEvent.subject.in_(selected(filters))
        if filters.consortium and not (filters.country or filters.pilot):
            among = or_(among, TimelineEvent.subject.in_(
                select(ConsortiumRow.subject).where(ConsortiumRow.code == filters.consortium)))
        query = query.where(among)
    names = codes(connection)
    kinds = dict(connection.execute(select(Subject.subject, Subject.kind)).all())
    events = [e for e in connection.execute(query) if in_period(e.occurred_on, filters.period)]
    corrected_by: dict[tuple[str, int], list[str]] = {}
    for e in connection.execute(select(TimelineEvent.subject, TimelineEvent.version,
                                       TimelineEvent.link)
                                .where(TimelineEvent.type.in_(LINKS), seen)
                                .order_by(TimelineEvent.position)):
        corrected_by.setdefault((e.subject, e.link), []).append(
            f"{names.get(e.subject, e.subject)}@{e.version}")
    rows = []
    for e in events:
        code = names.get(e.subject, e.subject)
        rows.append({"id": f"{code}@{e.version}", "subject": code,
                     "kind": kinds.get(e.subject), "type": e.type,
                     "occurred_on": e.occurred_on, "recorded_at": e.recorded_at,
                     "actor": e.actor, "source": e.source, "reason": e.reason,
                     "corrects": event_id(code, e.link),
                     "corrected_by": corrected_by.get((e.subject, e.version), []),
                     "data": {k: v for k, v in json.loads(e.state).items()
                              if k not in ENVELOPE}})
    return {"filters": filters.describe(), "events": rows}
