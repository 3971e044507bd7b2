"""A report's content: sections of headed tables and charts, built from the views'
documents at the report's point, kept to its scope and period.

Every figure is the views' own (the impact view's achieved, percent and
status; the portfolio's roll-ups), only selected and formatted here, so
a report says what ``scaletrack impact`` and the other views say at the
same point. Codes of the vocabulary (a stage, a status) read as words, through
the same wording as the pilot page and the CLI's tables (``on-track``: "on track").
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from scaletrack.application.details import details_text
from scaletrack.application.reports.basis import Basis, quarter_of, quarter_span
from scaletrack.application.reports.charts import indicator_chart
from scaletrack.application.wording import ENGLISH

SYNTHETIC = "(synthetic)"
NONE = "\u2013"
"""An en dash: no figure."""


@dataclass(frozen=True)
class Chart:
    caption: str
    svg: str


@dataclass
class Section:
    heading: str
    columns: list[str]
    rows: list[list[str]]
    note: str = ""
    charts: list[Chart] = field(default_factory=list)


@dataclass(frozen=True)
class Report:
    title: str
    basis: Basis
    sections: list[Section]

    @property
    def synthetic(self) -> bool:
        return any(SYNTHETIC in cell for s in self.sections for row in s.rows for cell in row)


def text(value: Any) -> str:
    """A figure as the views' JSON gives it: 114, 45.5; nothing as an en dash."""
    if value is None or value == "":
        return NONE
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Decimal):
        return str(int(value)) if value == value.to_integral_value() else repr(float(value))
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, dict):
        return "; ".join(f"{k} {text(v)}" for k, v in value.items()) or NONE
    if isinstance(value, list | tuple):
        return ", ".join(text(v) for v in value) or NONE
    return str(value)


def percent(value: Any) -> str:
    return NONE if value is None else f"{text(value)}%"


class Window:
    """The report's period: which quarters and days it covers, up to its as-of date."""

    def __init__(self, basis: Basis) -> None:
        start, end = basis.start, basis.end
        if basis.period:
            start, end = quarter_span(basis.period)
        self.start, self.end = start, min(end or basis.as_of, basis.as_of)
        self.last_quarter = quarter_of(self.end)

    def has_day(self, day: str | None) -> bool:
        if day is None:
            return False
        moment = date.fromisoformat(day[:10])
        return (self.start is None or moment >= self.start) and moment <= self.end

    def has_quarter(self, period: str | None) -> bool:
        if period is None:
            return False
        first, last = quarter_span(period)
        return (self.start is None or last >= self.start) and first <= self.end

    def up_to(self, period: str) -> bool:
        return period <= self.last_quarter


def build(documents: dict[str, Any], basis: Basis) -> Report:
    """The report from the views' documents (progress, impact, portfolio, decisions,
    quality, timeline) read at the basis's point with its scope's filters."""
    window = Window(basis)
    events = documents["timeline"]["events"]
    sections = [_pilots(documents["progress"], events), _milestones(events, window),
                *_indicators(documents["impact"], window), *_roll_ups(documents["portfolio"]),
                _decisions(documents["decisions"], window), _funding(events, window),
                *_quality(documents["quality"], window), _corrections(events, window, basis)]
    return Report(f"Report on the {basis.scope}, {basis.span}", basis, sections)


def _pilots(progress: dict[str, Any], events: list[dict[str, Any]]) -> Section:
    titles = {e["subject"]: e["data"].get("title") for e in events  # the last one stands
              if e["type"] in ("pilot.registered", "pilot.amended")}
    rows = [[p["pilot"], text(titles.get(p["pilot"])), p["consortium"], text(p["countries"]),
             ENGLISH.word(p["stage"]), text(p["planned"]), text(p["done"]), text(p["overdue"]),
             text(p["open_risks"])] for p in progress["pilots"]]
    return Section("Pilots and their stage", ["pilot", "title", "consortium", "countries",
                                              "stage", "milestones", "done", "overdue",
                                              "open risks"], rows,
                   note=f"As it stood on {progress['today']}.")


