"""A pilot: a time-boxed test of scaling one innovation into new contexts.

Command methods validate against the current state and the rules of
DOMAIN.md, then record one event (see :mod:`scaletrack.domain.pilot_events`).
"""

from __future__ import annotations

from dataclasses import fields
from datetime import date
from decimal import Decimal
from typing import Any

from eventsourcing.domain import Aggregate

from scaletrack.domain import pilot_events as ev
from scaletrack.domain.consortium import Consortium
from scaletrack.domain.envelope import (
    Provenance,
    Recorded,
    aggregate_id,
    plain,
    record,
    start,
    validated,
)
from scaletrack.domain.errors import RuleViolation
from scaletrack.domain.indicator import Indicator
from scaletrack.domain.results import check_active, check_result, check_target
from scaletrack.domain.vocabulary import CLOSABLE_STAGES, LEGAL_TRANSITIONS, Stage, period_of

ENVELOPE_FIELDS = frozenset(
    {"originator_id", "originator_version", "timestamp", "occurred_on", "actor", "source",
     "reason", "key", "originator_topic"}
)
IDENTITY_FIELDS = frozenset({"indicator", "indicator_version", "period"})


def payload_of(event: Recorded) -> dict[str, Any]:
    """An event's own fields, without the envelope."""
    return {f.name: getattr(event, f.name) for f in fields(event)
            if f.name not in ENVELOPE_FIELDS}


