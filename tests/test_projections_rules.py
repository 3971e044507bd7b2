"""What the views say, by the rules the README states, on small stories."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from scaletrack.application.ledger import Ledger
from scaletrack.application.settings import change_rating
from scaletrack.application.store import StoreURL
from scaletrack.domain.errors import NotFound, RuleViolation
from scaletrack.domain.vocabulary import period_start
from scaletrack.projections import rules
from scaletrack.projections.bitemporal import NOW, Point
from scaletrack.projections.database import engine_for, reading
from scaletrack.projections.directory_at import directory_at
from scaletrack.projections.facts import StoreSource
from scaletrack.projections.filters import Filters
from scaletrack.projections.queries import impact, portfolio, progress, quality
from scaletrack.projections.runner import ReadModels
from test_projections_oracle import as_json


@pytest.mark.parametrize(("direction", "baseline", "target", "achieved", "percent"), [
    ("higher", None, 120, 30, "25.0"),
    ("higher", 20, 120, 70, "50.0"),  # the way from the baseline to the target
    ("higher", 150, 120, 60, "50.0"),  # a baseline above the target is not a way: ratio
    ("higher", None, 0, 5, None),
    ("lower", 500, 300, 400, "50.0"),
    ("lower", None, 300, 400, "75.0"),
    ("lower", None, 300, 0, "100.0"),
    ("higher", None, 3, 2, "66.7"),  # rounded half up to one decimal
])
def test_percent_achieved_respects_direction_and_baseline(
        direction: str, baseline: int | None, target: int, achieved: int,
        percent: str | None) -> None:
    found = rules.percent(direction, None if baseline is None else Decimal(baseline),
                          Decimal(target), Decimal(achieved))
    assert found == (None if percent is None else Decimal(percent))


@pytest.mark.parametrize(("percent", "status"), [
    (Decimal("90"), "on-track"), (Decimal("89.9"), "at-risk"), (Decimal("60"), "at-risk"),
    (Decimal("59.9"), "off-track"), (Decimal("130"), "on-track"), (None, "not-rated")])
def test_status_thresholds(percent: Decimal | None, status: str) -> None:
    assert rules.status(percent) == status


@pytest.mark.parametrize(("accumulation", "figure"), [
    ("incremental", Decimal(30)), ("cumulative", Decimal(20)), ("snapshot", Decimal(20))])
def test_the_target_to_date_follows_the_accumulation(accumulation: str,
                                                     figure: Decimal) -> None:
    assert rules.target_to_date(accumulation, [Decimal(10), None, Decimal(20)]) == figure
    assert rules.target_to_date(accumulation, [Decimal(10), None]) is None


@pytest.mark.parametrize(("accumulation", "figure"), [
    ("incremental", Decimal(15)), ("cumulative", Decimal(7)), ("snapshot", None)])
def test_achieved_to_date_follows_the_accumulation(accumulation: str,
                                                   figure: Decimal | None) -> None:
    assert rules.achieved(accumulation, [Decimal(8), Decimal(7), None]) == figure


# -- stories through the ledger and the views -------------------------------------


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2023, 1, 2, 9, tzinfo=UTC)

    def __call__(self) -> datetime:
        self.now += timedelta(minutes=5)
        return self.now


class Story:
    """A consortium, an indicator and a pilot, and the views over them."""

    def __init__(self, url: str) -> None:
        self.ledger = Ledger(StoreURL.parse(url), clock=Clock())
        self.engine = engine_for(url)
        self.models = ReadModels(self.engine, StoreSource(self.ledger.recorder),
                                 self.ledger.name)
        by = self.by()
        self.ledger.register_consortium("SEED", "SEED", "Turin", ["IT", "GR", "SI"], by)
        self.ledger.register_consortium("ESIA", "ESIA", "Berlin", ["DE", "PL"], by)
        self.ledger.establish_centre("SEED", "GR", "Athens SI centre", by)
        self.ledger.add_partner("SEED", "Social Hub", "GR", "implementer", by)

    def by(self, day: date = date(2022, 1, 5), reason: str | None = "because") -> Any:
        return self.ledger.provenance("ana", day, reason)

    def indicator(self, code: str, **definition: Any) -> None:
        self.ledger.define_indicator(code, {"name": code.title(), "level": "output",
                                            "measure": "unit", "unit": "people",
                                            "direction": "higher",
                                            "accumulation": "incremental",
                                            "dimensions": ["sex", "age-band"], **definition},
                                     self.by())

    def pilot(self, code: str, consortium: str = "SEED", targets: tuple[str, ...] = ("GR",)
              ) -> None:
        origin = "IT" if consortium == "SEED" else "DE"
        self.ledger.register_pilot(code, consortium, {
            "title": "Pilot", "innovation": "Model", "origin_country": origin,
            "target_countries": list(targets), "core_components": ["Method"],
            "adaptable_components": ["Venue"], "starts_on": date(2022, 1, 1),
            "ends_on": date(2023, 12, 31)}, self.by())

    def log(self, kind: str, pilot: str, day: date | None = None,
            reason: str | None = "because", **values: Any) -> int:
        if day is None:  # mid-2022, or once a later result's period has begun
            day = max(date(2022, 6, 1), period_start(values.get("period", "2022-Q1")))
        return self.ledger.log_event(kind, pilot, values, self.by(day, reason)).version

    def view(self, query: Any, *args: Any) -> Any:
        self.models.catch_up()
        with reading(self.engine) as connection:
            return as_json(query(connection, *args))

    def rows(self, **filters: Any) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = self.view(impact.impact, Filters(**filters))["rows"]
        return found


@pytest.fixture
def story(store_url: str) -> Iterator[Story]:
    told = Story(store_url)
    yield told
    told.engine.dispose()
    told.ledger.close()


def test_incremental_results_add_up_to_the_target_of_a_later_period(story: Story) -> None:
    story.indicator("PART")
    story.pilot("SEED-GR-01")
    story.log("target", "SEED-GR-01", indicator="PART", period="2022-Q4", baseline=0,
              target=100)
    for period, value in (("2022-Q1", 30), ("2022-Q2", 25), ("2022-Q4", 10)):
        story.log("result", "SEED-GR-01", indicator="PART", period=period, value=value)

    q4 = story.rows(period="2022-Q4")[0]

    assert (q4["actual"], q4["achieved"], q4["percent"], q4["status"]) == (
        10, 65, 65, "at-risk")


def test_incremental_targets_per_period_add_up_like_the_values(story: Story) -> None:
    story.indicator("PART")
    story.pilot("SEED-GR-01")
    for period, target, value in (("2022-Q1", 20, 15), ("2022-Q2", 20, 21)):
        story.log("target", "SEED-GR-01", indicator="PART", period=period, target=target)
        story.log("result", "SEED-GR-01", indicator="PART", period=period, value=value)

    q1, q2 = story.rows()

    assert (q1["target_to_date"], q1["achieved"], q1["status"]) == (20, 15, "at-risk")
    assert (q2["target"], q2["target_to_date"], q2["achieved"], q2["percent"]) == (
        20, 40, 36, 90)


def test_cumulative_takes_the_latest_figure_and_snapshot_the_periods_own(
        story: Story) -> None:
    story.indicator("SITES", accumulation="cumulative", dimensions=[])
    story.indicator("COST", accumulation="snapshot", direction="lower", unit="EUR",
                    dimensions=[])
    story.pilot("SEED-GR-01")
    for indicator, target in (("SITES", 10), ("COST", 300)):
        story.log("target", "SEED-GR-01", indicator=indicator, period="2022-Q3",
                  baseline=None if indicator == "SITES" else 500, target=target)
    story.log("result", "SEED-GR-01", indicator="SITES", period="2022-Q2", value=9)
    story.log("result", "SEED-GR-01", indicator="COST", period="2022-Q2", value=320)

    q3 = {row["indicator"]: row for row in story.rows(period="2022-Q3")}

    assert (q3["SITES"]["achieved"], q3["SITES"]["percent"]) == (9, 90)
    assert (q3["COST"]["achieved"], q3["COST"]["status"]) == (None, "no-report-yet")


@pytest.mark.parametrize(("direction", "target", "score", "status"), [
    ("higher", 4, 5, "on-track"), ("higher", 4, 4, "on-track"), ("higher", 4, 3, "at-risk"),
    ("higher", 4, 2, "off-track"), ("lower", 2, 3, "at-risk"), ("lower", 2, 1, "on-track"),
    ("higher", None, 3, "not-rated")])
def test_an_ordinal_score_is_rated_in_steps_of_its_scale(
        direction: str, target: int | None, score: int, status: str) -> None:
    assert rules.score_status(direction, None if target is None else Decimal(target),
                              Decimal(score)) == status


def test_a_fidelity_score_is_a_point_on_its_scale_not_a_ratio_to_its_target(
        story: Story) -> None:
    story.indicator("FIDELITY", measure="ordinal", unit="score 1-5", accumulation="snapshot",
                    dimensions=[])
    story.pilot("SEED-GR-01")
    for period, value in (("2022-Q1", 3), ("2022-Q2", 4)):
        story.log("target", "SEED-GR-01", indicator="FIDELITY", period=period, target=4)
        story.log("result", "SEED-GR-01", indicator="FIDELITY", period=period, value=value)

    rows = story.rows(indicator="FIDELITY")

    # 3 of a target of 4 would be 75% as a ratio; on a 1-5 scale it is one step short
    assert [(r["score"], r["percent"], r["status"]) for r in rows] == [
        ("3 of 5", None, "at-risk"), ("4 of 5", None, "on-track")]
    assert rules.scale("score 1-5") == (1, 5)
    assert rules.scale("points") is None


def test_a_correction_replaces_and_a_retraction_removes(story: Story) -> None:
    story.indicator("PART")
    story.pilot("SEED-GR-01")
    story.log("target", "SEED-GR-01", indicator="PART", period="2022-Q1", target=40)
    wrong = story.log("result", "SEED-GR-01", indicator="PART", period="2022-Q1", value=10,
                      breakdown={"sex": {"women": 6, "men": 4}})
    story.ledger.correct(f"SEED-GR-01@{wrong}", {
        "value": 36, "breakdown": {"sex": {"women": 20, "men": 16}}}, story.by())
    corrected = story.rows()[0]
    later = story.log("result", "SEED-GR-01", indicator="PART", period="2022-Q2", value=50)
    story.ledger.retract(f"SEED-GR-01@{later}", story.by())

    row = story.rows()[0]
    assert all(r["actual"] is None for r in story.rows() if r["period"] == "2022-Q2")

    assert (corrected["actual"], corrected["breakdown"]) == (36, {"sex": {"women": 20,
                                                                           "men": 16}})
    assert (row["actual"], row["percent"], row["status"]) == (36, 90, "on-track")


def test_a_result_keeps_the_indicator_version_it_was_reported_against(story: Story) -> None:
    story.indicator("COST", accumulation="snapshot", dimensions=[], unit="EUR")
    story.pilot("SEED-GR-01")
    for period in ("2022-Q1", "2022-Q2"):
        story.log("target", "SEED-GR-01", indicator="COST", period=period, target=400)
    story.log("result", "SEED-GR-01", indicator="COST", period="2022-Q1", value=500)
    story.ledger.revise_indicator("COST", {"direction": "lower"}, story.by())
    story.log("result", "SEED-GR-01", indicator="COST", period="2022-Q2", value=500)

    q1, q2 = story.rows()

    assert (q1["indicator_version"], q1["direction"], q1["percent"]) == (1, "higher", 125)
    assert (q2["indicator_version"], q2["direction"], q2["percent"]) == (2, "lower", 80)


def test_a_qualitative_indicator_shows_its_narratives_unrated(story: Story) -> None:
    story.indicator("POLICY", measure="qualitative", unit="text", dimensions=[])
    story.pilot("SEED-GR-01")
    story.log("target", "SEED-GR-01", indicator="POLICY", period="2022-Q4",
              narrative="A regional law")
    story.log("result", "SEED-GR-01", indicator="POLICY", period="2022-Q4",
              narrative="Bill tabled")

    row = story.rows()[0]

    assert (row["narrative"], row["target_narrative"], row["status"]) == (
        "Bill tabled", "A regional law", "not-rated")


def test_overdue_milestones_depend_on_the_day_asked(story: Story) -> None:
    story.pilot("SEED-GR-01")
    story.log("milestone-planned", "SEED-GR-01", day=date(2022, 2, 1), milestone="M1",
              title="Site open", due_on=date(2022, 6, 30))
    story.log("milestone-planned", "SEED-GR-01", day=date(2022, 2, 1), milestone="M2",
              title="Second site", due_on=date(2022, 9, 30))
    story.log("milestone-slipped", "SEED-GR-01", milestone="M2", new_due_on=date(2022, 12, 1))
    story.log("milestone-achieved", "SEED-GR-01", day=date(2022, 7, 3), milestone="M1")
    story.log("period-submitted", "SEED-GR-01", period="2022-Q2")

    def pilot_on(day: date) -> dict[str, Any]:
        found: dict[str, Any] = story.view(progress.progress, Filters(), day)["pilots"][0]
        return found

    assert pilot_on(date(2022, 12, 1))["overdue"] == 0  # due that day is not yet overdue
    seen = pilot_on(date(2022, 12, 2))
    assert {k: seen[k] for k in ("planned", "done", "overdue", "slips", "pending_approvals",
                                 "last_activity")} == {
        "planned": 2, "done": 1, "overdue": 1, "slips": 1, "pending_approvals": ["2022-Q2"],
        "last_activity": "2022-07-03"}


def test_progress_rolls_up_per_consortium_and_per_country(story: Story) -> None:
    story.pilot("SEED-GR-01")
    story.pilot("SEED-SI-01", targets=("SI", "GR"))
    story.pilot("ESIA-PL-01", consortium="ESIA", targets=("PL",))
    story.log("risk-raised", "SEED-SI-01", risk="R1", description="Turnover",
              severity="high")

    seen = story.view(progress.progress, Filters(), date(2023, 1, 1))

    assert [(c["consortium"], c["pilots"], c["open_risks"]) for c in seen["consortia"]] == [
        ("ESIA", 1, 0), ("SEED", 2, 1)]
    # under the countries each pilot is scaled into, not the one it comes from (IT, DE)
    assert [(c["country"], c["pilots"], c["open_risks"]) for c in seen["countries"]] == [
        ("GR", 2, 1), ("PL", 1, 0), ("SI", 1, 1)]


def test_filters_select_pilots_and_an_unknown_name_is_not_found(story: Story) -> None:
    story.pilot("SEED-GR-01")
    story.pilot("SEED-SI-01", targets=("SI",))
    story.pilot("ESIA-PL-01", consortium="ESIA", targets=("PL",))

    def codes(**filters: Any) -> list[str]:
        return [p["pilot"] for p in story.view(progress.progress, Filters(**filters),
                                               date(2023, 1, 1))["pilots"]]

    assert codes(consortium="SEED") == ["SEED-GR-01", "SEED-SI-01"]
    assert codes(country="SI") == ["SEED-SI-01"]
    assert codes(country="IT") == ["SEED-GR-01", "SEED-SI-01"]  # where it comes from
    assert codes(pilot="ESIA-PL-01") == ["ESIA-PL-01"]
    with pytest.raises(NotFound):
        codes(pilot="NOPE-01")


def test_portfolio_counts_pilots_by_pathway_and_rolls_up_participants(story: Story) -> None:
    story.indicator("PART")
    story.pilot("SEED-GR-01")
    story.pilot("SEED-SI-01", targets=("SI",))
    story.log("pathway", "SEED-GR-01", pilot_type="scale-up", dimensions=["up", "deep"],
              mechanism="dissemination")
    for pilot, period, women, men in (("SEED-GR-01", "2022-Q1", 5, 5),
                                      ("SEED-GR-01", "2022-Q2", 2, 1),
                                      ("SEED-SI-01", "2022-Q1", 4, 0)):
        story.log("result", pilot, indicator="PART", period=period, value=women + men,
                  breakdown={"sex": {"women": women, "men": men}})

    seen = story.view(portfolio.portfolio, Filters())

    assert seen["pilots_by"] == {"type": {"none": 1, "scale-up": 1},
                                 "dimension": {"deep": 1, "up": 1},
                                 "mechanism": {"dissemination": 1, "none": 1},
                                 "stage": {"proposed": 2}}
    assert seen["roll_ups"] == [{
        "indicator": "PART", "name": "Part", "unit": "people", "measure": "unit",
        "accumulation": "incremental", "counted": "every reported period of each pilot, "
        "added up", "aggregation": "sum", "pilots": 2, "total": 17,
        "by": {"sex": {"women": 11, "men": 6}, "age-band": {"unknown": 17},
               "country": {"GR": 13, "SI": 4}},
        "not_broken_down_by_country": None}]
    # pilots scaled into a country, and those whose innovation comes from it
    assert {(c["consortium"], c["country"]): (c["centre"], c["partners"], c["pilots"],
                                              c["origin_of"])
            for c in seen["matrix"] if c["consortium"] == "SEED"} == {
        ("SEED", "GR"): ("Athens SI centre", 1, 1, 0), ("SEED", "IT"): (None, 0, 0, 2),
        ("SEED", "SI"): (None, 0, 1, 0)}


def _part(seen: dict[str, Any], key: str = "roll_ups", code: str = "PART") -> dict[str, Any]:
    found: dict[str, Any] = next(r for r in seen[key] if r["indicator"] == code)
    return found


def test_a_transnational_pilot_counts_once_across_its_countries(story: Story) -> None:
    story.indicator("PART", dimensions=["sex", "country"])
    story.pilot("SEED-GR-01")
    story.pilot("SEED-SI-01", targets=("SI", "GR"))
    story.log("result", "SEED-GR-01", indicator="PART", period="2022-Q1", value=20)
    story.log("result", "SEED-SI-01", indicator="PART", period="2022-Q1", value=10)
    story.log("result", "SEED-SI-01", indicator="PART", period="2022-Q2", value=12,
              breakdown={"country": {"SI": 7, "GR": 5}})

    def in_(country: str) -> dict[str, Any]:
        return _part(story.view(portfolio.portfolio, Filters(country=country)))

    greece, slovenia = in_("GR"), in_("SI")
    # its country breakdown where it has one; the whole result of a one-country pilot
    assert (greece["total"], greece["pilots"], greece["by"]["country"]) == (25, 2, {"GR": 25})
    assert (slovenia["total"], slovenia["pilots"]) == (7, 1)
    # the 10 without a country breakdown are shown apart, never in each country's total
    for seen in (greece, slovenia):
        assert {k: seen["not_broken_down_by_country"][k] for k in ("total", "pilots")} == {
            "total": 10, "pilots": ["SEED-SI-01"]}
    assert greece["total"] + slovenia["total"] + 10 == 42
    whole = _part(story.view(portfolio.portfolio, Filters()))
    assert (whole["total"], whole["by"]["country"], whole["not_broken_down_by_country"]) == (
        42, {"GR": 25, "SI": 7, "unknown": 10}, None)
    # the country the innovation comes from holds none of its participants
    assert story.view(portfolio.portfolio, Filters(country="IT"))["roll_ups"] == []


def test_a_pilot_that_reported_zero_counts_as_one_that_reported(story: Story) -> None:
    story.indicator("PART", dimensions=["sex", "country"])
    story.pilot("SEED-SI-01", targets=("SI", "GR"))  # no country breakdown: unknown, apart
    story.log("result", "SEED-SI-01", indicator="PART", period="2022-Q1", value=0)

    whole = _part(story.view(portfolio.portfolio, Filters()))
    assert (whole["total"], whole["pilots"], whole["by"]["country"]) == (0, 1, {"unknown": 0})
    greece = _part(story.view(portfolio.portfolio, Filters(country="GR")))
    assert (greece["pilots"], greece["not_broken_down_by_country"]["pilots"]) == (
        0, ["SEED-SI-01"])


def test_the_portfolio_sums_counts_and_shows_unit_costs_per_pilot(story: Story) -> None:
    story.indicator("COST", accumulation="snapshot", direction="lower", unit="EUR",
                    dimensions=[])
    story.indicator("SITES", accumulation="cumulative", unit="sites", dimensions=[])
    story.pilot("SEED-GR-01")
    story.pilot("SEED-SI-01", targets=("SI",))
    for pilot, cost, sites in (("SEED-GR-01", 700, 4), ("SEED-SI-01", 900, 3)):
        story.log("result", pilot, indicator="COST", period="2022-Q1", value=cost + 100)
        story.log("result", pilot, indicator="COST", period="2022-Q2", value=cost)
        story.log("result", pilot, indicator="SITES", period="2022-Q1", value=sites - 1)
        story.log("result", pilot, indicator="SITES", period="2022-Q2", value=sites)

    figures = {r["indicator"]: r for r in story.view(portfolio.portfolio,
                                                     Filters())["roll_ups"]}

    cost = figures["COST"]
    assert "total" not in cost
    assert (cost["aggregation"], cost["pilots"], cost["median"]) == ("per pilot", 2, 800)
    assert [(p["pilot"], p["period"], p["value"]) for p in cost["per_pilot"]] == [
        ("SEED-GR-01", "2022-Q2", 700), ("SEED-SI-01", "2022-Q2", 900)]
    assert "does not add up across pilots" in cost["counted"]
    assert (figures["SITES"]["aggregation"], figures["SITES"]["total"]) == ("sum", 7)


def test_results_without_a_breakdown_are_an_unknown_part(story: Story) -> None:
    story.indicator("PART")
    story.pilot("SEED-GR-01")
    story.log("result", "SEED-GR-01", indicator="PART", period="2022-Q1", value=10,
              breakdown={"sex": {"women": 6, "men": 4},
                         "age-band": {"18-29": 3, "30-54": 7}})
    story.log("result", "SEED-GR-01", indicator="PART", period="2022-Q2", value=5)

    part = _part(story.view(portfolio.portfolio, Filters()))

    assert part["by"]["sex"] == {"women": 6, "men": 4, "unknown": 5}
    assert part["by"]["age-band"] == {"18-29": 3, "30-54": 7, "unknown": 5}
    assert all(sum(parts.values()) == part["total"] == 15 for parts in part["by"].values())


def test_esf_plus_roll_ups_count_marked_indicators_in_member_states_only(
        story: Story) -> None:
    story.indicator("EECO01", esf_common=True, unit="participants")
    story.indicator("STAFF")
    by = story.by()
    story.ledger.register_consortium("PENCIL", "PENCIL", "Vilnius", ["LT", "GB"], by)
    for code, target in (("PENCIL-LT-01", "LT"), ("PENCIL-GB-01", "GB")):
        story.ledger.register_pilot(code, "PENCIL", {
            "title": "Pilot", "innovation": "Model", "origin_country": "LT",
            "target_countries": [target], "core_components": ["Method"],
            "adaptable_components": ["Venue"], "starts_on": date(2022, 1, 1),
            "ends_on": date(2023, 12, 31)}, by)
        for indicator in ("EECO01", "STAFF"):
            story.log("result", code, indicator=indicator, period="2022-Q1", value=30)

    seen = story.view(portfolio.portfolio, Filters())

    assert _part(seen, code="EECO01")["total"] == 60  # every country
    assert [r["indicator"] for r in seen["esf"]] == ["EECO01"]  # STAFF is not marked
    assert (_part(seen, "esf", "EECO01")["total"],
            _part(seen, "esf", "EECO01")["by"]["country"]) == (30, {"LT": 30})
    assert (seen["esf_scope"]["left_out"], seen["esf_scope"]["note"]) == (["GB"], None)
    in_gb = story.view(portfolio.portfolio, Filters(country="GB"))
    assert in_gb["esf"] == []
    assert in_gb["esf_scope"]["note"] == "GB is not an ESF+ country (not an EU member state)"


def test_the_esf_plus_roll_up_has_one_figure_per_age_band_read_from_the_total(
        story: Story) -> None:
    """EECO06-EECO08 (age), EECO02/04/05 (employment status) and EECO09-EECO11 (ISCED) are
    EECO01's breakdown: one figure each, never a second one typed apart."""
    for code in ("EECO01", "EECO07"):
        story.indicator(code, esf_common=True, unit="participants",
                        dimensions=["sex", "age-band", "employment-status"])
    story.pilot("SEED-GR-01")
    story.log("result", "SEED-GR-01", indicator="EECO01", period="2022-Q1", value=40,
              breakdown={"age-band": {"under-18": 2, "18-29": 20, "30-54": 18},
                         "employment-status": {"unemployed": 30, "inactive": 10}})
    before = story.view(portfolio.portfolio, Filters())

    with pytest.raises(RuleViolation, match=r"EECO07 .* is the age-band breakdown of EECO01: "
                       r"report it as EECO01 --breakdown age-band:18-29=N"):
        story.log("result", "SEED-GR-01", indicator="EECO07", period="2022-Q1", value=25)
    seen = story.view(portfolio.portfolio, Filters())

    assert seen == before
    assert [r["indicator"] for r in seen["esf"]] == ["EECO01"]
    parts = {code: part["value"] for code, part in
             _part(seen, "esf", "EECO01")["common_indicators"].items()}
    assert parts == {"EECO02": 30, "EECO04": 10, "EECO05": 0, "EECO06": 2, "EECO07": 20,
                     "EECO08": 0, "EECO09": None, "EECO10": None, "EECO11": None}
    assert [r["indicator"] for r in seen["roll_ups"]] == ["EECO01"]
    asked = story.view(portfolio.portfolio, Filters(indicator="EECO07"))
    assert asked["esf_scope"]["note"] == (
        "EECO07 is the age-band 18-29 part of EECO01: ask for EECO01")


