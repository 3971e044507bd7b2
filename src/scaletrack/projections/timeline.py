"""The timeline: every event of the store with both times, actor, source and reason.

A correction or retraction keeps a link to the version it names, so the
timeline can show each entry with what corrected it and each correction
with what it corrects.
"""

from __future__ import annotations

from scaletrack.projections.facts import Fact
from scaletrack.projections.tables import TimelineEvent
from scaletrack.projections.types import ALL
from scaletrack.projections.view import View, on


class Timeline(View):
    name = "timeline"
    schema = 2
    tables = (TimelineEvent,)

    @on(*ALL)
    def happened(self, fact: Fact) -> None:
        state = fact.state
        self.write(TimelineEvent).append({
            "position": fact.position, "subject": fact.subject, "version": fact.version,
            "type": fact.type, "occurred_on": state["occurred_on"],
            "recorded_at": state["timestamp"], "actor": state["actor"],
            "source": state["source"], "reason": state["reason"],
            "link": state.get("corrects", state.get("retracts")), "state": fact.text})
