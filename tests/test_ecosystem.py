"""Organisations and the competence centres' work: ecosystem maps, action plans and
activities, as rules, as views at two dates and their difference, and in an audit export."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from expect import refused, store_digest_of
from scaletrack.domain.consortium import Consortium
from scaletrack.domain.envelope import Provenance
from scaletrack.domain.errors import InvalidInput, RuleViolation, ScaletrackError

RECORDED_AT = datetime(2024, 6, 30, 12, tzinfo=UTC)


def by(on: date = date(2021, 6, 1)) -> Provenance:
    return Provenance(occurred_on=on, recorded_at=RECORDED_AT, actor="tester")


def rule(kind: type[ScaletrackError], field: str, command: Any, *args: Any) -> str:
    """Run a command that must be refused for ``field``; its message."""
    with pytest.raises(kind) as caught:
        command(*args)
    assert caught.value.field == field, caught.value
    return str(caught.value)


@pytest.fixture
def seed() -> Consortium:
    consortium = Consortium.register("SEED", "Seed", "City of Turin", ["IT", "GR"],
                                     by(date(2021, 5, 3)))
    consortium.map_stakeholder("GR", "GR-MA", "funder", ["ESF+ programming"],
                               ["SI procurement"], by())
    consortium.map_stakeholder("GR", "GR-HUB", "promoter", [], [], by())
    return consortium


# -- the domain's rules ----------------------------------------------------------------


def test_an_organisation_is_on_a_country_s_map_once(seed: Consortium) -> None:
    message = rule(RuleViolation, "organisation", seed.map_stakeholder, "GR", "GR-MA",
                   "funder", [], [], by())
    assert "GR-MA is already on the ecosystem map of GR" in message
    seed.map_stakeholder("IT", "GR-MA", "transnational funder", [], [], by())
    assert set(seed.work_in("IT").stakeholders) == {"GR-MA"}


def test_a_map_belongs_to_a_member_country_and_follows_the_registration(
        seed: Consortium) -> None:
    assert "not a member country" in rule(RuleViolation, "country", seed.map_stakeholder,
                                          "FR", "FR-PE", "provider", [], [], by())
    rule(RuleViolation, "occurred_on", seed.map_stakeholder, "IT", "IT-X", "provider", [], [],
         by(date(2021, 5, 2)))


def test_a_relationship_joins_two_stakeholders_of_the_map_over_a_period(
        seed: Consortium) -> None:
    rule(RuleViolation, "organisation", seed.relate, "GR", "R1", "GR-MA", "funds", "GR-X",
         None, None, by())
    rule(RuleViolation, "target_organisation", seed.relate, "GR", "R1", "GR-MA", "funds",
         "GR-MA", None, None, by())
    rule(RuleViolation, "valid_until", seed.relate, "GR", "R1", "GR-MA", "funds", "GR-HUB",
         date(2022, 1, 1), date(2021, 12, 31), by())
    seed.relate("GR", "R1", "GR-MA", "funds", "GR-HUB", None, None, by())
    relationship = seed.work_in("GR").relationships["R1"]
    assert (relationship.valid_from, relationship.valid_until) == (date(2021, 6, 1), None)
    rule(RuleViolation, "relationship", seed.relate, "GR", "R1", "GR-HUB", "supports",
         "GR-MA", None, None, by())
    seed.end_relationship("GR", "R1", by(date(2022, 12, 31)))
    ended = seed.work_in("GR").relationships["R1"]
    assert (ended.valid_until, ended.holds_on(date(2022, 12, 31)),
            ended.holds_on(date(2023, 1, 1))) == (date(2022, 12, 31), True, False)
    rule(RuleViolation, "relationship", seed.end_relationship, "GR", "R1", by(date(2023, 1, 2)))


def test_a_revision_changes_what_the_map_says(seed: Consortium) -> None:
    rule(RuleViolation, "organisation", seed.revise_stakeholder, "GR", "GR-MA", "funder",
         None, None, by())
    seed.revise_stakeholder("GR", "GR-MA", None, None, ["Impact measurement"],
                            by(date(2022, 3, 1)))
    stakeholder = seed.work_in("GR").stakeholders["GR-MA"]
    assert (stakeholder.role, stakeholder.needs) == ("funder", ("Impact measurement",))


def test_an_action_moves_on_and_a_finished_one_stays_finished(seed: Consortium) -> None:
    rule(RuleViolation, "due_on", seed.plan_action, "GR", "A1", "Map", "GR-HUB",
         date(2021, 5, 31), by())
    seed.plan_action("GR", "A1", "Publish the map", "GR-HUB", date(2021, 9, 30), by())
    rule(RuleViolation, "action", seed.plan_action, "GR", "A1", "Again", "GR-HUB",
         date(2021, 9, 30), by())
    rule(RuleViolation, "status", seed.change_action_status, "GR", "A1", "planned", by())
    rule(InvalidInput, "status", seed.change_action_status, "GR", "A1", "finished", by())
    rule(RuleViolation, "action", seed.change_action_status, "GR", "A9", "done", by())
    seed.change_action_status("GR", "A1", "in-progress", by(date(2021, 7, 1)))
    rule(RuleViolation, "occurred_on", seed.change_action_status, "GR", "A1", "done",
         by(date(2021, 6, 30)))
    seed.change_action_status("GR", "A1", "done", by(date(2021, 10, 15)))
    assert "a finished action does not change" in rule(
        RuleViolation, "status", seed.change_action_status, "GR", "A1", "dropped",
        by(date(2021, 11, 1)))


def test_an_exchange_pairs_centres_of_different_countries(seed: Consortium) -> None:
    other = Consortium.register("FUSE", "Fuse", "Rethink Ireland", ["IE", "PT"],
                                by(date(2021, 5, 3)))
    rule(RuleViolation, "peer_country", seed.hold_exchange, "GR", "X1", "Visit",
         "peer-learning", seed, "GR", "peer", by())
    rule(RuleViolation, "country", seed.hold_exchange, "GR", "X1", "Visit", "peer-learning",
         other, "GR", "peer", by())
    rule(RuleViolation, "role", seed.hold_exchange, "GR", "X1", "Mentoring", "mentoring",
         other, "IE", "peer", by())
    seed.hold_exchange("GR", "X1", "Mentoring", "mentoring", other, "IE", "mentee", by())
    activity = seed.work_in("GR").activities["X1"]
    assert (activity.peer, activity.role) == ("FUSE/IE", "mentee")
    rule(RuleViolation, "activity", seed.hold_gathering, "GR", "X1", "Forum", "networking",
         [], by())


# -- the CLI: organisations, maps and plans as of two dates ------------------------------

SEED = ("consortium", "register", "SEED", "--name", "Seed", "--lead", "City of Turin",
        "--country", "IT", "--country", "GR", "--occurred-on", "2021-05-03")
ORGANISATIONS = (
    ("GR-MA", "ESF managing authority, Greece", "managing-authority", "GR"),
    ("GR-HUB", "Hellenic Local Innovation Network", "network", "GR"),
    ("GR-ATH", "Municipality of Athens", "public-service-provider", "GR"),
    ("FR-PE", "Pôle emploi", "public-service-provider", "FR"),
    ("GR-SE", "Athens Social Cooperative", "social-enterprise", "GR"),
)


@pytest.fixture
def mapped(run: Any) -> Any:
    """SEED's Greek map: two stakeholders and a relationship in June 2021, a revision,
    a third stakeholder and a second relationship in 2022, the first ending with 2022."""
    assert run("init").exit_code == 0
    assert run(*SEED).exit_code == 0
    for code, name, kind, country in ORGANISATIONS:
        assert run("organisation", "add", code, "--name", name, "--type", kind,
                   "--country", country, "--occurred-on", "2021-05-04").exit_code == 0
    for args in (
        ("map-stakeholder", "SEED", "GR", "--organisation", "GR-MA", "--role", "funder",
         "--expertise", "ESF+ programming", "--need", "SI procurement",
         "--occurred-on", "2021-06-01"),
        ("map-stakeholder", "SEED", "GR", "--organisation", "gr-hub", "--role", "promoter",
         "--need", "Impact measurement", "--need", "SI procurement",
         "--occurred-on", "2021-06-02"),
        ("relate", "SEED", "GR", "R1", "--source", "GR-MA", "--relation", "funds",
         "--target", "GR-HUB", "--occurred-on", "2021-06-03"),
        ("plan-action", "SEED", "GR", "A1", "--title", "Publish the map", "--owner", "GR-HUB",
         "--due-on", "2021-09-30", "--occurred-on", "2021-06-04"),
        ("plan-action", "SEED", "GR", "A2", "--title", "Advocacy paper", "--owner", "GR-MA",
         "--due-on", "2022-06-30", "--occurred-on", "2021-06-04"),
        ("action-status", "SEED", "GR", "A1", "--status", "in-progress",
         "--occurred-on", "2021-07-01"),
        ("action-status", "SEED", "GR", "A1", "--status", "done", "--occurred-on", "2021-10-15"),
        ("revise-stakeholder", "SEED", "GR", "--organisation", "GR-HUB", "--need",
         "Scaling strategies", "--occurred-on", "2022-03-01"),
        ("map-stakeholder", "SEED", "GR", "--organisation", "GR-ATH", "--role", "provider",
         "--occurred-on", "2022-04-01"),
        ("relate", "SEED", "GR", "R2", "--source", "GR-ATH", "--relation", "adopts",
         "--target", "GR-HUB", "--valid-from", "2022-05-01", "--occurred-on", "2022-04-20"),
        ("end-relationship", "SEED", "GR", "R1", "--occurred-on", "2022-12-31"),
    ):
        result = run("centre", *args)
        assert result.exit_code == 0, result.stderr
    return run


def test_the_map_as_of_two_dates_shows_who_was_in_it_their_needs_and_connections(
        mapped: Any) -> None:
    early = mapped("centre", "map", "SEED", "GR", "--as-of", "2021-12-31", "--json").json()
    late = mapped("centre", "map", "SEED", "GR", "--as-of", "2023-01-31", "--json").json()

    assert [s["organisation"] for s in early["stakeholders"]] == ["GR-MA", "GR-HUB"]
    assert early["stakeholders"][1]["needs"] == ["Impact measurement", "SI procurement"]
    assert early["needs"][0] == {"need": "SI procurement", "stakeholders": 2}
    assert [(r["source"], r["relation"], r["target"]) for r in early["relationships"]] == [
        ("GR-MA", "funds", "GR-HUB")]
    assert early["stakeholders"][0]["connections"] == ["funds GR-HUB"]
    assert early["stakeholders"][0]["name"] == "ESF managing authority, Greece"
    assert early["point_in_time"] == {"as_of": "2021-12-31", "known_at": None}

    assert [s["organisation"] for s in late["stakeholders"]] == ["GR-MA", "GR-HUB", "GR-ATH"]
    assert late["stakeholders"][1]["needs"] == ["Scaling strategies"]
    assert [(r["relationship"], r["valid_from"]) for r in late["relationships"]] == [
        ("R2", "2022-05-01")]
    assert late["unconnected"] == ["GR-MA"]


def test_a_relationship_holds_only_inside_its_period(mapped: Any) -> None:
    recorded_not_yet_valid = mapped("centre", "map", "SEED", "GR", "--as-of", "2022-04-25",
                                    "--json").json()
    assert [r["relationship"] for r in recorded_not_yet_valid["relationships"]] == ["R1"]
    both = mapped("centre", "map", "SEED", "GR", "--as-of", "2022-12-31", "--json").json()
    assert [r["relationship"] for r in both["relationships"]] == ["R1", "R2"]


def test_map_diff_says_what_changed_between_two_dates(mapped: Any) -> None:
    diff = mapped("centre", "map-diff", "SEED", "GR", "--as-of", "2021-12-31",
                  "--to-as-of", "2023-01-31", "--json")
    assert diff.exit_code == 0, diff.stderr
    changes = diff.json()
    assert [s["organisation"] for s in changes["stakeholders_added"]] == ["GR-ATH"]
    assert changes["stakeholders_removed"] == []
    assert changes["stakeholders_revised"] == [{"organisation": "GR-HUB", "changes": {
        "needs": {"from": ["Impact measurement", "SI procurement"],
                  "to": ["Scaling strategies"]}}}]
    assert [r["relationship"] for r in changes["relationships_added"]] == ["R2"]
    assert [r["relationship"] for r in changes["relationships_ended"]] == ["R1"]
    table = mapped("centre", "map-diff", "SEED", "GR", "--as-of", "2021-12-31",
                   "--to-as-of", "2023-01-31")
    assert "stakeholder revised" in table.stdout
    assert "GR-MA funds GR-HUB" in table.stdout
    same = mapped("centre", "map-diff", "SEED", "GR", "--as-of", "2021-07-01",
                  "--to-as-of", "2021-08-01")
    assert (same.exit_code, same.stdout) == (0, "")
    assert "no differences" in same.stderr


def test_the_plan_shows_each_action_s_status_at_the_date_and_what_is_overdue(
        mapped: Any) -> None:
    def plan(day: str) -> dict[str, Any]:
        result: dict[str, Any] = mapped("centre", "plan", "SEED", "GR", "--as-of", day,
                                        "--json").json()
        return result

    before = plan("2021-06-30")
    assert [(a["action"], a["status"]) for a in before["actions"]] == [
        ("A1", "planned"), ("A2", "planned")]
    late = plan("2021-10-01")
    assert [(a["action"], a["status"], a["overdue"]) for a in late["actions"]] == [
        ("A1", "in-progress", True), ("A2", "planned", False)]
    after = plan("2022-07-31")
    assert after["progress"] == {"planned": 1, "in-progress": 0, "done": 1, "dropped": 0,
                                 "overdue": 1, "percent_done": 50}
    assert after["actions"][0]["owner_name"] == "Hellenic Local Innovation Network"


def test_centre_list_and_activities_count_what_each_centre_did(mapped: Any) -> None:
    assert mapped("centre", "capacity-building", "SEED", "GR", "CB1", "--title", "Workshop",
                  "--audience", "managing-authorities", "--participants", "24",
                  "--organisation", "GR-MA", "--occurred-on", "2022-02-01").exit_code == 0
    assert mapped("centre", "gathering", "SEED", "GR", "N1", "--title", "Forum", "--purpose",
                  "advocacy", "--organisation", "GR-MA", "--organisation", "gr-ma",
                  "--occurred-on", "2022-03-01").exit_code == 0
    assert mapped("centre", "exchange", "SEED", "IT", "X1", "--title", "Mentoring",
                  "--form", "mentoring", "--peer-consortium", "SEED", "--peer-country", "GR",
                  "--role", "mentor", "--occurred-on", "2022-03-02").exit_code == 0
    activities = mapped("centre", "activities", "SEED", "GR", "--json").json()
    assert activities["participants_by_audience"] == {"managing-authorities": 24}
    assert [a["organisations"] for a in activities["activities"]] == [["GR-MA"], ["GR-MA"]]
    rows = mapped("centre", "list", "--json").json()
    assert [(r["country"], r["stakeholders"], r["actions"], r["actions_done"],
             r["activities"]) for r in rows] == [("GR", 3, 2, 1, 2), ("IT", 0, 0, 0, 1)]
    assert mapped("centre", "list", "--as-of", "2021-05-31", "--json").json()[0][
        "stakeholders"] == 0


def test_organisations_and_centres_are_listed_by_name_then_code(mapped: Any) -> None:
    """Registered GR-MA, GR-HUB, GR-ATH, FR-PE, GR-SE; listed by name, accents aside."""
    assert mapped("organisation", "add", "FR-PE2", "--name", "pole emploi", "--type",
                  "public-service-provider", "--country", "FR").exit_code == 0
    listed = mapped("organisation", "list", "--json").json()
    assert [o["code"] for o in listed] == ["GR-SE", "GR-MA", "GR-HUB", "GR-ATH", "FR-PE",
                                           "FR-PE2"]
    table = mapped("organisation", "list").stdout
    assert table.index("Athens Social Cooperative") < table.index("Pôle emploi")
    assert mapped("consortium", "establish-centre", "SEED", "--country", "IT", "--name",
                  "Centro per l'innovazione sociale").exit_code == 0
    centres = mapped("centre", "list", "--json").json()
    assert [(c["country"], c["centre"]) for c in centres] == [
        ("IT", "Centro per l'innovazione sociale"), ("GR", None)]


def test_the_list_counts_the_relationships_the_map_shows_on_its_day(mapped: Any) -> None:
    """R1 holds from June 2021 and ended with 2022; R2 holds from May 2022."""
    for point, holding in (((), 1), (("--as-of", "2022-06-30"), 2),
                           (("--as-of", "2021-06-30"), 1), (("--as-of", "2021-05-31"), 0)):
        shown = mapped("centre", "map", "SEED", "GR", *point, "--json").json()
        listed = mapped("centre", "list", "--consortium", "SEED", *point, "--json").json()
        greek = next(row for row in listed if row["country"] == "GR")
        assert (greek["relationships"], len(shown["relationships"])) == (holding, holding)


def test_an_organisation_keeps_the_name_it_had_at_the_time(mapped: Any) -> None:
    assert mapped("organisation", "rename", "FR-PE", "--name", "France Travail",
                  "--occurred-on", "2024-01-01").stdout == "FR-PE@2\n"

    def name(*point: str) -> str:
        rows = mapped("organisation", "list", "--country", "FR", *point, "--json").json()
        return str(rows[0]["name"])

    assert name("--as-of", "2023-06-30") == "Pôle emploi"
    assert name() == "France Travail"
    shown = mapped("organisation", "show", "GR-HUB", "--json").json()
    assert shown["on_maps"] == [{"consortium": "SEED", "country": "GR", "role": "promoter",
                                 "needs": ["Scaling strategies"]}]
    listed = mapped("organisation", "list", "--type", "managing-authority", "--json").json()
    assert [o["code"] for o in listed] == ["GR-MA"]


@pytest.mark.parametrize(("args", "code", "words"), [
    (("centre", "map-stakeholder", "SEED", "GR", "--organisation", "GR-NONE", "--role", "x"),
     3, ("no organisation GR-NONE",)),
    (("centre", "map-stakeholder", "SEED", "GR", "--organisation", "GR-MA", "--role", "x"),
     1, ("already on the ecosystem map",)),
    (("centre", "map-stakeholder", "SEED", "FR", "--organisation", "FR-PE", "--role", "x"),
     1, ("FR is not a member country of SEED",)),
    (("centre", "map-stakeholder", "NOPE", "GR", "--organisation", "GR-MA", "--role", "x"),
     3, ("no consortium NOPE",)),
    (("centre", "relate", "SEED", "GR", "R9", "--source", "GR-MA", "--relation", "funds",
      "--target", "GR-SE"), 1, ("GR-SE is not on the ecosystem map of GR",)),
    (("centre", "action-status", "SEED", "GR", "A1", "--status", "dropped"), 1,
     ("finished action",)),
    (("centre", "map", "SEED", "XX"), 2, ("country code",)),
    (("centre", "map", "SEED", "FR"), 3, ("SEED has no member country FR",)),
    (("centre", "plan", "SEED", "GR", "--as-of", "2021-13-01"), 2, ("not a date",)),
    (("organisation", "add", "GR-MA", "--name", "Again", "--type", "funder", "--country",
      "GR"), 1, ("organisation GR-MA already exists",)),
    (("organisation", "add", "GR-X", "--name", "X", "--type", "bank", "--country", "GR"), 2,
     ("'bank' is not one of",)),
    (("organisation", "show", "NOPE"), 3, ("no organisation NOPE",)),
])
def test_a_refused_command_exits_with_its_code_and_leaves_the_store_as_it_was(
        mapped: Any, store_url: str, args: tuple[str, ...], code: int,
        words: tuple[str, ...]) -> None:
    before = store_digest_of(store_url)
    result = mapped(*args)
    if code == 2 and result.stderr.startswith("Usage"):
        assert result.exit_code == 2, result
        assert all(w in result.stderr for w in words), result
    else:
        refused(result, code, *words)
    assert store_digest_of(store_url) == before


# -- EECO18 / EECO19: distinct organisations, not mentions --------------------------------


def test_supported_entities_count_each_organisation_once_however_often_it_is_named(
        mapped: Any) -> None:
    for code in ("SEED-GR-01", "SEED-GR-02"):
        assert mapped("pilot", "register", code, "--consortium", "SEED", "--title", "Mapping",
                      "--innovation", "SI mapping", "--origin-country", "IT",
                      "--target-country", "GR", "--core", "Method", "--adaptable", "Venue",
                      "--starts-on", "2021-06-01", "--ends-on", "2023-06-30").exit_code == 0
        for organisation in ("Municipality of Athens", "GR-SE", "Unregistered helpers"):
            assert mapped("log", "partner-joined", code, "--organisation", organisation,
                          "--country", "GR", "--role", "partner",
                          "--occurred-on", "2021-07-01").exit_code == 0
    counted = mapped("organisation", "supported", "--json").json()
    assert counted["indicators"] == [
        {"indicator": "EECO18", "organisations": 1, "mentions": 2, "codes": ["GR-ATH"]},
        {"indicator": "EECO19", "organisations": 1, "mentions": 2, "codes": ["GR-SE"]}]
    assert counted["unregistered"] == ["Unregistered helpers"]
    before = mapped("organisation", "supported", "--as-of", "2021-06-30", "--json").json()
    assert [i["organisations"] for i in before["indicators"]] == [0, 0]
    assert mapped("log", "funding", "SEED-GR-01", "--funder", "gr-se", "--amount-eur", "5000",
                  "--occurred-on", "2021-07-02").exit_code == 0
    named = mapped("organisation", "show", "GR-SE", "--json").json()["named_by"]
    assert named == [{"subject": "SEED-GR-01", "as": "pilot partner"},
                     {"subject": "SEED-GR-01", "as": "funder"},
                     {"subject": "SEED-GR-02", "as": "pilot partner"}]
    assert mapped("organisation", "supported", "--json").json() == counted


# -- audit ------------------------------------------------------------------------------


def test_a_store_with_organisations_and_maps_exports_and_verifies(
        mapped: Any, store_url: str, tmp_path: Path) -> None:
    everything, seed = tmp_path / "all", tmp_path / "seed"
    assert mapped("export", "-o", str(everything)).exit_code == 0
    assert mapped("export", "--consortium", "SEED", "-o", str(seed)).exit_code == 0

    for bundle, events in ((everything, store_digest_of(store_url)[0]), (seed, 12)):
        verified = mapped("verify", str(bundle), "--json")
        assert verified.exit_code == 0, verified.stderr
        assert verified.json()["valid"] is True
        assert verified.json()["events"] == events
    assert mapped("verify", "--store", "--json").json()["valid"] is True


# -- the HTTP API ---------------------------------------------------------------------


def test_every_role_reads_organisations_and_a_centre_s_map_and_plan_over_http(
        served: Any, run: Any) -> None:
    from serving import ACCOUNTS

    for args in (("organisation", "add", "GR-MA", "--name", "ESF managing authority, Greece",
                  "--type", "managing-authority", "--country", "GR",
                  "--occurred-on", "2022-01-04"),
                 ("centre", "map-stakeholder", "SEED", "GR", "--organisation", "GR-MA",
                  "--role", "funder", "--need", "SI procurement", "--occurred-on", "2022-02-01"),
                 ("centre", "plan-action", "SEED", "GR", "A1", "--title", "Map", "--owner",
                  "GR-MA", "--due-on", "2022-06-30", "--occurred-on", "2022-02-01")):
        assert run(*args).exit_code == 0
    paths = ("/api/v1/organisations", "/api/v1/organisations/GR-MA",
             "/api/v1/supported-entities", "/api/v1/centres?consortium=SEED",
             "/api/v1/centres/SEED/GR/map", "/api/v1/centres/SEED/GR/plan?as_of=2022-03-01",
             "/api/v1/centres/SEED/GR/activities",
             "/api/v1/centres/SEED/GR/map-diff?as_of=2022-01-31&to_as_of=2022-02-28")
    for path in paths:
        assert served.get(path).status_code == 401, path
        for login in ACCOUNTS:
            response = served.get(path, login)
            assert response.status_code == 200, (path, login, response.text)
    shown = served.get("/api/v1/centres/SEED/GR/map?as_of=2022-03-01", "ana").json()
    assert shown == run("centre", "map", "SEED", "GR", "--as-of", "2022-03-01",
                        "--json").json()
    diff = served.get("/api/v1/centres/SEED/GR/map-diff?as_of=2022-01-31&to_as_of=2022-02-28",
                      "eva").json()
    assert [s["organisation"] for s in diff["stakeholders_added"]] == ["GR-MA"]
    assert served.get("/api/v1/centres/SEED/FR/map", "eva").status_code == 404
    assert served.get("/api/v1/organisations?type=bank", "eva").status_code in (400, 422)
    assert served.get("/api/v1/organisations/NOPE", "eva").status_code == 404


def test_a_consortium_s_lead_and_admins_write_its_centres_work_over_http(
        served: Any) -> None:
    organisation = {"code": "GR-HLIN", "name": "Hellenic Local Innovation Network",
                    "type": "network", "country": "GR", "occurred_on": "2022-01-04"}
    head = served.head()
    for login in ("olga", "eva", "aud"):
        assert served.post("/api/v1/organisations", login, json=organisation
                           ).status_code == 403, login
    assert served.head() == head
    done = served.post("/api/v1/organisations", "fiona", json=organisation)
    assert done.status_code == 201, done.text
    assert (done.json()["id"], done.json()["actor"]) == ("GR-HLIN@1", "Fiona Byrne (fiona)")

    mapping = {"kind": "centre-stakeholder", "country": "GR", "organisation": "GR-HLIN",
               "role": "SI promoter", "needs": ["Impact measurement"],
               "occurred_on": "2022-02-01"}
    head = served.head()
    for login in ("fiona", "olga", "eva", "aud"):
        refused = served.post("/api/v1/centres/SEED/events", login, json=mapping)
        assert refused.status_code == 403, (login, refused.text)
    assert served.head() == head
    mapped = served.post("/api/v1/centres/SEED/events", "ana", json=mapping)
    assert mapped.status_code == 201, mapped.text
    assert mapped.json()["type"] == "consortium.stakeholder-mapped"
    again = served.post("/api/v1/centres/SEED/events", "root", json=mapping)
    assert again.status_code == 422
    assert "already on the ecosystem map" in again.json()["error"]
    action = {"kind": "centre-action", "country": "GR", "action": "A1", "title": "Map",
              "owner": "GR-HLIN", "due_on": "2022-06-30", "occurred_on": "2022-02-01"}
    assert served.post("/api/v1/centres/SEED/events", "root", json=action).status_code == 201
    unknown = served.post("/api/v1/centres/SEED/events", "ana",
                          json={**mapping, "kind": "centre-party"})
    assert unknown.status_code in (400, 422)
    assert served.post("/api/v1/centres/NOPE/events", "root", json=mapping).status_code == 404
    plan = served.get("/api/v1/centres/SEED/GR/plan", "eva").json()
    assert [(a["action"], a["owner_name"]) for a in plan["actions"]] == [
        ("A1", "Hellenic Local Innovation Network")]


def test_a_map_as_known_at_a_moment_leaves_out_what_was_recorded_later(
        sqlite_url: str) -> None:
    from scaletrack.application import commands
    from scaletrack.application.ledger import Ledger
    from scaletrack.application.queries.centres import centre_map, map_diff
    from scaletrack.application.store import StoreURL
    from scaletrack.application.timetravel import PointInTime
    from scaletrack.domain.organisation import OrganisationType

    now = [datetime(2021, 6, 1, 9, tzinfo=UTC)]
    ledger = Ledger(StoreURL.parse(sqlite_url), clock=lambda: now[0])
    ledger.create_tables()
    try:
        def record(command: Any, on: date, at: datetime) -> None:
            now[0] = at
            ledger.handle(command, by=ledger.provenance("tester", on))

        june = datetime(2021, 6, 1, 9, tzinfo=UTC)
        record(commands.RegisterConsortium("SEED", "Seed", "Turin", ("IT", "GR")),
               date(2021, 5, 3), june)
        for code in ("GR-MA", "GR-HUB"):
            record(commands.RegisterOrganisation(code, code, OrganisationType.NETWORK, "GR"),
                   date(2021, 5, 4), june)
        record(commands.MapStakeholder("SEED", "GR", "GR-MA", "funder"), date(2021, 5, 10),
               june)
        late = datetime(2021, 9, 15, 9, tzinfo=UTC)  # mapped in May, recorded in September
        record(commands.MapStakeholder("SEED", "GR", "GR-HUB", "promoter"), date(2021, 5, 11),
               late)

        def who(point: PointInTime) -> list[str]:
            return [s["organisation"]
                    for s in centre_map(ledger, "SEED", "GR", point)["stakeholders"]]

        july = datetime(2021, 7, 1, tzinfo=UTC)
        assert who(PointInTime(as_of=date(2021, 6, 30))) == ["GR-MA", "GR-HUB"]
        assert who(PointInTime(as_of=date(2021, 6, 30), known_at=july)) == ["GR-MA"]
        changed = map_diff(ledger, "SEED", "GR", PointInTime(known_at=july), PointInTime())
        assert [s["organisation"] for s in changed["stakeholders_added"]] == ["GR-HUB"]
    finally:
        ledger.close()
