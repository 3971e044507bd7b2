"""A consortium: a transnational project with member countries and partners."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import date
from uuid import UUID

from eventsourcing.domain import Aggregate

from scaletrack.domain import ecosystem as eco
from scaletrack.domain.envelope import (
    Provenance,
    Recorded,
    aggregate_id,
    record,
    require_reason,
    start,
)
from scaletrack.domain.errors import InvalidInput, RuleViolation
from scaletrack.domain.vocabulary import (
    EU_COUNTRY_ALIASES,
    Code,
    CountryCode,
    Text,
    checked_country,
)


class Consortium(Aggregate):
    """Member countries, partner organisations (one lead) and competence centres."""

    class Event(Recorded):
        pass

    class Registered(Event, Aggregate.Created):
        TYPE = "consortium.registered"
        code: Code
        name: Text
        lead: Text
        countries: list[CountryCode]

        def apply(self, consortium: Consortium) -> None:
            consortium.code = self.code
            consortium.name = self.name
            consortium.lead = self.lead
            consortium.countries = list(self.countries)
            consortium.registered_on = self.occurred_on

    class CountryJoined(Event):
        TYPE = "consortium.country-joined"
        country: CountryCode

        def apply(self, consortium: Consortium) -> None:
            consortium.countries.append(self.country)

    class CountryRemoved(Event):
        """A member country leaves (or was registered by mistake)."""

        TYPE = "consortium.country-removed"
        country: CountryCode

        def apply(self, consortium: Consortium) -> None:
            consortium.countries = [c for c in consortium.countries
                                    if EU_COUNTRY_ALIASES.get(c, c) != self.country]

    class Amended(Event):
        """The consortium's name and lead, as amended (its code and countries stay)."""

        TYPE = "consortium.amended"
        name: Text
        lead: Text

        def apply(self, consortium: Consortium) -> None:
            consortium.name = self.name
            consortium.lead = self.lead

    class PartnerAdded(Event):
        TYPE = "consortium.partner-added"
        organisation: Text
        country: CountryCode
        role: Text

        def apply(self, consortium: Consortium) -> None:
            consortium.partners.append(
                {"organisation": self.organisation, "country": self.country, "role": self.role}
            )

    class CentreEstablished(Event):
        TYPE = "consortium.centre-established"
        country: CountryCode
        name: Text

        def apply(self, consortium: Consortium) -> None:
            consortium.centres[self.country] = self.name

    def __init__(self) -> None:
        self.code: str
        self.name: str
        self.lead: str
        self.countries: list[str]
        self.registered_on: date
        self.partners: list[dict[str, str]] = []
        self.centres: dict[str, str] = {}
        self.centre_work: dict[str, eco.CentreWork] = {}

    @staticmethod
    def id_for(code: str) -> UUID:
        return aggregate_id("consortium", code)

    @classmethod
    def register(
        cls, code: str, name: str, lead: str, countries: list[str], by: Provenance
    ) -> Consortium:
        if len({_country(c, "countries") for c in countries}) != len(countries):
            raise RuleViolation("duplicate-country", "a country is listed twice",
                                field="countries")
        return start(cls, cls.Registered, cls.id_for(code), by,
                     code=code, name=name, lead=lead, countries=countries)

    def add_country(self, country: str, by: Provenance) -> None:
        self._require_registered(by)
        if _country(country) in self.member_countries:
            raise RuleViolation("duplicate-country",
                                f"{country} is already a member of {self.code}", field="country")
        record(self, self.CountryJoined, by, country=country)

    def remove_country(self, country: str, by: Provenance,
                       pilots: Mapping[str, Collection[str]]) -> None:
        """Remove a member country that nothing of the consortium is in: not the target
        country of one of its ``pilots`` (code -> target countries), nor a partner's or a
        competence centre's country."""
        self._require_registered(by)
        require_reason(by, "removing a country")
        code = _country(country)
        self._require_member(code)
        if self.member_countries == {code}:
            raise RuleViolation("last-country", f"{code} is the only member country of "
                                f"{self.code}", field="country",
                                hint="add the country that replaces it first")
        uses = [f"pilot {pilot}" for pilot, targets in sorted(pilots.items())
                if code in {_country(c) for c in targets}]
        uses += [f"partner {p['organisation']}" for p in self.partners
                 if EU_COUNTRY_ALIASES.get(p["country"], p["country"]) == code]
        uses += [f"competence centre {name}" for where, name in self.centres.items()
                 if EU_COUNTRY_ALIASES.get(where, where) == code]
        if uses:
            raise RuleViolation("country-in-use", f"{code} cannot leave {self.code}: it is the "
                                f"country of {'; '.join(uses)}", field="country",
                                hint="amend the pilots' target countries first; a partner's "
                                "or a centre's country keeps it a member")
        record(self, self.CountryRemoved, by, country=code)

    def amend(self, by: Provenance, name: str | None = None, lead: str | None = None) -> None:
        """Amend the consortium's name or lead; one given as None keeps its value."""
        self._require_registered(by)
        require_reason(by, "an amendment of the consortium")
        current = {"name": self.name, "lead": self.lead}
        given = {k: v for k, v in {"name": name, "lead": lead}.items() if v is not None}
        if not given:
            raise InvalidInput(f"the amendment of {self.code} names nothing to change",
                               field="changes", hint="give the name or the lead")
        amended = {k: str(v).strip() for k, v in {**current, **given}.items()}
        if amended == current:
            raise RuleViolation("amendment-changes-nothing",
                                f"the amendment leaves {self.code} as it is", field="changes",
                                hint="give the values that change")
        record(self, self.Amended, by, **amended)

    def add_partner(self, organisation: str, country: str, role: str, by: Provenance) -> None:
        self._require_registered(by)
        self._require_member(country)
        if any(p["organisation"] == organisation for p in self.partners):
            raise RuleViolation("duplicate-partner", f"{organisation} is already a partner",
                                field="organisation")
        record(self, self.PartnerAdded, by, organisation=organisation, country=country, role=role)

    def establish_centre(self, country: str, name: str, by: Provenance) -> None:
        self._require_registered(by)
        self._require_member(country)
        if _country(country) in self.centres:
            raise RuleViolation(
                "centre-exists", f"{self.code} already has a competence centre in {country}",
                field="country",
            )
        record(self, self.CentreEstablished, by, country=country, name=name)

    # -- a centre's own work (scaletrack.domain.ecosystem) -----------------------------

    def work_in(self, country: str) -> eco.CentreWork:
        """A member country's map, plan and activities (empty before anything is recorded)."""
        return self.centre_work.get(_country(country), eco.CentreWork())

    def map_stakeholder(self, country: str, organisation: str, role: str,
                        expertise: list[str], needs: list[str], by: Provenance) -> None:
        work = self._work(country, by)
        if organisation in work.stakeholders:
            raise RuleViolation("already-on-the-map", f"{organisation} is already on the "
                                f"ecosystem map of {country}", field="organisation",
                                hint="revise it: scaletrack centre revise-stakeholder")
        record(self, eco.StakeholderMapped, by, country=country, organisation=organisation,
               role=role, expertise=expertise, needs=needs)

    def revise_stakeholder(self, country: str, organisation: str, role: str | None,
                           expertise: list[str] | None, needs: list[str] | None,
                           by: Provenance) -> None:
        """What the map says of a stakeholder; a value left None keeps its current one."""
        work = self._work(country, by)
        now = work.require_stakeholder(organisation, country)
        revised = {"role": now.role if role is None else role,
                   "expertise": list(now.expertise) if expertise is None else expertise,
                   "needs": list(now.needs) if needs is None else needs}
        if (revised["role"], tuple(revised["expertise"]), tuple(revised["needs"])) == (
                now.role, now.expertise, now.needs):
            raise RuleViolation("nothing-changed", f"the map of {country} already says this "
                                f"of {organisation}", field="organisation")
        record(self, eco.StakeholderRevised, by, country=country, organisation=organisation,
               **revised)

    def relate(self, country: str, relationship: str, source: str, relation: str, target: str,
               valid_from: date | None, valid_until: date | None, by: Provenance) -> None:
        """A typed relationship between two stakeholders of the map, valid over a period
        (from the day it is recorded, unless told otherwise)."""
        work = self._work(country, by)
        if relationship in work.relationships:
            raise RuleViolation("relationship-exists", f"the map of {country} already has "
                                f"relationship {relationship}", field="relationship",
                                hint="give it a new reference")
        work.require_stakeholder(source, country)
        work.require_stakeholder(target, country)
        if source == target:
            raise RuleViolation("self-relationship", f"{source} cannot be related to itself",
                                field="target_organisation")
        starts = valid_from or by.occurred_on
        if valid_until is not None and valid_until < starts:
            raise RuleViolation("ends-before-it-starts", f"valid-until {valid_until} is "
                                f"before valid-from {starts}", field="valid_until")
        record(self, eco.RelationshipRecorded, by, country=country, relationship=relationship,
               source_organisation=source, relation=relation, target_organisation=target,
               valid_from=starts, valid_until=valid_until)

    def end_relationship(self, country: str, relationship: str, by: Provenance) -> None:
        work = self._work(country, by)
        found = work.relationships.get(relationship)
        if found is None:
            raise RuleViolation("unknown-relationship", f"the map of {country} has no "
                                f"relationship {relationship}", field="relationship",
                                hint="see scaletrack centre map")
        if found.valid_until is not None and found.valid_until <= by.occurred_on:
            raise RuleViolation("relationship-ended", f"relationship {relationship} ended on "
                                f"{found.valid_until}", field="relationship")
        if by.occurred_on < found.valid_from:
            raise RuleViolation("ends-before-it-starts", f"relationship {relationship} holds "
                                f"from {found.valid_from}", field="occurred_on")
        record(self, eco.RelationshipEnded, by, country=country, relationship=relationship)

    def plan_action(self, country: str, action: str, title: str, owner: str, due_on: date,
                    by: Provenance) -> None:
        work = self._work(country, by)
        if action in work.actions:
            raise RuleViolation("action-exists", f"the action plan of {country} already has "
                                f"action {action}", field="action",
                                hint="give it a new reference")
        if due_on < by.occurred_on:
            raise RuleViolation("due-before-planned", f"due-on {due_on} is before the day it "
                                f"is planned ({by.occurred_on})", field="due_on")
        record(self, eco.ActionPlanned, by, country=country, action=action, title=title,
               owner=owner, due_on=due_on)

    def change_action_status(self, country: str, action: str, status: str,
                             by: Provenance) -> None:
        work = self._work(country, by)
        now = work.require_action(action, country)
        try:
            wanted = eco.ActionStatus(status)
        except ValueError:
            raise InvalidInput(f"status: {status!r} is not one of "
                               f"{', '.join(eco.ActionStatus)}", field="status") from None
        if now.status in eco.FINISHED:
            raise RuleViolation("action-finished", f"action {action} is {now.status} since "
                                f"{now.since}; a finished action does not change",
                                field="status")
        if wanted == now.status or wanted is eco.ActionStatus.PLANNED:
            raise RuleViolation("action-status", f"action {action} is {now.status}; it can "
                                "become in-progress, done or dropped", field="status")
        if by.occurred_on < now.since:
            raise RuleViolation("before-last-status", f"action {action} took its status "
                                f"{now.status} on {now.since}", field="occurred_on")
        record(self, eco.ActionStatusChanged, by, country=country, action=action,
               status=wanted)

    def hold_capacity_building(self, country: str, activity: str, title: str, audience: str,
                               participants: int, organisations: list[str],
                               by: Provenance) -> None:
        self._work(country, by).require_new_activity(activity, country)
        record(self, eco.CapacityBuildingHeld, by, country=country, activity=activity,
               title=title, audience=audience, participants=participants,
               organisations=_distinct(organisations))

    def hold_gathering(self, country: str, activity: str, title: str, purpose: str,
                       organisations: list[str], by: Provenance) -> None:
        self._work(country, by).require_new_activity(activity, country)
        record(self, eco.GatheringHeld, by, country=country, activity=activity, title=title,
               purpose=purpose, organisations=_distinct(organisations))

    def hold_exchange(self, country: str, activity: str, title: str, form: str,
                      peer: Consortium, peer_country: str, role: str, by: Provenance) -> None:
        """Exchange with the centre of another country (of this or another consortium)."""
        self._work(country, by).require_new_activity(activity, country)
        peer._require_member(peer_country)
        if _country(peer_country) == _country(country):
            raise RuleViolation("same-country", "a transnational exchange is between centres "
                                f"of different countries, not {country} and {peer_country}",
                                field="peer_country")
        pair = {str(eco.ExchangeKind.MENTORING): {"mentor", "mentee"},
                str(eco.ExchangeKind.PEER_LEARNING): {"peer"}}.get(str(form), set())
        if pair and str(role) not in pair:
            raise RuleViolation("exchange-role", f"in {form} a centre is "
                                f"{' or '.join(sorted(pair))}, not {role}", field="role")
        record(self, eco.ExchangeHeld, by, country=country, activity=activity, title=title,
               form=form, peer_consortium=peer.code, peer_country=peer_country, role=role)

    def _work(self, country: str, by: Provenance) -> eco.CentreWork:
        self._require_registered(by)
        self._require_member(country)
        return self.work_in(country)

    @property
    def member_countries(self) -> frozenset[str]:
        """The member countries in canonical codes (a store may hold the EU's EL or UK)."""
        return frozenset(EU_COUNTRY_ALIASES.get(c, c) for c in self.countries)

    def _require_registered(self, by: Provenance) -> None:
        if by.occurred_on < self.registered_on:
            raise RuleViolation(
                "before-registration",
                f"{by.occurred_on} is before {self.code} was registered ({self.registered_on})",
                field="occurred_on", hint="give the date it really happened",
            )

    def _require_member(self, country: str) -> None:
        if _country(country) not in self.member_countries:
            raise RuleViolation(
                "not-a-member-country",
                f"{country} is not a member country of {self.code} "
                f"({', '.join(self.countries)})",
                field="country", hint="add the country to the consortium first",
            )


def _distinct(codes: list[str]) -> list[str]:
    """Organisations once each, in the order given (a list names a record once)."""
    return list(dict.fromkeys(str(c).strip().upper() for c in codes))


def _country(code: str, field: str = "country") -> str:
    """A country code as the events store it (the rules compare it before pydantic sees it)."""
    return checked_country(code, field)
