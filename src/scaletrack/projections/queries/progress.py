"""Reading the progress view, at a point and for a given day, per pilot and rolled up.

Per pilot: its stage; milestones planned (not dropped), done (achieved),
overdue (still planned, due before the day asked) and dropped; slips (how
often a due date was moved); last activity (the latest valid day of its
events: a correction's is that of the entry it names); open risks; and
pending approvals (period reports submitted, not yet approved or rejected).
A closed pilot is no longer judged: the milestones still planned and the
risks still open when it closed are counted as left open at closure
(``left_open``, ``risks_left_open``), never as overdue or open.
Per consortium and per country the same figures add up over the pilots: a
pilot counts in each of the countries it is scaled into (its target
countries), not in the one its innovation comes from.

The events the point sees are folded in the store's order (a pilot's
versions): a milestone exists once planned, and then takes what each later
event says; a risk is open from its raising to its closing; a period
report's status is the latest.

The ESF+ six-month follow-ups (``follow_ups``) the pilot's results call for
(:mod:`scaletrack.projections.follow_ups`): those not recorded yet, each due or
overdue, and how many of each (``follow_ups_due``, ``follow_ups_overdue``); a closed
pilot is not judged on them here (the quality view judges its dates).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, func, select

from scaletrack.domain.esf_plus import FOLLOW_UP
from scaletrack.projections.bitemporal import NOW, Point
from scaletrack.projections.database import table
from scaletrack.projections.filters import Filters
from scaletrack.projections.follow_ups import UPON_LEAVING, follow_ups
from scaletrack.projections.queries.selection import event_id, pilots, selected
from scaletrack.projections.tables import ImpactEntry, ImpactFigures, ProgressEvent

USES = ("directory", "progress", "impact")
INDICATORS = frozenset({*UPON_LEAVING, FOLLOW_UP})
"""The indicators whose results progress reads: those of the follow-ups."""
COUNTS = ("planned", "done", "overdue", "dropped", "slips", "open_risks", "left_open",
          "risks_left_open", "follow_ups_due", "follow_ups_overdue")


class _Pilot:
    """What a pilot's events said about its milestones, risks and period reports."""

    def __init__(self) -> None:
        self.milestones: dict[str, dict[str, Any]] = {}
        self.risks: dict[str, bool] = {}
        self.periods: dict[str, str] = {}

    def take(self, kind: str, ref: str, due_on: str | None) -> None:
        milestone = self.milestones.get(ref)
        if kind == "pilot.milestone-planned":
            self.milestones[ref] = {"due_on": due_on, "status": "planned", "slips": 0}
        elif kind == "pilot.milestone-slipped":
            if milestone is not None:
                milestone["due_on"] = due_on
                milestone["slips"] += 1
        elif kind in ("pilot.milestone-achieved", "pilot.milestone-dropped"):
            if milestone is not None:
                milestone["status"] = kind.rsplit("-", 1)[1]
        elif kind == "pilot.risk-raised":
            self.risks[ref] = True
        elif kind == "pilot.risk-closed":
            if ref in self.risks:
                self.risks[ref] = False
        else:
            self.periods[ref] = kind.rsplit("-", 1)[1]

    def figures(self, day: str, closed: bool) -> dict[str, Any]:
        statuses = [m["status"] for m in self.milestones.values()]
        open_ones = [m for m in self.milestones.values() if m["status"] == "planned"]
        risks = sum(self.risks.values())
        return {"planned": sum(s != "dropped" for s in statuses),
                "done": statuses.count("achieved"),
                "overdue": 0 if closed else sum(m["due_on"] < day for m in open_ones),
                "dropped": statuses.count("dropped"),
                "slips": sum(m["slips"] for m in self.milestones.values()),
                "open_risks": 0 if closed else risks,
                "left_open": len(open_ones) if closed else 0,
                "risks_left_open": risks if closed else 0}

    def pending(self) -> list[str]:
        return sorted(p for p, status in self.periods.items() if status == "submitted")


