"""The finance view: each pilot's money as its entries stand.

Every commitment (funding secured), payment and expenditure declaration is a
row; a correction replaces its values, a retraction withdraws it. What the
rows add up to (budget by source, contributions, costs per participant and
per result) is computed when the view is read (:mod:`.queries.finance`),
because it depends on the impact view and the decision log too.
"""

from __future__ import annotations

from typing import Any

from scaletrack.domain import pilot_events as ev
from scaletrack.projections.facts import Fact
from scaletrack.projections.tables import MoneyRow
from scaletrack.projections.types import CORRECTED, RETRACTED
from scaletrack.projections.view import View, on

FLOW_OF_TYPE = {ev.FundingSecured.TYPE: "committed", ev.FundingPaid.TYPE: "paid",
                ev.ExpenditureDeclared.TYPE: "declared"}
"""The event types the finance view reads, and the flow of money each records."""


def money(data: dict[str, Any]) -> dict[str, Any]:
    """The columns an entry's values fill (the same for an entry and its correction)."""
    return {"funder": data.get("funder"), "funding_source": data.get("funding_source"),
            "co_financing_rate": data.get("co_financing_rate"), "period": data.get("period"),
            "amount_eur": data["amount_eur"], "cost_option": data.get("cost_option"),
            "units": data.get("units"), "unit_cost_eur": data.get("unit_cost_eur")}


class Finance(View):
    name = "finance"
    tables = (MoneyRow,)

    @on(*FLOW_OF_TYPE)
    def entry(self, fact: Fact) -> None:
        self.write(MoneyRow).append({
            "subject": fact.subject, "version": fact.version, "position": fact.position,
            "flow": FLOW_OF_TYPE[fact.type], "occurred_on": fact.occurred_on,
            **money(fact.state)})

    @on(CORRECTED)
    def corrected(self, fact: Fact) -> None:
        state = fact.state
        if state["corrected_type"] in FLOW_OF_TYPE:
            self.write(MoneyRow).update((fact.subject, state["corrects"]), money(state["data"]))

    @on(RETRACTED)
    def retracted(self, fact: Fact) -> None:
        if fact.state["retracted_type"] in FLOW_OF_TYPE:
            self.write(MoneyRow).delete((fact.subject, fact.state["retracts"]))
