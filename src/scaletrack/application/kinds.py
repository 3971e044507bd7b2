"""The catalogue of pilot event kinds a user can log.

One entry per kind: its name (as the CLI and spreadsheets spell it), the
event it records, the fields a user supplies (their types come from the
event class), and the pilot's method that decides whether to record it.
The CLI's ``log`` subcommands and the import templates are generated from
this catalogue, so the two can never disagree.
"""

from __future__ import annotations

import typing
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model

from scaletrack.domain import pilot_events as ev
from scaletrack.domain.envelope import Provenance, describe
from scaletrack.domain.errors import InvalidInput
from scaletrack.domain.indicator import Indicator
from scaletrack.domain.pilot import Pilot
from scaletrack.domain.vocabulary import LEGAL_TRANSITIONS, ClosureOutcome, Stage


def _next_stages() -> str:
    """Which stage may follow which, from the domain's own table."""
    return "; ".join(f"{stage} -> {' | '.join(str(s) for s in Stage if s in nexts)}"
                     for stage, nexts in LEGAL_TRANSITIONS.items() if nexts)


FIELD_CHOICES: dict[str, list[str]] = {
    "to_stage": [str(s) for s in Stage if any(s in nexts for nexts in LEGAL_TRANSITIONS.values())],
    "outcome": [str(o) for o in ClosureOutcome],
}
"""The values a field offers where they are fewer than its type allows (a pilot is never
advanced to proposed, and closing it is its own kind, ``closed``; a closure's outcome is
text in closures stored before its vocabulary)."""


Decide = Callable[[Pilot, dict[str, Any], Provenance, Indicator | None], None]
"""The pilot's own method for a kind, given the checked values (and the indicator)."""

FIELD_HELP: dict[str, str] = {
    "score": "readiness score, 0-100",
    "summary": "one or two sentences",
    "pilot_type": "replication or scale-up",
    "dimensions": "scaling dimension: out, up or deep (repeatable)",
    "mechanism": "dissemination, affiliation or branching",
    "affiliation_form": "licence, franchise, certification, subcontract or memorandum",
    "to_stage": f"the next stage ({_next_stages()})",
    "milestone": "the milestone's short reference, e.g. M3",
    "title": "what the milestone is",
    "due_on": "planned due date, YYYY-MM-DD",
    "new_due_on": "new, later due date, YYYY-MM-DD",
    "revenue_mix": "revenue source and share in percent, SOURCE=PCT (repeatable, totals 100)",
    "cost_per_beneficiary_eur": "cost per beneficiary in EUR",
    "roles": "a role created or changed (repeatable)",
    "fte": "full-time equivalents involved",
    "training": "training given",
    "provider": "the public service provider deciding",
    "level": "national, regional or local",
    "decision": "adopted, rejected, deferred or piloting",
    "instrument": "how it is adopted: contract, regulation, budget line, ...",
    "budget_eur": "budget the provider commits, in EUR (0 or more)",
    "duration_months": "how many months the commitment runs",
    "coverage": "who and where it covers: target groups, territory",
    "esf_funded": "whether an ESF+ programme funds it",
    "organisation": "partner organisation's name",
    "country": "two-letter country code",
    "role": "the partner's role",
    "indicator": "indicator code (see indicator list)",
    "period": "reporting period, YYYY-QN",
    "baseline": "baseline value",
    "target": "target value (numeric indicators)",
    "value": "reported value (numeric indicators)",
    "narrative": "narrative (qualitative indicators)",
    "breakdown": "disaggregation DIMENSION:CATEGORY=VALUE, e.g. sex:women=12 (repeatable)",
    "component": "the innovation component adapted",
    "approved_by": "who approved a core-component deviation for the originator",
    "approved_on": "the day the originator approved it, YYYY-MM-DD",
    "funder": "who funds",
    "amount_eur": "amount in EUR, positive",
    "currency": "must be EUR",
    "funding_source": "easi-2014-2020, esf-technical-assistance, esf-plus-2021-2027 (a national or "
              "regional ESF+ programme), other-public or private",
    "co_financing_rate": "the EU's share of the amount, 0 to 1 (EU sources; other money has "
                         "0)",
    "cost_option": "real-costs, or a simplified cost option: unit-cost, lump-sum, flat-rate",
    "units": "units declared at the unit cost (e.g. participants)",
    "unit_cost_eur": "cost of one unit in EUR (with --cost-option unit-cost)",
    "risk": "the risk's short reference, e.g. R2",
    "description": "what could go wrong",
    "severity": "low, medium or high",
    "method": "evaluation method",
    "findings": "main findings",
    "recommendation": "scale, adapt or stop",
    "design": "experimental, quasi-experimental, before-after or qualitative",
    "independence": "who evaluated: internal, external or independent",
    "sample_size": "how many people or cases it observed (whole number; needed unless "
                   "qualitative)",
    "evidence_level": "standards of evidence level, 1 (a logical case) to 5 (replicated at "
                      "scale)",
    "outcome": f"how the pilot ended: {', '.join(ClosureOutcome)}",
    "lessons": "lessons learned",
}


