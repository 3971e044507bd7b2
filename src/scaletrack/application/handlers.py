"""The handler of every command, in one table: the only place a write is decided.

Each handler gets the aggregates it needs from a unit of work, asks the
domain to decide, and returns the aggregate that recorded the new event. It
neither saves nor retries: the unit of work does (one command through
:meth:`~scaletrack.application.ledger.Ledger.handle`, a file through
:mod:`scaletrack.application.importing.importer`), so the CLI, the importer, the demo
and the server all write through these same functions.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from scaletrack.application.aggregates import Changed
from scaletrack.application.commands import (
    AddCountry,
    AddPartner,
    Command,
    CorrectEntry,
    DefineIndicator,
    EstablishCentre,
    LogPilotEvent,
    RegisterConsortium,
    RegisterPilot,
    RetireIndicator,
    RetractEntry,
    ReviseIndicator,
)
from scaletrack.application.kinds import KINDS
from scaletrack.application.unit_of_work import UnitOfWork
from scaletrack.domain.consortium import Consortium
from scaletrack.domain.envelope import Provenance
from scaletrack.domain.indicator import Indicator
from scaletrack.domain.pilot import Pilot
from scaletrack.domain.vocabulary import canonical

Handler = Callable[[UnitOfWork, Any, Provenance], Changed]
"""A handler: (unit of work, its command, who and when) -> the aggregate it changed."""


def register_consortium(uow: UnitOfWork, c: RegisterConsortium, by: Provenance) -> Consortium:
    code = canonical(c.code)
    uow.require_new(Consortium, code)
    return uow.add(Consortium.register(code, c.name, c.lead, list(c.countries), by))


def add_country(uow: UnitOfWork, c: AddCountry, by: Provenance) -> Consortium:
    consortium = uow.get(Consortium, c.consortium)
    consortium.add_country(c.country, by)
    return consortium


def add_partner(uow: UnitOfWork, c: AddPartner, by: Provenance) -> Consortium:
    consortium = uow.get(Consortium, c.consortium)
    consortium.add_partner(c.organisation, c.country, c.role, by)
    return consortium


def establish_centre(uow: UnitOfWork, c: EstablishCentre, by: Provenance) -> Consortium:
    consortium = uow.get(Consortium, c.consortium)
    consortium.establish_centre(c.country, c.name, by)
    return consortium


def define_indicator(uow: UnitOfWork, c: DefineIndicator, by: Provenance) -> Indicator:
    code = canonical(c.code)
    uow.require_new(Indicator, code)
    return uow.add(Indicator.define(
        code, by, name=c.name, level=c.level, measure=c.measure, unit=c.unit,
        direction=c.direction, accumulation=c.accumulation, dimensions=list(c.dimensions)))


def revise_indicator(uow: UnitOfWork, c: ReviseIndicator, by: Provenance) -> Indicator:
    indicator = uow.get(Indicator, c.indicator)
    indicator.revise(by, name=c.name, level=c.level, measure=c.measure, unit=c.unit,
                     direction=c.direction, accumulation=c.accumulation,
                     dimensions=None if c.dimensions is None else list(c.dimensions))
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


def log_pilot_event(uow: UnitOfWork, c: LogPilotEvent, by: Provenance) -> Pilot:
    kind = KINDS[c.kind]
    indicator = uow.get(Indicator, c.values["indicator"]) if kind.needs_indicator else None
    pilot = uow.get(Pilot, c.pilot)
    kind.decide(pilot, dict(c.values), by, indicator)
    return pilot


def correct_entry(uow: UnitOfWork, c: CorrectEntry, by: Provenance) -> Pilot:
    original = uow.entry(c.pilot, c.version)
    indicator = (uow.get(Indicator, str(original.indicator))
                 if hasattr(original, "indicator") else None)
    pilot = uow.get(Pilot, c.pilot)
    pilot.correct_entry(original, dict(c.changes), by, indicator,
                        uow.latest_correction(c.pilot, c.version))
    return pilot


def retract_entry(uow: UnitOfWork, c: RetractEntry, by: Provenance) -> Pilot:
    original = uow.entry(c.pilot, c.version)
    pilot = uow.get(Pilot, c.pilot)
    pilot.retract_entry(original, by)
    return pilot


HANDLERS: dict[type[Command[Any]], Handler] = {
    RegisterConsortium: register_consortium,
    AddCountry: add_country,
    AddPartner: add_partner,
    EstablishCentre: establish_centre,
    DefineIndicator: define_indicator,
    ReviseIndicator: revise_indicator,
    RetireIndicator: retire_indicator,
    RegisterPilot: register_pilot,
    LogPilotEvent: log_pilot_event,
    CorrectEntry: correct_entry,
    RetractEntry: retract_entry,
}
"""Every command type and its handler: the one way into the aggregates."""


def handle(uow: UnitOfWork, command: Command[Changed], by: Provenance) -> Changed:
    """Decide one command within a unit of work (which the caller commits)."""
    aggregate = HANDLERS[type(command)](uow, command, by)
    uow.collect(aggregate)
    return aggregate
