"""The events of a pilot. Each ``apply`` only assigns: no clock, no checks.

Kept apart from :mod:`scaletrack.domain.pilot`, whose command methods decide
which of these to record.

Schema versions (``class_version``, stored with an event when above 1): every
pilot, consortium and indicator event type is at version 1, except

- ``pilot.funding-secured`` 3: states its ``funding_source`` and ``co_financing_rate``
  (None in older events: not stated); version 2 stated its ``currency``
  ("EUR"), version 1 had none, its amounts being euros by definition.
- ``indicator.defined`` and ``indicator.revised`` 2: say whether the indicator
  is an ESF+ common indicator (``esf_common``); version 1 had no such mark.

An event stored in an older version is upcast when it is read
(``upcast_vN_vM`` on the event class), so readers only ever see the current one.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from eventsourcing.domain import Aggregate

from scaletrack.domain.envelope import Recorded
from scaletrack.domain.pilot_state import (
    MONEY_TYPES,
    Milestone,
    MoneyLine,
    ReportStatus,
    target_key,
)
from scaletrack.domain.vocabulary import (
    AdoptionDecision,
    AdoptionLevel,
    AffiliationForm,
    ClosedAs,
    Code,
    Committed,
    CostOption,
    CountryCode,
    Euros,
    EvaluationDesign,
    EvaluationIndependence,
    EvidenceLevel,
    FundingSource,
    Mechanism,
    Months,
    NonNegative,
    Period,
    PilotType,
    Rate,
    Recommendation,
    Ref,
    SampleSize,
    ScalingDimension,
    Score,
    Severity,
    Share,
    Stage,
    Text,
    period_of,
)

if TYPE_CHECKING:
    from scaletrack.domain.pilot import Pilot


class PilotEvent(Recorded):
    """Base of every pilot event."""


class Entry(PilotEvent):
    """A record that can later be corrected or retracted (never edited).

    Its reporting period is its ``period`` field when it has one, else the
    quarter it occurred in; entries for a locked period are refused.
    """

    def entry_period(self) -> str:
        period: str | None = getattr(self, "period", None)
        return period or period_of(self.occurred_on)

    def apply(self, pilot: Pilot) -> None:
        pilot.entry_count += 1


class Registered(PilotEvent, Aggregate.Created):
    TYPE = "pilot.registered"
    code: Code
    consortium: Code
    title: Text
    innovation: Text
    origin_country: CountryCode
    target_countries: list[CountryCode]
    core_components: list[Text]
    adaptable_components: list[Text]
    starts_on: date
    ends_on: date
    originator_approval_required: bool = False
    """Whether a deviation from a core component needs the originator's approval."""

    def apply(self, pilot: Pilot) -> None:
        pilot.originator_approval_required = self.originator_approval_required
        pilot.code = self.code
        pilot.consortium = self.consortium
        pilot.title = self.title
        pilot.innovation = self.innovation
        pilot.origin_country = self.origin_country
        pilot.target_countries = list(self.target_countries)
        pilot.core_components = list(self.core_components)
        pilot.adaptable_components = list(self.adaptable_components)
        pilot.starts_on = self.starts_on
        pilot.ends_on = self.ends_on


class Amended(PilotEvent):
    """What the registration says, as amended (a typo, an extension, a new target country):
    every amendable field with its value from now on. Code, consortium, origin and start stay."""

    TYPE = "pilot.amended"
    title: Text
    innovation: Text
    target_countries: list[CountryCode]
    core_components: list[Text]
    adaptable_components: list[Text]
    ends_on: date

    def apply(self, pilot: Pilot) -> None:
        pilot.title = self.title
        pilot.innovation = self.innovation
        pilot.target_countries = list(self.target_countries)
        pilot.core_components = list(self.core_components)
        pilot.adaptable_components = list(self.adaptable_components)
        pilot.ends_on = self.ends_on


class ReadinessAssessed(Entry):
    TYPE = "pilot.readiness-assessed"
    score: Score
    summary: Text

    def apply(self, pilot: Pilot) -> None:
        super().apply(pilot)
        pilot.readiness_score = self.score


class Pathway(PilotEvent):
    """Pilot type, scaling dimensions and mechanism."""

    pilot_type: PilotType
    dimensions: list[ScalingDimension]
    mechanism: Mechanism
    affiliation_form: AffiliationForm | None

    def apply(self, pilot: Pilot) -> None:
        pilot.pilot_type = str(self.pilot_type)
        pilot.dimensions = [str(d) for d in self.dimensions]
        pilot.mechanism = str(self.mechanism)
        pilot.affiliation_form = str(self.affiliation_form) if self.affiliation_form else None


class PathwayChosen(Pathway):
    TYPE = "pilot.pathway-chosen"


class PathwayChanged(Pathway):
    TYPE = "pilot.pathway-changed"


