"""A consortium: a transnational project with member countries and partners."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import date
from uuid import UUID

from eventsourcing.domain import Aggregate

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
    country_code,
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


def _country(code: str, field: str = "country") -> str:
    """A country code as the events store it (the rules compare it before pydantic sees it)."""
    return checked_country(code, field)


def checked_country(code: str, field: str) -> str:
    """A country code given to a command, canonical (EL -> GR), or why it is refused."""
    try:
        return country_code(str(code))
    except ValueError as error:
        raise InvalidInput(str(error), field=field,
                           hint="use the two-letter ISO 3166-1 code") from None
