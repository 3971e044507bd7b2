"""Every kind of row a spreadsheet can hold: each event a store can contain.

The pilot kinds come from the logging catalogue (:mod:`scaletrack.application.kinds`),
so an import checks a row exactly as ``scaletrack log`` checks a command;
the other kinds register consortia, indicators and pilots and correct or
retract entries, so a whole store can be written to rows and read back.
Each kind knows its columns (the event's own field names), how to check a
row, the command a checked row asks for (handled as every other command,
:mod:`scaletrack.application.handlers`), and how to turn a recorded event
back into a row.
"""

from __future__ import annotations

import shlex
import typing
from collections.abc import Callable
from dataclasses import dataclass, fields, replace
from datetime import date
from decimal import Decimal
from enum import Enum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, create_model

from scaletrack.application.aggregates import Changed, noun_of
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
from scaletrack.application.importing.cells import Shape
from scaletrack.application.kinds import FIELD_CHOICES, FIELD_HELP, KINDS, Kind, plain_type
from scaletrack.domain import ecosystem as eco
from scaletrack.domain import pilot_events as ev
from scaletrack.domain.consortium import Consortium
from scaletrack.domain.envelope import Recorded
from scaletrack.domain.errors import RuleViolation
from scaletrack.domain.indicator import DEFINITION_FIELDS, Indicator
from scaletrack.domain.organisation import Organisation
from scaletrack.domain.pilot import ENVELOPE_FIELDS, IDENTITY_FIELDS, Pilot, payload_of
from scaletrack.domain.vocabulary import Code, canonical

ToCommand = Callable[[str, dict[str, Any]], Command[Changed]]
"""The command a checked row asks for, given its subject's code and its values."""
Lookup = Callable[[int], Recorded]
"""Event N of the pilot being exported (corrections are written relative to it)."""
AsRow = Callable[[Recorded, str, Lookup], dict[str, Any]]
"""A recorded event of an aggregate (given its code) as the row that records it."""


@dataclass(frozen=True)
class Column:
    """One field of a kind as a spreadsheet column."""

    name: str
    shape: Shape
    required: bool
    help: str
    choices: tuple[str, ...] = ()
    empty: str | None = None
    """The value of a blank cell, for a field that takes an empty text (an indicator's unit)."""

    def describe(self) -> str:
        text = self.help or self.shape.value
        if self.choices and not any(c in text for c in self.choices):
            text += f" ({', '.join(self.choices)})"
        return text + ("" if self.required or self.empty is not None else " [optional]")


@dataclass(frozen=True, eq=False)
class ImportKind:
    name: str
    event: type[Recorded]
    aggregate: type[Consortium] | type[Indicator] | type[Organisation] | type[Pilot]
    columns: tuple[Column, ...]
    model: type[BaseModel]
    to_command: ToCommand
    as_row: AsRow
    summary: str
    example: dict[str, Any]
    needs_reason: bool = False
    keeps_absent: bool = False
    """Whether an absent list stays absent (a revision keeps it) or becomes empty."""

    def command(self, subject: str, values: dict[str, Any]) -> Command[Changed]:
        """The command a checked row asks for (or a RuleViolation naming its column)."""
        return self.to_command(subject, values if self.keeps_absent
                               else filled(values, self.columns))

    @property
    def noun(self) -> str:
        return noun_of(self.aggregate)

    def column(self, name: str) -> Column | None:
        return next((c for c in self.columns if c.name == name), None)


# -- columns and checks from the event classes ---------------------------------------


def _choices(annotation: Any) -> tuple[str, ...]:
    if typing.get_origin(annotation) is Literal:
        return tuple(str(a) for a in typing.get_args(annotation))
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return tuple(str(e.value) for e in annotation)
    return ()


def shape_of(annotation: Any) -> tuple[Shape, tuple[str, ...]]:
    base = plain_type(annotation)
    origin = typing.get_origin(base)
    if origin is list:
        return Shape.LIST, _choices(plain_type(typing.get_args(base)[0]))
    if origin is dict:
        inner = plain_type(typing.get_args(base)[1])
        if inner is Any:
            return Shape.OBJECT, ()
        return (Shape.NESTED if typing.get_origin(inner) is dict else Shape.PAIRS), ()
    if annotation == Code:
        return Shape.CODE, ()
    simple = {date: Shape.DATE, Decimal: Shape.DECIMAL, int: Shape.INT, bool: Shape.FLAG}
    return simple.get(base, Shape.TEXT), _choices(base)


