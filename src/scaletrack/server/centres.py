"""Organisations and the competence centres' work over HTTP.

Reads answer the document ``scaletrack organisation ... --json`` or ``scaletrack
centre ... --json`` prints, from the same application query; everyone signed in reads
them, now or at any point. Writes take the fields of the spreadsheet row of the same
kind (scaletrack.application.importing.row_kinds) and go through the same handlers: a
consortium's lead or an admin writes its centres' work, leads and admins register and
rename organisations."""

from __future__ import annotations

from typing import Annotated, Any, Literal, Union, cast

from fastapi import APIRouter, Body, Path, Query, Request
from pydantic import BaseModel, Field, create_model

from scaletrack.application.access import ANYTHING, Action, Resource, require
from scaletrack.application.commands import Command, RegisterOrganisation, RenameOrganisation
from scaletrack.application.importing.row_kinds import IMPORT_KINDS, ImportKind
from scaletrack.application.queries import centres, organisations
from scaletrack.domain.consortium import Consortium as ConsortiumAggregate
from scaletrack.domain.organisation import OrganisationType as Types
from scaletrack.domain.vocabulary import canonical
from scaletrack.server.auth import state
from scaletrack.server.query import KnownQueryRoute
from scaletrack.server.reads import CODE, AsOf, Code, Country, KnownAt, Signed, answer, point
from scaletrack.server.writes import Envelope, created, write

router = APIRouter(prefix="/api/v1", route_class=KnownQueryRoute)

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


# -- writes ----------------------------------------------------------------------------


class OrganisationRegistration(Envelope):
    """The options of ``scaletrack organisation add``."""

    code: str = Field(min_length=2, max_length=40)
    name: str = Field(min_length=1, max_length=2000)
    type: OrganisationType
    country: str


class OrganisationRenaming(Envelope):
    name: str = Field(min_length=1, max_length=2000)


@router.post("/organisations", status_code=201, tags=["organisations"],
             responses=created("the organisation's first event"))
def register_organisation(request: Request, account: Signed, body: OrganisationRegistration
                          ) -> dict[str, Any]:
    """Register an organisation (leads and admins)."""
    return write(request, account, Action.MANAGE_ORGANISATIONS, ANYTHING, body,
                 RegisterOrganisation(body.code, body.name, Types(body.type), body.country))


@router.post("/organisations/{code}/renames", status_code=201, tags=["organisations"],
             responses=created("the event"))
def rename_organisation(code: Annotated[str, Path(pattern=CODE)], request: Request,
                        account: Signed, body: OrganisationRenaming) -> dict[str, Any]:
    """An organisation takes a new name (leads and admins)."""
    return write(request, account, Action.MANAGE_ORGANISATIONS, ANYTHING, body,
                 RenameOrganisation(code, body.name))


CENTRE_KINDS = {name: kind for name, kind in IMPORT_KINDS.items()
                if name.startswith("centre-")}
"""The kinds of a centre's work, by the name a spreadsheet row gives its kind."""


def _centre_body(kind: ImportKind) -> type[BaseModel]:
    fields: dict[str, Any] = {"kind": (Literal[kind.name], ...)}
    model: type[BaseModel] = create_model(
        "".join(part.title() for part in kind.name.split("-")),
        __base__=(kind.model, Envelope), __doc__=kind.summary, **fields)
    return model


CENTRE_BODY: Any = Annotated[Union[tuple(_centre_body(k) for k in CENTRE_KINDS.values())],  # noqa: UP007
                             Field(discriminator="kind")]


@router.post("/centres/{consortium}/events", status_code=201, tags=["centres"],
             responses=created("the recorded event of the consortium"))
def centre_event(consortium: Consortium, request: Request, account: Signed,
                 body: Annotated[CENTRE_BODY, Body()]) -> dict[str, Any]:
    """Record one event of a consortium's centre: ``{"kind": KIND, "country": CC, ...}``
    with the columns of the spreadsheet row of that kind (``import template KIND``), by
    the consortium's lead or an admin."""
    code = canonical(consortium)
    state(request).ledger.get(ConsortiumAggregate, code)  # NotFound (404) first
    kind = CENTRE_KINDS[body.kind]
    values = body.model_dump(exclude={"kind", *Envelope.model_fields}, exclude_none=True)
    command = cast("Command[ConsortiumAggregate]", kind.command(code, values))  # centre kinds
    return write(request, account, Action.WRITE_CENTRE, Resource(consortium=code), body,
                 command)
