"""A consortium: a transnational project with member countries and partners."""

from __future__ import annotations

from uuid import UUID

from eventsourcing.domain import Aggregate

from scaletrack.domain.envelope import Provenance, Recorded, aggregate_id, record, start
from scaletrack.domain.errors import RuleViolation
from scaletrack.domain.vocabulary import Code, CountryCode, Text, canonical


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

    class CountryJoined(Event):
        TYPE = "consortium.country-joined"
        country: CountryCode

        def apply(self, consortium: Consortium) -> None:
            consortium.countries.append(self.country)

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
        self.partners: list[dict[str, str]] = []
        self.centres: dict[str, str] = {}

    @staticmethod
    def id_for(code: str) -> UUID:
        return aggregate_id("consortium", code)

    @classmethod
    def register(
        cls, code: str, name: str, lead: str, countries: list[str], by: Provenance
    ) -> Consortium:
        if len({_country(c) for c in countries}) != len(countries):
            raise RuleViolation("duplicate-country", "a country is listed twice",
                                field="countries")
        return start(cls, cls.Registered, cls.id_for(code), by,
                     code=code, name=name, lead=lead, countries=countries)

    def add_country(self, country: str, by: Provenance) -> None:
        if _country(country) in self.countries:
            raise RuleViolation("duplicate-country",
                                f"{country} is already a member of {self.code}", field="country")
        record(self, self.CountryJoined, by, country=country)

    def add_partner(self, organisation: str, country: str, role: str, by: Provenance) -> None:
        self._require_member(country)
        if any(p["organisation"] == organisation for p in self.partners):
            raise RuleViolation("duplicate-partner", f"{organisation} is already a partner",
                                field="organisation")
        record(self, self.PartnerAdded, by, organisation=organisation, country=country, role=role)

    def establish_centre(self, country: str, name: str, by: Provenance) -> None:
        self._require_member(country)
        if _country(country) in self.centres:
            raise RuleViolation(
                "centre-exists", f"{self.code} already has a competence centre in {country}",
                field="country",
            )
        record(self, self.CentreEstablished, by, country=country, name=name)

    def _require_member(self, country: str) -> None:
        if _country(country) not in self.countries:
            raise RuleViolation(
                "not-a-member-country",
                f"{country} is not a member country of {self.code} "
                f"({', '.join(self.countries)})",
                field="country", hint="add the country to the consortium first",
            )


def _country(code: str) -> str:
    """A country code as the events store it (the rules compare it before pydantic sees it)."""
    return canonical(code)
