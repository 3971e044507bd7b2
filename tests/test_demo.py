"""``scaletrack demo``: an empty store filled with a realistic, deterministic playground."""

from __future__ import annotations

import shutil
from collections import Counter
from datetime import date, datetime, timedelta
from typing import Any

import pytest

from scaletrack.application.kinds import KINDS
from scaletrack.application.ledger import Ledger
from scaletrack.application.mapper import event_state
from scaletrack.application.store import StoreURL, empty_store
from scaletrack.domain import pilot_events as ev
from scaletrack.domain.envelope import Recorded

CONSORTIA = {"BUICASUS", "ESIA", "FUSE", "PENCIL", "SIPLUS", "SEED"}
ENVELOPE = {"id", "type", "version", "occurred_on", "recorded_at", "actor", "reason", "data"}
OTHER_TYPES = {"pilot.registered", "pilot.entry-corrected", "pilot.entry-retracted",
               "consortium.registered", "consortium.country-joined",
               "consortium.partner-added", "consortium.centre-established",
               "indicator.defined", "indicator.revised", "indicator.retired",
               "organisation.registered", "consortium.stakeholder-mapped",
               "consortium.stakeholder-revised", "consortium.relationship-recorded",
               "consortium.relationship-ended",
               "consortium.action-planned", "consortium.action-status-changed",
               "consortium.capacity-building-held", "consortium.gathering-held",
               "consortium.exchange-held"}

def stored(url: str) -> list[Recorded]:
    ledger = Ledger(StoreURL.parse(url))
    try:
        return list(ledger.all_events())
    finally:
        ledger.close()


def fingerprint(events: list[Recorded]) -> list[tuple[str, str, int, dict[str, Any]]]:
    """Everything that makes an event what it is: type, aggregate, version, both times, data."""
    return [(e.TYPE, str(e.originator_id), e.originator_version, event_state(e))
            for e in events]


def days_late(record: dict[str, Any]) -> int:
    recorded = datetime.fromisoformat(record["recorded_at"]).date()
    return (recorded - date.fromisoformat(record["occurred_on"])).days


def days_between(earlier: dict[str, Any], later: dict[str, Any]) -> int:
    """Days between the moments two events were recorded."""
    return (datetime.fromisoformat(later["recorded_at"])
            - datetime.fromisoformat(earlier["recorded_at"])).days


@pytest.fixture(scope="module")
def demo_events(demo_url: str) -> list[Recorded]:
    return stored(demo_url)


@pytest.fixture
def on_demo(demo_url: str, cli: Any) -> Any:
    """Run the CLI against the demo store."""
    return lambda *args: cli("--db", demo_url, *args)


def test_demo_lists_at_least_twenty_pilots_across_all_six_consortia(on_demo: Any) -> None:
    listed = on_demo("pilot", "list", "--json")
    pilots = listed.json()
    assert listed.exit_code == 0
    assert len(pilots) >= 20
    assert {p["consortium"] for p in pilots} == CONSORTIA
    assert {"SEED-IT-01", "SEED-GR-01", "SEED-SI-01"} <= {p["code"] for p in pilots}
    assert all(p["type"] in ("replication", "scale-up") for p in pilots)


def test_demo_records_two_to_four_thousand_events_on_a_clock_from_2021_to_2023(
        demo_events: list[Recorded]) -> None:
    assert 2000 <= len(demo_events) <= 4000
    times = [e.recorded_at for e in demo_events]
    assert times == sorted(times), "the store's order is the order things were recorded"
    assert (times[0].year, times[-1].year) == (2021, 2023)
    assert all(e.occurred_on <= e.recorded_at.date() for e in demo_events)


def test_demo_covers_every_pilot_event_kind_and_every_other_event(
        demo_events: list[Recorded]) -> None:
    types = Counter(e.TYPE for e in demo_events)
    assert {kind.event.TYPE for kind in KINDS.values()} | OTHER_TYPES <= set(types)
    assert types["pilot.entry-corrected"] >= 10
    assert types["pilot.entry-retracted"] >= 5


