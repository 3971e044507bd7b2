"""The handlers of the commands that set up the programme: consortia and their competence
centres, organisations, indicators, and pilots' registrations and amendments.

Kept apart from :mod:`scaletrack.application.handlers`, whose table names them, so that a
pilot's own events (``scaletrack log``, an import of results) are decided without
importing consortia, their ecosystems and organisations.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from scaletrack.application.aggregates import Changed
from scaletrack.application.commands import Command
from scaletrack.application.structure_commands import (
    AddCountry,
    AddPartner,
    AmendConsortium,
    AmendPilot,
    ChangeActionStatus,
    DefineIndicator,
    EndRelationship,
    EstablishCentre,
    HoldCapacityBuilding,
    HoldExchange,
    HoldGathering,
    MapStakeholder,
    PlanAction,
    RecordRelationship,
    RegisterConsortium,
    RegisterOrganisation,
    RegisterPilot,
    RemoveCountry,
    RenameOrganisation,
    RetireIndicator,
    ReviseIndicator,
    ReviseStakeholder,
)
from scaletrack.application.unit_of_work import UnitOfWork
from scaletrack.domain.consortium import Consortium
from scaletrack.domain.envelope import Provenance
from scaletrack.domain.indicator import Indicator
from scaletrack.domain.organisation import Organisation
from scaletrack.domain.pilot import Pilot
from scaletrack.domain.vocabulary import canonical


def register_consortium(uow: UnitOfWork, c: RegisterConsortium, by: Provenance) -> Consortium:
    code = canonical(c.code)
    uow.require_new(Consortium, code)
    return uow.add(Consortium.register(code, c.name, c.lead, list(c.countries), by))


def add_country(uow: UnitOfWork, c: AddCountry, by: Provenance) -> Consortium:
    consortium = uow.get(Consortium, c.consortium)
    consortium.add_country(c.country, by)
    return consortium


def remove_country(uow: UnitOfWork, c: RemoveCountry, by: Provenance) -> Consortium:
    """The consortium decides, knowing its pilots' target countries. (A pilot registered
    or amended into the country at the same moment, by another writer, is not seen: the
    two commands change different aggregates.)"""
    consortium = uow.get(Consortium, c.consortium)
    pilots = {p.code: p.target_countries for p in uow.pilots_of(consortium.code)}
    consortium.remove_country(c.country, by, pilots)
    return consortium


def amend_consortium(uow: UnitOfWork, c: AmendConsortium, by: Provenance) -> Consortium:
    consortium = uow.get(Consortium, c.consortium)
    consortium.amend(by, name=c.name, lead=c.lead)
    return consortium


def add_partner(uow: UnitOfWork, c: AddPartner, by: Provenance) -> Consortium:
    consortium = uow.get(Consortium, c.consortium)
    consortium.add_partner(c.organisation, c.country, c.role, by)
    return consortium


def establish_centre(uow: UnitOfWork, c: EstablishCentre, by: Provenance) -> Consortium:
    consortium = uow.get(Consortium, c.consortium)
    consortium.establish_centre(c.country, c.name, by)
    return consortium


def register_organisation(uow: UnitOfWork, c: RegisterOrganisation,
                          by: Provenance) -> Organisation:
    code = canonical(c.code)
    uow.require_new(Organisation, code)
    return uow.add(Organisation.register(code, c.name, c.organisation_type, c.country, by))


def rename_organisation(uow: UnitOfWork, c: RenameOrganisation, by: Provenance) -> Organisation:
    organisation = uow.get(Organisation, c.organisation)
    organisation.rename(c.name, by)
    return organisation


def _organisation(uow: UnitOfWork, code: str) -> str:
    """The code of a registered organisation (NotFound, exit 3, if there is none)."""
    return uow.get(Organisation, code).code


def map_stakeholder(uow: UnitOfWork, c: MapStakeholder, by: Provenance) -> Consortium:
    consortium = uow.get(Consortium, c.consortium)
    consortium.map_stakeholder(c.country, _organisation(uow, c.organisation), c.role,
                               list(c.expertise), list(c.needs), by)
    return consortium


def revise_stakeholder(uow: UnitOfWork, c: ReviseStakeholder, by: Provenance) -> Consortium:
    consortium = uow.get(Consortium, c.consortium)
    consortium.revise_stakeholder(
        c.country, _organisation(uow, c.organisation), c.role,
        None if c.expertise is None else list(c.expertise),
        None if c.needs is None else list(c.needs), by)
    return consortium


def record_relationship(uow: UnitOfWork, c: RecordRelationship, by: Provenance) -> Consortium:
    consortium = uow.get(Consortium, c.consortium)
    consortium.relate(c.country, c.relationship, _organisation(uow, c.source_organisation),
                      c.relation, _organisation(uow, c.target_organisation), c.valid_from,
                      c.valid_until, by)
    return consortium


def end_relationship(uow: UnitOfWork, c: EndRelationship, by: Provenance) -> Consortium:
    consortium = uow.get(Consortium, c.consortium)
    consortium.end_relationship(c.country, c.relationship, by)
    return consortium


def plan_action(uow: UnitOfWork, c: PlanAction, by: Provenance) -> Consortium:
    consortium = uow.get(Consortium, c.consortium)
    consortium.plan_action(c.country, c.action, c.title, _organisation(uow, c.owner),
                           c.due_on, by)
    return consortium


def change_action_status(uow: UnitOfWork, c: ChangeActionStatus, by: Provenance) -> Consortium:
    consortium = uow.get(Consortium, c.consortium)
    consortium.change_action_status(c.country, c.action, c.status, by)
    return consortium


def hold_capacity_building(uow: UnitOfWork, c: HoldCapacityBuilding,
                           by: Provenance) -> Consortium:
    consortium = uow.get(Consortium, c.consortium)
    consortium.hold_capacity_building(
        c.country, c.activity, c.title, c.audience, c.participants,
        [_organisation(uow, o) for o in c.organisations], by)
    return consortium


def hold_gathering(uow: UnitOfWork, c: HoldGathering, by: Provenance) -> Consortium:
    consortium = uow.get(Consortium, c.consortium)
    consortium.hold_gathering(c.country, c.activity, c.title, c.purpose,
                              [_organisation(uow, o) for o in c.organisations], by)
    return consortium


def hold_exchange(uow: UnitOfWork, c: HoldExchange, by: Provenance) -> Consortium:
    consortium = uow.get(Consortium, c.consortium)
    peer = uow.get(Consortium, c.peer_consortium)
    consortium.hold_exchange(c.country, c.activity, c.title, c.form, peer, c.peer_country,
                             c.role, by)
    return consortium


def define_indicator(uow: UnitOfWork, c: DefineIndicator, by: Provenance) -> Indicator:
    code = canonical(c.code)
    uow.require_new(Indicator, code)
    return uow.add(Indicator.define(
        code, by, name=c.name, level=c.level, measure=c.measure, unit=c.unit,
        direction=c.direction, accumulation=c.accumulation, dimensions=list(c.dimensions),
        esf_common=c.esf_common))


def revise_indicator(uow: UnitOfWork, c: ReviseIndicator, by: Provenance) -> Indicator:
    indicator = uow.get(Indicator, c.indicator)
    indicator.revise(by, name=c.name, level=c.level, measure=c.measure, unit=c.unit,
                     direction=c.direction, accumulation=c.accumulation,
                     dimensions=None if c.dimensions is None else list(c.dimensions),
                     esf_common=c.esf_common)
    return indicator


def retire_indicator(uow: UnitOfWork, c: RetireIndicator, by: Provenance) -> Indicator:
    indicator = uow.get(Indicator, c.indicator)
    indicator.retire(by)
    return indicator


def register_pilot(uow: UnitOfWork, c: RegisterPilot, by: Provenance) -> Pilot:
    code = canonical(c.code)
    uow.require_new(Pilot, code)
    return uow.add(Pilot.register(
        code, uow.get(Consortium, c.consortium), by, title=c.title, innovation=c.innovation,
        origin_country=c.origin_country, target_countries=list(c.target_countries),
        core_components=list(c.core_components),
        adaptable_components=list(c.adaptable_components),
        starts_on=c.starts_on, ends_on=c.ends_on,
        originator_approval_required=bool(c.originator_approval_required)))


def amend_pilot(uow: UnitOfWork, c: AmendPilot, by: Provenance) -> Pilot:
    pilot = uow.get(Pilot, c.pilot)
    pilot.amend(uow.get(Consortium, pilot.consortium), by, title=c.title,
                innovation=c.innovation, target_countries=_listed(c.target_countries),
                core_components=_listed(c.core_components),
                adaptable_components=_listed(c.adaptable_components), ends_on=c.ends_on)
    return pilot


def _listed(values: Sequence[str] | None) -> list[str] | None:
    return None if values is None else list(values)


TABLE: dict[type[Command[Any]], Callable[..., Changed]] = {
    RegisterConsortium: register_consortium,
    AddCountry: add_country,
    RemoveCountry: remove_country,
    AmendConsortium: amend_consortium,
    AddPartner: add_partner,
    EstablishCentre: establish_centre,
    RegisterOrganisation: register_organisation,
    RenameOrganisation: rename_organisation,
    MapStakeholder: map_stakeholder,
    ReviseStakeholder: revise_stakeholder,
    RecordRelationship: record_relationship,
    EndRelationship: end_relationship,
    PlanAction: plan_action,
    ChangeActionStatus: change_action_status,
    HoldCapacityBuilding: hold_capacity_building,
    HoldGathering: hold_gathering,
    HoldExchange: hold_exchange,
    DefineIndicator: define_indicator,
    ReviseIndicator: revise_indicator,
    RetireIndicator: retire_indicator,
    RegisterPilot: register_pilot,
    AmendPilot: amend_pilot,
}
"""The setting-up commands and their handlers (merged into
:data:`scaletrack.application.handlers.HANDLERS` when it first needs one)."""
