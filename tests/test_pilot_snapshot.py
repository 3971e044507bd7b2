"""A pilot's snapshot stays small however many entries it records.

The pilot keeps only what its rules need: a count of its entries and the
versions corrected or retracted, not a record of every entry, so its snapshot
(the state the ledger stores every hundred events) does not grow with them.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from scaletrack.application.ledger import Ledger
from scaletrack.application.store import StoreURL
from scaletrack.domain.consortium import Consortium
from scaletrack.domain.envelope import Provenance
from scaletrack.domain.indicator import Indicator
from scaletrack.domain.pilot import Pilot
from scaletrack.domain.vocabulary import period_of

RECORDED_AT = datetime(2025, 1, 10, 12, tzinfo=UTC)
FIRST_DAY = date(2020, 1, 1)
ENTRIES = 5_000
SNAPSHOT_LIMIT = 16 * 1024


def by(on: date, reason: str | None = None) -> Provenance:
    return Provenance(occurred_on=on, recorded_at=RECORDED_AT, actor="tester", reason=reason)


def indicator(code: str, measure: str, dimensions: list[str]) -> Indicator:
    return Indicator.define(code, by(FIRST_DAY), name=code.title(), level="output",
                            measure=measure, unit="people", direction="higher",
                            accumulation="incremental", dimensions=dimensions)


def long_pilot() -> Pilot:
    """Five years of a busy pilot: 5,000 entries of every kind, with milestones, risks,
    partners, quarterly reports, corrections and retractions between them."""
    seed = Consortium.register("SEED", "Seed", "City of Turin", ["IT", "GR", "RO"],
                               by(FIRST_DAY))
    part = indicator("PART", "unit", ["sex"])
    policy = indicator("POLICY", "qualitative", [])
    pilot = Pilot.register("SEED-GR-01", seed, by(FIRST_DAY), title="SI mapping",
                           innovation="Local SI mapping", origin_country="IT",
                           target_countries=["GR", "RO"], core_components=["Method"],
                           adaptable_components=["Venue"], starts_on=FIRST_DAY,
                           ends_on=date(2024, 12, 31))
    pilot.assess_readiness(70, "Partners ready", by(FIRST_DAY))
    for stage in ("readiness-assessed", "planned", "piloting"):
        pilot.advance_stage(stage, by(FIRST_DAY))
    days = 5 * 365
    entries: list[int] = []

    def entry(n: int, on: date) -> None:
        period = period_of(on)
        kinds: list[Any] = [
            lambda: pilot.report_result(part, by(on), period=period, value=Decimal(n % 90 + 10),
                                        breakdown={"sex": {"women": Decimal(n % 90 + 4),
                                                           "men": Decimal(6)}}),
            lambda: pilot.report_result(policy, by(on), period=period,
                                        narrative=f"Council debate {n}"),
            lambda: pilot.assess_readiness(50 + n % 50, "Reassessed", by(on)),
            lambda: pilot.revise_business_model(by(on), revenue_mix={"grants": 60, "fees": 40},
                                                cost_per_beneficiary_eur=Decimal(300),
                                                summary="Fees from municipalities"),
            lambda: pilot.change_hr_process(by(on), roles=["coach"], fte=Decimal("2.5"),
                                            training="3-day course", summary="Coaches hired"),
            lambda: pilot.decide_adoption(by(on), provider="City of Patras", level="local",
                                          decision="adopted", instrument="Service contract"),
            lambda: pilot.make_adaptation("Venue" if n % 2 else "Method", "Online sessions",
                                          by(on, reason="Lockdown")),
            lambda: pilot.secure_funding("ESF+ OP", Decimal(1000 * (n % 50 + 1)), "EUR", by(on)),
            lambda: pilot.complete_evaluation(by(on), method="Survey", findings="On track",
                                              recommendation="scale"),
        ]
        indicator = {0: part, 1: policy}.get(n % len(kinds))
        if indicator is not None and f"{indicator.code}|{period}" in pilot.results:
            kinds[2]()  # one result per indicator and quarter: reassess instead
        else:
            kinds[n % len(kinds)]()
        entries.append(pilot.version)

    quarter = ""
    for n in range(ENTRIES - 2 * 20 - 1):  # the first entry assessed its readiness
        on = FIRST_DAY + timedelta(days=n * days // ENTRIES)
        if period_of(on) != quarter:  # a new quarter: report the last, set its targets
            if quarter:
                pilot.submit_period_report(quarter, by(on))
                pilot.approve_period_report(quarter, by(on))
            quarter = period_of(on)
            pilot.set_target(part, by(on), period=quarter, baseline=Decimal(0),
                             target=Decimal(120))
            pilot.set_target(policy, by(on), period=quarter, narrative="A local law")
        entry(n, on)
        made: Any = pilot.pending_events[-1]
        if n % 100 == 0:
            ref = f"M{n // 100}"
            pilot.plan_milestone(ref, f"Site {n // 100} open", on + timedelta(days=90), by(on))
            pilot.slip_milestone(ref, on + timedelta(days=120), by(on))
            pilot.achieve_milestone(ref, by(on))
            pilot.raise_risk(f"R{n // 100}", "Staff turnover", "medium", by(on))
            pilot.close_risk(f"R{n // 100}", by(on))
        if n % 500 == 0:
            pilot.join_partner(f"Partner {n // 500}", "GR", "local implementer", by(on))
        if n % 18 == 2:  # a readiness assessment
            pilot.correct_entry(made, {"summary": "Corrected"}, by(on, "typo"))
        elif n % 90 == 0:  # a result
            pilot.retract_entry(made, by(on, "duplicate"))
    return pilot


def test_the_snapshot_of_a_pilot_with_5000_entries_is_under_16_kb(sqlite_url: str) -> None:
    """As the ledger stores it (the same on every backend: the mapper makes the bytes)."""
    pilot = long_pilot()
    ledger = Ledger(StoreURL.parse(sqlite_url))
    assert pilot.entry_count == ENTRIES
    assert (len(pilot.corrected), len(pilot.retracted)) == (276, 56)

    stored = ledger.mapper.to_stored_event(Pilot.Snapshot.take(pilot))

    assert len(stored.state) < SNAPSHOT_LIMIT, f"{len(stored.state):,} bytes"
    snapshot = ledger.mapper.to_domain_event(stored)
    assert isinstance(snapshot, Pilot.Snapshot)
    restored = snapshot.mutate(None)
    assert isinstance(restored, Pilot)
    assert vars(restored) == {**vars(pilot), "_pending_events": []}
    ledger.close()
