"""Reading the finance view: per pilot, budget by source, payments, expenditure and costs.

Everything here is computed from the entries as they stand, never typed:

- **budget** by funding source: committed and paid (a commitment recorded
  before sources were asked for counts under ``not-stated``);
- **contributions**: the EU's (each commitment's amount times its
  co-financing rate), national public (the rest of EU-source money, and other
  public money) and private; the **co-financing rate** is the EU's share of
  all that is committed;
- **expenditure** declared per period, and the simplified cost options used;
- **cost per participant**: expenditure declared / participants to date (the
  first of :data:`PARTICIPANTS` the pilot reports), and **cost per result**:
  expenditure / each ESF+ common result indicator's (EECR...) count to date;
- beside them, the **stated cost per beneficiary** of the latest business-model
  revision, and a finding ``cost-disagrees`` when the computed and the stated
  cost differ by more than :data:`COST_FACTOR` (either way).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import Connection, select

from scaletrack.domain.esf_plus import TOTAL
from scaletrack.domain.vocabulary import EU_SOURCES, FundingSource
from scaletrack.projections.database import table
from scaletrack.projections.filters import Filters
from scaletrack.projections.queries.impact import series_rows
from scaletrack.projections.queries.selection import Pilot, event_id, pilots, selected
from scaletrack.projections.tables import Decision, MoneyRow

USES = ("directory", "finance", "impact", "decisions")

COST_FACTOR = Decimal(2)
"""A computed cost per participant more than this many times the stated cost per
beneficiary, or less than the stated cost divided by it, is a finding (cost-disagrees)."""
PARTICIPANTS = (TOTAL,)
"""The indicators that count participants: ESF+'s total of participants at entry."""
RESULT_PREFIX = "EECR"
"""The ESF+ common result indicators' codes begin so."""
NOT_STATED = "not-stated"
SOURCES = (*(str(s) for s in FundingSource), NOT_STATED)
CENT = Decimal("0.01")
ZERO = Decimal(0)


@dataclass
class Books:
    """One pilot's money as its entries stand."""

    pilot: Pilot
    committed: dict[str, Decimal] = field(default_factory=dict)
    paid: dict[str, Decimal] = field(default_factory=dict)
    eu: Decimal = ZERO
    national: Decimal = ZERO
    private: Decimal = ZERO
    expenditure: list[dict[str, Any]] = field(default_factory=list)

    def take(self, row: Any) -> None:
        amount = Decimal(row.amount_eur)
        source = row.funding_source or NOT_STATED
        if row.flow == "committed":
            self.committed[source] = self.committed.get(source, ZERO) + amount
            rate = Decimal(row.co_financing_rate or 0)
            if source in EU_SOURCES:
                self.eu += amount * rate
                self.national += amount * (1 - rate)
            elif source == FundingSource.OTHER_PUBLIC:
                self.national += amount
            elif source == FundingSource.PRIVATE:
                self.private += amount
        elif row.flow == "paid":
            self.paid[source] = self.paid.get(source, ZERO) + amount
        else:
            self.expenditure.append({
                "id": event_id(self.pilot.code, row.version), "period": row.period,
                "amount_eur": amount, "cost_option": row.cost_option,
                "units": _number(row.units), "unit_cost_eur": _number(row.unit_cost_eur)})


def finance(connection: Connection, filters: Filters) -> dict[str, Any]:
    chosen = pilots(connection, filters)
    books = {subject: Books(pilot) for subject, pilot in chosen.items()}
    for row in connection.execute(select(*table(MoneyRow).c)
                                  .where(MoneyRow.subject.in_(selected(filters)))
                                  .order_by(MoneyRow.subject, MoneyRow.period,
                                            MoneyRow.position)):
        books[row.subject].take(row)
    counts = _counts(connection, filters)
    stated = _stated_costs(connection, filters, chosen)
    rows = [_pilot(b, counts.get(b.pilot.code, {}), stated.get(b.pilot.code))
            for b in books.values()]
    return {"filters": filters.describe(), "currency": "EUR", "cost_factor": COST_FACTOR,
            "participant_indicators": list(PARTICIPANTS), "pilots": rows,
            "budget": [line for b in books.values() for line in _budget(b)],
            "expenditure": [{"pilot": b.pilot.code, **e} for b in books.values()
                            for e in b.expenditure],
            "consortia": _consortia(rows),
            "consortium_budget": _consortium_budget(books.values()),
            "findings": [finding for row in rows for finding in _findings(row)]}


def _budget(books: Books) -> list[dict[str, Any]]:
    """A pilot's budget by source: committed and paid."""
    return [{"pilot": books.pilot.code, "funding_source": source,
             "committed": books.committed.get(source, ZERO), "paid": books.paid.get(source, ZERO)}
            for source in SOURCES if source in books.committed or source in books.paid]


