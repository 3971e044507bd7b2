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

**Status**:

- *on-track*: 90% achieved or more;
- *at-risk*: from 60% to under 90%;
- *off-track*: under 60%;
- *not-rated*: no percent (a qualitative indicator, no target, or nothing
  reported yet).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

ON_TRACK = Decimal(90)
AT_RISK = Decimal(60)
_TENTH = Decimal("0.1")


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


def status(achieved_percent: Decimal | None) -> str:
    if achieved_percent is None:
        return "not-rated"
    if achieved_percent >= ON_TRACK:
        return "on-track"
    if achieved_percent >= AT_RISK:
        return "at-risk"
    return "off-track"