_SHEET_HELP = {
    "dimensions": "scaling dimensions out, up, deep, separated by ';'",
    "revenue_mix": "revenue sources and shares in percent totalling 100, e.g. grants=60; fees=40",
    "roles": "roles created or changed, separated by ';'",
    "breakdown": "parts DIMENSION:CATEGORY=VALUE separated by ';', e.g. sex:women=6; sex:men=4",
}
"""Where a spreadsheet cell holds what the CLI takes as repeated options."""


def _columns(event: type[Recorded], names: tuple[str, ...], required: set[str],
             help_: dict[str, str] | None = None) -> tuple[Column, ...]:
    hints = typing.get_type_hints(event, include_extras=True)
    texts = {**FIELD_HELP, **_SHEET_HELP, **(help_ or {})}
    columns = []
    for name in names:
        shape, choices = shape_of(hints[name])
        choices = choices or tuple(FIELD_CHOICES.get(name, ()))  # a closure's outcome
        takes_empty = name in required and hints[name] is str
        columns.append(Column(name, shape, name in required and not takes_empty,
                              texts.get(name, ""), choices, "" if takes_empty else None))
    return tuple(columns)


def _model(event: type[Recorded], names: tuple[str, ...], required: set[str]
           ) -> type[BaseModel]:
    hints = typing.get_type_hints(event, include_extras=True)
    spec: dict[str, Any] = {
        name: (hints[name], ...) if name in required else (hints[name] | None, None)
        for name in names
    }
    model: type[BaseModel] = create_model(f"{event.__name__}Row",
                                          __config__=ConfigDict(extra="forbid"), **spec)
    return model


def filled(values: dict[str, Any], columns: tuple[Column, ...]) -> dict[str, Any]:
    """Absent lists and maps as empty ones, as the domain's commands expect them."""
    empty = {Shape.LIST: list, Shape.PAIRS: dict, Shape.NESTED: dict}
    return {**values, **{c.name: empty[c.shape]() for c in columns
                         if c.shape in empty and values.get(c.name) is None}}


def _payload_row(event: Recorded, code: str, _: Lookup) -> dict[str, Any]:
    return {k: v for k, v in payload_of(event).items() if k != "code"}


def _example(text: str, columns: tuple[Column, ...]) -> dict[str, Any]:
    """A row from a ``log`` example (``--score 70 --summary '...'``)."""
    words = shlex.split(text)
    row: dict[str, Any] = {}
    for flag, value in zip(words[::2], words[1::2], strict=True):
        name = flag.removeprefix("--").replace("-", "_")
        shape = next((c.shape for c in columns if c.name == name), Shape.TEXT)
        if shape in (Shape.LIST, Shape.PAIRS, Shape.NESTED):
            row[name] = f"{row[name]}; {value}" if name in row else value
        else:
            row[name] = value
    return row


# -- pilot kinds: the logging catalogue --------------------------------------------------


def _log_kind(kind: Kind) -> ImportKind:
    columns = tuple(
        Column(c.name, c.shape, kind.required(c.name) and c.name not in kind.defaults,
               c.help, c.choices)
        for c in _columns(kind.event, kind.inputs, set()))

    def to_command(code: str, values: dict[str, Any]) -> Command[Changed]:
        return LogPilotEvent(kind.name, code, values)

    def as_row(event: Recorded, code: str, _: Lookup) -> dict[str, Any]:
        return {name: getattr(event, name) for name in kind.inputs}

    return ImportKind(kind.name, kind.event, Pilot, columns, kind.input_model, to_command, as_row,
                      kind.summary, _example(kind.example, columns), kind.needs_reason)


# -- consortium, indicator and pilot registration -----------------------------------------


def _revision_row(event: Recorded, code: str, _: Lookup) -> dict[str, Any]:
    return {name: getattr(event, name) for name in DEFINITION_FIELDS}


# -- corrections and retractions -----------------------------------------------------------


def entry_version(code: str, entry: str) -> int:
    """The N of an entry written ``N`` or ``CODE@N`` (the code must be the row's pilot)."""
    named, sep, version = entry.strip().rpartition("@")
    if sep and canonical(named) != code:
        raise RuleViolation("entry-of-another-pilot", f"{entry} is not an event of {code}",
                            field="entry", hint=f"write {code}@N or just N")
    if not version.isdigit() or int(version) < 1:
        raise RuleViolation("not-an-entry", f"{entry!r} is not an event id",
                            field="entry", hint="write CODE@N as pilot history prints it, or N")
    return int(version)


