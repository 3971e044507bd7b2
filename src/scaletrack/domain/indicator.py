"""An indicator: a versioned definition of what a pilot measures."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate

from scaletrack.domain.envelope import Provenance, Recorded, aggregate_id, plain, record, start
from scaletrack.domain.errors import RuleViolation
from scaletrack.domain.vocabulary import (
    Accumulation,
    Code,
    Dimension,
    Direction,
    IndicatorLevel,
    Measure,
    Text,
)

DEFINITION_FIELDS = ("name", "level", "measure", "unit", "direction", "accumulation", "dimensions")


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

        def definition(self) -> dict[str, Any]:
            return {
                "name": self.name,
                "level": str(self.level),
                "measure": str(self.measure),
                "unit": self.unit,
                "direction": str(self.direction),
                "accumulation": str(self.accumulation),
                "dimensions": [str(d) for d in self.dimensions],
            }

    class Defined(Definition, Aggregate.Created):
        TYPE = "indicator.defined"

        def apply(self, indicator: Indicator) -> None:
            indicator.code = self.code
            indicator.definition_version = 1
            indicator.retired = False
            indicator.definitions = {"1": self.definition()}

    class Revised(Definition):
        TYPE = "indicator.revised"
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
        return start(cls, cls.Defined, cls.id_for(code), by, code=code, **definition)

    def revise(self, by: Provenance, **changes: Any) -> None:
        self._require_active()
        if not by.reason:
            raise RuleViolation("reason-required", "a revision needs a reason", field="reason")
        merged = {**self.current, **{k: v for k, v in changes.items() if v is not None}}
        if plain(merged) == plain(self.current):
            raise RuleViolation("revision-changes-nothing",
                                f"the revision leaves indicator {self.code} as it is",
                                field="changes", hint="give the fields that change")
        record(self, self.Revised, by, code=self.code,
               definition_version=self.definition_version + 1, **merged)

    def retire(self, by: Provenance) -> None:
        self._require_active()
        record(self, self.Retired, by)

    @property
    def current(self) -> dict[str, Any]:
        return dict(self.definitions[str(self.definition_version)])

    def definition(self, version: int) -> dict[str, Any]:
        return dict(self.definitions[str(version)])

    def _require_active(self) -> None:
        if self.retired:
            raise RuleViolation("indicator-retired", f"indicator {self.code} is retired",
                                field="indicator")