@dataclass(frozen=True)
class Kind:
    name: str
    event: type[ev.PilotEvent]
    inputs: tuple[str, ...]
    decide: Decide
    summary: str
    example: str
    needs_indicator: bool = False
    needs_reason: bool = False
    defaults: dict[str, Any] = field(default_factory=dict)

    @cached_property
    def input_model(self) -> type[BaseModel]:
        hints = typing.get_type_hints(self.event, include_extras=True)
        fields: dict[str, Any] = {}
        for name in self.inputs:
            annotation = hints[name]
            if name in self.defaults:
                fields[name] = (annotation, self.defaults[name])
            elif _optional(annotation):
                fields[name] = (annotation, _absent(annotation))
            else:
                fields[name] = (annotation, ...)
        model: type[BaseModel] = create_model(
            f"{self.event.__name__}Input", __config__=ConfigDict(extra="forbid"), **fields
        )
        return model

    def required(self, name: str) -> bool:
        return bool(self.input_model.model_fields[name].is_required())

    def validate(self, values: dict[str, Any]) -> dict[str, Any]:
        """The user's values checked against the event's types, or InvalidInput."""
        given = {k: v for k, v in values.items() if v is not None and v != () and v != []}
        try:
            return dict(self.input_model.model_validate(given))
        except ValidationError as error:
            raise InvalidInput(describe(error)) from None


def plain_type(annotation: Any) -> Any:
    """The plain type inside Annotated[...] and X | None (what a field holds)."""
    if typing.get_origin(annotation) is typing.Annotated:
        return plain_type(typing.get_args(annotation)[0])
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    if type(None) in typing.get_args(annotation) and len(args) == 1:
        return plain_type(args[0])
    return annotation


def _optional(annotation: Any) -> bool:
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _optional(typing.get_args(annotation)[0])
    return type(None) in typing.get_args(annotation) or origin in (list, dict)


def _absent(annotation: Any) -> Any:
    """An optional input not given: None where the event allows it, else an empty
    list or map (a result without a breakdown has an empty one, not None)."""
    if typing.get_origin(annotation) is typing.Annotated:
        return _absent(typing.get_args(annotation)[0])
    if type(None) in typing.get_args(annotation):
        return None
    return Field(default_factory=typing.get_origin(annotation))


def _kind(name: str, event: type[ev.PilotEvent], inputs: str, decide: Decide, summary: str,
          example: str, **options: Any) -> Kind:
    return Kind(name, event, tuple(inputs.split()), decide, summary, example, **options)


