"""Benchmark stores, built fast through the domain and the ledger (never the CLI).

A store of N events holds the six demo consortia, the demo's indicator
catalogue, pilots of about 400 events each living a pilot's life (readiness,
pathway, stages, milestones, targets and results, business-model and HR
changes, adoption decisions, risks, quarterly period reports, corrections and
retractions) in the proportions the demo logs them (:func:`demo_mix`), and one
long-running pilot (``BIG_PILOT``) of up to 10,000 events; a quarter of the
pilots, the long-running one among them, are still running at the end.
Pilots run side by side on one global clock, so their events interleave in
the store as they would in real use and the store's order is the recorded-at
order.

Every event is made by the pilot's own command methods, so every rule holds
and every event is validated; the pilots stay in memory between commands and
are saved about 1,000 events per save, and the ledger takes its snapshots as
usual. Built stores are cached by size, backend and :func:`store_key`.
"""

from __future__ import annotations

import hashlib
import heapq
import json
import random
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from scaletrack.application.ledger import Ledger
from scaletrack.application.store import StoreURL
from scaletrack.domain.consortium import Consortium
from scaletrack.domain.envelope import Provenance, Recorded
from scaletrack.domain.errors import ScaletrackError
from scaletrack.domain.indicator import Indicator
from scaletrack.domain.pilot import Pilot
from scaletrack.domain.vocabulary import Source, period_of

GENERATOR_VERSION = 7
"""Bump when the generated stores change, so cached stores are rebuilt."""

BIG_PILOT = "BIG-PILOT-01"
BIG_PILOT_EVENTS = 10_000
TYPICAL_PILOT_EVENTS = 400
EVENTS_PER_SAVE = 1_000
FIRST_DAY, LAST_DAY = date(2014, 1, 6), date(2025, 12, 19)
OPEN_UNTIL = date(2030, 12, 31)
"""When the pilots kept open end: after today, so the measured commands log results for
the current quarter inside their dates."""
"""The store's history: years of pilots, all in the past."""

FALLBACK_MIX: dict[str, int] = {
    "result": 30, "target": 6, "target-revised": 1,
    "milestone-planned": 6, "milestone-achieved": 4, "milestone-slipped": 2,
    "milestone-dropped": 1, "business-model": 3, "hr-change": 3, "adoption": 3,
    "partner-joined": 2, "partner-left": 1, "adaptation": 3, "funding": 3,
    "risk-raised": 3, "risk-closed": 2, "evaluation": 2, "pathway-changed": 1,
    "readiness": 1, "correct": 3, "retract": 1,
}
"""Relative weights of the kinds a pilot logs between its quarterly reports,
when the demo's own plan is not available (see :func:`demo_mix`).

Stages and period reports are not drawn: they follow the pilot's life and
the calendar.
"""


@cache
def demo_mix() -> dict[str, int]:
    """How often the demo logs each drawn kind: the mix the generated pilots follow."""
    try:
        from scaletrack.demo.fill import plan
    except ImportError:
        return FALLBACK_MIX
    counts = Counter(step.op for step in plan())
    total = sum(counts[kind] for kind in FALLBACK_MIX)
    # Whole percentages: a small change to the demo keeps the cached stores.
    mix = {kind: max(1, round(100 * counts[kind] / total))
           for kind in FALLBACK_MIX if counts[kind]}
    return mix if "result" in mix else FALLBACK_MIX



def store_key() -> str:
    """What a cached store depends on: the generator's version, the mix, and how events
    are stored (the event mapper's source: a new stored form means new stores)."""
    from scaletrack.application import mapper

    depends = json.dumps(demo_mix(), sort_keys=True) + Path(mapper.__file__).read_text()
    return f"v{GENERATOR_VERSION}_{hashlib.sha256(depends.encode()).hexdigest()[:6]}"

CONSORTIA: dict[str, tuple[str, str, list[str]]] = {
    "BUICASUS": ("Building Capacity for a Sustainable Society",
                 "ES ministry of social rights", ["ES", "FR", "SE", "LV"]),
    "ESIA": ("European Social Innovation Alliance", "DE partners", ["DE", "DK", "EE", "PL"]),
    "FUSE": ("Facilitating United Approaches to SI in Europe", "Rethink Ireland",
             ["IE", "PT", "BG", "CY"]),
    "PENCIL": ("Pan European Social Innovation Lab", "synthetic lead", ["LT", "BE", "CZ", "FI"]),
    "SIPLUS": ("Social Innovation Plus", "L&R Social Research", ["AT", "HU", "SK", "BG"]),
    "SEED": ("Social innovation Ecosystem Development", "City of Turin",
             ["IT", "GR", "RO", "SI"]),
}

