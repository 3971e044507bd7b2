"""Admins' writes: consortia (register, countries, partners, centres) and indicators
(define, revise, retire), as ``scaletrack consortium`` and ``scaletrack indicator`` do."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from pydantic import Field

from scaletrack.application.access import Action, require
from scaletrack.application.commands import (
    AddCountry,
    AddPartner,
    Command,
    DefineIndicator,
    EstablishCentre,
    RegisterConsortium,
    RetireIndicator,
    ReviseIndicator,
)
from scaletrack.application.records import EventRecord
from scaletrack.domain.account import Account
from scaletrack.domain.consortium import Consortium
from scaletrack.domain.indicator import Indicator
from scaletrack.domain.vocabulary import Accumulation, Dimension, Direction, IndicatorLevel, Measure
from scaletrack.server.auth import ServerState, current_account, state
from scaletrack.server.writes import Envelope, created, provenance

router = APIRouter(prefix="/api/v1")
Signed = Annotated[Account, Depends(current_account)]


def _last_event(server: ServerState, aggregate: Consortium | Indicator) -> dict[str, Any]:
    for event in server.ledger.events.get(aggregate.id, desc=True, limit=1):
        return EventRecord.of(event, str(aggregate.code)).as_dict()  # type: ignore[arg-type]
    raise AssertionError("a saved aggregate has events")


def _write(request: Request, account: Signed, action: Action,
           command: Command[Consortium | Indicator], body: Envelope) -> dict[str, Any]:
    server = state(request)
    require(account, action)
    with server.write_lock:
        changed = server.ledger.handle(command, by=provenance(server, account, body))
        return _last_event(server, changed)


class ConsortiumRegistration(Envelope):
    code: str = Field(min_length=2, max_length=40)
    name: str
    lead: str
    country: list[str] = Field(min_length=1)


class CountryJoining(Envelope):
    country: str


class PartnerAddition(Envelope):
    organisation: str
    country: str
    role: str = "partner"


class CentreEstablishment(Envelope):
    country: str
    name: str


@router.post("/consortia", status_code=201, tags=["consortia"],
             responses=created("the consortium's first event"))
def register_consortium(request: Request, account: Signed, body: ConsortiumRegistration
                        ) -> dict[str, Any]:
    """Register a consortium (admins)."""
    return _write(request, account, Action.MANAGE_CONSORTIA,
                  RegisterConsortium(body.code, body.name, body.lead, body.country), body)


@router.post("/consortia/{code}/countries", status_code=201, tags=["consortia"],
             responses=created("the event"))
def add_country(code: str, request: Request, account: Signed, body: CountryJoining
                ) -> dict[str, Any]:
    """A country joins a consortium (admins)."""
    return _write(request, account, Action.MANAGE_CONSORTIA, AddCountry(code, body.country),
                  body)


@router.post("/consortia/{code}/partners", status_code=201, tags=["consortia"],
             responses=created("the event"))
def add_partner(code: str, request: Request, account: Signed, body: PartnerAddition
                ) -> dict[str, Any]:
    """Add a partner organisation to a consortium (admins)."""
    return _write(request, account, Action.MANAGE_CONSORTIA,
                  AddPartner(code, body.organisation, body.country, body.role), body)


@router.post("/consortia/{code}/centres", status_code=201, tags=["consortia"],
             responses=created("the event"))
def establish_centre(code: str, request: Request, account: Signed, body: CentreEstablishment
                     ) -> dict[str, Any]:
    """Establish a competence centre in a member country (admins)."""
    return _write(request, account, Action.MANAGE_CONSORTIA,
                  EstablishCentre(code, body.country, body.name), body)


class IndicatorDefinition(Envelope):
    code: str = Field(min_length=2, max_length=40)
    name: str
    level: IndicatorLevel
    measure: Measure
    unit: str = ""
    direction: Direction
    accumulation: Accumulation
    dimension: list[Dimension] = []


class IndicatorRevision(Envelope):
    name: str | None = None
    level: IndicatorLevel | None = None
    measure: Measure | None = None
    unit: str | None = None
    direction: Direction | None = None
    accumulation: Accumulation | None = None
    dimension: list[Dimension] | None = None


@router.post("/indicators", status_code=201, tags=["indicators"],
             responses=created("the indicator's first event"))
def define_indicator(request: Request, account: Signed, body: IndicatorDefinition
                     ) -> dict[str, Any]:
    """Define an indicator (admins)."""
    command = DefineIndicator(body.code, body.name, body.level, body.measure, body.unit,
                              body.direction, body.accumulation, body.dimension)
    return _write(request, account, Action.MANAGE_INDICATORS, command, body)


@router.post("/indicators/{code}/revisions", status_code=201, tags=["indicators"],
             responses=created("the new version's event"))
def revise_indicator(code: str, request: Request, account: Signed, body: IndicatorRevision
                     ) -> dict[str, Any]:
    """Revise an indicator: a new version (admins; needs a reason)."""
    command = ReviseIndicator(code, body.name, body.level, body.measure, body.unit,
                              body.direction, body.accumulation, body.dimension)
    return _write(request, account, Action.MANAGE_INDICATORS, command, body)


@router.post("/indicators/{code}/retirement", status_code=201, tags=["indicators"],
             responses=created("the event"))
def retire_indicator(code: str, request: Request, account: Signed, body: Envelope
                     ) -> dict[str, Any]:
    """Retire an indicator (admins)."""
    return _write(request, account, Action.MANAGE_INDICATORS, RetireIndicator(code), body)
