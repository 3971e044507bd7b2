"""A pilot: a time-boxed test of scaling one innovation into new contexts.

Command methods validate against the current state and the rules of
DOMAIN.md, then record one event (see :mod:`scaletrack.domain.pilot_events`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import fields
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from uuid import UUID

from eventsourcing.domain import Aggregate

from scaletrack.domain import pilot_events as ev
from scaletrack.domain.envelope import (
    Provenance,
    Recorded,
    aggregate_id,
    plain,
    record,
    require_reason,
    start,
    validated,
)
from scaletrack.domain.errors import InvalidInput, RuleViolation
from scaletrack.domain.esf_plus import refuse_part_of_total
from scaletrack.domain.indicator import Indicator
from scaletrack.domain.money import (
    Placing,
    check_commitment,
    check_expenditure,
    check_paid,
    check_payment,
    require_pilot_period,
    total,
)
from scaletrack.domain.period_entries import EXPENDITURE, RESULT, TARGET
from scaletrack.domain.pilot_state import (
    Milestone,
    MoneyLine,
    ReportStatus,
    RiskStatus,
    target_key,
    upcast_v1_v2,
    upcast_v2_v3,
    upcast_v3_v4,
    upcast_v4_v5,
    upcast_v5_v6,
)
from scaletrack.domain.results import check_active, check_result, check_target
from scaletrack.domain.vocabulary import (
    CLOSABLE_STAGES,
    LEGAL_TRANSITIONS,
    AdoptionDecision,
    ClosureOutcome,
    CostOption,
    EvaluationDesign,
    Stage,
    canonical,
    checked_country,
    is_period,
    period_of,
    period_start,
)

if TYPE_CHECKING:  # a pilot's own writes need no consortium (its events, its ecosystem)
    from scaletrack.domain.consortium import Consortium

ENVELOPE_FIELDS = frozenset(
    {"originator_id", "originator_version", "timestamp", "occurred_on", "actor", "source",
     "reason", "key", "originator_topic"}
)
IDENTITY_FIELDS = frozenset({"indicator", "indicator_version", "period"})
AMENDABLE = ("title", "innovation", "target_countries", "core_components",
             "adaptable_components", "ends_on")
"""What an amendment of a pilot's registration may change (its code, consortium, origin
and start stay: the pilot is known by them)."""
NOUN = "pilot"
"""What a rule about the pilot as a whole names as its field (the import's pilot column)."""


Values = dict[str, Any]
"""An event's own fields by name, as given (raw) or as validated."""


def payload_of(event: Recorded) -> Values:
    """An event's own fields, without the envelope."""
    return {f.name: getattr(event, f.name) for f in fields(event)
            if f.name not in ENVELOPE_FIELDS}


class Pilot(Aggregate):
    """The aggregate every pilot event belongs to.

    Its state is what the rules need (see :mod:`scaletrack.domain.pilot_state`),
    so it stays small however long the pilot runs.
    """

    Event = ev.PilotEvent
    Registered = ev.Registered
    Amended = ev.Amended

    class_version = 6
    """Version of the state a snapshot keeps (see :mod:`scaletrack.domain.pilot_state`)."""

    upcast_v1_v2 = staticmethod(upcast_v1_v2)
    upcast_v2_v3 = staticmethod(upcast_v2_v3)
    upcast_v3_v4 = staticmethod(upcast_v3_v4)
    upcast_v4_v5 = staticmethod(upcast_v4_v5)
    upcast_v5_v6 = staticmethod(upcast_v5_v6)

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
        self.originator_approval_required = False
        """Whether a core-component deviation needs the originator's approval."""
        self.stage = str(Stage.PROPOSED)
        self.pilot_type: str | None = None
        self.dimensions: list[str] = []
        self.mechanism: str | None = None
        self.affiliation_form: str | None = None
        self.readiness_score: int | None = None
        self.evaluations = 0
        self.milestones: dict[str, Milestone] = {}
        self.partners: dict[str, str] = {}
        """Organisation -> country."""
        self.targets: dict[str, int] = {}
        """The indicator|period of every target set -> the version of the event that set it."""
        self.results: dict[str, int] = {}
        """The indicator|period of every result reported -> the version that reported it."""
        self.risks: dict[str, RiskStatus] = {}
        self.periods: dict[str, ReportStatus] = {}
        """Reporting period -> status of its report."""
        self.submitted_on: dict[str, date] = {}
        """Reporting period -> the day its report was last submitted."""
        self.money: dict[str, MoneyLine] = {}
        """The version (as text: a snapshot's keys are texts) of every entry that commits or
        pays money from a source -> its line."""
        self.expenditure: dict[str, int] = {}
        """Reporting period -> the version of the entry that declared its expenditure."""
        self.entry_count = 0
        self.corrected: set[int] = set()
        """Versions of the entries corrected at least once."""
        self.retracted: set[int] = set()
        """Versions of the entries retracted."""
        self.adopted: set[int] = set()
        """Versions of the adoption decisions that stand as "adopted"."""
        self.outcome: str | None = None
        """How the pilot closed, once it has."""

    def __deepcopy__(self, memo: dict[int, object]) -> Pilot:
        """A copy that shares no container with this pilot (the aggregate cache hands
        out copies on every load). Every value of the state is immutable or a flat list,
        set or dict of immutable values, so copying each container is a deep copy."""
        copied = object.__new__(type(self))
        copied.__dict__.update({name: _copy_of(value) for name, value in vars(self).items()})
        return copied

    def collect_events(self) -> list[Any]:
        """The pending events, taken in one go: the library pops them one at a time from
        the front of the list, quadratic in a bulk import's 50,000 events of one pilot."""
        collected = list(self._pending_events)
        self._pending_events.clear()
        return collected

    @staticmethod
    def id_for(code: str) -> UUID:
        return aggregate_id("pilot", code)

    # -- registration and pathway -------------------------------------------------

    @classmethod
    def register(cls, code: str, consortium: Consortium, by: Provenance, **details: Any) -> Pilot:
        countries = [checked_country(c, "target_countries")
                     for c in details.get("target_countries", [])]
        outside = sorted(set(countries) - consortium.member_countries)
        if outside:
            raise RuleViolation(
                "target-country-outside-consortium",
                f"target countries {', '.join(outside)} are not members of {consortium.code}",
                field="target_countries", hint=f"choose among {', '.join(consortium.countries)}",
            )
        if details.get("starts_on") and details.get("ends_on") and (
            str(details["ends_on"]) < str(details["starts_on"])
        ):
            raise RuleViolation("ends-before-start", "a pilot cannot end before it starts",
                                field="ends_on")
        return start(cls, ev.Registered, cls.id_for(code), by,
                     code=code, consortium=consortium.code, **details)

    def amend(self, consortium: Consortium, by: Provenance, **changes: Any) -> None:
        """Amend what the registration says (:data:`AMENDABLE`); a field given as None keeps
        its value. The amended values obey the rules the registration obeyed."""
        self._require_reason(by, "an amendment of the registration")
        current = {name: getattr(self, name) for name in AMENDABLE}
        given = {k: v for k, v in changes.items() if v is not None}
        if not given:  # nothing asked for is missing input; the same values are a rule
            raise InvalidInput(f"the amendment of {self.code} names nothing to change",
                               field="changes", hint="give at least one value that changes")
        unknown = set(given) - set(AMENDABLE)
        if unknown:
            raise RuleViolation("not-amendable", f"a pilot's {', '.join(sorted(unknown))} "
                                "cannot be amended", field="changes",
                                hint=f"amend {', '.join(AMENDABLE)}")
        if "target_countries" in given:
            given["target_countries"] = [checked_country(c, "target_countries")
                                         for c in given["target_countries"]]
        envelope = {**by.envelope(), "originator_id": self.id,
                    "originator_version": self.version + 1}
        amended = payload_of(validated(ev.Amended, {**current, **given, **envelope}, new=True))
        if plain(amended) == plain(current):
            raise RuleViolation("amendment-changes-nothing",
                                f"the amendment leaves {self.code} as it is", field="changes",
                                hint="give the values that change")
        # only what it changes: a registration from before a rule keeps what it said
        if "target_countries" in given:
            self._check_targets(amended["target_countries"], consortium)
        if "ends_on" in given:
            self._check_end(amended["ends_on"])
        record(self, ev.Amended, by, **amended)

    def _check_targets(self, countries: list[str], consortium: Consortium) -> None:
        if not countries:
            raise RuleViolation("no-target-country", f"{self.code} is scaled into no country",
                                field="target_countries", hint="give a target country")
        outside = sorted(set(countries) - consortium.member_countries)
        if outside:
            raise RuleViolation(
                "target-country-outside-consortium",
                f"target countries {', '.join(outside)} are not members of {consortium.code}",
                field="target_countries", hint=f"choose among {', '.join(consortium.countries)}",
            )

    def _check_end(self, ends_on: date) -> None:
        if ends_on < self.starts_on:
            raise RuleViolation("ends-before-start", f"{self.code} starts on {self.starts_on}; "
                                f"it cannot end on {ends_on}, before it starts",
                                field="ends_on", hint="give an end date after the start")
        later = sorted(period for period in {key.split("|", 1)[1] for key in self.results}
                       if is_period(period) and period_start(period) > ends_on)
        if later:
            raise RuleViolation("results-after-end",
                                f"{self.code} has results for {', '.join(later)}, after "
                                f"{ends_on}", field="ends_on",
                                hint="retract those results first, or end the pilot later")

    def assess_readiness(self, score: int, summary: str, by: Provenance) -> None:
        self._record_entry(ev.ReadinessAssessed, by, {"score": score, "summary": summary})

    def choose_pathway(self, by: Provenance, **pathway: Any) -> None:
        self._require_open()
        if self.pilot_type is not None:
            raise RuleViolation("pathway-already-chosen", f"{self.code} already has a pathway",
                                field=NOUN, hint="use pathway-changed with a reason")
        record(self, ev.PathwayChosen, by, **self._checked_pathway(pathway))

    def change_pathway(self, by: Provenance, **pathway: Any) -> None:
        self._require_open()
        self._require_reason(by, "a pathway change")
        if self.pilot_type is None:
            raise RuleViolation("no-pathway", f"{self.code} has no pathway yet",
                                field=NOUN, hint="use pathway-chosen first")
        record(self, ev.PathwayChanged, by, **self._checked_pathway(pathway))

    @staticmethod
    def _checked_pathway(pathway: Values) -> Values:
        if not pathway.get("dimensions"):
            raise RuleViolation("no-scaling-dimension",
                                "a pathway scales in at least one dimension (out, up, deep)",
                                field="dimensions", hint="give --dimensions")
        form = pathway.get("affiliation_form")
        if (str(pathway.get("mechanism")) == "affiliation") != bool(form):
            raise RuleViolation(
                "affiliation-form",
                "an affiliation form (licence, franchise, ...) goes with mechanism affiliation, "
                "and only with it", field="affiliation_form",
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
                                field="to_stage", hint=f"legal next stages: {legal}")
        if target is Stage.READINESS_ASSESSED and self.readiness_score is None:
            raise RuleViolation("readiness-not-assessed", "record a readiness assessment first",
                                field="to_stage")
        if target is Stage.EVALUATED and self.evaluations == 0:
            raise RuleViolation("not-evaluated", "record an evaluation first", field="to_stage")
        record(self, ev.StageAdvanced, by, from_stage=current, to_stage=target)

    # -- milestones ---------------------------------------------------------------

    def plan_milestone(self, milestone: str, title: str, due_on: date, by: Provenance) -> None:
        self._require_open()
        self._require_unlocked(_quarter(by))
        if milestone in self.milestones:
            raise RuleViolation("milestone-exists", f"milestone {milestone} is already planned",
                                field="milestone")
        record(self, ev.MilestonePlanned, by, milestone=milestone, title=title, due_on=due_on)

    def achieve_milestone(self, milestone: str, by: Provenance) -> None:
        planned = self._require_status(milestone, "achieve", "planned", by)
        if by.occurred_on < self.starts_on or (planned.planned_on and
                                               by.occurred_on < planned.planned_on):
            earliest = max(self.starts_on, planned.planned_on or self.starts_on)
            raise RuleViolation("achieved-too-early",
                                f"milestone {milestone} cannot be achieved on {by.occurred_on}, "
                                f"before {earliest} (the pilot's start or the day it was "
                                "planned)", field="occurred_on",
                                hint="give the date it really happened")
        record(self, ev.MilestoneAchieved, by, milestone=milestone)

    def slip_milestone(self, milestone: str, new_due_on: date, by: Provenance) -> None:
        previous = self._require_status(milestone, "slip", "planned", by).due_on
        if str(new_due_on) <= str(previous):
            raise RuleViolation("slip-not-later",
                                f"a slip moves the due date later than {previous}",
                                field="new_due_on",
                                hint="give a new due date after the current one")
        record(self, ev.MilestoneSlipped, by, milestone=milestone,
               previous_due_on=previous, new_due_on=new_due_on)

    def drop_milestone(self, milestone: str, by: Provenance) -> None:
        self._require_status(milestone, "drop", "planned", by)
        self._require_reason(by, "dropping a milestone")
        record(self, ev.MilestoneDropped, by, milestone=milestone)

    def _require_status(self, milestone: str, verb: str, status: str,
                        by: Provenance) -> Milestone:
        self._require_open()
        self._require_unlocked(_quarter(by))
        if milestone not in self.milestones:
            raise RuleViolation("unknown-milestone", f"{self.code} has no milestone {milestone}",
                                field="milestone", hint="plan it first")
        current = self.milestones[milestone]
        if current.status != status:
            raise RuleViolation(f"milestone-{current.status}",
                                f"cannot {verb} milestone {milestone}: it is {current.status}",
                                field="milestone")
        return current

    # -- business model, HR, adoption, adaptation, funding, evaluation ------------

    def revise_business_model(self, by: Provenance, **model: Any) -> None:
        self._record_entry(ev.BusinessModelRevised, by, model)

    def change_hr_process(self, by: Provenance, **change: Any) -> None:
        self._record_entry(ev.HRProcessChanged, by, change)

    def decide_adoption(self, by: Provenance, **decision: Any) -> None:
        """A provider's decision; one that rejects or defers adoption says why (``reason``)."""
        self._require_beyond_proposal("an adoption decision")
        said = str(decision.get("decision", "")).strip()
        if said in (AdoptionDecision.REJECTED, AdoptionDecision.DEFERRED):
            self._require_reason(by, f"a {said} adoption decision")
        self._record_entry(ev.AdoptionDecided, by, decision)

    def make_adaptation(self, component: str, summary: str, by: Provenance, *,
                        approved_by: str | None = None, approved_on: date | None = None
                        ) -> None:
        """An adaptation; one of a core component is a fidelity deviation, which says why
        (``reason``) and, where the pilot asks for it, who approved it for the originator
        (``approved_by``, ``approved_on``)."""
        if str(component).strip() in self.core_components:
            self._require_reason(by, "a core-component deviation")
        self._record_entry(ev.AdaptationMade, by, {"component": component, "summary": summary,
                                                   "approved_by": approved_by,
                                                   "approved_on": approved_on})

    def secure_funding(self, funder: str, amount_eur: Decimal | int | str, currency: str,
                       by: Provenance, funding_source: str | None = None,
                       co_financing_rate: Decimal | str | None = None) -> None:
        """Funding committed; a commitment that names no source is kept as it was recorded
        before sources were asked for (it counts in no source's budget)."""
        self._record_entry(ev.FundingSecured, by, {
            "funder": funder, "amount_eur": amount_eur, "currency": currency,
            "funding_source": funding_source, "co_financing_rate": co_financing_rate})

    def pay_funding(self, by: Provenance, **payment: Any) -> None:
        """Money paid from a source; never more than was committed from it."""
        self._record_entry(ev.FundingPaid, by, {"currency": "EUR", **payment})

    def declare_expenditure(self, by: Provenance, **declared: Any) -> None:
        """The eligible expenditure of one reporting period; one declaration per period."""
        period = canonical(str(declared.get("period", "")))
        EXPENDITURE.refuse_another(f"the expenditure for {period}", self.code,
                                   self.expenditure.get(period))
        self._record_entry(ev.ExpenditureDeclared, by, {
            "currency": "EUR", "cost_option": CostOption.REAL_COSTS, "units": None,
            "unit_cost_eur": None, **declared})

    def committed(self, source: str) -> Decimal:
        """What the pilot's entries commit from a source, as they stand."""
        return total(self, "committed", source)

    def paid(self, source: str) -> Decimal:
        return total(self, "paid", source)


    def complete_evaluation(self, by: Provenance, **evaluation: Any) -> None:
        if str(evaluation.get("recommendation")) == "scale":
            self._require_beyond_proposal("an evaluation recommending to scale")
        self._record_entry(ev.EvaluationCompleted, by, evaluation)

    # -- partners and risks -------------------------------------------------------

    def join_partner(self, organisation: str, country: str, role: str, by: Provenance) -> None:
        self._require_open()
        if organisation in self.partners:
            raise RuleViolation("partner-exists", f"{organisation} is already a partner",
                                field="organisation")
        record(self, ev.PartnerJoined, by, organisation=organisation, country=country, role=role)

    def leave_partner(self, organisation: str, by: Provenance) -> None:
        self._require_open()
        if organisation not in self.partners:
            raise RuleViolation("unknown-partner",
                                f"{organisation} is not a partner of {self.code}",
                                field="organisation")
        record(self, ev.PartnerLeft, by, organisation=organisation)

    def raise_risk(self, risk: str, description: str, severity: str, by: Provenance) -> None:
        self._require_open()
        if risk in self.risks:
            raise RuleViolation("risk-exists", f"risk {risk} was already raised", field="risk")
        record(self, ev.RiskRaised, by, risk=risk, description=description, severity=severity)

    def close_risk(self, risk: str, by: Provenance) -> None:
        self._require_open()
        if self.risks.get(risk) != "open":
            raise RuleViolation("risk-not-open", f"{self.code} has no open risk {risk}",
                                field="risk")
        record(self, ev.RiskClosed, by, risk=risk)

    # -- targets and results ------------------------------------------------------

    def set_target(self, indicator: Indicator, by: Provenance, **target: Any) -> None:
        key = target_key(indicator.code, str(target.get("period", "")).upper())
        TARGET.refuse_another(f"a target for {key.replace('|', ' in ')}", self.code,
                              self.targets.get(key))
        self._record_target(ev.TargetSet, indicator, by, target)

    def revise_target(self, indicator: Indicator, by: Provenance, **target: Any) -> None:
        self._require_reason(by, "a target revision")
        key = target_key(indicator.code, str(target.get("period", "")).upper())
        if key not in self.targets:
            raise RuleViolation("no-target", f"no target for {key.replace('|', ' in ')} to revise",
                                field="period", hint="use target-set first")
        self._record_target(ev.TargetRevised, indicator, by, target)

    def _record_target(self, kind: type[ev.Target], indicator: Indicator, by: Provenance,
                       target: Values) -> None:
        check_active(indicator)
        self._record_entry(kind, by, {
            "baseline": None, "target": None, "narrative": None, **target,
            "indicator": indicator.code, "indicator_version": indicator.definition_version},
            indicator)

    def report_result(self, indicator: Indicator, by: Provenance, **result: Any) -> None:
        check_active(indicator)
        period = str(result.get("period", "")).strip().upper()
        if is_period(period) and by.occurred_on < period_start(period):
            raise RuleViolation("result-before-period",
                                f"a result for {period} cannot have occurred on "
                                f"{by.occurred_on}, before the period started",
                                field="occurred_on",
                                hint=f"give a day from {period_start(period)} on")
        refuse_part_of_total(indicator.code, bool(indicator.current["esf_common"]))
        RESULT.refuse_another(f"a result for {indicator.code} in {period}", self.code,
                              self.results.get(target_key(indicator.code, period)))
        self._record_entry(ev.ResultReported, by, {
            "value": None, "narrative": None, "breakdown": {}, **result,
            "indicator": indicator.code, "indicator_version": indicator.definition_version},
            indicator)

    # -- reporting periods --------------------------------------------------------

    def submit_period_report(self, period: str, by: Provenance) -> None:
        period = period.strip().upper()
        if is_period(period) and by.occurred_on < period_start(period):
            raise RuleViolation("period-not-started",
                                f"the {period} report cannot be submitted on {by.occurred_on}, "
                                "before the period started", field="period")
        self._move_period(ev.PeriodReportSubmitted, period, by,
                          allowed=(None, "rejected", "unlocked"))

    def approve_period_report(self, period: str, by: Provenance) -> None:
        submitted = self.submitted_on.get(period.strip().upper())
        if submitted is not None and by.occurred_on < submitted:
            raise RuleViolation("approved-before-submitted",
                                f"the {period} report was submitted on {submitted}; it cannot "
                                f"be approved on {by.occurred_on}", field="occurred_on",
                                hint="give the date it really happened")
        self._move_period(ev.PeriodReportApproved, period, by, allowed=("submitted",))

    def reject_period_report(self, period: str, by: Provenance) -> None:
        self._require_reason(by, "a rejection")
        self._move_period(ev.PeriodReportRejected, period, by, allowed=("submitted",))

    def unlock_period(self, period: str, by: Provenance) -> None:
        self._require_reason(by, "unlocking a period")
        self._move_period(ev.PeriodUnlocked, period, by, allowed=("approved",))

    def _move_period(self, kind: type[ev.PeriodEvent], period: str, by: Provenance,
                     allowed: tuple[ReportStatus | None, ...]) -> None:
        period = canonical(period)
        status = self.periods.get(period)
        if status not in allowed:
            raise RuleViolation(
                "period-report-state",
                f"the {period} report of {self.code} is {status or 'not submitted'}; "
                f"{kind.STATUS} needs it {' or '.join(a or 'not submitted' for a in allowed)}",
                field="period",
            )
        record(self, kind, by, period=period)

    def is_locked(self, period: str) -> bool:
        return self.periods.get(period) == "approved"

    # -- corrections and retractions ----------------------------------------------

    def correct_entry(self, original: Recorded, changes: dict[str, Any], by: Provenance,
                      indicator: Indicator | None = None,
                      latest: ev.EntryCorrected | None = None) -> None:
        """Supersede an entry's values; they obey the rules the entry itself obeyed.

        ``latest`` is the entry's last correction, if it was corrected: its values are the
        entry's current ones, which a correction must change (the pilot keeps only which
        entries were corrected, so whoever loads the entry loads that correction too).
        """
        entry = self._correctable(original, by, "correct")
        if set(changes) & IDENTITY_FIELDS:
            raise RuleViolation("identity-field",
                                "a correction keeps the entry's indicator and period",
                                field="changes", hint="retract the entry and record a new one")
        recorded = payload_of(entry)
        unknown = set(changes) - set(recorded)
        if unknown:
            raise RuleViolation("unknown-field", f"{entry.TYPE} has no field "
                                f"{', '.join(sorted(unknown))}", field="changes")
        kind = type(entry)
        envelope = {**by.envelope(), "originator_id": self.id, "originator_version": 1}
        given = payload_of(validated(kind, {**recorded, **changes, **envelope}, new=True))
        checked = _ENTRY_RULES.get(kind, _no_rules)(
            self, given, indicator, Placing(entry.occurred_on, entry.originator_version))
        replacement = plain(payload_of(validated(kind, {**checked, **envelope})))
        if latest is not None and latest.corrects != entry.originator_version:
            raise ValueError(f"{self.code}@{latest.originator_version} does not correct "
                             f"{self.code}@{entry.originator_version}")
        current = plain(latest.data) if latest is not None else plain(recorded)
        if replacement == current:
            raise RuleViolation("correction-changes-nothing",
                                f"the correction leaves {self.code}@"
                                f"{entry.originator_version} as it is", field="changes",
                                hint="give the values that were wrong with --set")
        if replacement.get("decision", "adopted") != "adopted":
            self._keep_closure_adopted(entry.originator_version)
        record(self, ev.EntryCorrected, by, corrects=entry.originator_version,
               corrected_type=entry.TYPE, data=replacement)

    def retract_entry(self, original: Recorded, by: Provenance) -> None:
        entry = self._correctable(original, by, "retract")
        line = self.money.get(str(entry.originator_version))
        if line is not None and line.flow == "committed":
            check_paid(self, line.source, Decimal(0), entry.originator_version)
        self._keep_closure_adopted(entry.originator_version)
        record(self, ev.EntryRetracted, by, retracts=entry.originator_version,
               retracted_type=entry.TYPE)

    def _keep_closure_adopted(self, version: int) -> None:
        """A pilot closed as taken over keeps an adopted decision: its last one stands."""
        if self.outcome == ClosureOutcome.TAKEN_OVER and self.adopted == {version}:
            raise RuleViolation("closure-needs-adoption",
                                f"{self.code} closed as {ClosureOutcome.TAKEN_OVER}; "
                                f"{self.code}@{version} is its only adopted decision",
                                field="entry", hint="record the decision that was really "
                                "taken before withdrawing this one")

    def _correctable(self, original: Recorded, by: Provenance, verb: str) -> ev.Entry:
        """The entry event itself says its type and period; the pilot knows what became
        of it (retracted or not)."""
        self._require_reason(by, f"to {verb} an entry")
        version = original.originator_version
        ref = f"{self.code}@{version}"
        if (original.originator_id != self.id or not isinstance(original, ev.Entry)
                or version > self.version):
            raise RuleViolation("not-an-entry", f"{ref} is not an entry that can be {verb}ed",
                                field="entry", hint="name a result, target, decision or "
                                "other entry of this pilot")
        if version in self.retracted:
            raise RuleViolation("entry-retracted", f"{ref} was retracted", field="entry")
        self._require_unlocked(original.entry_period())
        return original

    # -- closing ------------------------------------------------------------------

    def close(self, outcome: str, lessons: str, by: Provenance) -> None:
        self._require_open()
        if Stage(self.stage) not in CLOSABLE_STAGES:
            raise RuleViolation("not-closable", f"{self.code} is {self.stage}; a pilot closes "
                                "once evaluated", field=NOUN)
        if str(outcome).strip() == ClosureOutcome.TAKEN_OVER and not self.adopted:
            raise RuleViolation("no-adoption-decision",
                                f"{self.code} has no adopted decision by a public provider; "
                                f"it cannot close as {ClosureOutcome.TAKEN_OVER}",
                                field="outcome", hint="record the provider's decision first "
                                "(log adoption --decision adopted), or choose another outcome")
        record(self, ev.PilotClosed, by, outcome=outcome, lessons=lessons)

    # -- shared checks ------------------------------------------------------------

    def _record_entry(self, kind: type[ev.Entry], by: Provenance, values: Values,
                      indicator: Indicator | None = None) -> None:
        """Record an entry whose values obey its kind's rules (:data:`_ENTRY_RULES`)."""
        checked = _ENTRY_RULES.get(kind, _no_rules)(self, values, indicator,
                                                    Placing(by.occurred_on))
        self._require_open()
        period = checked.get("period")
        self._require_unlocked(canonical(str(period)) if period else _quarter(by))
        record(self, kind, by, **checked)

    def _require_unlocked(self, period: str) -> None:
        if self.is_locked(period):
            raise RuleViolation("period-locked",
                                f"the {period} report of {self.code} is approved and locked",
                                field="period", hint="unlock the period with a reason first")

    def _require_beyond_proposal(self, what: str) -> None:
        if self.stage == Stage.PROPOSED:
            raise RuleViolation("pilot-only-proposed",
                                f"{self.code} is still proposed: {what} comes once it is "
                                "assessed and planned", field=NOUN,
                                hint="advance the pilot's stage first")

    def _require_open(self) -> None:
        if self.stage == Stage.CLOSED:
            raise RuleViolation("pilot-closed", f"{self.code} is closed", field=NOUN)

    _require_reason = staticmethod(require_reason)


def _quarter(by: Provenance) -> str:
    return period_of(by.occurred_on)


def _copy_of(value: object) -> object:
    if isinstance(value, dict | list | set):
        return value.copy()
    return value


# -- the rules of each kind of entry ---------------------------------------------------
#
# One function per kind of entry that has rules beyond its field types: it checks an
# entry's values (as given, or as validated) and returns them, with any value that
# follows from the others filled in. Recording an entry and correcting one both call it,
# so a correction can never make an entry that could not have been recorded.

EntryRules = Callable[[Pilot, Values, Indicator | None, Placing], Values]


def _no_rules(pilot: Pilot, values: Values, indicator: Indicator | None,
              at: Placing) -> Values:
    return values


def _revenue_mix_adds_up(pilot: Pilot, values: Values, indicator: Indicator | None,
                         at: Placing) -> Values:
    mix: Mapping[str, object] = values.get("revenue_mix") or {}
    total = sum((Decimal(str(v)) for v in mix.values()), Decimal(0))
    if mix and total != 100:
        raise RuleViolation("revenue-mix-total",
                            f"revenue mix shares add up to {total}%, not 100%",
                            field="revenue_mix")
    return values


def _adapted_component(pilot: Pilot, values: Values, indicator: Indicator | None,
                       at: Placing) -> Values:
    """The component must be the pilot's; whether it is core follows from it, so an
    adaptation (or its correction) cannot hide or invent a fidelity deviation."""
    component = str(values.get("component"))
    known = pilot.core_components + pilot.adaptable_components
    if component not in known:
        raise RuleViolation("unknown-component", f"{component!r} is not a component of "
                            f"{pilot.code}", field="component",
                            hint=f"choose among {', '.join(known)}")
    core = component in pilot.core_components
    approved_by, approved_on = values.get("approved_by"), values.get("approved_on")
    if (approved_by is None) != (approved_on is None):
        raise RuleViolation("approval-incomplete", "an approval says who approved and when",
                            field="approved_by" if approved_by is None else "approved_on",
                            hint="give both --approved-by and --approved-on")
    if core and pilot.originator_approval_required and approved_by is None:
        raise RuleViolation("originator-approval-required",
                            f"{pilot.code} asks for the originator's approval of a deviation "
                            f"from its core component {component!r}", field="approved_by",
                            hint="give --approved-by and --approved-on")
    return {**values, "core": core}


def _evaluation_design(pilot: Pilot, values: Values, indicator: Indicator | None,
                       at: Placing) -> Values:
    """A quantitative design counts whom it observed; a qualitative one need not."""
    design = values.get("design")
    if design is not None and str(design) != EvaluationDesign.QUALITATIVE and (
            values.get("sample_size") is None):
        article = "an" if str(design)[0] in "aeiou" else "a"
        raise RuleViolation("sample-size-required",
                            f"{article} {design} evaluation states its sample size",
                            field="sample_size", hint="give --sample-size")
    return values


def _target_fits_indicator(pilot: Pilot, values: Values, indicator: Indicator | None,
                           at: Placing) -> Values:
    if indicator is not None:
        check_target(indicator, values)
    return values


def _result_fits_indicator(pilot: Pilot, values: Values, indicator: Indicator | None,
                           at: Placing) -> Values:
    require_pilot_period(pilot, values, "report results")
    if indicator is not None:
        check_result(indicator, pilot, values)
    return values


_ENTRY_RULES: dict[type[ev.Entry], EntryRules] = {
    ev.FundingSecured: lambda p, v, i, at: check_commitment(p, v, at),
    ev.FundingPaid: lambda p, v, i, at: check_payment(p, v, at),
    ev.ExpenditureDeclared: lambda p, v, i, at: check_expenditure(p, v, at),
    ev.BusinessModelRevised: _revenue_mix_adds_up,
    ev.AdaptationMade: _adapted_component,
    ev.EvaluationCompleted: _evaluation_design,
    ev.TargetSet: _target_fits_indicator,
    ev.TargetRevised: _target_fits_indicator,
    ev.ResultReported: _result_fits_indicator,
}
"""The rules of each kind of entry, for recording and for correcting it."""
