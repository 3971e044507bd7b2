"""``scaletrack log KIND``: every kind records with its documented example, and
refuses bad input with the documented exit code, one line, and no change."""

from __future__ import annotations

import shlex
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from scaletrack.application.kinds import KINDS
from scaletrack.application.ledger import Ledger
from scaletrack.application.queries.history import pilot_history
from scaletrack.domain.envelope import Provenance
from scaletrack.domain.pilot import Pilot

CODE = "SEED-GR-01"
TOMORROW = (datetime.now(UTC) + timedelta(days=2)).date().isoformat()

PLANNED: list[tuple[str, dict[str, Any]]] = [
    ("readiness", {"score": 70, "summary": "Ready"}),
    ("stage", {"to_stage": "readiness-assessed"}), ("stage", {"to_stage": "planned"})]
SETUP: dict[str, list[tuple[str, dict[str, Any]]]] = {
    "pathway-changed": [("pathway", {"pilot_type": "scale-up", "dimensions": ["up"],
                                     "mechanism": "dissemination"})],
    "stage": [("readiness", {"score": 70, "summary": "Ready"}),
              ("stage", {"to_stage": "readiness-assessed"})],
    "milestone-achieved": [("milestone-planned", {"milestone": "M1", "title": "Site open",
                                                  "due_on": date(2022, 3, 31)})],
    "milestone-slipped": [("milestone-planned", {"milestone": "M1", "title": "Site open",
                                                 "due_on": date(2022, 3, 31)})],
    "milestone-dropped": [("milestone-planned", {"milestone": "M1", "title": "Site open",
                                                 "due_on": date(2022, 3, 31)})],
    "partner-left": [("partner-joined", {"organisation": "Social Hub", "country": "GR",
                                         "role": "host"})],
    "target-revised": [("target", {"indicator": "EECO01", "period": "2022-Q4",
                                   "baseline": 0, "target": 120})],
    "risk-closed": [("risk-raised", {"risk": "R1", "description": "Turnover",
                                     "severity": "high"})],
    "period-approved": [("period-submitted", {"period": "2022-Q2"})],
    "period-rejected": [("period-submitted", {"period": "2022-Q2"})],
    "period-unlocked": [("period-submitted", {"period": "2022-Q2"}),
                        ("period-approved", {"period": "2022-Q2"})],
    "closed": [*PLANNED, ("stage", {"to_stage": "piloting"}),
               ("evaluation", {"method": "Survey", "findings": "Works",
                               "recommendation": "scale"}),
               ("stage", {"to_stage": "evaluated"})],
    "funding-paid": [("funding", {"funder": "European Commission, EaSI",
                                  "amount_eur": 150000, "funding_source": "easi-2014-2020",
                                  "co_financing_rate": 1})],
    "adoption": PLANNED,  # a proposed pilot takes no adoption decision
    "evaluation": PLANNED,  # nor a recommendation to scale
}
"""What each kind's example needs to have happened first (logged through the ledger)."""

