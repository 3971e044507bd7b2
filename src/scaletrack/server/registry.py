"""Admins' writes: consortia (register, amend, countries, partners, centres) and indicators
(define, revise, retire), as ``scaletrack consortium`` and ``scaletrack indicator`` do."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from pydantic import Field

from scaletrack.application.access import ANYTHING, Action
from scaletrack.application.commands import (
    AddCountry,
    AddPartner,
    AmendConsortium,
    DefineIndicator,
    EstablishCentre,
    RegisterConsortium,
    RemoveCountry,
    RetireIndicator,
    ReviseIndicator,
)
from scaletrack.domain.account import Account
from scaletrack.domain.vocabulary import Accumulation, Dimension, Direction, IndicatorLevel, Measure
from scaletrack.server.auth import current_account
from scaletrack.server.query import KnownQueryRoute
from scaletrack.server.writes import Envelope, created, write

router = APIRouter(prefix="/api/v1", route_class=KnownQueryRoute)
Signed = Annotated[Account, Depends(current_account)]


class ConsortiumRegistration(Envelope):
    code: str = Field(min_length=2, max_length=40)
    name: str
    lead: str
    country: list[str] = Field(min_length=1)


class CountryJoining(Envelope):
    country: str


class ConsortiumAmendment(Envelope):
    name: str | None = None
    lead: str | None = None


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
    return write(request, account, Action.MANAGE_CONSORTIA, ANYTHING, body,
                 RegisterConsortium(body.code, body.name, body.lead, body.country))


@router.post("/consortia/{code}/countries", status_code=201, tags=["consortia"],
             responses=created("the event"))
def add_country(code: str, request: Request, account: Signed, body: CountryJoining
                ) -> dict[str, Any]:
    """A country joins a consortium (admins)."""
    return write(request, account, Action.MANAGE_CONSORTIA, ANYTHING, body,
                 AddCountry(code, body.country))


@router.post("/consortia/{code}/countries/{country}/removal", status_code=201,
             tags=["consortia"], responses=created("the event"))
def remove_country(code: str, country: str, request: Request, account: Signed, body: Envelope
                   ) -> dict[str, Any]:
    """A member country leaves a consortium (admins; needs a reason)."""
    return write(request, account, Action.MANAGE_CONSORTIA, ANYTHING, body,
                 RemoveCountry(code, country))


@router.post("/consortia/{code}/amendments", status_code=201, tags=["consortia"],
             responses=created("the event"))
def amend_consortium(code: str, request: Request, account: Signed, body: ConsortiumAmendment
                     ) -> dict[str, Any]:
    """Amend a consortium's name or lead (admins; needs a reason)."""
    return write(request, account, Action.MANAGE_CONSORTIA, ANYTHING, body,
                 AmendConsortium(code, body.name, body.lead))


@router.post("/consortia/{code}/partners", status_code=201, tags=["consortia"],
             responses=created("the event"))
def add_partner(code: str, request: Request, account: Signed, body: PartnerAddition
                ) -> dict[str, Any]:
    """Add a partner organisation to a consortium (admins)."""
    return write(request, account, Action.MANAGE_CONSORTIA, ANYTHING, body,
                 AddPartner(code, body.organisation, body.country, body.role))


@router.post("/consortia/{code}/centres", status_code=201, tags=["consortia"],
             responses=created("the event"))
def establish_centre(code: str, request: Request, account: Signed, body: CentreEstablishment
                     ) -> dict[str, Any]:
    """Establish a competence centre in a member country (admins)."""
    return write(request, account, Action.MANAGE_CONSORTIA, ANYTHING, body,
                 EstablishCentre(code, body.country, body.name))


class IndicatorDefinition(Envelope):
    code: str = Field(min_length=2, max_length=40)
    name: str
    level: IndicatorLevel
    measure: Measure
    unit: str = ""
    direction: Direction
    accumulation: Accumulation
    dimension: list[Dimension] = []
    esf_common: bool = False


class IndicatorRevision(Envelope):
    name: str | None = None
    level: IndicatorLevel | None = None
    measure: Measure | None = None
    unit: str | None = None
    direction: Direction | None = None
    accumulation: Accumulation | None = None
    dimension: list[Dimension] | None = None
    esf_common: bool | None = None


@router.post("/indicators", status_code=201, tags=["indicators"],
             responses=created("the indicator's first event"))
def define_indicator(request: Request, account: Signed, body: IndicatorDefinition
                     ) -> dict[str, Any]:
    """Define an indicator (admins)."""
    command = DefineIndicator(body.code, body.name, body.level, body.measure, body.unit,
                              body.direction, body.accumulation, body.dimension,
                              body.esf_common)
    return write(request, account, Action.MANAGE_INDICATORS, ANYTHING, body, command)


@router.post("/indicators/{code}/revisions", status_code=201, tags=["indicators"],
             responses=created("the new version's event"))
def revise_indicator(code: str, request: Request, account: Signed, body: IndicatorRevision
                     ) -> dict[str, Any]:
    """Revise an indicator: a new version (admins; needs a reason)."""
    command = ReviseIndicator(code, body.name, body.level, body.measure, body.unit,
                              body.direction, body.accumulation, body.dimension,
                              body.esf_common)
    return write(request, account, Action.MANAGE_INDICATORS, ANYTHING, body, command)


@router.post("/indicators/{code}/retirement", status_code=201, tags=["indicators"],
             responses=created("the event"))
def retire_indicator(code: str, request: Request, account: Signed, body: Envelope
                     ) -> dict[str, Any]:
    """Retire an indicator (admins)."""
    return write(request, account, Action.MANAGE_INDICATORS, ANYTHING, body,
                 RetireIndicator(code))
