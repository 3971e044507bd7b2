"""Reads of organisations and of the competence centres' work: each answers the document
``scaletrack organisation ... --json`` or ``scaletrack centre ... --json`` prints, from the
same application query (scaletrack.application.queries.organisations and .centres).
Everyone signed in reads them, now or at any point."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request

from scaletrack.application.access import Action, require
from scaletrack.application.queries import centres, organisations
from scaletrack.domain.vocabulary import canonical
from scaletrack.server.auth import state
from scaletrack.server.reads import CODE, AsOf, Code, Country, KnownAt, Signed, answer, point

router = APIRouter(prefix="/api/v1")

OrganisationType = Literal["managing-authority", "intermediate-body", "funder",
                           "support-organisation", "si-promoter", "public-service-provider",
                           "social-enterprise", "research", "network"]
Consortium = Annotated[str, Path(pattern=CODE, description="the consortium's code")]
CentreCountry = Annotated[str, Path(pattern=r"^[A-Za-z]{2}$",
                                    description="the centre's country, two letters")]


@router.get("/organisations", tags=["organisations"])
def organisation_list(request: Request, account: Signed,
                      type: Annotated[OrganisationType | None, Query()] = None,
                      country: Country = None, as_of: AsOf = None,
                      known_at: KnownAt = None) -> Any:
    """Every organisation (of a type, of a country), as ``organisation list --json``."""
    require(account, Action.READ_CENTRES)
    return answer(organisations.organisation_list(
        state(request).ledger, organisation_type=type, country=country,
        point=point(as_of, known_at)))


@router.get("/organisations/{code}", tags=["organisations"])
def organisation_show(code: Annotated[str, Path(pattern=CODE)], request: Request,
                      account: Signed, as_of: AsOf = None, known_at: KnownAt = None) -> Any:
    """One organisation and the maps it is on, as ``organisation show --json``."""
    require(account, Action.READ_CENTRES)
    return answer(organisations.organisation_show(state(request).ledger, canonical(code),
                                                  point(as_of, known_at)))


@router.get("/supported-entities", tags=["organisations"])
def supported_entities(request: Request, account: Signed, as_of: AsOf = None,
                       known_at: KnownAt = None) -> Any:
    """EECO18 and EECO19 as distinct organisations, as ``organisation supported --json``."""
    require(account, Action.READ_CENTRES)
    return answer(organisations.supported_entities(state(request).ledger,
                                                   point(as_of, known_at)))


@router.get("/centres", tags=["centres"])
def centre_list(request: Request, account: Signed, consortium: Code = None,
                as_of: AsOf = None, known_at: KnownAt = None) -> Any:
    """Every centre and how far its work has come, as ``centre list --json``."""
    require(account, Action.READ_CENTRES)
    return answer(centres.centre_list(state(request).ledger, consortium,
                                      point(as_of, known_at)))


@router.get("/centres/{consortium}/{country}/map", tags=["centres"])
def centre_map(consortium: Consortium, country: CentreCountry, request: Request,
               account: Signed, as_of: AsOf = None, known_at: KnownAt = None) -> Any:
    """A centre's ecosystem map at a point, as ``centre map --json``."""
    require(account, Action.READ_CENTRES)
    return answer(centres.centre_map(state(request).ledger, consortium, country,
                                     point(as_of, known_at)))


@router.get("/centres/{consortium}/{country}/map-diff", tags=["centres"])
def centre_map_diff(consortium: Consortium, country: CentreCountry, request: Request,
                    account: Signed, as_of: AsOf = None, known_at: KnownAt = None,
                    to_as_of: AsOf = None, to_known_at: KnownAt = None) -> Any:
    """How a centre's map changed between two points, as ``centre map-diff --json``."""
    require(account, Action.READ_CENTRES)
    return answer(centres.map_diff(state(request).ledger, consortium, country,
                                   point(as_of, known_at), point(to_as_of, to_known_at)))


@router.get("/centres/{consortium}/{country}/plan", tags=["centres"])
def centre_plan(consortium: Consortium, country: CentreCountry, request: Request,
                account: Signed, as_of: AsOf = None, known_at: KnownAt = None) -> Any:
    """A centre's action plan and its progress, as ``centre plan --json``."""
    require(account, Action.READ_CENTRES)
    return answer(centres.action_plan(state(request).ledger, consortium, country,
                                      point(as_of, known_at)))


@router.get("/centres/{consortium}/{country}/activities", tags=["centres"])
def centre_activities(consortium: Consortium, country: CentreCountry, request: Request,
                      account: Signed, as_of: AsOf = None, known_at: KnownAt = None) -> Any:
    """A centre's capacity building, networking and exchange, as ``centre activities
    --json``."""
    require(account, Action.READ_CENTRES)
    return answer(centres.activities(state(request).ledger, consortium, country,
                                     point(as_of, known_at)))