def test_an_unmarked_catalogue_says_why_the_esf_plus_roll_up_is_empty(
        story: Story) -> None:
    story.indicator("PART")
    story.pilot("SEED-GR-01")
    story.log("result", "SEED-GR-01", indicator="PART", period="2022-Q1", value=10)

    seen = story.view(portfolio.portfolio, Filters())

    assert (seen["esf"], _part(seen)["total"]) == ([], 10)
    assert "no indicator in the catalogue is marked as an ESF+ common indicator" in (
        seen["esf_scope"]["note"])


def test_quality_flags_edits_after_a_lock_and_core_adaptations(story: Story) -> None:
    story.indicator("PART")
    story.pilot("SEED-GR-01")
    entry = story.log("result", "SEED-GR-01", day=date(2022, 3, 30), indicator="PART",
                      period="2022-Q1", value=10)
    story.log("adaptation", "SEED-GR-01", day=date(2022, 3, 2), component="Venue",
              summary="Online")
    core = story.log("adaptation", "SEED-GR-01", day=date(2022, 3, 3), component="Method",
                     summary="Shorter")
    story.log("period-submitted", "SEED-GR-01", period="2022-Q1")
    story.log("period-approved", "SEED-GR-01", period="2022-Q1")
    story.log("period-unlocked", "SEED-GR-01", period="2022-Q1", reason="late invoice")
    fix = story.ledger.correct(f"SEED-GR-01@{entry}", {"value": 12},
                               story.by(reason="late invoice")).version
    late = story.log("funding", "SEED-GR-01", day=date(2022, 3, 31), funder="Region",
                     amount_eur=500)

    seen = story.view(quality.quality, Filters(), date(2023, 1, 2))

    assert [(e["id"], e["touches"], e["period"]) for e in seen["edits_after_lock"]] == [
        (f"SEED-GR-01@{fix}", f"SEED-GR-01@{entry}", "2022-Q1"),
        (f"SEED-GR-01@{late}", None, "2022-Q1")]
    assert [d["id"] for d in seen["fidelity_deviations"]] == [f"SEED-GR-01@{core}"]
    assert seen["disaggregation_mismatches"] == []
    lag = seen["lag"][0]
    assert (lag["events"], lag["late"]) == (9, 9)  # all recorded in 2023, months late


