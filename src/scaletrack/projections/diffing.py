"""What differs between two documents of a view (or of a pilot), and the events behind it.

A document's sections that are lists of rows are compared row by row, each
row known by its key (its ``id``, else its pilot, consortium, country,
indicator and period); any other section is compared as one row of
flattened fields. The events responsible for the differences are those one
point sees and the other does not which the view reads (its handlers'
types) and which name a differing row: its pilot, consortium, indicator or
period, or its id. A correction or retraction is placed by the entry it names.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from scaletrack.projections.facts import Fact
from scaletrack.projections.pointintime import target_of
from scaletrack.projections.registry import VIEWS

KEY_FIELDS = ("pilot", "consortium", "country", "indicator", "indicator_version", "period")
SETTING = ("filters", "today", "point_in_time")
"""Sections that say what was asked, not what was found."""
DEFINING = ("consortium.registered", "pilot.registered", "indicator.defined",
            "indicator.revised", "indicator.retired")
"""Directory events every view shows the outcome of (a row exists; its unit, direction)."""


@dataclass(frozen=True)
class RowChange:
    section: str
    key: dict[str, Any]
    change: str
    """``added``, ``removed`` or ``changed``."""
    fields: dict[str, dict[str, Any]]
    """Each differing field: ``{"from": ..., "to": ...}``."""

    def as_dict(self) -> dict[str, Any]:
        return {"section": self.section, "key": self.key, "change": self.change,
                "fields": self.fields}


def key_of(row: Mapping[str, Any]) -> dict[str, Any]:
    if "id" in row:
        return {"id": row["id"]}
    return {name: row[name] for name in KEY_FIELDS if name in row}


def flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    """Nested mappings as dotted paths to their leaves."""
    if isinstance(value, Mapping):  # an empty mapping has no leaves: {} and absent agree
        flat: dict[str, Any] = {}
        for name, inner in value.items():
            flat.update(flatten(inner, f"{prefix}.{name}" if prefix else str(name)))
        return flat
    return {prefix: value}


def _fields(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    old, new = flatten(before), flatten(after)
    return {name: {"from": old.get(name), "to": new.get(name)}
            for name in dict.fromkeys([*old, *new]) if old.get(name) != new.get(name)}


def _is_rows(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(row, Mapping) for row in value)


def compare(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[RowChange]:
    """The rows and fields that differ from ``before`` to ``after``."""
    changes: list[RowChange] = []
    for section in dict.fromkeys([*before, *after]):
        if section in SETTING:
            continue
        old, new = before.get(section), after.get(section)
        if _is_rows(old or []) and _is_rows(new or []):
            changes.extend(_compare_rows(section, old or [], new or []))
        elif old != new:
            changes.append(RowChange(section, {}, "changed",
                                     _fields({section: old}, {section: new})))
    return changes


def _compare_rows(section: str, before: Sequence[Mapping[str, Any]],
                  after: Sequence[Mapping[str, Any]]) -> Iterable[RowChange]:
    old = {tuple(key_of(row).items()): row for row in before}
    new = {tuple(key_of(row).items()): row for row in after}
    for key in dict.fromkeys([*old, *new]):
        if key not in new:
            yield RowChange(section, dict(key), "removed", _fields(old[key], {}))
        elif key not in old:
            yield RowChange(section, dict(key), "added", _fields({}, new[key]))
        elif old[key] != new[key]:
            yield RowChange(section, dict(key), "changed", _fields(old[key], new[key]))


def types_read(views: Collection[str]) -> frozenset[str]:
    """The event types whose outcome the named views show (the directory only for
    existence and definitions, unless it is named on its own)."""
    types = {kind for name in views if name != "directory" for kind in VIEWS[name].handlers}
    return frozenset(types | set(DEFINING))


class Names:
    """Event ids (``CODE@N``) and the coordinates of events, from the store's facts."""

    def __init__(self, facts: Iterable[Fact]) -> None:
        self.facts = {(fact.subject, fact.version): fact for fact in facts}
        self.codes = {fact.subject: fact.state["code"] for fact in self.facts.values()
                      if fact.type in DEFINING[:3]}
        self.consortia = {fact.subject: fact.state["consortium"]
                          for fact in self.facts.values() if fact.type == "pilot.registered"}

    def id_of(self, fact: Fact, version: int | None = None) -> str:
        return f"{self.codes.get(fact.subject, fact.subject)}@{version or fact.version}"

    def named(self, fact: Fact) -> Fact:
        """The event a fact is about: the entry a correction names, else the fact itself."""
        target = target_of(fact)
        return fact if target is None else self.facts.get((fact.subject, target), fact)

    def coordinates(self, fact: Fact) -> dict[str, Any]:
        about = self.named(fact)
        family, code = fact.type.split(".", 1)[0], self.codes.get(fact.subject)
        found: dict[str, Any] = {}
        if family == "pilot":
            found = {"pilot": code, "consortium": self.consortia.get(fact.subject)}
        elif family in ("consortium", "indicator"):
            found = {family: code}
        for name in ("indicator", "period"):
            if name in about.state:
                found[name] = about.state[name]
        return found


def touches(coordinates: Mapping[str, Any], ids: Collection[str], change: RowChange) -> bool:
    if "id" in change.key:
        return change.key["id"] in ids
    return all(coordinates[name] == value for name, value in change.key.items()
               if name in coordinates and name in KEY_FIELDS)


def responsible(changes: Sequence[RowChange], before: Iterable[Fact], after: Iterable[Fact],
                names: Names, types: Collection[str]) -> list[tuple[Fact, str]]:
    """The events seen at one point only that the view reads and that name a changed
    row, in the store's order, each with the point that sees it (``from`` or ``to``)."""
    seen_before = {fact.position: fact for fact in before}
    seen_after = {fact.position: fact for fact in after}
    found = []
    for position in sorted(set(seen_before) ^ set(seen_after)):
        fact = seen_after.get(position) or seen_before[position]
        if names.named(fact).type not in types:
            continue
        ids = {names.id_of(fact), names.id_of(fact, target_of(fact))}
        coordinates = names.coordinates(fact)
        if any(touches(coordinates, ids, change) for change in changes):
            found.append((fact, "to" if position in seen_after else "from"))
    return found
