"""The writing pages: a form for every loggable kind, corrections, and the period workflow.

A form posts to the page; the page checks its fields with the kind's input
model (so each message stands beside its field), then hands the same body the
JSON API takes to the API's own handler (``scaletrack.server.writes``): the
same permission check, the same command, the account as actor. A refused
form comes back with what was typed and the reason beside the field.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse
from pydantic import TypeAdapter, ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import ImmutableMultiDict

from scaletrack.application.access import Action, Resource
from scaletrack.application.kinds import KINDS, Kind
from scaletrack.domain.errors import InvalidInput, RuleViolation, ScaletrackError
from scaletrack.domain.vocabulary import DIMENSION_CATEGORIES, Dimension
from scaletrack.server import writes
from scaletrack.web import reading
from scaletrack.web.forms import (
    OCCURRED_ON,
    REASON,
    Field,
    Part,
    breakdown_parts,
    fields,
    kind_of,
    problems_of,
    values_of,
)
from scaletrack.web.pages import Page, PageRoute, Viewer

router = APIRouter(route_class=PageRoute, include_in_schema=False)

AGE_BANDS = ["under-18", "18-29", "30-54", "55+"]
SEXES = ["women", "men", "non-binary"]
_BODY: TypeAdapter[Any] = TypeAdapter(writes.EVENT_BODY)


def _categories(dimension: str, pilot: dict[str, Any]) -> list[str]:
    if dimension == Dimension.SEX:
        return SEXES
    if dimension == Dimension.AGE_BAND:
        return AGE_BANDS
    if dimension == Dimension.COUNTRY:
        return list(dict.fromkeys([pilot["origin_country"], *pilot["target_countries"]]))
    known = DIMENSION_CATEGORIES.get(Dimension(dimension))
    return sorted(known) if known else []


def _form_page(page: Page, pilot: dict[str, Any], kind: Kind,
               values: ImmutableMultiDict[str, Any], errors: dict[str, str],
               status_code: int = 200, refusal: str | None = None) -> Response:
    indicators: list[dict[str, Any]] = []
    parts: list[Part] = []
    shown_fields: list[Field] = fields(kind, page.language)
    if kind.needs_indicator:
        indicators = [i for i in reading.indicators(page) if not i.get("retired")]
        choices = tuple((i["code"], f"{i['code']}: {i['name']}") for i in indicators)
        shown_fields = [Field(f.name, f.label, f.hint, "select", f.required, choices)
                        if f.name == "indicator" else f for f in shown_fields]
        chosen = str(values.get("indicator", "")).upper()
        if kind.name == "result" and chosen:
            definition = next((i for i in indicators if i["code"] == chosen), None)
            if definition is not None:
                parts = breakdown_parts({d: _categories(d, pilot)
                                         for d in definition.get("dimensions", [])})
    return page.render("log.html", status_code, timeless=True, pilot=pilot, kind=kind,
                       fields=shown_fields,
                       values=values, errors=errors, parts=parts, refusal=refusal,
                       kinds=sorted(KINDS))


def _pilot(page: Page, code: str) -> dict[str, Any]:
    found = reading.pilot(page, code)
    if found is None:
        raise InvalidInput(f"no pilot {code}")
    return found


@router.get("/pilots/{code}/log")
def log_form(page: Viewer, code: str, request: Request, kind: str = "result") -> Response:
    """The form for one kind, pre-filled from the URL (``?kind=period-submitted&period=Q``)."""
    chosen = kind_of(kind)
    page.require_known_query(("kind", *(f.name for f in fields(chosen, page.language))))
    pilot = _pilot(page, code)
    page.require(_action(chosen), Resource(consortium=pilot["consortium"]))
    return _form_page(page, pilot, chosen, request.query_params, {})


def _action(kind: Kind) -> Action:
    return {"period-submitted": Action.SUBMIT_PERIOD, "period-approved": Action.DECIDE_PERIOD,
            "period-rejected": Action.DECIDE_PERIOD,
            "period-unlocked": Action.UNLOCK_PERIOD}.get(kind.name, Action.WRITE_PILOT)


@router.post("/pilots/{code}/log")
async def log_entry(page: Viewer, code: str, request: Request) -> Response:
    """Record the form's entry through the API's handler; the form again if refused."""
    form = await request.form()
    pilot = await run_in_threadpool(_pilot, page, code)
    kind = kind_of(str(form.get("kind", "")))
    typed = ImmutableMultiDict(list(form.multi_items()))
    try:
        values = values_of(kind, form)
    except InvalidInput as error:
        return _form_page(page, pilot, kind, typed, {error.field: error.message}, 400)
    errors = problems_of(kind, values)
    if errors:
        return _form_page(page, pilot, kind, typed, errors, 400)
    envelope = {name: str(form.get(name, "")).strip() or None for name in (OCCURRED_ON, REASON)}
    try:
        body = _BODY.validate_python({"kind": kind.name, **values, **envelope})
        record = await run_in_threadpool(writes.log_event, pilot["code"], request, page.account,
                                         body)
    except ValidationError as error:
        problem = error.errors()[0]
        where = next((str(p) for p in problem["loc"] if str(p) in (OCCURRED_ON, REASON)), "")
        return _form_page(page, pilot, kind, typed, {where: problem["msg"]}, 400)
    except (RuleViolation, InvalidInput) as refused:
        field = getattr(refused, "field", "") or ""
        status = 400 if isinstance(refused, InvalidInput) else 422
        shown = f"{refused.message}" + (f" ({refused.hint})" if refused.hint else "")
        if field and field.split(".")[0] in {*kind.inputs, OCCURRED_ON, REASON}:
            return _form_page(page, pilot, kind, typed, {field: shown}, status)
        return _form_page(page, pilot, kind, typed, {}, status, refusal=shown)
    return RedirectResponse(f"/pilots/{pilot['code']}?recorded={quote(record['id'])}#recorded",
                            status_code=303)


@router.get("/periods")
def periods(page: Viewer) -> Response:
    """Period reports waiting for a decision, with approve and reject forms (officers)."""
    if not page.point.is_now:
        raise InvalidInput(page.language.gettext("period reports are decided now"),
                           hint=page.language.gettext("open the page without as_of and known_at"))
    page.require_known_query(("decided",))
    pending = []
    for row in reading.view(page, "progress")["pilots"]:
        resource = Resource(consortium=row["consortium"])
        for period in row["pending_approvals"]:
            submitter = reading.submitter(page, row["pilot"], period)
            decide = page.point.is_now and page.allows(Action.DECIDE_PERIOD, Resource(
                consortium=row["consortium"], submitted_by=submitter))
            pending.append({"pilot": row["pilot"], "consortium": row["consortium"],
                            "period": period, "submitted_by": submitter, "decide": decide,
                            "own": submitter == page.account.actor,
                            "readable": page.allows(Action.READ, resource)})
    if decided := page.request.query_params.get("decided"):
        page.messages.append({"level": "done", "text": page.language.gettext(
            "Recorded %(id)s.") % {"id": decided}})
    return page.render("periods.html", timeless=True, pending=pending)


@router.post("/periods/decide")
async def decide(page: Viewer, request: Request) -> Response:
    """Approve or reject one pilot's period report (rejecting needs a reason)."""
    form = await request.form()
    pilot, period = str(form.get("pilot", "")), str(form.get("period", ""))
    verdict = "period-approved" if form.get("decision") == "approve" else "period-rejected"
    reason = str(form.get("reason", "")).strip() or None
    try:
        body = _BODY.validate_python({"kind": verdict, "period": period, "reason": reason})
        if verdict == "period-rejected" and not reason:
            raise InvalidInput(page.language.gettext("a rejection needs a reason"),
                               field=REASON)
        record = await run_in_threadpool(writes.log_event, pilot, request, page.account, body)
    except (ScaletrackError, ValidationError) as refused:
        message = refused.message if isinstance(refused, ScaletrackError) else \
            refused.errors()[0]["msg"]
        page.messages.append({"level": "error", "text": f"{pilot} {period}: {message}"})
        response = await run_in_threadpool(periods, page)
        response.status_code = 422
        return response
    return RedirectResponse(f"/periods?decided={quote(record['id'])}", status_code=303)


