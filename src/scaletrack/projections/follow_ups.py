"""The ESF+ six-month follow-up of participants who left (EECR05), derived from results.

A result above 0 on a common result indicator counted upon leaving (EECR01-EECR04) for
a period says participants left in it. Six months after that period ends they are asked
again: EECR05 (in employment, including self-employment, six months after leaving). The
follow-up is reported as the EECR05 result of the quarter that holds that day, two
quarters on, and is due by that quarter's end:

- ``recorded``: that quarter has an EECR05 result;
- ``due``: it has none yet, and the quarter has not ended;
- ``overdue``: the quarter has ended without one.

Nothing is typed to schedule a follow-up: the results say who left, and when.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, Protocol

from scaletrack.domain.esf_plus import (
    COMMON_INDICATORS,
    FOLLOW_UP,
    FOLLOW_UP_MONTHS,
    CountingRule,
)
from scaletrack.domain.vocabulary import period_end, period_of

UPON_LEAVING = frozenset(code for code, c in COMMON_INDICATORS.items()
                         if c.counting == CountingRule.UPON_LEAVING)
"""EECR01-EECR04: results that say participants left in their period."""


class Reported(Protocol):
    """What a follow-up needs of a result (the quality checks' results have it)."""

    @property
    def id(self) -> str: ...
    @property
    def pilot(self) -> str: ...
    @property
    def indicator(self) -> str: ...
    @property
    def period(self) -> str: ...
    @property
    def figure(self) -> Decimal | None: ...


@dataclass
class FollowUp:
    pilot: str
    left_in: str
    """The period participants left in."""
    period: str
    """The period whose EECR05 result is the follow-up."""
    due_on: date
    left: dict[str, Decimal] = field(default_factory=dict)
    """What the upon-leaving results of ``left_in`` counted, by indicator."""
    result: str | None = None
    """The EECR05 result that records it."""

    def status(self, today: date) -> str:
        if self.result is not None:
            return "recorded"
        return "overdue" if today > self.due_on else "due"

    def as_dict(self, today: date) -> dict[str, Any]:
        return {"left_in": self.left_in, "left": dict(sorted(self.left.items())),
                "indicator": FOLLOW_UP, "period": self.period,
                "due_on": self.due_on.isoformat(), "status": self.status(today),
                "result": self.result}


def follow_up_period(left_in: str) -> str:
    """The quarter that holds the day six months after ``left_in`` ends."""
    end = period_end(left_in)
    month = end.month + FOLLOW_UP_MONTHS  # the month alone says the quarter
    return period_of(date(end.year + (month - 1) // 12, (month - 1) % 12 + 1, 1))


def follow_ups(results: Iterable[Reported]) -> list[FollowUp]:
    """Every follow-up the results call for, by pilot and period left in; a result that
    is counted (the last one per indicator and period) records or calls for it."""
    counted: dict[tuple[str, str, str], Reported] = {}
    for result in results:
        if result.indicator in UPON_LEAVING or result.indicator == FOLLOW_UP:
            counted[(result.pilot, result.indicator, result.period)] = result
    due: dict[tuple[str, str], FollowUp] = {}
    for (pilot, indicator, period), result in sorted(counted.items()):
        if indicator == FOLLOW_UP or not result.figure:
            continue
        later = follow_up_period(period)
        found = due.setdefault((pilot, period), FollowUp(pilot, period, later,
                                                         period_end(later)))
        found.left[indicator] = result.figure
        recorded = counted.get((pilot, FOLLOW_UP, later))
        found.result = None if recorded is None else recorded.id
    return [due[key] for key in sorted(due)]
