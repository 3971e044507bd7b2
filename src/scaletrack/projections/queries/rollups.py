"""Figures across pilots: what adds up is summed, what does not is shown per pilot.

- **Summed** (``"aggregation": "sum"``): an indicator counted in units that
  is incremental (every reported period of each pilot added up) or
  cumulative (each pilot's latest reported figure). Counts of persons and
  entities add up across pilots.
- **Per pilot** (``"aggregation": "per pilot"``): snapshots, percentages and
  scores (a unit cost, a share of earned income, a fidelity score) do not add
  up; each pilot's latest reported figure is listed, with their median,
  which says it is one. Qualitative indicators carry no number and are left
  out.

Where the figures happen: a pilot's results happen in the countries it is
scaled into (its target countries), not the one its innovation comes from.
A result broken down by country gives each country its part; a pilot scaled
into one country gives it the whole result; a result of a pilot scaled into
several countries without a country breakdown cannot be split. Asked for
some countries only (``Scope``), a figure counts what lies in them, and a
result that cannot be split and may lie partly in them is shown apart, as
"not broken down by country", never added to the total.

Breakdowns (``by``): per dimension the indicator has, the parts of the
counted results, and what they do not break down as ``unknown``, so that
the parts of each dimension add up to the total. Of a result only partly
counted (its part in a country), only the country is known.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from scaletrack.projections.queries.impact import Row

SUMMED = ("incremental", "cumulative")
NUMBERED = ("unit", "percentage", "ordinal")
UNKNOWN = "unknown"
"""The part of a total its results do not break down (no category of any dimension has
this name)."""
COUNTRY = "country"


def adds_up(definition: Mapping[str, Any]) -> bool:
    """Whether an indicator's figures add up across pilots."""
    return definition["measure"] == "unit" and definition["accumulation"] in SUMMED


@dataclass(frozen=True)
class Scope:
    """The countries figures are counted for (None: everywhere)."""

    countries: frozenset[str] | None = None

    def holds_all(self, countries: Iterable[str]) -> bool:
        return self.countries is None or set(countries) <= self.countries

    def touches(self, countries: Iterable[str]) -> bool:
        return self.countries is None or bool(set(countries) & self.countries)

    def holds(self, country: str) -> bool:
        return self.countries is None or country in self.countries


EVERYWHERE = Scope()


@dataclass
class _Share:
    """What one result puts in a scope."""

    counted: Decimal
    by_country: dict[str, Decimal]
    whole: bool
    """The whole result is counted, so its other breakdowns hold for what is counted."""
    counts: bool
    """The pilot contributes to the total with this result."""
    apart: Decimal | None = None
    """May lie in the scope, but is not broken down by country (None: nothing apart)."""


def _share(row: Row, value: Decimal, scope: Scope) -> _Share:
    """A zero is a figure too: a pilot that reported 0 counts as one that reported."""
    targets = row.pilot.targets
    parts = (row.breakdown or {}).get(COUNTRY)
    unsplit: Decimal | None = None
    if parts:
        by_country = dict(parts)
    elif len(targets) == 1:
        by_country = {targets[0]: value}
    else:
        by_country, unsplit = {}, value
    kept = {country: part for country, part in by_country.items() if scope.holds(country)}
    counted = sum(kept.values(), Decimal(0))
    apart = None
    if unsplit is not None and scope.holds_all(targets):
        kept[UNKNOWN] = unsplit
        counted += unsplit
    elif unsplit is not None and scope.touches(targets):
        apart = unsplit
    return _Share(counted, kept, counted == value, bool(kept), apart)


