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
from scaletrack.application.commands import Command, CorrectEntry, LogPilotEvent, RetractEntry
from scaletrack.application.kinds import KINDS
from scaletrack.application.unit_of_work import UnitOfWork
from scaletrack.domain.envelope import Provenance
from scaletrack.domain.indicator import Indicator
from scaletrack.domain.pilot import Pilot

Handler = Callable[[UnitOfWork, Any, Provenance], "Changed"]
"""A handler: (unit of work, its command, who and when) -> the aggregate it changed."""

_SETTING_UP = "scaletrack.application.structure_handlers"
"""Where the handlers of the commands that set up the programme are, in its ``TABLE``."""


class HandlerTable(dict[type[Command[Any]], Handler]):
    """Command types and their handlers; the commands that set up the programme and their
    handlers are imported the first time one is looked up (or :meth:`complete` is)."""

    _complete = False

    def __missing__(self, command: type[Command[Any]]) -> Handler:
        if not self._complete:
            self.complete()
            if command in self:
                return self[command]
        raise KeyError(command)

    def complete(self) -> HandlerTable:
        """The table with every command's handler."""
        if not self._complete:
            self._complete = True
            for command, handler in importlib.import_module(_SETTING_UP).TABLE.items():
                self.setdefault(command, handler)
        return self


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
    LogPilotEvent: log_pilot_event,
    CorrectEntry: correct_entry,
    RetractEntry: retract_entry,
})
"""Every command type and its handler: the one way into the aggregates (the programme's
setting-up commands join it when first handled)."""


def handle(uow: UnitOfWork, command: Command[Changed], by: Provenance) -> Changed:
    """Decide one command within a unit of work (which the caller commits)."""
    aggregate = HANDLERS[type(command)](uow, command, by)
    uow.collect(aggregate)
    return aggregate
