"""The decision log: what was decided about each pilot, when, by whom and why.

Pathway and stage decisions, public providers' adoption decisions,
business-model and HR changes, adaptations, evaluations (their design,
independence, sample size and evidence level), and closing the pilot. A
corrected decision shows its corrected details and the correction's reason;
a retracted one leaves the log (the timeline still shows both).
"""

from __future__ import annotations

import json

from scaletrack.projections.facts import Fact
from scaletrack.projections.tables import Decision
from scaletrack.projections.view import View, on

DECISIONS = ("pilot.pathway-chosen", "pilot.pathway-changed", "pilot.stage-advanced",
             "pilot.adoption-decided", "pilot.business-model-revised",
             "pilot.hr-process-changed", "pilot.adaptation-made", "pilot.evaluation-completed",
             "pilot.closed")


class Decisions(View):
    name = "decisions"
    schema = 3
    tables = (Decision,)

    @on(*DECISIONS)
    def decided(self, fact: Fact) -> None:
        state = fact.state
        self.write(Decision).append({
            "subject": fact.subject, "version": fact.version, "position": fact.position,
            "type": fact.type, "occurred_on": fact.occurred_on,
            "recorded_at": fact.recorded_at, "actor": state["actor"],
            "reason": state["reason"], "details": json.dumps(fact.payload()),
            "corrected_by": None, "correction_reason": None})

    @on("pilot.entry-corrected")
    def corrected(self, fact: Fact) -> None:
        state = fact.state
        if state["corrected_type"] in DECISIONS:
            self.write(Decision).update((fact.subject, state["corrects"]), {
                "details": json.dumps(state["data"]), "corrected_by": fact.version,
                "correction_reason": state["reason"]})

    @on("pilot.entry-retracted")
    def retracted(self, fact: Fact) -> None:
        if fact.state["retracted_type"] in DECISIONS:
            self.write(Decision).delete((fact.subject, fact.state["retracts"]))
