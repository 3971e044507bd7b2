"""The reading pages: the portfolio dashboard, a pilot, the events behind a figure, history.

Each is the HTML rendering of the documents the JSON API serves for the same
URL parameters (the view documents, ``pilot show``, ``pilot history`` and
``diff``), read at the point in time the URL names.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Response

from scaletrack.application.access import Action, Resource
from scaletrack.application.details import details_text, event_text
from scaletrack.application.kinds import KIND_OF_TYPE, KINDS
from scaletrack.domain.errors import NotFound
from scaletrack.domain.pilot_events import Entry
from scaletrack.projections.filters import Filters
from scaletrack.web import reading
from scaletrack.web.charts import Category, PeriodPoint, category_bars, impact_chart
from scaletrack.web.pages import POINT_PARAMETERS, Page, PageRoute, Viewer, point_in_time

router = APIRouter(route_class=PageRoute, include_in_schema=False)


@router.get("/")
def portfolio(page: Viewer, consortium: str | None = None,
              country: str | None = None) -> Response:
    """The dashboard: each pilot's progress and the ESF+ follow-ups due or overdue; every
    consortium and country drills down to its pilots (``?consortium=CODE&country=CC``: the
    same views, filtered)."""
    page.require_known_query(("consortium", "country", *POINT_PARAMETERS))
    page.require_point()
    _ = page.language.gettext
    filters = Filters(consortium=consortium.strip().upper() if consortium else None,
                      country=country.strip().upper() if country else None)
    document = reading.view(page, "portfolio", filters)
    progress = reading.view(page, "progress", filters)
    names = {"type": _("Pilots by type"), "dimension": _("Pilots by scaling dimension"),
             "mechanism": _("Pilots by mechanism"), "stage": _("Pilots by stage")}
    charts = [category_bars(names[aspect], None, [
        Category(page.language.word(value) if aspect == "stage" else value, count)
        for value, count in counts.items()], page.language)
              for aspect, counts in document["pilots_by"].items() if aspect in names]
    def with_chart(row: dict[str, Any]) -> dict[str, Any]:
        by_sex = row.get("by", {}).get("sex")
        return {**row, "chart": category_bars(
            _("%(name)s by sex") % {"name": row["name"]}, row["unit"],
            [Category(sex, value) for sex, value in by_sex.items()], page.language)
            if by_sex else None}

    follow_ups = [{"pilot": row["pilot"], **follow_up} for row in progress["pilots"]
                  for follow_up in row["follow_ups"]]
    return page.render("portfolio.html", portfolio=document, progress=progress, charts=charts,
                       follow_ups=follow_ups,
                       roll_ups=[with_chart(row) for row in document["roll_ups"]],
                       esf=[with_chart(row) for row in document["esf"]],
                       consortium=filters.consortium, country=filters.country,
                       filters=filters.describe(), digest=reading.digest(page))


def _pilot_or_404(page: Page, code: str) -> dict[str, Any]:
    found = reading.pilot(page, code)
    if found is None:
        raise NotFound(page.language.gettext("%(code)s did not exist yet at that point")
                       % {"code": code.upper()})
    return found


@router.get("/pilots/{code}")
def pilot(page: Viewer, code: str) -> Response:
    page.require_known_query(("recorded", *POINT_PARAMETERS))
    page.require_point()
    _ = page.language.gettext
    detail = _pilot_or_404(page, code)
    code = detail["code"]
    resource = Resource(consortium=detail["consortium"])
    impact_view = reading.view(page, "impact", Filters(pilot=code))
    impact = impact_view["rows"]
    decisions = [{**d, "shown_details": details_text(d["details"], page.language)}
                 for d in reading.view(page, "decisions", Filters(pilot=code))["decisions"]]
    findings = reading.view(page, "quality", Filters(pilot=code))["findings"]
    records = reading.pilot_history(page, code)
    by_indicator: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in impact:
        row["href"] = page.link(f"/pilots/{code}/figures", indicator=row["indicator"],
                                period=row["period"])
        by_indicator[row["indicator"]].append(row)
    indicators = [{"code": indicator, "unit": rows[0]["unit"], "rows": rows,
                   "href": page.link(f"/pilots/{code}/figures", indicator=indicator),
                   "chart": _chart(page, indicator, rows)}
                  for indicator, rows in by_indicator.items()]
    stages = [r for r in records if r["type"] == "pilot.stage-advanced"]
    risks = _risks(records)
    money = reading.view(page, "finance", Filters(pilot=code))
    writable = page.point.is_now and page.allows(Action.WRITE_PILOT, resource)
    if recorded := page.request.query_params.get("recorded"):
        page.messages.append({"level": "done", "text": _("Recorded %(id)s.") % {"id": recorded}})
    return page.render(
        "pilot.html", pilot=detail, indicators=indicators, rating=impact_view["rating"],
        decisions=decisions, findings=findings, stages=stages,
        risks=risks, money=next(iter(money["pilots"]), None), budget=money["budget"],
        expenditure=money["expenditure"], money_findings=money["findings"],
        kinds=sorted(KINDS) if writable else [],
        periods=_periods(page, detail, resource), digest=reading.digest(page),
        can_submit=page.point.is_now and page.allows(Action.SUBMIT_PERIOD, resource),
        diff_href=f"/pilots/{code}/diff" if page.allows(Action.DIFF) else None,
        history_href=page.link(f"/pilots/{code}/history"))


def _chart(page: Page, indicator: str, rows: list[dict[str, Any]]) -> str | None:
    """Actual against target and baseline per period; None for a qualitative indicator."""
    points = [PeriodPoint(r["period"], r["actual"], r["target"], r["baseline"], r["href"])
              for r in rows]
    if all(p.actual is None and p.target is None and p.baseline is None for p in points):
        return None
    title = page.language.gettext("%(indicator)s: actual against target per period")
    return impact_chart(title % {"indicator": indicator}, rows[0]["unit"], points,
                        page.language)


def _risks(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    risks: dict[str, dict[str, Any]] = {}
    for record in records:
        if record["type"] == "pilot.risk-raised":
            risks[record["data"]["risk"]] = {**record["data"], "raised_on": record["occurred_on"],
                                            "closed_on": None, "id": record["id"]}
        elif record["type"] == "pilot.risk-closed" and record["data"]["risk"] in risks:
            risks[record["data"]["risk"]]["closed_on"] = record["occurred_on"]
    return list(risks.values())


def _periods(page: Page, detail: dict[str, Any], resource: Resource) -> list[dict[str, Any]]:
    """The pilot's periods with the actions this account may take on each, now."""
    now = page.point.is_now
    rows = []
    for period, status in sorted(detail["periods"].items()):
        rows.append({"period": period, "status": status,
                     "submit": now and status in ("open", "rejected", "unlocked")
                     and page.allows(Action.SUBMIT_PERIOD, resource),
                     "decide": now and status == "submitted"
                     and page.allows(Action.DECIDE_PERIOD, resource),
                     "unlock": now and status == "approved"
                     and page.allows(Action.UNLOCK_PERIOD, resource)})
    return rows