def _milestones(events: list[dict[str, Any]], window: Window) -> Section:
    milestones: dict[tuple[str, str], dict[str, Any]] = {}
    for event in events:
        kind, data = event["type"], event["data"]
        if not kind.startswith("pilot.milestone-"):
            continue
        key = (event["subject"], data["milestone"])
        if kind == "pilot.milestone-planned":
            milestones[key] = {"title": data["title"], "due": data["due_on"], "slips": 0,
                               "status": "planned", "on": ""}
        elif key in milestones:
            entry = milestones[key]
            if kind == "pilot.milestone-slipped":
                entry["due"], entry["slips"] = data["new_due_on"], entry["slips"] + 1
            else:
                entry["status"], entry["on"] = kind.rsplit("-", 1)[1], event["occurred_on"]
    closed = {e["subject"] for e in events if e["type"] == "pilot.closed"}
    rows = [[pilot, milestone, m["title"], m["due"], text(m["slips"]),
             "left open at closure" if m["status"] == "planned" and pilot in closed
             else ENGLISH.word(m["status"]), text(m["on"])]
            for (pilot, milestone), m in sorted(milestones.items())]
    return Section("Milestones", ["pilot", "milestone", "title", "due", "slips", "status",
                                  "on"], rows, note="Due dates and status at the report's point.")


def _indicators(impact: dict[str, Any], window: Window) -> list[Section]:
    series: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for row in impact["rows"]:
        if window.up_to(row["period"]):
            series.setdefault((row["pilot"], row["indicator"]), []).append(row)
    columns = ["pilot", "indicator", "period", "baseline", "target", "actual",
               "target to date", "achieved", "percent", "status"]
    table = Section("Targets and actuals", columns, [], note=(
        "Per indicator and period, as the impact view judges them: incremental values add up "
        "across periods, a cumulative indicator takes its latest report, a snapshot its "
        "period's value; percent respects the indicator's direction; a score is a point on "
        "its scale (4 of 5). " + _rated_by(impact)))
    for (pilot, indicator), rows in series.items():
        chosen = [r for r in rows if window.has_quarter(r["period"])]
        table.rows += [[pilot, indicator, r["period"], text(r["baseline"]), text(r["target"]),
                        text(r["actual"] if r["actual"] is not None else r["narrative"]),
                        text(r["target_to_date"]), text(r["achieved"]),
                        r.get("score") or percent(r["percent"]),
                        ENGLISH.word(r["status"])] for r in chosen]
        first = rows[0]
        if chosen and any(r["achieved"] is not None or r["target_to_date"] is not None
                          for r in rows):
            table.charts.append(Chart(
                f"{pilot} {indicator} ({text(first['unit'])}; {first['accumulation']}, "
                f"{first['direction']} is better): baseline, target and achieved to date",
                indicator_chart(rows)))
    return [table]


def _rated_by(impact: dict[str, Any]) -> str:
    rating = impact["rating"]
    cap = "" if rating["cap"] is None else f"; percentages above {percent(rating['cap'])} " \
        f"count as {percent(rating['cap'])}"
    return (f"On track from {percent(rating['on_track'])}, at risk from "
            f"{percent(rating['at_risk'])}{cap}; a period without a report of its own is "
            "not due yet or has no report yet, and one after a pilot's closure is closed.")


def _roll_ups(portfolio: dict[str, Any]) -> list[Section]:
    columns = ["indicator", "name", "unit", "counted", "pilots", "figure", "by sex",
               "by age band", "not broken down by country"]
    scope = portfolio["esf_scope"]
    left_out = f" Left out: {', '.join(scope['left_out'])}." if scope["left_out"] else ""
    return [Section("Participants and results across pilots", columns,
                    _figures(portfolio["roll_ups"]), note=(
                        "To the report's as-of date. Counts of people and entities are "
                        "summed, their breakdowns with the part they do not break down "
                        "(unknown); snapshots, rates and scores are not summed: the median "
                        "of the pilots' latest figures.")),
            Section("ESF+ common indicators", columns, _figures(portfolio["esf"]), note=(
                f"Nothing is rolled up as ESF+: {scope['note']}." if scope["note"] else
                "Only indicators marked as ESF+ common indicators, in EU member states."
                + left_out))]