def progress(connection: Connection, filters: Filters, today: date, point: Point = NOW
             ) -> dict[str, Any]:
    chosen = pilots(connection, filters)
    within = selected(filters)
    day = today.isoformat()
    events = table(ProgressEvent)
    seen = point.holds(events)
    activity = dict(connection.execute(
        select(events.c.subject, func.max(events.c.valid_on))
        .where(events.c.subject.in_(within), seen).group_by(events.c.subject)).all())
    folded: dict[str, _Pilot] = {}
    for subject, kind, ref, due_on in connection.execute(
            select(events.c.subject, events.c.kind, events.c.ref, events.c.due_on)
            .where(events.c.subject.in_(within), events.c.kind.is_not(None), seen)
            .order_by(events.c.subject, events.c.version)):
        found = folded.get(subject)
        if found is None:
            found = folded[subject] = _Pilot()
        found.take(kind, ref, due_on)
    nothing = _Pilot()
    due = _follow_ups(connection, {s: p.code for s, p in chosen.items()}, today, point)
    rows = []
    for subject, pilot in chosen.items():
        state = folded.get(subject, nothing)
        closed = pilot.closed_on is not None
        open_ones = [] if closed else [f for f in due.get(pilot.code, [])
                                       if f["status"] != "recorded"]
        rows.append({"pilot": pilot.code, "consortium": pilot.consortium,
                     "countries": pilot.countries, "target_countries": pilot.targets,
                     "stage": pilot.stage, "closed_on": pilot.closed_on,
                     **state.figures(day, closed),
                     "follow_ups_due": sum(f["status"] == "due" for f in open_ones),
                     "follow_ups_overdue": sum(f["status"] == "overdue" for f in open_ones),
                     "follow_ups": open_ones,
                     "pending_approvals": state.pending(),
                     "last_activity": activity.get(subject)})
    return {"today": day, "filters": filters.describe(), "pilots": rows,
            "consortia": _roll_up(rows, "consortium", lambda row: [row["consortium"]]),
            "countries": _roll_up(rows, "country", lambda row: row["target_countries"])}


@dataclass(frozen=True)
class _Reported:
    id: str
    pilot: str
    indicator: str
    period: str
    figure: Decimal | None


def _follow_ups(connection: Connection, codes: dict[str, str], today: date, point: Point
                ) -> dict[str, list[dict[str, Any]]]:
    """The six-month follow-ups the selected pilots' results call for, as the point sees
    them, by pilot code."""
    entries, figures = table(ImpactEntry), table(ImpactFigures)
    reported = [_Reported(str(event_id(codes[e.subject], e.version)), codes[e.subject],
                          e.indicator, e.period, None if e.value is None else Decimal(e.value))
                for e in connection.execute(
                    select(entries.c.subject, entries.c.version, entries.c.indicator,
                           entries.c.period, figures.c.value)
                    .join(figures, (figures.c.subject == entries.c.subject)
                          & (figures.c.version == entries.c.version))
                    .where(entries.c.subject.in_(list(codes)), entries.c.kind == "result",
                           entries.c.indicator.in_(sorted(INDICATORS)),
                           point.holds(entries, figures))
                    .order_by(entries.c.subject, entries.c.version))]
    found: dict[str, list[dict[str, Any]]] = {}
    for follow_up in follow_ups(reported):
        found.setdefault(follow_up.pilot, []).append(follow_up.as_dict(today))
    return found


def _roll_up(rows: list[dict[str, Any]], name: str, groups: Any) -> list[dict[str, Any]]:
    totals: dict[str, dict[str, Any]] = {}
    for row in rows:
        for group in groups(row):
            total = totals.setdefault(group, {name: group, "pilots": 0, **dict.fromkeys(
                COUNTS, 0), "pending_approvals": 0})
            total["pilots"] += 1
            for count in COUNTS:
                total[count] += row[count]
            total["pending_approvals"] += len(row["pending_approvals"])
    return [totals[group] for group in sorted(totals)]
