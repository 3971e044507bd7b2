"""The data quality view's findings, one check at a time, on small stories.

Some findings come only from what the ledger refuses today (a second result for
a period, a result outside the pilot's dates): the store may still hold them,
recorded before the rule existed, so those stories write the event around the
ledger, the way such an old store holds it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, time
from typing import Any

import pytest

from scaletrack.application.queries.diff import view_diff
from scaletrack.application.queries.reading import ReadStore
from scaletrack.application.queries.views import document
from scaletrack.application.timetravel import PointInTime
from scaletrack.domain import pilot_events as ev
from scaletrack.domain.envelope import record
from scaletrack.domain.errors import RuleViolation
from scaletrack.domain.pilot import Pilot
from scaletrack.projections.filters import Filters
from scaletrack.projections.queries import progress, quality
from test_projections_rules import Story

TODAY = date(2023, 1, 2)
PILOT = "SEED-GR-01"


@pytest.fixture
def story(store_url: str) -> Iterator[Story]:
    told = Story(store_url)
    told.pilot(PILOT)
    yield told
    told.engine.dispose()
    told.ledger.close()


def found(story: Story, code: str, **filters: Any) -> list[dict[str, Any]]:
    findings: list[dict[str, Any]] = story.view(quality.quality, Filters(**filters),
                                                TODAY)["findings"]
    return [f for f in findings if f["code"] == code]


def result(story: Story, indicator: str, period: str, value: int, **more: Any) -> str:
    version = story.log("result", PILOT, indicator=indicator, period=period, value=value,
                        **more)
    return f"{PILOT}@{version}"


def around_the_ledger(story: Story, **values: Any) -> str:
    """A result stored without today's checks, as a store from before them holds it."""
    pilot = story.ledger.get(Pilot, PILOT)
    record(pilot, ev.ResultReported, story.by(date(2022, 9, 1)),
           **{"indicator_version": 1, "narrative": None, "breakdown": {}, **values})
    story.ledger.save(pilot)
    return f"{PILOT}@{pilot.version}"


def test_a_target_period_that_ended_without_a_result_and_a_gap_are_missing_reports(
        story: Story) -> None:
    story.indicator("PART", dimensions=[])
    story.log("target", PILOT, indicator="PART", period="2022-Q2", target=50)
    story.log("target", PILOT, indicator="PART", period="2023-Q1", target=50)  # not ended
    result(story, "PART", "2022-Q1", 10)
    result(story, "PART", "2022-Q4", 10)

    missing = found(story, "missing-report")

    assert [(f["indicator"], f["period"], f["message"]) for f in missing] == [
        ("PART", "2022-Q2", "no PART result for 2022-Q2, which has ended (a target is set "
                            "for it)"),
        ("PART", "2022-Q3", "no PART result for 2022-Q3, which has ended (it is reported "
                            "before and after)")]
    assert [f["period"] for f in found(story, "missing-report", period="2022-Q3")] == [
        "2022-Q3"]


def test_a_result_without_every_dimension_of_its_indicator_misses_a_breakdown(
        story: Story) -> None:
    story.indicator("PART")  # sex and age band
    partly = result(story, "PART", "2022-Q1", 10, breakdown={"sex": {"women": 6, "men": 4}})
    result(story, "PART", "2022-Q2", 10, breakdown={"sex": {"women": 6, "men": 4},
                                                    "age-band": {"18-29": 10}})

    assert [(f["id"], f["message"]) for f in found(story, "missing-breakdown")] == [
        (partly, "the PART result for 2022-Q1 is not broken down by age-band")]


def test_a_second_result_for_a_period_recorded_before_the_rule_is_a_duplicate(
        story: Story) -> None:
    story.indicator("PART", dimensions=[])
    first = result(story, "PART", "2022-Q1", 10)
    with pytest.raises(RuleViolation) as refused:
        result(story, "PART", "2022-Q1", 12)
    assert refused.value.rule == "result-exists"
    second = around_the_ledger(story, indicator="PART", period="2022-Q1", value=12)

    assert [(f["id"], f["message"]) for f in found(story, "duplicate-result")] == [
        (second, f"PART for 2022-Q1 is reported again by {second} after {first}; the later "
                 "one counts")]


