"""The handler of every command, in one table: the only place a write is decided.

Each handler gets the aggregates it needs from a unit of work, asks the
domain to decide, and returns the aggregate that recorded the new event. It
neither saves nor retries: the unit of work does (one command through
:meth:`~scaletrack.application.ledger.Ledger.handle`, a file through
:mod:`scaletrack.application.importing.importer`), so the CLI, the importer, the demo
and the server all write through these same functions.

A pilot's own events are decided here; the commands that set up the programme
(consortia, centres, organisations, indicators, registrations) in
:mod:`scaletrack.application.structure_handlers`, imported the first time one is
handled: a ``scaletrack log`` process never imports consortia or organisations.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from scaletrack.application.aggregates import Changed
from scaletrack.application.commands import (
    AddCountry,
    AddPartner,
    AmendConsortium,
    AmendPilot,
    ChangeActionStatus,
    Command,
    CorrectEntry,
    DefineIndicator,
    EndRelationship,
    EstablishCentre,
    HoldCapacityBuilding,
    HoldExchange,
    HoldGathering,
    LogPilotEvent,
    MapStakeholder,
    PlanAction,
    RecordRelationship,
    RegisterConsortium,
    RegisterOrganisation,
    RegisterPilot,
    RemoveCountry,
    RenameOrganisation,
    RetireIndicator,
    RetractEntry,
    ReviseIndicator,
    ReviseStakeholder,
)
from scaletrack.application.kinds import KINDS
from scaletrack.application.unit_of_work import UnitOfWork
from scaletrack.domain.envelope import Provenance
from scaletrack.domain.indicator import Indicator
from scaletrack.domain.pilot import Pilot

Handler = Callable[[UnitOfWork, Any, Provenance], "Changed"]
"""A handler: (unit of work, its command, who and when) -> the aggregate it changed."""

_STRUCTURE = "scaletrack.application.structure_handlers:"


class HandlerTable(dict[type[Command[Any]], "Handler | str"]):
    """Command types and their handlers; a handler named ``"module:function"`` is imported
    the first time it is looked up."""

    def __getitem__(self, command: type[Command[Any]]) -> Handler:
        handler = super().__getitem__(command)
        if isinstance(handler, str):
            module, _, name = handler.partition(":")
            handler = getattr(importlib.import_module(module), name)
            self[command] = handler
        assert callable(handler)
        return handler


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


HANDLERS = HandlerTable({
    RegisterConsortium: _STRUCTURE + "register_consortium",
    AddCountry: _STRUCTURE + "add_country",
    RemoveCountry: _STRUCTURE + "remove_country",
    AmendConsortium: _STRUCTURE + "amend_consortium",
    AddPartner: _STRUCTURE + "add_partner",
    EstablishCentre: _STRUCTURE + "establish_centre",
    RegisterOrganisation: _STRUCTURE + "register_organisation",
    RenameOrganisation: _STRUCTURE + "rename_organisation",
    MapStakeholder: _STRUCTURE + "map_stakeholder",
    ReviseStakeholder: _STRUCTURE + "revise_stakeholder",
    RecordRelationship: _STRUCTURE + "record_relationship",
    EndRelationship: _STRUCTURE + "end_relationship",
    PlanAction: _STRUCTURE + "plan_action",
    ChangeActionStatus: _STRUCTURE + "change_action_status",
    HoldCapacityBuilding: _STRUCTURE + "hold_capacity_building",
    HoldGathering: _STRUCTURE + "hold_gathering",
    HoldExchange: _STRUCTURE + "hold_exchange",
    DefineIndicator: _STRUCTURE + "define_indicator",
    ReviseIndicator: _STRUCTURE + "revise_indicator",
    RetireIndicator: _STRUCTURE + "retire_indicator",
    RegisterPilot: _STRUCTURE + "register_pilot",
    AmendPilot: _STRUCTURE + "amend_pilot",
    LogPilotEvent: log_pilot_event,
    CorrectEntry: correct_entry,
    RetractEntry: retract_entry,
})
"""Every command type and its handler: the one way into the aggregates."""


def handle(uow: UnitOfWork, command: Command[Changed], by: Provenance) -> Changed:
    """Decide one command within a unit of work (which the caller commits)."""
    aggregate = HANDLERS[type(command)](uow, command, by)
    uow.collect(aggregate)
    return aggregate