@router.get("/pilots/{code}/figures")
def figures(page: Viewer, code: str, indicator: str | None = None,
            period: str | None = None) -> Response:
    """The events behind a pilot's impact figures (for one indicator, and one period)."""
    page.require_known_query(("indicator", "period", *POINT_PARAMETERS))
    page.require_point()
    detail = _pilot_or_404(page, code)
    filters = Filters(pilot=detail["code"], indicator=indicator.upper() if indicator else None,
                      period=period.upper() if period else None)
    rows = reading.view(page, "impact", filters)["rows"]
    registered = reading.pilot_history(page, detail["code"])[0]["recorded_at"]
    behind = reading.events_behind(page, "impact", filters, datetime.fromisoformat(registered))
    return page.render("figures.html", pilot=detail, filters=filters, rows=rows,
                       events=behind["events"], digest=reading.digest(page),
                       history_href=page.link(f"/pilots/{detail['code']}/history"))


@router.get("/pilots/{code}/history")
def history(page: Viewer, code: str) -> Response:
    """Every event the point sees, with both times; corrections linked both ways."""
    page.require_known_query(("recorded", *POINT_PARAMETERS))
    page.require_point()
    detail = _pilot_or_404(page, code)
    records = reading.pilot_history(page, detail["code"])
    corrected_by: dict[int, list[str]] = defaultdict(list)
    for record in records:
        target = record["data"].get("corrects") or record["data"].get("retracts")
        if record["type"] in ("pilot.entry-corrected", "pilot.entry-retracted") and target:
            record["target"] = target
            corrected_by[int(target)].append(record["id"])
    retracted = {int(r["target"]) for r in records if r["type"] == "pilot.entry-retracted"}
    for record in records:
        record["shown_details"] = event_text(
            {k: v for k, v in record["data"].items() if k not in ("corrects", "retracts")},
            page.language)  # the Corrections column links them
        record["corrected_by"] = corrected_by.get(record["version"], [])
        kind = KIND_OF_TYPE.get(record["type"])
        record["correctable"] = kind is not None and issubclass(kind.event, Entry) and \
            record["version"] not in retracted
    resource = Resource(consortium=detail["consortium"])
    writable = page.point.is_now and page.allows(Action.WRITE_PILOT, resource)
    if recorded := page.request.query_params.get("recorded"):
        page.messages.append({"level": "done", "text": page.language.gettext(
            "Recorded %(id)s.") % {"id": recorded}})
    return page.render("history.html", pilot=detail, records=records, writable=writable,
                       digest=reading.digest(page))


DIFF_QUERY = ("from_as_of", "from_known_at", "to_as_of", "to_known_at")


@router.get("/pilots/{code}/diff")
def pilot_diff(page: Viewer, code: str, from_as_of: str | None = None,
               from_known_at: str | None = None, to_as_of: str | None = None,
               to_known_at: str | None = None) -> Response:
    """What changed in a pilot's impact between two points, and the events responsible."""
    page.require(Action.DIFF)
    page.require_known_query(DIFF_QUERY)
    before = point_in_time(from_as_of, from_known_at)
    after = point_in_time(to_as_of, to_known_at)
    detail = _pilot_or_404(page, code)
    document = reading.view_diff(page, "impact", Filters(pilot=detail["code"]), before, after)
    return page.render("diff.html", timeless=True, pilot=detail, diff=document,
                       chosen={"from_as_of": from_as_of, "from_known_at": from_known_at,
                               "to_as_of": to_as_of, "to_known_at": to_known_at},
                       history_href=f"/pilots/{detail['code']}/history")
