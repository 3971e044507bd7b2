"""The data quality view: how late, how often edited after a lock, how consistent.

- **Reporting lag** of an event: the days from the date it occurred to the
  day it was recorded (UTC). Per pilot: events, mean and longest lag, and
  how many were recorded more than ``LATE_AFTER_DAYS`` days late.
- **Edits after a lock**: an entry, correction, retraction or milestone event
  that touches a reporting period whose report had been approved before it was
  recorded (the period was unlocked for it); a milestone event touches the
  quarter it occurred in. An entry touches its own period; a
  correction or retraction touches the period of the entry it names.
- **Disaggregation mismatches**: a result whose parts in some dimension do
  not add up to its total, as the result stands (corrections applied,
  retracted results left out). The ledger refuses them, so any found here
  came in around it.
- **Fidelity deviations**: adaptations of a core component (as they stand).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, select

from scaletrack.domain.vocabulary import period_of
from scaletrack.projections.facts import Fact
from scaletrack.projections.tables import (
    Adaptation,
    Approval,
    EntryPeriod,
    Lag,
    LockedEdit,
    Mismatch,
)
from scaletrack.projections.types import CORRECTED, ENTRIES, MILESTONES, PILOT, RETRACTED
from scaletrack.projections.view import View, on

LATE_AFTER_DAYS = 30

EDITS = (CORRECTED, RETRACTED)
RESULT = "pilot.result-reported"
ADAPTATION = "pilot.adaptation-made"
APPROVAL = "pilot.period-report-approved"
LOCKABLE_NOW = frozenset({*ENTRIES, *MILESTONES, APPROVAL})
"""The events whose own period's approvals a page needs to know."""


def lag_days(fact: Fact) -> int:
    return _day(fact.recorded_at[:10]) - _day(fact.occurred_on)


@functools.lru_cache(maxsize=4096)
def _day(text: str) -> int:
    """A day as a number (the same few thousand days recur across a store's events)."""
    return date.fromisoformat(text).toordinal()


def named(fact: Fact) -> int:
    """The version of the entry a correction or retraction names."""
    version: int = fact.state["corrects" if fact.type == CORRECTED else "retracts"]
    return version


def mismatches(data: dict[str, Any]) -> dict[str, str]:
    """The sum of the parts of each dimension that does not add up to the total."""
    if data.get("value") is None:
        return {}
    total = Decimal(data["value"])
    sums = {dimension: sum((Decimal(v) for v in parts.values()), Decimal(0))
            for dimension, parts in (data.get("breakdown") or {}).items()}
    return {dimension: str(s) for dimension, s in sums.items() if s != total}