def _pilot(books: Books, counts: dict[str, Decimal],
           stated: tuple[Decimal, str] | None) -> dict[str, Any]:
    committed, paid = sum(books.committed.values(), ZERO), sum(books.paid.values(), ZERO)
    declared = sum((e["amount_eur"] for e in books.expenditure), ZERO)
    indicator = next((code for code in PARTICIPANTS if code in counts), None)
    participants = counts.get(indicator) if indicator else None
    results = {code: n for code, n in sorted(counts.items()) if code.startswith(RESULT_PREFIX)}
    return {
        "pilot": books.pilot.code, "consortium": books.pilot.consortium,
        "committed": committed, "paid": paid,
        "eu_contribution": _cents(books.eu), "national_contribution": _cents(books.national),
        "private_contribution": _cents(books.private),
        "co_financing_rate": _share(books.eu, committed),
        "declared": declared,
        "simplified_cost_options": sorted({str(e["cost_option"]) for e in books.expenditure
                                           if e["cost_option"] != "real-costs"}),
        "participant_indicator": indicator, "participants": participants,
        "cost_per_participant": _per(declared, participants),
        "results": results,
        "cost_per_result": {code: _per(declared, n) for code, n in results.items()},
        "stated_cost_per_beneficiary": stated[0] if stated else None,
        "stated_in": stated[1] if stated else None,
    }


def _findings(row: dict[str, Any]) -> list[dict[str, Any]]:
    found = []
    computed, stated = row["cost_per_participant"], row["stated_cost_per_beneficiary"]
    if computed is not None and stated is not None and (
            computed > stated * COST_FACTOR or computed * COST_FACTOR < stated):
        found.append({
            "code": "cost-disagrees", "pilot": row["pilot"], "entry": row["stated_in"],
            "message": f"cost per participant computed from expenditure is EUR {computed}; "
                       f"the business model states EUR {stated} per beneficiary (more than "
                       f"{COST_FACTOR} times apart)"})
    if row["declared"] > row["committed"]:
        found.append({
            "code": "declared-beyond-committed", "pilot": row["pilot"], "entry": None,
            "message": f"EUR {row['declared']} of expenditure declared against EUR "
                       f"{row['committed']} committed"})
    return found


def _consortia(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    totals: dict[str, dict[str, Any]] = {}
    for row in rows:
        total = totals.setdefault(row["consortium"], {
            "consortium": row["consortium"], "pilots": 0, "committed": ZERO, "paid": ZERO,
            "eu_contribution": ZERO, "declared": ZERO})
        total["pilots"] += 1
        for key in ("committed", "paid", "eu_contribution", "declared"):
            total[key] += row[key]
    for total in totals.values():
        total["co_financing_rate"] = _share(total["eu_contribution"], total["committed"])
    return sorted(totals.values(), key=lambda t: str(t["consortium"]))


def _consortium_budget(books: Iterable[Books]) -> list[dict[str, Any]]:
    """Per consortium and funding source: committed and paid, over its pilots."""
    lines: dict[tuple[str, str], dict[str, Any]] = {}
    for b in books:
        for source in set(b.committed) | set(b.paid):
            line = lines.setdefault((b.pilot.consortium, source), {
                "consortium": b.pilot.consortium, "funding_source": source,
                "committed": ZERO, "paid": ZERO})
            line["committed"] += b.committed.get(source, ZERO)
            line["paid"] += b.paid.get(source, ZERO)
    return [lines[key] for key in sorted(lines, key=lambda k: (k[0], SOURCES.index(k[1])))]


def _counts(connection: Connection, filters: Filters) -> dict[str, dict[str, Decimal]]:
    """Per pilot, participants and each result indicator's count to date."""
    counts: dict[str, dict[str, Decimal]] = {}
    for row in series_rows(connection, Filters(consortium=filters.consortium,
                                               country=filters.country, pilot=filters.pilot)):
        if (row.indicator in PARTICIPANTS or row.indicator.startswith(RESULT_PREFIX)) and (
                row.achieved is not None):
            counts.setdefault(row.pilot.code, {})[row.indicator] = row.achieved
    return counts


def _stated_costs(connection: Connection, filters: Filters,
                  chosen: dict[str, Pilot]) -> dict[str, tuple[Decimal, str]]:
    """Per pilot, the cost per beneficiary its latest business-model revision states."""
    stated: dict[str, tuple[Decimal, str]] = {}
    for d in connection.execute(
            select(Decision.subject, Decision.version, Decision.details)
            .where(Decision.subject.in_(selected(filters)),
                   Decision.type == "pilot.business-model-revised")
            .order_by(Decision.occurred_on, Decision.position)):
        code = chosen[d.subject].code
        cost = json.loads(d.details)["cost_per_beneficiary_eur"]
        stated[code] = (Decimal(cost), f"{code}@{d.version}")
    return stated


def _per(amount: Decimal, count: Decimal | None) -> Decimal | None:
    if not count:
        return None
    return (amount / count).quantize(CENT, rounding=ROUND_HALF_UP)


def _share(part: Decimal, whole: Decimal) -> Decimal | None:
    return (part / whole).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP) if whole else None


def _cents(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def _number(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)