def test_a_sub_group_above_its_total_in_a_period_is_flagged(story: Story) -> None:
    story.indicator("PART", dimensions=[])
    story.indicator("PART-18-29", dimensions=[])
    story.indicator("PART-55", dimensions=[], unit="EUR")  # another unit: not a sub-group
    result(story, "PART", "2022-Q1", 10)
    young = result(story, "PART-18-29", "2022-Q1", 12)
    result(story, "PART-55", "2022-Q1", 30)
    result(story, "PART", "2022-Q2", 10)
    result(story, "PART-18-29", "2022-Q2", 10)

    assert [(f["id"], f["message"]) for f in found(story, "subgroup-above-total")] == [
        (young, "PART-18-29 (12) is above its total PART (10) in 2022-Q1")]


def test_an_esf_plus_participant_group_above_the_total_of_participants_is_flagged(
        story: Story) -> None:
    for code in ("EECO01", "EECO12", "EECR04"):
        story.indicator(code, dimensions=[], unit="participants", esf_common=True,
                        **({"level": "outcome"} if code == "EECR04" else {}))
    result(story, "EECO01", "2022-Q1", 10)
    disabled = result(story, "EECO12", "2022-Q1", 11)
    result(story, "EECR04", "2022-Q1", 14)  # leavers are not a part of this quarter's entrants

    assert [(f["id"], f["message"]) for f in found(story, "subgroup-above-total")] == [
        (disabled, "EECO12 (11) is above its total EECO01 (10) in 2022-Q1")]


def _leavers(story: Story) -> None:
    """Participants leave in 2022-Q1 (followed up in 2022-Q3), 2022-Q2 (not followed up)
    and 2022-Q4 (their follow-up quarter, 2023-Q2, has not come yet); none in 2022-Q3."""
    for code in ("EECR04", "EECR05"):
        story.indicator(code, level="outcome", unit="participants", dimensions=[],
                        esf_common=True)
    for period, value in (("2022-Q1", 5), ("2022-Q2", 4), ("2022-Q3", 0), ("2022-Q4", 6)):
        result(story, "EECR04", period, value)
    result(story, "EECR05", "2022-Q3", 3)


def test_a_six_month_follow_up_whose_quarter_ended_without_eecr05_is_overdue(
        story: Story) -> None:
    _leavers(story)

    assert [(f["indicator"], f["period"], f["message"])
            for f in found(story, "follow-up-overdue")] == [
        ("EECR05", "2022-Q4", "participants left in 2022-Q2 (EECR04 4): their six-month "
                              "follow-up was due by 2022-12-31 and 2022-Q4 has no EECR05 "
                              "result")]
    result(story, "EECR05", "2022-Q4", 2)
    assert found(story, "follow-up-overdue") == []


def test_progress_shows_the_follow_ups_due_and_overdue(story: Story) -> None:
    _leavers(story)

    row = story.view(progress.progress, Filters(), TODAY)["pilots"][0]

    assert (row["follow_ups_due"], row["follow_ups_overdue"]) == (1, 1)
    assert [(f["left_in"], f["period"], f["due_on"], f["status"], f["left"])
            for f in row["follow_ups"]] == [
        ("2022-Q2", "2022-Q4", "2022-12-31", "overdue", {"EECR04": 4}),
        ("2022-Q4", "2023-Q2", "2023-06-30", "due", {"EECR04": 6})]
    consortium = story.view(progress.progress, Filters(), TODAY)["consortia"][0]
    assert (consortium["follow_ups_due"], consortium["follow_ups_overdue"]) == (1, 1)
    before = story.view(progress.progress, Filters(), date(2022, 12, 1))["pilots"][0]
    assert [f["status"] for f in before["follow_ups"]] == ["due", "due"]