def _figures(figures: list[dict[str, Any]]) -> list[list[str]]:
    rows = []
    for r in figures:
        by, apart = r.get("by", {}), r.get("not_broken_down_by_country")
        summed = r["aggregation"] == "sum"
        rows.append([r["indicator"], r["name"], text(r["unit"]),
                     "sum" if summed else "per pilot", text(r["pilots"]),
                     text(r["total"]) if summed else f"median {text(r['median'])}",
                     text(by.get("sex")), text(by.get("age-band")),
                     text(apart["total"]) if apart else NONE])
    return rows


def _decisions(decisions: dict[str, Any], window: Window) -> Section:
    rows = [[d["id"], d["occurred_on"], ENGLISH.word(d["decision"]),
             details_text(d["details"]) or NONE, text(d["actor"]),
             text(d["reason"]), text(d["corrected_by"])]
            for d in decisions["decisions"] if window.has_day(d["occurred_on"])]
    return Section("Decisions and adaptations", ["id", "on", "decision", "details", "by",
                                                 "reason", "corrected by"], rows)


def _funding(events: list[dict[str, Any]], window: Window) -> Section:
    rows = [[e["id"], e["occurred_on"], e["data"]["funder"],
             text(e["data"].get("funding_source") or "not stated"),
             text(e["data"]["amount_eur"]), text(e["data"].get("co_financing_rate")),
             text(e["corrected_by"])]
            for e in events if e["type"] == "pilot.funding-secured"
            and e["occurred_on"] <= window.end.isoformat()]
    return Section("Funding", ["id", "secured on", "funder", "source", "amount (EUR)",
                               "co-financing rate", "corrected by"], rows,
                   note=f"Secured up to {window.end}; the finance view adds up payments, "
                        "expenditure and costs.")


def _quality(quality: dict[str, Any], window: Window) -> list[Section]:
    def rows(key: str, keep: Callable[[dict[str, Any]], bool], columns: Iterable[str]
             ) -> list[list[str]]:
        return [[text(row[c]) for c in columns] for row in quality[key] if keep(row)]

    lag = ["pilot", "events", "mean_days", "max_days", "late"]
    edits = ["id", "what", "touches", "period", "recorded_at", "actor", "reason"]
    mismatches = ["id", "indicator", "period", "total", "sums"]
    deviations = ["id", "component", "summary", "occurred_on", "actor", "reason"]
    return [
        Section("Reporting lag", [c.replace("_", " ") for c in lag],
                rows("lag", lambda _: True, lag),
                note=f"Late: recorded more than {quality['late_after_days']} days after "
                     "it happened; to date."),
        Section("Edits after a lock", [c.replace("_", " ") for c in edits],
                rows("edits_after_lock", lambda r: window.has_quarter(r["period"]), edits)),
        Section("Disaggregation mismatches", mismatches,
                rows("disaggregation_mismatches", lambda r: window.has_quarter(r["period"]),
                     mismatches)),
        Section("Fidelity deviations (core components adapted)",
                [c.replace("_", " ") for c in deviations],
                rows("fidelity_deviations", lambda r: window.has_day(r["occurred_on"]),
                     deviations)),
        Section("Findings", ["pilot", "period", "code", "message"],
                rows("findings", lambda r: window.has_quarter(r["period"]),
                     ["pilot", "period", "code", "message"]),
                note="Checks of the figures and the decision log (scaletrack quality)."),
    ]


def _corrections(events: list[dict[str, Any]], window: Window, basis: Basis) -> Section:
    since = window.start.isoformat() if window.start else ""
    rows = [[e["id"], e["recorded_at"], e["type"].rsplit("-", 1)[-1], text(e["corrects"]),
             text(e["actor"]), text(e["reason"])]
            for e in events if e["type"] in ("pilot.entry-corrected", "pilot.entry-retracted")
            and e["recorded_at"] >= since]
    return Section("Corrections since the last report", ["id", "recorded", "what", "of",
                                                         "by", "reason"], rows,
                   note=f"Recorded from {since or 'the start'} to {basis.known_at_text}.")
