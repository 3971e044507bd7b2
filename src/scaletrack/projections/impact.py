"""The impact view: every target and result as it stands now.

A correction replaces the values of the entry it corrects (it carries the
whole corrected entry); a retraction removes the entry. Which entry counts
for a pilot, indicator and period, and what it achieves, is decided when the
view is read (:mod:`.queries.impact`), because it depends on other periods.
"""

from __future__ import annotations

import json
from typing import Any

from scaletrack.projections.facts import Fact
from scaletrack.projections.tables import ImpactEntry
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
    schema = 2
    tables = (ImpactEntry,)

    @on(*FIGURE_OF_TYPE)
    def entry(self, fact: Fact) -> None:
        state = fact.state
        self.write(ImpactEntry).append({
            "subject": fact.subject, "version": fact.version, "kind": FIGURE_OF_TYPE[fact.type],
            "indicator": state["indicator"], "indicator_version": state["indicator_version"],
            "period": state["period"], **figures(state)})

    @on("pilot.entry-corrected")
    def corrected(self, fact: Fact) -> None:
        if fact.state["corrected_type"] in FIGURE_OF_TYPE:
            self.write(ImpactEntry).update((fact.subject, fact.state["corrects"]),
                                           figures(fact.state["data"]))

    @on("pilot.entry-retracted")
    def retracted(self, fact: Fact) -> None:
        if fact.state["retracted_type"] in FIGURE_OF_TYPE:
            self.write(ImpactEntry).delete((fact.subject, fact.state["retracts"]))