def test_a_milestone_moved_in_an_unlocked_quarter_is_an_edit_after_the_lock(
        story: Story) -> None:
    story.pilot("SEED-GR-01")
    story.log("milestone-planned", "SEED-GR-01", day=date(2022, 2, 1), milestone="M1",
              title="First site", due_on=date(2022, 3, 31))
    story.log("period-submitted", "SEED-GR-01", day=date(2022, 4, 2), period="2022-Q1")
    story.log("period-approved", "SEED-GR-01", day=date(2022, 4, 5), period="2022-Q1")
    story.log("period-unlocked", "SEED-GR-01", day=date(2022, 4, 6), period="2022-Q1",
              reason="the site opened in March")
    done = story.log("milestone-achieved", "SEED-GR-01", day=date(2022, 3, 28), milestone="M1")

    seen = story.view(quality.quality, Filters(), date(2023, 1, 2))

    assert [(e["id"], e["what"], e["period"]) for e in seen["edits_after_lock"]] == [
        (f"SEED-GR-01@{done}", "milestone-achieved", "2022-Q1")]


# -- what is rated, and by which settings -----------------------------------------


def _on_target(story: Story) -> None:
    """A pilot with a target per quarter of 2022 that reported 101% of Q1 and Q2."""
    story.indicator("PART")
    story.pilot("SEED-GR-01")
    for period in ("2022-Q1", "2022-Q2", "2022-Q3", "2022-Q4"):
        story.log("target", "SEED-GR-01", day=date(2022, 1, 10), indicator="PART",
                  period=period, baseline=0, target=100)
    for period in ("2022-Q1", "2022-Q2"):
        story.log("result", "SEED-GR-01", indicator="PART", period=period, value=101)


