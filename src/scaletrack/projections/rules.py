"""How the impact view judges a pilot's results against its targets.

One row per pilot, indicator and reporting period that has a target or a
result (corrections applied, retracted entries left out). If a period has
several targets or results, the one recorded last counts.

**Definition used.** A row is read with the indicator version its result was
reported against (its target's version when there is no result yet): a
result reported before the indicator was revised keeps the old direction,
accumulation and unit.

**Actual** is the value reported for the period. **Achieved** is the figure
compared with the period's target, by the indicator's accumulation:

- *incremental*: the sum of the values reported for every period up to and
  including this one (each period reports what is new in it);
- *cumulative*: the value reported for the latest period up to and including
  this one (each report is already a running total);
- *snapshot*: this period's own value (a state at the end of the period).

Breakdowns by dimension are the period's own (as reported).

**Percent achieved** (numeric indicators with a target and something
achieved), rounded to one decimal:

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
