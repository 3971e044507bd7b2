"""The test oracle: every view's JSON document, folded straight from the events.

Written from the rules stated in the README (and in the views' docstrings),
without the projection code: no tables, no pages, no positions other than
the order of the list it is given. It reads event objects, not stored JSON,
so it also checks that the views read the stored state right.

``expected(events, today)`` returns the unfiltered document of each view,
as ``scaletrack VIEW --json`` prints it.

The quality view's findings are judged by the projection's own checks
(:mod:`scaletrack.projections.findings`, tested story by story in
``test_quality_checks``); the oracle gathers what they judge from the events.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from scaletrack.domain import pilot_events as ev
from scaletrack.domain.consortium import Consortium
from scaletrack.domain.ecosystem import CentreEvent
from scaletrack.domain.envelope import Recorded, plain
from scaletrack.domain.esf_plus import BREAKDOWNS, COMMON_INDICATORS, ESF_PLUS_COUNTRIES
from scaletrack.domain.indicator import Indicator
from scaletrack.domain.organisation import Organisation
from scaletrack.domain.pilot import payload_of
from scaletrack.domain.vocabulary import COUNTED_FROM_ADOPTIONS, period_end, period_of
from scaletrack.projections import findings as checks
from scaletrack.projections.follow_ups import follow_ups

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
    targets: list[str]
    stage: str = "proposed"
    pilot_type: str | None = None
    dimensions: list[str] = field(default_factory=list)
    mechanism: str | None = None
    closed_on: date | None = None
    milestones: dict[str, dict[str, Any]] = field(default_factory=dict)
    risks: dict[str, bool] = field(default_factory=dict)
    periods: dict[str, str] = field(default_factory=dict)
    approved: dict[str, int] = field(default_factory=dict)
    lags: list[int] = field(default_factory=list)
    last: str = ""
    entries: dict[int, Entry] = field(default_factory=dict)
    span: tuple[date, date] = (date.min, date.max)


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
    programme = (e for e in events if isinstance(e, Consortium.Event | CentreEvent
                                                  | Indicator.Event | Organisation.Event
                                                  | ev.PilotEvent))
    for position, event in enumerate(programme, start=1):
        world.events.append(event)
        if isinstance(event, Organisation.Registered):
            world.codes[event.originator_id] = event.code
            world.kinds[event.originator_id] = "organisation"
        elif isinstance(event, Consortium.Event | CentreEvent):
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
    elif isinstance(event, Consortium.CountryRemoved):
        consortium["countries"].remove(event.country)
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
            list(dict.fromkeys([event.origin_country, *event.target_countries])),
            list(event.target_countries), span=(event.starts_on, event.ends_on))
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
    elif isinstance(event, ev.Amended):
        pilot.countries = list(dict.fromkeys([pilot.countries[0], *event.target_countries]))
        pilot.span = (pilot.span[0], event.ends_on)
        pilot.targets = list(event.target_countries)
    elif isinstance(event, ev.StageAdvanced):
        pilot.stage = str(event.to_stage)
    elif isinstance(event, ev.PilotClosed):
        pilot.stage, pilot.closed_on = "closed", event.occurred_on
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
    rows = _impact_rows(world, pilots, today)
    rating = {"on_track": Decimal(90), "at_risk": Decimal(60), "cap": None,
              "settings_version": None}
    return {"progress": _progress(pilots, today, _results(world, pilots)),
            "impact": {"filters": {}, "rating": rating, "rows": rows},
            "portfolio": _portfolio(world, pilots, rows), "decisions": _decisions(world),
            "quality": {**_quality(world, pilots), "findings": _findings(world, pilots, today)},
            "timeline": _timeline(world)}


def _progress(pilots: list[PilotState], today: date,
              results: list[checks.Result]) -> dict[str, Any]:
    rows = []
    due: dict[str, list[dict[str, Any]]] = {}
    for follow_up in follow_ups(results):  # the projection's own rule, as for findings
        if follow_up.status(today) != "recorded":
            due.setdefault(follow_up.pilot, []).append(follow_up.as_dict(today))
    for p in pilots:
        statuses = [m["status"] for m in p.milestones.values()]
        open_ones = [] if p.closed_on else due.get(p.code, [])
        rows.append({
            "pilot": p.code, "consortium": p.consortium, "countries": p.countries,
            "target_countries": p.targets, "stage": p.stage, "closed_on": p.closed_on,
            "planned": sum(s != "dropped" for s in statuses),
            "done": statuses.count("achieved"),
            "overdue": 0 if p.closed_on else sum(
                m["status"] == "planned" and m["due"] < today for m in p.milestones.values()),
            "dropped": statuses.count("dropped"),
            "slips": sum(m["slips"] for m in p.milestones.values()),
            "open_risks": 0 if p.closed_on else sum(p.risks.values()),
            "left_open": statuses.count("planned") if p.closed_on else 0,
            "risks_left_open": sum(p.risks.values()) if p.closed_on else 0,
            "follow_ups_due": sum(f["status"] == "due" for f in open_ones),
            "follow_ups_overdue": sum(f["status"] == "overdue" for f in open_ones),
            "follow_ups": open_ones,
            "pending_approvals": sorted(k for k, s in p.periods.items() if s == "submitted"),
            "last_activity": p.last})
    names = ("planned", "done", "overdue", "dropped", "slips", "open_risks", "left_open",
             "risks_left_open", "follow_ups_due", "follow_ups_overdue")

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
            "countries": roll_up("country", lambda r: r["target_countries"])}


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


def _status(rate: Decimal | None, pilot: PilotState, period: str, reported: bool,
            today: date) -> str:
    year, quarter = int(period[:4]), int(period[-1])
    first = date(year, quarter * 3 - 2, 1)
    last = date(year + quarter // 4, quarter % 4 * 3 + 1, 1) - timedelta(days=1)
    if pilot.closed_on is not None and first > pilot.closed_on:
        return "closed"
    if not reported:
        return "no-report-yet" if last <= today else "not-due-yet"
    if rate is None:
        return "not-rated"
    return "on-track" if rate >= 90 else "at-risk" if rate >= 60 else "off-track"


def _score(unit: str, achieved: Decimal | None) -> str | None:
    """An ordinal score as a point on the scale its unit names ("score 1-5": "4 of 5")."""
    if achieved is None:
        return None
    numbers = re.findall(r"\d+", unit)
    return f"{achieved} of {numbers[-1]}" if len(numbers) >= 2 else str(achieved)


def _impact_rows(world: World, pilots: list[PilotState], today: date
                 ) -> list[dict[str, Any]]:
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
            reported = result is not None
            if indicator in COUNTED_FROM_ADOPTIONS:  # the decisions, not what was typed
                result, reported = None, period_end(period) <= today
                actual = Decimal(_adopted(p, period_end(period))) if reported else None
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
            ordinal = definition["measure"] == "ordinal"
            rate = None if ordinal else _rate(definition, baseline, to_date, achieved)
            status = _status(rate, p, period, reported, today)
            if ordinal and status == "not-rated" and to_date is not None and achieved is not None:
                short = (to_date - achieved if definition["direction"] == "higher"
                         else achieved - to_date)
                status = "on-track" if short <= 0 else "at-risk" if short <= 1 else "off-track"
            rows.append({
                "pilot": p.code, "consortium": p.consortium, "indicator": indicator,
                "indicator_version": version, "period": period, "unit": definition["unit"],
                "direction": definition["direction"],
                "accumulation": definition["accumulation"], "baseline": baseline,
                "target": goal, "actual": actual, "target_to_date": to_date,
                "achieved": achieved, "percent": rate, "capped": False,
                "status": status,
                "breakdown": {d: {c: Decimal(v) for c, v in parts.items()}
                              for d, parts in result.data["breakdown"].items()}
                if result else {},
                "narrative": result.data["narrative"] if result else None,
                "target_narrative": target.data["narrative"] if target else None,
                **({"score": _score(definition["unit"], achieved)} if ordinal else {}),
                "_name": definition["name"], "_measure": definition["measure"],
                "_reported": reported})
    return rows


def _adopted(pilot: PilotState, day: date) -> int:
    """The providers whose latest adoption decision (as it stands) by the day is to adopt."""
    latest: dict[str, str] = {}
    decisions = [e for e in pilot.entries.values()
                 if isinstance(e.event, ev.AdoptionDecided) and not e.retracted]
    for entry in sorted(decisions, key=lambda e: (e.event.occurred_on,
                                                  e.event.originator_version)):
        if entry.event.occurred_on <= day:
            latest[entry.data["provider"]] = str(entry.data["decision"])
    return sum(decision == "adopted" for decision in latest.values())


def _portfolio(world: World, pilots: list[PilotState], rows: list[dict[str, Any]]
               ) -> dict[str, Any]:
    cells: dict[tuple[str, str], dict[str, Any]] = {}
    for code, consortium in world.consortia.items():
        for country in consortium["countries"]:
            cells[(code, country)] = {"member": True}
    for p in pilots:
        for country, key in [(p.countries[0], "origin_of"), *((t, "pilots") for t in p.targets)]:
            cell = cells.setdefault((p.consortium, country), {"member": False})
            cell[key] = cell.get(key, 0) + 1
    matrix = [{"consortium": code, "country": country, "member": cell["member"],
               "centre": world.consortia[code]["centres"].get(country),
               "partners": world.consortia[code]["partners"].count(country),
               "pilots": cell.get("pilots", 0), "origin_of": cell.get("origin_of", 0)}
              for (code, country), cell in sorted(cells.items())]
    targets = {p.code: p.targets for p in pilots}
    marked = {code for code, versions in world.indicators.items()
              if versions[max(versions)]["esf_common"] and code in COMMON_INDICATORS}
    left_out = sorted({t for p in pilots for t in p.targets} - ESF_PLUS_COUNTRIES)
    note = None if marked else (
        "no indicator in the catalogue is marked as an ESF+ common indicator "
        "(indicator revise CODE --esf-common), so nothing is rolled up as ESF+")
    return {"filters": {}, "matrix": matrix, "pilots_by": {
        "type": dict(sorted(Counter(p.pilot_type or "none" for p in pilots).items())),
        "dimension": dict(sorted(Counter(d for p in pilots for d in p.dimensions).items())),
        "mechanism": dict(sorted(Counter(p.mechanism or "none" for p in pilots).items())),
        "stage": dict(sorted(Counter(p.stage for p in pilots).items()))},
        "roll_ups": _roll_ups(world, rows, targets, None), "roll_ups_countries": None,
        "esf": [] if note else [_esf_figure(figure) for figure in _roll_ups(
            world, [r for r in rows if r["indicator"] in marked - BREAKDOWNS], targets,
            ESF_PLUS_COUNTRIES)],
        "esf_scope": {"countries": sorted(ESF_PLUS_COUNTRIES), "left_out": left_out,
                      "indicators": sorted(marked), "note": note}}


def _esf_figure(figure: dict[str, Any]) -> dict[str, Any]:
    """An ESF+ figure as Annex I reads it: EECO01 carries the common indicators that are
    its breakdown (an age band has one figure); EECO18 and EECO19 say that a sum of the
    pilots' figures counts an organisation once per pilot that supports it."""
    code = figure["indicator"]
    if code == "EECO01":
        parts = {}
        for part in sorted(BREAKDOWNS):
            dimension, category = COMMON_INDICATORS[part].part_of or ("", "")
            by = figure.get("by", {}).get(dimension)
            parts[part] = {"name": COMMON_INDICATORS[part].name, "dimension": dimension,
                           "category": category,
                           "value": None if by is None else by.get(category, Decimal(0))}
        return {**figure, "common_indicators": parts}
    if code in ("EECO18", "EECO19"):
        return {**figure, "counted": f"{figure['counted']}; an organisation two pilots "
                "support is counted by each: `organisation supported` counts the distinct "
                "organisation records"}
    return figure


