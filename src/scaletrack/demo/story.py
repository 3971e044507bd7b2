"""One pilot's story in the demo, from registration to where it ends.

The steps are timed so that every domain rule holds when all the demo's
steps are recorded in recorded-at order: an entry comes before its period's
report is submitted (or after an unlock), a milestone is achieved after it
is planned, a stage follows the entry it needs, nothing follows the closing.
A step that cannot be recorded before its deadline or the pilot's horizon
(its closing, or the end of the demo) is left out. Each pilot draws from its
own seeded generator, so changing one pilot's story leaves the others alone.
"""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from random import Random
from typing import Any

from scaletrack.demo import data
from scaletrack.demo.plan import (
    CLOSING,
    IMPORTED,
    LAST_QUARTER,
    LOCKED_KINDS,
    SEED,
    Step,
    day_between,
    days,
    grant_of,
    moment,
    quarters,
    split,
)
from scaletrack.domain.vocabulary import (
    COUNTED_FROM_ADOPTIONS,
    ESF_PLUS_PROGRAMMES_FROM,
    Source,
    period_end,
    period_of,
    period_start,
)

CUMULATIVE_CAPS = {"SITES": 6, "ADOPT-ORG": 24, "PUB-COMMISSION": 4, "EECO18": 10,
                   "EECO19": 12}
"""How far counts of sites and organisations grow (sites and commissioning: one per
provider, if more)."""
SUB_SHARES = data.SHARES