class StageAdvanced(PilotEvent):
    TYPE = "pilot.stage-advanced"
    from_stage: Stage
    to_stage: Stage

    def apply(self, pilot: Pilot) -> None:
        pilot.stage = str(self.to_stage)


class MilestonePlanned(PilotEvent):
    TYPE = "pilot.milestone-planned"
    milestone: Ref
    title: Text
    due_on: date

    def apply(self, pilot: Pilot) -> None:
        pilot.milestones[self.milestone] = Milestone(self.title, self.due_on,
                                                     planned_on=self.occurred_on)


class MilestoneAchieved(PilotEvent):
    TYPE = "pilot.milestone-achieved"
    milestone: Ref

    def apply(self, pilot: Pilot) -> None:
        pilot.milestones[self.milestone] = pilot.milestones[self.milestone].with_status(
            "achieved")


class MilestoneSlipped(PilotEvent):
    TYPE = "pilot.milestone-slipped"
    milestone: Ref
    previous_due_on: date
    new_due_on: date

    def apply(self, pilot: Pilot) -> None:
        pilot.milestones[self.milestone] = pilot.milestones[self.milestone].slipped_to(
            self.new_due_on)


class MilestoneDropped(PilotEvent):
    TYPE = "pilot.milestone-dropped"
    milestone: Ref

    def apply(self, pilot: Pilot) -> None:
        pilot.milestones[self.milestone] = pilot.milestones[self.milestone].with_status(
            "dropped")


class BusinessModelRevised(Entry):
    TYPE = "pilot.business-model-revised"
    revenue_mix: dict[str, Share]
    cost_per_beneficiary_eur: Euros
    summary: Text


class HRProcessChanged(Entry):
    TYPE = "pilot.hr-process-changed"
    roles: list[Text]
    fte: NonNegative
    training: Text
    summary: Text


class AdoptionDecided(Entry):
    TYPE = "pilot.adoption-decided"
    provider: Text
    level: AdoptionLevel
    decision: AdoptionDecision
    instrument: Text
    budget_eur: Committed | None = None
    """The budget the provider commits, in EUR."""
    duration_months: Months | None = None
    coverage: Text | None = None
    """Who and where the decision covers (target groups, territory)."""
    esf_funded: bool | None = None
    """Whether an ESF+ programme funds what is adopted."""

    def apply(self, pilot: Pilot) -> None:
        super().apply(pilot)
        if self.decision == "adopted":
            pilot.adopted.add(self.originator_version)


class PartnerJoined(PilotEvent):
    TYPE = "pilot.partner-joined"
    organisation: Text
    country: CountryCode
    role: Text

    def apply(self, pilot: Pilot) -> None:
        pilot.partners[self.organisation] = self.country


class PartnerLeft(PilotEvent):
    TYPE = "pilot.partner-left"
    organisation: Text

    def apply(self, pilot: Pilot) -> None:
        del pilot.partners[self.organisation]


class Target(Entry):
    """Baseline and target of one indicator for one reporting period."""

    indicator: Code
    indicator_version: int
    period: Period
    baseline: Decimal | None
    target: Decimal | None
    narrative: str | None

class TargetSet(Target):
    TYPE = "pilot.target-set"

    def apply(self, pilot: Pilot) -> None:
        super().apply(pilot)
        pilot.targets[target_key(self.indicator, self.period)] = self.originator_version


class TargetRevised(Target):
    TYPE = "pilot.target-revised"


class ResultReported(Entry):
    TYPE = "pilot.result-reported"
    indicator: Code
    indicator_version: int
    period: Period
    value: Decimal | None
    narrative: str | None
    breakdown: dict[str, dict[str, Decimal]]

    def apply(self, pilot: Pilot) -> None:
        super().apply(pilot)
        pilot.results[target_key(self.indicator, self.period)] = self.originator_version


class AdaptationMade(Entry):
    TYPE = "pilot.adaptation-made"
    component: Text
    core: bool
    summary: Text
    approved_by: Text | None = None
    """Who approved the deviation for the innovation's originator."""
    approved_on: date | None = None


class FundingSecured(Entry):
    """Funding committed by one funder, from one source. Schema version 3 (see the module
    docstring)."""

    TYPE = "pilot.funding-secured"
    class_version = 3
    funder: Text
    amount_eur: Euros
    currency: Literal["EUR"]
    funding_source: FundingSource | None
    co_financing_rate: Rate | None
    """The share of the amount that is EU money (0 for other public and private money)."""

    @staticmethod
    def upcast_v1_v2(state: dict[str, Any]) -> None:
        """Version 1 amounts were euros without saying so."""
        state.setdefault("currency", "EUR")

    @staticmethod
    def upcast_v2_v3(state: dict[str, Any]) -> None:
        """Version 2 did not say where the money came from."""
        state.setdefault("funding_source", None)
        state.setdefault("co_financing_rate", None)

    def apply(self, pilot: Pilot) -> None:
        super().apply(pilot)
        if self.funding_source is not None:
            pilot.money[str(self.originator_version)] = MoneyLine(
                "committed", str(self.funding_source), self.amount_eur)