INVALID: dict[str, list[tuple[str, int]]] = {
    "readiness": [("--score 150 --summary Ready", 2), ("--score many --summary Ready", 2)],
    "pathway": [("--pilot-type replication --dimensions out --mechanism affiliation", 1),
                ("--pilot-type sideways --dimensions out --mechanism dissemination", 2)],
    "pathway-changed": [("--pilot-type replication --dimensions out "
                         "--mechanism dissemination", 2)],
    "stage": [("--to-stage piloting", 1), ("--to-stage flying", 2)],
    "milestone-planned": [("--milestone M1 --title Open --due-on 2022-13-01", 2),
                          ("--milestone 'M 1' --title Open --due-on 2022-12-01", 2)],
    "milestone-achieved": [("--milestone M9", 1)],
    "milestone-slipped": [("--milestone M1 --new-due-on 2022-03-30", 1),
                          ("--milestone M1 --new-due-on 30/06/2022", 2)],
    "milestone-dropped": [("--milestone M1", 2)],
    "business-model": [("--revenue-mix grants=60 --revenue-mix fees=30 "
                        "--cost-per-beneficiary-eur 420 --summary S", 1),
                       ("--revenue-mix grants=100 --cost-per-beneficiary-eur -1 "
                        "--summary S", 2),
                       ("--revenue-mix grants --cost-per-beneficiary-eur 4 --summary S", 2)],
    "hr-change": [("--roles coach --fte -1 --training T --summary S", 2)],
    "adoption": [("--provider P --level local --decision maybe --instrument I", 2)],
    "partner-joined": [("--organisation Hub --country GRE --role host", 2)],
    "partner-left": [("--organisation Nobody", 1)],
    "target": [("--indicator EECO01 --period 2022-Q5 --target 1", 2),
               ("--indicator EECO01 --period 2022-Q4 --narrative Lots", 2),
               ("--indicator POLICY --period 2022-Q4 --target 3", 1),
               ("--indicator NOPE --period 2022-Q4 --target 3", 3)],
    "target-revised": [("--indicator EECO01 --period 2022-Q4 --target 100", 2),
                       ("--indicator EECO01 --period 2023-Q1 --target 100 --reason R", 1)],
    "result": [("--indicator EECO01 --period 2022-Q4 --value 10 --breakdown sex:women=6 "
                "--breakdown sex:men=3", 1),
               ("--indicator EECO01 --period 2022-Q4 --value 10 --breakdown women=10", 2),
               ("--indicator EECO01 --period 2022-Q4 --value ten", 2),
               ("--indicator POLICY --period 2022-Q4 --value 1 --narrative Law", 1),
               ("--indicator POLICY --period 2022-Q4", 1)],
    "adaptation": [("--component Logo --summary New", 1)],
    "funding": [("--funder F --amount-eur -5", 2), ("--funder F --amount-eur 0", 2),
                ("--funder F --amount-eur 5 --currency USD", 2),
                ("--funder F --amount-eur 5 --funding-source bank", 2),
                ("--funder F --amount-eur 5 --funding-source easi-2014-2020", 1),
                ("--funder F --amount-eur 5 --funding-source easi-2014-2020 "
                 "--co-financing-rate 1.5", 2),
                ("--funder F --amount-eur 5 --funding-source private --co-financing-rate 0.5",
                 1),
                ("--funder F --amount-eur 5 --co-financing-rate 0.5", 1),
                ("--funder F --amount-eur 5 --funding-source esf-plus-2021-2027 "
                 "--co-financing-rate 0.6 --occurred-on 2022-06-30", 1)],
    "funding-paid": [("--funder F --funding-source easi-2014-2020 --amount-eur 150001", 1),
                     ("--funder F --funding-source private --amount-eur 5", 1),
                     ("--funder F --funding-source easi-2014-2020 --amount-eur -5", 2),
                     ("--funder F --amount-eur 5", 2)],
    "expenditure": [("--period 2021-Q4 --amount-eur 5", 1),
                    ("--period 2022-Q2 --amount-eur 5 --occurred-on 2022-03-31", 1),
                    ("--period 2022-Q2 --amount-eur 50 --cost-option unit-cost --units 4 "
                     "--unit-cost-eur 10", 1),
                    ("--period 2022-Q2 --amount-eur 50 --cost-option unit-cost", 1),
                    ("--period 2022-Q2 --amount-eur 50 --units 5", 1),
                    ("--period 2022-Q2 --amount-eur 5 --cost-option bulk", 2),
                    ("--period 2022-Q2 --amount-eur -5", 2)],
    "risk-raised": [("--risk R1 --description D --severity dire", 2)],
    "risk-closed": [("--risk R9", 1)],
    "evaluation": [("--method M --findings F --recommendation maybe", 2)],
    "period-submitted": [("--period 2022-Q5", 2), ("--period Q2-2022", 2)],
    "period-approved": [("--period 2022-Q3", 1)],
    "period-rejected": [("--period 2022-Q2", 2)],
    "period-unlocked": [("--period 2022-Q2", 2), ("--period 2022-Q3 --reason R", 1)],
    "closed": [("--outcome O", 2)],
}
"""Invalid input (2), broken rules (1) and unknown references (3), kind by kind."""


BY = Provenance(occurred_on=date(2022, 7, 5), recorded_at=datetime(2022, 7, 5, 9, tzinfo=UTC),
                actor="setup")


def catalogue(ledger: Ledger) -> None:
    """A consortium and two indicators: participants (by sex) and policy change."""
    by = BY
    ledger.register_consortium("SEED", "Seed", "City of Turin", ["IT", "GR", "RO"], by)
    ledger.define_indicator("EECO01", {"name": "Total number of participants",
                                       "level": "output", "measure": "unit",
                                       "unit": "participants", "direction": "higher",
                                       "accumulation": "incremental", "dimensions": ["sex"],
                                       "esf_common": True}, by)
    ledger.define_indicator("POLICY", {"name": "Policy change", "level": "impact",
                                       "measure": "qualitative", "unit": "",
                                       "direction": "higher", "accumulation": "snapshot",
                                       "dimensions": []}, by)


def prepare(ledger: Ledger, kind: str, code: str = CODE) -> int:
    """A pilot in the state the kind's example needs; returns its version."""
    by = BY
    ledger.register_pilot(code, "SEED", {
        "title": "SI mapping", "innovation": "Local SI mapping", "origin_country": "IT",
        "target_countries": ["GR"], "core_components": ["Mapping method"],
        "adaptable_components": ["Training format"], "starts_on": date(2022, 1, 1),
        "ends_on": date(2023, 6, 30)}, by)
    for step, values in SETUP.get(kind, []):
        ledger.log_event(step, code, values, by)
    return ledger.get(Pilot, code).version


def example(kind: str) -> list[str]:
    return shlex.split(KINDS[kind].example)


def without_reason(args: list[str]) -> list[str]:
    at = args.index("--reason")
    return args[:at] + args[at + 2:]


def test_every_kind_has_invalid_cases() -> None:
    assert set(INVALID) == set(KINDS)
    assert set(SETUP) <= set(KINDS)