class PilotStory:
    """The steps of one pilot, planned when the story is told."""

    def __init__(self, facts: data.PilotFacts) -> None:
        self.f = facts
        self.rng = rng = Random(f"{SEED}:{facts.code}")
        self.cash = Random(f"{SEED}:{facts.code}:money")
        """Draws for the pilot's money, apart from the rest of its story."""
        self.detail = Random(f"{SEED}:{facts.code}:detail")
        """Draws for the details of decisions, evaluations and deviations, apart from
        ``rng`` so that adding a detail leaves the rest of the story as it was."""
        self.adopted = False
        """Whether a provider's adoption decision that stands says adopted."""
        consortium = next(c for c in data.CONSORTIA if c.code == facts.consortium)
        self.lead, self.reporter = consortium.lead_actor, consortium.reporter
        self.officer = data.OFFICERS[facts.consortium]
        self.evaluator = data.EVALUATORS[data.PILOTS.index(facts) % len(data.EVALUATORS)]
        self.scaled_on: date | None = None
        """When an evaluation first recommended scaling (providers adopt only after)."""
        self.local_partners = [p for p in consortium.partners
                               if p[1] in facts.targets and p[2] != "lead"]
        self.steps: list[Step] = []
        self.labels = 0
        self.readiness_on = facts.registered + days(rng, 14, 35)
        self.pathway_on = self.readiness_on + days(rng, 5, 15)
        self.planned_on = self.pathway_on + days(rng, 3, 10)
        self.piloting_on = self.planned_on + days(rng, 20, 45)
        self.ends_on = max(date(2023, 6, 30), self.piloting_on + timedelta(days=365))
        last = period_of(facts.closes) if facts.closes else LAST_QUARTER
        self.periods = quarters(period_of(self.piloting_on), last)
        self.cycles = {p: self._cycle(p, final=p == last and bool(facts.closes))
                       for p in self.periods}
        self.horizon = CLOSING
        if facts.closes:
            self.horizon = self.cycles[last][-1].at + days(rng, 1, 6)
        self.last_day = min(facts.closes or self.ends_on, CLOSING.date()) - timedelta(days=7)
        """The last day something is decided in the pilot: a week before it ends."""
        self.caps = dict(CUMULATIVE_CAPS)
        if facts.providers:
            self.caps["SITES"] = max(self.caps["SITES"], len(facts.providers))
        self.caps.update(dict.fromkeys(COUNTED_FROM_ADOPTIONS, max(1, len(facts.providers))))
        """Adoption indicators aim at every provider deciding; the views count them."""
        self.size = rng.randint(15, 120)
        """Participants a quarter once the pilot is at full pace."""
        self.performance = rng.uniform(0.65, 1.2)
        """How results compare with targets."""
        self.women = rng.uniform(0.45, 0.68)
        self.income_from, self.income_to = rng.randint(5, 20), rng.randint(35, 65)
        """Share of costs from earned income at the start, and the goal."""
        self.stage_on: dict[str, date] = {}
        self.piloting: Step | None = None
        self.milestones: dict[str, Step] = {}
        self.results: dict[tuple[str, str], tuple[Step, int]] = {}
        self.participants: dict[str, int] = {}
        """Participants per period, as planned (reported or not)."""
        self.easi, self.ta = grant_of(facts)
        self.co_funding = int(round(
            (self.easi + self.ta) * self.cash.uniform(*data.CO_FUNDING_SHARE), -3))
        self.budget = self.easi + self.ta + self.co_funding
        """What the pilot has to spend from the 2020 call and its own co-funding."""
        self.spent = int(round(self.budget * self.cash.uniform(*data.SPENT_SHARE), -2))
        self._tell()

    # -- the story --------------------------------------------------------------

    def _tell(self) -> None:
        self._set_up()
        self._evaluate()
        self._plan_targets()
        self._milestones()
        self._report_results()
        self._partners()
        self._risks()
        self._decisions()
        self._expenditure()
        self._special()
        self._rejections_cite_what_exists()
        for cycle in self.cycles.values():
            self.steps += cycle
        if self.f.closes:
            self._close()

    def _rejections_cite_what_exists(self) -> None:
        """A report is rejected for the missing evidence of an adoption decision only once
        a provider has decided; before, for another reason."""
        decided = [s.occurred for s in self.steps if s.op == "adoption"]
        for period, cycle in self.cycles.items():
            for step in cycle:
                if (step.op == "period-rejected" and "adoption" in (step.reason or "")
                        and not any(day <= period_end(period) for day in decided)):
                    step.reason = self.detail.choice(
                        [r for r in data.REJECTIONS if "adoption" not in r])

    def _set_up(self) -> None:
        f, rng = self.f, self.rng
        details = {"title": f.title, "innovation": f.innovation, "origin_country": f.origin,
                   "target_countries": list(f.targets), "core_components": list(f.core),
                   "adaptable_components": list(f.adaptable),
                   "starts_on": self.piloting_on, "ends_on": self.ends_on,
                   "originator_approval_required": f.pathway[2] == "affiliation"}
        registered = self.add("register-pilot", f.registered, details, lag=rng.randint(0, 2))
        readiness = self.add("readiness", self.readiness_on, {
            "score": rng.randint(55, 90),
            "summary": data.synthetic(data.READINESS[f.code])},
            after=registered)
        stage = self.stage("readiness-assessed", self.readiness_on + days(rng, 0, 3), readiness)
        pilot_type, dimensions, mechanism, form = f.pathway
        pathway = self.add("pathway", self.pathway_on, {
            "pilot_type": pilot_type, "dimensions": list(dimensions), "mechanism": mechanism,
            "affiliation_form": form}, after=stage, lag=rng.randint(0, 3))
        stage = self.stage("planned", self.planned_on, pathway)
        self._grant(self.planned_on + days(rng, 0, 20))
        self.piloting = self.stage("piloting", self.piloting_on, stage)
        if f.code in data.PATHWAY_CHANGES:
            (pilot_type, dimensions, mechanism, form), why = data.PATHWAY_CHANGES[f.code]
            self.add("pathway-changed", self.piloting_on + days(rng, 150, 300), {
                "pilot_type": pilot_type, "dimensions": list(dimensions),
                "mechanism": mechanism, "affiliation_form": form}, reason=why,
                after=self.piloting)

    def _evaluate(self) -> None:
        """The evaluation(s) and the stages the fate of the pilot leads through."""
        f, rng = self.f, self.rng
        if f.evaluated is None:
            return
        verdict = {"stopped": "stop", "adapting": "adapt", "adapted": "adapt"}.get(f.fate, "scale")
        stage = self._evaluation(f.evaluated, verdict, self.piloting)
        if stage is None:
            return
        day = self.stage_on["evaluated"]
        if f.fate in ("rolling-out", "sustained", "closed"):
            stage = self.stage("rolling-out", day + days(rng, 20, 45), stage)
        if f.fate in ("sustained", "closed") and "rolling-out" in self.stage_on:
            sustained_on = min(self.stage_on["rolling-out"] + days(rng, 190, 260), self.last_day)
            if (sustained_on - self.stage_on["rolling-out"]).days >= 183:  # half a year on
                stage = self.stage("sustained", sustained_on, stage)
        if f.fate in ("adapting", "adapted"):
            stage = self.stage("adapting", day + days(rng, 7, 20), stage)
            adaptation = self.adaptation(self.stage_on["adapting"] + days(rng, 5, 30), core=True)
            stage = self.stage("piloting", self.stage_on["adapting"] + days(rng, 40, 70),
                               adaptation or stage)
        if f.fate == "adapted" and f.reevaluated:
            stage = self._evaluation(f.reevaluated, "scale", stage)
            self.stage("rolling-out", self.stage_on["evaluated"] + days(rng, 15, 30), stage)
        if f.fate == "stopped":
            self.stage("stopped", day + days(rng, 10, 20), stage)

    def _evaluation(self, on: date, verdict: str, after: Step | None) -> Step | None:
        method = self.rng.choice(data.EVALUATION_METHODS)
        design, level = data.EVALUATION_DESIGNS[method]
        qualitative = design == "qualitative"
        evaluation = self.add("evaluation", on, {
            "method": method, "recommendation": verdict,
            "findings": data.synthetic(f"{data.FINDINGS[verdict]}: "
                                       f"{data.EVALUATION_NOTES[self.f.code]}"),
            "design": design, "independence": "external",
            "sample_size": self.detail.randint(12, 40) if qualitative
            else self.detail.randint(60, 420), "evidence_level": level},
            actor=self.evaluator, after=after, lag=self.rng.randint(0, 10))
        if verdict == "scale" and evaluation and self.scaled_on is None:
            self.scaled_on = on
        return self.stage("evaluated", on + days(self.rng, 3, 12), evaluation or after)

    def _close(self) -> None:
        f, rng = self.f, self.rng
        assert f.closes is not None
        for ref, last in self.milestones.items():
            if last.op in ("milestone-planned", "milestone-slipped"):
                self.add("milestone-dropped", f.closes, {"milestone": ref},
                         reason="The pilot closes", after=last, lag=rng.randint(0, 5))
        outcome = ("stopped" if f.fate == "stopped" else
                   "taken-over-by-public-provider" if self.adopted else "continued-by-promoter")
        self.steps.append(Step(self.horizon, f.closes, self.lead, "closed", f.code,
                               {"outcome": outcome, "lessons": data.OUTCOMES[outcome]}))

    # -- milestones -------------------------------------------------------------

    def _milestones(self) -> None:
        """The milestones, due and achieved within the pilot's dates and in their order:
        partners sign up and the first participants enrol in the first quarter of piloting
        (participants are reported from then on), the mid-term review comes before the
        evaluation, the sustainability plan with the roll-out."""
        rng, planned = self.rng, self.planned_on + days(self.rng, 0, 5)
        evaluated, rolled_out = self.stage_on.get("evaluated"), self.stage_on.get("rolling-out")
        room = (period_end(period_of(self.piloting_on)) - self.piloting_on).days
        signed = self.piloting_on + timedelta(days=rng.randint(0, room // 2))
        enrolled = signed + timedelta(days=rng.randint(0, room - room // 2))
        previous = self.piloting_on
        for ref, title, due_in in data.MILESTONES:
            due = min(self.piloting_on + timedelta(days=due_in or (420 if ref == "M4" else 540)),
                      self.ends_on)
            done: date | None = {"M1": signed, "M2": enrolled}.get(ref)
            due = max(due, done or due)
            if ref == "M1" and rng.random() < 0.35:  # signing up takes longer than planned
                due = max(self.piloting_on, signed - days(rng, 5, 20))
            step = self.add("milestone-planned", planned,
                            {"milestone": ref, "title": title, "due_on": due}, lag=0)
            if step is None:
                continue
            if ref == "M3" and rng.random() < 0.06:
                self.milestones[ref] = self.add(
                    "milestone-dropped", due - days(rng, 5, 40), {"milestone": ref},
                    reason="Merged into the next milestone", after=step) or step
                continue
            if ref == "M3":
                done = due + (days(rng, 30, 90) if rng.random() < 0.25 else days(rng, -12, 10))
                if evaluated:
                    done = min(done, evaluated - timedelta(days=rng.randint(10, 40)))
            elif ref == "M4":
                done = evaluated
            elif ref == "M5":
                done = rolled_out and rolled_out + days(rng, 0, 20)
            if done is not None:
                done = previous = max(done, previous)
            self.milestones[ref] = self._pursue(ref, step, due, done)

    def _pursue(self, ref: str, planned: Step, due: date, done: date | None) -> Step:
        """Slip the milestone while it is late, then achieve it (if that happens in time);
        it is not moved beyond the pilot's end."""
        rng, last = self.rng, planned
        while done is None or done > due:
            slipped_on = due - days(rng, 0, 10)
            new_due = min(max(done or due, due) + days(rng, 20, 90), self.ends_on)
            if slipped_on > self.last_day or new_due <= due:
                return last
            step = self.add("milestone-slipped", slipped_on,
                            {"milestone": ref, "new_due_on": new_due}, after=last)
            if step is None:
                return last
            last, due = step, new_due
        if done > self.last_day:
            return last
        return self.add("milestone-achieved", done, {"milestone": ref}, after=last) or last

    # -- targets and results ----------------------------------------------------

    def _reported(self, indicator: str, period: str) -> bool:
        if period > data.LAST_PERIOD.get(indicator, LAST_QUARTER):
            return False
        return indicator not in data.EVERY_SECOND_QUARTER or period[-1] in "24"

    def _plan_targets(self) -> None:
        rng = self.rng
        on = self.planned_on + days(rng, 1, 10)
        planned = quarters(self.periods[0], period_of(self.ends_on))
        for indicator in self.f.indicators:
            if indicator in SUB_SHARES:
                continue  # ESF+ common indicators of subgroups are monitored, not targeted
            reported = [p for p in planned if self._reported(indicator, p)]
            if indicator in COUNTED_FROM_ADOPTIONS:  # providers adopt once it is evaluated
                first = period_of(self.f.evaluated) if self.f.evaluated else reported[-2]
                reported = [p for p in reported if p >= first]
            planned_values = [self._target(indicator, k, len(reported), period)
                              for k, period in enumerate(reported)]
            standing: list[Any] = [v.get("target") for v in planned_values]
            for k, (period, values) in enumerate(zip(reported, planned_values, strict=True)):
                step = self.add("target", on, {"indicator": indicator, "period": period,
                                               **values}, lag=0)
                if step and rng.random() < 0.04:
                    bounds: tuple[float, float] | None = None  # cumulative: between neighbours
                    if data.INDICATORS[indicator]["accumulation"] == "cumulative":
                        bounds = (standing[k - 1] if k else 0,
                                  standing[k + 1] if k + 1 < len(standing) else math.inf)
                    standing[k] = self._revise_target(indicator, period, values, bounds)

    def _target(self, indicator: str, k: int, n: int, period: str) -> dict[str, Any]:
        ramp = min(1.0, 0.35 + 0.25 * self.periods.index(period)
                   if period in self.periods else 1.0)
        if indicator == "POLICY-CHANGE":
            return {"narrative": data.POLICY_TARGETS[k * 2 >= n]}
        if indicator == "FIDELITY":
            return {"target": 4}
        if indicator == "EARNED-INCOME":
            share = self.income_from + (self.income_to - self.income_from) * (k + 1) / n
            return {"baseline": self.income_from, "target": round(share)}
        if indicator in self.caps:
            return {"baseline": 0, "target": max(1, math.ceil(self.caps[indicator] * (k + 1) / n))}
        planned = {"STAFF-TRAINED": 8 * ramp, "MEDIA-MENTIONS": 5}.get(indicator, self.size * ramp)
        return {"baseline": 0, "target": max(1, round(planned))}

    def _revise_target(self, indicator: str, period: str, values: dict[str, Any],
                       bounds: tuple[float, float] | None) -> Any:
        """Revise a target (within ``bounds``, if given); the target that stands."""
        revised = dict(values)
        if "target" in revised:
            revised["target"] = max(1, round(revised["target"] * self.rng.choice((0.8, 1.25))))
            if bounds is not None:
                revised["target"] = min(max(revised["target"], bounds[0]), bounds[1])
        else:
            revised["narrative"] = data.POLICY_TARGETS[1]
        on = day_between(self.rng, self.piloting_on, period_end(period) - timedelta(days=40))
        step = self.add("target-revised", on, {"indicator": indicator, "period": period,
                                               **revised},
                        reason=self.rng.choice(data.TARGET_REVISIONS), after=self.steps[-1])
        return revised.get("target") if step else values.get("target")

    def _ages(self) -> dict[str, int]:
        """Participants by age band: the pilot's own profile, or that of the group it targets."""
        return data.AGE_PROFILES.get(self.f.code, data.AGE_PROFILES["default"])

    def _report_results(self) -> None:
        rng, totals = self.rng, {i: dict.fromkeys(self.f.targets, 0) for i in self.caps}
        for k, period in enumerate(self.periods):
            ramp = min(1.0, 0.35 + 0.25 * k)
            part = round(self.size * ramp * self.performance * rng.uniform(0.85, 1.15))
            self.participants[period] = part
            for indicator in self.f.indicators:
                if (not self._reported(indicator, period) or indicator in COUNTED_FROM_ADOPTIONS
                        or (self.f.code, indicator, period) in data.FORGOTTEN
                        or k < data.FOLLOWED_UP_FROM.get(indicator, 0)):
                    continue  # adoption indicators are counted from the decisions
                if indicator in totals and rng.random() < 0.6:
                    room = self.caps[indicator] - sum(totals[indicator].values())
                    totals[indicator][rng.choice(self.f.targets)] += min(
                        room, max(1, self.caps[indicator] // 5))
                self._result(indicator, period, k, part, totals.get(indicator, {}))

    def _result(self, indicator: str, period: str, k: int, part: int,
                per_country: dict[str, int]) -> None:
        rng, end = self.rng, period_end(period)
        window = (self.deadline(period).date() - end).days - 2
        imported = self.f.consortium in IMPORTED
        step = self.add("result", end, {}, actor=self.reporter, lag=rng.randint(2, max(2, window)),
                        source=Source.IMPORT if imported else Source.CLI,
                        key=f"{self.f.code}/{period}/{indicator}" if imported else None)
        if step is None:
            return
        country = indicator == data.PARTICIPANTS and step.at.date() > data.PART_REVISED_ON
        good = self._result_values(indicator, k, part, per_country, country)
        step.values = {"indicator": indicator, "period": period, **good}
        self.results[(indicator, period)] = (step, part)
        if rng.random() < 0.07:
            wrong = self._result_values(indicator, k, part + rng.randint(5, 40), per_country,
                                        country)
            if wrong != good:
                step.values.update(wrong)
                self.correct(step, period, good, rng.choice(data.CORRECTIONS[:2]))
        elif rng.random() < 0.03:
            self.results[(indicator, period)] = (self._entered_again(step, period), part)

    def _entered_again(self, result: Step, period: str) -> Step:
        """A result withdrawn and entered again (a second result for its period would be
        refused); the step that stands."""
        retraction = self.add("retract", result.occurred, {}, ref=self.label(result),
                              reason="Entered before its sign-in sheets were checked",
                              after=result, period=period, lag=self.rng.randint(1, 6))
        if retraction is None:
            return result
        again = self.add("result", result.occurred, dict(result.values), actor=self.reporter,
                         after=retraction, lag=0)
        if again is None:
            self.steps.remove(retraction)
            return result
        return again

    def _result_values(self, indicator: str, k: int, part: int, per_country: dict[str, int],
                       country: bool) -> dict[str, Any]:
        rng = self.rng
        if indicator == "POLICY-CHANGE":
            return {"narrative": data.POLICY_NARRATIVES[min(k // 2, 4)]}
        if indicator == "FIDELITY":
            return {"value": rng.choice((3, 4, 4, 5) if k > 2 else (2, 3, 4))}
        if indicator == "EARNED-INCOME":
            progress = min(1.0, (k + 1) / len(self.periods)) * self.performance
            share = self.income_from + (self.income_to - self.income_from) * progress
            return {"value": Decimal(str(round(max(0.0, min(100.0, share + rng.uniform(-3, 3))),
                                               1)))}
        if indicator in self.caps:
            total = sum(per_country.values())
            return {"value": total, "breakdown": {"country": dict(per_country)} if total else {}}
        if indicator == "MEDIA-MENTIONS":
            return {"value": rng.randint(0, 9)}
        if indicator == data.PARTICIPANTS:
            value = part
        elif indicator == "STAFF-TRAINED":
            value = round(rng.randint(2, 12) * min(1.0, 0.35 + 0.25 * k))
        else:
            value = round(part * SUB_SHARES[indicator] * rng.uniform(0.8, 1.1))
        sexes = {"women": self.women, "men": 0.985 - self.women, "non-binary": 0.015}
        if self.f.code in data.WOMEN_ONLY:
            sexes = {"women": 0.985, "non-binary": 0.015}
        breakdown = {"sex": split(value, sexes)}
        if indicator == data.PARTICIPANTS:
            breakdown["age-band"] = split(value, self._ages())
            breakdown["employment-status"] = split(value, data.EMPLOYMENT_PROFILES.get(
                self.f.code, data.EMPLOYMENT_PROFILES["default"]))
            breakdown["isced"] = split(value, data.ISCED_PROFILES.get(
                self.f.code, data.ISCED_PROFILES["default"]))
            if country:
                breakdown["country"] = split(value, dict.fromkeys(self.f.targets, 1.0))
        return {"value": value, "breakdown": breakdown}

    # -- what else happens ------------------------------------------------------

    def _partners(self) -> None:
        rng = self.rng
        joined = []
        for organisation, country, _ in self.local_partners[:2]:
            joined.append(self.add("partner-joined", self.planned_on + days(rng, 0, 30), {
                "organisation": organisation, "country": country, "role": "partner"}))
        country = rng.choice(self.f.targets)
        local = data.synthetic(f"{data.COUNTRY_NAMES[country]} community foundation")
        joined.append(self.add("partner-joined", self.piloting_on + days(rng, 30, 150), {
            "organisation": local, "country": country, "role": "local implementer"}))
        step = joined[-1]
        if step and rng.random() < 0.3:
            self.add("partner-left", day_between(rng, step.occurred + timedelta(days=90),
                                                 self.last_day),
                     {"organisation": local}, reason="Could not staff the second site",
                     after=step)

    def _risks(self) -> None:
        rng = self.rng
        for n, (description, severity) in enumerate(rng.sample(data.RISKS, rng.randint(2, 4))):
            raised = self.add("risk-raised", day_between(rng, self.planned_on, self.last_day), {
                "risk": f"R{n + 1}", "description": description, "severity": severity})
            if raised and rng.random() < 0.75:
                self.add("risk-closed", raised.occurred + days(rng, 30, 200),
                         {"risk": f"R{n + 1}"}, after=raised)

    def _decisions(self) -> None:
        """HR, business model, adaptations, funding and adoption decisions."""
        rng, first, last = self.rng, self.piloting_on, self.last_day
        years = (self.ends_on - self.piloting_on).days / 365
        for roles, summary in rng.sample(data.HR_CHANGES, rng.randint(1, 3)):
            affordable = (self.budget * self.cash.uniform(*data.STAFF_SHARE)
                          / (data.COST_OF_AN_FTE_YEAR * years))
            self.add("hr-change", day_between(rng, first, last), {
                "roles": list(roles), "fte": Decimal(max(1, round(affordable * 2))) / 2,
                "training": rng.choice(data.TRAININGS), "summary": data.synthetic(summary)})
        for summary in rng.sample(sorted(data.BUSINESS_MODELS), rng.randint(1, 3)):
            self._business_model(day_between(rng, first, last), summary)
        for _ in range(rng.randint(1, 2)):
            self.adaptation(day_between(rng, first, last), core=rng.random() < 0.15)
        self._esf_plus_programme()
        for provider, level in self.f.providers:
            self._adoption(provider, level)

    def _business_model(self, on: date, summary: str) -> None:
        rng = self.rng
        earned = self._earned_share(on)
        sources = data.BUSINESS_MODELS[summary]
        mix = {"grants": 100 - earned}
        if "donations" in sources:
            mix["donations"] = round(mix["grants"] * self.detail.uniform(0.1, 0.3))
            mix["grants"] -= mix["donations"]
        mix.update(split(earned, {s: rng.uniform(0.5, 2.0) for s in sources
                                  if s in data.EARNED}))
        cost = self._cost_per_beneficiary()
        step = self.add("business-model", on, {
            "revenue_mix": mix, "cost_per_beneficiary_eur": cost,
            "summary": data.synthetic(summary)})
        if step and rng.random() < 0.25:
            wrong, why = self.detail.choice(((cost * 10, data.CORRECTIONS[0]),
                                             (round(cost / 10), data.CORRECTIONS[3])))
            step.values["cost_per_beneficiary_eur"] = wrong
            self.correct(step, period_of(on), {"cost_per_beneficiary_eur": cost}, why)

    def _earned_share(self, on: date) -> int:
        """The share of revenue a business model earns on a day: what the pilot's earned
        income reached by the quarter before (as its results report it), or a small share
        if it does not report earned income."""
        if "EARNED-INCOME" not in self.f.indicators:
            return self.detail.randint(*data.EARNED_SHARE_WITHOUT_INDICATOR)
        k = self.periods.index(period_of(on)) if period_of(on) in self.periods else 0
        progress = min(1.0, k / len(self.periods)) * self.performance
        share = self.income_from + (self.income_to - self.income_from) * progress
        return max(1, min(95, round(share)))

    def _adoption(self, provider: str, level: str) -> None:
        rng = self.rng
        first = day_between(rng, self.piloting_on + timedelta(days=90), self.last_day)
        said = rng.choice(("piloting", "piloting", "deferred"))
        decision = self.add("adoption", first, {
            "provider": provider, "level": level, "decision": said,
            "instrument": data.synthetic(rng.choice(data.INSTRUMENTS)),
            **self._commitment(said, first)}, reason=self._why_not(said))
        if decision and rng.random() < 0.08:
            self.retract(decision, period_of(first), "Recorded for the wrong provider")
        later = first + days(rng, 90, 240)
        said = "adopted" if rng.random() < 0.7 else "rejected"
        why = self._why_not(said)
        if said == "adopted" and self.scaled_on is None:  # no adoption before the evidence
            said, why = "deferred", data.WAITING_FOR_EVALUATION
        elif said == "adopted" and self.scaled_on is not None:
            later = max(later, self.scaled_on + days(self.detail, 7, 45))
        if decision and later <= self.last_day:
            final = self.add("adoption", later, {
                "provider": provider, "level": level, "decision": said,
                "instrument": data.synthetic(rng.choice(data.INSTRUMENTS)),
                **self._commitment(said, later)}, reason=why, after=decision)
            self.adopted = self.adopted or bool(final and said == "adopted")

    def _commitment(self, decision: str, on: date) -> dict[str, Any]:
        """What a provider commits: money, months and coverage when it adopts or pilots;
        ESF+ money only once the 2021-2027 programmes were adopted (from mid-2022)."""
        rng = self.detail
        if decision not in ("adopted", "piloting"):
            return {}
        months = rng.choice((12, 24, 36, 48)) if decision == "adopted" else rng.choice((6, 12))
        return {"budget_eur": Decimal(rng.randint(2, 40) * 5_000 * months // 12),
                "duration_months": months,
                "coverage": data.synthetic(rng.choice(data.COVERAGES)),
                "esf_funded": on >= date(2022, 7, 1) and rng.random() < 0.5}

    def _why_not(self, decision: str) -> str | None:
        reasons = data.ADOPTION_REASONS.get(decision)
        return self.detail.choice(reasons) if reasons else None

    def adaptation(self, on: date, core: bool) -> Step | None:
        component = self.rng.choice(self.f.core if core else self.f.adaptable)
        made = self.rng.choice(data.ADAPTATIONS)
        summary = data.synthetic(made)
        if component not in self.f.core:
            return self.add("adaptation", on, {"component": component, "summary": summary})
        approval: dict[str, Any] = {}
        if self.f.pathway[2] == "affiliation":
            approval = {"approved_by": data.synthetic(data.ORIGINATOR_APPROVER),
                        "approved_on": on - timedelta(days=self.detail.randint(3, 20))}
        return self.add("adaptation", on, {"component": component, "summary": summary,
                                           **approval},
                        reason=data.DEVIATION_REASONS[made])

    # -- money ------------------------------------------------------------------

    def _grant(self, on: date) -> None:
        """The pilot's share of its consortium's EU grant (EaSI and ESF technical
        assistance), its partners' own co-funding, and the payments made on them."""
        cash = self.cash
        easi = self.commit(data.EASI_FUNDER, "easi-2014-2020", self.easi, on, "1")
        ta = self.commit(data.TA_FUNDER, "esf-technical-assistance", self.ta,
                         on + days(cash, 0, 10), "1")
        funder, source = cash.choice(data.CO_FUNDERS)
        own = self.commit(funder, source, self.co_funding, on + days(cash, 5, 40), None)
        for step, amount, share in ((easi, self.easi, 0.4), (ta, self.ta, 0.5),
                                    (own, self.co_funding, 1.0)):
            if step is None:
                continue
            first = round(amount * share, -2)
            paid = self.pay(step, first, step.occurred + days(cash, 20, 60))
            if paid is not None and share < 1 and step is easi:
                interim = step.occurred + days(cash, 420, 500)
                self.pay(step, round(amount * 0.3, -2), min(interim, self.last_day), paid)

    def _esf_plus_programme(self) -> None:
        """Money for rolling the model out from a national or regional ESF+ programme
        2021-2027, committed only once such programmes were adopted (from mid-2022)."""
        rolled_out = self.stage_on.get("rolling-out")
        if rolled_out is None:
            return
        on = max(rolled_out, ESF_PLUS_PROGRAMMES_FROM) + days(self.cash, 15, 90)
        if on > self.last_day:
            return
        country = data.COUNTRY_NAMES[self.f.targets[0]]
        amount = self.cash.randint(40, 150) * 1000
        self.commit(data.synthetic(data.ESF_PLUS_FUNDER.format(country)),
                    "esf-plus-2021-2027", amount, on, self.cash.choice(data.ESF_PLUS_RATES))

    def commit(self, funder: str, source: str, amount: int, on: date,
               rate: str | None) -> Step | None:
        values: dict[str, Any] = {"funder": funder, "amount_eur": Decimal(amount),
                                  "funding_source": source}
        if rate is not None:
            values["co_financing_rate"] = Decimal(rate)
        step = self.add("funding", on, values)
        if step and self.cash.random() < 0.12:
            step.values["amount_eur"] = Decimal(amount + self.detail.choice(data.AMOUNT_SLIPS))
            self.correct(step, period_of(on), {"amount_eur": Decimal(amount)},
                         data.CORRECTIONS[2])
        return step

    def pay(self, commitment: Step, amount: float, on: date,
            after: Step | None = None) -> Step | None:
        return self.add("funding-paid", on, {
            "funder": commitment.values["funder"],
            "funding_source": commitment.values["funding_source"],
            "amount_eur": Decimal(int(amount))}, after=after or commitment)

    def _expenditure(self) -> None:
        """Each quarter's expenditure, in step with its participants, adding up to what the
        pilot spends of its budget; some pilots declare a unit cost per participant. An
        open pilot declares the demo's last quarter with its report, after the demo ends."""
        cash, planned = self.cash, self.participants
        total = sum(planned.values()) or 1
        unit_cost = round(self.spent / total, -1)
        for period, part in planned.items():
            if period == LAST_QUARTER and not self.f.closes:
                continue
            end = period_end(period)
            window = (self.deadline(period).date() - end).days - 2
            if self.f.code in data.UNIT_COST_PILOTS and part:
                values: dict[str, Any] = {
                    "amount_eur": Decimal(part * unit_cost), "cost_option": "unit-cost",
                    "units": Decimal(part), "unit_cost_eur": Decimal(unit_cost)}
            else:
                amount = round(self.spent * part / total * cash.uniform(0.9, 1.1), -1)
                values = {"amount_eur": Decimal(max(10, amount))}
            self.add("expenditure", max(end, period_start(period)),
                     {"period": period, **values}, actor=self.reporter,
                     lag=cash.randint(2, max(2, window)))

    def _cost_per_beneficiary(self) -> Decimal:
        """What a business model states a beneficiary costs: near what the pilot spends per
        participant, as planned; a pilot that is stopped planned for far more participants
        than came (its evaluation says so, and the finance view finds it)."""
        per_participant = self.spent / max(1, sum(self.participants.values()))
        planned = data.PLANNED_TAKE_UP_MISSED if self.f.fate == "stopped" else 1
        return Decimal(round(per_participant / planned * self.cash.uniform(0.85, 1.2)))

    # -- special stories: late news that reopens an approved period ----------------

    def _special(self) -> None:
        if self.f.code == "SEED-GR-01":
            self._double_count_found("2022-Q1", date(2022, 10, 12))
        if self.f.code == "ESIA-DE-01":
            self._late_co_funding("2021-Q4", date(2021, 12, 14), date(2022, 4, 4))

    def _double_count_found(self, period: str, on: date) -> None:
        """Months after approval, participants counted twice are taken out of a result."""
        found = self.results.get((data.PARTICIPANTS, period))
        if found is None:
            return
        result, part = found
        fewer = part - max(1, part // 8)
        why = "Participants of two city workshops were counted twice"
        unlock = self.add("period-unlocked", on, {"period": period}, reason=why,
                          after=self.cycles[period][-1], lag=0)
        good = self._result_values(data.PARTICIPANTS, 2, fewer, {}, False)
        correction = self.add("correct", on, good, ref=self.label(result), reason=why,
                              after=unlock, lag=0)
        self._reapprove(period, on, correction)

    def _late_co_funding(self, period: str, occurred: date, on: date) -> None:
        """A co-funding agreement learned of months later needs its period unlocked."""
        unlock = self.add("period-unlocked", on, {"period": period},
                          reason="Co-funding signed in December was reported to us only now",
                          after=self.cycles[period][-1], lag=0)
        funding = self.add("funding", occurred, {
            "funder": data.CO_FUNDERS[1][0], "amount_eur": Decimal(85_000),
            "funding_source": "other-public"}, after=unlock, cap=self.horizon)
        self._reapprove(period, on, funding)

    def _reapprove(self, period: str, on: date, after: Step | None) -> None:
        submitted = self.add("period-submitted", on + days(self.rng, 1, 4), {"period": period},
                             after=after, lag=0)
        self.add("period-approved", on + days(self.rng, 6, 12), {"period": period},
                 actor=self.officer, after=submitted, lag=0)

    # -- corrections and retractions -------------------------------------------

    def correct(self, step: Step, period: str, changes: dict[str, Any], reason: str) -> None:
        self.add("correct", step.occurred, changes, ref=self.label(step), reason=reason,
                 after=step, period=period, lag=self.rng.randint(1, 6))

    def retract(self, step: Step, period: str, reason: str) -> None:
        self.add("retract", step.occurred, {}, ref=self.label(step), reason=reason,
                 after=step, period=period, lag=self.rng.randint(1, 6))

    def label(self, step: Step) -> str:
        if step.label is None:
            self.labels += 1
            step.label = f"{self.f.code}#{self.labels}"
        return step.label

    # -- timing -------------------------------------------------------------------

    def stage(self, to_stage: str, on: date, after: Step | None) -> Step | None:
        step = self.add("stage", on, {"to_stage": to_stage}, after=after, lag=0)
        if step:
            self.stage_on[to_stage] = step.at.date()
        return step

    def _cycle(self, period: str, final: bool) -> list[Step]:
        """Submission, perhaps rejection and resubmission, and approval of a period's report.

        The final report of a pilot that closes is submitted and approved quickly.
        """
        rng, code = self.rng, self.f.code
        day = period_end(period) + (days(rng, 10, 18) if final else days(rng, 25, 40))
        plan: list[tuple[str, date, str, str | None]] = [
            ("period-submitted", day, self.lead, None)]
        if not final and rng.random() < 0.12:
            day += days(rng, 4, 10)
            plan.append(("period-rejected", day, self.officer, rng.choice(data.REJECTIONS)))
            day += days(rng, 3, 10)
            plan.append(("period-submitted", day, self.lead, None))
        day += days(rng, 2, 6) if final else days(rng, 4, 18)
        plan.append(("period-approved", day, self.officer, None))
        steps = []
        for kind, on, actor, reason in plan:
            at = moment(on, rng)
            if at >= CLOSING:
                break
            steps.append(Step(at, on, actor, kind, code, {"period": period}, reason=reason))
        assert steps or not final, f"{code} cannot close before the demo ends"
        return steps

    def deadline(self, period: str) -> datetime:
        """Entries of a period are recorded before its report is first submitted."""
        cycle = self.cycles.get(period)
        return cycle[0].at if cycle else self.horizon

    def _lag(self) -> int:
        """Days between something happening and its being recorded: mostly soon, some late."""
        draw = self.rng.random()
        if draw < 0.6:
            return self.rng.randint(0, 2)
        if draw < 0.88:
            return self.rng.randint(3, 20)
        return self.rng.randint(30, 120)

    def add(self, op: str, occurred: date, values: dict[str, Any], *, actor: str | None = None,
            reason: str | None = None, after: Step | None = None, period: str | None = None,
            lag: int | None = None, ref: str | None = None, cap: datetime | None = None,
            source: Source = Source.CLI, key: str | None = None) -> Step | None:
        """Plan a step recorded ``lag`` days after it occurred (and after ``after``).

        An entry must be recorded before its period's report is first submitted;
        a step that cannot be recorded in time is left out (None).
        """
        rng = self.rng
        floor = datetime.combine(occurred, time(8), tzinfo=UTC)
        if after is not None:
            floor = max(floor, after.at + timedelta(minutes=rng.randint(2, 90)))
        if cap is None:
            cap = self.horizon
            if op in LOCKED_KINDS:
                period = str(values.get("period") or period_of(occurred))
            if period is not None:
                cap = min(cap, self.deadline(period))
        wanted = max(floor, moment(occurred + timedelta(days=self._lag() if lag is None
                                                        else lag), rng))
        if wanted >= cap:
            if floor >= cap - timedelta(minutes=1):
                return None
            wanted = floor + (cap - floor) * rng.uniform(0.1, 0.9)
        step = Step(wanted.replace(microsecond=0), occurred, actor or self.lead, op,
                    self.f.code, values, reason=reason, ref=ref, source=source, key=key)
        self.steps.append(step)
        return step
