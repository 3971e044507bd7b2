"""Adoption, evaluation and fidelity detail (issue 17, item 5).

An adoption decision states what the provider commits (budget, months, coverage,
instrument, ESF+ funding) and why when it rejects or defers; a pilot closes as taken
over by a public provider only with an adopted decision; an evaluation states its
design, independence, sample size and evidence level, and shows in the decision log;
a core-component deviation says why and, where the pilot asks for it, who approved it
for the originator. Events stored before these details load unchanged.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest

from scaletrack.application.importing.cells import CellError, Reading, Shape, as_text, parse
from scaletrack.application.ledger import Ledger
from scaletrack.application.mapper import decode_event
from scaletrack.domain import pilot_events as ev
from scaletrack.domain.consortium import Consortium
from scaletrack.domain.envelope import Provenance
from scaletrack.domain.errors import InvalidInput, RuleViolation
from scaletrack.domain.pilot import Pilot

RECORDED_AT = datetime(2023, 6, 30, 12, tzinfo=UTC)
CODE = "SEED-GR-01"


def by(on: date = date(2023, 2, 1), reason: str | None = None) -> Provenance:
    return Provenance(occurred_on=on, recorded_at=RECORDED_AT, actor="tester", reason=reason)


def registered(**changes: Any) -> Pilot:
    seed = Consortium.register("SEED", "Seed", "City of Turin", ["IT", "GR"], by())
    return Pilot.register(CODE, seed, by(date(2022, 1, 1)), title="SI mapping",
                          innovation="Local SI mapping", origin_country="IT",
                          target_countries=["GR"], core_components=["Method"],
                          adaptable_components=["Venue"], starts_on=date(2022, 1, 1),
                          ends_on=date(2023, 6, 30), **changes)


def piloting(**changes: Any) -> Pilot:
    pilot = registered(**changes)
    pilot.assess_readiness(70, "Partners ready", by())
    for stage in ("readiness-assessed", "planned", "piloting"):
        pilot.advance_stage(stage, by())
    return pilot


def evaluated(pilot: Pilot) -> Pilot:
    pilot.complete_evaluation(by(), method="Survey", findings="Works", recommendation="scale")
    pilot.advance_stage("evaluated", by())
    return pilot


def rule_broken(rule: str, command: Any, *args: Any, **kwargs: Any) -> RuleViolation:
    with pytest.raises(RuleViolation) as caught:
        command(*args, **kwargs)
    assert caught.value.rule == rule, caught.value
    return caught.value


def last(pilot: Pilot) -> Any:
    return pilot.pending_events[-1]


ADOPTED = {"provider": "City of Patras", "level": "local", "decision": "adopted",
           "instrument": "Service contract"}


# -- adoption decisions -----------------------------------------------------------------


def test_an_adoption_decision_records_budget_duration_coverage_and_esf_funding() -> None:
    pilot = piloting()
    pilot.decide_adoption(by(), **ADOPTED, budget_eur=Decimal("240000.00"),
                          duration_months=36, coverage="Long-term unemployed, Patras",
                          esf_funded=True)
    decision = last(pilot)
    assert isinstance(decision, ev.AdoptionDecided)
    assert (decision.budget_eur, decision.duration_months, decision.coverage,
            decision.esf_funded, decision.instrument) == (
        Decimal("240000.00"), 36, "Long-term unemployed, Patras", True, "Service contract")


def test_a_decision_commits_no_negative_budget_and_whole_months() -> None:
    pilot = piloting()
    with pytest.raises(InvalidInput, match="budget-eur: must be 0 or more"):
        pilot.decide_adoption(by(), **ADOPTED, budget_eur=Decimal(-1))
    with pytest.raises(InvalidInput, match="duration-months"):
        pilot.decide_adoption(by(), **ADOPTED, duration_months=Decimal("1.5"))
    pilot.decide_adoption(by(), **ADOPTED, budget_eur=Decimal(0))
    assert last(pilot).budget_eur == 0


@pytest.mark.parametrize("decision", ["rejected", "deferred"])
def test_a_rejection_or_deferral_needs_its_reason(decision: str) -> None:
    pilot = piloting()
    refused = rule_broken("reason-required", pilot.decide_adoption, by(),
                          **{**ADOPTED, "decision": decision})
    assert str(refused) == f"a {decision} adoption decision needs a reason; give --reason"
    pilot.decide_adoption(by(reason="No budget line after 2023"),
                          **{**ADOPTED, "decision": decision})
    assert last(pilot).decision == decision


# -- core-component deviations ----------------------------------------------------------


def test_a_core_component_deviation_needs_a_reason_an_adaptable_change_does_not() -> None:
    pilot = piloting()
    refused = rule_broken("reason-required", pilot.make_adaptation, "Method", "Shorter", by())
    assert str(refused) == "a core-component deviation needs a reason; give --reason"
    pilot.make_adaptation("Venue", "Online", by())
    pilot.make_adaptation("Method", "Shorter", by(reason="Working participants"))
    assert (last(pilot).core, last(pilot).reason) == (True, "Working participants")


def test_a_pilot_that_asks_for_it_needs_the_originators_approval_of_a_core_deviation(
        ) -> None:
    pilot = piloting(originator_approval_required=True)
    why = by(reason="Local law")
    rule_broken("originator-approval-required", pilot.make_adaptation, "Method", "Shorter",
                why)
    rule_broken("approval-incomplete", pilot.make_adaptation, "Method", "Shorter", why,
                approved_by="Originator's board")
    pilot.make_adaptation("Venue", "Online", by())  # adaptable: no approval asked
    pilot.make_adaptation("Method", "Shorter", why, approved_by="Originator's board",
                          approved_on=date(2023, 1, 20))
    assert (last(pilot).approved_by, last(pilot).approved_on) == (
        "Originator's board", date(2023, 1, 20))
    # a correction cannot take the approval away
    rule_broken("originator-approval-required", pilot.correct_entry, last(pilot),
                {"approved_by": None, "approved_on": None}, by(reason="wrong"))


def test_a_pilot_asks_for_no_approval_unless_registered_so() -> None:
    pilot = piloting()
    assert pilot.originator_approval_required is False
    pilot.make_adaptation("Method", "Shorter", by(reason="Local law"))


# -- evaluations -------------------------------------------------------------------------


def test_an_evaluation_records_design_independence_sample_and_evidence_level() -> None:
    pilot = piloting()
    pilot.complete_evaluation(by(), method="Comparison group", findings="Works",
                              recommendation="scale", design="quasi-experimental",
                              independence="external", sample_size=240, evidence_level=3)
    done = last(pilot)
    assert (done.design, done.independence, done.sample_size, done.evidence_level) == (
        "quasi-experimental", "external", 240, 3)


def test_a_quantitative_design_states_its_sample_size_a_qualitative_one_need_not() -> None:
    pilot = piloting()
    refused = rule_broken("sample-size-required", pilot.complete_evaluation, by(),
                          method="Before and after", findings="Works", recommendation="adapt",
                          design="before-after")
    assert refused.field == "sample_size"
    assert str(rule_broken("sample-size-required", pilot.complete_evaluation, by(),
                           method="Trial", findings="Works", recommendation="adapt",
                           design="experimental")) == (
        "an experimental evaluation states its sample size; give --sample-size")
    pilot.complete_evaluation(by(), method="Interviews", findings="Works",
                              recommendation="adapt", design="qualitative",
                              independence="internal")
    assert last(pilot).sample_size is None
    with pytest.raises(InvalidInput, match="sample-size: must be a whole number"):
        pilot.complete_evaluation(by(), method="Survey", findings="Works",
                                  recommendation="adapt", design="experimental",
                                  sample_size=Decimal("12.5"))
    with pytest.raises(InvalidInput, match="evidence-level: must be 5 or less"):
        pilot.complete_evaluation(by(), method="Survey", findings="Works",
                                  recommendation="adapt", evidence_level=6)


# -- closing --------------------------------------------------------------------------


def test_taken_over_by_a_public_provider_needs_an_adopted_decision() -> None:
    pilot = evaluated(piloting())
    pilot.decide_adoption(by(), **{**ADOPTED, "decision": "piloting"})
    refused = rule_broken("no-adoption-decision", pilot.close,
                          "taken-over-by-public-provider", "Lessons", by())
    assert refused.field == "outcome"
    pilot.decide_adoption(by(), **ADOPTED)
    pilot.close("taken-over-by-public-provider", "Start small", by())
    assert pilot.stage == "closed"


def test_an_adopted_decision_corrected_or_retracted_no_longer_counts() -> None:
    pilot = evaluated(piloting())
    pilot.decide_adoption(by(), **ADOPTED)
    corrected = last(pilot)
    pilot.decide_adoption(by(), **ADOPTED)
    retracted = last(pilot)
    pilot.correct_entry(corrected, {"decision": "piloting"}, by(reason="It was a trial"))
    pilot.retract_entry(retracted, by(reason="Wrong provider"))
    assert pilot.adopted == set()
    rule_broken("no-adoption-decision", pilot.close, "taken-over-by-public-provider", "L",
                by())
    pilot.close("continued-by-promoter", "Line up the budget cycle", by())


def test_a_pilot_taken_over_keeps_its_last_adopted_decision() -> None:
    pilot = evaluated(piloting())
    pilot.decide_adoption(by(), **ADOPTED)
    decision = last(pilot)
    pilot.close("taken-over-by-public-provider", "Start small", by())
    rule_broken("closure-needs-adoption", pilot.retract_entry, decision, by(reason="Wrong"))
    rule_broken("closure-needs-adoption", pilot.correct_entry, decision,
                {"decision": "deferred"}, by(reason="It was deferred"))
    pilot.correct_entry(decision, {"budget_eur": Decimal(1000)}, by(reason="Signed amount"))
    assert pilot.adopted == {decision.originator_version}


def test_a_closure_outcome_is_a_choice_of_the_vocabulary() -> None:
    pilot = evaluated(piloting())
    with pytest.raises(InvalidInput, match="outcome: 'Adopted by region' is not one of "
                                           "taken-over-by-public-provider"):
        pilot.close("Adopted by region", "Lessons", by())
    pilot.close("stopped", "Too early", by())


# -- stored history ---------------------------------------------------------------------

ENVELOPE = {"occurred_on": "2022-06-01", "timestamp": "2022-06-02T09:00:00+00:00",
            "actor": "ana", "source": "cli", "reason": None, "key": None}
OLD_STATES: dict[str, dict[str, Any]] = {
    "pilot.adoption-decided": {"provider": "City of Patras", "level": "local",
                               "decision": "adopted", "instrument": "Service contract"},
    "pilot.evaluation-completed": {"method": "Survey", "findings": "Works",
                                   "recommendation": "scale"},
    "pilot.adaptation-made": {"component": "Method", "core": True, "summary": "Shorter"},
    "pilot.closed": {"outcome": "Adopted by the region", "lessons": "Start with HR"},
    "pilot.registered": {"code": CODE, "consortium": "SEED", "title": "SI mapping",
                         "innovation": "Local SI mapping", "origin_country": "IT",
                         "target_countries": ["GR"], "core_components": ["Method"],
                         "adaptable_components": [], "starts_on": "2022-01-01",
                         "ends_on": "2023-06-30",
                         "originator_topic": "scaletrack.domain.pilot:Pilot"},
}
"""Events as the store kept them before the details existed (no reason for the deviation,
a free-text closure outcome)."""


@pytest.mark.parametrize("type_", sorted(OLD_STATES))
def test_events_stored_before_the_details_still_load(type_: str) -> None:
    event = decode_event(type_, Pilot.id_for(CODE), 2, {**ENVELOPE, **OLD_STATES[type_]})
    assert type_ == event.TYPE
    for name in ("budget_eur", "duration_months", "coverage", "esf_funded", "design",
                 "independence", "sample_size", "evidence_level", "approved_by",
                 "approved_on"):
        assert getattr(event, name, None) is None
    if isinstance(event, ev.PilotClosed):
        assert event.outcome == "Adopted by the region"
    if isinstance(event, ev.Registered):
        assert event.originator_approval_required is False


# -- the command line --------------------------------------------------------------------

SETUP_BY = Provenance(occurred_on=date(2022, 7, 5),
                      recorded_at=datetime(2022, 7, 5, 9, tzinfo=UTC), actor="setup")


def prepared(ledger: Ledger, *, evaluate: bool = False, **changes: Any) -> None:
    ledger.register_consortium("SEED", "Seed", "City of Turin", ["IT", "GR"], SETUP_BY)
    ledger.register_pilot(CODE, "SEED", {
        "title": "SI mapping", "innovation": "Local SI mapping", "origin_country": "IT",
        "target_countries": ["GR"], "core_components": ["Mapping method"],
        "adaptable_components": ["Training format"], "starts_on": date(2022, 1, 1),
        "ends_on": date(2023, 6, 30), **changes}, SETUP_BY)
    steps: list[tuple[str, dict[str, Any]]] = [
        ("readiness", {"score": 70, "summary": "Ready"}),
        ("stage", {"to_stage": "readiness-assessed"}), ("stage", {"to_stage": "planned"}),
        ("stage", {"to_stage": "piloting"})]
    if evaluate:
        steps += [("evaluation", {"method": "Survey", "findings": "Works",
                                  "recommendation": "scale"}),
                  ("stage", {"to_stage": "evaluated"})]
    for kind, values in steps:
        ledger.log_event(kind, CODE, values, SETUP_BY)


def refused(run: Any, ledger: Ledger, code: int, *args: str) -> str:
    """Run a command that must be refused with ``code``: one line, nothing recorded."""
    count = ledger.event_count()
    result = run(*args)
    assert (result.exit_code, result.stdout) == (code, ""), result
    assert result.stderr.startswith("error: ")
    assert len(result.stderr.splitlines()) == 1
    assert ledger.event_count() == count
    return str(result.stderr)


ADOPTION = ["log", "adoption", CODE, "--provider", "City of Patras", "--level", "local",
            "--instrument", "Service contract", "--occurred-on", "2023-01-10"]


@pytest.mark.parametrize("store_url", ["sqlite"], indirect=True)
def test_cli_adoption_details_and_the_reason_for_a_rejection(ledger: Ledger, run: Any) -> None:
    prepared(ledger)
    # a missing reason is missing input (exit 2), as for every kind that needs one
    said = refused(run, ledger, 2, *ADOPTION, "--decision", "rejected")
    assert said == "error: a rejected adoption decision needs a reason; give --reason\n"
    refused(run, ledger, 2, *ADOPTION, "--decision", "adopted", "--budget-eur", "-5")
    refused(run, ledger, 2, *ADOPTION, "--decision", "adopted", "--duration-months", "two")
    done = run(*ADOPTION, "--decision", "rejected", "--reason", "No budget line", "--json")
    assert done.exit_code == 0, done
    assert done.json()["reason"] == "No budget line"
    done = run(*ADOPTION, "--decision", "adopted", "--budget-eur", "240000",
               "--duration-months", "36", "--coverage", "Long-term unemployed",
               "--esf-funded", "--json")
    assert done.exit_code == 0, done
    assert {k: done.json()["data"][k] for k in ("budget_eur", "duration_months", "coverage",
                                                 "esf_funded")} == {
        "budget_eur": "240000", "duration_months": 36, "coverage": "Long-term unemployed",
        "esf_funded": True}
    log = run("decisions", "--pilot", CODE, "--json")
    adoptions = [d for d in log.json()["decisions"] if d["decision"] == "adoption-decided"]
    assert [(d["details"]["decision"], d["details"].get("budget_eur"), d["reason"])
            for d in adoptions] == [("rejected", None, "No budget line"),
                                    ("adopted", "240000", None)]


@pytest.mark.parametrize("store_url", ["sqlite"], indirect=True)
def test_cli_evaluation_details_show_in_the_decision_log(ledger: Ledger, run: Any) -> None:
    prepared(ledger)
    evaluation = ["log", "evaluation", CODE, "--method", "Comparison group", "--findings",
                  "Works", "--recommendation", "scale", "--occurred-on", "2023-01-10"]
    said = refused(run, ledger, 1, *evaluation, "--design", "quasi-experimental")
    assert "a quasi-experimental evaluation states its sample size" in said
    refused(run, ledger, 2, *evaluation, "--design", "anecdotal")
    refused(run, ledger, 2, *evaluation, "--independence", "self")
    refused(run, ledger, 2, *evaluation, "--sample-size", "12.5")
    done = run(*evaluation, "--design", "quasi-experimental", "--independence", "external",
               "--sample-size", "240", "--evidence-level", "3")
    assert done.exit_code == 0, done
    log = run("decisions", "--pilot", CODE, "--json")
    (entry,) = [d for d in log.json()["decisions"] if d["decision"] == "evaluation-completed"]
    assert {k: entry["details"][k] for k in ("design", "independence", "sample_size",
                                              "evidence_level")} == {
        "design": "quasi-experimental", "independence": "external", "sample_size": 240,
        "evidence_level": 3}
    table = run("decisions", "--pilot", CODE)
    assert "quasi-experimental" in table.stdout


@pytest.mark.parametrize("store_url", ["sqlite"], indirect=True)
def test_cli_core_deviation_needs_a_reason_and_the_approval_asked_for(ledger: Ledger,
                                                                     run: Any) -> None:
    prepared(ledger, originator_approval_required=True)
    deviation = ["log", "adaptation", CODE, "--component", "Mapping method", "--summary",
                 "Shorter", "--occurred-on", "2023-01-10"]
    said = refused(run, ledger, 2, *deviation)
    assert said == "error: a core-component deviation needs a reason; give --reason\n"
    refused(run, ledger, 1, *deviation, "--reason", "Local law")
    refused(run, ledger, 2, *deviation, "--reason", "Local law", "--approved-by", "Board",
            "--approved-on", "20 January")
    done = run(*deviation, "--reason", "Local law", "--approved-by", "Originator's board",
               "--approved-on", "2023-01-05", "--json")
    assert done.exit_code == 0, done
    assert (done.json()["data"]["approved_by"], done.json()["data"]["approved_on"]) == (
        "Originator's board", "2023-01-05")
    assert run("log", "adaptation", CODE, "--component", "Training format", "--summary",
               "Online", "--occurred-on", "2023-01-10").exit_code == 0


@pytest.mark.parametrize("store_url", ["sqlite"], indirect=True)
def test_cli_pilot_register_asks_for_the_originators_approval(ledger: Ledger,
                                                              run: Any) -> None:
    ledger.register_consortium("SEED", "Seed", "City of Turin", ["IT", "GR"], SETUP_BY)
    done = run("pilot", "register", CODE, "--consortium", "SEED", "--title", "SI mapping",
               "--innovation", "Mapping", "--origin-country", "IT", "--target-country", "GR",
               "--core", "Method", "--starts-on", "2022-01-01", "--ends-on", "2023-06-30",
               "--originator-approval-required", "--occurred-on", "2022-07-01")
    assert done.exit_code == 0, done
    assert ledger.get(Pilot, CODE).originator_approval_required is True


@pytest.mark.parametrize("store_url", ["sqlite"], indirect=True)
def test_cli_closing_as_taken_over_needs_an_adopted_decision(ledger: Ledger, run: Any) -> None:
    prepared(ledger, evaluate=True)
    closing = ["log", "closed", CODE, "--lessons", "Start small", "--occurred-on",
               "2023-03-01"]
    said = refused(run, ledger, 1, *closing, "--outcome", "taken-over-by-public-provider")
    assert "has no adopted decision by a public provider" in said
    refused(run, ledger, 2, *closing, "--outcome", "Adopted by the region")
    assert run(*ADOPTION, "--decision", "adopted").exit_code == 0
    done = run(*closing, "--outcome", "taken-over-by-public-provider", "--json")
    assert done.exit_code == 0, done
    assert json.loads(done.stdout)["data"]["outcome"] == "taken-over-by-public-provider"


def test_a_spreadsheet_flag_reads_yes_or_no_and_writes_back_the_same() -> None:
    reading = Reading()
    assert [parse(Shape.FLAG, raw, reading) for raw in ("Yes", "no", "TRUE", 0, True)] == [
        True, False, True, False, True]
    with pytest.raises(CellError, match="yes or no"):
        parse(Shape.FLAG, "maybe", reading)
    assert [parse(Shape.FLAG, as_text(Shape.FLAG, flag), reading) for flag in (True, False)
            ] == [True, False]
