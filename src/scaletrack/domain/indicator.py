"""An indicator: a versioned definition of what a pilot measures.

Schema versions: ``indicator.defined`` and ``indicator.revised`` are at 2,
which says whether the definition is an ESF+ common indicator
(``esf_common``, Regulation (EU) 2021/1057, Annex I); version 1 had no such
mark, and its definitions are upcast as not ESF+ common indicators.

A definition marked ``esf_common`` is one of the regulation's common indicators, counted
as :mod:`scaletrack.domain.esf_plus` says (level, unit, accumulation), and their EECO/EECR
codes name nothing else; the rule holds for new definitions and revisions, so a store
recorded before it reads back as it was.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate

from scaletrack.domain.envelope import Provenance, Recorded, aggregate_id, plain, record, start
from scaletrack.domain.errors import InvalidInput, RuleViolation
from scaletrack.domain.esf_plus import check_definition
from scaletrack.domain.vocabulary import (
    Accumulation,
    Code,
    Dimension,
    Direction,
    IndicatorLevel,
    Measure,
    Text,
)

DEFINITION_FIELDS = ("name", "level", "measure", "unit", "direction", "accumulation", "dimensions",
                     "esf_common")
UNMARKED = {"esf_common": False}
"""What a definition recorded before the ESF+ mark says: not an ESF+ common indicator."""


class Indicator(Aggregate):
    """Code, name, level, measure, unit, direction, accumulation and dimensions.

    A revision makes a new definition version; results keep the version they
    were reported against.
    """

    class Event(Recorded):
        pass

    class Definition(Event):
        """The fields a definition and each revision of it carry."""

        code: Code
        name: Text
        level: IndicatorLevel
        measure: Measure
        unit: str
        direction: Direction
        accumulation: Accumulation
        dimensions: list[Dimension]
        esf_common: bool
        """An ESF+ common indicator, which the roll-ups that say "ESF+" count."""

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            """Version 1 definitions had no ESF+ mark."""
            state.setdefault("esf_common", False)

        def definition(self) -> dict[str, Any]:
            return {
                "name": self.name,
                "level": str(self.level),
                "measure": str(self.measure),
                "unit": self.unit,
                "direction": str(self.direction),
                "accumulation": str(self.accumulation),
                "dimensions": [str(d) for d in self.dimensions],
                "esf_common": self.esf_common,
            }

    class Defined(Definition, Aggregate.Created):
        TYPE = "indicator.defined"
        class_version = 2

        def apply(self, indicator: Indicator) -> None:
            indicator.code = self.code
            indicator.definition_version = 1
            indicator.retired = False
            indicator.definitions = {"1": self.definition()}

    class Revised(Definition):
        TYPE = "indicator.revised"
        class_version = 2
        definition_version: int

        def apply(self, indicator: Indicator) -> None:
            indicator.definition_version = self.definition_version
            indicator.definitions[str(self.definition_version)] = self.definition()

    class Retired(Event):
        TYPE = "indicator.retired"

        def apply(self, indicator: Indicator) -> None:
            indicator.retired = True

    def __init__(self) -> None:
        self.code: str
        self.definition_version: int
        self.retired: bool
        self.definitions: dict[str, dict[str, Any]]

    @staticmethod
    def id_for(code: str) -> UUID:
        return aggregate_id("indicator", code)

    @classmethod
    def define(cls, code: str, by: Provenance, **definition: Any) -> Indicator:
        check_definition(code, {**UNMARKED, **definition})
        return start(cls, cls.Defined, cls.id_for(code), by, code=code,
                     **{**UNMARKED, **definition})

    def revise(self, by: Provenance, **changes: Any) -> None:
        self._require_active()
        if not by.reason:
            raise RuleViolation("reason-required", "a revision needs a reason", field="reason")
        given = {k: v for k, v in changes.items() if v is not None}
        if not given:
            raise InvalidInput(f"the revision of indicator {self.code} names nothing to change",
                               field="changes", hint="give at least one field that changes")
        merged = {**self.current, **given}
        if plain(merged) == plain(self.current):
            raise RuleViolation("revision-changes-nothing",
                                f"the revision leaves indicator {self.code} as it is",
                                field="changes", hint="give the fields that change")
        check_definition(self.code, merged)
        record(self, self.Revised, by, code=self.code,
               definition_version=self.definition_version + 1, **merged)

    def retire(self, by: Provenance) -> None:
        self._require_active()
        record(self, self.Retired, by)

    @property
    def current(self) -> dict[str, Any]:
        return self.definition(self.definition_version)

    def definition(self, version: int) -> dict[str, Any]:
        # a snapshot taken before the ESF+ mark holds definitions without it
        return {**self.definitions[str(version)], **{
            k: v for k, v in UNMARKED.items() if k not in self.definitions[str(version)]}}

    def _require_active(self) -> None:
        if self.retired:
            raise RuleViolation("indicator-retired", f"indicator {self.code} is retired",
                                field="indicator")
