"""The rules of a pilot's money: commitments by source, payments, declared expenditure.

A pilot keeps the money each of its entries commits or pays from a source
(:class:`~scaletrack.domain.pilot_state.MoneyLine`, by entry version); these
functions check a new or corrected entry against it, and against the pilot's
dates. Recording an entry and correcting one both call them (through
:data:`scaletrack.domain.pilot._ENTRY_RULES`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Protocol

from scaletrack.domain.errors import RuleViolation
from scaletrack.domain.pilot_state import MoneyLine
from scaletrack.domain.vocabulary import (
    ESF_PLUS_PROGRAMMES_FROM,
    EU_SOURCES,
    CostOption,
    FundingSource,
    is_period,
    period_end,
    period_start,
)

Values = dict[str, Any]


class Dated(Protocol):
    code: str
    starts_on: date
    ends_on: date


class Books(Dated, Protocol):
    money: dict[str, MoneyLine]


@dataclass(frozen=True)
class Placing:
    """Where the entry a rule checks stands: the day it occurred, and the version it has
    when a correction replaces its values (None for a new entry)."""

    occurred_on: date
    replacing: int | None = None


def total(pilot: Books, flow: str, source: str, without: int | None = None) -> Decimal:
    """What a pilot's entries (but ``without``) commit or pay from a source, as they stand."""
    left_out = str(without)
    return sum((line.amount_eur for version, line in pilot.money.items()
                if line.flow == flow and line.source == source and version != left_out),
               Decimal(0))


def require_pilot_period(pilot: Dated, values: Values, what: str) -> None:
    period = str(values.get("period", "")).strip().upper()
    if is_period(period) and (period_end(period) < pilot.starts_on
                               or period_start(period) > pilot.ends_on):
        raise RuleViolation("period-outside-pilot",
                            f"{period} is outside {pilot.code}'s dates ({pilot.starts_on} to "
                            f"{pilot.ends_on})", field="period",
                            hint=f"{what} for a period the pilot runs in")


def check_commitment(pilot: Books, values: Values, at: Placing) -> Values:
    """A source from the vocabulary; EU money states its co-financing rate, other money
    has none (0); no ESF+ 2021-2027 programme money before the programmes existed; a
    corrected commitment still covers what was paid from its source."""
    source, rate = values.get("funding_source"), values.get("co_financing_rate")
    if source is None:
        if rate is not None:
            raise RuleViolation("co-financing-without-source", "a co-financing rate says how "
                                "much of a source's money is the EU's: name the source",
                                field="funding_source", hint="give --funding-source")
        return values
    if str(source) not in FundingSource._value2member_map_:
        return values  # not a source: the event's type says so
    source = FundingSource(str(source))
    if source in EU_SOURCES and rate is None:
        raise RuleViolation("co-financing-rate-missing", f"money from {source} states its "
                            "co-financing rate (the EU's share, 0 to 1)",
                            field="co_financing_rate", hint="give --co-financing-rate")
    if source not in EU_SOURCES and rate is not None and Decimal(str(rate)) != 0:
        raise RuleViolation("not-eu-money", f"money from {source} is not the EU's: its "
                            "co-financing rate is 0", field="co_financing_rate",
                            hint="leave --co-financing-rate out")
    if source is FundingSource.ESF_PLUS_PROGRAMME and at.occurred_on < ESF_PLUS_PROGRAMMES_FROM:
        raise RuleViolation("esf-plus-before-programmes",
                            f"no ESF+ 2021-2027 programme had money to commit on "
                            f"{at.occurred_on}: the programmes were adopted from "
                            f"{ESF_PLUS_PROGRAMMES_FROM} on", field="funding_source",
                            hint="name the source the money really came from")
    if at.replacing is not None:
        replaced = pilot.money.get(str(at.replacing))
        if replaced is not None:
            check_paid(pilot, replaced.source, Decimal(0), at.replacing,
                        adding=(str(source), Decimal(str(values["amount_eur"]))))
    return {**values, "co_financing_rate": Decimal(0) if rate is None else rate}


def check_payment(pilot: Books, values: Values, at: Placing) -> Values:
    """Paid from a source in the vocabulary, within what is committed from it (a corrected
    payment from another source leaves its old source within its commitments too)."""
    source = str(values.get("funding_source"))
    if source not in FundingSource._value2member_map_:
        return values  # not a source: the event's type says so
    check_paid(pilot, source, Decimal(str(values["amount_eur"])), at.replacing)
    if at.replacing is not None:
        replaced = pilot.money.get(str(at.replacing))
        if replaced is not None and replaced.source != source:
            check_paid(pilot, replaced.source, Decimal(0), at.replacing)
    return values


def check_paid(pilot: Books, source: str, paying: Decimal, without: int | None,
                adding: tuple[str, Decimal] | None = None) -> None:
    """Paid from a source (with ``paying`` more, and the entry ``without`` left out) stays
    within what is committed from it (with a commitment ``adding``, if any)."""
    committed = total(pilot, "committed", source, without)
    if adding is not None and adding[0] == source:
        committed += adding[1]
    paid = total(pilot, "paid", source, without) + paying
    if paid > committed:
        raise RuleViolation("paid-beyond-committed",
                            f"{pilot.code} would have EUR {paid} paid from {source} but only "
                            f"EUR {committed} committed from it", field="amount_eur",
                            hint="record the commitment first, or pay less")


def check_expenditure(pilot: Books, values: Values, at: Placing) -> Values:
    """Inside the pilot's dates, not before its period started, and a unit cost times its
    units (the simplified cost option) makes the amount."""
    require_pilot_period(pilot, values, "declare expenditure")
    period = str(values.get("period", "")).strip().upper()
    if is_period(period) and at.occurred_on < period_start(period):
        raise RuleViolation("expenditure-before-period",
                            f"expenditure for {period} cannot be declared on {at.occurred_on}, "
                            "before the period started", field="occurred_on",
                            hint=f"give a day from {period_start(period)} on")
    option = str(values.get("cost_option") or CostOption.REAL_COSTS)
    units, unit_cost = values.get("units"), values.get("unit_cost_eur")
    if option == CostOption.UNIT_COST:
        if units is None or unit_cost is None:
            raise RuleViolation("unit-cost-incomplete", "a unit cost declares the units and "
                                "the cost of one", field="units",
                                hint="give --units and --unit-cost-eur")
        total = Decimal(str(units)) * Decimal(str(unit_cost))
        if total != Decimal(str(values["amount_eur"])):
            raise RuleViolation("unit-cost-total", f"{units} units at EUR {unit_cost} make "
                                f"EUR {total}, not EUR {values['amount_eur']}",
                                field="amount_eur", hint=f"declare EUR {total}")
    elif units is not None or unit_cost is not None:
        raise RuleViolation("units-without-unit-cost", "units and a unit cost go with the "
                            f"unit-cost option, not {option}", field="cost_option",
                            hint="give --cost-option unit-cost, or leave the units out")
    return values