def _statuses(story: Story, day: date) -> dict[str, str]:
    document = story.view(impact.impact, Filters(), NOW, day)
    return {row["period"]: row["status"] for row in document["rows"]}


def test_a_period_without_a_report_is_not_due_yet_or_has_no_report_never_off_track(
        story: Story) -> None:
    _on_target(story)

    assert _statuses(story, date(2022, 6, 30)) == {
        "2022-Q1": "on-track", "2022-Q2": "on-track", "2022-Q3": "not-due-yet",
        "2022-Q4": "not-due-yet"}
    assert _statuses(story, date(2022, 11, 15)) == {
        "2022-Q1": "on-track", "2022-Q2": "on-track", "2022-Q3": "no-report-yet",
        "2022-Q4": "not-due-yet"}


def _close(story: Story, pilot: str, on: date) -> None:
    for kind, values in (("readiness", {"score": 70, "summary": "Ready"}),
                         ("stage", {"to_stage": "readiness-assessed"}),
                         ("stage", {"to_stage": "planned"}),
                         ("stage", {"to_stage": "piloting"}),
                         ("evaluation", {"method": "Survey", "findings": "Works",
                                         "recommendation": "stop"}),
                         ("stage", {"to_stage": "evaluated"})):
        story.log(kind, pilot, day=date(2022, 5, 2), **values)
    story.log("closed", pilot, day=on, outcome="stopped", lessons="Start smaller")


