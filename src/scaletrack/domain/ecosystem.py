"""A competence centre's own work, per member country of a consortium: its ecosystem map,
its strategy and action plan, and its activities (capacity building, networking and
advocacy, transnational exchange).

The events belong to the consortium's stream (a centre is a consortium's, per
country), so they time-travel, export and verify with it. Each event only
assigns; :class:`~scaletrack.domain.consortium.Consortium`'s commands check the
rules first (see :class:`CentreWork`'s ``require_*``).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

from pydantic import Field

from scaletrack.domain.envelope import Recorded
from scaletrack.domain.errors import RuleViolation
from scaletrack.domain.vocabulary import Code, CountryCode, Ref, Text

if TYPE_CHECKING:
    from scaletrack.domain.consortium import Consortium


class RelationshipKind(StrEnum):
    FUNDS = "funds"
    SUPPORTS = "supports"
    ADOPTS = "adopts"
    PARTNERS_WITH = "partners-with"


class ActionStatus(StrEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in-progress"
    DONE = "done"
    DROPPED = "dropped"


FINISHED = frozenset({ActionStatus.DONE, ActionStatus.DROPPED})


class Audience(StrEnum):
    MANAGING_AUTHORITIES = "managing-authorities"
    INTERMEDIARIES = "intermediaries"
    PRACTITIONERS = "practitioners"


class GatheringKind(StrEnum):
    NETWORKING = "networking"
    ADVOCACY = "advocacy"


class ExchangeKind(StrEnum):
    PEER_LEARNING = "peer-learning"
    MENTORING = "mentoring"


class ExchangeRole(StrEnum):
    PEER = "peer"
    MENTOR = "mentor"
    MENTEE = "mentee"


Participants = Annotated[int, Field(ge=1, le=1_000_000)]


# -- state: what the rules and the views need ---------------------------------------------


@dataclass(frozen=True)
class Stakeholder:
    organisation: str
    role: str
    expertise: tuple[str, ...]
    needs: tuple[str, ...]
    mapped_on: date


@dataclass(frozen=True)
class Relationship:
    ref: str
    source: str
    relation: str
    target: str
    valid_from: date
    valid_until: date | None

    def holds_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_until is None or day <= self.valid_until)


@dataclass(frozen=True)
class Action:
    ref: str
    title: str
    owner: str
    due_on: date
    status: str
    since: date
    """The day it took its current status."""
    planned_on: date


@dataclass(frozen=True)
class Activity:
    """A capacity-building activity, a networking or advocacy event, or an exchange."""

    ref: str
    family: str
    """capacity-building, networking (the gatherings) or exchange."""
    title: str
    held_on: date
    kind: str
    """The audience, the gathering's kind, or the exchange's kind."""
    organisations: tuple[str, ...] = ()
    participants: int | None = None
    peer: str | None = None
    """CONSORTIUM/CC of the other centre of an exchange."""
    role: str | None = None


@dataclass
class CentreWork:
    """One country's map, plan and activities."""

    stakeholders: dict[str, Stakeholder] = field(default_factory=dict)
    relationships: dict[str, Relationship] = field(default_factory=dict)
    actions: dict[str, Action] = field(default_factory=dict)
    activities: dict[str, Activity] = field(default_factory=dict)

    def holding_on(self, day: date) -> list[Relationship]:
        """The relationships of the map on a day: begun and not ended. One that ended
        stays recorded (its history) but is no current relationship."""
        return [r for r in self.relationships.values() if r.holds_on(day)]

    def require_stakeholder(self, organisation: str, country: str) -> Stakeholder:
        found = self.stakeholders.get(organisation)
        if found is None:
            raise RuleViolation("not-on-the-map",
                                f"{organisation} is not on the ecosystem map of {country}",
                                field="organisation",
                                hint="map it first: scaletrack centre map-stakeholder")
        return found

    def require_action(self, ref: str, country: str) -> Action:
        found = self.actions.get(ref)
        if found is None:
            raise RuleViolation("unknown-action", f"the action plan of {country} has no "
                                f"action {ref}", field="action",
                                hint="see scaletrack centre plan")
        return found

    def require_new_activity(self, ref: str, country: str) -> None:
        if ref in self.activities:
            raise RuleViolation("activity-exists", f"{country} already recorded activity "
                                f"{ref}", field="activity", hint="give it a new reference")