def test_pilot_history_shows_reports_recorded_months_after_they_happened(
        on_demo: Any) -> None:
    shown = on_demo("pilot", "history", "SEED-GR-01", "--json")
    history = shown.json()
    assert shown.exit_code == 0
    assert all(set(record) >= ENVELOPE for record in history)
    assert [r["version"] for r in history] == list(range(1, len(history) + 1))
    assert max(days_late(r) for r in history) >= 60
    assert all(days_late(r) >= 0 for r in history)


def test_a_result_is_corrected_months_later_in_a_reopened_period(on_demo: Any) -> None:
    history = on_demo("pilot", "history", "SEED-GR-01", "--json").json()
    by_version = {r["version"]: r for r in history}
    late = [(by_version[r["data"]["corrects"]], r) for r in history
            if r["type"] == "pilot.entry-corrected"
            and by_version[r["data"]["corrects"]]["type"] == "pilot.result-reported"
            and days_between(by_version[r["data"]["corrects"]], r) >= 90]
    assert late, "a result of SEED-GR-01 is corrected three months or more after it came in"
    result, correction = late[0]
    period = result["data"]["period"]
    assert correction["reason"]
    assert correction["data"]["data"]["value"] < result["data"]["value"]
    around = [(r["type"].split(".")[1], r["recorded_at"] < correction["recorded_at"])
              for r in history if r["data"].get("period") == period
              and r["type"].startswith("pilot.period-")]
    assert ("period-report-approved", True) in around
    assert ("period-unlocked", True) in around
    assert around[-1] == ("period-report-approved", False), "approved again after the fix"


def test_results_keep_the_indicator_version_they_used_and_one_indicator_retires(
        on_demo: Any, demo_events: list[Recorded]) -> None:
    versions = {e.indicator_version for e in demo_events  # type: ignore[attr-defined]
                if e.TYPE == "pilot.result-reported" and e.indicator == "EECO01"}  # type: ignore[attr-defined]
    assert versions == {1, 2}
    catalogue = on_demo("indicator", "list", "--json").json()
    assert [i["code"] for i in catalogue if i["retired"]] == ["MEDIA-MENTIONS"]
    assert {i["code"] for i in catalogue} >= {"EECO01", "EECO12", "EECO18", "EECR04", "SITES",
                                               "ADOPT-ORG", "PUB-COMMISSION", "EARNED-INCOME",
                                               "STAFF-TRAINED", "FIDELITY", "POLICY-CHANGE"}


def test_milestones_slip_every_year_and_pilots_stop_or_close(
        demo_events: list[Recorded]) -> None:
    slips = {e.recorded_at.year for e in demo_events if e.TYPE == "pilot.milestone-slipped"}
    assert slips == {2021, 2022, 2023}
    stages: dict[str, list[str]] = {}
    for e in demo_events:
        if e.TYPE in ("pilot.stage-advanced", "pilot.closed"):
            stages.setdefault(str(e.originator_id), []).append(
                str(getattr(e, "to_stage", "closed")))
    assert sum(path[-3:] == ["evaluated", "stopped", "closed"] for path in stages.values()) == 1
    assert sum(path[-1] == "closed" for path in stages.values()) >= 3


def test_a_pilot_on_target_is_not_rated_for_quarters_still_to_come(on_demo: Any) -> None:
    rows = on_demo("impact", "--pilot", "SEED-GR-01", "--indicator", "EECO01", "--as-of",
                   "2022-06-30", "--json").json()["rows"]

    assert {r["period"]: r["status"] for r in rows if r["period"] >= "2022-Q2"} == {
        "2022-Q2": "on-track", "2022-Q3": "not-due-yet", "2022-Q4": "not-due-yet",
        "2023-Q1": "not-due-yet", "2023-Q2": "not-due-yet"}


