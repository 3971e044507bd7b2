"""The pilot's rules, checked on the aggregates themselves: no store, no clock."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest

from scaletrack.domain import pilot_events as ev
from scaletrack.domain.consortium import Consortium
from scaletrack.domain.envelope import Provenance
from scaletrack.domain.errors import InvalidInput, RuleViolation
from scaletrack.domain.indicator import Indicator
from scaletrack.domain.pilot import Pilot
from scaletrack.domain.pilot_state import Milestone

RECORDED_AT = datetime(2023, 6, 30, 12, tzinfo=UTC)


def by(on: date = date(2023, 2, 1), reason: str | None = None) -> Provenance:
    return Provenance(occurred_on=on, recorded_at=RECORDED_AT, actor="tester", reason=reason)


def indicator(code: str, measure: str, dimensions: tuple[str, ...] = ()) -> Indicator:
    return Indicator.define(code, by(), name=code.title(), level="output", measure=measure,
                            unit="people", direction="higher", accumulation="incremental",
                            dimensions=list(dimensions))


@pytest.fixture
def seed() -> Consortium:
    return Consortium.register("SEED", "Social innovation Ecosystem Development",
                               "City of Turin", ["IT", "GR", "RO", "SI"], by())


def register(consortium: Consortium, code: str = "SEED-GR-01", **changes: Any) -> Pilot:
    details: dict[str, Any] = {
        "title": "SI mapping in ten Greek cities", "innovation": "Local SI mapping",
        "origin_country": "IT", "target_countries": ["GR"], "core_components": ["Method"],
        "adaptable_components": ["Venue"], "starts_on": date(2022, 1, 1),
        "ends_on": date(2023, 6, 30), **changes,
    }
    return Pilot.register(code, consortium, by(date(2022, 1, 1)), **details)


@pytest.fixture
def pilot(seed: Consortium) -> Pilot:
    return register(seed)


@pytest.fixture
def part() -> Indicator:
    return indicator("PART", "unit", ("sex", "country"))


@pytest.fixture
def policy() -> Indicator:
    return indicator("POLICY", "qualitative")


def rejected(rule: str, command: Any, *args: Any, **kwargs: Any) -> RuleViolation:
    """Run a command that must break ``rule``; returns the error."""
    with pytest.raises(RuleViolation) as caught:
        command(*args, **kwargs)
    assert caught.value.rule == rule, caught.value
    return caught.value


def advance_to_evaluated(pilot: Pilot) -> None:
    pilot.assess_readiness(70, "Partners ready", by())
    for stage in ("readiness-assessed", "planned", "piloting"):
        pilot.advance_stage(stage, by())
    pilot.complete_evaluation(by(), method="Mixed methods", findings="It works",
                              recommendation="scale")
    pilot.advance_stage("evaluated", by())


# -- registration -----------------------------------------------------------------


def test_registering_records_one_event_with_the_envelope(pilot: Pilot) -> None:
    (event,) = pilot.pending_events
    assert isinstance(event, ev.Registered)
    assert (event.actor, event.occurred_on, event.timestamp) == (
        "tester", date(2022, 1, 1), RECORDED_AT)
    assert pilot.stage == "proposed"
    assert pilot.target_countries == ["GR"]


def test_target_countries_outside_the_consortium_are_refused(seed: Consortium) -> None:
    error = rejected("target-country-outside-consortium", register, seed,
                     target_countries=["GR", "FR"])
    assert "FR" in error.message


def test_target_countries_are_checked_whatever_their_case(seed: Consortium) -> None:
    assert register(seed, target_countries=["gr", "ro"]).target_countries == ["GR", "RO"]
    rejected("target-country-outside-consortium", register, seed, target_countries=["fr"])


def test_a_pilot_cannot_end_before_it_starts(seed: Consortium) -> None:
    rejected("ends-before-start", register, seed, ends_on=date(2021, 12, 31))


def test_a_malformed_code_is_invalid_input(seed: Consortium) -> None:
    with pytest.raises(InvalidInput, match="code"):
        register(seed, code="not a code")


# -- stages -----------------------------------------------------------------------


def test_stages_follow_the_state_machine_to_sustained_and_close(pilot: Pilot) -> None:
    advance_to_evaluated(pilot)
    pilot.advance_stage("rolling-out", by())
    pilot.advance_stage("sustained", by())
    pilot.close("continued-by-promoter", "Start with HR", by())
    assert pilot.stage == "closed"


def test_a_stage_cannot_be_skipped(pilot: Pilot) -> None:
    pilot.assess_readiness(70, "Ready", by())
    error = rejected("illegal-stage-transition", pilot.advance_stage, "planned", by())
    assert "readiness-assessed" in error.hint


def test_an_unknown_stage_is_refused(pilot: Pilot) -> None:
    rejected("illegal-stage-transition", pilot.advance_stage, "flying", by())


def test_a_stopped_pilot_goes_nowhere_but_closed(pilot: Pilot) -> None:
    advance_to_evaluated(pilot)
    pilot.advance_stage("stopped", by())
    rejected("illegal-stage-transition", pilot.advance_stage, "rolling-out", by())
    pilot.close("stopped", "Too early", by())


def test_adapting_goes_back_to_piloting(pilot: Pilot) -> None:
    advance_to_evaluated(pilot)
    pilot.advance_stage("adapting", by())
    pilot.advance_stage("piloting", by())
    assert pilot.stage == "piloting"


def test_readiness_must_be_assessed_before_the_stage_says_so(pilot: Pilot) -> None:
    rejected("readiness-not-assessed", pilot.advance_stage, "readiness-assessed", by())


def test_an_evaluation_must_be_recorded_before_evaluated(pilot: Pilot) -> None:
    pilot.assess_readiness(70, "Ready", by())
    for stage in ("readiness-assessed", "planned", "piloting"):
        pilot.advance_stage(stage, by())
    rejected("not-evaluated", pilot.advance_stage, "evaluated", by())


def test_a_pilot_closes_only_once_evaluated(pilot: Pilot) -> None:
    rejected("not-closable", pilot.close, "Gave up", "None", by())


def test_a_closed_pilot_refuses_further_events(pilot: Pilot) -> None:
    advance_to_evaluated(pilot)
    pilot.close("continued-by-promoter", "Many", by())
    rejected("pilot-closed", pilot.plan_milestone, "M1", "Site open", date(2023, 9, 1), by())
    rejected("pilot-closed", pilot.advance_stage, "rolling-out", by())
    rejected("pilot-closed", pilot.close, "Again", "None", by())


# -- pathway ----------------------------------------------------------------------


def test_a_pathway_is_chosen_once_then_changed_with_a_reason(pilot: Pilot) -> None:
    pathway = {"pilot_type": "scale-up", "dimensions": ["up"], "mechanism": "dissemination"}
    pilot.choose_pathway(by(), **pathway)
    rejected("pathway-already-chosen", pilot.choose_pathway, by(), **pathway)
    rejected("reason-required", pilot.change_pathway, by(), **pathway)
    pilot.change_pathway(by(reason="Licensing is cheaper"), pilot_type="replication",
                         dimensions=["out"], mechanism="affiliation", affiliation_form="licence")
    assert (pilot.pilot_type, pilot.mechanism, pilot.affiliation_form) == (
        "replication", "affiliation", "licence")


def test_an_affiliation_form_goes_with_affiliation_only(pilot: Pilot) -> None:
    rejected("affiliation-form", pilot.choose_pathway, by(), pilot_type="replication",
             dimensions=["out"], mechanism="affiliation")
    rejected("affiliation-form", pilot.choose_pathway, by(), pilot_type="replication",
             dimensions=["out"], mechanism="branching", affiliation_form="franchise")


def test_a_pathway_scales_in_at_least_one_dimension(pilot: Pilot) -> None:
    rejected("no-scaling-dimension", pilot.choose_pathway, by(), pilot_type="scale-up",
             dimensions=[], mechanism="dissemination")


# -- milestones -------------------------------------------------------------------


def test_a_milestone_is_achieved_at_most_once(pilot: Pilot) -> None:
    pilot.plan_milestone("M1", "First site open", date(2022, 6, 30), by())
    pilot.achieve_milestone("M1", by())
    rejected("milestone-achieved", pilot.achieve_milestone, "M1", by())
    assert pilot.milestones["M1"].status == "achieved"


def test_an_unplanned_milestone_cannot_be_achieved(pilot: Pilot) -> None:
    rejected("unknown-milestone", pilot.achieve_milestone, "M9", by())


def test_a_dropped_milestone_cannot_be_achieved_or_slipped(pilot: Pilot) -> None:
    pilot.plan_milestone("M1", "First site open", date(2022, 6, 30), by())
    rejected("reason-required", pilot.drop_milestone, "M1", by())
    pilot.drop_milestone("M1", by(reason="Out of scope"))
    rejected("milestone-dropped", pilot.achieve_milestone, "M1", by())
    rejected("milestone-dropped", pilot.slip_milestone, "M1", date(2022, 9, 30), by())


def test_a_milestone_is_planned_once(pilot: Pilot) -> None:
    pilot.plan_milestone("M1", "First site open", date(2022, 6, 30), by())
    rejected("milestone-exists", pilot.plan_milestone, "M1", "Again", date(2022, 7, 1), by())


@pytest.mark.parametrize("new_due_on", [date(2022, 6, 30), date(2022, 6, 29)])
def test_a_slip_must_move_the_due_date_later(pilot: Pilot, new_due_on: date) -> None:
    pilot.plan_milestone("M1", "First site open", date(2022, 6, 30), by())
    rejected("slip-not-later", pilot.slip_milestone, "M1", new_due_on, by())
    assert pilot.milestones["M1"].due_on == date(2022, 6, 30)


def test_a_slip_moves_the_due_date_and_counts(pilot: Pilot) -> None:
    pilot.plan_milestone("M1", "First site open", date(2022, 6, 30), by())
    pilot.slip_milestone("M1", date(2022, 9, 30), by())
    event = pilot.pending_events[-1]
    assert isinstance(event, ev.MilestoneSlipped)
    assert event.previous_due_on == date(2022, 6, 30)
    assert pilot.milestones["M1"] == Milestone("First site open", date(2022, 9, 30),
                                               "planned", slips=1, planned_on=by().occurred_on)
    pilot.achieve_milestone("M1", by())


# -- partners and risks -----------------------------------------------------------


def test_partners_join_once_and_leave_only_if_present(pilot: Pilot) -> None:
    pilot.join_partner("Social Hub", "GR", "local implementer", by())
    rejected("partner-exists", pilot.join_partner, "Social Hub", "GR", "again", by())
    pilot.leave_partner("Social Hub", by())
    rejected("unknown-partner", pilot.leave_partner, "Social Hub", by())


def test_a_risk_is_raised_once_and_closed_once(pilot: Pilot) -> None:
    pilot.raise_risk("R1", "Staff turnover", "high", by())
    rejected("risk-exists", pilot.raise_risk, "R1", "Again", "low", by())
    pilot.close_risk("R1", by())
    rejected("risk-not-open", pilot.close_risk, "R1", by())


def test_a_risk_severity_outside_the_vocabulary_is_invalid(pilot: Pilot) -> None:
    with pytest.raises(InvalidInput, match="severity"):
        pilot.raise_risk("R1", "Staff turnover", "dire", by())


# -- money, dates -----------------------------------------------------------------


@pytest.mark.parametrize("amount", [Decimal(0), Decimal(-5), Decimal("0.001")])
def test_funding_must_be_a_positive_amount_in_cents(pilot: Pilot, amount: Decimal) -> None:
    with pytest.raises(InvalidInput, match="amount-eur"):
        pilot.secure_funding("ESF+ OP", amount, "EUR", by())


def test_funding_must_be_in_euros(pilot: Pilot) -> None:
    with pytest.raises(InvalidInput, match="currency"):
        pilot.secure_funding("ESF+ OP", Decimal(1000), "USD", by())
    pilot.secure_funding("ESF+ OP", Decimal("150000.50"), "EUR", by())
    event = pilot.pending_events[-1]
    assert isinstance(event, ev.FundingSecured)
    assert (event.amount_eur, event.currency) == (Decimal("150000.50"), "EUR")


def test_a_business_model_costs_a_positive_amount(pilot: Pilot) -> None:
    with pytest.raises(InvalidInput, match="cost-per-beneficiary-eur"):
        pilot.revise_business_model(by(), revenue_mix={"grants": 100},
                                    cost_per_beneficiary_eur=Decimal(-1), summary="Free")


def test_a_revenue_mix_adds_up_to_100_percent(pilot: Pilot) -> None:
    rejected("revenue-mix-total", pilot.revise_business_model, by(),
             revenue_mix={"grants": 60, "fees": 30}, cost_per_beneficiary_eur=420, summary="S")
    pilot.revise_business_model(by(), revenue_mix={"grants": 60, "fees": 40},
                                cost_per_beneficiary_eur=420, summary="Fees")


def test_occurred_on_cannot_be_after_the_day_it_is_recorded(pilot: Pilot) -> None:
    rejected("occurred-on-in-future", pilot.raise_risk, "R1", "Turnover", "high",
             by(on=date(2023, 7, 1)))
    pilot.raise_risk("R1", "Turnover", "high", by(on=RECORDED_AT.date()))
    assert len(pilot.pending_events) == 2


def test_an_adaptation_of_a_core_component_is_a_fidelity_deviation(pilot: Pilot) -> None:
    pilot.make_adaptation("Method", "Shorter workshops", by(reason="Working participants"))
    pilot.make_adaptation("Venue", "Online", by())
    cores = [e.core for e in pilot.pending_events if isinstance(e, ev.AdaptationMade)]
    assert cores == [True, False]
    rejected("unknown-component", pilot.make_adaptation, "Logo", "New logo", by())


def test_a_correction_that_changes_nothing_is_refused(pilot: Pilot) -> None:
    pilot.make_adaptation("Venue", "Online", by())
    original = last(pilot)
    rejected("correction-changes-nothing", pilot.correct_entry, original,
             {"summary": "Online"}, by(reason="no change"))
    pilot.correct_entry(original, {"summary": "Hybrid"}, by(reason="It was hybrid"))
    hybrid = pilot.pending_events[-1]
    assert isinstance(hybrid, ev.EntryCorrected)
    # Changing nothing is refused after a correction too: it compares with the latest one.
    rejected("correction-changes-nothing", pilot.correct_entry, original,
             {"summary": "Hybrid"}, by(reason="again"), None, hybrid)
    # Back to the original values is a real change once the entry was corrected.
    pilot.correct_entry(original, {"summary": "Online"}, by(reason="It was online after all"),
                        None, hybrid)


def test_correcting_an_adaptations_component_re_judges_fidelity(pilot: Pilot) -> None:
    pilot.make_adaptation("Venue", "Online", by())
    original = last(pilot)
    pilot.correct_entry(original, {"component": "Method"}, by(reason="It was the method"))
    correction = pilot.pending_events[-1]
    assert isinstance(correction, ev.EntryCorrected)
    assert correction.data["core"] is True
    rejected("unknown-component", pilot.correct_entry, original, {"component": "Logo"},
             by(reason="typo"))


# -- targets and results ----------------------------------------------------------


def test_a_qualitative_result_carries_a_narrative_and_no_number(pilot: Pilot,
                                                               policy: Indicator) -> None:
    rejected("qualitative-has-number", pilot.report_result, policy, by(), period="2023-Q1",
             value=Decimal(3), narrative="Law passed")
    rejected("narrative-required", pilot.report_result, policy, by(), period="2023-Q1")
    rejected("narrative-required", pilot.report_result, policy, by(), period="2023-Q1",
             narrative="   ")
    pilot.report_result(policy, by(), period="2023-Q1", narrative="Law passed")


def test_a_qualitative_target_carries_a_narrative_and_no_number(pilot: Pilot,
                                                               policy: Indicator) -> None:
    rejected("qualitative-has-number", pilot.set_target, policy, by(), period="2023-Q1",
             target=Decimal(1), narrative="A law")
    rejected("narrative-required", pilot.set_target, policy, by(), period="2023-Q1")
    pilot.set_target(policy, by(), period="2023-Q1", narrative="A law on SI procurement")


def test_a_numeric_result_needs_a_value(pilot: Pilot, part: Indicator) -> None:
    with pytest.raises(InvalidInput, match="value"):
        pilot.report_result(part, by(), period="2023-Q1", narrative="Many")


def test_disaggregated_parts_must_add_up_to_the_total(pilot: Pilot, part: Indicator) -> None:
    error = rejected("disaggregation-mismatch", pilot.report_result, part, by(),
                     period="2023-Q1", value=Decimal(10),
                     breakdown={"sex": {"women": Decimal(6), "men": Decimal(3)}})
    assert "9" in error.message


def test_every_dimension_must_add_up_on_its_own(pilot: Pilot, part: Indicator) -> None:
    rejected("disaggregation-mismatch", pilot.report_result, part, by(), period="2023-Q1",
             value=Decimal(10), breakdown={"sex": {"women": Decimal(6), "men": Decimal(4)},
                                           "country": {"GR": Decimal(5)}})
    pilot.report_result(part, by(), period="2023-Q1", value=Decimal(10),
                        breakdown={"sex": {"women": Decimal(6), "men": Decimal(4)},
                                   "country": {"GR": Decimal(7), "IT": Decimal(3)}})


def test_a_breakdown_uses_the_indicators_dimensions_and_categories(pilot: Pilot,
                                                                  part: Indicator) -> None:
    rejected("dimension-not-allowed", pilot.report_result, part, by(), period="2023-Q1",
             value=Decimal(4), breakdown={"age-band": {"18-29": Decimal(4)}})
    rejected("unknown-category", pilot.report_result, part, by(), period="2023-Q1",
             value=Decimal(4), breakdown={"sex": {"female": Decimal(4)}})
    rejected("unknown-category", pilot.report_result, part, by(), period="2023-Q1",
             value=Decimal(4), breakdown={"country": {"FR": Decimal(4)}})


def test_a_percentage_lies_between_0_and_100(pilot: Pilot) -> None:
    share = indicator("EARNED", "percentage")
    rejected("percentage-range", pilot.report_result, share, by(), period="2023-Q1",
             value=Decimal(101))
    pilot.report_result(share, by(), period="2023-Q1", value=Decimal(100))


def test_a_result_keeps_the_indicator_version_it_was_reported_against(pilot: Pilot,
                                                                      part: Indicator) -> None:
    part.revise(by(reason="Count FTE"), unit="FTE")
    pilot.report_result(part, by(), period="2023-Q1", value=Decimal(3))
    event = pilot.pending_events[-1]
    assert isinstance(event, ev.ResultReported)
    assert event.indicator_version == 2


def test_no_new_results_or_targets_against_a_retired_indicator(pilot: Pilot,
                                                               part: Indicator) -> None:
    part.retire(by())
    rejected("indicator-retired", pilot.set_target, part, by(), period="2023-Q1",
             target=Decimal(5))
    rejected("indicator-retired", pilot.report_result, part, by(), period="2023-Q1",
             value=Decimal(5))


def test_a_target_is_set_once_then_revised_with_a_reason(pilot: Pilot, part: Indicator) -> None:
    rejected("no-target", pilot.revise_target, part, by(reason="Cut"), period="2023-Q1",
             target=Decimal(5))
    pilot.set_target(part, by(), period="2023-q1", baseline=Decimal(0), target=Decimal(120))
    rejected("target-exists", pilot.set_target, part, by(), period="2023-Q1",
             target=Decimal(5))
    rejected("reason-required", pilot.revise_target, part, by(), period="2023-Q1",
             target=Decimal(100))
    pilot.revise_target(part, by(reason="Budget cut"), period="2023-Q1", target=Decimal(100))
    assert set(pilot.targets) == {"PART|2023-Q1"}


def test_a_period_holds_one_result_target_and_expenditure_each_refused_alike(
        pilot: Pilot, part: Indicator) -> None:
    """Each second entry names the first and says to correct it, in the same words."""
    pilot.set_target(part, by(), period="2023-Q1", target=Decimal(120))
    target = pilot.version
    pilot.report_result(part, by(), period="2023-Q1", value=Decimal(3))
    result = pilot.version
    pilot.declare_expenditure(by(), period="2023-Q1", amount_eur=1000)
    declared = pilot.version
    refusals = [
        (rejected("target-exists", pilot.set_target, part, by(), period="2023-q1",
                  target=Decimal(5)), "a target for PART in 2023-Q1 is already set",
         target, "target"),
        (rejected("result-exists", pilot.report_result, part, by(), period="2023-Q1",
                  value=Decimal(4)), "a result for PART in 2023-Q1 is already recorded",
         result, "value"),
        (rejected("expenditure-exists", pilot.declare_expenditure, by(), period="2023-Q1",
                  amount_eur=5), "the expenditure for 2023-Q1 is already declared",
         declared, "amount_eur")]
    for error, what, version, field in refusals:
        assert error.field == "period"
        assert str(error).startswith(
            f"{what} as SEED-GR-01@{version}; correct it: scaletrack correct "
            f"SEED-GR-01@{version} --set {field}=N --reason TEXT"), str(error)
    assert "scaletrack log target-revised SEED-GR-01 --indicator" in refusals[0][0].hint


def test_a_target_kept_from_before_pilots_knew_its_entry_is_refused_all_the_same() -> None:
    from scaletrack.domain.period_entries import TARGET

    with pytest.raises(RuleViolation) as caught:
        TARGET.refuse_another("a target for PART in 2023-Q1", "SEED-GR-01", 0)
    assert str(caught.value).startswith(
        "a target for PART in 2023-Q1 is already set; correct it: scaletrack correct "
        "SEED-GR-01@N --set target=N --reason TEXT (N from scaletrack pilot history "
        "SEED-GR-01)")
    TARGET.refuse_another("a target for PART in 2023-Q2", "SEED-GR-01", None)


# -- reporting periods and locks --------------------------------------------------


def approve(pilot: Pilot, period: str) -> None:
    pilot.submit_period_report(period, by())
    pilot.approve_period_report(period, by())


def test_entries_for_an_approved_period_are_refused(pilot: Pilot, part: Indicator) -> None:
    approve(pilot, "2023-Q1")
    rejected("period-locked", pilot.report_result, part, by(date(2023, 4, 2)),
             period="2023-Q1", value=Decimal(3))
    rejected("period-locked", pilot.assess_readiness, 80, "Ready", by(date(2023, 2, 1)))
    pilot.assess_readiness(80, "Ready", by(date(2023, 4, 2)))
    pilot.report_result(part, by(date(2023, 4, 2)), period="2023-Q2", value=Decimal(3))


def test_an_unlock_needs_a_reason_and_reopens_the_period(pilot: Pilot, part: Indicator) -> None:
    approve(pilot, "2023-Q1")
    rejected("reason-required", pilot.unlock_period, "2023-Q1", by())
    pilot.unlock_period("2023-Q1", by(reason="Late invoices"))
    pilot.report_result(part, by(), period="2023-Q1", value=Decimal(3))
    assert pilot.periods == {"2023-Q1": "unlocked"}


def test_period_reports_move_through_their_states(pilot: Pilot) -> None:
    rejected("period-report-state", pilot.approve_period_report, "2023-Q1", by())
    rejected("period-report-state", pilot.unlock_period, "2023-Q1", by(reason="Why"))
    pilot.submit_period_report("2023-Q1", by())
    rejected("period-report-state", pilot.submit_period_report, "2023-Q1", by())
    rejected("reason-required", pilot.reject_period_report, "2023-Q1", by())
    pilot.reject_period_report("2023-Q1", by(reason="Gaps"))
    pilot.submit_period_report("2023-q1", by())
    pilot.approve_period_report("2023-Q1", by())
    assert pilot.is_locked("2023-Q1")


def test_a_period_is_a_quarter(pilot: Pilot) -> None:
    with pytest.raises(InvalidInput, match="YYYY-QN"):
        pilot.submit_period_report("2023-Q5", by())


# -- corrections and retractions --------------------------------------------------


def last(pilot: Pilot) -> Any:
    return pilot.pending_events[-1]


def test_a_correction_supersedes_an_entrys_values(pilot: Pilot, part: Indicator) -> None:
    pilot.report_result(part, by(), period="2023-Q1", value=Decimal(10))
    original = last(pilot)
    pilot.correct_entry(original, {"value": "12"}, by(reason="Miscounted"), part)
    correction = last(pilot)
    assert isinstance(correction, ev.EntryCorrected)
    assert correction.corrects == original.originator_version
    assert correction.corrected_type == "pilot.result-reported"
    assert correction.data["value"] == "12"


def test_a_correction_needs_a_reason(pilot: Pilot) -> None:
    pilot.assess_readiness(70, "Ready", by())
    rejected("reason-required", pilot.correct_entry, last(pilot), {"score": 75}, by())


def test_a_correction_must_name_an_entry_not_a_milestone(pilot: Pilot) -> None:
    pilot.plan_milestone("M1", "Site open", date(2022, 6, 30), by())
    rejected("not-an-entry", pilot.correct_entry, last(pilot), {"title": "X"},
             by(reason="Typo"))
    rejected("not-an-entry", pilot.retract_entry, last(pilot), by(reason="Typo"))


def test_a_correction_cannot_name_another_pilots_entry(seed: Consortium, pilot: Pilot) -> None:
    other = register(seed, code="SEED-RO-01", target_countries=["RO"])
    pilot.assess_readiness(70, "Ready", by())
    other.assess_readiness(50, "Not ready", by())
    # Same version number on both pilots: only the originator tells them apart.
    assert last(other).originator_version == last(pilot).originator_version
    rejected("not-an-entry", pilot.correct_entry, last(other), {"score": 60}, by(reason="X"))
    rejected("not-an-entry", pilot.retract_entry, last(other), by(reason="X"))


def test_a_retracted_entry_can_be_neither_corrected_nor_retracted(pilot: Pilot) -> None:
    pilot.assess_readiness(70, "Ready", by())
    entry = last(pilot)
    pilot.retract_entry(entry, by(reason="Wrong pilot"))
    assert pilot.retracted == {entry.originator_version}
    rejected("entry-retracted", pilot.correct_entry, entry, {"score": 60}, by(reason="X"))
    rejected("entry-retracted", pilot.retract_entry, entry, by(reason="X"))


def test_an_entry_of_a_locked_period_is_neither_corrected_nor_retracted(pilot: Pilot) -> None:
    pilot.assess_readiness(70, "Ready", by(date(2023, 2, 1)))
    entry = last(pilot)
    approve(pilot, "2023-Q1")
    rejected("period-locked", pilot.correct_entry, entry, {"score": 60}, by(reason="X"))
    rejected("period-locked", pilot.retract_entry, entry, by(reason="X"))
    pilot.unlock_period("2023-Q1", by(reason="Late data"))
    pilot.correct_entry(entry, {"score": 60}, by(reason="Rescored"))


def test_a_correction_keeps_indicator_and_period(pilot: Pilot, part: Indicator) -> None:
    pilot.report_result(part, by(), period="2023-Q1", value=Decimal(10))
    rejected("identity-field", pilot.correct_entry, last(pilot), {"period": "2023-Q2"},
             by(reason="Wrong quarter"), part)


def test_a_correction_names_fields_the_entry_has(pilot: Pilot) -> None:
    pilot.assess_readiness(70, "Ready", by())
    rejected("unknown-field", pilot.correct_entry, last(pilot), {"colour": "red"},
             by(reason="X"))


def test_a_correction_is_validated_like_the_entry(pilot: Pilot) -> None:
    pilot.assess_readiness(70, "Ready", by())
    with pytest.raises(InvalidInput, match="score"):
        pilot.correct_entry(last(pilot), {"score": 170}, by(reason="X"))


def test_a_corrected_result_must_still_add_up(pilot: Pilot, part: Indicator) -> None:
    pilot.report_result(part, by(), period="2023-Q1", value=Decimal(10),
                        breakdown={"sex": {"women": Decimal(6), "men": Decimal(4)}})
    rejected("disaggregation-mismatch", pilot.correct_entry, last(pilot), {"value": 12},
             by(reason="Miscounted"), part)


def test_a_corrected_qualitative_target_still_has_no_number(pilot: Pilot,
                                                           policy: Indicator) -> None:
    pilot.set_target(policy, by(), period="2023-Q1", narrative="A law")
    rejected("qualitative-has-number", pilot.correct_entry, last(pilot), {"target": 1},
             by(reason="Quantify"), policy)


def test_a_corrected_revenue_mix_still_adds_up(pilot: Pilot) -> None:
    pilot.revise_business_model(by(), revenue_mix={"grants": 60, "fees": 40},
                                cost_per_beneficiary_eur=420, summary="Fees")
    rejected("revenue-mix-total", pilot.correct_entry, last(pilot),
             {"revenue_mix": {"grants": 60}}, by(reason="Fees fell through"))