def _correction(code: str, v: dict[str, Any]) -> Command[Changed]:
    changes = {str(k).strip().replace("-", "_"): value for k, value in v["changes"].items()}
    return CorrectEntry(code, entry_version(code, v["entry"]), changes)


def _retraction(code: str, v: dict[str, Any]) -> Command[Changed]:
    return RetractEntry(code, entry_version(code, v["entry"]))


def _correction_row(event: Recorded, code: str, lookup: Lookup) -> dict[str, Any]:
    """Only the fields the correction changed from the entry's values before it (the
    entry's own, or its previous correction's), so the row reads as the user wrote it
    and a correction undoing an earlier one imports as such."""
    assert isinstance(event, ev.EntryCorrected)
    before = _before(event, lookup)
    changes = {k: v for k, v in event.data.items()
               if k not in IDENTITY_FIELDS and before.get(k) != v}
    return {"entry": f"{code}@{event.corrects}", "changes": changes}


def _before(correction: ev.EntryCorrected, lookup: Lookup) -> dict[str, Any]:
    """The values of the corrected entry just before a correction."""
    for version in range(correction.originator_version - 1, correction.corrects, -1):
        earlier = lookup(version)
        if isinstance(earlier, ev.EntryCorrected) and earlier.corrects == correction.corrects:
            return dict(earlier.data)
    return _payload_plain(lookup(correction.corrects))


def _payload_plain(event: Recorded) -> dict[str, Any]:
    from scaletrack.domain.envelope import plain

    return plain(payload_of(event))


def _retraction_row(event: Recorded, code: str, _: Lookup) -> dict[str, Any]:
    assert isinstance(event, ev.EntryRetracted)
    return {"entry": f"{code}@{event.retracts}"}


class _CorrectionRow(BaseModel):
    model_config = ConfigDict(extra="forbid")
    entry: str
    changes: dict[str, Any]


class _RetractionRow(BaseModel):
    model_config = ConfigDict(extra="forbid")
    entry: str


_ENTRY_HELP = "the entry's event id, CODE@N as pilot history prints it (or N)"


def _own(event: type[Recorded], *skip: str) -> tuple[str, ...]:
    return tuple(f.name for f in fields(event)
                 if f.name not in ENVELOPE_FIELDS and f.name not in skip)


def _kind(name: str, event: type[Recorded], aggregate: Any, names: tuple[str, ...],
          required: set[str], to_command: ToCommand, summary: str, example: dict[str, Any],
          as_row: AsRow = _payload_row,
          help_: dict[str, str] | None = None, needs_reason: bool = False,
          keeps_absent: bool = False) -> ImportKind:
    return ImportKind(name, event, aggregate, _columns(event, names, required, help_),
                      _model(event, names, required), to_command, as_row, summary, example,
                      needs_reason, keeps_absent)


_PILOT_HELP = {
    "consortium": "code of the consortium running it",
    "title": "short title",
    "innovation": "the innovation being scaled",
    "origin_country": "where the innovation comes from (two letters)",
    "target_countries": "countries it is scaled into, separated by ';' (consortium members)",
    "core_components": "components that must be kept, separated by ';'",
    "adaptable_components": "components that may change, separated by ';'",
    "starts_on": "first day, YYYY-MM-DD",
    "ends_on": "last day, YYYY-MM-DD",
    "name": "full name",
    "lead": "lead organisation",
    "countries": "member country codes, separated by ';'",
    "unit": "unit, e.g. people, %, EUR (blank for a qualitative indicator)",
    "direction": "is higher or lower better? (higher, lower)",
    "accumulation": "incremental, cumulative or snapshot",
    "dimensions": "dimensions results may be broken down by, separated by ';'",
    "entry": _ENTRY_HELP,
    "changes": "the corrected fields as a JSON object, e.g. {\"value\": 130} (or fill "
               "the fields' own columns: value, narrative, summary, ...)",
    "role": "the partner's role",
}