def test_a_closed_pilot_is_not_rated_after_its_closure(on_demo: Any) -> None:
    rows = on_demo("impact", "--pilot", "PENCIL-FI-01", "--indicator", "EECO01",
                   "--json").json()["rows"]
    progress = on_demo("progress", "--pilot", "ESIA-DK-01", "--json").json()["pilots"][0]

    statuses = {r["period"]: r["status"] for r in rows if r["period"] >= "2022-Q3"}
    assert statuses.pop("2022-Q3") in ("on-track", "at-risk", "off-track")  # its last quarter
    assert statuses == {"2022-Q4": "closed", "2023-Q1": "closed", "2023-Q2": "closed"}
    assert (progress["closed_on"], progress["overdue"], progress["open_risks"],
            progress["risks_left_open"]) == ("2023-03-31", 0, 0, 3)
    assert "3 left open" in on_demo("progress", "--pilot", "ESIA-DK-01").stdout


def test_demo_refuses_a_store_that_holds_events_and_leaves_it_alone(run: Any) -> None:
    assert run("init").exit_code == 0
    assert run("consortium", "register", "ZZ", "--name", "Mine", "--lead", "Me",
               "--country", "IT").exit_code == 0
    refused = run("demo")
    assert (refused.exit_code, refused.stdout) == (1, "")
    assert refused.stderr.startswith("error: ")
    assert refused.stderr.count("\n") == 1
    assert "already holds 1 event;" in refused.stderr
    assert "--fresh" in refused.stderr
    assert [c["code"] for c in run("consortium", "list", "--json").json()] == ["ZZ"]
    assert run("pilot", "list", "--json").json() == []


def test_demo_help_shows_an_example(run: Any) -> None:
    assert "scaletrack --db sqlite:///demo.db demo --fresh" in run("demo", "--help").stdout


def test_empty_store_discards_every_event_and_the_store_starts_again(
        run: Any, store_url: str) -> None:
    assert run("init").exit_code == 0
    assert run("consortium", "register", "ZZ", "--name", "Mine", "--lead", "Me",
               "--country", "IT").exit_code == 0
    empty_store(StoreURL.parse(store_url))
    assert run("init").exit_code == 0
    assert run("consortium", "list", "--json").json() == []
    assert run("consortium", "register", "ZZ", "--name", "Mine", "--lead", "Me",
               "--country", "IT").stdout == "ZZ@1\n"


@pytest.mark.slow
def test_fresh_demo_replaces_the_store_and_gives_the_same_events_every_time(
        cli: Any, sqlite_url: str, demo_url: str, demo_events: list[Recorded]) -> None:
    def run(*args: str) -> Any:
        return cli("--db", sqlite_url, *args)

    assert run("init").exit_code == 0
    assert run("consortium", "register", "ZZ", "--name", "Mine", "--lead", "Me",
               "--country", "IT").exit_code == 0
    refused = run("demo", "--fresh", "--json")
    assert refused.exit_code == 1
    assert "1 event that is not the demo's" in refused.stderr
    assert run("consortium", "show", "ZZ").exit_code == 0  # nobody's own records are deleted

    shutil.copyfile(demo_url.removeprefix("sqlite:///"), sqlite_url.removeprefix("sqlite:///"))
    done = run("demo", "--fresh", "--json")
    assert done.exit_code == 0, done.stderr
    summary = done.json()
    assert summary["synthetic"] is True
    assert summary["events"] == len(demo_events)
    assert (summary["consortia"], summary["pilots"]) == (6, 24)
    assert summary["late_reports"] > 0
    assert run("consortium", "show", "ZZ").exit_code == 3
    assert fingerprint(stored(sqlite_url)) == fingerprint(demo_events)