INDICATORS: dict[str, dict[str, Any]] = {
    "PART": {"name": "Participants", "measure": "unit", "unit": "people",
             "dimensions": ["sex", "age-band"]},
    "PART-UNEMP": {"name": "Unemployed participants", "measure": "unit", "unit": "people",
                   "dimensions": ["sex"]},
    "PART-18-29": {"name": "Participants aged 18-29", "measure": "unit", "unit": "people",
                   "dimensions": ["sex"]},
    "PART-DIS": {"name": "Participants with disabilities", "measure": "unit",
                 "unit": "people", "dimensions": ["sex"]},
    "PUB-ADMIN": {"name": "Supported public administrations", "measure": "unit",
                  "unit": "administrations", "dimensions": []},
    "SITES": {"name": "Sites operational", "measure": "unit", "unit": "sites",
              "accumulation": "cumulative", "dimensions": []},
    "STAFF-TRAINED": {"name": "Staff trained", "measure": "unit", "unit": "people",
                      "dimensions": ["sex"]},
    "EARNED-SHARE": {"name": "Share of costs from earned income", "measure": "percentage",
                     "unit": "%", "accumulation": "snapshot", "dimensions": []},
    "POLICY": {"name": "Policy change narrative", "measure": "qualitative", "unit": "",
               "level": "impact", "accumulation": "snapshot", "dimensions": []},
}

_NEXT_TO_CLOSE = {"evaluated": "rolling-out", "adapting": "piloting",
                  "rolling-out": "sustained"}
"""The stage a winding-up pilot moves to next; once sustained it closes."""

_REASONS = ["Late sign-in sheets", "Budget cut", "Partner request", "Data entry error",
            "Steering group decision", "Lockdown"]


@dataclass(frozen=True)
class StoreShape:
    """What a generated store holds, for the measures to address it."""

    events: int
    pilots: list[str]
    open_pilots: list[str]
    """Pilots still running (the long-running one among them): commands can go to them."""
    big_pilot: str
    big_pilot_events: int
    typical_pilot: str
    first_day: date = FIRST_DAY
    last_day: date = LAST_DAY

    def as_dict(self) -> dict[str, Any]:
        return {"events": self.events, "pilots": len(self.pilots),
                "open_pilots": len(self.open_pilots), "big_pilot": self.big_pilot,
                "big_pilot_events": self.big_pilot_events,
                "typical_pilot": self.typical_pilot}


