"""Reading the progress view, for a given day, per pilot and rolled up.

Per pilot: its stage; milestones planned (not dropped), done (achieved),
overdue (still planned, due before the day asked) and dropped; slips (how
often a due date was moved); last activity (the latest occurred-on date of
its events); open risks; and pending approvals (period reports submitted,
not yet approved or rejected). Per consortium and per country the same
figures add up over the pilots (a pilot counts in each of its countries).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Connection, case, func, select

from scaletrack.projections.filters import Filters
from scaletrack.projections.queries.selection import pilots, selected
from scaletrack.projections.tables import Activity, Milestone, PeriodReport, Risk

USES = ("directory", "progress")
COUNTS = ("planned", "done", "overdue", "dropped", "slips", "open_risks")


def progress(connection: Connection, filters: Filters, today: date) -> dict[str, Any]:
    chosen = pilots(connection, filters)
    within = selected(filters)
    day = today.isoformat()
    milestones = {row.subject: row for row in connection.execute(
        select(Milestone.subject,
               func.sum(case((Milestone.status != "dropped", 1), else_=0)).label("planned"),
               func.sum(case((Milestone.status == "achieved", 1), else_=0)).label("done"),
               func.sum(case(((Milestone.status == "planned") & (Milestone.due_on < day), 1),
                             else_=0)).label("overdue"),
               func.sum(case((Milestone.status == "dropped", 1), else_=0)).label("dropped"),
               func.sum(Milestone.slips).label("slips"))
        .where(Milestone.subject.in_(within)).group_by(Milestone.subject))}
    risks = dict(connection.execute(
        select(Risk.subject, func.count()).where(Risk.subject.in_(within), Risk.open)
        .group_by(Risk.subject)).all())
    activity = dict(connection.execute(
        select(Activity.subject, Activity.last_occurred_on)
        .where(Activity.subject.in_(within))).all())
    pending: dict[str, list[str]] = {}
    for subject, period in connection.execute(
            select(PeriodReport.subject, PeriodReport.period)
            .where(PeriodReport.subject.in_(within), PeriodReport.status == "submitted")
            .order_by(PeriodReport.period)):
        pending.setdefault(subject, []).append(period)
    rows = []
    for subject, pilot in chosen.items():
        counted = milestones.get(subject)
        figures = {name: int(getattr(counted, name) or 0) if counted else 0
                   for name in ("planned", "done", "overdue", "dropped", "slips")}
        rows.append({"pilot": pilot.code, "consortium": pilot.consortium,
                     "countries": pilot.countries, "stage": pilot.stage, **figures,
                     "open_risks": int(risks.get(subject, 0)),
                     "pending_approvals": pending.get(subject, []),
                     "last_activity": activity.get(subject)})
    return {"today": day, "filters": filters.describe(), "pilots": rows,
            "consortia": _roll_up(rows, "consortium", lambda row: [row["consortium"]]),
            "countries": _roll_up(rows, "country", lambda row: row["countries"])}


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