def test_per_country_participants_never_count_a_transnational_pilot_twice(
        on_demo: Any) -> None:
    """ESIA's pilots run in DK and EE, EE and PL, PL and GB: each country gets its part."""
    whole = {r["indicator"]: r for r in on_demo(
        "portfolio", "--consortium", "ESIA", "--indicator", "EECO01", "--json").json()[
        "roll_ups"]}
    by_country = whole["EECO01"]["by"]["country"]
    apart = []
    for country in ("DK", "EE", "PL"):
        part = on_demo("portfolio", "--consortium", "ESIA", "--country", country,
                       "--indicator", "EECO01", "--json").json()["roll_ups"][0]
        assert part["total"] == by_country[country]
        apart.append(part["not_broken_down_by_country"]["total"])
    assert sum(by_country.values()) == whole["EECO01"]["total"]  # GB and unknown beside them
    assert all(total > 0 for total in apart)  # results from before EECO01 had a country


def test_the_portfolio_sums_counts_not_rates_and_has_one_figure_per_age_band(
        on_demo: Any) -> None:
    seen = on_demo("portfolio", "--json").json()
    figures = {r["indicator"]: r for r in seen["roll_ups"]}
    assert {code for code, r in figures.items() if r["aggregation"] == "per pilot"} == {
        "EARNED-INCOME", "FIDELITY", "SITES"}  # SITES is a stock: a snapshot
    assert all("total" not in figures[code] for code in ("EARNED-INCOME", "FIDELITY"))
    part = figures["EECO01"]
    assert all(sum(parts.values()) == part["total"] for parts in part["by"].values())
    esf = {r["indicator"]: r for r in seen["esf"]}
    assert set(esf) <= set(seen["esf_scope"]["indicators"]) == {
        *(f"EECO{n:02}" for n in range(1, 20)), *(f"EECR{n:02}" for n in range(1, 6))}
    assert {"EECO01", "EECO12", "EECO18", "EECR04", "EECR05"} <= set(esf)
    # no age band, employment status or ISCED level is counted apart from EECO01's breakdown
    assert not set(esf) & {"EECO02", *(f"EECO{n:02}" for n in range(4, 12))}
    ages = esf["EECO01"]["by"]["age-band"]
    parts = esf["EECO01"]["common_indicators"]
    assert [parts[c]["value"] for c in ("EECO06", "EECO07", "EECO08")] == [
        ages["under-18"], ages["18-29"], ages["55+"]]
    status = esf["EECO01"]["by"]["employment-status"]
    assert parts["EECO02"]["value"] == status["unemployed"] > 0
    assert parts["EECO09"]["value"] == esf["EECO01"]["by"]["isced"]["isced-0-2"] > 0
    assert seen["esf_scope"]["left_out"] == ["GB"]
    assert seen["esf_scope"]["note"] is None
    # entities are what the pilots report: the distinct records are counted elsewhere
    assert "`organisation supported` counts the distinct" in esf["EECO18"]["counted"]


def test_the_demo_catalogue_holds_every_esf_plus_common_indicator_as_the_regulation_does(
        on_demo: Any) -> None:
    from scaletrack.domain.esf_plus import COMMON_INDICATORS

    listed = {i["code"]: i for i in on_demo("indicator", "list", "--json").json()}
    for code, common in COMMON_INDICATORS.items():
        row = listed[code]
        assert (row["name"], row["unit"], row["level"], row["esf_common"]) == (
            common.name, common.unit, str(common.level), True)
        assert row["counting_rule"] == str(common.counting)
        assert row["estimate_allowed"] is common.estimate_allowed
    assert listed["EECR05"]["counting_rule"] == "six months after leaving"
    assert not any(i["esf_common"] for code, i in listed.items() if code not in COMMON_INDICATORS)


