"""The reading pages through the ASGI app, for every role: status, what is shown and hidden."""

from __future__ import annotations

import re
from urllib.parse import unquote

import pytest

from people import PEOPLE, SignIn
from scaletrack.application.ledger import Ledger
from scaletrack.application.store import StoreURL
from scaletrack.application.timetravel import parse_moment
from scaletrack.audit.verify import head_digest, head_known_at
from scaletrack.demo.accounts import DEMO_ACCOUNTS, DemoAccount
from scaletrack.domain.account import Role

READERS = sorted(PEOPLE)
PILOT = "SEED-GR-01"


def test_a_visitor_is_sent_to_the_sign_in_form_and_back(as_: SignIn) -> None:
    answer = as_("").get(f"/pilots/{PILOT}?as_of=2022-06-30")
    assert answer.status_code == 303
    assert unquote(answer.headers["location"]) == f"/sign-in?next=/pilots/{PILOT}?as_of=2022-06-30"


@pytest.mark.parametrize("login", READERS)
def test_every_role_reads_the_portfolio_and_a_pilot(as_: SignIn, login: str) -> None:
    client = as_(login)
    home = client.get("/")
    assert home.status_code == 200
    assert PILOT in home.text
    assert "<svg" in home.text
    page = client.get(f"/pilots/{PILOT}")
    assert page.status_code == 200
    assert page.text.count('<svg class="chart" role="img"') >= 1
    assert PEOPLE[login].name in page.text


@pytest.mark.parametrize(("login", "writes"), [("lead", True), ("fuse-lead", False),
                                              ("officer", False), ("evaluator", False),
                                              ("auditor", False)])
def test_only_the_pilots_own_lead_sees_the_log_form(as_: SignIn, login: str,
                                                    writes: bool) -> None:
    page = as_(login).get(f"/pilots/{PILOT}").text
    assert (f'action="/pilots/{PILOT}/log"' in page) is writes


@pytest.mark.parametrize(("login", "allowed"), [("lead", False), ("officer", True),
                                               ("evaluator", True), ("auditor", True)])
def test_reading_at_a_point_is_for_the_roles_that_may(as_: SignIn, login: str,
                                                      allowed: bool) -> None:
    answer = as_(login).get(f"/pilots/{PILOT}?as_of=2022-06-30&known_at=2022-07-15")
    assert answer.status_code == (200 if allowed else 403)
    if allowed:
        assert "as of 2022-06-30, known at 2022-07-15 23:59:59 UTC" in answer.text
        assert re.search(r"Store head digest:.*sha256:[0-9a-f]{64}", answer.text, re.S)
    else:
        assert "may not read at point" in answer.text


def test_a_page_at_a_known_at_moment_shows_the_digest_of_that_moment(
        as_: SignIn, pages_store: str) -> None:
    then = Ledger(StoreURL.parse(pages_store))
    try:
        expected = head_known_at(then, parse_moment("2022-07-15")).line
        now = head_digest(then).line
    finally:
        then.close()
    page = as_("evaluator").get(f"/pilots/{PILOT}?known_at=2022-07-15").text
    assert expected != now
    assert expected.split(", taken")[0] in page
    assert now.split(", taken")[0] not in page


def test_a_malformed_point_is_an_invalid_input_page(as_: SignIn) -> None:
    answer = as_("evaluator").get(f"/pilots/{PILOT}?as_of=30.06.2022")
    assert answer.status_code == 400
    assert "is not a date" in answer.text


def test_an_unknown_pilot_is_not_found(as_: SignIn) -> None:
    assert as_("evaluator").get("/pilots/NOPE-XX-99").status_code == 404


def test_an_impact_figure_links_to_the_events_behind_it(as_: SignIn) -> None:
    client = as_("evaluator")
    page = client.get(f"/pilots/{PILOT}").text
    link = re.search(rf'href="(/pilots/{PILOT}/figures\?indicator=PART&amp;period=[^"]+)"', page)
    assert link
    figures = client.get(link.group(1).replace("&amp;", "&"))
    assert figures.status_code == 200
    events = re.findall(rf'<a href="[^"]*#({PILOT}@\d+)">', figures.text)
    assert events
    # exactly the pilot's events `diff` names for the figure, from before the pilot to now
    period = re.search(r"period=([0-9Q-]+)", link.group(1))
    assert period
    registered = client.get(f"/api/v1/pilots/{PILOT}/events").json()[0]["recorded_at"]
    named = client.get("/api/v1/diff/views/impact", params={
        "pilot": PILOT, "indicator": "PART", "period": period.group(1),
        "known_at": registered}).json()["events"]
    assert sorted(set(events)) == sorted(e["id"] for e in named if e["id"].startswith(PILOT))


def test_the_history_links_corrections_both_ways(as_: SignIn) -> None:
    page = as_("auditor").get(f"/pilots/{PILOT}/history").text
    corrects = re.findall(rf'corrects <a href="#({PILOT}@\d+)"', page)
    assert corrects
    assert 'corrected by <a href="#' in page


def test_the_diff_page_names_what_changed_and_the_events_responsible(as_: SignIn) -> None:
    page = as_("evaluator").get(f"/pilots/{PILOT}/diff?from_known_at=2022-06-30"
                                "&to_known_at=2022-12-31")
    assert page.status_code == 200
    assert re.search(rf'<a href="[^"]*#({PILOT}@\d+)">', page.text)
    assert as_("lead").get(f"/pilots/{PILOT}/diff").status_code == 403


@pytest.mark.parametrize("demo", DEMO_ACCOUNTS, ids=lambda d: d.login)
def test_each_demo_account_signs_in_and_sees_its_roles_pages(pages_store: str,
                                                            demo: DemoAccount) -> None:
    from fastapi.testclient import TestClient

    from scaletrack.server.app import create_app

    menus = {Role.ADMIN: {"Portfolio", "Period reports", "Import", "Audit"},
             Role.LEAD: {"Portfolio", "Period reports", "Import"},
             Role.OFFICER: {"Portfolio", "Period reports"},
             Role.EVALUATOR: {"Portfolio", "Period reports"},
             Role.AUDITOR: {"Portfolio", "Period reports", "Audit"}}
    with TestClient(create_app(pages_store), follow_redirects=False) as client:
        signed = client.post("/sign-in", data={"login": demo.login, "password": demo.password})
        assert signed.status_code == 303
        assert signed.headers["location"] == "/"
        home = client.get("/")
        assert home.status_code == 200
        nav = re.search(r'<nav aria-label="Main">(.*?)</nav>', home.text, re.S)
        assert nav
        assert set(re.findall(r'<a href="[^"]*"[^>]*>([^<]+)</a>', nav.group(1))) == \
            menus[demo.role]


def test_the_decision_log_shows_evaluation_and_adoption_detail(as_: SignIn) -> None:
    page = as_("evaluator").get("/pilots/ESIA-DK-01")
    assert page.status_code == 200
    decisions = page.text.split('id="decisions"')[1].split('id="stage"')[0]
    assert "evaluation-completed" in decisions
    assert "design: qualitative" in decisions
    assert "independence: external" in decisions
    assert "evidence_level: " in decisions
    assert "budget_eur: " in decisions
    assert "approved_by: None" not in decisions  # a detail not stated is left out
