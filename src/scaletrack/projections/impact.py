"""The impact view: every target and result, and its figures as believed over time.

A correction replaces the values of the entry it corrects (it carries the
whole corrected entry); a retraction withdraws the entry. Neither erases
anything: the figures they replace keep the recorded interval the store
believed them in (:mod:`.bitemporal`), so the view answers at any point.
Which entry counts for a pilot, indicator and period, and what it achieves,
is decided when the view is read (:mod:`.queries.impact`), because it
depends on other periods.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection

from scaletrack.projections.bitemporal import Intervals, recorded
from scaletrack.projections.database import table
from scaletrack.projections.facts import Fact
from scaletrack.projections.tables import ImpactEntry, ImpactFigures
from scaletrack.projections.view import View, on

FIGURE_OF_TYPE = {"pilot.target-set": "target", "pilot.target-revised": "target",
                  "pilot.result-reported": "result"}
"""The event types the impact view reads, and which figure of a row each gives."""


def figures(data: dict[str, Any]) -> dict[str, Any]:
    """The columns an entry's values fill (the same for an entry and its correction)."""
    return {"baseline": data.get("baseline"), "target": data.get("target"),
            "value": data.get("value"), "narrative": data.get("narrative"),
            "breakdown": json.dumps(data.get("breakdown") or {})}


class Impact(View):
    name = "impact"
    schema = 3
    tables = (ImpactEntry, ImpactFigures)

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.figures = Intervals(table(ImpactFigures), ("subject", "version"))

    def fold(self, connection: Connection, facts: Sequence[Fact]) -> None:
        self.figures.clear()
        super().fold(connection, facts)
        self.figures.flush(connection)

    @on(*FIGURE_OF_TYPE)
    def entry(self, fact: Fact) -> None:
        state = fact.state
        self.write(ImpactEntry).append({
            "subject": fact.subject, "version": fact.version, "kind": FIGURE_OF_TYPE[fact.type],
            "indicator": state["indicator"], "indicator_version": state["indicator_version"],
            "period": state["period"], "valid_on": fact.occurred_on})
        self.figures.start({"subject": fact.subject, "version": fact.version,
                            "written_by": fact.version, "since": recorded(fact),
                            **figures(state)})

    @on("pilot.entry-corrected")
    def corrected(self, fact: Fact) -> None:
        state = fact.state
        if state["corrected_type"] in FIGURE_OF_TYPE:
            self.figures.replace((fact.subject, state["corrects"]), {
                "subject": fact.subject, "version": state["corrects"],
                "written_by": fact.version, "since": recorded(fact),
                **figures(state["data"])}, recorded(fact))

    @on("pilot.entry-retracted")
    def retracted(self, fact: Fact) -> None:
        if fact.state["retracted_type"] in FIGURE_OF_TYPE:
            self.figures.end((fact.subject, fact.state["retracts"]), recorded(fact))


Impact.shows = frozenset({*Impact.handlers, "settings.rating-changed"})
"""Its entries, and the rating settings its statuses are decided by (a diff names a change
of them among the events responsible)."""
