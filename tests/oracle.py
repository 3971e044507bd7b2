"""The test oracle: every view's JSON document, folded straight from the events.

Written from the rules stated in the README (and in the views' docstrings),
without the projection code: no tables, no pages, no positions other than
the order of the list it is given. It reads event objects, not stored JSON,
so it also checks that the views read the stored state right.

``expected(events, today)`` returns the unfiltered document of each view,
as ``scaletrack VIEW --json`` prints it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from scaletrack.domain import pilot_events as ev
from scaletrack.domain.consortium import Consortium
from scaletrack.domain.envelope import Recorded, plain
from scaletrack.domain.indicator import Indicator
from scaletrack.domain.pilot import payload_of
from scaletrack.domain.vocabulary import period_of

LATE = 30
DECISION_TYPES = (ev.PathwayChosen, ev.PathwayChanged, ev.StageAdvanced, ev.AdoptionDecided,
                  ev.BusinessModelRevised, ev.HRProcessChanged, ev.AdaptationMade,
                  ev.EvaluationCompleted, ev.PilotClosed)


@dataclass
class Entry:
    event: Recorded
    position: int
    period: str
    data: dict[str, Any]
    retracted: bool = False
    corrections: list[Recorded] = field(default_factory=list)


@dataclass
class PilotState:
    code: str
    consortium: str
    countries: list[str]
    stage: str = "proposed"
    pilot_type: str | None = None
    dimensions: list[str] = field(default_factory=list)
    mechanism: str | None = None
    milestones: dict[str, dict[str, Any]] = field(default_factory=dict)
    risks: dict[str, bool] = field(default_factory=dict)
    periods: dict[str, str] = field(default_factory=dict)
    approved: dict[str, int] = field(default_factory=dict)
    lags: list[int] = field(default_factory=list)
    last: str = ""
    entries: dict[int, Entry] = field(default_factory=dict)


@dataclass
class World:
    """Everything the events say, folded in order."""

    codes: dict[Any, str] = field(default_factory=dict)
    kinds: dict[Any, str] = field(default_factory=dict)
    consortia: dict[str, dict[str, Any]] = field(default_factory=dict)
    indicators: dict[str, dict[int, dict[str, Any]]] = field(default_factory=dict)
    pilots: dict[Any, PilotState] = field(default_factory=dict)
    events: list[Recorded] = field(default_factory=list)
    locked_edits: list[tuple[int, dict[str, Any]]] = field(default_factory=list)


def fold(events: Iterable[Recorded]) -> World:
    world = World()
    # Accounts are the server's, not the views' (projections.types.ALL leaves them out).
    programme = (e for e in events if isinstance(e, Consortium.Event | Indicator.Event
                                                  | ev.PilotEvent))
    for position, event in enumerate(programme, start=1):
        world.events.append(event)
        if isinstance(event, Consortium.Event):
            _consortium(world, event)
        elif isinstance(event, Indicator.Event):
            _indicator(world, event)
        elif isinstance(event, ev.PilotEvent):
            _pilot(world, event, position)
    return world


def _consortium(world: World, event: Any) -> None:
    if isinstance(event, Consortium.Registered):
        world.codes[event.originator_id] = event.code
        world.kinds[event.originator_id] = "consortium"
        world.consortia[event.code] = {"countries": list(event.countries), "partners": [],
                                       "centres": {}}
        return
    consortium = world.consortia[world.codes[event.originator_id]]
    if isinstance(event, Consortium.CountryJoined):
        consortium["countries"].append(event.country)
    elif isinstance(event, Consortium.PartnerAdded):
        consortium["partners"].append(event.country)
    elif isinstance(event, Consortium.CentreEstablished):
        consortium["centres"][event.country] = event.name


def _indicator(world: World, event: Any) -> None:
    if isinstance(event, Indicator.Defined):
        world.codes[event.originator_id] = event.code
        world.kinds[event.originator_id] = "indicator"
        world.indicators[event.code] = {1: event.definition()}
    elif isinstance(event, Indicator.Revised):
        world.indicators[event.code][event.definition_version] = event.definition()


def _pilot(world: World, event: Any, position: int) -> None:
    if isinstance(event, ev.Registered):
        world.codes[event.originator_id] = event.code
        world.kinds[event.originator_id] = "pilot"
        world.pilots[event.originator_id] = PilotState(
            event.code, event.consortium,
            list(dict.fromkeys([event.origin_country, *event.target_countries])))
    pilot = world.pilots[event.originator_id]
    day = event.occurred_on.isoformat()
    if isinstance(event, ev.EntryCorrected | ev.EntryRetracted):
        # A correction or retraction holds from the day of the entry it names.
        named = event.corrects if isinstance(event, ev.EntryCorrected) else event.retracts
        day = pilot.entries[named].event.occurred_on.isoformat()
    pilot.last = max(pilot.last, day)
    pilot.lags.append((event.recorded_at.date() - event.occurred_on).days)
    if isinstance(event, ev.MilestonePlanned | ev.MilestoneAchieved | ev.MilestoneSlipped
                  | ev.MilestoneDropped):  # an approved quarter's lock covers milestones
        _locked_edit(world, pilot, event, position, period_of(event.occurred_on), None)
    if isinstance(event, ev.Pathway):
        pilot.pilot_type, pilot.mechanism = str(event.pilot_type), str(event.mechanism)
        pilot.dimensions = [str(d) for d in event.dimensions]
    elif isinstance(event, ev.StageAdvanced):
        pilot.stage = str(event.to_stage)
    elif isinstance(event, ev.PilotClosed):
        pilot.stage = "closed"
    elif isinstance(event, ev.MilestonePlanned):
        pilot.milestones[event.milestone] = {"due": event.due_on, "status": "planned",
                                             "slips": 0}
    elif isinstance(event, ev.MilestoneAchieved):
        pilot.milestones[event.milestone]["status"] = "achieved"
    elif isinstance(event, ev.MilestoneDropped):
        pilot.milestones[event.milestone]["status"] = "dropped"
    elif isinstance(event, ev.MilestoneSlipped):
        pilot.milestones[event.milestone]["due"] = event.new_due_on
        pilot.milestones[event.milestone]["slips"] += 1
    elif isinstance(event, ev.RiskRaised):
        pilot.risks[event.risk] = True
    elif isinstance(event, ev.RiskClosed):
        pilot.risks[event.risk] = False
    elif isinstance(event, ev.PeriodEvent):
        pilot.periods[event.period] = event.STATUS
        if isinstance(event, ev.PeriodReportApproved):
            pilot.approved.setdefault(event.period, position)
    elif isinstance(event, ev.Entry):
        period = getattr(event, "period", None) or period_of(event.occurred_on)
        pilot.entries[event.originator_version] = Entry(event, position, period,
                                                        plain(payload_of(event)))
        _locked_edit(world, pilot, event, position, period, None)
    elif isinstance(event, ev.EntryCorrected | ev.EntryRetracted):
        named = event.corrects if isinstance(event, ev.EntryCorrected) else event.retracts
        entry = pilot.entries[named]
        if isinstance(event, ev.EntryCorrected):
            entry.data = dict(event.data)
        else:
            entry.retracted = True
        entry.corrections.append(event)
        _locked_edit(world, pilot, event, position, entry.period, named)


def _locked_edit(world: World, pilot: PilotState, event: Recorded, position: int,
                 period: str, named: int | None) -> None:
    if period in pilot.approved and pilot.approved[period] < position:
        world.locked_edits.append((position, {
            "id": f"{pilot.code}@{event.originator_version}", "pilot": pilot.code,
            "what": event.TYPE.split(".", 1)[1],
            "touches": None if named is None else f"{pilot.code}@{named}", "period": period,
            "recorded_at": _moment(event), "actor": event.actor, "reason": event.reason}))


def _moment(event: Recorded) -> str:
    moment: str = plain({"t": event.recorded_at})["t"]
    return moment


# -- the views --------------------------------------------------------------------


def expected(events: Iterable[Recorded], today: date) -> dict[str, Any]:
    world = fold(events)
    pilots = sorted(world.pilots.values(), key=lambda p: p.code)
    rows = _impact_rows(world, pilots)
    return {"progress": _progress(pilots, today), "impact": {"filters": {}, "rows": rows},
            "portfolio": _portfolio(world, pilots, rows), "decisions": _decisions(world),
            "quality": _quality(world, pilots), "timeline": _timeline(world)}


def _progress(pilots: list[PilotState], today: date) -> dict[str, Any]:
    rows = []
    for p in pilots:
        statuses = [m["status"] for m in p.milestones.values()]
        rows.append({
            "pilot": p.code, "consortium": p.consortium, "countries": p.countries,
            "stage": p.stage, "planned": sum(s != "dropped" for s in statuses),
            "done": statuses.count("achieved"),
            "overdue": sum(m["status"] == "planned" and m["due"] < today
                           for m in p.milestones.values()),
            "dropped": statuses.count("dropped"),
            "slips": sum(m["slips"] for m in p.milestones.values()),
            "open_risks": sum(p.risks.values()),
            "pending_approvals": sorted(k for k, s in p.periods.items() if s == "submitted"),
            "last_activity": p.last})
    names = ("planned", "done", "overdue", "dropped", "slips", "open_risks")

    def roll_up(name: str, group: Any) -> list[dict[str, Any]]:
        totals: dict[str, dict[str, Any]] = {}
        for row in rows:
            for key in group(row):
                total = totals.setdefault(key, {name: key, "pilots": 0, "pending_approvals": 0,
                                                **dict.fromkeys(names, 0)})
                total["pilots"] += 1
                total["pending_approvals"] += len(row["pending_approvals"])
                for n in names:
                    total[n] += row[n]
        return [totals[k] for k in sorted(totals)]

    return {"today": today.isoformat(), "filters": {}, "pilots": rows,
            "consortia": roll_up("consortium", lambda r: [r["consortium"]]),
            "countries": roll_up("country", lambda r: r["countries"])}


def _number(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _rate(definition: dict[str, Any], baseline: Decimal | None, target: Decimal | None,
          done: Decimal | None) -> Decimal | None:
    if definition["measure"] == "qualitative" or target is None or done is None:
        return None
    if definition["direction"] == "higher":
        if baseline is not None and baseline < target:
            share = (done - baseline) / (target - baseline)
        elif target == 0:
            return None
        else:
            share = done / target
    elif baseline is not None and baseline > target:
        share = (baseline - done) / (baseline - target)
    else:
        share = Decimal(1) if done == 0 else target / done
    return (share * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _status(rate: Decimal | None) -> str:
    if rate is None:
        return "not-rated"
    return "on-track" if rate >= 90 else "at-risk" if rate >= 60 else "off-track"


def _impact_rows(world: World, pilots: list[PilotState]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for p in pilots:
        cells: dict[tuple[str, str], dict[str, Entry]] = {}
        for version in sorted(p.entries):
            entry = p.entries[version]
            if entry.retracted or not isinstance(entry.event, ev.Target | ev.ResultReported):
                continue
            kind = "result" if isinstance(entry.event, ev.ResultReported) else "target"
            cells.setdefault((entry.data["indicator"], entry.data["period"]), {})[kind] = entry
        series: list[Decimal | None] = []
        goals: list[Decimal] = []
        for (indicator, period), found in sorted(cells.items()):
            if rows and (rows[-1]["pilot"], rows[-1]["indicator"]) != (p.code, indicator):
                series, goals = [], []
            target, result = found.get("target"), found.get("result")
            version = (result or target).data["indicator_version"]  # type: ignore[union-attr]
            definition = world.indicators[indicator][version]
            actual = _number(result.data["value"]) if result else None
            baseline = _number(target.data["baseline"]) if target else None
            goal = _number(target.data["target"]) if target else None
            series.append(actual)
            if goal is not None:
                goals.append(goal)
            achieved = to_date = None
            if definition["measure"] != "qualitative":
                if definition["accumulation"] == "incremental":
                    numbers = [a for a in series if a is not None]
                    achieved = sum(numbers, Decimal(0)) if numbers else None
                    to_date = sum(goals, Decimal(0)) if goal is not None else None
                elif definition["accumulation"] == "cumulative":
                    achieved = next((a for a in reversed(series) if a is not None), None)
                    to_date = goal
                else:
                    achieved, to_date = actual, goal
            rate = _rate(definition, baseline, to_date, achieved)
            rows.append({
                "pilot": p.code, "consortium": p.consortium, "indicator": indicator,
                "indicator_version": version, "period": period, "unit": definition["unit"],
                "direction": definition["direction"],
                "accumulation": definition["accumulation"], "baseline": baseline,
                "target": goal, "actual": actual, "target_to_date": to_date,
                "achieved": achieved, "percent": rate,
                "status": _status(rate),
                "breakdown": {d: {c: Decimal(v) for c, v in parts.items()}
                              for d, parts in result.data["breakdown"].items()}
                if result else {},
                "narrative": result.data["narrative"] if result else None,
                "target_narrative": target.data["narrative"] if target else None,
                "_name": definition["name"], "_measure": definition["measure"],
                "_reported": result is not None})
    return rows


def _portfolio(world: World, pilots: list[PilotState], rows: list[dict[str, Any]]
               ) -> dict[str, Any]:
    cells: dict[tuple[str, str], dict[str, Any]] = {}
    for code, consortium in world.consortia.items():
        for country in consortium["countries"]:
            cells[(code, country)] = {"member": True}
    for p in pilots:
        for country in p.countries:
            cell = cells.setdefault((p.consortium, country), {"member": False})
            cell["pilots"] = cell.get("pilots", 0) + 1
    matrix = [{"consortium": code, "country": country, "member": cell["member"],
               "centre": world.consortia[code]["centres"].get(country),
               "partners": world.consortia[code]["partners"].count(country),
               "pilots": cell.get("pilots", 0)}
              for (code, country), cell in sorted(cells.items())]
    esf: dict[str, dict[str, Any]] = {}
    series: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for row in rows:
        if row["_reported"] and row["_measure"] == "unit":
            series.setdefault((row["pilot"], row["indicator"]), []).append(row)
    for (_, indicator), reported in sorted(series.items()):
        latest = reported[-1]
        if latest["achieved"] is None:
            continue
        total = esf.setdefault(indicator, {"indicator": indicator, "name": latest["_name"],
                                           "unit": latest["unit"], "pilots": 0,
                                           "total": Decimal(0), "by_sex": Counter(),
                                           "by_age_band": Counter()})
        total["pilots"] += 1
        total["total"] += latest["achieved"]
        counted = reported if latest["accumulation"] == "incremental" else [latest]
        for row in counted:
            for category, value in row["breakdown"].get("sex", {}).items():
                total["by_sex"][category] += Decimal(value)
            for category, value in row["breakdown"].get("age-band", {}).items():
                total["by_age_band"][category] += Decimal(value)
    return {"filters": {}, "matrix": matrix, "pilots_by": {
        "type": dict(sorted(Counter(p.pilot_type or "none" for p in pilots).items())),
        "dimension": dict(sorted(Counter(d for p in pilots for d in p.dimensions).items())),
        "mechanism": dict(sorted(Counter(p.mechanism or "none" for p in pilots).items())),
        "stage": dict(sorted(Counter(p.stage for p in pilots).items()))},
        "esf": [{**t, "by_sex": dict(t["by_sex"]), "by_age_band": dict(t["by_age_band"])}
                for _, t in sorted(esf.items())]}


def _decisions(world: World) -> dict[str, Any]:
    found = []
    for position, event in enumerate(world.events, start=1):
        if not isinstance(event, DECISION_TYPES):
            continue
        pilot = world.pilots[event.originator_id]
        entry = pilot.entries.get(event.originator_version)
        if entry and entry.retracted:
            continue
        corrections = [c for c in entry.corrections if isinstance(c, ev.EntryCorrected)] \
            if entry else []
        last = corrections[-1] if corrections else None
        found.append(((event.occurred_on, position), {
            "id": f"{pilot.code}@{event.originator_version}", "pilot": pilot.code,
            "consortium": pilot.consortium, "decision": event.TYPE.split(".", 1)[1],
            "occurred_on": event.occurred_on.isoformat(), "recorded_at": _moment(event),
            "actor": event.actor, "reason": event.reason,
            "details": entry.data if entry else plain(payload_of(event)),
            "corrected_by": f"{pilot.code}@{last.originator_version}" if last else None,
            "correction_reason": last.reason if last else None}))
    return {"filters": {}, "decisions": [row for _, row in sorted(found, key=lambda f: f[0])]}


def _quality(world: World, pilots: list[PilotState]) -> dict[str, Any]:
    mismatches, deviations = [], []
    for p in pilots:
        for version, entry in sorted(p.entries.items()):
            if entry.retracted:
                continue
            if isinstance(entry.event, ev.ResultReported) and entry.data["value"] is not None:
                total = Decimal(entry.data["value"])
                sums = {dimension: sum((Decimal(v) for v in parts.values()), Decimal(0))
                        for dimension, parts in entry.data["breakdown"].items()}
                off = {d: s for d, s in sums.items() if s != total}
                if off:
                    mismatches.append({"id": f"{p.code}@{version}", "pilot": p.code,
                                       "indicator": entry.data["indicator"],
                                       "period": entry.data["period"], "total": total,
                                       "sums": off})
            if isinstance(entry.event, ev.AdaptationMade) and entry.data["core"]:
                deviations.append({"id": f"{p.code}@{version}", "pilot": p.code,
                                   "component": entry.data["component"],
                                   "summary": entry.data["summary"],
                                   "occurred_on": entry.event.occurred_on.isoformat(),
                                   "actor": entry.event.actor, "reason": entry.event.reason})
    lag = [{"pilot": p.code, "events": len(p.lags),
            "mean_days": (Decimal(sum(p.lags)) / len(p.lags)).quantize(
                Decimal("0.1"), rounding=ROUND_HALF_UP),
            "max_days": max(p.lags), "late": sum(d > LATE for d in p.lags)} for p in pilots]
    return {"filters": {}, "late_after_days": LATE, "lag": lag,
            "edits_after_lock": [edit for _, edit in sorted(world.locked_edits,
                                                             key=lambda e: e[0])],
            "disaggregation_mismatches": mismatches, "fidelity_deviations": deviations}


def _timeline(world: World) -> dict[str, Any]:
    links: dict[tuple[Any, int], list[str]] = {}
    for event in world.events:
        if isinstance(event, ev.EntryCorrected | ev.EntryRetracted):
            named = event.corrects if isinstance(event, ev.EntryCorrected) else event.retracts
            code = world.codes[event.originator_id]
            links.setdefault((event.originator_id, named), []).append(
                f"{code}@{event.originator_version}")
    rows = []
    for event in world.events:
        code = world.codes[event.originator_id]
        target = getattr(event, "corrects", None) or getattr(event, "retracts", None)
        rows.append({"id": f"{code}@{event.originator_version}", "subject": code,
                     "kind": world.kinds[event.originator_id], "type": event.TYPE,
                     "occurred_on": event.occurred_on.isoformat(),
                     "recorded_at": _moment(event), "actor": event.actor,
                     "source": str(event.source), "reason": event.reason,
                     "corrects": f"{code}@{target}" if target else None,
                     "corrected_by": links.get((event.originator_id,
                                                event.originator_version), []),
                     "data": plain(payload_of(event))})
    return {"filters": {}, "events": rows}


def public(document: dict[str, Any]) -> dict[str, Any]:
    """The document without the oracle's own helper keys (those starting with '_')."""
    if isinstance(document, dict):
        return {k: public(v) for k, v in document.items() if not str(k).startswith("_")}
    if isinstance(document, list):
        return [public(v) for v in document]
    return document