_INDICATOR_HELP = {
    **_PILOT_HELP,
    "name": "what is counted",
    "level": "output, outcome or impact",
    "measure": "unit, percentage, ordinal or qualitative",
    "esf_common": "yes for an ESF+ common indicator (counted in the ESF+ roll-ups); "
                  "blank or no otherwise",
}

_DEFINITION = tuple(DEFINITION_FIELDS)
_REQUIRED_DEFINITION = set(_DEFINITION) - {"dimensions", "esf_common"}


_OTHER_KINDS = [
    _kind("consortium", Consortium.Registered, Consortium, ("name", "lead", "countries"),
          {"name", "lead", "countries"},
          lambda c, v: RegisterConsortium(c, v["name"], v["lead"], v["countries"]),
          "register a consortium",
          {"consortium": "NORDIC", "name": "Nordic Social Innovation Network (synthetic)",
           "lead": "Example Foundation", "countries": "FI; SE"}, help_=_PILOT_HELP),
    _kind("consortium-country", Consortium.CountryJoined, Consortium, ("country",), {"country"},
          lambda c, v: AddCountry(c, v["country"]),
          "a country joins a consortium", {"consortium": "SEED", "country": "HR"}),
    _kind("consortium-country-removed", Consortium.CountryRemoved, Consortium, ("country",),
          {"country"}, lambda c, v: RemoveCountry(c, v["country"]),
          "a member country leaves a consortium (needs a reason; none of its pilots, "
          "partners or centres may be in it)",
          {"consortium": "SEED", "country": "SI", "reason": "Registered by mistake"},
          needs_reason=True),
    _kind("consortium-amended", Consortium.Amended, Consortium, ("name", "lead"), set(),
          lambda c, v: AmendConsortium(c, v.get("name"), v.get("lead")),
          "amend a consortium's name or lead (needs a reason; blank cells keep the current "
          "values)", {"consortium": "SEED", "lead": "City of Turin (Italy)",
                      "reason": "Lead as the grant agreement names it"},
          help_=_PILOT_HELP, needs_reason=True, keeps_absent=True),
    _kind("consortium-partner", Consortium.PartnerAdded, Consortium,
          ("organisation", "country", "role"), {"organisation", "country", "role"},
          lambda c, v: AddPartner(c, v["organisation"], v["country"], v["role"]),
          "add a partner organisation to a consortium",
          {"consortium": "SEED", "organisation": "Impact Hub Athens (synthetic)",
           "country": "GR", "role": "partner"}, help_=_PILOT_HELP),
    _kind("consortium-centre", Consortium.CentreEstablished, Consortium, ("country", "name"),
          {"country", "name"},
          lambda c, v: EstablishCentre(c, v["country"], v["name"]),
          "establish a competence centre in a member country",
          {"consortium": "SEED", "country": "RO", "name": "SI Competence Centre Romania"},
          help_={"name": "the centre's name"}),
    _kind("indicator", Indicator.Defined, Indicator, _DEFINITION, _REQUIRED_DEFINITION,
          lambda c, v: DefineIndicator(c, **{**v, "esf_common": bool(v.get("esf_common"))}),
          "define an indicator",
          {"indicator": "VOLUNTEERS", "name": "Volunteers engaged", "level": "output",
           "measure": "unit", "unit": "people", "direction": "higher",
           "accumulation": "incremental", "dimensions": "sex"},
          help_=_INDICATOR_HELP),
    _kind("indicator-revised", Indicator.Revised, Indicator, _DEFINITION, set(),
          lambda c, v: ReviseIndicator(c, **v),
          "revise an indicator: a new definition version (needs a reason; blank cells keep "
          "the current values)",
          {"indicator": "PART", "name": "Participants supported",
           "reason": "Name as the programme writes it"},
          as_row=_revision_row, help_=_INDICATOR_HELP,
          needs_reason=True, keeps_absent=True),
    _kind("indicator-retired", Indicator.Retired, Indicator, (), set(),
          lambda c, v: RetireIndicator(c),
          "retire an indicator", {"indicator": "PART", "reason": "Replaced"}),
    _kind("pilot", ev.Registered, Pilot, _own(ev.Registered, "code"),
          {"consortium", "title", "innovation", "origin_country", "target_countries",
           "starts_on", "ends_on"}, lambda c, v: RegisterPilot(c, **v),
          "register a pilot under a consortium",
          {"pilot": "SEED-SI-09", "consortium": "SEED", "title": "Digital SI lab, second wave",
           "innovation": "Digital social innovation lab", "origin_country": "SI",
           "target_countries": "SI", "core_components": "Co-design method",
           "adaptable_components": "Venue", "starts_on": "2022-01-10",
           "ends_on": "2023-06-30"}, help_=_PILOT_HELP),
    _kind("pilot-amended", ev.Amended, Pilot, _own(ev.Amended), set(),
          lambda c, v: AmendPilot(c, **v),
          "amend a pilot's registration: title, innovation, target countries, components, "
          "end date (needs a reason; blank cells keep the current values)",
          {"pilot": "SEED-GR-01", "title": "Local SI mapping in twelve Greek cities",
           "ends_on": "2023-12-31", "reason": "Extended to two more cities"},
          help_={**_PILOT_HELP, "title": "short title", "ends_on": "last day, YYYY-MM-DD "
                 "(a later one extends the pilot)"}, needs_reason=True, keeps_absent=True),
]