# One store per kind is slow to make on PostgreSQL: the kinds run here on SQLite,
# and all of them in one store on every backend below.
@pytest.mark.parametrize("store_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize("kind", sorted(KINDS))
def test_each_kind_records_its_example_and_refuses_bad_input(kind: str, ledger: Ledger,
                                                             run: Any) -> None:
    catalogue(ledger)
    version = prepare(ledger, kind)
    count = ledger.event_count()
    refusals = [(shlex.split(args), code) for args, code in INVALID[kind]]
    refusals.append(([], 2))  # every kind has a required option
    refusals.append(([*example(kind), "--occurred-on", TOMORROW], 1))
    if KINDS[kind].needs_reason:
        refusals.append((without_reason(example(kind)), 2))
    for args, code in refusals:
        result = run("log", kind, CODE, *args)
        assert (result.exit_code, result.stdout) == (code, ""), (args, result)
        assert result.stderr.startswith("error: "), (args, result.stderr)
        assert len(result.stderr.splitlines()) == 1, (args, result.stderr)
        assert ledger.event_count() == count, args

    result = run("log", kind, CODE, *example(kind))
    assert (result.exit_code, result.stdout, result.stderr) == (
        0, f"{CODE}@{version + 1}\n", "")
    assert ledger.event_count() == count + 1
    last = pilot_history(ledger, CODE)[-1]
    assert (last["type"], last["actor"], last["source"]) == (
        KINDS[kind].event.TYPE, "tester", "cli")


def test_every_kind_records_on_every_store(ledger: Ledger, run: Any) -> None:
    catalogue(ledger)
    for number, kind in enumerate(sorted(KINDS), start=1):
        code = f"SEED-K{number:02}"
        version = prepare(ledger, kind, code)
        count = ledger.event_count()
        refused = run("log", kind, code)
        assert (refused.exit_code, ledger.event_count()) == (2, count), kind
        result = run("log", kind, code, *example(kind))
        assert (result.exit_code, result.stdout) == (0, f"{code}@{version + 1}\n"), result
        assert ledger.event_count() == count + 1


def test_json_output_is_the_recorded_event(ledger: Ledger, run: Any) -> None:
    catalogue(ledger)
    prepare(ledger, "result")
    result = run("log", "result", CODE, "--indicator", "eeco01", "--period", "2022-q4",
                 "--value", "10", "--breakdown", "sex:women=6", "--breakdown", "sex:men=4",
                 "--occurred-on", "2022-12-20", "--reason", "Quarterly count", "--json")
    assert result.exit_code == 0, result.stderr
    event = result.json()
    assert {k: event[k] for k in ("id", "type", "version", "occurred_on", "actor", "reason",
                                  "source")} == {
        "id": f"{CODE}@2", "type": "pilot.result-reported", "version": 2,
        "occurred_on": "2022-12-20", "actor": "tester", "reason": "Quarterly count",
        "source": "cli"}
    assert event["data"] == {"indicator": "EECO01", "indicator_version": 1, "period": "2022-Q4",
                             "value": "10", "narrative": None,
                             "breakdown": {"sex": {"women": "6", "men": "4"}}}
    assert datetime.fromisoformat(event["recorded_at"]).tzinfo is not None


def test_an_unknown_pilot_is_not_found(ledger: Ledger, run: Any) -> None:
    catalogue(ledger)
    prepare(ledger, "readiness")
    result = run("log", "readiness", "SEED-XX-99", "--score", "70", "--summary", "Ready")
    assert (result.exit_code, result.stdout) == (3, "")
    assert result.stderr == ("error: no pilot SEED-XX-99; see scaletrack pilot list\n")


@pytest.mark.parametrize("store_url", ["sqlite"], indirect=True)
def test_every_kind_shows_an_example_in_its_help(run: Any) -> None:
    for kind in KINDS:
        result = run("log", kind, "--help")
        assert result.exit_code == 0
        assert f"scaletrack log {kind} SEED-GR-01 " in result.stdout


@pytest.mark.parametrize(("kind", "args"), [
    ("result", "--indicator EECO01 --period 2022-Q4 --value 10"),
    ("result", "--indicator POLICY --period 2022-Q4 --narrative 'Law drafted'"),
    ("business-model", "--cost-per-beneficiary-eur 380 --summary 'Cheaper venue'"),
    ("hr-change", "--fte 1 --training 'Induction' --summary 'One coach'"),
])
@pytest.mark.parametrize("store_url", ["sqlite"], indirect=True)
def test_repeatable_options_may_be_left_out(kind: str, args: str, ledger: Ledger,
                                            run: Any) -> None:
    catalogue(ledger)
    prepare(ledger, kind)
    result = run("log", kind, CODE, *shlex.split(args), "--json")
    assert result.exit_code == 0, result.stderr
    data = result.json()["data"]
    assert {k: v for k, v in data.items() if v in ({}, [])} == {
        "result": {"breakdown": {}}, "business-model": {"revenue_mix": {}},
        "hr-change": {"roles": []}}[kind]