def test_a_closed_pilot_is_not_rated_after_its_closure(story: Story) -> None:
    _on_target(story)
    _close(story, "SEED-GR-01", date(2022, 7, 20))

    assert _statuses(story, date(2023, 3, 1)) == {
        "2022-Q1": "on-track", "2022-Q2": "on-track", "2022-Q3": "no-report-yet",
        "2022-Q4": "closed"}


def test_a_closed_pilot_left_its_open_milestones_and_risks_open_not_overdue(
        story: Story) -> None:
    story.pilot("SEED-GR-01")
    story.log("milestone-planned", "SEED-GR-01", day=date(2022, 2, 1), milestone="M1",
              title="Site open", due_on=date(2022, 6, 30))
    story.log("risk-raised", "SEED-GR-01", day=date(2022, 2, 1), risk="R1",
              description="Turnover", severity="high")
    _close(story, "SEED-GR-01", date(2022, 7, 20))

    seen = story.view(progress.progress, Filters(), date(2023, 3, 1))
    row, total = seen["pilots"][0], seen["consortia"][0]

    assert {k: row[k] for k in ("overdue", "left_open", "open_risks", "risks_left_open",
                                "closed_on")} == {
        "overdue": 0, "left_open": 1, "open_risks": 0, "risks_left_open": 1,
        "closed_on": "2022-07-20"}
    assert (total["overdue"], total["left_open"], total["risks_left_open"]) == (0, 1, 1)