KINDS: dict[str, Kind] = {k.name: k for k in [
    _kind("readiness", ev.ReadinessAssessed, "score summary",
          lambda p, v, by, i: p.assess_readiness(v["score"], v["summary"], by),
          "record a readiness assessment", "--score 70 --summary 'Partners ready'"),
    _kind("pathway", ev.PathwayChosen, "pilot_type dimensions mechanism affiliation_form",
          lambda p, v, by, i: p.choose_pathway(by, **v),
          "choose the scaling pathway", "--pilot-type scale-up --dimensions up "
          "--mechanism dissemination"),
    _kind("pathway-changed", ev.PathwayChanged, "pilot_type dimensions mechanism "
          "affiliation_form", lambda p, v, by, i: p.change_pathway(by, **v),
          "change the scaling pathway (needs --reason)", "--pilot-type replication "
          "--dimensions out --mechanism affiliation --affiliation-form licence "
          "--reason 'Licensing is cheaper'", needs_reason=True),
    _kind("stage", ev.StageAdvanced, "to_stage",
          lambda p, v, by, i: p.advance_stage(v["to_stage"], by),
          "advance the pilot to its next stage", "--to-stage planned"),
    _kind("milestone-planned", ev.MilestonePlanned, "milestone title due_on",
          lambda p, v, by, i: p.plan_milestone(v["milestone"], v["title"], v["due_on"], by),
          "plan a milestone", "--milestone M1 --title 'First site open' --due-on 2022-03-31"),
    _kind("milestone-achieved", ev.MilestoneAchieved, "milestone",
          lambda p, v, by, i: p.achieve_milestone(v["milestone"], by),
          "mark a milestone achieved (on --occurred-on)", "--milestone M1"),
    _kind("milestone-slipped", ev.MilestoneSlipped, "milestone new_due_on",
          lambda p, v, by, i: p.slip_milestone(v["milestone"], v["new_due_on"], by),
          "move a milestone's due date later", "--milestone M1 --new-due-on 2022-06-30"),
    _kind("milestone-dropped", ev.MilestoneDropped, "milestone",
          lambda p, v, by, i: p.drop_milestone(v["milestone"], by),
          "drop a milestone (needs --reason)", "--milestone M1 --reason 'Out of scope'",
          needs_reason=True),
    _kind("business-model", ev.BusinessModelRevised,
          "revenue_mix cost_per_beneficiary_eur summary",
          lambda p, v, by, i: p.revise_business_model(by, **v),
          "revise the business model", "--revenue-mix grants=60 --revenue-mix fees=40 "
          "--cost-per-beneficiary-eur 420 --summary 'Fees from municipalities'"),
    _kind("hr-change", ev.HRProcessChanged, "roles fte training summary",
          lambda p, v, by, i: p.change_hr_process(by, **v),
          "record an HR process change", "--roles coach --fte 2.5 --training '3-day course' "
          "--summary 'Coaches hired'"),
    _kind("adoption", ev.AdoptionDecided, "provider level decision instrument budget_eur "
          "duration_months coverage esf_funded",
          lambda p, v, by, i: p.decide_adoption(by, **v),
          "record a public service provider's adoption decision (a rejection or deferral "
          "needs --reason)",
          "--provider 'City of Patras' --level local --decision adopted "
          "--instrument 'Service contract' --budget-eur 240000 --duration-months 36 "
          "--coverage 'Long-term unemployed, Patras'"),
    _kind("partner-joined", ev.PartnerJoined, "organisation country role",
          lambda p, v, by, i: p.join_partner(v["organisation"], v["country"], v["role"], by),
          "a partner joins the pilot", "--organisation 'Social Hub' --country GR "
          "--role 'local implementer'"),
    _kind("partner-left", ev.PartnerLeft, "organisation",
          lambda p, v, by, i: p.leave_partner(v["organisation"], by),
          "a partner leaves the pilot", "--organisation 'Social Hub'"),
    _kind("target", ev.TargetSet, "indicator period baseline target narrative",
          lambda p, v, by, i: p.set_target(_required(i), by, **_without(v, "indicator")),
          "set the baseline and target of an indicator for a period",
          "--indicator EECO01 --period 2022-Q4 --baseline 0 --target 120",
          needs_indicator=True),
    _kind("target-revised", ev.TargetRevised, "indicator period baseline target narrative",
          lambda p, v, by, i: p.revise_target(_required(i), by, **_without(v, "indicator")),
          "revise a target (needs --reason)", "--indicator EECO01 --period 2022-Q4 --target 100 "
          "--reason 'Budget cut'", needs_indicator=True, needs_reason=True),
    _kind("result", ev.ResultReported, "indicator period value narrative breakdown",
          lambda p, v, by, i: p.report_result(_required(i), by, **_without(v, "indicator")),
          "report a result against an indicator for a period",
          "--indicator EECO01 --period 2022-Q4 --value 10 --breakdown sex:women=6 "
          "--breakdown sex:men=4", needs_indicator=True),
    _kind("adaptation", ev.AdaptationMade, "component summary approved_by approved_on",
          lambda p, v, by, i: p.make_adaptation(v["component"], v["summary"], by,
                                                approved_by=v.get("approved_by"),
                                                approved_on=v.get("approved_on")),
          "record an adaptation of a component (a core one is a fidelity deviation: it needs "
          "--reason, and the originator's approval where the pilot asks for it)",
          "--component 'Training format' --summary 'Online sessions'"),
    _kind("funding", ev.FundingSecured, "funder amount_eur currency funding_source "
          "co_financing_rate",
          lambda p, v, by, i: p.secure_funding(v["funder"], v["amount_eur"], v["currency"],
                                               by, v["funding_source"],
                                               v["co_financing_rate"]),
          "record funding committed (secured) from a source, in EUR",
          "--funder 'European Commission, EaSI' --amount-eur 150000 "
          "--funding-source easi-2014-2020 --co-financing-rate 1", defaults={"currency": "EUR"}),
    _kind("funding-paid", ev.FundingPaid, "funder funding_source amount_eur currency",
          lambda p, v, by, i: p.pay_funding(by, **v),
          "record money paid from a source (never more than committed from it)",
          "--funder 'European Commission, EaSI' --funding-source easi-2014-2020 "
          "--amount-eur 60000",
          defaults={"currency": "EUR"}),
    _kind("expenditure", ev.ExpenditureDeclared, "period amount_eur currency cost_option "
          "units unit_cost_eur", lambda p, v, by, i: p.declare_expenditure(by, **v),
          "declare a period's eligible expenditure (one declaration per period)",
          "--period 2022-Q2 --amount-eur 42000", defaults={"currency": "EUR",
                                                          "cost_option": "real-costs"}),
    _kind("risk-raised", ev.RiskRaised, "risk description severity",
          lambda p, v, by, i: p.raise_risk(v["risk"], v["description"], v["severity"], by),
          "raise a risk", "--risk R1 --description 'Staff turnover' --severity high"),
    _kind("risk-closed", ev.RiskClosed, "risk",
          lambda p, v, by, i: p.close_risk(v["risk"], by), "close a risk", "--risk R1"),
    _kind("evaluation", ev.EvaluationCompleted, "method findings recommendation design "
          "independence sample_size evidence_level",
          lambda p, v, by, i: p.complete_evaluation(by, **v),
          "record a completed evaluation", "--method 'Mixed methods' --findings 'Works' "
          "--recommendation scale --design quasi-experimental --independence external "
          "--sample-size 240 --evidence-level 3"),
    _kind("period-submitted", ev.PeriodReportSubmitted, "period",
          lambda p, v, by, i: p.submit_period_report(v["period"], by),
          "submit a period's report", "--period 2022-Q2"),
    _kind("period-approved", ev.PeriodReportApproved, "period",
          lambda p, v, by, i: p.approve_period_report(v["period"], by),
          "approve a period's report (locks the period)", "--period 2022-Q2"),
    _kind("period-rejected", ev.PeriodReportRejected, "period",
          lambda p, v, by, i: p.reject_period_report(v["period"], by),
          "reject a period's report (needs --reason)", "--period 2022-Q2 --reason 'Gaps'",
          needs_reason=True),
    _kind("period-unlocked", ev.PeriodUnlocked, "period",
          lambda p, v, by, i: p.unlock_period(v["period"], by),
          "unlock an approved period (needs --reason)", "--period 2022-Q2 "
          "--reason 'Late invoices'", needs_reason=True),
    _kind("closed", ev.PilotClosed, "outcome lessons",
          lambda p, v, by, i: p.close(v["outcome"], v["lessons"], by),
          "close the pilot (taken-over-by-public-provider needs an adopted decision)",
          "--outcome continued-by-promoter --lessons 'Start with HR'"),
]}
"""Every kind a user can log, by name."""

KIND_OF_TYPE: dict[str, Kind] = {k.event.TYPE: k for k in KINDS.values()}


def _required(indicator: Indicator | None) -> Indicator:
    assert indicator is not None, "the handler loads the indicator for kinds that need one"
    return indicator


def _without(values: dict[str, Any], key: str) -> dict[str, Any]:
    return {k: v for k, v in values.items() if k != key}
