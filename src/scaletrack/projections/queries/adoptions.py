"""The adoption indicators (``COUNTED_FROM_ADOPTIONS``), counted from the decision log.

A provider counts for a pilot by a day when its latest adoption decision by
then says adopted; a provider is counted once however many decisions name it.
At a point, the decisions seen are those that happened by its day and were
recorded by its moment (the decision log keeps a corrected decision's
details as they stand now, so a correction recorded after the moment shows).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, date, datetime

from sqlalchemy import Connection, select

from scaletrack.projections.bitemporal import NOW, Point, micros
from scaletrack.projections.tables import Decision

ADOPTION = "pilot.adoption-decided"

Decided = tuple[str, str, str]
"""(occurred on, provider, decision)."""


def adoption_decisions(connection: Connection, subjects: Iterable[str],
                       point: Point = NOW) -> dict[str, list[Decided]]:
    """Each pilot's adoption decisions seen at the point, in the order they happened."""
    query = (select(Decision.subject, Decision.occurred_on, Decision.recorded_at,
                    Decision.details)
             .where(Decision.subject.in_(list(subjects)), Decision.type == ADOPTION)
             .order_by(Decision.subject, Decision.occurred_on, Decision.version))
    if point.day is not None:
        query = query.where(Decision.occurred_on <= point.day)
    decided: dict[str, list[Decided]] = {}
    for subject, occurred_on, recorded_at, details in connection.execute(query):
        if point.moment is not None and micros(recorded_at) > point.moment:
            continue
        said = json.loads(details)
        decided.setdefault(subject, []).append((occurred_on, said["provider"],
                                                said["decision"]))
    return decided


def adopted_by(decided: Iterable[Decided], day: date) -> int:
    """The distinct providers whose latest decision by the end of the day is to adopt."""
    latest: dict[str, str] = {}
    for occurred_on, provider, decision in decided:
        if occurred_on <= day.isoformat():
            latest[provider] = decision
    return sum(decision == "adopted" for decision in latest.values())


def last_day_seen(point: Point) -> date:
    """The last day a point sees: its own, or today (UTC)."""
    if point.day is not None:
        return date.fromisoformat(point.day)
    return datetime.now(UTC).date()