def _roll_ups(world: World, rows: list[dict[str, Any]], targets: dict[str, list[str]],
              scope: frozenset[str] | None) -> list[dict[str, Any]]:
    """Summed counts (each result's part in the scope's countries, with breakdowns that add
    up thanks to their unknown part), and per-pilot figures of what does not add up."""
    series: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for row in rows:
        if row["_reported"] and row["actual"] is not None and row["_measure"] != "qualitative":
            series.setdefault((row["indicator"], row["pilot"]), []).append(row)
    found: dict[str, dict[str, Any]] = {}
    for (indicator, pilot), reported in sorted(series.items()):
        latest, places = reported[-1], targets[pilot]
        summed = latest["_measure"] == "unit" and latest["accumulation"] != "snapshot"
        figure = found.setdefault(indicator, {
            "indicator": indicator, "name": latest["_name"], "unit": latest["unit"],
            "measure": latest["_measure"], "accumulation": latest["accumulation"],
            "counted": "every reported period of each pilot, added up"
            if latest["accumulation"] == "incremental" else
            "each pilot's latest reported figure, added up" if summed else
            f"each pilot's latest reported figure, and their median: a "
            f"{latest['accumulation']} {latest['_measure']} measure does not add up across "
            "pilots", "_summed": summed, "_pilots": set(), "_apart": Decimal(0),
            "_apart_pilots": set(), "total": Decimal(0), "by": {}, "per_pilot": []})
        if not summed:
            if scope is None or set(places) & scope:
                figure["per_pilot"].append({"pilot": pilot, "period": latest["period"],
                                            "value": latest["actual"], "countries": places})
            continue
        figure["_any_summed"] = True  # a pilot whose latest definition adds up
        dimensions = [d for v in world.indicators[indicator].values() for d in v["dimensions"]
                      if d != "country"]
        for row in reported if latest["accumulation"] == "incremental" else [latest]:
            value, parts = row["actual"], row["breakdown"]
            countries = parts.get("country") or (
                {places[0]: value} if len(places) == 1 else {"unknown": value})
            if scope is not None:
                if "unknown" in countries and not set(places) <= scope:
                    if set(places) & scope:
                        figure["_apart"] += value
                        figure["_apart_pilots"].add(pilot)
                    countries = {}
                countries = {c: v for c, v in countries.items() if c in scope or c == "unknown"}
            counted = sum(countries.values(), Decimal(0))
            if countries:
                figure["_pilots"].add(pilot)
            figure["total"] += counted
            by = figure["by"]
            for dimension in dict.fromkeys([*dimensions, "country"]):
                split = countries if dimension == "country" else (
                    dict(parts.get(dimension, {})) if counted == value else {})
                rest = counted - sum(split.values(), Decimal(0))
                if rest and dimension != "country":
                    split["unknown"] = split.get("unknown", Decimal(0)) + rest
                into = by.setdefault(dimension, {})
                for category, part in split.items():
                    into[category] = into.get(category, Decimal(0)) + part
    result = []
    for _, figure in sorted(found.items()):
        # Pilots reporting under definitions that differ (an indicator revised between
        # their results): the sum of those whose latest definition adds up, the others
        # beside it one by one.
        if figure.get("_any_summed"):
            if not (figure["_pilots"] or figure["_apart_pilots"]):
                continue
            apart = {"total": figure["_apart"], "pilots": sorted(figure["_apart_pilots"]),
                     "note": "results of pilots scaled into several countries, with no "
                             "country breakdown: some may lie outside the countries asked "
                             "for, so they are not in the total"}
            by = {d: {**{c: v for c, v in sorted(parts.items()) if c != "unknown"},
                      **({"unknown": parts["unknown"]} if "unknown" in parts else {})}
                  for d, parts in figure["by"].items()}
            result.append({**{k: v for k, v in figure.items()
                              if k != "per_pilot" or figure["per_pilot"]},
                           "aggregation": "sum", "pilots": len(figure["_pilots"]), "by": by,
                           "not_broken_down_by_country": apart if figure["_apart_pilots"]
                           else None})
        elif figure["per_pilot"]:
            values = sorted(p["value"] for p in figure["per_pilot"])
            middle = len(values) // 2
            median = values[middle] if len(values) % 2 else (
                values[middle - 1] + values[middle]) / 2
            result.append({**{k: v for k, v in figure.items() if k not in ("total", "by")},
                           "aggregation": "per pilot", "pilots": len(values),
                           "median": median})
    return result


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


