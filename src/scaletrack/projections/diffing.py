"""What differs between two documents of a view (or of a pilot), and the events behind it.

A document's sections that are lists of rows are compared row by row, each row
known by its key (its ``id``, else its pilot, consortium, country, indicator
and period; a quality finding by its code with all of those, since one event
may have several findings and a missing report has no event); any other section
is compared as one row of flattened fields. A row whose key differs only in its
indicator version (a period now read under the indicator's new definition) is one
change of that row, its ``indicator_version`` among the fields that differ, not a
removal and an addition. The events responsible for the
differences are those one point sees and the other does not (an indexed query
over the timeline's valid days and recorded moments), of the pilots the view is
asked about, which the view shows (its handlers' types, or those it declares it
shows) and which name a differing row: its pilot, consortium, indicator or
period, or its id. A correction or retraction is placed by the entry it names.
An event a view shows only through its day (the progress view's last activity)
is responsible for a row whose last activity became, or was, its day. An
indicator's revision or retirement changes no row (a row keeps the definition
it was reported against).
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, and_, not_, or_, select, tuple_

from scaletrack.projections.bitemporal import Point
from scaletrack.projections.database import table
from scaletrack.projections.facts import Fact
from scaletrack.projections.filters import Filters
from scaletrack.projections.pointintime import target_of
from scaletrack.projections.queries.selection import codes, selected
from scaletrack.projections.registry import VIEWS
from scaletrack.projections.tables import PilotRow, Subject, TimelineEvent

KEY_FIELDS = ("pilot", "consortium", "country", "indicator", "indicator_version", "period")
SETTING = ("filters", "today", "point_in_time")
"""Sections that say what was asked, not what was found."""
DEFINING = ("consortium.registered", "pilot.registered", "indicator.defined",
            "consortium.amended", "consortium.country-removed", "pilot.amended")
"""Directory events every view shows the outcome of (a row exists; its unit, direction;
a pilot's countries and title as amended)."""
DATED = "last_activity"
"""The field that the events a view shows only through their day change."""


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
    if row.get("id") is not None and "code" not in row:
        return {"id": row["id"]}
    return {name: row[name] for name in ("code", "id", *KEY_FIELDS) if name in row}


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


Key = tuple[tuple[str, Any], ...]


def _compare_rows(section: str, before: Sequence[Mapping[str, Any]],
                  after: Sequence[Mapping[str, Any]]) -> Iterable[RowChange]:
    old = {tuple(key_of(row).items()): row for row in before}
    new = {tuple(key_of(row).items()): row for row in after}
    redefined = _redefined([k for k in old if k not in new], [k for k in new if k not in old])
    paired = set(redefined.values())
    for key in dict.fromkeys([*old, *new]):
        if key in redefined:
            yield RowChange(section, dict(_unversioned(key)), "changed",
                            _fields(old[key], new[redefined[key]]))
        elif key in paired:
            continue
        elif key not in new:
            yield RowChange(section, dict(key), "removed", _fields(old[key], {}))
        elif key not in old:
            yield RowChange(section, dict(key), "added", _fields({}, new[key]))
        elif old[key] != new[key]:
            yield RowChange(section, dict(key), "changed", _fields(old[key], new[key]))


def _unversioned(key: Key) -> Key:
    return tuple((name, value) for name, value in key if name != "indicator_version")


def _redefined(gone: Sequence[Key], came: Sequence[Key]) -> dict[Key, Key]:
    """Each removed row's key paired with the added row's that differs from it only in
    the indicator version, where exactly one of each has that key."""
    def by_row(keys: Sequence[Key]) -> dict[Key, Key]:
        found: dict[Key, list[Key]] = {}
        for key in keys:
            if any(name == "indicator_version" for name, _ in key):
                found.setdefault(_unversioned(key), []).append(key)
        return {row: keys[0] for row, keys in found.items() if len(keys) == 1}

    removed, added = by_row(gone), by_row(came)
    return {removed[row]: added[row] for row in removed.keys() & added.keys()}


def types_read(views: Collection[str]) -> frozenset[str]:
    """The event types whose outcome the named views show (the directory only for
    existence and definitions, unless it is named on its own)."""
    types = {kind for name in views if name != "directory"
             for kind in VIEWS[name].shows or VIEWS[name].handlers}
    return frozenset(types | set(DEFINING))


def types_dated(views: Collection[str]) -> frozenset[str]:
    """The event types the named views show only through their valid day."""
    return frozenset(kind for name in views for kind in VIEWS[name].dated)


@dataclass(frozen=True)
class Seen:
    """An event that one point sees and the other does not."""

    fact: Fact
    side: str
    """The point that sees it: ``from`` or ``to``."""
    day: str
    """Its valid day (a correction's: that of the entry it names)."""


def seen_between(connection: Connection, before: Point, after: Point, filters: Filters
                 ) -> list[Seen]:
    """The events one point sees and the other does not, of the pilots the filters
    select (and every consortium's and indicator's), in the store's order."""
    events = table(TimelineEvent)
    one, other = before.holds(events), after.holds(events)
    query = (select(events.c.position, events.c.subject, events.c.version, events.c.type,
                    events.c.state, events.c.valid_on, events.c.since)
             .where(or_(and_(one, not_(other)), and_(other, not_(one))))
             .order_by(events.c.position))
    if filters.consortium or filters.pilot or filters.country:
        others = select(Subject.subject).where(Subject.kind != "pilot")
        query = query.where(or_(events.c.subject.in_(selected(filters, ever=True)),
                                events.c.subject.in_(others)))
    found = []
    for position, subject, version, kind, state, day, since in connection.execute(query):
        fact = Fact(position, subject, version, kind, json.loads(state), state)
        seen_after = (after.day is None or day <= after.day) and (
            after.moment is None or since <= after.moment)
        found.append(Seen(fact, "to" if seen_after else "from", day))
    return found


def named_entries(connection: Connection, seen: Sequence[Seen]) -> list[Fact]:
    """The entries the corrections and retractions among these events name."""
    wanted = {(s.fact.subject, target) for s in seen if (target := target_of(s.fact))}
    if not wanted:
        return []
    events = table(TimelineEvent)
    return [Fact(position, subject, version, kind, json.loads(state), state)
            for position, subject, version, kind, state in connection.execute(
                select(events.c.position, events.c.subject, events.c.version, events.c.type,
                       events.c.state)
                .where(tuple_(events.c.subject, events.c.version).in_(sorted(wanted))))]


class Names:
    """Event ids (``CODE@N``) and the coordinates of events."""

    def __init__(self, facts: Iterable[Fact], codes: Mapping[str, str],
                 consortia: Mapping[str, str]) -> None:
        self.facts = {(fact.subject, fact.version): fact for fact in facts}
        self.codes = codes
        self.consortia = consortia

    @classmethod
    def read(cls, connection: Connection, facts: Iterable[Fact]) -> Names:
        """Names from the live directory (codes and a pilot's consortium never change)."""
        return cls(facts, codes(connection),
                   dict(connection.execute(select(PilotRow.subject, PilotRow.consortium)).all()))

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


def dated(seen: Seen, change: RowChange) -> bool:
    """Whether the row's last activity is, on the side that sees the event, its day."""
    field = change.fields.get(DATED)
    return field is not None and field.get(seen.side) == seen.day


def responsible(changes: Sequence[RowChange], seen: Sequence[Seen], names: Names,
                types: Collection[str], dated_types: Collection[str] = (),
                indicators: Collection[str] | None = None
                ) -> tuple[list[Seen], list[list[str]]]:
    """The events seen at one point only that change a changed row, in the store's
    order, and for each change the ids of the events that change its row; of the events
    about an indicator, only those about ``indicators`` (None: any) change what the row
    shows (any may still change its last activity)."""
    found = []
    links: list[list[str]] = [[] for _ in changes]
    for one in seen:
        fact = one.fact
        coordinates = names.coordinates(fact)
        shown = names.named(fact).type in types and (
            indicators is None or coordinates.get("indicator") in (None, *indicators))
        if not shown and fact.type not in dated_types:
            continue
        ids = {names.id_of(fact), names.id_of(fact, target_of(fact))}
        hits = [index for index, change in enumerate(changes)
                if touches(coordinates, ids, change) and (shown or dated(one, change))]
        if hits:
            found.append(one)
        for index in hits:
            links[index].append(names.id_of(fact))
    for index, change in enumerate(changes):
        if not links[index]:
            links[index] = earlier(change, found, names)
    return found, links


def earlier(change: RowChange, found: Sequence[Seen], names: Names) -> list[str]:
    """For a row whose own period no event touches, the events of the same pilot and
    indicator in earlier periods: a running total to date carries them forward."""
    key = change.key
    if not all(name in key for name in ("pilot", "indicator", "period")):
        return []
    ids = []
    for one in found:
        place = names.coordinates(one.fact)
        if (place.get("pilot"), place.get("indicator")) == (key["pilot"], key["indicator"]) \
                and str(place.get("period", "")) < str(key["period"]):
            ids.append(names.id_of(one.fact))
    return ids
