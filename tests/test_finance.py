"""Money per pilot: the rules of funding, payments and expenditure (and a stateful machine
of them), the finance view and its computed costs (CLI, API), and a demo whose figures
reconcile with its funding events."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from scaletrack.application.ledger import Ledger
from scaletrack.application.mapper import event_state
from scaletrack.application.store import StoreURL
from scaletrack.domain.consortium import Consortium
from scaletrack.domain.envelope import Provenance, Recorded
from scaletrack.domain.errors import InvalidInput, RuleViolation
from scaletrack.domain.pilot import Pilot
from scaletrack.domain.vocabulary import ESF_PLUS_PROGRAMMES_FROM
from scaletrack.projections.queries.finance import COST_FACTOR
from serving import Deployment

CODE = "SEED-GR-01"
RECORDED_AT = datetime(2023, 6, 30, 12, tzinfo=UTC)
EASI = {"funder": "European Commission, EaSI", "funding_source": "easi-2014-2020"}


def by(on: date = date(2022, 3, 1), reason: str | None = None) -> Provenance:
    return Provenance(occurred_on=on, recorded_at=RECORDED_AT, actor="tester", reason=reason)


def last(pilot: Pilot) -> Recorded:
    """The event the pilot recorded last."""
    event = pilot.pending_events[-1]
    assert isinstance(event, Recorded)
    return event


def a_pilot() -> Pilot:
    seed = Consortium.register("SEED", "Seed", "City of Turin", ["IT", "GR"], by())
    return Pilot.register(CODE, seed, by(), title="SI mapping", innovation="Local SI mapping",
                          origin_country="IT", target_countries=["GR"],
                          core_components=["Method"], adaptable_components=["Venue"],
                          starts_on=date(2021, 6, 1), ends_on=date(2023, 6, 30))


# -- the domain's rules ------------------------------------------------------------------


def test_a_payment_never_exceeds_what_was_committed_from_its_source() -> None:
    pilot = a_pilot()
    pilot.secure_funding("EC", Decimal(200_000), "EUR", by(), "easi-2014-2020", Decimal(1))
    pilot.pay_funding(by(), **EASI, amount_eur=Decimal(150_000))
    with pytest.raises(RuleViolation) as error:
        pilot.pay_funding(by(), **EASI, amount_eur=Decimal(50_001))
    assert error.value.rule == "paid-beyond-committed"
    assert str(error.value) == ("SEED-GR-01 would have EUR 200001 paid from easi-2014-2020 "
                                "but only EUR 200000 committed from it; record the "
                                "commitment first, or pay less")
    with pytest.raises(RuleViolation, match="only EUR 0 committed"):
        pilot.pay_funding(by(), funder="Bank", funding_source="private", amount_eur=1)
    pilot.pay_funding(by(), **EASI, amount_eur=Decimal(50_000))
    assert (pilot.committed("easi-2014-2020"), pilot.paid("easi-2014-2020")) == (
        Decimal(200_000), Decimal(200_000))


def test_a_commitment_corrected_or_retracted_still_covers_what_was_paid() -> None:
    pilot = a_pilot()
    pilot.secure_funding("EC", Decimal(200_000), "EUR", by(), "easi-2014-2020", Decimal(1))
    commitment = last(pilot)
    pilot.pay_funding(by(), **EASI, amount_eur=Decimal(120_000))
    payment = last(pilot)
    with pytest.raises(RuleViolation, match=r"EUR 120000 paid .* only EUR 100000 committed"):
        pilot.correct_entry(commitment, {"amount_eur": Decimal(100_000)}, by(reason="Typo"))
    with pytest.raises(RuleViolation) as error:
        pilot.retract_entry(commitment, by(reason="Wrong pilot"))
    assert error.value.rule == "paid-beyond-committed"
    with pytest.raises(RuleViolation, match="paid from easi-2014-2020"):
        pilot.correct_entry(commitment, {"funding_source": "esf-technical-assistance"},
                            by(reason="Other budget line"))
    with pytest.raises(RuleViolation, match="EUR 200001 paid"):
        pilot.correct_entry(payment, {"amount_eur": Decimal(200_001)}, by(reason="Typo"))

    pilot.correct_entry(commitment, {"amount_eur": Decimal(130_000)}, by(reason="Signed"))
    pilot.retract_entry(payment, by(reason="Paid to another pilot"))
    pilot.retract_entry(commitment, by(reason="Wrong pilot"))
    assert (pilot.committed("easi-2014-2020"), pilot.paid("easi-2014-2020")) == (
        Decimal(0), Decimal(0))


def test_eu_money_states_its_co_financing_rate_and_other_money_has_none() -> None:
    pilot = a_pilot()
    for source, rate, broken in (("easi-2014-2020", None, "co-financing-rate-missing"),
                                 ("other-public", Decimal("0.5"), "not-eu-money"),
                                 (None, Decimal("0.5"), "co-financing-without-source")):
        with pytest.raises(RuleViolation) as error:
            pilot.secure_funding("F", 1000, "EUR", by(), source, rate)
        assert error.value.rule == broken
    with pytest.raises(InvalidInput, match="co-financing-rate: must be 1 or less"):
        pilot.secure_funding("F", 1000, "EUR", by(), "easi-2014-2020", Decimal("1.2"))
    with pytest.raises(InvalidInput, match="funding-source: 'bank' is not one of"):
        pilot.secure_funding("F", 1000, "EUR", by(), "bank", None)
    with pytest.raises(InvalidInput, match="amount-eur: must be more than 0"):
        pilot.secure_funding("F", -5, "EUR", by(), "private", None)
    pilot.secure_funding("City", 1000, "EUR", by(), "other-public", None)
    assert last(pilot).co_financing_rate == 0  # type: ignore[attr-defined]
    assert pilot.version == 2


def test_no_esf_plus_programme_money_before_the_programmes_were_adopted() -> None:
    pilot = a_pilot()
    the_day_before = date(2022, 6, 30)
    with pytest.raises(RuleViolation) as error:
        pilot.secure_funding("Greek ESF+ programme", 1000, "EUR", by(the_day_before),
                             "esf-plus-2021-2027", Decimal("0.8"))
    assert error.value.rule == "esf-plus-before-programmes"
    pilot.secure_funding("Greek ESF+ programme", 1000, "EUR", by(ESF_PLUS_PROGRAMMES_FROM),
                         "esf-plus-2021-2027", Decimal("0.8"))
    early = last(pilot)
    pilot.secure_funding("City", 1000, "EUR", by(the_day_before), "other-public", None)
    with pytest.raises(RuleViolation, match="no ESF\\+ 2021-2027 programme had money"):
        pilot.correct_entry(last(pilot), {"funding_source": "esf-plus-2021-2027",
                                                       "co_financing_rate": Decimal("0.8")},
                            by(date(2023, 1, 2), reason="Source"))
    assert early.originator_version == 2


def test_expenditure_is_declared_once_per_period_inside_the_pilot_and_unit_costs_add_up(
        ) -> None:
    pilot = a_pilot()
    cases = [({"period": "2021-Q1", "amount_eur": 10}, date(2022, 1, 5), "period-outside-pilot"),
             ({"period": "2022-Q2", "amount_eur": 10}, date(2022, 3, 31),
              "expenditure-before-period"),
             ({"period": "2022-Q1", "amount_eur": 50, "cost_option": "unit-cost",
               "units": 4, "unit_cost_eur": 10}, date(2022, 4, 5), "unit-cost-total"),
             ({"period": "2022-Q1", "amount_eur": 50, "cost_option": "unit-cost"},
              date(2022, 4, 5), "unit-cost-incomplete"),
             ({"period": "2022-Q1", "amount_eur": 50, "units": 5}, date(2022, 4, 5),
              "units-without-unit-cost")]
    for values, on, broken in cases:
        with pytest.raises(RuleViolation) as error:
            pilot.declare_expenditure(by(on), **values)
        assert error.value.rule == broken, values
    pilot.declare_expenditure(by(date(2022, 4, 5)), period="2022-Q1", amount_eur=12_000,
                              cost_option="unit-cost", units=40, unit_cost_eur=300)
    declared = last(pilot)
    with pytest.raises(RuleViolation) as error:
        pilot.declare_expenditure(by(date(2022, 4, 6)), period="2022-q1", amount_eur=5)
    assert str(error.value) == (
        "the expenditure for 2022-Q1 is already declared as SEED-GR-01@2; correct it: "
        "scaletrack correct SEED-GR-01@2 --set amount_eur=N --reason TEXT")
    with pytest.raises(RuleViolation, match="40 units at EUR 300 make EUR 12000"):
        pilot.correct_entry(declared, {"amount_eur": Decimal(13_000)}, by(reason="Typo"))
    pilot.retract_entry(declared, by(reason="Declared for the wrong pilot"))
    pilot.declare_expenditure(by(date(2022, 4, 6)), period="2022-Q1", amount_eur=5)
    assert pilot.expenditure == {"2022-Q1": 4}


def test_a_pilots_money_survives_its_snapshot(sqlite_url: str) -> None:
    pilot = a_pilot()
    pilot.secure_funding("EC", Decimal("200000.50"), "EUR", by(), "easi-2014-2020",
                         Decimal(1))
    pilot.pay_funding(by(), **EASI, amount_eur=Decimal(80_000))
    pilot.declare_expenditure(by(date(2022, 4, 5)), period="2022-Q1", amount_eur=5)
    ledger = Ledger(StoreURL.parse(sqlite_url))
    try:
        stored = ledger.mapper.to_stored_event(Pilot.Snapshot.take(pilot))
        restored = ledger.mapper.to_domain_event(stored).mutate(None)  # type: ignore[attr-defined]
    finally:
        ledger.close()
    assert restored.money == pilot.money
    assert restored.expenditure == {"2022-Q1": 4}
    assert restored.paid("easi-2014-2020") == 80_000


# -- the finance view, on the command line and through the API ---------------------------


def record_money(ledger: Ledger, code: str = CODE, cost: int = 800) -> None:
    """A pilot with an EaSI grant, own co-funding, a payment, two quarters' expenditure
    (one at a unit cost), 60 participants and a stated cost per beneficiary."""
    at = datetime(2022, 12, 1, tzinfo=UTC)

    def log(kind: str, on: date, **values: Any) -> None:
        ledger.log_event(kind, code, values, Provenance(occurred_on=on, recorded_at=at,
                                                        actor="tester"))

    log("funding", date(2022, 1, 10), funder="EC", amount_eur=200_000,
        funding_source="easi-2014-2020", co_financing_rate=1)
    log("funding", date(2022, 1, 20), funder="City", amount_eur=50_000,
        funding_source="other-public")
    log("funding", date(2022, 8, 1), funder="Greek ESF+ programme", amount_eur=40_000,
        funding_source="esf-plus-2021-2027", co_financing_rate="0.75")
    log("funding-paid", date(2022, 2, 1), funder="EC", funding_source="easi-2014-2020",
        amount_eur=80_000)
    log("expenditure", date(2022, 4, 10), period="2022-Q1", amount_eur=30_000)
    log("expenditure", date(2022, 7, 10), period="2022-Q2", amount_eur=12_000,
        cost_option="unit-cost", units=40, unit_cost_eur=300)
    log("result", date(2022, 3, 31), indicator="PART", period="2022-Q1", value=60)
    log("business-model", date(2022, 2, 15), revenue_mix={"grants": 100},
        cost_per_beneficiary_eur=cost, summary="Grant-funded")


@pytest.fixture
def with_money(ledger: Ledger) -> Ledger:
    from test_cli_log import catalogue, prepare

    catalogue(ledger)
    prepare(ledger, "funding")
    record_money(ledger)
    return ledger


BUDGET = [{"funding_source": "easi-2014-2020", "committed": 200000, "paid": 80000},
          {"funding_source": "esf-plus-2021-2027", "committed": 40000, "paid": 0},
          {"funding_source": "other-public", "committed": 50000, "paid": 0}]
EXPECTED_PILOT = {
    "pilot": CODE, "consortium": "SEED", "committed": 290000, "paid": 80000,
    "eu_contribution": 230000,
    "national_contribution": 60000, "private_contribution": 0, "co_financing_rate": 0.7931,
    "declared": 42000, "simplified_cost_options": ["unit-cost"],
    "participant_indicator": "PART", "participants": 60, "cost_per_participant": 700,
    "results": {}, "cost_per_result": {}, "stated_cost_per_beneficiary": 800,
    "stated_in": f"{CODE}@9"}


def test_finance_json_is_the_pilots_money_with_costs_computed(with_money: Ledger,
                                                              run: Any) -> None:
    shown = run("finance", "--pilot", CODE, "--json")
    assert (shown.exit_code, shown.stderr) == (0, "")
    assert shown.json() == {
        "filters": {"pilot": CODE}, "currency": "EUR", "cost_factor": 2,
        "participant_indicators": ["EECO01", "PART"], "pilots": [EXPECTED_PILOT],
        "budget": [{"pilot": CODE, **line} for line in BUDGET],
        "expenditure": [
            {"pilot": CODE, "id": f"{CODE}@6", "period": "2022-Q1", "amount_eur": 30000,
             "cost_option": "real-costs", "units": None, "unit_cost_eur": None},
            {"pilot": CODE, "id": f"{CODE}@7", "period": "2022-Q2", "amount_eur": 12000,
             "cost_option": "unit-cost", "units": 40, "unit_cost_eur": 300}],
        "consortia": [{"consortium": "SEED", "pilots": 1, "committed": 290000, "paid": 80000,
                       "eu_contribution": 230000, "declared": 42000,
                       "co_financing_rate": 0.7931}],
        "consortium_budget": [{"consortium": "SEED", **line} for line in BUDGET],
        "findings": []}


@pytest.mark.parametrize("store_url", ["sqlite"], indirect=True)
def test_finance_prints_readable_tables(with_money: Ledger, run: Any) -> None:
    shown = run("finance", "--consortium", "SEED")
    assert (shown.exit_code, shown.stderr) == (0, "(no rows)\n")  # no findings
    lines = [line for line in shown.stdout.splitlines() if CODE in line]
    assert [" ".join(line.replace("│", " ").split()) for line in lines] == [
        "SEED-GR-01 290000 80000 42000 230000 60000 0 0.7931 60 700 800",
        "SEED-GR-01 easi-2014-2020 200000 80000",
        "SEED-GR-01 esf-plus-2021-2027 40000 0",
        "SEED-GR-01 other-public 50000 0",
        "SEED-GR-01@6 2022-Q1 30000 real-costs",
        "SEED-GR-01@7 2022-Q2 12000 unit-cost 40 300"]
    assert "By consortium and source" in shown.stdout
    assert "Findings (cost factor 2)" in shown.stdout


@pytest.mark.parametrize("store_url", ["sqlite"], indirect=True)
def test_a_stated_cost_more_than_the_factor_off_the_computed_one_is_a_finding(
        ledger: Ledger, run: Any) -> None:
    from test_cli_log import catalogue, prepare

    catalogue(ledger)
    prepare(ledger, "funding")
    record_money(ledger, cost=349)  # 700 computed: more than twice 349
    findings = run("finance", "--json").json()["findings"]
    assert findings == [{
        "code": "cost-disagrees", "pilot": CODE, "entry": f"{CODE}@9",
        "message": "cost per participant computed from expenditure is EUR 700.00; the "
                   "business model states EUR 349 per beneficiary (more than 2 times apart)"}]
    assert COST_FACTOR == 2
    assert run("correct", f"{CODE}@9", "--set", "cost_per_beneficiary_eur=350",
               "--reason", "Rounded down").exit_code == 0
    assert run("finance", "--json").json()["findings"] == []


@pytest.mark.parametrize("store_url", ["sqlite"], indirect=True)
def test_costs_per_participant_and_per_result_use_the_esf_common_indicators(
        with_money: Ledger, run: Any) -> None:
    unit = {"level": "output", "measure": "unit", "unit": "participants", "direction": "higher",
            "accumulation": "incremental", "dimensions": [], "esf_common": True}
    at = Provenance(occurred_on=date(2022, 1, 3), recorded_at=datetime(2022, 12, 2, tzinfo=UTC),
                    actor="tester")
    ledger = with_money
    ledger.define_indicator("EECO01", {"name": "Total participants", **unit}, at)
    ledger.define_indicator("EECR04", {"name": "Participants in employment upon leaving",
                                       **unit, "level": "outcome"}, at)
    for code, value in (("EECO01", 84), ("EECR04", 21)):
        ledger.log_event("result", CODE, {"indicator": code, "period": "2022-Q2",
                                          "value": value},
                         Provenance(occurred_on=date(2022, 6, 30),
                                    recorded_at=datetime(2022, 12, 2, tzinfo=UTC),
                                    actor="tester"))
    row = run("finance", "--pilot", CODE, "--json").json()["pilots"][0]
    assert (row["participant_indicator"], row["participants"]) == ("EECO01", 84)
    assert row["cost_per_participant"] == 500  # 42,000 / 84 (EECO01 before PART)
    assert (row["results"], row["cost_per_result"]) == ({"EECR04": 21}, {"EECR04": 2000})


def test_finance_as_of_a_day_shows_the_money_as_it_stood(with_money: Ledger,
                                                         run: Any) -> None:
    then = run("finance", "--as-of", "2022-07-06", "--json").json()["pilots"][0]
    assert (then["committed"], then["paid"], then["declared"]) == (250000, 80000, 30000)
    assert then["co_financing_rate"] == 0.8
    assert then["cost_per_participant"] == 500


@pytest.mark.parametrize("store_url", ["sqlite"], indirect=True)
def test_finance_refuses_unknown_pilots_and_bad_options(with_money: Ledger,
                                                        run: Any) -> None:
    unknown = run("finance", "--pilot", "SEED-XX-09")
    assert (unknown.exit_code, unknown.stdout) == (3, "")
    assert unknown.stderr == "error: no pilot SEED-XX-09; see scaletrack pilot list\n"
    bad = run("finance", "--as-of", "yesterday")
    assert (bad.exit_code, bad.stdout) == (2, "")
    assert run("finance", "--indicator", "PART").exit_code == 2


def test_the_api_serves_the_finance_view_as_the_cli_prints_it(served: Deployment,
                                                               run: Any) -> None:
    ledger = Ledger(StoreURL.parse(served.url))
    try:
        record_money(ledger)
    finally:
        ledger.close()
    answer = served.get("/api/v1/views/finance", "eva", params={"pilot": CODE})
    assert answer.status_code == 200, answer.text
    assert answer.json() == run("finance", "--pilot", CODE, "--json").json()
    assert answer.json()["pilots"][0]["cost_per_participant"] == 700
    assert served.get("/api/v1/views/finance").status_code == 401
    missing = served.get("/api/v1/views/finance", "eva", params={"pilot": "SEED-XX-09"})
    assert missing.status_code == 404
    assert set(missing.json()) >= {"error"}


# -- the demo's money reconciles -----------------------------------------------------------


def entries_as_they_stand(events: list[Recorded], types: set[str]) -> dict[
        tuple[str, int], tuple[str, dict[str, Any]]]:
    """Every entry of these types by (pilot id, version), corrections applied, retractions
    left out: an independent reading of the event log."""
    found: dict[tuple[str, int], tuple[str, dict[str, Any]]] = {}
    for event in events:
        key = (str(event.originator_id), event.originator_version)
        if event.TYPE in types:
            found[key] = (event.TYPE, event_state(event))
        elif event.TYPE == "pilot.entry-corrected":
            named = (str(event.originator_id), event.corrects)  # type: ignore[attr-defined]
            if named in found:
                found[named] = (found[named][0], {**found[named][1],
                                                  **event.data})  # type: ignore[attr-defined]
        elif event.TYPE == "pilot.entry-retracted":
            found.pop((str(event.originator_id), event.retracts), None)  # type: ignore[attr-defined]
    return found


def test_the_demos_money_reconciles_with_its_funding_events(demo_url: str, cli: Any) -> None:
    ledger = Ledger(StoreURL.parse(demo_url))
    try:
        events = list(ledger.all_events())
    finally:
        ledger.close()
    codes = {str(e.originator_id): e.code for e in events  # type: ignore[attr-defined]
             if e.TYPE == "pilot.registered"}
    money = entries_as_they_stand(events, {"pilot.funding-secured", "pilot.funding-paid",
                                           "pilot.expenditure-declared"})
    committed: dict[str, Decimal] = defaultdict(Decimal)
    paid: dict[str, Decimal] = defaultdict(Decimal)
    declared: dict[str, Decimal] = defaultdict(Decimal)
    grants: dict[str, Decimal] = defaultdict(Decimal)
    by_source: dict[tuple[str, str], list[Decimal]] = defaultdict(lambda: [Decimal(0)] * 2)
    for (subject, _), (kind, state) in money.items():
        code, amount = codes[subject], Decimal(state["amount_eur"])
        source = str(state.get("funding_source"))
        if kind == "pilot.funding-secured":
            committed[code] += amount
            by_source[code, source][0] += amount
            if source in ("easi-2014-2020", "esf-technical-assistance"):
                grants[code.split("-")[0]] += amount
            if source == "esf-plus-2021-2027":
                assert date.fromisoformat(state["occurred_on"]) >= ESF_PLUS_PROGRAMMES_FROM
        elif kind == "pilot.funding-paid":
            paid[code] += amount
            by_source[code, source][1] += amount
        else:
            declared[code] += amount

    document = cli("--db", demo_url, "finance", "--json").json()
    rows = {row["pilot"]: row for row in document["pilots"]}
    assert set(rows) == set(codes.values())
    for code, row in rows.items():
        assert (Decimal(str(row["committed"])), Decimal(str(row["paid"])),
                Decimal(str(row["declared"]))) == (committed[code], paid[code],
                                                   declared[code]), code
        assert row["paid"] <= row["committed"], code
        assert row["declared"] <= row["committed"], code
    for line in document["budget"]:
        code = line["pilot"]
        assert line["paid"] <= line["committed"], code
        assert by_source[code, line["funding_source"]] == [
            Decimal(str(line["committed"])), Decimal(str(line["paid"]))], code
    assert {line["pilot"] for line in document["budget"]} == set(rows)
    for code, row in rows.items():
        assert row["cost_per_participant"] is None or (
            Decimal(str(row["cost_per_participant"]))
            == (declared[code] / Decimal(str(row["participants"]))).quantize(
                Decimal("0.01"), rounding=ROUND_HALF_UP))  # the view rounds half up
    # the 2020 call: EaSI plus ESF technical assistance, EUR 0.6-1 million per consortium
    assert all(600_000 <= total <= 1_000_000 for total in grants.values()), grants
    assert len(grants) == 6
    assert grants["FUSE"] == 650_000
    assert all(0.6 <= c["co_financing_rate"] <= 0.95 for c in document["consortia"])
    assert {(line["consortium"], line["funding_source"]) for line in document[
        "consortium_budget"]} >= {(c, "easi-2014-2020") for c in grants}
    assert any(row["simplified_cost_options"] == ["unit-cost"] for row in rows.values())
    # stated costs per beneficiary follow what is spent per participant, except where the
    # evaluation found take-up far below plan (the pilot that stopped)
    assert [(f["code"], f["pilot"]) for f in document["findings"]] == [
        ("cost-disagrees", "PENCIL-FI-01")]


# -- a stateful machine: commitments, payments, corrections and retractions ---------------

SOURCES = ("easi-2014-2020", "other-public")
amounts = st.integers(1, 5).map(lambda n: Decimal(n * 1000))


class MoneyMachine(RuleBasedStateMachine):
    """A pilot's money beside a trivial model: lines of committed and paid money by entry;
    whatever is refused, nothing is ever paid beyond what is committed from its source."""

    def __init__(self) -> None:
        super().__init__()
        self.pilot = a_pilot()
        self.lines: dict[int, tuple[str, str, Decimal]] = {}
        """Entry version -> (flow, source, amount), as the model believes it."""

    def sums(self, flow: str, source: str, lines: dict[int, tuple[str, str, Decimal]]
             ) -> Decimal:
        return sum((a for f, s, a in lines.values() if (f, s) == (flow, source)), Decimal(0))

    def legal(self, lines: dict[int, tuple[str, str, Decimal]]) -> bool:
        return all(self.sums("paid", s, lines) <= self.sums("committed", s, lines)
                   for s in SOURCES)

    def attempt(self, lines: dict[int, tuple[str, str, Decimal]], command: Any) -> None:
        version = self.pilot.version
        if self.legal(lines):
            command()
            self.lines = lines
        else:
            with pytest.raises(RuleViolation) as error:
                command()
            assert error.value.rule == "paid-beyond-committed"
            assert self.pilot.version == version

    @rule(source=st.sampled_from(SOURCES), amount=amounts)
    def commit(self, source: str, amount: Decimal) -> None:
        rate = Decimal(1) if source == "easi-2014-2020" else None
        lines = {**self.lines, self.pilot.version + 1: ("committed", source, amount)}
        self.attempt(lines, lambda: self.pilot.secure_funding("F", amount, "EUR", by(),
                                                              source, rate))

    @rule(source=st.sampled_from(SOURCES), amount=amounts)
    def pay(self, source: str, amount: Decimal) -> None:
        lines = {**self.lines, self.pilot.version + 1: ("paid", source, amount)}
        self.attempt(lines, lambda: self.pilot.pay_funding(
            by(), funder="F", funding_source=source, amount_eur=amount))

    @rule(data=st.data(), amount=amounts)
    def correct(self, data: st.DataObject, amount: Decimal) -> None:
        if not self.lines:
            return
        version = data.draw(st.sampled_from(sorted(self.lines)))
        flow, source, before = self.lines[version]
        if amount == before:
            return
        original = next(e for e in self.pilot.pending_events
                        if e.originator_version == version)
        assert isinstance(original, Recorded)
        latest = next((e for e in reversed(self.pilot.pending_events)
                       if getattr(e, "corrects", None) == version), None)
        lines = {**self.lines, version: (flow, source, amount)}
        self.attempt(lines, lambda: self.pilot.correct_entry(
            original, {"amount_eur": amount}, by(reason="Signed"), None,
            latest))  # type: ignore[arg-type]

    @rule(data=st.data())
    def retract(self, data: st.DataObject) -> None:
        if not self.lines:
            return
        version = data.draw(st.sampled_from(sorted(self.lines)))
        original = next(e for e in self.pilot.pending_events
                        if e.originator_version == version)
        assert isinstance(original, Recorded)
        lines = {v: line for v, line in self.lines.items() if v != version}
        self.attempt(lines, lambda: self.pilot.retract_entry(original, by(reason="Wrong")))

    @invariant()
    def the_pilot_adds_up_as_the_model_does(self) -> None:
        for source in SOURCES:
            assert self.pilot.committed(source) == self.sums("committed", source, self.lines)
            assert self.pilot.paid(source) == self.sums("paid", source, self.lines)
            assert self.pilot.paid(source) <= self.pilot.committed(source)

    @invariant()
    def replaying_the_events_gives_the_same_money(self) -> None:
        replayed: Any = None
        for event in self.pilot.pending_events:
            replayed = event.mutate(replayed)
        assert replayed.money == self.pilot.money


MoneyMachine.TestCase.settings = settings(max_examples=30, stateful_step_count=25,
                                          deadline=None,
                                          suppress_health_check=[HealthCheck.too_slow])
test_money_rules_hold_whatever_is_committed_paid_corrected_or_retracted = \
    MoneyMachine.TestCase


@pytest.mark.parametrize("columns", [80, 100])
def test_finance_fits_the_terminal_leaving_out_the_least_needed_money(
        demo_url: str, cli: Any, monkeypatch: pytest.MonkeyPatch, columns: int) -> None:
    monkeypatch.setenv("COLUMNS", str(columns))
    shown = cli("--db", demo_url, "finance")
    assert shown.exit_code == 0, shown.stderr
    assert [line for line in shown.stdout.splitlines() if len(line) > columns] == []
    assert f"left out to fit {columns} columns: national contribution" in shown.stderr
    header = " ".join(shown.stdout.split("Budget by source")[0].replace("┃", " ").split())
    for kept in ("pilot", "committed", "paid", "declared", "eu", "contribution", "cost per"):
        assert kept in header
    assert "SEED-GR-01@" in shown.stdout  # the expenditure's entries, whole
