"""Rules a store accepted without a word and a user expects refused (each names its field).

Countries are ISO 3166-1 codes; numbers of people are whole; targets are not below zero;
a result or a report keeps to its period's dates; a milestone is achieved after it was
planned; an approval follows its submission; an approved quarter's lock covers milestones
too; a retracted target frees its period; a proposed pilot takes no adoption decision and no
recommendation to scale; an indicator revision changes something; no text carries a NUL.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest

from scaletrack.domain.consortium import Consortium
from scaletrack.domain.envelope import Provenance, Recorded
from scaletrack.domain.errors import InvalidInput, RuleViolation, ScaletrackError
from scaletrack.domain.indicator import Indicator
from scaletrack.domain.pilot import Pilot

RECORDED_AT = datetime(2024, 6, 30, 12, tzinfo=UTC)


def by(on: date = date(2023, 2, 1), reason: str | None = None) -> Provenance:
    return Provenance(occurred_on=on, recorded_at=RECORDED_AT, actor="tester", reason=reason)


def refused(kind: type[ScaletrackError], field: str, command: Any, *args: Any,
            **kwargs: Any) -> ScaletrackError:
    """Run a command that must be refused for ``field``; nothing is recorded."""
    with pytest.raises(kind) as caught:
        command(*args, **kwargs)
    assert caught.value.field == field, caught.value
    return caught.value


@pytest.fixture
def seed() -> Consortium:
    return Consortium.register("SEED", "Seed", "City of Turin", ["IT", "GR", "RO"],
                               by(date(2021, 6, 1)))


@pytest.fixture
def pilot(seed: Consortium) -> Pilot:
    return Pilot.register("SEED-GR-01", seed, by(date(2022, 1, 1)), title="SI mapping",
                          innovation="Local SI mapping", origin_country="IT",
                          target_countries=["GR"], core_components=["Method"],
                          adaptable_components=["Venue"], starts_on=date(2022, 1, 1),
                          ends_on=date(2023, 6, 30))


@pytest.fixture
def part() -> Indicator:
    return Indicator.define("PART", by(), name="Participants", level="output", measure="unit",
                            unit="persons", direction="higher", accumulation="incremental",
                            dimensions=["sex"])


def piloting(pilot: Pilot) -> Pilot:
    pilot.assess_readiness(70, "Ready", by(date(2022, 2, 1)))
    for stage in ("readiness-assessed", "planned", "piloting"):
        pilot.advance_stage(stage, by(date(2022, 2, 1)))
    return pilot


# -- countries ----------------------------------------------------------------------


def test_a_country_code_must_be_iso_3166_and_the_eus_el_is_greece(seed: Consortium) -> None:
    error = refused(InvalidInput, "country", seed.add_country, "XX", by())
    assert "ISO 3166-1" in str(error)
    refused(InvalidInput, "countries", Consortium.register, "FUSE", "Fuse", "Dublin",
            ["IE", "XX"], by())
    refused(RuleViolation, "country", seed.add_country, "el", by())  # GR is a member already
    seed.add_country("PL", by())
    assert seed.countries == ["IT", "GR", "RO", "PL"]
    fuse = Consortium.register("FUSE", "Fuse", "Dublin", ["IE", "UK", "EL"], by())
    assert fuse.countries == ["IE", "GB", "GR"]


def test_a_pilot_may_target_greece_as_el(seed: Consortium) -> None:
    pilot = Pilot.register("SEED-GR-02", seed, by(date(2022, 1, 1)), title="SI mapping",
                           innovation="Local SI mapping", origin_country="EL",
                           target_countries=["EL"], core_components=["Method"],
                           adaptable_components=[], starts_on=date(2022, 1, 1),
                           ends_on=date(2023, 6, 30))
    assert (pilot.origin_country, pilot.target_countries) == ("GR", ["GR"])


def test_nothing_is_added_to_a_consortium_before_it_was_registered(seed: Consortium) -> None:
    refused(RuleViolation, "occurred_on", seed.add_country, "PL", by(date(2021, 5, 31)))
    refused(RuleViolation, "occurred_on", seed.add_partner, "Lab", "IT", "host",
            by(date(2021, 1, 1)))
    assert seed.version == 1


# -- numbers ------------------------------------------------------------------------


def test_people_are_counted_in_whole_numbers(pilot: Pilot, part: Indicator) -> None:
    refused(RuleViolation, "value", pilot.report_result, part, by(date(2022, 4, 2)),
            period="2022-Q2", value=Decimal("2.5"))
    refused(RuleViolation, "breakdown", pilot.report_result, part, by(date(2022, 4, 2)),
            period="2022-Q2", value=Decimal(5),
            breakdown={"sex": {"women": Decimal("2.5"), "men": Decimal("2.5")}})
    refused(RuleViolation, "target", pilot.set_target, part, by(), period="2022-Q3",
            target=Decimal("10.5"))
    pilot.report_result(part, by(date(2022, 4, 2)), period="2022-Q2", value=Decimal("3.0"))


def test_a_count_or_amount_is_never_below_zero(pilot: Pilot, part: Indicator) -> None:
    refused(RuleViolation, "value", pilot.report_result, part, by(date(2022, 4, 2)),
            period="2022-Q2", value=Decimal(-3))
    refused(RuleViolation, "breakdown", pilot.report_result, part, by(date(2022, 4, 2)),
            period="2022-Q2", value=Decimal(2),
            breakdown={"sex": {"women": Decimal(5), "men": Decimal(-3)}})
    pilot.report_result(part, by(date(2022, 4, 2)), period="2022-Q2", value=Decimal(0))


def test_a_target_is_never_below_zero(pilot: Pilot, part: Indicator) -> None:
    refused(RuleViolation, "target", pilot.set_target, part, by(), period="2022-Q3",
            target=Decimal(-5))
    pilot.set_target(part, by(), period="2022-Q3", target=Decimal(0))


# -- periods and dates ----------------------------------------------------------------


def test_a_result_is_for_a_period_the_pilot_runs_in(pilot: Pilot, part: Indicator) -> None:
    refused(RuleViolation, "period", pilot.report_result, part, by(date(2023, 6, 30)),
            period="2021-Q4", value=Decimal(3))
    refused(RuleViolation, "period", pilot.report_result, part, by(date(2023, 7, 2)),
            period="2023-Q3", value=Decimal(3))
    pilot.report_result(part, by(date(2023, 6, 30)), period="2023-Q2", value=Decimal(3))


def test_a_result_cannot_have_occurred_before_its_period_began(pilot: Pilot,
                                                                part: Indicator) -> None:
    refused(RuleViolation, "occurred_on", pilot.report_result, part, by(date(2022, 12, 31)),
            period="2023-Q1", value=Decimal(3))
    pilot.report_result(part, by(date(2023, 1, 1)), period="2023-Q1", value=Decimal(3))


def test_a_report_waits_for_its_period_and_its_approval_for_the_submission(
        pilot: Pilot) -> None:
    refused(RuleViolation, "period", pilot.submit_period_report, "2023-Q1", by(date(2022, 12, 1)))
    pilot.submit_period_report("2023-Q1", by(date(2023, 3, 31)))
    refused(RuleViolation, "occurred_on", pilot.approve_period_report, "2023-Q1",
            by(date(2023, 3, 30)))
    pilot.approve_period_report("2023-Q1", by(date(2023, 4, 5)))
    assert pilot.periods == {"2023-Q1": "approved"}


def test_a_milestone_is_achieved_after_it_was_planned_and_the_pilot_began(
        pilot: Pilot) -> None:
    pilot.plan_milestone("M1", "First site", date(2022, 6, 30), by(date(2022, 3, 1)))
    refused(RuleViolation, "occurred_on", pilot.achieve_milestone, "M1", by(date(2022, 2, 28)))
    pilot.achieve_milestone("M1", by(date(2022, 3, 1)))
    pilot.plan_milestone("M0", "Before the start", date(2022, 1, 15), by(date(2021, 12, 1)))
    refused(RuleViolation, "occurred_on", pilot.achieve_milestone, "M0", by(date(2021, 12, 20)))


def test_an_approved_quarter_locks_its_milestones_too(pilot: Pilot) -> None:
    pilot.plan_milestone("M1", "First site", date(2023, 6, 30), by(date(2023, 1, 10)))
    pilot.submit_period_report("2023-Q1", by(date(2023, 3, 31)))
    pilot.approve_period_report("2023-Q1", by(date(2023, 4, 5)))
    for command, args in [(pilot.achieve_milestone, ("M1",)),
                          (pilot.slip_milestone, ("M1", date(2023, 9, 30))),
                          (pilot.plan_milestone, ("M2", "Second site", date(2023, 9, 30)))]:
        refused(RuleViolation, "period", command, *args, by(date(2023, 2, 1)))
    pilot.achieve_milestone("M1", by(date(2023, 4, 6)))  # the next quarter is open


def test_a_retracted_target_frees_its_period_for_a_new_one(pilot: Pilot,
                                                           part: Indicator) -> None:
    pilot.set_target(part, by(), period="2022-Q3", target=Decimal(100))
    refused(RuleViolation, "period", pilot.set_target, part, by(), period="2022-Q3",
            target=Decimal(90))
    pilot.revise_target(part, by(reason="Cut"), period="2022-Q3", target=Decimal(80))
    revision = pilot.pending_events[-1]
    assert isinstance(revision, Recorded)
    pilot.retract_entry(revision, by(reason="Entered twice"))
    refused(RuleViolation, "period", pilot.set_target, part, by(), period="2022-Q3",
            target=Decimal(90))  # retracting a revision leaves the target set
    target_set = pilot.pending_events[-3]
    assert isinstance(target_set, Recorded)
    pilot.retract_entry(target_set, by(reason="Wrong indicator"))
    pilot.set_target(part, by(), period="2022-Q3", target=Decimal(90))
    refused(RuleViolation, "period", pilot.revise_target, part, by(reason="x"),
            period="2022-Q4", target=Decimal(1))


# -- stages ---------------------------------------------------------------------------


def test_a_proposed_pilot_takes_no_adoption_and_no_recommendation_to_scale(
        pilot: Pilot) -> None:
    refused(RuleViolation, "pilot", pilot.decide_adoption, by(), provider="City of Patras",
            level="local", decision="adopted", instrument="Service contract")
    refused(RuleViolation, "pilot", pilot.complete_evaluation, by(), method="Survey",
            findings="Works", recommendation="scale")
    pilot.complete_evaluation(by(), method="Survey", findings="Too early", recommendation="adapt")
    piloting(pilot)
    pilot.decide_adoption(by(), provider="City of Patras", level="local", decision="adopted",
                          instrument="Service contract")


# -- indicators and text ----------------------------------------------------------------


def test_an_indicator_revision_must_change_something(part: Indicator) -> None:
    refused(RuleViolation, "changes", part.revise, by(reason="Same"), unit="persons")
    part.revise(by(reason="Clearer"), name="Participants supported")
    assert part.definition_version == 2


def test_no_text_may_carry_a_nul_character(pilot: Pilot, seed: Consortium) -> None:
    error = refused(InvalidInput, "summary", pilot.assess_readiness, 60, "Ready\x00",
                    by(date(2022, 2, 1)))
    assert "NUL" in str(error)
    refused(InvalidInput, "reason", pilot.raise_risk, "R1", "Turnover", "low",
            by(reason="x\x00y"))
    refused(InvalidInput, "organisation", seed.add_partner, "Lab\x00", "IT", "host", by())
    assert (pilot.version, seed.version) == (1, 1)