def shape_for(events: int) -> tuple[int, int]:
    """(events of the long-running pilot, number of typical pilots) for a store size."""
    big = min(BIG_PILOT_EVENTS, events // 2)
    return big, max(1, round((events - big) / TYPICAL_PILOT_EVENTS))


@dataclass
class Life:
    """One pilot being lived: its aggregate, pace and what it may log next."""

    pilot: Pilot
    indicators: list[Indicator]
    budget: int
    pace: timedelta
    rng: random.Random
    now: datetime
    logged: int = 1
    quarter: str = ""
    milestones: int = 0
    risks: int = 0
    partners: int = 0
    recent: list[Recorded] = field(default_factory=list)
    """Entries of the open quarter: what a correction or retraction may name."""
    corrections: dict[int, Any] = field(default_factory=dict)
    """The last correction of each recent entry corrected: a new one must change its values
    (as they stand), which the pilot checks against it."""

    keep_open: bool = False
    """Still running when the store's history ends: commands can be logged to it."""

    @property
    def done(self) -> bool:
        return self.pilot.stage == "closed" or (self.keep_open and self.logged >= self.budget)

    def by(self, reason: str | None = None, late_days: int = 0) -> Provenance:
        occurred = self.now.date() - timedelta(days=late_days)
        if period_of(occurred) != period_of(self.now.date()):
            occurred = self.now.date()
        source = Source.IMPORT if self.rng.random() < 0.2 else Source.CLI
        return Provenance(occurred_on=occurred, recorded_at=self.now,
                          actor=self.rng.choice(["ana", "jonas", "eleni", "marta"]),
                          source=source, reason=reason)

    def step(self) -> None:
        """Log the next event(s) of this pilot's life."""
        pilot = self.pilot
        quarter = period_of(self.now.date())
        if self.quarter and quarter != self.quarter:
            self._report_period(self.quarter)
        self.quarter = quarter
        remaining = self.budget - self.logged
        if pilot.stage in {"proposed", "readiness-assessed", "planned"}:
            self._start()
        elif remaining <= 6 and not self.keep_open:
            self._finish()
        elif self.rng.random() < 0.02 and pilot.stage == "piloting":
            self._evaluate_and_adapt()
        else:
            mix = demo_mix()
            self._log(self.rng.choices(list(mix), weights=list(mix.values()))[0])
        self.logged = pilot.version

    # -- the pilot's life -------------------------------------------------------

    def _start(self) -> None:
        pilot = self.pilot
        if pilot.readiness_score is None:
            pilot.assess_readiness(self.rng.randint(40, 90), "Partners ready", self.by())
            pilot.advance_stage("readiness-assessed", self.by())
        elif pilot.pilot_type is None:
            pilot.choose_pathway(self.by(), pilot_type="replication", dimensions=["out"],
                                 mechanism="affiliation", affiliation_form="licence")
            pilot.advance_stage("planned", self.by())
        else:
            self._log("milestone-planned")
            pilot.advance_stage("piloting", self.by())

    def _evaluate_and_adapt(self) -> None:
        pilot = self.pilot
        pilot.complete_evaluation(self.by(), method="Mixed methods",
                                  findings="Works with changes", recommendation="adapt")
        pilot.advance_stage("evaluated", self.by())
        pilot.advance_stage("adapting", self.by())
        pilot.advance_stage("piloting", self.by())

    def _finish(self) -> None:
        """Wind the pilot up: evaluated, rolling out, sustained, closed."""
        pilot = self.pilot
        if pilot.stage == "piloting":
            pilot.complete_evaluation(self.by(), method="Mixed methods", findings="Scales well",
                                      recommendation="scale")
            pilot.advance_stage("evaluated", self.by())
        elif pilot.stage in _NEXT_TO_CLOSE:
            pilot.advance_stage(_NEXT_TO_CLOSE[pilot.stage], self.by())
        else:
            pilot.close("continued-by-promoter", "Start with HR", self.by())

    def _report_period(self, period: str) -> None:
        pilot, rng = self.pilot, self.rng
        pilot.submit_period_report(period, self.by())
        if rng.random() < 0.1:
            pilot.reject_period_report(period, self.by(rng.choice(_REASONS)))
            pilot.submit_period_report(period, self.by())
        pilot.approve_period_report(period, self.by())
        self.recent.clear()
        self.corrections.clear()

    def _log(self, kind: str) -> None:
        try:
            if not self._try(kind):
                self._result()
        except ScaletrackError:
            self._result()

    def _try(self, kind: str) -> bool:
        """Log one event of the kind; False if the pilot's state does not allow it now."""
        pilot, rng = self.pilot, self.rng
        if kind == "result":
            self._result()
        elif kind in ("target", "target-revised"):
            return self._target(revise=kind == "target-revised")
        elif kind == "milestone-planned":
            self.milestones += 1
            due = self.now.date() + timedelta(days=rng.randint(30, 200))
            pilot.plan_milestone(f"M{self.milestones}", "Site opened", due, self.by())
        elif kind.startswith("milestone-"):
            planned = [m for m, v in pilot.milestones.items() if v.status == "planned"]
            if not planned:
                return False
            milestone = rng.choice(planned)
            if kind == "milestone-achieved":
                pilot.achieve_milestone(milestone, self.by(late_days=rng.choice([0, 0, 3])))
            elif kind == "milestone-slipped":
                later = pilot.milestones[milestone].due_on + timedelta(days=45)
                pilot.slip_milestone(milestone, later, self.by(rng.choice(_REASONS)))
            else:
                pilot.drop_milestone(milestone, self.by(rng.choice(_REASONS)))
        elif kind == "business-model":
            grants = rng.randint(20, 80)
            self._entry(lambda: pilot.revise_business_model(
                self.by(), revenue_mix={"grants": grants, "fees": 100 - grants},
                cost_per_beneficiary_eur=Decimal(rng.randint(100, 900)),
                summary="Fees from municipalities"))
        elif kind == "hr-change":
            self._entry(lambda: pilot.change_hr_process(
                self.by(), roles=["coach"], fte=Decimal("2.5"), training="3-day course",
                summary="Coaches hired"))
        elif kind == "adoption":
            self._entry(lambda: pilot.decide_adoption(
                self.by(), provider="City of Patras", level="local",
                decision=rng.choice(["adopted", "deferred", "piloting"]),
                instrument="Service contract"))
        elif kind == "partner-joined":
            self.partners += 1
            pilot.join_partner(f"Partner {self.partners}", pilot.target_countries[0],
                               "local implementer", self.by())
        elif kind == "partner-left":
            if not pilot.partners:
                return False
            pilot.leave_partner(rng.choice(sorted(pilot.partners)), self.by())
        elif kind == "adaptation":
            component = rng.choice(pilot.core_components + pilot.adaptable_components)
            self._entry(lambda: pilot.make_adaptation(component, "Online sessions", self.by()))
        elif kind == "funding":
            self._entry(lambda: pilot.secure_funding(
                "ESF+ OP", Decimal(rng.randint(5, 500) * 1000), "EUR", self.by()))
        elif kind == "risk-raised":
            self.risks += 1
            pilot.raise_risk(f"R{self.risks}", "Staff turnover",
                             rng.choice(["low", "medium", "high"]), self.by())
        elif kind == "risk-closed":
            open_risks = [r for r, s in pilot.risks.items() if s == "open"]
            if not open_risks:
                return False
            pilot.close_risk(rng.choice(open_risks), self.by())
        elif kind == "evaluation":
            self._entry(lambda: pilot.complete_evaluation(
                self.by(), method="Survey", findings="On track", recommendation="scale"))
        elif kind == "pathway-changed":
            pilot.change_pathway(self.by(rng.choice(_REASONS)),
                                 pilot_type=rng.choice(["replication", "scale-up"]),
                                 dimensions=["out", "up"], mechanism="dissemination")
        elif kind == "readiness":
            self._entry(lambda: pilot.assess_readiness(rng.randint(40, 95), "Reassessed",
                                                       self.by()))
        elif kind == "correct":
            return self._correct()
        elif kind == "retract":
            return self._retract()
        return True

    def _entry(self, command: Any) -> None:
        command()
        entry = self.pilot.pending_events[-1]
        assert isinstance(entry, Recorded)
        self.recent.append(entry)

    def _result(self) -> None:
        """A result for an indicator not yet reported this quarter (one result per quarter:
        a later figure is a correction), else a funding entry."""
        fresh = [i for i in self.indicators
                 if f"{i.code}|{self.quarter}" not in self.pilot.results]
        if not fresh:
            self._entry(lambda: self.pilot.secure_funding(
                "ESF+ OP", Decimal(self.rng.randint(5, 500) * 1000), "EUR", self.by()))
            return
        indicator = self.rng.choice(fresh)
        self._entry(lambda: self.pilot.report_result(
            indicator, self.by(late_days=self.rng.choice([0, 0, 0, 5])),
            period=self.quarter, **self._figures(indicator)))

    def _figures(self, indicator: Indicator) -> dict[str, Any]:
        definition = indicator.current
        if definition["measure"] == "qualitative":
            return {"narrative": "The regional plan now funds the service"}
        if definition["measure"] == "percentage":
            return {"value": Decimal(self.rng.randint(0, 100))}
        value = self.rng.randint(2, 400)
        if "sex" not in definition["dimensions"]:
            return {"value": Decimal(value)}
        women = self.rng.randint(0, value)
        return {"value": Decimal(value),
                "breakdown": {"sex": {"women": Decimal(women), "men": Decimal(value - women)}}}

    def _target(self, revise: bool) -> bool:
        indicator = self.rng.choice(self.indicators)
        exists = f"{indicator.code}|{self.quarter}" in self.pilot.targets
        if exists != revise:
            return False
        figures = ({"narrative": "A regional policy change"}
                   if indicator.current["measure"] == "qualitative"
                   else {"baseline": Decimal(0), "target": Decimal(self.rng.randint(10, 100))})
        command = self.pilot.revise_target if revise else self.pilot.set_target
        by = self.by(self.rng.choice(_REASONS) if revise else None)
        self._entry(lambda: command(indicator, by, period=self.quarter, **figures))
        return True

    def _correct(self) -> bool:
        results = [e for e in self.recent if e.TYPE == "pilot.result-reported"
                   and e.originator_version not in self.pilot.retracted]
        if not results:
            return False
        original: Any = self.rng.choice(results)
        latest = self.corrections.get(original.originator_version)
        current = latest.data if latest is not None else {"value": original.value,
                                                          "narrative": original.narrative}
        indicator = next(i for i in self.indicators if i.code == original.indicator)
        changes = self._figures(indicator)
        changes.pop("narrative", None)
        while changes and str(changes["value"]) == str(current["value"]):
            changes = self._figures(indicator)  # a correction changes something
        if not changes:
            changes = {"narrative": f"Corrected narrative ({current['narrative']})"}
        self.pilot.correct_entry(original, changes, self.by(self.rng.choice(_REASONS)),
                                 indicator, latest)
        self.corrections[original.originator_version] = self.pilot.pending_events[-1]
        return True

    def _retract(self) -> bool:
        live = [e for e in self.recent
                if e.originator_version not in self.pilot.retracted]
        if not live:
            return False
        self.pilot.retract_entry(self.rng.choice(live), self.by(self.rng.choice(_REASONS)))
        return True


class Generator:
    """Builds one store of about ``events`` events into an empty store URL."""

    def __init__(self, url: str, events: int, seed: int = 7) -> None:
        self.url = url
        self.target = events
        self.rng = random.Random(seed)
        self.ledger = Ledger(StoreURL.parse(url), clock=lambda: datetime(2014, 1, 1, tzinfo=UTC))

    def build(self, progress: Any = None) -> StoreShape:
        try:
            return self._build(progress)
        finally:
            self.ledger.close()

    def _build(self, progress: Any) -> StoreShape:
        ledger = self.ledger
        by = Provenance(occurred_on=date(2014, 1, 1),
                        recorded_at=datetime(2014, 1, 1, 9, tzinfo=UTC), actor="bench")
        for code, (name, lead, countries) in CONSORTIA.items():
            ledger.register_consortium(code, name, lead, countries, by)
        indicators = [ledger.define_indicator(code, {
            "level": "output", "direction": "higher", "accumulation": "incremental",
            **definition}, by) for code, definition in INDICATORS.items()]
        consortia = [ledger.get(Consortium, code) for code in CONSORTIA]
        big, typical = shape_for(self.target)
        budgets = [(BIG_PILOT, big, FIRST_DAY, LAST_DAY)]
        spread = (LAST_DAY - FIRST_DAY).days - 3 * 365
        for n in range(typical):
            first = FIRST_DAY + timedelta(days=spread * n // typical)
            # The pilot in the middle has exactly the typical size: time travel is
            # measured on it, and must see the same pilot in every store.
            events = TYPICAL_PILOT_EVENTS if n == typical // 2 else self._budget()
            budgets.append((f"{consortia[n % 6].code}-{n + 1:05d}", events,
                            first, first + timedelta(days=3 * 365)))
        pending = self._live(budgets, consortia, indicators, progress)
        ledger.save(*pending)
        return StoreShape(events=ledger.event_count(), pilots=[code for code, *_ in budgets],
                          open_pilots=[code for n, (code, *_) in enumerate(budgets)
                                       if n % 4 == 0],
                          big_pilot=BIG_PILOT, big_pilot_events=ledger.last_version(
                              Pilot.id_for(BIG_PILOT)),
                          typical_pilot=budgets[1 + typical // 2][0])

    def _budget(self) -> int:
        return max(20, int(self.rng.gauss(TYPICAL_PILOT_EVENTS, TYPICAL_PILOT_EVENTS / 5)))

    def _live(self, budgets: list[tuple[str, int, date, date]], consortia: list[Consortium],
              indicators: list[Indicator], progress: Any) -> list[Pilot]:
        """Run every pilot's life on one clock; save every ~EVENTS_PER_SAVE events."""
        clock = [(datetime.combine(first, time(9), tzinfo=UTC), n)
                 for n, (_, _, first, _) in enumerate(budgets)]
        heapq.heapify(clock)
        lives: dict[int, Life] = {}
        dirty: dict[int, Pilot] = {}
        unsaved = 0
        while clock:
            now, n = heapq.heappop(clock)
            life = lives.get(n)
            if life is None:
                life = lives[n] = self._register(n, budgets[n], consortia, indicators, now)
                unsaved += 1
            else:
                before = len(life.pilot.pending_events)
                life.now = now
                life.step()
                unsaved += len(life.pilot.pending_events) - before
            dirty[n] = life.pilot
            if life.done:
                del lives[n]
            else:
                heapq.heappush(clock, (now + life.pace * self.rng.uniform(0.5, 1.5), n))
            if unsaved >= EVENTS_PER_SAVE:
                self.ledger.save(*dirty.values())
                if progress is not None:
                    progress(self.ledger.event_count())
                dirty.clear()
                unsaved = 0
        return list(dirty.values())

    def _register(self, n: int, budget: tuple[str, int, date, date],
                  consortia: list[Consortium], indicators: list[Indicator],
                  now: datetime) -> Life:
        code, events, first, last = budget
        consortium = consortia[n % len(consortia)]
        by = Provenance(occurred_on=now.date(), recorded_at=now, actor="bench")
        pilot = Pilot.register(code, consortium, by, title=f"Scaling pilot {code} (synthetic)",
                               innovation="Local social innovation mapping",
                               origin_country=consortium.countries[0],
                               target_countries=consortium.countries[1:3],
                               core_components=["Mapping method", "Peer coaching"],
                               adaptable_components=["Outreach channels", "Training format"],
                               starts_on=first, ends_on=last if n % 4 else OPEN_UNTIL)
        chosen = [indicators[0], *self.rng.sample(indicators[1:], 5)]
        pace = (datetime.combine(last, time(9)) - datetime.combine(first, time(9))) / events
        return Life(pilot=pilot, indicators=chosen, budget=events, pace=pace,
                    rng=random.Random(self.rng.random()), now=now, keep_open=n % 4 == 0)


def iter_sizes(text: str) -> Iterator[int]:
    """Sizes from '10k,100k,1M'."""
    for part in text.split(","):
        part = part.strip().lower()
        factor = {"k": 1_000, "m": 1_000_000}.get(part[-1:], 1)
        yield int(float(part.rstrip("km")) * factor)


def continue_lives(url: str, pilots: list[str], events: int, until: date,
                   seed: int = 11) -> int:
    """Log about ``events`` more events to running pilots, up to ``until``; returns the
    store's position before them (the next quarter's work, e.g. for an import file)."""
    ledger = Ledger(StoreURL.parse(url))
    rng = random.Random(seed)
    try:
        before = ledger.event_count()
        indicators = [ledger.get(Indicator, code) for code in INDICATORS]
        lives = []
        for code in pilots:
            pilot = ledger.get(Pilot, code)
            start = max(pilot.modified_on, datetime.combine(LAST_DAY, time(9), tzinfo=UTC))
            budget = pilot.version + events // len(pilots)
            life = Life(pilot=pilot, indicators=[indicators[0], *rng.sample(indicators[1:], 5)],
                        budget=budget, pace=(datetime.combine(until, time(9), tzinfo=UTC)
                                             - start) / (budget - pilot.version),
                        rng=random.Random(rng.random()), now=start, keep_open=True,
                        milestones=len(pilot.milestones), risks=len(pilot.risks),
                        partners=len(pilot.partners) + 1000, logged=pilot.version)
            life.quarter = period_of(start.date())
            lives.append(life)
        pending = 0
        while lives:
            life = min(lives, key=lambda life: life.now)
            life.now += life.pace
            before_step = len(life.pilot.pending_events)
            life.step()
            pending += len(life.pilot.pending_events) - before_step
            if life.done:
                lives.remove(life)
            if pending >= EVENTS_PER_SAVE or not lives:
                ledger.save(*(life.pilot for life in lives), life.pilot)
                pending = 0
        return before
    finally:
        ledger.close()