def _entry(page: Page, code: str, version: int) -> tuple[dict[str, Any], Kind, dict[str, Any]]:
    """A pilot's entry, its kind and its current values (after its latest correction)."""
    from scaletrack.application.kinds import KIND_OF_TYPE
    from scaletrack.domain.errors import NotFound

    records = reading.pilot_history(page, code)
    entry = next((r for r in records if r["version"] == version), None)
    kind = KIND_OF_TYPE.get(entry["type"]) if entry else None
    if entry is None or kind is None:
        raise NotFound(f"{code}@{version} is not an entry that can be corrected")
    current = dict(entry["data"])
    for record in records:
        if record["type"] == "pilot.entry-corrected" and record["data"].get("corrects") == version:
            current.update(record["data"].get("data", {}))
    return entry, kind, current


def _typed(kind: Kind, current: dict[str, Any]) -> ImmutableMultiDict[str, Any]:
    """An entry's values as a browser would have typed them into its form."""
    items: list[tuple[str, Any]] = []
    for name, value in current.items():
        if name == "breakdown" and isinstance(value, dict):
            items += [(f"breakdown.{d}.{c}", str(v)) for d, parts in value.items()
                      for c, v in parts.items()]
        elif isinstance(value, dict):
            items.append((name, "\n".join(f"{k}={v}" for k, v in value.items())))
        elif isinstance(value, list):
            items += [(name, str(v)) for v in value]
        elif value is not None:
            items.append((name, str(value)))
    return ImmutableMultiDict(items)


