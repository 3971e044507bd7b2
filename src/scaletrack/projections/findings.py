"""The checks of the data quality view: what DHIS2 users would be told to look at.

Each finding has a stable code, the pilot, the indicator and period where it
has them, the event it is about (where one is), and one line in the
domain's words. They are judged over what a point sees (results, targets,
decisions and adaptations as they stand: corrections applied, retracted
entries left out) on the point's day:

- ``missing-report``: no result for an indicator in a period that has ended,
  within the pilot's dates, where the pilot set a target for that period or
  reported the indicator in an earlier and a later period at its own rhythm (a
  gap: an indicator reported every second quarter, three times or more, misses
  no quarter between).
  Adoption indicators (``COUNTED_FROM_ADOPTIONS``) are counted from the
  decisions, never reported, so they miss no report.
- ``missing-breakdown``: a numeric result other than 0 not broken down by
  every dimension its indicator version has (the parts of nothing are nothing).
- ``duplicate-result``: a second result for the same indicator and period
  (the view counts the later one).
- ``subgroup-above-total``: a sub-group indicator above its total in the same
  period. A sub-group is an ESF+ common indicator of participants at entry
  (EECO02-EECO17) of the total EECO01, or has the total's code and a hyphenated
  suffix (``STAFF-WOMEN`` of ``STAFF``); both count the same unit the same way.
- ``cumulative-falls``: a cumulative indicator below what it reported for an
  earlier period.
- ``outlier``: a value further from the median of the pilot's own values for
  that indicator (a cumulative indicator's growth per period) than
  ``OUTLIER_SPREADS`` robust standard deviations, once it has
  ``OUTLIER_MIN_VALUES`` of them (3.5: Iglewicz and Hoaglin's cut-off for the
  modified z-score; at 3, a handful of the few values a pilot reports stray that
  far by chance alone). The robust standard deviation is 1.4826 times
  the median absolute deviation (MAD) from the median, which equals the standard
  deviation for normally spread values but is not pulled by the outlier itself.
  Where half the values or more coincide (a MAD of 0) there is no spread to
  judge by, and no value is called an outlier (a steady series with one odd
  value among many equal ones is left to the eye). A series that starts low
  and grows is ramping up: its first values, while each is at least the one
  before and below the median, are not called outliers (a pilot's first
  quarters enrol fewer people than its pace).
- ``outside-pilot-dates``: a result for a period that ends before the pilot
  starts or starts after it ends.
- ``contradicts-decisions``: an indicator counting public providers
  (``PROVIDER_UNITS``) whose figure to date exceeds the providers the decision
  log records as having adopted the model by the end of that period.
- ``deviation-without-reason``: a core component adapted with no reason given.
- ``follow-up-overdue``: participants left in a period (an EECR01-EECR04 result
  above 0) and the quarter of their six-month follow-up, within the pilot's
  dates, has ended without an EECR05 result
  (:mod:`scaletrack.projections.follow_ups`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from itertools import pairwise
from math import gcd
from statistics import median
from typing import Any

from scaletrack.domain.esf_plus import FOLLOW_UP, total_of
from scaletrack.domain.vocabulary import (
    COUNTED_FROM_ADOPTIONS,
    period_end,
    period_of,
    period_start,
)
from scaletrack.projections import rules
from scaletrack.projections.follow_ups import follow_ups

OUTLIER_SPREADS = Decimal("3.5")
MAD_SCALE = Decimal("1.4826")
OUTLIER_MIN_VALUES = 5
PROVIDER_UNITS = frozenset({"providers", "public providers"})
"""Units of indicators that count public providers, which adoption decisions name."""

CODES = ("missing-report", "missing-breakdown", "duplicate-result", "subgroup-above-total",
         "cumulative-falls", "outlier", "outside-pilot-dates", "contradicts-decisions",
         "deviation-without-reason", "follow-up-overdue")


@dataclass(frozen=True)
class Definition:
    """What the checks need of an indicator version."""

    measure: str
    unit: str
    accumulation: str
    dimensions: tuple[str, ...] = ()


@dataclass(frozen=True)
class Result:
    id: str
    pilot: str
    indicator: str
    period: str
    value: Decimal | None
    breakdown: dict[str, dict[str, Decimal]]
    definition: Definition

    @property
    def figure(self) -> Decimal | None:
        """The number it reports (None for a qualitative result)."""
        return None if self.definition.measure == "qualitative" else self.value


@dataclass(frozen=True)
class Span:
    """A pilot's dates: from its start to its planned end, or to its closing if earlier
    (a closed pilot owes no report for the quarters after it)."""

    pilot: str
    starts_on: date
    ends_on: date


@dataclass(frozen=True)
class Adoption:
    pilot: str
    provider: str
    decision: str
    occurred_on: date


@dataclass(frozen=True)
class Deviation:
    """A core component adapted."""

    id: str
    pilot: str
    component: str
    summary: str
    period: str
    """The quarter it occurred in."""
    reason: str | None


@dataclass(frozen=True)
class Evidence:
    """What a point sees, for the checks; results in the order they were recorded."""

    today: date
    spans: Sequence[Span]
    results: Sequence[Result]
    targets: frozenset[tuple[str, str, str]] = frozenset()
    """(pilot, indicator, period) of every target."""
    adoptions: Sequence[Adoption] = ()
    deviations: Sequence[Deviation] = ()


@dataclass(frozen=True)
class Finding:
    code: str
    pilot: str
    message: str
    indicator: str | None = None
    period: str | None = None
    id: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "pilot": self.pilot, "indicator": self.indicator,
                "period": self.period, "id": self.id, "message": self.message}


def findings(evidence: Evidence) -> list[dict[str, Any]]:
    """Every finding, by pilot, then period, indicator and code."""
    counted = _counted(evidence.results)
    found = [*_missing_reports(evidence, counted), *_missing_breakdowns(counted),
             *_duplicates(evidence.results), *_subgroups(counted), *_falls(counted),
             *_outliers(counted), *_outside(evidence), *_contradictions(evidence, counted),
             *_deviations(evidence.deviations), *_overdue_follow_ups(evidence)]
    found.sort(key=lambda f: (f.pilot, f.period or "", f.indicator or "",
                              CODES.index(f.code), f.id or ""))
    return [f.as_dict() for f in found]


Series = dict[tuple[str, str], list[Result]]


def _counted(results: Iterable[Result]) -> Series:
    """The result each pilot, indicator and period counts (the last recorded), as series
    in period order."""
    latest: dict[tuple[str, str, str], Result] = {}
    for result in results:
        latest[(result.pilot, result.indicator, result.period)] = result
    series: Series = {}
    for key in sorted(latest):
        series.setdefault(key[:2], []).append(latest[key])
    return series


def _quarters(first: str, last: str, step: int = 1) -> Iterator[str]:
    """The periods from ``first`` to ``last``, every ``step``-th one."""
    period, n = first, 0
    while period <= last:
        if n % step == 0:
            yield period
        period, n = period_of(period_end(period) + timedelta(days=1)), n + 1


def _rhythm(series: Sequence[Result]) -> int:
    """How many quarters apart a series is reported: the greatest common divisor of the
    distances between its periods (2 if every second quarter), once three reports show a
    rhythm; 1 (quarterly) before."""
    if len(series) < 3:
        return 1
    index = {p: n for n, p in enumerate(_quarters(series[0].period, series[-1].period))}
    return gcd(*(index[b.period] - index[a.period] for a, b in pairwise(series)))


def _missing_reports(evidence: Evidence, counted: Series) -> Iterator[Finding]:
    spans = {s.pilot: s for s in evidence.spans}
    expected: dict[tuple[str, str], set[str]] = {}
    for pilot, indicator, period in evidence.targets:
        expected.setdefault((pilot, indicator), set()).add(period)
    for key, series in counted.items():
        expected.setdefault(key, set()).update(
            _quarters(series[0].period, series[-1].period, _rhythm(series)))
    for (pilot, indicator), periods in expected.items():
        span = spans.get(pilot)
        if indicator in COUNTED_FROM_ADOPTIONS:
            continue
        reported = {r.period for r in counted.get((pilot, indicator), [])}
        for period in sorted(periods - reported):
            ended = period_end(period) < evidence.today
            if span is None or not ended or not _overlaps(period, span):
                continue
            why = ("a target is set for it" if (pilot, indicator, period) in evidence.targets
                   else "it is reported before and after")
            yield Finding("missing-report", pilot, f"no {indicator} result for {period}, "
                          f"which has ended ({why})", indicator, period)


def _overlaps(period: str, span: Span) -> bool:
    return period_end(period) >= span.starts_on and period_start(period) <= span.ends_on


def _missing_breakdowns(counted: Series) -> Iterator[Finding]:
    for series in counted.values():
        for result in series:
            missing = [d for d in result.definition.dimensions if d not in result.breakdown]
            if result.figure and missing:
                yield Finding("missing-breakdown", result.pilot,
                              f"the {result.indicator} result for {result.period} is not "
                              f"broken down by {', '.join(missing)}", result.indicator,
                              result.period, result.id)


def _duplicates(results: Sequence[Result]) -> Iterator[Finding]:
    first: dict[tuple[str, str, str], Result] = {}
    for result in results:
        key = (result.pilot, result.indicator, result.period)
        earlier = first.setdefault(key, result)
        if earlier is not result:
            yield Finding("duplicate-result", result.pilot,
                          f"{result.indicator} for {result.period} is reported again by "
                          f"{result.id} after {earlier.id}; the later one counts",
                          result.indicator, result.period, result.id)


def _subgroups(counted: Series) -> Iterator[Finding]:
    for (pilot, indicator), series in counted.items():
        total_code = total_of(indicator) or next(
            (code for (p, code) in counted if p == pilot and indicator.startswith(f"{code}-")),
            None)
        if total_code is None or (pilot, total_code) not in counted:
            continue
        totals = {r.period: r for r in counted[(pilot, total_code)]}
        for part in series:
            total = totals.get(part.period)
            if (total is None or part.figure is None or total.figure is None
                    or _sameness(part.definition) != _sameness(total.definition)):
                continue
            if part.figure > total.figure:
                yield Finding("subgroup-above-total", pilot,
                              f"{indicator} ({part.figure}) is above its total {total_code} "
                              f"({total.figure}) in {part.period}", indicator, part.period,
                              part.id)


def _overdue_follow_ups(evidence: Evidence) -> Iterator[Finding]:
    spans = {s.pilot: s for s in evidence.spans}
    for due in follow_ups(evidence.results):
        span = spans.get(due.pilot)
        if span is None or due.status(evidence.today) != "overdue" or not _overlaps(
                due.period, span):
            continue
        left = ", ".join(f"{code} {value}" for code, value in sorted(due.left.items()))
        yield Finding("follow-up-overdue", due.pilot,
                      f"participants left in {due.left_in} ({left}): their six-month "
                      f"follow-up was due by {due.due_on} and {due.period} has no "
                      f"{FOLLOW_UP} result", FOLLOW_UP, due.period)


def _sameness(definition: Definition) -> tuple[str, str, str]:
    return definition.measure, definition.unit.strip().lower(), definition.accumulation


def _falls(counted: Series) -> Iterator[Finding]:
    for series in counted.values():
        highest: tuple[Decimal, str] | None = None
        for result in series:
            value = result.figure
            if value is None or result.definition.accumulation != "cumulative":
                continue
            if highest is not None and value < highest[0]:
                yield Finding("cumulative-falls", result.pilot,
                              f"{result.indicator} falls to {value} in {result.period} from "
                              f"{highest[0]} in {highest[1]}; a cumulative figure does not "
                              "fall", result.indicator, result.period, result.id)
            if highest is None or value > highest[0]:
                highest = (value, result.period)


def _outliers(counted: Series) -> Iterator[Finding]:
    for series in counted.values():
        numbers = [r for r in series if r.figure is not None]
        if len(numbers) < OUTLIER_MIN_VALUES:
            continue
        values = [r.figure for r in numbers if r.figure is not None]
        if numbers[0].definition.accumulation == "cumulative":
            values = [values[0], *(b - a for a, b in pairwise(values))]
        middle = median(values)
        spread = _spread([abs(v - middle) for v in values])
        if not spread:
            continue
        what = "grows by" if numbers[0].definition.accumulation == "cumulative" else "is"
        ramp = _ramp(values, middle)
        for n, (result, value) in enumerate(zip(numbers, values, strict=True)):
            if n >= ramp and abs(value - middle) > OUTLIER_SPREADS * spread:
                yield Finding("outlier", result.pilot,
                              f"{result.indicator} {what} {value} in {result.period}, far "
                              f"from the pilot's usual {middle} (more than {OUTLIER_SPREADS} "
                              "robust standard deviations)", result.indicator, result.period,
                              result.id)


def _ramp(values: Sequence[Decimal], middle: Decimal) -> int:
    """How many of the first values ramp up to the median: each below it and not below
    the one before."""
    n = 0
    while n < len(values) and values[n] < middle and (n == 0 or values[n] >= values[n - 1]):
        n += 1
    return n


def _spread(deviations: Sequence[Decimal]) -> Decimal:
    """The robust standard deviation, from the absolute deviations from the median."""
    return MAD_SCALE * median(deviations)


def _outside(evidence: Evidence) -> Iterator[Finding]:
    spans = {s.pilot: s for s in evidence.spans}
    for result in evidence.results:
        span = spans.get(result.pilot)
        if span is not None and not _overlaps(result.period, span):
            yield Finding("outside-pilot-dates", result.pilot,
                          f"the {result.indicator} result for {result.period} lies outside "
                          f"the pilot's dates ({span.starts_on} to {span.ends_on})",
                          result.indicator, result.period, result.id)


def _contradictions(evidence: Evidence, counted: Series) -> Iterator[Finding]:
    for (pilot, indicator), series in counted.items():
        actuals: list[Decimal | None] = []
        for result in series:
            actuals.append(result.value)
            if (result.definition.unit.strip().lower() not in PROVIDER_UNITS
                    or result.figure is None):
                continue
            to_date = rules.achieved(result.definition.accumulation, actuals)
            adopted = _adopted(evidence.adoptions, pilot, period_end(result.period))
            if to_date is not None and to_date > adopted:
                yield Finding("contradicts-decisions", pilot,
                              f"{indicator} stands at {to_date} by {result.period}; the "
                              f"decision log records {_adoptions(adopted)} by a public "
                              "provider by then", indicator, result.period, result.id)


def _adoptions(count: int) -> str:
    return {0: "no adoption", 1: "one adoption"}.get(count, f"{count} adoptions")


def _adopted(adoptions: Iterable[Adoption], pilot: str, by: date) -> int:
    """The providers whose latest decision by that day is to adopt."""
    latest: dict[str, str] = {}
    for adoption in sorted((a for a in adoptions if a.pilot == pilot and a.occurred_on <= by),
                           key=lambda a: a.occurred_on):
        latest[adoption.provider] = adoption.decision
    return sum(decision == "adopted" for decision in latest.values())


def _deviations(deviations: Iterable[Deviation]) -> Iterator[Finding]:
    for deviation in deviations:
        if not (deviation.reason or "").strip():
            yield Finding("deviation-without-reason", deviation.pilot,
                          f"core component {deviation.component} adapted without a "
                          f"reason: {deviation.summary}", period=deviation.period,
                          id=deviation.id)