def test_a_progress_diff_names_the_result_that_makes_a_follow_up_due_and_no_other(
        story: Story) -> None:
    _leavers(story)
    story.indicator("STAFF", dimensions=[])
    before = story.ledger.clock()
    staff = result(story, "STAFF", "2022-Q1", 3)  # shows nowhere in progress, nor is it last
    left = result(story, "EECR04", "2023-Q1", 7)  # participants leave: a follow-up is due

    with ReadStore(story.ledger) as store:
        changed = view_diff(store, "progress", Filters(), PointInTime(known_at=before),
                            PointInTime())

    assert [e["id"] for e in changed["events"]] == [left]
    assert staff not in {i for c in changed["changes"] for i in c["events"]}


def test_a_cumulative_figure_below_an_earlier_one_falls(story: Story) -> None:
    story.indicator("SITES", accumulation="cumulative", dimensions=[], unit="sites")
    for period, value in (("2022-Q1", 3), ("2022-Q2", 5)):
        result(story, "SITES", period, value)
    fell = result(story, "SITES", "2022-Q3", 4)
    result(story, "SITES", "2022-Q4", 5)

    assert [(f["id"], f["message"]) for f in found(story, "cumulative-falls")] == [
        (fell, "SITES falls to 4 in 2022-Q3 from 5 in 2022-Q2; a cumulative figure does "
               "not fall")]


def test_a_value_far_from_the_pilots_own_median_is_an_outlier(story: Story) -> None:
    story.indicator("PART", dimensions=[])
    for period, value in (("2022-Q1", 20), ("2022-Q2", 21), ("2022-Q3", 19)):
        result(story, "PART", period, value)
    assert found(story, "outlier") == []  # too few values to judge by
    odd = result(story, "PART", "2022-Q4", 80)
    result(story, "PART", "2023-Q1", 20, day=TODAY)

    assert [(f["id"], f["message"]) for f in found(story, "outlier")] == [
        (odd, "PART is 80 in 2022-Q4, far from the pilot's usual 20 (more than 3.5 robust "
              "standard deviations)")]


def test_a_result_for_a_period_outside_the_pilots_dates_recorded_before_the_rule(
        story: Story) -> None:
    story.indicator("PART", dimensions=[])
    with pytest.raises(RuleViolation) as refused:
        result(story, "PART", "2021-Q4", 5, day=date(2022, 1, 5))
    assert refused.value.rule == "period-outside-pilot"
    early = around_the_ledger(story, indicator="PART", period="2021-Q4", value=5)

    assert [(f["id"], f["message"]) for f in found(story, "outside-pilot-dates")] == [
        (early, "the PART result for 2021-Q4 lies outside the pilot's dates (2022-01-01 to "
                "2023-12-31)")]


def test_a_result_against_a_version_the_catalogue_never_had_is_left_unjudged(
        story: Story) -> None:
    story.indicator("PART", dimensions=[])
    around_the_ledger(story, indicator="PART", period="2021-Q4", value=5,
                      indicator_version=7)

    assert story.view(quality.quality, Filters(), TODAY)["findings"] == []


def test_providers_commissioning_beyond_the_adoptions_logged_contradicts_the_decisions(
        story: Story) -> None:
    story.indicator("PROVIDERS", accumulation="cumulative", dimensions=[], unit="providers")
    early = result(story, "PROVIDERS", "2022-Q2", 1)
    story.log("readiness", PILOT, day=date(2022, 7, 1), score=70, summary="Ready")
    story.log("stage", PILOT, day=date(2022, 7, 2), to_stage="readiness-assessed")
    story.log("adoption", PILOT, day=date(2022, 8, 1), provider="Athens municipality",
              level="local", decision="adopted", instrument="service contract")
    result(story, "PROVIDERS", "2022-Q3", 1)
    beyond = result(story, "PROVIDERS", "2022-Q4", 2)

    assert [(f["id"], f["message"]) for f in found(story, "contradicts-decisions")] == [
        (early, "PROVIDERS stands at 1 by 2022-Q2; the decision log records no adoption by "
                "a public provider by then"),
        (beyond, "PROVIDERS stands at 2 by 2022-Q4; the decision log records one adoption "
                 "by a public provider by then")]


