"""The directory view: consortia, pilots and indicators as they stand.

Every other view keys its rows by aggregate id; the directory gives those
ids their codes, and gives queries what they filter and group by (a pilot's
consortium, countries, type, dimensions, mechanism and stage; an
indicator's definition versions). It also answers the lists (``pilot list``,
``consortium list``, ``indicator list``): what each aggregate's summary
shows, in the order they were registered, with the version of each one's
newest event.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from sqlalchemy import Connection, select

from scaletrack.domain.vocabulary import EU_COUNTRY_ALIASES
from scaletrack.projections.bitemporal import recorded
from scaletrack.projections.facts import Fact
from scaletrack.projections.tables import (
    Centre,
    ConsortiumPartner,
    ConsortiumRow,
    DirectoryFact,
    IndicatorRow,
    IndicatorVersion,
    MemberCountry,
    PilotCountry,
    PilotRow,
    RatingSetting,
    Subject,
)
from scaletrack.projections.types import ALL
from scaletrack.projections.view import View, on


class Directory(View):
    name = "directory"
    schema = 7
    tables = (Subject, ConsortiumRow, MemberCountry, ConsortiumPartner, Centre, PilotRow,
              PilotCountry, IndicatorRow, IndicatorVersion, DirectoryFact, RatingSetting)
    folded: frozenset[str] = frozenset()
    """The types the directory folds into its tables (set below the class)."""
    kept = True
    """Whether the folded facts are kept (not in a directory at a point, built from them)."""
    countries: dict[str, tuple[str, list[str]]]
    """The origin and target countries of the pilots the page amends, by id."""

    def start_page(self, connection: Connection, facts: Sequence[Fact]) -> None:
        """The countries of the pilots the page amends (an amendment states only the
        targets it leaves, so the directory knows which it takes away)."""
        amended = {f.subject for f in facts if f.type == "pilot.amended"}
        self.countries = {}
        if amended:
            self.countries = {subject: (origin, json.loads(targets))
                              for subject, origin, targets in connection.execute(
                                  select(PilotRow.subject, PilotRow.origin_country,
                                         PilotRow.target_countries)
                                  .where(PilotRow.subject.in_(amended)))}

    def _subject(self, fact: Fact, kind: str) -> None:
        self.write(Subject).insert({"subject": fact.subject, "kind": kind,
                                    "code": fact.state["code"], "position": fact.position,
                                    "version": fact.version})

    # -- consortia ----------------------------------------------------------------

    @on("consortium.registered")
    def consortium_registered(self, fact: Fact) -> None:
        state = fact.state
        self._subject(fact, "consortium")
        self.write(ConsortiumRow).insert({"subject": fact.subject, "code": state["code"],
                                          "name": state["name"], "lead": state["lead"]})
        for place, country in enumerate(state["countries"]):
            self._member(fact, country, place)

    @on("consortium.country-joined")
    def country_joined(self, fact: Fact) -> None:
        self._member(fact, fact.state["country"])

    def _member(self, fact: Fact, country: str, place: int = 0) -> None:
        self.write(MemberCountry).insert({"subject": fact.subject, "country": country,
                                          "position": fact.position, "place": place})

    @on("consortium.country-removed")
    def country_removed(self, fact: Fact) -> None:
        country = fact.state["country"]
        for spelling in {country, *(a for a, c in EU_COUNTRY_ALIASES.items() if c == country)}:
            self.write(MemberCountry).delete((fact.subject, spelling))

    @on("consortium.amended")
    def consortium_amended(self, fact: Fact) -> None:
        self.write(ConsortiumRow).update((fact.subject,), {"name": fact.state["name"],
                                                           "lead": fact.state["lead"]})

    @on("consortium.partner-added")
    def partner_added(self, fact: Fact) -> None:
        state = fact.state
        self.write(ConsortiumPartner).insert({
            "subject": fact.subject, "organisation": state["organisation"],
            "country": state["country"], "role": state["role"], "position": fact.position})

    @on("consortium.centre-established")
    def centre_established(self, fact: Fact) -> None:
        self.write(Centre).insert({"subject": fact.subject, "country": fact.state["country"],
                                   "name": fact.state["name"], "position": fact.position})

    # -- pilots -------------------------------------------------------------------

    @on("pilot.registered")
    def pilot_registered(self, fact: Fact) -> None:
        state = fact.state
        self._subject(fact, "pilot")
        self.write(PilotRow).insert({
            "subject": fact.subject, "code": state["code"], "consortium": state["consortium"],
            "title": state["title"], "origin_country": state["origin_country"],
            "target_countries": json.dumps(state["target_countries"]),
            "pilot_type": None, "dimensions": "[]", "mechanism": None,
            "affiliation_form": None, "stage": "proposed", "starts_on": state["starts_on"],
            "ends_on": state["ends_on"], "closed_on": None})
        for country in dict.fromkeys([state["origin_country"], *state["target_countries"]]):
            self.write(PilotCountry).insert({"subject": fact.subject, "country": country,
                                             "current": True})
        self.countries[fact.subject] = (state["origin_country"], state["target_countries"])

    @on("pilot.amended")
    def pilot_amended(self, fact: Fact) -> None:
        state = fact.state
        targets: list[str] = state["target_countries"]
        self.write(PilotRow).update((fact.subject,), {
            "title": state["title"], "target_countries": json.dumps(targets),
            "ends_on": state["ends_on"]})
        if fact.subject not in self.countries:
            return  # a point that sees the amendment but not yet the registration
        origin, before = self.countries[fact.subject]
        now = {origin, *targets}
        for country in dict.fromkeys([*before, *targets]):
            self.write(PilotCountry).put({"subject": fact.subject, "country": country,
                                          "current": country in now})
        self.countries[fact.subject] = (origin, targets)

    @on("pilot.pathway-chosen", "pilot.pathway-changed")
    def pathway(self, fact: Fact) -> None:
        state = fact.state
        self.write(PilotRow).update((fact.subject,), {
            "pilot_type": state["pilot_type"], "dimensions": json.dumps(state["dimensions"]),
            "mechanism": state["mechanism"], "affiliation_form": state["affiliation_form"]})

    @on("pilot.stage-advanced")
    def stage_advanced(self, fact: Fact) -> None:
        self.write(PilotRow).update((fact.subject,), {"stage": fact.state["to_stage"]})

    @on("pilot.closed")
    def closed(self, fact: Fact) -> None:
        self.write(PilotRow).update((fact.subject,), {"stage": "closed",
                                                      "closed_on": fact.occurred_on})

    # -- indicators ---------------------------------------------------------------

    @on("indicator.defined", "indicator.revised")
    def indicator_defined(self, fact: Fact) -> None:
        state = fact.state
        version = state.get("definition_version", 1)
        if version == 1:
            self._subject(fact, "indicator")
            self.write(IndicatorRow).insert({"subject": fact.subject, "code": state["code"],
                                             "current_version": 1, "retired": False})
        else:
            self.write(IndicatorRow).update((fact.subject,), {"current_version": version})
        self.write(IndicatorVersion).insert({
            "code": state["code"], "version": version, "name": state["name"],
            "level": state["level"], "measure": state["measure"], "unit": state["unit"],
            "direction": state["direction"], "accumulation": state["accumulation"],
            "dimensions": json.dumps(state["dimensions"]),
            "esf_common": bool(state.get("esf_common", False))})

    @on("indicator.retired")
    def indicator_retired(self, fact: Fact) -> None:
        self.write(IndicatorRow).update((fact.subject,), {"retired": True})

    # -- settings -----------------------------------------------------------------

    @on("settings.created")
    def settings_created(self, fact: Fact) -> None:
        self._subject(fact, "settings")

    @on("settings.rating-changed")
    def rating_changed(self, fact: Fact) -> None:
        """Kept by its recorded moment alone: how the store rates is not a fact about the
        world, so a view rates by the settings known at its known-at moment, at any day."""
        if self.kept:
            state = fact.state
            self.write(RatingSetting).append({
                "position": fact.position, "version": fact.version,
                "on_track": state["on_track"], "at_risk": state["at_risk"],
                "cap": state["cap"], "valid_on": fact.occurred_on, "since": recorded(fact)})

    # -- organisations ---------------------------------------------------------------

    @on("organisation.registered")
    def organisation_registered(self, fact: Fact) -> None:
        """Its code, for the timeline (the list reads the organisations themselves)."""
        self._subject(fact, "organisation")

    # -- every event ----------------------------------------------------------------

    @on(*ALL)
    def happened(self, fact: Fact) -> None:
        """Declared last, so that it runs after the handlers that insert the subject."""
        self.write(Subject).update((fact.subject,), {"version": fact.version})
        if fact.type in self.folded and self.kept:
            self.write(DirectoryFact).append({
                "position": fact.position, "family": fact.type.split(".", 1)[0],
                "subject": fact.subject, "version": fact.version, "type": fact.type,
                "valid_on": fact.occurred_on, "since": recorded(fact), "state": fact.text})


Directory.folded = frozenset(kind for kind, handlers in Directory.handlers.items()
                             if handlers != (Directory.happened,)
                             and kind != "settings.rating-changed")