# -- events ------------------------------------------------------------------------------


class CentreEvent(Recorded):
    """An event of one member country's centre, in the consortium's stream."""

    country: CountryCode

    def work(self, consortium: Consortium) -> CentreWork:
        return consortium.centre_work.setdefault(self.country, CentreWork())


class StakeholderMapped(CentreEvent):
    TYPE = "consortium.stakeholder-mapped"
    organisation: Code
    role: Text
    expertise: list[Text]
    needs: list[Text]

    def apply(self, consortium: Consortium) -> None:
        self.work(consortium).stakeholders[self.organisation] = Stakeholder(
            self.organisation, self.role, tuple(self.expertise), tuple(self.needs),
            self.occurred_on)


class StakeholderRevised(CentreEvent):
    """What the map says of a stakeholder now: its role, expertise and needs replaced."""

    TYPE = "consortium.stakeholder-revised"
    organisation: Code
    role: Text
    expertise: list[Text]
    needs: list[Text]

    def apply(self, consortium: Consortium) -> None:
        stakeholders = self.work(consortium).stakeholders
        stakeholders[self.organisation] = replace(
            stakeholders[self.organisation], role=self.role, expertise=tuple(self.expertise),
            needs=tuple(self.needs))


class RelationshipRecorded(CentreEvent):
    TYPE = "consortium.relationship-recorded"
    relationship: Ref
    source_organisation: Code
    relation: RelationshipKind
    target_organisation: Code
    valid_from: date
    valid_until: date | None

    def apply(self, consortium: Consortium) -> None:
        self.work(consortium).relationships[self.relationship] = Relationship(
            self.relationship, self.source_organisation, str(self.relation),
            self.target_organisation, self.valid_from, self.valid_until)


class RelationshipEnded(CentreEvent):
    """The relationship held until the day this happened."""

    TYPE = "consortium.relationship-ended"
    relationship: Ref

    def apply(self, consortium: Consortium) -> None:
        relationships = self.work(consortium).relationships
        relationships[self.relationship] = replace(relationships[self.relationship],
                                                   valid_until=self.occurred_on)


class ActionPlanned(CentreEvent):
    TYPE = "consortium.action-planned"
    action: Ref
    title: Text
    owner: Code
    due_on: date

    def apply(self, consortium: Consortium) -> None:
        self.work(consortium).actions[self.action] = Action(
            self.action, self.title, self.owner, self.due_on, str(ActionStatus.PLANNED),
            self.occurred_on, self.occurred_on)


class ActionStatusChanged(CentreEvent):
    TYPE = "consortium.action-status-changed"
    action: Ref
    status: ActionStatus

    def apply(self, consortium: Consortium) -> None:
        actions = self.work(consortium).actions
        actions[self.action] = replace(actions[self.action], status=str(self.status),
                                       since=self.occurred_on)


class CapacityBuildingHeld(CentreEvent):
    TYPE = "consortium.capacity-building-held"
    activity: Ref
    title: Text
    audience: Audience
    participants: Participants
    organisations: list[Code]

    def apply(self, consortium: Consortium) -> None:
        self.work(consortium).activities[self.activity] = Activity(
            self.activity, "capacity-building", self.title, self.occurred_on,
            str(self.audience), tuple(self.organisations), self.participants)


class GatheringHeld(CentreEvent):
    """A networking or advocacy event the centre held."""

    TYPE = "consortium.gathering-held"
    activity: Ref
    title: Text
    purpose: GatheringKind
    organisations: list[Code]

    def apply(self, consortium: Consortium) -> None:
        self.work(consortium).activities[self.activity] = Activity(
            self.activity, "networking", self.title, self.occurred_on, str(self.purpose),
            tuple(self.organisations))


class ExchangeHeld(CentreEvent):
    """Transnational exchange with the centre of another country: peer learning, or a
    mentor-mentee pair (``role`` is this centre's)."""

    TYPE = "consortium.exchange-held"
    activity: Ref
    title: Text
    form: ExchangeKind
    peer_consortium: Code
    peer_country: CountryCode
    role: ExchangeRole

    def apply(self, consortium: Consortium) -> None:
        self.work(consortium).activities[self.activity] = Activity(
            self.activity, "exchange", self.title, self.occurred_on, str(self.form),
            peer=f"{self.peer_consortium}/{self.peer_country}", role=str(self.role))
