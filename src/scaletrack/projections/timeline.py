"""The timeline: every event of the store with both times, actor, source and reason.

A correction or retraction keeps a link to the version it names, so the
timeline can show each entry with what corrected it and each correction
with what it corrects. Each event also keeps the day it holds from (a
correction's is its entry's) and its recorded moment, so the events one
point in time sees and another does not are an indexed query (``diff``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection

from scaletrack.projections.bitemporal import ValidDays, recorded
from scaletrack.projections.database import table
from scaletrack.projections.facts import Fact
from scaletrack.projections.tables import TimelineEvent
from scaletrack.projections.types import ALL
from scaletrack.projections.view import View, on


class Timeline(View):
    name = "timeline"
    schema = 3
    tables = (TimelineEvent,)

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.days = ValidDays(table(TimelineEvent))

    def start_page(self, connection: Connection, facts: Sequence[Fact]) -> None:
        self.days.read(connection, facts)

    @on(*ALL)
    def happened(self, fact: Fact) -> None:
        state = fact.state
        self.write(TimelineEvent).append({
            "position": fact.position, "subject": fact.subject, "version": fact.version,
            "type": fact.type, "occurred_on": state["occurred_on"],
            "recorded_at": state["timestamp"], "actor": state["actor"],
            "source": state["source"], "reason": state["reason"],
            "link": state.get("corrects", state.get("retracts")), "state": fact.text,
            "valid_on": self.days.of(fact), "since": recorded(fact)})
