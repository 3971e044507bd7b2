"""The values a pilot keeps between commands: only what its rules need.

A pilot's state stays the same size however many entries it records: for
entries it keeps a count and the versions that were corrected or retracted,
because an entry's type and reporting period are read from the entry event
itself when it is corrected or retracted. Milestones, risks, partners,
targets, results and reports are kept by their reference, as the rules look
them up (a target or result by ``indicator|period``, one per pilot).

The state is snapshotted as it is (values of these types, dates, sets), so
every type here has a transcoding beside the event mapper.

Snapshot versions (``Pilot.class_version``): 1 kept a record of every entry
(``entries``) and milestones and targets as plain dictionaries; 2 kept targets
as a set and no day a report was submitted; 3 kept the day a report was
submitted, and no results; 4 kept no money and no expenditure periods; 5 kept no
adopted decisions, no closure outcome and no flag saying whether a core-component
deviation needs the originator's approval; 6 is this module's form. Older
snapshots are upcast when they are read (:func:`upcast_v1_v2`,
:func:`upcast_v2_v3`, :func:`upcast_v3_v4`, :func:`upcast_v4_v5`, :func:`upcast_v5_v6`).

Money is kept by the entry that commits or pays it (only entries that name a
source, a handful per pilot), because a correction or retraction of one
changes what was committed or paid from its source.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import Any, Literal

MilestoneStatus = Literal["planned", "achieved", "dropped"]
RiskStatus = Literal["open", "closed"]
ReportStatus = Literal["submitted", "approved", "rejected", "unlocked"]
MoneyFlow = Literal["committed", "paid"]

MONEY_TYPES = {"pilot.funding-secured": "committed", "pilot.funding-paid": "paid"}
"""The entries that commit or pay money from a source, and which they do."""


@dataclass(frozen=True)
class Milestone:
    """A planned milestone: its title, current due date, status and how often it slipped."""

    title: str
    due_on: date
    status: MilestoneStatus = "planned"
    slips: int = 0
    planned_on: date | None = None
    """The day it was planned (None in a snapshot older than version 3)."""

    def __deepcopy__(self, memo: dict[int, object]) -> Milestone:
        """Immutable, so a copy of a pilot (as its cache hands out) shares it."""
        return self

    def with_status(self, status: MilestoneStatus) -> Milestone:
        return replace(self, status=status)

    def slipped_to(self, due_on: date) -> Milestone:
        return replace(self, due_on=due_on, slips=self.slips + 1)


@dataclass(frozen=True)
class MoneyLine:
    """Money committed or paid from one source by one entry, as the entry stands."""

    flow: MoneyFlow
    source: str
    amount_eur: Decimal

    def __deepcopy__(self, memo: dict[int, object]) -> MoneyLine:
        return self

    @classmethod
    def of(cls, event_type: str, values: Mapping[str, Any]) -> MoneyLine | None:
        """The line an entry's values make (None: a commitment that names no source)."""
        source = values.get("funding_source")
        if source is None:
            return None
        flow: MoneyFlow = "paid" if MONEY_TYPES[event_type] == "paid" else "committed"
        return cls(flow, str(source), Decimal(str(values["amount_eur"])))


def target_key(indicator: str, period: str) -> str:
    """How a pilot names the target, or the result, of one indicator for one reporting
    period."""
    return f"{indicator}|{period}"


def upcast_v1_v2(state: dict[str, Any]) -> None:
    """A version 1 snapshot's state in version 2's form (in place)."""
    entries: dict[str, dict[str, Any]] = state.pop("entries", {})
    state["entry_count"] = len(entries)
    state["retracted"] = {int(v) for v, e in entries.items() if e.get("retracted")}
    state["corrected"] = {int(v) for v, e in entries.items() if e.get("corrected")}
    state["milestones"] = {ref: Milestone(**m) for ref, m in state.get("milestones", {}).items()}
    state["targets"] = dict(state.get("targets", {}))  # version 1 kept who set each target


def upcast_v2_v3(state: dict[str, Any]) -> None:
    """A version 2 snapshot's state in version 3's form (in place).

    Version 2 did not keep which event set each target, nor the day a report was
    submitted: such targets map to version 0 (a retraction that names them cannot free
    their period until the pilot is next snapshotted from its events) and the
    submission days are unknown (an approval is then not compared with them).
    """
    targets = state.get("targets", ())
    state["targets"] = dict(targets) if isinstance(targets, dict) else dict.fromkeys(targets, 0)
    state.setdefault("submitted_on", {})


def upcast_v3_v4(state: dict[str, Any]) -> None:
    """A version 3 snapshot's state in version 4's form (in place).

    Version 3 did not keep which results were reported: an upcast pilot knows only the
    results recorded after its snapshot, so it refuses a second result for an
    indicator and period only where the first came after that snapshot, until the
    pilot is next snapshotted from its events (every hundredth version, or when the
    store is copied).
    """
    state.setdefault("results", {})


def upcast_v4_v5(state: dict[str, Any]) -> None:
    """A version 4 snapshot's state in version 5's form (in place).

    Version 4 kept no money and no expenditure periods: an upcast pilot knows only the
    money committed, paid and declared after its snapshot until it is next snapshotted
    from its events (as :func:`upcast_v3_v4` says of results).
    """
    state.setdefault("money", {})
    state.setdefault("expenditure", {})


UNKNOWN_DECISION = 0
"""The version an upcast pilot gives the adopted decisions its older snapshot did not keep."""


def upcast_v5_v6(state: dict[str, Any]) -> None:
    """A version 5 snapshot's state in version 6's form (in place).

    Version 5 kept neither the adopted decisions, nor how a closed pilot closed, nor
    whether the pilot asks for the originator's approval of core-component deviations.
    The flag is read as not asked (its default) and the outcome as unknown; a pilot that
    recorded any entry counts as possibly adopted (:data:`UNKNOWN_DECISION`), so closing
    it as taken over by a public provider is not refused for want of what the snapshot
    forgot (nor is withdrawing an adopted decision of a pilot closed so), until the pilot
    is next snapshotted from its events.
    """
    state.setdefault("originator_approval_required", False)
    state.setdefault("outcome", None)
    state.setdefault("adopted", {UNKNOWN_DECISION} if state.get("entry_count") else set())