_CENTRE_HELP = {
    "country": "the centre's country: a member country of the consortium (two letters)",
    "organisation": "an organisation's code (scaletrack organisation list)",
    "role": "its role (in the ecosystem; in an exchange: peer, mentor or mentee)",
    "expertise": "what it knows, separated by ';'",
    "needs": "its capacity-building needs, separated by ';'",
    "relationship": "the relationship's reference on the map, e.g. R1",
    "source_organisation": "code of the organisation that acts",
    "target_organisation": "code of the organisation it acts on",
    "valid_from": "first day it holds, YYYY-MM-DD",
    "valid_until": "last day it holds, YYYY-MM-DD (blank: open)",
    "action": "the action's reference in the plan, e.g. A1",
    "owner": "code of the organisation that owns it",
    "due_on": "due date, YYYY-MM-DD",
    "activity": "the activity's reference, e.g. CB1",
    "organisations": "codes of the organisations that took part, separated by ';'",
    "participants": "how many people took part",
    "peer_consortium": "the consortium of the other centre",
    "peer_country": "the other centre's country",
    "name": "its name as it was at the time",
    "organisation_type": "what kind of organisation it is",
}


def _centre_kind(name: str, event: type[Recorded], command: type[Command[Changed]],
                 required: set[str], summary: str, example: dict[str, Any],
                 keeps_absent: bool = False) -> ImportKind:
    def to_command(code: str, values: dict[str, Any]) -> Command[Changed]:
        return command(code, **values)  # type: ignore[call-arg]

    return _kind(name, event, Consortium, _own(event), required, to_command, summary,
                 {"consortium": "SEED", "country": "GR", **example}, help_=_CENTRE_HELP,
                 keeps_absent=keeps_absent)


