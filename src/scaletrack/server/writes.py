"""Writes: a pilot's events, corrections, retractions, registrations and amendments.

Each request is checked with ``can``, made into a command and handed to the
ledger, whose handlers are the ones the CLI, the importer and the demo use.
The actor is always the signed-in account (its name and login) and the source
``api``; the server's clock stamps the recorded-at. An ``actor`` or
``recorded_at`` the client sends is ignored.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal, TypeVar, Union

from fastapi import APIRouter, Body, Depends, Request
from pydantic import BaseModel, ConfigDict, Field, create_model

from scaletrack.application.access import Action, Resource, require
from scaletrack.application.commands import (
    AmendPilot,
    Command,
    CorrectEntry,
    LogPilotEvent,
    RegisterPilot,
    RetractEntry,
)
from scaletrack.application.kinds import KINDS, Kind
from scaletrack.application.records import EventRecord, parse_event_id
from scaletrack.domain import pilot_events as ev
from scaletrack.domain.account import Account
from scaletrack.domain.consortium import Consortium
from scaletrack.domain.envelope import Provenance
from scaletrack.domain.indicator import Indicator
from scaletrack.domain.organisation import Organisation
from scaletrack.domain.pilot import Pilot
from scaletrack.domain.vocabulary import Source, canonical
from scaletrack.server.auth import ServerState, current_account, state
from scaletrack.server.errors import ERROR_SCHEMA
from scaletrack.server.query import KnownQueryRoute

router = APIRouter(prefix="/api/v1", route_class=KnownQueryRoute)
Signed = Annotated[Account, Depends(current_account)]

Changed = TypeVar("Changed", Consortium, Indicator, Organisation, Pilot)

IGNORED = ("actor", "recorded_at")
"""What a client may send but the server decides: who and when."""

PERIOD_ACTIONS = {"period-submitted": Action.SUBMIT_PERIOD,
                   "period-approved": Action.DECIDE_PERIOD,
                   "period-rejected": Action.DECIDE_PERIOD,
                   "period-unlocked": Action.UNLOCK_PERIOD}


class Envelope(BaseModel):
    """What every write may say besides its own fields."""

    model_config = ConfigDict(extra="forbid")
    occurred_on: date | None = Field(None, description="When it happened (default: today).")
    reason: str | None = Field(None, max_length=2000, description="Why.")
    actor: str | None = Field(None, description="Ignored: the signed-in account is the actor.")
    recorded_at: str | None = Field(None, description="Ignored: the server stamps it.")


def _kind_body(kind: Kind) -> type[BaseModel]:
    fields: dict[str, Any] = {"kind": (Literal[kind.name], ...)}
    model: type[BaseModel] = create_model(
        "Log" + "".join(part.title() for part in kind.name.split("-")),
        __base__=(kind.input_model, Envelope), __doc__=kind.summary, **fields)
    return model


EVENT_BODY: Any = Annotated[Union[tuple(_kind_body(k) for k in KINDS.values())],  # noqa: UP007
                            Field(discriminator="kind")]


def created(status_description: str) -> dict[int | str, dict[str, Any]]:
    return {201: {"description": status_description},
            **{s: {"description": d, "content": {"application/json": {"schema": ERROR_SCHEMA}}}
               for s, d in [(400, "invalid input"), (401, "not signed in"),
                            (403, "not allowed"), (404, "not found"),
                            (409, "concurrent change"), (422, "refused by a domain rule")]}}


def provenance(server: ServerState, account: Account, body: Envelope) -> Provenance:
    return server.ledger.provenance(account.actor, body.occurred_on, body.reason, Source.API)


def pilot_resource(server: ServerState, code: str) -> Resource:
    """A pilot as ``can`` sees it: the consortium it belongs to (which never changes)."""
    code = canonical(code)
    consortium = server.consortium_of.get(code)
    if consortium is None:
        consortium = server.consortium_of[code] = server.ledger.get(Pilot, code).consortium
    return Resource(consortium=consortium)


def submitted_by(server: ServerState, code: str, period: str) -> str | None:
    """The actor of the latest submission of a pilot's period report."""
    period = canonical(period)
    for event in server.ledger.events.get(Pilot.id_for(code), desc=True):
        if isinstance(event, ev.PeriodReportSubmitted) and event.period == period:
            return event.actor
    return None


def recorded(server: ServerState, aggregate: Consortium | Indicator | Organisation | Pilot
             ) -> dict[str, Any]:
    """The event a write recorded (the aggregate's newest version), as ``pilot history
    --json`` shows it."""
    for event in server.ledger.events.get(aggregate.id, gt=aggregate.version - 1,
                                          lte=aggregate.version):
        return EventRecord.of(event, str(aggregate.code)).as_dict()  # type: ignore[arg-type]
    raise AssertionError("a saved aggregate has its newest event")