def test_the_impact_view_rates_by_the_settings_it_names(story: Story) -> None:
    _on_target(story)
    story.log("result", "SEED-GR-01", indicator="PART", period="2022-Q3", value=40)
    before = story.view(impact.impact, Filters(period="2022-Q3"), NOW, date(2023, 1, 1))
    change_rating(story.ledger, on_track=Decimal(80), at_risk=Decimal(70), cap=Decimal(101),
                  no_cap=False, by=story.by(reason="Managing authority's guidance"))
    after = story.view(impact.impact, Filters(), NOW, date(2023, 1, 1))

    assert before["rating"] == {"on_track": 90, "at_risk": 60, "cap": None,
                                "settings_version": None}
    assert before["rows"][0]["status"] == "at-risk"  # 242 of 300: 80.7%
    assert after["rating"] == {"on_track": 80, "at_risk": 70, "cap": 101,
                               "settings_version": 2}
    q1, _, q3, _ = after["rows"]
    assert (q3["percent"], q3["status"]) == (80.7, "on-track")
    assert (q1["percent"], q1["capped"]) == (101, False)


def test_a_cap_shows_over_achievement_as_the_cap(story: Story) -> None:
    story.indicator("PART")
    story.pilot("SEED-GR-01")
    story.log("target", "SEED-GR-01", indicator="PART", period="2022-Q1", target=100)
    story.log("result", "SEED-GR-01", indicator="PART", period="2022-Q1", value=400)
    change_rating(story.ledger, on_track=None, at_risk=None, cap=Decimal(150), no_cap=False,
                  by=story.by(reason="Keep a star pilot from hiding the others"))

    row = story.rows()[0]

    assert (row["achieved"], row["percent"], row["capped"], row["status"]) == (
        400, 150, True, "on-track")


def test_a_view_at_a_moment_rates_by_the_settings_known_then(story: Story) -> None:
    _on_target(story)
    known = story.ledger.clock()
    change_rating(story.ledger, on_track=Decimal(110), at_risk=None, cap=None, no_cap=False,
                  by=story.by(reason="Stricter"))
    story.models.catch_up()

    def status_at(point: Point) -> tuple[str, Any]:
        with reading(story.engine) as connection, directory_at(connection, point, Filters()):
            document = as_json(impact.impact(connection, Filters(period="2022-Q1"), point,
                                             date(2023, 1, 1)))
        return document["rows"][0]["status"], document["rating"]["on_track"]

    assert status_at(Point.at(None, known)) == ("on-track", 90)
    assert status_at(Point.at(date(2022, 6, 30), None)) == ("at-risk", 110)