class Pilot(Aggregate):
    """The aggregate every pilot event belongs to."""

    Event = ev.PilotEvent
    Registered = ev.Registered

    def __init__(self) -> None:
        self.code: str
        self.consortium: str
        self.title: str
        self.innovation: str
        self.origin_country: str
        self.target_countries: list[str]
        self.core_components: list[str]
        self.adaptable_components: list[str]
        self.starts_on: date
        self.ends_on: date
        self.stage = str(Stage.PROPOSED)
        self.pilot_type: str | None = None
        self.dimensions: list[str] = []
        self.mechanism: str | None = None
        self.affiliation_form: str | None = None
        self.readiness_score: int | None = None
        self.evaluations = 0
        self.milestones: dict[str, dict[str, Any]] = {}
        self.partners: dict[str, str] = {}
        self.targets: dict[str, int] = {}
        self.risks: dict[str, str] = {}
        self.periods: dict[str, str] = {}
        self.entries: dict[str, dict[str, Any]] = {}

    @staticmethod
    def id_for(code: str) -> Any:
        return aggregate_id("pilot", code)

    # -- registration and pathway -------------------------------------------------

    @classmethod
    def register(cls, code: str, consortium: Consortium, by: Provenance, **details: Any) -> Pilot:
        countries = [str(c).strip().upper() for c in details.get("target_countries", [])]
        outside = sorted(set(countries) - set(consortium.countries))
        if outside:
            raise RuleViolation(
                "target-country-outside-consortium",
                f"target countries {', '.join(outside)} are not members of {consortium.code}",
                hint=f"choose among {', '.join(consortium.countries)}",
            )
        if details.get("starts_on") and details.get("ends_on") and (
            str(details["ends_on"]) < str(details["starts_on"])
        ):
            raise RuleViolation("ends-before-start", "a pilot cannot end before it starts")
        return start(cls, ev.Registered, cls.id_for(code), by,
                     code=code, consortium=consortium.code, **details)

    def assess_readiness(self, score: int, summary: str, by: Provenance) -> None:
        self._record_entry(ev.ReadinessAssessed, by, score=score, summary=summary)

    def choose_pathway(self, by: Provenance, **pathway: Any) -> None:
        self._require_open()
        if self.pilot_type is not None:
            raise RuleViolation("pathway-already-chosen", f"{self.code} already has a pathway",
                                hint="use pathway-changed with a reason")
        record(self, ev.PathwayChosen, by, **self._checked_pathway(pathway))

    def change_pathway(self, by: Provenance, **pathway: Any) -> None:
        self._require_open()
        self._require_reason(by, "a pathway change")
        if self.pilot_type is None:
            raise RuleViolation("no-pathway", f"{self.code} has no pathway yet",
                                hint="use pathway-chosen first")
        record(self, ev.PathwayChanged, by, **self._checked_pathway(pathway))

    @staticmethod
    def _checked_pathway(pathway: dict[str, Any]) -> dict[str, Any]:
        if not pathway.get("dimensions"):
            raise RuleViolation("no-scaling-dimension",
                                "a pathway scales in at least one dimension (out, up, deep)",
                                hint="give --dimensions")
        form = pathway.get("affiliation_form")
        if (str(pathway.get("mechanism")) == "affiliation") != bool(form):
            raise RuleViolation(
                "affiliation-form",
                "an affiliation form (licence, franchise, ...) goes with mechanism affiliation, "
                "and only with it",
            )
        return {"affiliation_form": None, **pathway}

    def advance_stage(self, to_stage: str, by: Provenance) -> None:
        self._require_open()
        current = Stage(self.stage)
        target = Stage(to_stage) if to_stage in Stage._value2member_map_ else None
        if target is None or target not in LEGAL_TRANSITIONS[current]:
            legal = ", ".join(sorted(LEGAL_TRANSITIONS[current])) or "none (close the pilot)"
            raise RuleViolation("illegal-stage-transition",
                                f"{self.code} cannot go from {current} to {to_stage}",
                                hint=f"legal next stages: {legal}")
        if target is Stage.READINESS_ASSESSED and self.readiness_score is None:
            raise RuleViolation("readiness-not-assessed", "record a readiness assessment first")
        if target is Stage.EVALUATED and self.evaluations == 0:
            raise RuleViolation("not-evaluated", "record an evaluation first")
        record(self, ev.StageAdvanced, by, from_stage=current, to_stage=target)

    # -- milestones ---------------------------------------------------------------

    def plan_milestone(self, milestone: str, title: str, due_on: date, by: Provenance) -> None:
        self._require_open()
        if milestone in self.milestones:
            raise RuleViolation("milestone-exists", f"milestone {milestone} is already planned")
        record(self, ev.MilestonePlanned, by, milestone=milestone, title=title, due_on=due_on)

    def achieve_milestone(self, milestone: str, by: Provenance) -> None:
        self._require_status(milestone, "achieve", "planned")
        record(self, ev.MilestoneAchieved, by, milestone=milestone)

    def slip_milestone(self, milestone: str, new_due_on: date, by: Provenance) -> None:
        self._require_status(milestone, "slip", "planned")
        previous = self.milestones[milestone]["due_on"]
        if str(new_due_on) <= str(previous):
            raise RuleViolation("slip-not-later",
                                f"a slip moves the due date later than {previous}",
                                hint="give a new due date after the current one")
        record(self, ev.MilestoneSlipped, by, milestone=milestone,
               previous_due_on=previous, new_due_on=new_due_on)

    def drop_milestone(self, milestone: str, by: Provenance) -> None:
        self._require_status(milestone, "drop", "planned")
        self._require_reason(by, "dropping a milestone")
        record(self, ev.MilestoneDropped, by, milestone=milestone)

    def _require_status(self, milestone: str, verb: str, status: str) -> None:
        self._require_open()
        if milestone not in self.milestones:
            raise RuleViolation("unknown-milestone", f"{self.code} has no milestone {milestone}",
                                hint="plan it first")
        current = self.milestones[milestone]["status"]
        if current != status:
            raise RuleViolation(f"milestone-{current}",
                                f"cannot {verb} milestone {milestone}: it is {current}")

    # -- business model, HR, adoption, adaptation, funding, evaluation ------------

    def revise_business_model(self, by: Provenance, **model: Any) -> None:
        _check_revenue_mix(model)
        self._record_entry(ev.BusinessModelRevised, by, **model)

    def change_hr_process(self, by: Provenance, **change: Any) -> None:
        self._record_entry(ev.HRProcessChanged, by, **change)

    def decide_adoption(self, by: Provenance, **decision: Any) -> None:
        self._record_entry(ev.AdoptionDecided, by, **decision)

    def make_adaptation(self, component: str, summary: str, by: Provenance) -> None:
        self._require_component(component)
        self._record_entry(ev.AdaptationMade, by, component=component,
                           core=component in self.core_components, summary=summary)

    def _require_component(self, component: str) -> None:
        known = self.core_components + self.adaptable_components
        if component not in known:
            raise RuleViolation("unknown-component", f"{component!r} is not a component of "
                                f"{self.code}", hint=f"choose among {', '.join(known)}")

    def secure_funding(self, funder: str, amount_eur: Any, currency: str, by: Provenance) -> None:
        self._record_entry(ev.FundingSecured, by, funder=funder, amount_eur=amount_eur,
                           currency=currency)

    def complete_evaluation(self, by: Provenance, **evaluation: Any) -> None:
        self._record_entry(ev.EvaluationCompleted, by, **evaluation)

    # -- partners and risks -------------------------------------------------------

    def join_partner(self, organisation: str, country: str, role: str, by: Provenance) -> None:
        self._require_open()
        if organisation in self.partners:
            raise RuleViolation("partner-exists", f"{organisation} is already a partner")
        record(self, ev.PartnerJoined, by, organisation=organisation, country=country, role=role)

    def leave_partner(self, organisation: str, by: Provenance) -> None:
        self._require_open()
        if organisation not in self.partners:
            raise RuleViolation("unknown-partner",
                                f"{organisation} is not a partner of {self.code}")
        record(self, ev.PartnerLeft, by, organisation=organisation)

    def raise_risk(self, risk: str, description: str, severity: str, by: Provenance) -> None:
        self._require_open()
        if risk in self.risks:
            raise RuleViolation("risk-exists", f"risk {risk} was already raised")
        record(self, ev.RiskRaised, by, risk=risk, description=description, severity=severity)

    def close_risk(self, risk: str, by: Provenance) -> None:
        self._require_open()
        if self.risks.get(risk) != "open":
            raise RuleViolation("risk-not-open", f"{self.code} has no open risk {risk}")
        record(self, ev.RiskClosed, by, risk=risk)

    # -- targets and results ------------------------------------------------------

    def set_target(self, indicator: Indicator, by: Provenance, **target: Any) -> None:
        key = f"{indicator.code}|{str(target.get('period', '')).upper()}"
        if key in self.targets:
            raise RuleViolation("target-exists", f"a target for {key.replace('|', ' in ')} "
                                "is already set", hint="use target-revised with a reason")
        self._record_target(ev.TargetSet, indicator, by, target)

    def revise_target(self, indicator: Indicator, by: Provenance, **target: Any) -> None:
        self._require_reason(by, "a target revision")
        key = f"{indicator.code}|{str(target.get('period', '')).upper()}"
        if key not in self.targets:
            raise RuleViolation("no-target", f"no target for {key.replace('|', ' in ')} to revise",
                                hint="use target-set first")
        self._record_target(ev.TargetRevised, indicator, by, target)

    def _record_target(self, kind: type[ev.Target], indicator: Indicator, by: Provenance,
                       target: dict[str, Any]) -> None:
        fields_ = {"baseline": None, "target": None, "narrative": None, **target,
                   "indicator": indicator.code, "indicator_version": indicator.definition_version}
        check_active(indicator)
        check_target(indicator, fields_)
        self._record_entry(kind, by, **fields_)

    def report_result(self, indicator: Indicator, by: Provenance, **result: Any) -> None:
        fields_ = {"value": None, "narrative": None, "breakdown": {}, **result,
                   "indicator": indicator.code, "indicator_version": indicator.definition_version}
        check_active(indicator)
        check_result(indicator, self, fields_)
        self._record_entry(ev.ResultReported, by, **fields_)

    # -- reporting periods --------------------------------------------------------

    def submit_period_report(self, period: str, by: Provenance) -> None:
        self._move_period(ev.PeriodReportSubmitted, period, by,
                          allowed=(None, "rejected", "unlocked"))

    def approve_period_report(self, period: str, by: Provenance) -> None:
        self._move_period(ev.PeriodReportApproved, period, by, allowed=("submitted",))

    def reject_period_report(self, period: str, by: Provenance) -> None:
        self._require_reason(by, "a rejection")
        self._move_period(ev.PeriodReportRejected, period, by, allowed=("submitted",))

    def unlock_period(self, period: str, by: Provenance) -> None:
        self._require_reason(by, "unlocking a period")
        self._move_period(ev.PeriodUnlocked, period, by, allowed=("approved",))

    def _move_period(self, kind: type[ev.PeriodEvent], period: str, by: Provenance,
                     allowed: tuple[str | None, ...]) -> None:
        period = period.strip().upper()
        status = self.periods.get(period)
        if status not in allowed:
            raise RuleViolation(
                "period-report-state",
                f"the {period} report of {self.code} is {status or 'not submitted'}; "
                f"{kind.STATUS} needs it {' or '.join(a or 'not submitted' for a in allowed)}",
            )
        record(self, kind, by, period=period)

    def is_locked(self, period: str) -> bool:
        return self.periods.get(period) == "approved"

    # -- corrections and retractions ----------------------------------------------

    def correct_entry(self, original: Recorded, changes: dict[str, Any], by: Provenance,
                      indicator: Indicator | None = None) -> None:
        entry = self._correctable(original, by, "correct")
        if set(changes) & IDENTITY_FIELDS:
            raise RuleViolation("identity-field",
                                "a correction keeps the entry's indicator and period",
                                hint="retract the entry and record a new one")
        unknown = set(changes) - set(payload_of(original))
        if unknown:
            raise RuleViolation("unknown-field", f"{entry['type']} has no field "
                                f"{', '.join(sorted(unknown))}")
        data = {**payload_of(original), **changes}
        if isinstance(original, ev.AdaptationMade):
            # Whether the adapted component is core follows the component, so a
            # corrected component cannot hide (or invent) a fidelity deviation.
            self._require_component(str(data["component"]))
            data["core"] = data["component"] in self.core_components
        replacement: Any = validated(type(original), {**data, **by.envelope(),
                                                      "originator_id": self.id,
                                                      "originator_version": 1})
        if not entry.get("corrected") and plain(payload_of(replacement)) == plain(
                payload_of(original)):
            raise RuleViolation("correction-changes-nothing",
                                f"the correction leaves {self.code}@"
                                f"{original.originator_version} as it is",
                                hint="give the values that were wrong with --set")
        # The corrected values obey the rules the entry itself obeyed.
        if isinstance(replacement, ev.ResultReported) and indicator is not None:
            check_result(indicator, self, payload_of(replacement))
        elif isinstance(replacement, ev.Target) and indicator is not None:
            check_target(indicator, payload_of(replacement))
        elif isinstance(replacement, ev.BusinessModelRevised):
            _check_revenue_mix(payload_of(replacement))
        record(self, ev.EntryCorrected, by, corrects=original.originator_version,
               corrected_type=entry["type"], data=plain(payload_of(replacement)))

    def retract_entry(self, original: Recorded, by: Provenance) -> None:
        entry = self._correctable(original, by, "retract")
        record(self, ev.EntryRetracted, by, retracts=original.originator_version,
               retracted_type=entry["type"])

    def _correctable(self, original: Recorded, by: Provenance, verb: str) -> dict[str, Any]:
        self._require_reason(by, f"to {verb} an entry")
        ref = f"{self.code}@{original.originator_version}"
        entry = self.entries.get(str(original.originator_version))
        if original.originator_id != self.id or entry is None:
            raise RuleViolation("not-an-entry", f"{ref} is not an entry that can be {verb}ed",
                                hint="name a result, target, decision or other entry of "
                                "this pilot")
        if entry["retracted"]:
            raise RuleViolation("entry-retracted", f"{ref} was retracted")
        self._require_unlocked(entry["period"])
        return entry

    # -- closing ------------------------------------------------------------------

    def close(self, outcome: str, lessons: str, by: Provenance) -> None:
        self._require_open()
        if Stage(self.stage) not in CLOSABLE_STAGES:
            raise RuleViolation("not-closable", f"{self.code} is {self.stage}; a pilot closes "
                                "once evaluated")
        record(self, ev.PilotClosed, by, outcome=outcome, lessons=lessons)

    # -- shared checks ------------------------------------------------------------

    def _record_entry(self, kind: type[ev.Entry], by: Provenance, **fields_: Any) -> None:
        self._require_open()
        period = fields_.get("period")
        self._require_unlocked(str(period).strip().upper() if period else _quarter(by))
        record(self, kind, by, **fields_)

    def _require_unlocked(self, period: str) -> None:
        if self.is_locked(period):
            raise RuleViolation("period-locked",
                                f"the {period} report of {self.code} is approved and locked",
                                hint="unlock the period with a reason first")

    def _require_open(self) -> None:
        if self.stage == Stage.CLOSED:
            raise RuleViolation("pilot-closed", f"{self.code} is closed")

    @staticmethod
    def _require_reason(by: Provenance, what: str) -> None:
        if not (by.reason and by.reason.strip()):
            raise RuleViolation("reason-required", f"{what} needs a reason",
                                hint="give --reason")


def _quarter(by: Provenance) -> str:
    return period_of(by.occurred_on)


def _check_revenue_mix(model: dict[str, Any]) -> None:
    total = sum((Decimal(str(v)) for v in dict(model.get("revenue_mix", {})).values()),
                Decimal(0))
    if model.get("revenue_mix") and total != 100:
        raise RuleViolation("revenue-mix-total",
                            f"revenue mix shares add up to {total}%, not 100%")