def _correction_page(page: Page, pilot: dict[str, Any], entry: dict[str, Any], kind: Kind,
                     values: ImmutableMultiDict[str, Any], errors: dict[str, str],
                     status_code: int = 200, refusal: str | None = None) -> Response:
    identity = {"indicator", "period"}
    shown = [f for f in fields(kind, page.language)
             if f.name not in identity and f.name != OCCURRED_ON and f.name != REASON]
    dimensions = entry["data"].get("breakdown") or {}
    parts = breakdown_parts({d: list(p) for d, p in dimensions.items()}) \
        if kind.name == "result" else []
    return page.render("correct.html", status_code, timeless=True, pilot=pilot, entry=entry,
                       kind=kind,
                       fields=shown, values=values, errors=errors, parts=parts,
                       refusal=refusal)


@router.get("/pilots/{code}/correct/{version}")
def correction_form(page: Viewer, code: str, version: int) -> Response:
    """Correct or retract an entry: a form with the entry's current values."""
    pilot = _pilot(page, code)
    page.require(Action.WRITE_PILOT, Resource(consortium=pilot["consortium"]))
    entry, kind, current = _entry(page, pilot["code"], version)
    return _correction_page(page, pilot, entry, kind, _typed(kind, current), {})


@router.post("/pilots/{code}/correct/{version}")
async def correct_entry(page: Viewer, code: str, version: int, request: Request) -> Response:
    form = await request.form()
    pilot = await run_in_threadpool(_pilot, page, code)
    entry, kind, current = await run_in_threadpool(_entry, page, pilot["code"], version)
    typed = ImmutableMultiDict(list(form.multi_items()))
    reason = str(form.get(REASON, "")).strip() or None
    try:
        if reason is None:
            raise InvalidInput(page.language.gettext("say why"), field=REASON)
        if form.get("action") == "retract":
            record = await run_in_threadpool(writes.retract, pilot["code"], version, request,
                                             page.account, writes.Retraction(reason=reason))
        else:
            given = values_of(kind, form)
            before = values_of(kind, _typed(kind, current))
            changes = {k: v for k, v in given.items()
                       if k not in ("indicator", "period") and before.get(k) != v}
            record = await run_in_threadpool(
                writes.correct, pilot["code"], version, request, page.account,
                writes.Correction(set=changes, reason=reason))
    except ValidationError as error:
        problem = error.errors()[0]
        return _correction_page(page, pilot, entry, kind, typed, {}, 400,
                                refusal=str(problem["msg"]))
    except (RuleViolation, InvalidInput) as refused:
        field = getattr(refused, "field", "") or ""
        message = refused.message + (f" ({refused.hint})" if refused.hint else "")
        status = 400 if isinstance(refused, InvalidInput) else 422
        if field:
            return _correction_page(page, pilot, entry, kind, typed, {field: message}, status)
        return _correction_page(page, pilot, entry, kind, typed, {}, status, refusal=message)
    return RedirectResponse(f"/pilots/{pilot['code']}/history?recorded="
                            f"{quote(record['id'])}#{quote(record['id'])}", status_code=303)