def test_every_centre_has_a_map_and_an_action_plan_before_its_consortium_s_first_pilot(
        on_demo: Any) -> None:
    from scaletrack.demo import data

    for consortium in data.CONSORTIA:
        first = min(p.registered for p in data.PILOTS if p.consortium == consortium.code)
        before = (first - timedelta(days=1)).isoformat()
        centres = on_demo("centre", "list", "--consortium", consortium.code, "--as-of",
                          before, "--json").json()
        assert sorted(c["country"] for c in centres) == sorted(consortium.countries)
        assert all(c["stakeholders"] >= 3 and c["relationships"] >= 2 and c["actions"] >= 3
                   for c in centres), (consortium.code, centres)
        assert not any(c["actions_done"] for c in centres)
        now = on_demo("centre", "list", "--consortium", consortium.code, "--json").json()
        assert len(now) == len(consortium.countries) + bool(consortium.joins_later)
        assert all(c["stakeholders"] >= 3 and c["actions_done"] >= 1 for c in now)
    plan = on_demo("centre", "plan", "SEED", "GR", "--json").json()
    assert plan["progress"]["done"] >= 1


def test_the_demo_names_organisations_as_they_were_and_marks_invented_ones(
        on_demo: Any) -> None:
    organisations = on_demo("organisation", "list", "--json").json()
    names = [o["name"] for o in organisations]
    assert "Pôle emploi regional office, Lyon (synthetic)" in names
    assert not any("France Travail" in n for n in names)
    from scaletrack.demo import data

    named_already = ({p[0] for c in data.CONSORTIA for p in c.partners}
                     | {name for p in data.PILOTS for name, _ in p.providers})
    assert all(n.endswith(data.SYNTHETIC) or n in named_already for n in names), \
        "an organisation record is marked synthetic unless the demo's facts name it"
    supported = on_demo("organisation", "supported", "--json").json()["indicators"][0]
    assert supported["indicator"] == "EECO18"
    assert 0 < supported["organisations"] < supported["mentions"]


def test_demo_decisions_carry_their_detail_and_closures_follow_adoption(
        on_demo: Any, demo_events: list[Recorded]) -> None:
    """Adoptions state what is committed (ESF+ money only once the 2021-2027 programmes
    were adopted, from mid-2022) and why when rejected or deferred; evaluations their design;
    core deviations their reason and, where the pilot asks for it, the originator's
    approval; a pilot closes as taken over only with an adopted decision."""
    log = on_demo("decisions", "--json").json()["decisions"]
    by_kind: dict[str, list[dict[str, Any]]] = {}
    for entry in log:
        by_kind.setdefault(entry["decision"], []).append(entry)
    asks = {e.code for e in demo_events
            if isinstance(e, ev.Registered) and e.originator_approval_required}
    assert asks, "some pilots (affiliations) ask for the originator's approval"
    for adoption in by_kind["adoption-decided"]:
        details = adoption["details"]
        if details["decision"] in ("rejected", "deferred"):
            assert adoption["reason"], adoption
        else:
            assert details["budget_eur"] is not None, adoption
            assert details["duration_months"], adoption
            assert details["coverage"].endswith("(synthetic)")
        if details.get("esf_funded"):
            assert adoption["occurred_on"] >= "2022-07-01", adoption
    for evaluation in by_kind["evaluation-completed"]:
        details = evaluation["details"]
        assert None not in (details["design"], details["independence"],
                            details["evidence_level"]), details
        assert details["sample_size"] or details["design"] == "qualitative"
    deviations = [a for a in by_kind["adaptation-made"] if a["details"]["core"]]
    assert deviations
    for deviation in deviations:
        assert deviation["reason"], deviation
        if deviation["pilot"] in asks:
            assert deviation["details"]["approved_by"].endswith("(synthetic)"), deviation
    adopted = {a["pilot"] for a in by_kind["adoption-decided"]
               if a["details"]["decision"] == "adopted"}
    outcomes = {c["pilot"]: c["details"]["outcome"] for c in by_kind["closed"]}
    assert set(outcomes.values()) <= {"taken-over-by-public-provider", "continued-by-promoter",
                                      "continued-by-partner", "stopped"}
    taken_over = {p for p, o in outcomes.items() if o == "taken-over-by-public-provider"}
    assert taken_over
    assert taken_over <= adopted