def test_a_core_component_adapted_without_a_reason_is_flagged(story: Story) -> None:
    with pytest.raises(RuleViolation) as refused:
        story.log("adaptation", PILOT, day=date(2022, 3, 3), reason=None,
                  component="Method", summary="Shorter sessions")
    assert refused.value.rule == "reason-required"
    pilot = story.ledger.get(Pilot, PILOT)  # as a store from before the rule holds it
    record(pilot, ev.AdaptationMade, story.by(date(2022, 3, 3), reason=None),
           component="Method", core=True, summary="Shorter sessions")
    story.ledger.save(pilot)
    silent = pilot.version
    story.log("adaptation", PILOT, day=date(2022, 3, 4), reason=None, component="Venue",
              summary="Online")  # adaptable: no deviation
    story.log("adaptation", PILOT, day=date(2022, 5, 4), reason="the hall closed",
              component="Method", summary="Fewer sessions")

    assert [(f["id"], f["period"], f["message"])
            for f in found(story, "deviation-without-reason")] == [
        (f"{PILOT}@{silent}", "2022-Q1",
         "core component Method adapted without a reason: Shorter sessions")]


def test_findings_at_a_point_are_those_of_what_it_knew(story: Story) -> None:
    story.indicator("SITES", accumulation="cumulative", dimensions=[], unit="sites")
    result(story, "SITES", "2022-Q1", 5)
    fell = result(story, "SITES", "2022-Q2", 4)
    before = story.ledger.clock()
    story.ledger.correct(fell, {"value": 6}, story.by(reason="two sites were left out"))

    with ReadStore(story.ledger) as store:
        then = document(store, "quality", Filters(), PointInTime(known_at=before))
        now = document(store, "quality", Filters())

    assert [(f["code"], f["id"]) for f in then["findings"]] == [("cumulative-falls", fell)]
    assert now["findings"] == []


def test_what_changed_names_each_finding_by_its_check(story: Story) -> None:
    story.indicator("SITES", accumulation="cumulative", dimensions=["country"],
                    unit="sites")
    result(story, "SITES", "2022-Q1", 5)
    fell = result(story, "SITES", "2022-Q2", 4)  # falls; not broken down, before and after
    before = story.ledger.clock()
    story.ledger.correct(fell, {"value": 6}, story.by(reason="two sites were left out"))

    with ReadStore(story.ledger) as store:
        changed = view_diff(store, "quality", Filters(), PointInTime(known_at=before),
                            PointInTime())

    assert sorted((c["key"]["code"], c["change"]) for c in changed["changes"]
                  if c["section"] == "findings") == [("cumulative-falls", "removed")]


def test_the_quality_command_prints_the_findings_as_a_table_and_as_json(
        story: Story, run: Any) -> None:
    story.indicator("PART", dimensions=[])
    story.log("target", PILOT, indicator="PART", period="2022-Q2", target=50)

    table, printed = run("quality"), run("quality", "--pilot", PILOT, "--json")

    assert table.exit_code == printed.exit_code == 0, table.stderr + printed.stderr
    assert "Findings" in table.stdout
    assert re.search(r"│ SEED-GR-01 │ 2022-Q2 │ missing-report +│ no PART result for 2022-Q2",
                     table.stdout)
    assert printed.json()["findings"] == [{
        "code": "missing-report", "pilot": PILOT, "indicator": "PART", "period": "2022-Q2",
        "id": None, "message": "no PART result for 2022-Q2, which has ended (a target is set "
                               "for it)"}]


def adopt(story: Story, day: date, provider: str, decision: str, **more: Any) -> None:
    story.log("adoption", PILOT, day=day, provider=provider, level="local",
              decision=decision, instrument="service contract", **more)


