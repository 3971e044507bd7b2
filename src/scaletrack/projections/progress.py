"""The progress view: each pilot's milestones, risks, period reports and last activity.

Whether a milestone is overdue depends on the day it is asked, so the view
keeps due dates and statuses, and the query counts overdue milestones for
the day it is given.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection

from scaletrack.projections.facts import Fact
from scaletrack.projections.tables import Activity, Milestone, PeriodReport, Risk
from scaletrack.projections.types import PILOT
from scaletrack.projections.view import View, on


class Progress(View):
    name = "progress"
    tables = (Activity, Milestone, Risk, PeriodReport)

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.activity: dict[str, list[Any]] = {}
        """Per pilot over the page: [events, latest occurred-on]."""

    @on("pilot.registered")
    def registered(self, fact: Fact) -> None:
        self.write(Activity).insert({"subject": fact.subject, "events": 0,
                                     "last_occurred_on": fact.occurred_on})

    @on(*PILOT)
    def active(self, fact: Fact) -> None:
        seen = self.activity.get(fact.subject)
        if seen is None:
            self.activity[fact.subject] = [1, fact.occurred_on]
        else:
            seen[0] += 1
            seen[1] = max(seen[1], fact.occurred_on)

    def start_page(self, connection: Connection, facts: Sequence[Fact]) -> None:
        self.activity = {}

    def settle(self) -> None:
        for subject, (events, last) in self.activity.items():
            self.write(Activity).update((subject,), add={"events": events},
                                        most={"last_occurred_on": last})

    @on("pilot.milestone-planned")
    def milestone_planned(self, fact: Fact) -> None:
        state = fact.state
        self.write(Milestone).insert({
            "subject": fact.subject, "milestone": state["milestone"], "title": state["title"],
            "due_on": state["due_on"], "status": "planned", "slips": 0})

    @on("pilot.milestone-achieved")
    def milestone_achieved(self, fact: Fact) -> None:
        self.write(Milestone).update((fact.subject, fact.state["milestone"]),
                                     {"status": "achieved"})

    @on("pilot.milestone-dropped")
    def milestone_dropped(self, fact: Fact) -> None:
        self.write(Milestone).update((fact.subject, fact.state["milestone"]),
                                     {"status": "dropped"})

    @on("pilot.milestone-slipped")
    def milestone_slipped(self, fact: Fact) -> None:
        self.write(Milestone).update((fact.subject, fact.state["milestone"]),
                                     {"due_on": fact.state["new_due_on"]}, add={"slips": 1})

    @on("pilot.risk-raised")
    def risk_raised(self, fact: Fact) -> None:
        self.write(Risk).insert({"subject": fact.subject, "risk": fact.state["risk"],
                                 "severity": fact.state["severity"], "open": True})

    @on("pilot.risk-closed")
    def risk_closed(self, fact: Fact) -> None:
        self.write(Risk).update((fact.subject, fact.state["risk"]), {"open": False})

    @on("pilot.period-report-submitted", "pilot.period-report-approved",
        "pilot.period-report-rejected", "pilot.period-unlocked")
    def period_report(self, fact: Fact) -> None:
        status = fact.type.rsplit("-", 1)[1]
        self.write(PeriodReport).put({"subject": fact.subject, "period": fact.state["period"],
                                      "status": status})
