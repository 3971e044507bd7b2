"""Every write a user can ask for, as one typed command each.

A command says what is wanted, in the domain's types, and nothing about
who asks or when (that is the :class:`~scaletrack.domain.envelope.Provenance`
handed in beside it). The CLI, the importer, the demo and the server build
the same commands; one table (:data:`scaletrack.application.handlers.HANDLERS`)
carries each to its handler.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from scaletrack.application.kinds import KINDS
from scaletrack.domain.vocabulary import Code

if TYPE_CHECKING:  # a command names its aggregate; a pilot's write imports no other
    from scaletrack.application.aggregates import Changed
    from scaletrack.application.structure_commands import (
        AddCountry,
        AddPartner,
        AmendConsortium,
        AmendPilot,
        CentreCommand,
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
    from scaletrack.domain.pilot import Pilot  # noqa: F401 - named in base classes, as strings
else:
    def __getattr__(name: str) -> Any:
        """The commands that set up the programme, from their own module when first asked
        for (a pilot's write never is)."""
        if name in SETTING_UP:
            return getattr(importlib.import_module(_SETTING_UP_MODULE), name)
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

_SETTING_UP_MODULE = "scaletrack.application.structure_commands"
SETTING_UP = frozenset((
    "RegisterConsortium",
    "AddCountry",
    "RemoveCountry",
    "AmendConsortium",
    "AddPartner",
    "EstablishCentre",
    "RegisterOrganisation",
    "RenameOrganisation",
    "CentreCommand",
    "MapStakeholder",
    "ReviseStakeholder",
    "RecordRelationship",
    "EndRelationship",
    "PlanAction",
    "ChangeActionStatus",
    "HoldCapacityBuilding",
    "HoldGathering",
    "HoldExchange",
    "DefineIndicator",
    "ReviseIndicator",
    "RetireIndicator",
    "RegisterPilot",
    "AmendPilot",
))
"""The commands that set up the programme, named here, declared in their own module."""

__all__ = [
    "SETTING_UP",
    "AddCountry",
    "AddPartner",
    "AmendConsortium",
    "AmendPilot",
    "CentreCommand",
    "ChangeActionStatus",
    "Command",
    "CorrectEntry",
    "DefineIndicator",
    "EndRelationship",
    "EstablishCentre",
    "HoldCapacityBuilding",
    "HoldExchange",
    "HoldGathering",
    "LogPilotEvent",
    "MapStakeholder",
    "PlanAction",
    "RecordRelationship",
    "RegisterConsortium",
    "RegisterOrganisation",
    "RegisterPilot",
    "RemoveCountry",
    "RenameOrganisation",
    "RetireIndicator",
    "RetractEntry",
    "ReviseIndicator",
    "ReviseStakeholder",
]
"""This module's commands and, declared in their own module, the programme's setting-up
ones: importers name them all from here."""

A = TypeVar("A", bound="Changed", covariant=True)


@dataclass(frozen=True)
class Command(Generic[A]):
    """Base of every command; ``A`` is the kind of aggregate it changes."""

    @property
    def subject(self) -> str:
        """The code of the consortium, indicator, organisation or pilot it changes."""
        raise NotImplementedError(f"{type(self).__name__} names no subject")


@dataclass(frozen=True)
class LogPilotEvent(Command["Pilot"]):
    """One event of a kind in the logging catalogue (:data:`~scaletrack.application.kinds.KINDS`).

    ``values`` are the kind's fields as its checks left them: build one with
    :meth:`checked` from what a user gave, or directly from values an importer
    has checked against the same kind already.
    """

    kind: str
    pilot: Code
    values: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def checked(cls, kind: str, pilot: str, given: Mapping[str, Any]) -> LogPilotEvent:
        """The command for what a user gave, checked against the kind (or InvalidInput)."""
        return cls(kind, pilot, KINDS[kind].validate(dict(given)))

    @property
    def subject(self) -> str:
        return self.pilot


@dataclass(frozen=True)
class CorrectEntry(Command["Pilot"]):
    """Supersede the values of a pilot's event N (its entry) by ``changes``."""

    pilot: Code
    version: int
    changes: Mapping[str, Any]

    @property
    def subject(self) -> str:
        return self.pilot


@dataclass(frozen=True)
class RetractEntry(Command["Pilot"]):
    """Withdraw a pilot's event N (its entry) from the views."""

    pilot: Code
    version: int

    @property
    def subject(self) -> str:
        return self.pilot