def test_an_adoption_indicator_takes_no_typed_result_and_counts_the_providers_adopted(
        story: Story) -> None:
    """PUB-COMMISSION is the adoption decisions counted: each provider once, by its decision
    that stands at the end of each period; a typed figure is refused."""
    story.indicator("PUB-COMMISSION", accumulation="cumulative", dimensions=[],
                    unit="providers")
    with pytest.raises(RuleViolation) as refused:
        result(story, "PUB-COMMISSION", "2022-Q1", 1)
    assert refused.value.rule == "indicator-derived"
    for period in ("2022-Q2", "2022-Q3", "2022-Q4"):
        story.log("target", PILOT, indicator="PUB-COMMISSION", period=period, baseline=0,
                  target=2)
    story.log("readiness", PILOT, day=date(2022, 4, 1), score=70, summary="Ready")
    story.log("stage", PILOT, day=date(2022, 4, 2), to_stage="readiness-assessed")
    adopt(story, date(2022, 5, 2), "Athens", "adopted", budget_eur=1000, duration_months=12,
          coverage="City")
    adopt(story, date(2022, 6, 2), "Athens", "adopted", budget_eur=2000, duration_months=12,
          coverage="City")  # the same provider again: counted once
    adopt(story, date(2022, 8, 2), "Patras", "adopted", budget_eur=1000, duration_months=12,
          coverage="City")
    adopt(story, date(2022, 11, 2), "Athens", "rejected", reason="no budget line")

    rows = story.rows(indicator="PUB-COMMISSION")
    assert [(r["period"], r["actual"], r["achieved"]) for r in rows] == [
        ("2022-Q2", 1, 1), ("2022-Q3", 2, 2), ("2022-Q4", 1, 1)]
    assert found(story, "missing-report") == []
    assert found(story, "contradicts-decisions") == []


def later(story: Story, today: date) -> None:
    """Move the story's clock on, so that later quarters can be reported."""
    story.ledger.clock.now = datetime.combine(today, time(9), tzinfo=UTC)  # type: ignore[attr-defined]


def test_an_indicator_reported_every_second_quarter_misses_no_quarter_between(
        story: Story) -> None:
    later(story, date(2023, 12, 31))
    story.indicator("FIDELITY", measure="ordinal", unit="score 1-5", dimensions=[],
                    accumulation="snapshot")
    story.indicator("SCORE", measure="ordinal", unit="score 1-5", dimensions=[],
                    accumulation="snapshot")
    for period in ("2022-Q2", "2022-Q4", "2023-Q2"):
        result(story, "FIDELITY", period, 4)
    for period in ("2022-Q1", "2022-Q2", "2022-Q4"):
        result(story, "SCORE", period, 4)  # quarterly: 2022-Q3 is a gap

    missing = story.view(quality.quality, Filters(), date(2023, 12, 31))["findings"]
    assert [(f["indicator"], f["period"]) for f in missing] == [("SCORE", "2022-Q3")]


def test_a_zero_needs_no_breakdown(story: Story) -> None:
    story.indicator("SITES", accumulation="cumulative", dimensions=["country"], unit="sites")
    result(story, "SITES", "2022-Q1", 0)
    unbroken = around_the_ledger(story, indicator="SITES", period="2022-Q2", value=2)

    assert [f["id"] for f in found(story, "missing-breakdown")] == [unbroken]


def test_a_pilot_ramping_up_is_no_outlier_but_a_jump_later_is(story: Story) -> None:
    story.indicator("PART", dimensions=[])
    later(story, date(2024, 1, 2))
    values = {"2022-Q1": 5, "2022-Q2": 20, "2022-Q3": 40, "2022-Q4": 41, "2023-Q1": 39,
              "2023-Q2": 40, "2023-Q3": 42}
    for period, value in values.items():
        result(story, "PART", period, value)
    jump = result(story, "PART", "2023-Q4", 90)

    findings = story.view(quality.quality, Filters(), date(2024, 1, 2))["findings"]
    assert [f["id"] for f in findings if f["code"] == "outlier"] == [jump]