_ORGANISATION_KINDS = [
    _kind("organisation", Organisation.Registered, Organisation,
          ("name", "organisation_type", "country"), {"name", "organisation_type", "country"},
          lambda c, v: RegisterOrganisation(c, v["name"], v["organisation_type"],
                                            v["country"]),
          "register an organisation",
          {"organisation": "GR-MUN-PIR", "name": "Municipality of Piraeus (synthetic)",
           "organisation_type": "public-service-provider", "country": "GR"},
          help_=_CENTRE_HELP),
    _kind("organisation-renamed", Organisation.Renamed, Organisation, ("name",), {"name"},
          lambda c, v: RenameOrganisation(c, v["name"]),
          "an organisation takes a new name",
          {"organisation": "GR-HLIN", "name": "Hellenic Innovation Network (synthetic)"},
          help_=_CENTRE_HELP),
    _centre_kind("centre-stakeholder", eco.StakeholderMapped, MapStakeholder,
                 {"country", "organisation", "role"},
                 "put an organisation on a centre's ecosystem map",
                 {"organisation": "IT-CIT-TUR", "role": "consortium lead",
                  "needs": "Scaling strategies"}),
    _centre_kind("centre-stakeholder-revised", eco.StakeholderRevised, ReviseStakeholder,
                 {"country", "organisation"},
                 "revise what a map says of a stakeholder (blank cells keep its values)",
                 {"organisation": "GR-HLIN", "needs": "Impact measurement"},
                 keeps_absent=True),
    _centre_kind("centre-relationship", eco.RelationshipRecorded, RecordRelationship,
                 {"country", "relationship", "source_organisation", "relation",
                  "target_organisation"},
                 "a typed relationship between two stakeholders of a map",
                 {"relationship": "R9", "source_organisation": "GR-ESF-GRE",
                  "relation": "funds", "target_organisation": "GR-HLIN"}),
    _centre_kind("centre-relationship-ended", eco.RelationshipEnded, EndRelationship,
                 {"country", "relationship"}, "a relationship of a map stops holding",
                 {"relationship": "R2"}),
    _centre_kind("centre-action", eco.ActionPlanned, PlanAction,
                 {"country", "action", "title", "owner", "due_on"},
                 "add an action to a centre's action plan",
                 {"action": "A9", "title": "Second ecosystem forum (synthetic)",
                  "owner": "GR-HLIN", "due_on": "2023-12-31"}),
    _centre_kind("centre-action-status", eco.ActionStatusChanged, ChangeActionStatus,
                 {"country", "action", "status"},
                 "an action of a plan starts, is done or is dropped",
                 {"action": "A3", "status": "dropped"}),
    _centre_kind("centre-capacity-building", eco.CapacityBuildingHeld, HoldCapacityBuilding,
                 {"country", "activity", "title", "audience", "participants"},
                 "a capacity-building activity of a centre",
                 {"activity": "CB9", "title": "Impact measurement clinic (synthetic)",
                  "audience": "practitioners", "participants": "18",
                  "organisations": "GR-HLIN"}),
    _centre_kind("centre-gathering", eco.GatheringHeld, HoldGathering,
                 {"country", "activity", "title", "purpose"},
                 "a networking or advocacy event of a centre",
                 {"activity": "N9", "title": "Advocacy round table (synthetic)",
                  "purpose": "advocacy", "organisations": "GR-HLIN; GR-ESF-GRE"}),
    _centre_kind("centre-exchange", eco.ExchangeHeld, HoldExchange,
                 {"country", "activity", "title", "form", "peer_consortium", "peer_country",
                  "role"},
                 "transnational exchange with another country's centre",
                 {"activity": "X9", "title": "Peer visit (synthetic)",
                  "form": "peer-learning", "peer_consortium": "SEED",
                  "peer_country": "IT", "role": "peer"}),
]

_ENTRY_KINDS = [
    ImportKind("correction", ev.EntryCorrected, Pilot,
               (Column("entry", Shape.TEXT, True, _ENTRY_HELP),
                Column("changes", Shape.OBJECT, False, _PILOT_HELP["changes"])),
               _CorrectionRow, _correction, _correction_row, "correct an entry (needs a reason)",
               {"pilot": "SEED-GR-01", "entry": "SEED-GR-01@2", "changes": '{"score": 75}',
                "reason": "Score was mistyped"}, needs_reason=True),
    ImportKind("retraction", ev.EntryRetracted, Pilot,
               (Column("entry", Shape.TEXT, True, _ENTRY_HELP),),
               _RetractionRow, _retraction, _retraction_row, "retract an entry (needs a reason)",
               {"pilot": "SEED-GR-01", "entry": "SEED-GR-01@2",
                "reason": "Reported for the wrong pilot"}, needs_reason=True),
]

IMPORT_KINDS: dict[str, ImportKind] = {
    k.name: k for k in [*_OTHER_KINDS, *_ORGANISATION_KINDS,
                        *(_log_kind(k) for k in KINDS.values()), *_ENTRY_KINDS]
}
"""Every kind of row, by name; every event type has exactly one."""

IMPORT_KIND_OF_TYPE: dict[str, ImportKind] = {k.event.TYPE: k for k in IMPORT_KINDS.values()}

FIELD_COLUMNS: dict[str, Column] = {}
"""The fields of pilot entries a correction row may fill in columns of their own (value,
narrative, summary, ...), beside or instead of JSON in its changes column."""
for _entry_kind in IMPORT_KINDS.values():
    if _entry_kind.aggregate is Pilot and issubclass(_entry_kind.event, ev.Entry):
        for _column in _entry_kind.columns:
            if _column.name not in IDENTITY_FIELDS:
                FIELD_COLUMNS.setdefault(_column.name, replace(_column, required=False))


def kind_named(name: str) -> ImportKind | None:
    """A kind by its name or by its event type (``result`` or ``pilot.result-reported``)."""
    text = name.strip().lower()
    return IMPORT_KINDS.get(text) or IMPORT_KIND_OF_TYPE.get(text)