def _results(world: World, pilots: list[PilotState]) -> list[checks.Result]:
    """Every result that stands, in the order it was recorded, as the checks read it."""
    results = []
    for p in pilots:
        for version, entry in sorted(p.entries.items()):
            data, event = entry.data, entry.event
            if entry.retracted or not isinstance(event, ev.ResultReported):
                continue
            definition = world.indicators[data["indicator"]][data["indicator_version"]]
            results.append(checks.Result(
                f"{p.code}@{version}", p.code, data["indicator"], data["period"],
                _number(data["value"]),
                {d: {c: Decimal(str(v)) for c, v in parts.items()}
                 for d, parts in data["breakdown"].items()},
                checks.Definition(str(definition["measure"]), str(definition["unit"]),
                                  str(definition["accumulation"]),
                                  tuple(str(d) for d in definition["dimensions"]))))
    return results


def _findings(world: World, pilots: list[PilotState], today: date) -> list[dict[str, Any]]:
    results, targets, adoptions, deviations = _results(world, pilots), set(), [], []
    for p in pilots:
        for version, entry in sorted(p.entries.items()):
            data, event = entry.data, entry.event
            if entry.retracted:
                continue
            if isinstance(event, ev.Target):
                targets.add((p.code, data["indicator"], data["period"]))
            elif isinstance(event, ev.AdoptionDecided):
                adoptions.append(checks.Adoption(p.code, data["provider"],
                                                 str(data["decision"]), event.occurred_on))
            elif isinstance(event, ev.AdaptationMade) and data["core"]:
                deviations.append(checks.Deviation(
                    f"{p.code}@{version}", p.code, data["component"], data["summary"],
                    period_of(event.occurred_on), event.reason))
    spans = [checks.Span(p.code, p.span[0], min(p.span[1], p.closed_on or p.span[1]))
             for p in pilots]  # a pilot's dates end when it closed, if earlier
    return checks.findings(checks.Evidence(today, spans, results, frozenset(targets),
                                           adoptions, deviations))


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