def write(request: Request, account: Account, action: Action, resource: Resource,
          body: Envelope, command: Command[Changed]) -> dict[str, Any]:
    """Every write: the one check, then the command through the application's handlers
    under the process's write lock, with the account as actor and the server's clock;
    answers the event it recorded."""
    server = state(request)
    require(account, action, resource)
    with server.write_lock:
        return recorded(server, server.ledger.handle(command,
                                                     by=provenance(server, account, body)))


@router.post("/pilots/{code}/events", status_code=201, tags=["pilots"],
             responses=created("the recorded event, as pilot history --json shows it"))
def log_event(code: str, request: Request, account: Signed,
              body: Annotated[EVENT_BODY, Body()]) -> dict[str, Any]:
    """Record one event of a pilot: ``{"kind": KIND, ...}`` with the fields of
    ``scaletrack log KIND`` (``--occurred-on`` is ``occurred_on``)."""
    server = state(request)
    kind = KINDS[body.kind]
    resource = pilot_resource(server, code)
    action = PERIOD_ACTIONS.get(kind.name, Action.WRITE_PILOT)
    if action is Action.DECIDE_PERIOD:
        resource = Resource(consortium=resource.consortium,
                            submitted_by=submitted_by(server, code, str(body.period)))
    values = body.model_dump(exclude={"kind", *Envelope.model_fields})
    return write(request, account, action, resource, body,
                 LogPilotEvent.checked(kind.name, code, values))


class Correction(Envelope):
    set: dict[str, Any] = Field(min_length=1, description="Corrected field values, as "
                                "`correct --set FIELD=VALUE` gives them.")


class Retraction(Envelope):
    pass


@router.post("/pilots/{code}/events/{version}/corrections", status_code=201, tags=["pilots"],
             responses=created("the correction, as pilot history --json shows it"))
def correct(code: str, version: int, request: Request, account: Signed,
            body: Correction) -> dict[str, Any]:
    """Correct an entry (``scaletrack correct CODE@VERSION --set ... --reason ...``)."""
    return write(request, account, Action.WRITE_PILOT, pilot_resource(state(request), code),
                 body, CorrectEntry(*parse_event_id(f"{code}@{version}"), body.set))


@router.post("/pilots/{code}/events/{version}/retractions", status_code=201, tags=["pilots"],
             responses=created("the retraction, as pilot history --json shows it"))
def retract(code: str, version: int, request: Request, account: Signed,
            body: Retraction) -> dict[str, Any]:
    """Retract an entry (``scaletrack retract CODE@VERSION --reason ...``)."""
    return write(request, account, Action.WRITE_PILOT, pilot_resource(state(request), code),
                 body, RetractEntry(*parse_event_id(f"{code}@{version}")))


class PilotRegistration(Envelope):
    """The options of ``scaletrack pilot register``."""

    code: str = Field(min_length=2, max_length=40)
    consortium: str = Field(min_length=2, max_length=40)
    title: str
    innovation: str
    origin_country: str
    target_country: list[str] = Field(min_length=1)
    core: list[str] = []
    adaptable: list[str] = []
    starts_on: date
    ends_on: date
    originator_approval_required: bool = False


@router.post("/pilots", status_code=201, tags=["pilots"],
             responses=created("the pilot's first event"))
def register_pilot(request: Request, account: Signed, body: PilotRegistration
                   ) -> dict[str, Any]:
    """Register a pilot under a consortium (leads of that consortium)."""
    command = RegisterPilot(
        body.code, body.consortium, title=body.title, innovation=body.innovation,
        origin_country=body.origin_country, target_countries=body.target_country,
        core_components=body.core, adaptable_components=body.adaptable,
        starts_on=body.starts_on, ends_on=body.ends_on,
        originator_approval_required=body.originator_approval_required)
    return write(request, account, Action.REGISTER_PILOT,
                 Resource(consortium=canonical(body.consortium)), body, command)


class PilotAmendment(Envelope):
    """The options of ``scaletrack pilot amend``: what is not given stays (needs a reason)."""

    title: str | None = None
    innovation: str | None = None
    target_country: list[str] | None = Field(None, min_length=1)
    core: list[str] | None = None
    adaptable: list[str] | None = None
    ends_on: date | None = None


@router.post("/pilots/{code}/amendments", status_code=201, tags=["pilots"],
             responses=created("the amendment, as pilot history --json shows it"))
def amend_pilot(code: str, request: Request, account: Signed, body: PilotAmendment
                ) -> dict[str, Any]:
    """Amend a pilot's registration (leads of its consortium, as they register it)."""
    command = AmendPilot(code, title=body.title, innovation=body.innovation,
                         target_countries=body.target_country, core_components=body.core,
                         adaptable_components=body.adaptable, ends_on=body.ends_on)
    return write(request, account, Action.REGISTER_PILOT, pilot_resource(state(request), code),
                 body, command)