class FundingPaid(Entry):
    """Money paid out of a commitment from one source (a pre-financing or an interim or
    final payment)."""

    TYPE = "pilot.funding-paid"
    funder: Text
    funding_source: FundingSource
    amount_eur: Euros
    currency: Literal["EUR"]

    def apply(self, pilot: Pilot) -> None:
        super().apply(pilot)
        pilot.money[str(self.originator_version)] = MoneyLine("paid", str(self.funding_source),
                                                         self.amount_eur)


class ExpenditureDeclared(Entry):
    """The eligible expenditure a pilot declares for one reporting period, at real costs or
    by a simplified cost option (a unit cost gives the units and the cost of one)."""

    TYPE = "pilot.expenditure-declared"
    period: Period
    amount_eur: Euros
    currency: Literal["EUR"]
    cost_option: CostOption
    units: NonNegative | None
    unit_cost_eur: Euros | None

    def apply(self, pilot: Pilot) -> None:
        super().apply(pilot)
        pilot.expenditure[self.period] = self.originator_version


class RiskRaised(PilotEvent):
    TYPE = "pilot.risk-raised"
    risk: Ref
    description: Text
    severity: Severity

    def apply(self, pilot: Pilot) -> None:
        pilot.risks[self.risk] = "open"


class RiskClosed(PilotEvent):
    TYPE = "pilot.risk-closed"
    risk: Ref

    def apply(self, pilot: Pilot) -> None:
        pilot.risks[self.risk] = "closed"


class EvaluationCompleted(Entry):
    TYPE = "pilot.evaluation-completed"
    method: Text
    findings: Text
    recommendation: Recommendation
    design: EvaluationDesign | None = None
    independence: EvaluationIndependence | None = None
    sample_size: SampleSize | None = None
    """How many people (or cases) the evaluation observed."""
    evidence_level: EvidenceLevel | None = None

    def apply(self, pilot: Pilot) -> None:
        super().apply(pilot)
        pilot.evaluations += 1


class PeriodEvent(PilotEvent):
    period: Period
    STATUS: ClassVar[ReportStatus]

    def apply(self, pilot: Pilot) -> None:
        pilot.periods[self.period] = self.STATUS


class PeriodReportSubmitted(PeriodEvent):
    TYPE = "pilot.period-report-submitted"
    STATUS = "submitted"

    def apply(self, pilot: Pilot) -> None:
        super().apply(pilot)
        pilot.submitted_on[self.period] = self.occurred_on


class PeriodReportApproved(PeriodEvent):
    TYPE = "pilot.period-report-approved"
    STATUS = "approved"


class PeriodReportRejected(PeriodEvent):
    TYPE = "pilot.period-report-rejected"
    STATUS = "rejected"


class PeriodUnlocked(PeriodEvent):
    TYPE = "pilot.period-unlocked"
    STATUS = "unlocked"


class EntryCorrected(PilotEvent):
    """Supersedes an entry's payload with ``data``; the entry itself stays."""

    TYPE = "pilot.entry-corrected"
    corrects: int
    corrected_type: str
    data: dict[str, Any]

    def apply(self, pilot: Pilot) -> None:
        pilot.corrected.add(self.corrects)
        if self.corrected_type in MONEY_TYPES:
            line = MoneyLine.of(self.corrected_type, self.data)
            if line is None:
                pilot.money.pop(str(self.corrects), None)
            else:
                pilot.money[str(self.corrects)] = line
        if self.corrected_type == AdoptionDecided.TYPE:
            if self.data.get("decision") == "adopted":
                pilot.adopted.add(self.corrects)
            else:
                pilot.adopted.discard(self.corrects)


class EntryRetracted(PilotEvent):
    """Withdraws an entry; it stays in the log, marked withdrawn."""

    TYPE = "pilot.entry-retracted"
    retracts: int
    retracted_type: str

    def apply(self, pilot: Pilot) -> None:
        pilot.retracted.add(self.retracts)
        pilot.money.pop(str(self.retracts), None)
        pilot.adopted.discard(self.retracts)
        # its period takes a new target, result or expenditure again
        taken = {TargetSet.TYPE: pilot.targets, ResultReported.TYPE: pilot.results,
                 ExpenditureDeclared.TYPE: pilot.expenditure}.get(self.retracted_type, {})
        for key in [k for k, v in taken.items() if v == self.retracts]:
            del taken[key]


class PilotClosed(PilotEvent):
    TYPE = "pilot.closed"
    outcome: ClosedAs
    lessons: Text

    def apply(self, pilot: Pilot) -> None:
        pilot.stage = "closed"
        pilot.outcome = self.outcome
