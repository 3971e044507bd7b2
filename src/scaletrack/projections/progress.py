"""The progress view: each pilot's events at their valid day and recorded moment.

What a pilot's progress is depends on the point asked about (which events it
sees) and on the day asked (a milestone is overdue only after its due
date), so the view keeps every event of a pilot with both times, and with
what it says about a milestone, a risk or a period report; the query folds
the events a point sees (:mod:`.queries.progress`). A correction or
retraction holds from the day of the entry it names: it counts as activity
on that day, never after it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection

from scaletrack.projections.bitemporal import ValidDays, recorded
from scaletrack.projections.database import table
from scaletrack.projections.facts import Fact
from scaletrack.projections.tables import ProgressEvent
from scaletrack.projections.types import PILOT
from scaletrack.projections.view import View, on

REFS = {"pilot.milestone-planned": "milestone", "pilot.milestone-achieved": "milestone",
        "pilot.milestone-dropped": "milestone", "pilot.milestone-slipped": "milestone",
        "pilot.risk-raised": "risk", "pilot.risk-closed": "risk",
        "pilot.period-report-submitted": "period", "pilot.period-report-approved": "period",
        "pilot.period-report-rejected": "period", "pilot.period-unlocked": "period"}
"""The events progress folds, and the field naming what each is about."""


class Progress(View):
    name = "progress"
    schema = 3
    tables = (ProgressEvent,)
    shows = frozenset({*REFS, "pilot.stage-advanced", "pilot.closed"})
    """Its milestones, risks and period reports, and the stage the directory gives."""
    dated = frozenset(PILOT)
    """Every pilot event counts as activity on its day."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.days = ValidDays(table(ProgressEvent))

    def start_page(self, connection: Connection, facts: Sequence[Fact]) -> None:
        self.days.read(connection, [fact for fact in facts if fact.type in _PILOT])

    @on(*PILOT)
    def happened(self, fact: Fact) -> None:
        state = fact.state
        day = self.days.of(fact)
        ref = REFS.get(fact.type)
        self.write(ProgressEvent).append({
            "subject": fact.subject, "version": fact.version,
            "kind": fact.type if ref else None, "ref": state[ref] if ref else None,
            "due_on": state.get("new_due_on", state.get("due_on")) if ref else None,
            "valid_on": day, "since": recorded(fact)})


_PILOT = frozenset(PILOT)
