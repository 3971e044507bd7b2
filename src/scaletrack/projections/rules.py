"""How the impact view judges a pilot's results against its targets.

One row per pilot, indicator and reporting period that has a target or a
result (corrections applied, retracted entries left out). If a period has
several targets or results, the one recorded last counts.

**Definition used.** A row is read with the indicator version its result was
reported against (its target's version when there is no result yet): a
result reported before the indicator was revised keeps the old direction,
accumulation and unit.

**Actual** and **target** are what was reported and set for the period.
**Achieved** and **target to date** are the figures compared, by the
indicator's accumulation:

- *incremental* (each period adds to what came before): achieved is the sum
  of the values reported for every period up to and including this one, and
  the target to date the sum of the targets set for those periods (a
  period's target, like its value, is what that period should add);
- *cumulative* (each report is already a running total): achieved is the
  value reported for the latest period up to and including this one; the
  target to date is this period's target;
- *snapshot* (a state at the end of the period): this period's own value
  against this period's target.

Only a period that has a target of its own is rated. Breakdowns by
dimension are the period's own, as reported.

**Percent achieved** (numeric indicators), with the period's baseline and
the target to date, rounded to one decimal:

- higher is better: with a baseline below the target,
  (achieved - baseline) / (target - baseline); otherwise achieved / target;
- lower is better: with a baseline above the target,
  (baseline - achieved) / (baseline - target); otherwise target / achieved,
  and 100% when nothing is left (achieved 0);
- no percent when the figure cannot be divided (a target of 0 with no
  baseline below it, when higher is better).

**Status**, with the store's rating settings (``scaletrack settings show``;
by default 90% and 60%, no cap), decided by :func:`status` alone:

- *closed*: the period began after the day the pilot was closed (it is no
  longer rated, whatever its target);
- *not-due-yet*: no report of its own for the period, which has not ended
  on the day asked (as of that day, or today);
- *no-report-yet*: no report of its own for a period that has ended; never
  off-track for lack of a report;
- *on-track*: the on-track threshold achieved or more (90%);
- *at-risk*: from the at-risk threshold (60%) to under the on-track one;
- *off-track*: under the at-risk threshold;
- *not-rated*: no percent (a qualitative indicator, or no target to date).

An **ordinal** score (a fidelity score 1-5) is no ratio: it has no percent, and is
shown as a point on the scale its unit names ("4 of 5"); it is on track at or beyond
its target, at risk one step short of it, off track further (the closed and
no-report statuses as above).

With a cap on over-achievement (say 150%), a percent above it is shown as
the cap (the row says it was ``capped``); achieved keeps the real figure.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from scaletrack.domain.settings import DEFAULT_AT_RISK, DEFAULT_ON_TRACK
from scaletrack.domain.vocabulary import period_end, period_start

_TENTH = Decimal("0.1")


@dataclass(frozen=True)
class Rating:
    """The thresholds a status is decided by, and the cap on over-achievement (None: none),
    as the store's settings said at the point asked."""

    on_track: Decimal = DEFAULT_ON_TRACK
    at_risk: Decimal = DEFAULT_AT_RISK
    cap: Decimal | None = None
    version: int | None = None
    """The settings' version that said so (None: the defaults, never changed)."""

    def capped(self, achieved_percent: Decimal | None) -> Decimal | None:
        if achieved_percent is None or self.cap is None:
            return achieved_percent
        return min(achieved_percent, self.cap)

    def as_dict(self) -> dict[str, Any]:
        """What a view document says it rated by."""
        return {"on_track": self.on_track, "at_risk": self.at_risk, "cap": self.cap,
                "settings_version": self.version}


DEFAULT = Rating()


@dataclass(frozen=True)
class Period:
    """What a status needs to know of a row besides its percent."""

    period: str
    reported: bool
    """Whether the period has a report (a result) of its own."""
    day: date | None = None
    """The day asked about (None: rate as if every period had ended)."""
    closed_on: date | None = None
    """The day the pilot was closed, if it was by that point."""


def achieved(accumulation: str | None, actuals: Sequence[Decimal | None]) -> Decimal | None:
    """The figure to date for the last of a series of period values (None: not reported)."""
    if not actuals:
        return None
    if accumulation == "incremental":
        reported = [a for a in actuals if a is not None]
        return sum(reported, Decimal(0)) if reported else None
    if accumulation == "cumulative":
        return next((a for a in reversed(actuals) if a is not None), None)
    return actuals[-1]


def target_to_date(accumulation: str | None, targets: Sequence[Decimal | None]
                   ) -> Decimal | None:
    """The target the achieved figure is compared with; None if the last period has none."""
    if not targets or targets[-1] is None:
        return None
    if accumulation == "incremental":
        return sum((t for t in targets if t is not None), Decimal(0))
    return targets[-1]


def percent(direction: str | None, baseline: Decimal | None, target: Decimal | None,
            done: Decimal | None) -> Decimal | None:
    """Percent of the target achieved, by the indicator's direction."""
    if target is None or done is None or direction is None:
        return None
    if direction == "higher":
        if baseline is not None and target > baseline:
            share = (done - baseline) / (target - baseline)
        elif target != 0:
            share = done / target
        else:
            return None
    elif baseline is not None and target < baseline:
        share = (baseline - done) / (baseline - target)
    elif done != 0:
        share = target / done
    else:
        share = Decimal(1)
    return (share * 100).quantize(_TENTH, rounding=ROUND_HALF_UP)


def _unrated(period: Period | None) -> str | None:
    """The status of a period that is not rated on its figures (closed, no report)."""
    if period is not None:
        if period.closed_on is not None and period_start(period.period) > period.closed_on:
            return "closed"
        if not period.reported:
            due = period.day is None or period_end(period.period) <= period.day
            return "no-report-yet" if due else "not-due-yet"
    return None


_SCALE = re.compile(r"(\d+)\s*(?:-|\u2013|to)\s*(\d+)")


def scale(unit: str | None) -> tuple[int, int] | None:
    """The scale an ordinal indicator's unit names ("score 1-5"), lowest and highest."""
    found = _SCALE.search(unit or "")
    if found is None or int(found.group(1)) >= int(found.group(2)):
        return None
    return int(found.group(1)), int(found.group(2))


def score(unit: str | None, achieved: Decimal | None) -> str | None:
    """An ordinal figure as a point on its scale: "4 of 5"."""
    if achieved is None:
        return None
    top = scale(unit)
    return f"{achieved} of {top[1]}" if top else str(achieved)


def score_status(direction: str | None, target: Decimal | None, achieved: Decimal | None,
                 period: Period | None = None) -> str:
    """An ordinal score is rated in steps of its scale, never as a ratio: at or beyond
    the target on track, one step short at risk, further off track."""
    unrated = _unrated(period)
    if unrated is not None:
        return unrated
    if target is None or achieved is None or direction is None:
        return "not-rated"
    short = target - achieved if direction == "higher" else achieved - target
    return "on-track" if short <= 0 else "at-risk" if short <= 1 else "off-track"


def status(achieved_percent: Decimal | None, rating: Rating = DEFAULT,
           period: Period | None = None) -> str:
    """The one place a row's status is decided (see the module's rules)."""
    unrated = _unrated(period)
    if unrated is not None:
        return unrated
    if achieved_percent is None:
        return "not-rated"
    if achieved_percent >= rating.on_track:
        return "on-track"
    if achieved_percent >= rating.at_risk:
        return "at-risk"
    return "off-track"