@dataclass
class _Sum:
    """A summed indicator's figure, built result by result."""

    dimensions: Sequence[str]
    total: Decimal = Decimal(0)
    pilots: set[str] = field(default_factory=set)
    by: dict[str, dict[str, Decimal]] = field(default_factory=dict)
    apart: Decimal = Decimal(0)
    apart_pilots: set[str] = field(default_factory=set)

    def add(self, row: Row, share: _Share) -> None:
        if share.counts:
            self.pilots.add(row.pilot.code)
        if share.apart is not None:
            self.apart += share.apart
            self.apart_pilots.add(row.pilot.code)
        self.total += share.counted
        for dimension in self.dimensions:
            into = self.by.setdefault(dimension, {})
            if dimension == COUNTRY:
                parts = share.by_country
            elif share.whole:
                parts = dict((row.breakdown or {}).get(dimension, {}))
                rest = share.counted - sum(parts.values(), Decimal(0))
                if rest:
                    parts[UNKNOWN] = parts.get(UNKNOWN, Decimal(0)) + rest
            else:
                parts = {UNKNOWN: share.counted} if share.counted else {}
            for category, value in parts.items():
                into[category] = into.get(category, Decimal(0)) + value

    def document(self) -> dict[str, Any]:
        by = {dimension: _ordered(dimension, parts) for dimension, parts in self.by.items()}
        return {"aggregation": "sum", "pilots": len(self.pilots), "total": self.total,
                "by": by, "not_broken_down_by_country": {
                    "total": self.apart, "pilots": sorted(self.apart_pilots),
                    "note": "results of pilots scaled into several countries, with no "
                            "country breakdown: some may lie outside the countries asked "
                            "for, so they are not in the total"}
                if self.apart_pilots else None}


def _ordered(dimension: str, parts: dict[str, Decimal]) -> dict[str, Decimal]:
    """Categories as they came (countries in order of their codes), the unknown part last."""
    known = [k for k in parts if k != UNKNOWN]
    return {**{k: parts[k] for k in (sorted(known) if dimension == COUNTRY else known)},
            **({UNKNOWN: parts[UNKNOWN]} if UNKNOWN in parts else {})}


def roll_up(rows: Iterable[Row], scope: Scope = EVERYWHERE,
            dimensions: Mapping[str, Sequence[str]] | None = None) -> list[dict[str, Any]]:
    """One figure per indicator with a number, over the pilots' reported results in the
    scope; ``dimensions`` are each indicator's breakdown dimensions (the country always)."""
    series: dict[tuple[str, str], list[Row]] = {}
    for row in rows:
        if (row.reported and row.actual is not None and row.definition
                and row.definition["measure"] in NUMBERED):
            series.setdefault((row.indicator, row.pilot.code), []).append(row)
    figures: dict[str, dict[str, Any]] = {}
    sums: dict[str, _Sum] = {}
    for (indicator, _), reported in sorted(series.items()):
        latest = reported[-1]
        definition = latest.definition or {}
        figure = figures.setdefault(indicator, _heading(indicator, definition))
        if not adds_up(definition):
            if scope.touches(latest.pilot.targets):
                figure.setdefault("per_pilot", []).append({
                    "pilot": latest.pilot.code, "period": latest.period,
                    "value": latest.actual, "countries": latest.pilot.targets})
            continue
        wanted = [d for d in (dimensions or {}).get(indicator, ()) if d != COUNTRY]
        total = sums.setdefault(indicator, _Sum([*wanted, COUNTRY]))
        for row in reported if definition["accumulation"] == "incremental" else [latest]:
            assert row.actual is not None
            total.add(row, _share(row, row.actual, scope))
    found = []
    for indicator, figure in sorted(figures.items()):
        if indicator in sums:
            if sums[indicator].pilots or sums[indicator].apart_pilots:
                found.append({**figure, **sums[indicator].document()})
        elif figure.get("per_pilot"):
            values = [p["value"] for p in figure["per_pilot"]]
            found.append({**figure, "aggregation": "per pilot", "pilots": len(values),
                          "median": statistics.median(values)})
    return found


def _heading(indicator: str, definition: Mapping[str, Any]) -> dict[str, Any]:
    summed = adds_up(definition)
    return {"indicator": indicator, "name": definition.get("name"),
            "unit": definition.get("unit"), "measure": definition.get("measure"),
            "accumulation": definition.get("accumulation"),
            "counted": ("every reported period of each pilot, added up"
                        if definition.get("accumulation") == "incremental" else
                        "each pilot's latest reported figure, added up") if summed else
                       (f"each pilot's latest reported figure, and their median: a "
                        f"{definition.get('accumulation')} {definition.get('measure')} "
                        "measure does not add up across pilots")}
