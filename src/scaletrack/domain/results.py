"""Rules for targets and results against an indicator's definition."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any, Protocol

from scaletrack.domain.errors import InvalidInput, RuleViolation
from scaletrack.domain.indicator import Indicator
from scaletrack.domain.vocabulary import (
    COUNTED_FROM_ADOPTIONS,
    DIMENSION_CATEGORIES,
    Dimension,
    Measure,
)


class HasCountries(Protocol):
    origin_country: str
    target_countries: list[str]


def _definition(indicator: Indicator, fields: dict[str, Any]) -> dict[str, Any]:
    version = int(fields.get("indicator_version") or indicator.definition_version)
    if str(version) not in indicator.definitions:
        raise RuleViolation("unknown-indicator-version",
                            f"indicator {indicator.code} has no version {version}",
                            field="indicator")
    return indicator.definition(version)


def check_active(indicator: Indicator) -> None:
    """New targets and results need an indicator still in use (corrections need not)."""
    if indicator.retired:
        raise RuleViolation("indicator-retired", f"indicator {indicator.code} is retired",
                            field="indicator")


def check_target(indicator: Indicator, fields: dict[str, Any]) -> None:
    definition = _definition(indicator, fields)
    if definition["measure"] == Measure.QUALITATIVE:
        if fields.get("target") is not None or fields.get("baseline") is not None:
            raise RuleViolation("qualitative-has-number",
                                f"{indicator.code} is qualitative: give a narrative, no number",
                                field="target" if fields.get("target") is not None
                                else "baseline")
        if not fields.get("narrative"):
            raise RuleViolation("narrative-required",
                                f"{indicator.code} is qualitative: a target needs a narrative",
                                field="narrative")
    elif fields.get("target") is None:
        raise InvalidInput(f"{indicator.code} is measured in numbers: give a target value",
                           field="target")
    else:
        target = _number(fields["target"], "target")
        if target < 0:
            raise RuleViolation("negative-target", f"a target of {target} is below zero",
                                field="target", hint="give the level to reach, 0 or more")
        _require_whole(definition, target, "target")


def check_result(indicator: Indicator, pilot: HasCountries, fields: dict[str, Any]) -> None:
    """A qualitative result carries a narrative and no number; parts add up; an adoption
    indicator is counted from the decisions, not reported."""
    if indicator.code in COUNTED_FROM_ADOPTIONS:
        raise RuleViolation("indicator-derived",
                            f"{indicator.code} is counted from the adoption decisions; it "
                            "takes no reported result", field="indicator",
                            hint="log the provider's decision (log adoption --decision "
                                 "adopted); the views count it")
    definition = _definition(indicator, fields)
    value, breakdown = fields.get("value"), fields.get("breakdown") or {}
    if definition["measure"] == Measure.QUALITATIVE:
        if value is not None or breakdown:
            raise RuleViolation("qualitative-has-number",
                                f"{indicator.code} is qualitative: report a narrative, no number",
                                field="value" if value is not None else "breakdown")
        if not (fields.get("narrative") or "").strip():
            raise RuleViolation("narrative-required",
                                f"{indicator.code} is qualitative: a result needs a narrative",
                                field="narrative")
        return
    if value is None:
        raise InvalidInput(f"{indicator.code} is measured in numbers: give a value", field="value")
    total = _number(value, "value")
    _require_quantity(definition, total, "value")
    if definition["measure"] == Measure.PERCENTAGE and not 0 <= total <= 100:
        raise RuleViolation("percentage-range", f"{total} is not a percentage between 0 and 100",
                            field="value")
    allowed = set(definition["dimensions"])
    for dimension, parts in breakdown.items():
        if dimension not in allowed:
            raise RuleViolation(
                "dimension-not-allowed",
                f"{indicator.code} cannot be broken down by {dimension}", field="breakdown",
                hint=f"allowed: {', '.join(sorted(allowed)) or 'none'}",
            )
        categories = DIMENSION_CATEGORIES[Dimension(dimension)]
        if dimension == Dimension.COUNTRY:
            categories = frozenset([pilot.origin_country, *pilot.target_countries])
        unknown = sorted(set(parts) - categories) if categories is not None else []
        if unknown:
            raise RuleViolation("unknown-category", f"{', '.join(unknown)} is not a {dimension} "
                                f"category", field="breakdown",
                                hint=f"use {', '.join(sorted(categories or []))}")
        for part in parts.values():
            _require_quantity(definition, _number(part, "breakdown"), "breakdown")
        subtotal = sum((_number(v, f"breakdown.{dimension}") for v in parts.values()), Decimal(0))
        if subtotal != total:
            raise RuleViolation(
                "disaggregation-mismatch",
                f"the {dimension} parts of {indicator.code} add up to {subtotal}, not {total}",
                field="breakdown", hint="make the parts add up to the total",
            )


def _number(value: Any, field: str) -> Decimal:
    try:
        return Decimal(str(value))
    except InvalidOperation:
        raise InvalidInput(f"{field}: {value!r} is not a number", field=field) from None


PERSON_UNITS = frozenset({"persons", "people", "participants"})
"""Units that count people: whole numbers only."""


def _require_whole(definition: dict[str, Any], number: Decimal, field: str) -> None:
    unit = str(definition.get("unit") or "").strip().lower()
    if (definition["measure"] == Measure.UNIT and unit in PERSON_UNITS
            and number != number.to_integral_value()):
        raise RuleViolation("persons-whole", f"{number} {unit}: people are counted in whole "
                            "numbers", field=field, hint="give a whole number")


def _require_quantity(definition: dict[str, Any], number: Decimal, field: str) -> None:
    """A reported count or amount (a unit measure) is 0 or more, and whole where it counts
    people: fewer than before is a correction of the earlier figure, not a negative one."""
    _require_whole(definition, number, field)
    if definition["measure"] == Measure.UNIT and number < 0:
        raise RuleViolation("negative-result", f"{number} {definition.get('unit') or ''}"
                            .rstrip() + ": a count or amount is 0 or more", field=field,
                            hint="correct the earlier result if it was too high")