class Quality(View):
    name = "quality"
    tables = (Lag, Approval, EntryPeriod, LockedEdit, Mismatch, Adaptation)

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.approved: dict[tuple[str, str], int] = {}
        self.periods: dict[tuple[str, int], str] = {}
        self.lags: dict[str, list[int]] = {}
        """Per pilot over the page: [events, total lag, longest lag, late events]."""

    def start_page(self, connection: Connection, facts: Sequence[Fact]) -> None:
        """The periods of the entries the page's corrections name, and which of the
        periods the page touches had been approved before it."""
        self.approved, self.periods, self.lags = {}, {}, {}
        targets = {(f.subject, named(f)) for f in facts if f.type in EDITS}
        if targets:
            # Pairs in one IN list defeat SQLite's index; the two columns apart use it.
            rows = connection.execute(
                select(EntryPeriod.subject, EntryPeriod.version, EntryPeriod.period)
                .where(EntryPeriod.subject.in_({s for s, _ in targets}),
                       EntryPeriod.version.in_({v for _, v in targets})))
            self.periods = {(s, v): p for s, v, p in rows if (s, v) in targets}
        touched = {(f.subject, f.period()) for f in facts if f.type in LOCKABLE_NOW}
        touched.update((s, p) for (s, _), p in self.periods.items())
        if touched:
            approvals = connection.execute(
                select(Approval.subject, Approval.period, Approval.position)
                .where(Approval.subject.in_({s for s, _ in touched}),
                       Approval.period.in_({p for _, p in touched})))
            self.approved = {(s, p): at for s, p, at in approvals if (s, p) in touched}

    @on("pilot.registered")
    def registered(self, fact: Fact) -> None:
        self.write(Lag).insert({"subject": fact.subject, "events": 0, "total_days": 0,
                                "max_days": 0, "late": 0})

    @on(*PILOT)
    def lag(self, fact: Fact) -> None:
        days = lag_days(fact)
        seen = self.lags.get(fact.subject)
        if seen is None:
            seen = self.lags[fact.subject] = [0, 0, 0, 0]
        seen[0] += 1
        seen[1] += days
        seen[2] = max(seen[2], days)
        seen[3] += days > LATE_AFTER_DAYS

    def settle(self) -> None:
        for subject, (events, total, longest, late) in self.lags.items():
            self.write(Lag).update((subject,), add={"events": events, "total_days": total,
                                                    "late": late}, most={"max_days": longest})

    @on(APPROVAL)
    def approved_report(self, fact: Fact) -> None:
        key = (fact.subject, fact.state["period"])
        if key not in self.approved:
            self.approved[key] = fact.position
            self.write(Approval).insert({"subject": fact.subject, "period": key[1],
                                         "position": fact.position})

    @on(*ENTRIES)
    def entry(self, fact: Fact) -> None:
        period = fact.period()
        self.periods[(fact.subject, fact.version)] = period
        self.write(EntryPeriod).append({"subject": fact.subject, "version": fact.version,
                                        "period": period})
        self._after_lock(fact, period, None)

    @on(*MILESTONES)
    def milestone(self, fact: Fact) -> None:
        """A milestone moved in a quarter unlocked for it (the lock covers milestones)."""
        self._after_lock(fact, period_of(fact.occurred()), None)

    @on(*EDITS)
    def edit(self, fact: Fact) -> None:
        touches = named(fact)
        period = self.periods.get((fact.subject, touches))
        if period is not None:
            self._after_lock(fact, period, touches)

    def _after_lock(self, fact: Fact, period: str, touches: int | None) -> None:
        if (fact.subject, period) in self.approved:
            self.write(LockedEdit).append({
                "subject": fact.subject, "version": fact.version, "position": fact.position,
                "type": fact.type, "touches": touches, "period": period,
                "recorded_at": fact.recorded_at, "actor": fact.state["actor"],
                "reason": fact.state["reason"]})

    @on(RESULT)
    def result(self, fact: Fact) -> None:
        if mismatches(fact.state):
            self._check_parts(fact.subject, fact.version, fact.state)

    @on(ADAPTATION)
    def adaptation(self, fact: Fact) -> None:
        state = fact.state
        self.write(Adaptation).append({
            "subject": fact.subject, "version": fact.version, "component": state["component"],
            "core": state["core"], "summary": state["summary"],
            "occurred_on": fact.occurred_on, "actor": state["actor"],
            "reason": state["reason"]})

    @on(CORRECTED)
    def corrected(self, fact: Fact) -> None:
        state, key = fact.state, (fact.subject, fact.state["corrects"])
        if state["corrected_type"] == RESULT:
            self._check_parts(fact.subject, state["corrects"], state["data"])
        elif state["corrected_type"] == ADAPTATION:
            data = state["data"]
            self.write(Adaptation).update(key, {"component": data["component"],
                                                "core": data["core"],
                                                "summary": data["summary"]})

    @on(RETRACTED)
    def retracted(self, fact: Fact) -> None:
        key = (fact.subject, fact.state["retracts"])
        if fact.state["retracted_type"] == RESULT:
            self.write(Mismatch).delete(key)
        elif fact.state["retracted_type"] == ADAPTATION:
            self.write(Adaptation).delete(key)

    def _check_parts(self, subject: str, version: int, data: dict[str, Any]) -> None:
        sums = mismatches(data)
        if sums:
            self.write(Mismatch).put({"subject": subject, "version": version,
                                      "indicator": data["indicator"], "period": data["period"],
                                      "total": data["value"], "sums": json.dumps(sums)})
        else:
            self.write(Mismatch).delete((subject, version))
