"""The reading pages through the ASGI app, for every role: status, what is shown and hidden."""

from __future__ import annotations

import html
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
from serving import post_sign_in

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
        assert re.search(r"Store head digest: <code>\d+ events, head sha256:[0-9a-f]{64}, "
                         r"taken ", answer.text)
        assert "scaletrack digest" not in answer.text  # the label says "digest" once
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
    # under its label, the line without its own "scaletrack digest: " (still read back)
    assert expected.split(", taken")[0].removeprefix("scaletrack digest: ") in page
    assert now.split(", taken")[0].removeprefix("scaletrack digest: ") not in page


def test_a_malformed_point_is_an_invalid_input_page(as_: SignIn) -> None:
    answer = as_("evaluator").get(f"/pilots/{PILOT}?as_of=30.06.2022")
    assert answer.status_code == 400
    assert "is not a date" in answer.text


def test_an_unknown_pilot_is_not_found(as_: SignIn) -> None:
    assert as_("evaluator").get("/pilots/NOPE-XX-99").status_code == 404


def test_an_impact_figure_links_to_the_events_behind_it(as_: SignIn) -> None:
    client = as_("evaluator")
    page = client.get(f"/pilots/{PILOT}").text
    link = re.search(rf'href="(/pilots/{PILOT}/figures\?indicator=EECO01&amp;period=[^"]+)"', page)
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
        "pilot": PILOT, "indicator": "EECO01", "period": period.group(1),
        "known_at": registered}).json()["events"]
    assert sorted(set(events)) == sorted(e["id"] for e in named if e["id"].startswith(PILOT))


def test_the_pilot_page_shows_the_quality_findings_of_the_view(as_: SignIn) -> None:
    client = as_("officer")
    findings = client.get("/api/v1/views/quality", params={"pilot": PILOT}).json()["findings"]
    assert findings
    page = client.get(f"/pilots/{PILOT}").text
    section = html.unescape(page[page.index('id="quality"'):page.index('id="stage"')])
    for finding in findings:
        assert f"<code>{finding['code']}</code>" in section
        assert finding["message"] in section
    assert all(f'#{f["id"]}"' in section for f in findings if f["id"])


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
    changes = page.text.split('id="changes"')[1].split('id="events"')[0]
    rows = re.findall(r"<tr><td data-label=\"Row\">.*?</tr>", changes, re.S)
    assert rows
    for row in rows:  # each changed row links to the events behind it
        assert re.search(rf'<a href="[^"]*#{PILOT}@\d+">{PILOT}@\d+</a>', row), row
    assert as_("lead").get(f"/pilots/{PILOT}/diff").status_code == 403


def test_the_diff_page_pairs_a_redefined_row_and_names_a_missing_value(as_: SignIn) -> None:
    page = as_("evaluator").get(f"/pilots/{PILOT}/diff?from_known_at=2022-06-01"
                                "&to_known_at=2022-12-31").text  # PART revised on 2022-06-15
    changes = html.unescape(page.split('id="changes"')[1].split('id="events"')[0])
    values = re.findall(r"<li>([^<]*)</li>", changes)

    assert "indicator_version: 1 → 2" in values  # one change, not a removal and an addition
    assert [v for v in values if re.fullmatch(r"actual: \(none\) → \d+", v)]
    assert not [v for v in values if v.endswith(("→ ", ": "))]


@pytest.mark.parametrize("query", ["from_knwon_at=2022-06-30", "as_of=2022-06-30",
                                   "to_known_at=2022-12-31&pilot=SEED-GR-02"])
def test_the_diff_page_refuses_a_query_parameter_it_does_not_take(as_: SignIn,
                                                                  query: str) -> None:
    page = as_("evaluator").get(f"/pilots/{PILOT}/diff?{query}")

    assert page.status_code == 400
    (said,) = re.findall(r'<p class="error" role="alert">([^<]*)</p>', page.text)
    unknown = [name for name in re.findall(r"(\w+)=", query) if not name.startswith(
        ("from_", "to_")) or name == "from_knwon_at"]
    assert said == f"this page takes no query parameter {', '.join(unknown)}"
    assert "it takes from_as_of, from_known_at, to_as_of, to_known_at" in page.text


@pytest.mark.parametrize("demo", DEMO_ACCOUNTS, ids=lambda d: d.login)
def test_each_demo_account_signs_in_and_sees_its_roles_pages(pages_store: str,
                                                            demo: DemoAccount) -> None:
    from fastapi.testclient import TestClient

    from scaletrack.server.app import create_app

    menus = {Role.ADMIN: {"Portfolio", "Centres", "Period reports", "Import", "Audit"},
             Role.LEAD: {"Portfolio", "Centres", "Period reports", "Import"},
             Role.OFFICER: {"Portfolio", "Centres", "Period reports"},
             Role.EVALUATOR: {"Portfolio", "Centres", "Period reports"},
             Role.AUDITOR: {"Portfolio", "Centres", "Period reports", "Audit"}}
    with TestClient(create_app(pages_store), follow_redirects=False) as client:
        signed = post_sign_in(client, {"login": demo.login, "password": demo.password})
        assert signed.status_code == 303
        assert signed.headers["location"] == "/"
        home = client.get("/")
        assert home.status_code == 200
        nav = re.search(r'<nav aria-label="Main">(.*?)</nav>', home.text, re.S)
        assert nav
        assert set(re.findall(r'<a href="[^"]*"[^>]*>([^<]+)</a>', nav.group(1))) == \
            menus[demo.role]


def test_statuses_and_stages_read_as_words_where_people_read_them(as_: SignIn) -> None:
    page = as_("evaluator").get(f"/pilots/{PILOT}?as_of=2022-06-30").text
    statuses = re.findall(r'class="status-([a-z-]+)">([^<]*)</td>', page)

    assert ("not-due-yet", "not due yet") in statuses
    assert {code for code, _ in statuses} & {"on-track", "at-risk", "off-track"}
    assert all(shown == code.replace("-", " ") or code == "left-open"
               for code, shown in statuses), statuses
    assert re.search(r"<dt>Stage</dt><dd>[a-z ]+</dd>", page)
    history = page[page.index('id="stage"'):]
    assert "proposed → readiness assessed" in history[:history.index("</ol>")]
    periods = page[page.index('id="periods"'):page.index('id="decisions"')]
    assert re.findall(r'data-label="Status">([^<]*)</td>', periods)
    assert "-" not in "".join(re.findall(r'data-label="Status">([^<]*)</td>', periods))


def test_a_closed_pilot_is_not_rated_after_its_closure_and_left_its_risks_open(
        as_: SignIn) -> None:
    page = as_("evaluator").get("/pilots/PENCIL-FI-01").text
    risks = page[page.index('id="risks"'):]  # it stopped with risks open
    start = page.index('id="ind-EECO01"')
    part = page[start:page.index("</section>", start)]  # 109 of 110 by its closure

    assert "left open at closure" in risks[:risks.index("</ul>")]
    assert part.count('class="status-closed">closed</td>') == 3
    after = part[part.index('<td data-label="Period">2022-Q4</td>'):]  # after its closure
    assert "off-track" not in after
    assert "at-risk" not in after
    assert re.search(r'id="rating">On track from 90\s*%, at risk from 60\s*%', page)


def test_the_portfolio_sums_only_what_adds_up_and_says_what_it_cannot_split(
        as_: SignIn) -> None:
    home = as_("lead").get("/?country=EE")
    assert home.status_code == 200
    roll_ups = home.text[home.text.index('id="roll-ups"'):home.text.index('id="esf"')]
    # participants in EE: the EE part of country breakdowns, the rest shown apart
    assert "Participants and results, to date: EE" in roll_ups
    assert "Not broken down by country" in roll_ups
    assert "ESIA-DK-01, ESIA-EE-01" in roll_ups
    # a fidelity score does not add up: per pilot, with a median, never a sum
    fidelity = roll_ups[roll_ups.index("(FIDELITY)"):]
    assert "per pilot, not summed" in fidelity[:fidelity.index("</tr>")]
    assert "median" in fidelity[:fidelity.index("</tr>")]
    esf = home.text[home.text.index('id="esf"'):home.text.index('id="countries"')]
    assert "(EECO01)" in esf
    assert "(SITES)" not in esf  # not an ESF+ common indicator
    assert "(FIDELITY)" not in esf
    # the age bands are EECO01's breakdown, one figure each, never a row of their own
    assert "Young people between 18 and 29 years of age (EECO07)" in esf
    assert "(EECO07)</span></td>" not in esf


@pytest.mark.parametrize("login", READERS)
def test_the_pilot_page_shows_its_money_from_the_finance_view(as_: SignIn, login: str) -> None:
    page = as_(login).get(f"/pilots/{PILOT}").text
    money = page[page.index('<h2 id="money">'):]
    for label in ("Committed", "Paid", "Expenditure declared", "EU contribution",
                  "Co-financing rate (EU share)", "Cost per participant (computed)",
                  "Cost per beneficiary (stated in the business model)", "Budget by source",
                  "easi-2014-2020", "esf-technical-assistance", "Expenditure declared per period",
                  "2022-Q1"):
        assert label in money, label
    assert "/api/v1/views/finance?format=csv&amp;pilot=SEED-GR-01" in money


def test_a_pilot_whose_costs_disagree_shows_the_finding(as_: SignIn) -> None:
    page = as_("officer").get("/pilots/PENCIL-FI-01").text
    assert "Finding cost-disagrees:" in page
    assert "Finding cost-disagrees:" not in as_("officer").get(f"/pilots/{PILOT}").text


def test_the_decision_log_shows_evaluation_and_adoption_detail(as_: SignIn) -> None:
    page = as_("evaluator").get("/pilots/ESIA-DK-01")
    assert page.status_code == 200
    decisions = html.unescape(page.text.split('id="decisions"')[1].split('id="stage"')[0])
    assert "evaluation completed" in decisions
    assert re.search(r"Design: (experimental|quasi-experimental|before-after|qualitative)",
                     decisions)
    assert re.search(r"Independence: (internal|external|independent)", decisions)
    assert re.search(r"Evidence level \(1-5\): [1-5]", decisions)
    assert re.search(r"Budget: [\d,]+(\.\d+)?\xa0EUR", decisions)
    assert "Approved by: None" not in decisions  # a detail not stated is left out


def test_the_decision_log_reads_as_a_person_expects(as_: SignIn) -> None:
    page = as_("evaluator").get(f"/pilots/{PILOT}").text
    decisions = html.unescape(page.split('id="decisions"')[1].split('id="quality"')[0])
    details = [re.sub(r"<[^>]+>", "", cell) for cell in
               re.findall(r'data-label="Details">(.*?)</td>', decisions, re.S)]

    assert re.search(r"ESF\+-funded: (yes|no)", decisions)
    assert re.search(r"Duration: \d+ months?", decisions)
    assert re.search(r"Budget: \d{1,3}(,\d{3})*\xa0EUR", decisions)  # as the money facts
    assert re.search(r"Revenue mix: \w+ \d+\xa0%", decisions)
    assert "From stage: proposed; To stage: readiness assessed" in details
    assert ">HR process changed</a>" in decisions
    assert not [d for d in details if re.search(r"\b[a-z]+_[a-z_]+: |True|False|None", d)]


def test_a_fidelity_score_shows_as_a_point_on_its_scale_not_a_percent(as_: SignIn) -> None:
    page = as_("lead").get("/pilots/ESIA-DK-01").text
    fidelity = page[page.index('id="ind-FIDELITY"'):]
    fidelity = fidelity[:fidelity.index("</table>")]
    assert re.search(r"score [1-5] of 5", fidelity)
    assert "%</" not in fidelity


@pytest.mark.parametrize(("as_of", "status"), [("2023-08-15", "due"), ("", "overdue")])
def test_the_portfolio_lists_the_follow_ups_the_progress_view_lists(as_: SignIn, as_of: str,
                                                                    status: str) -> None:
    client = as_("officer")
    point = {"as_of": as_of} if as_of else {}
    view = client.get("/api/v1/views/progress", params=point).json()
    expected = [(row["pilot"], f["left_in"], f["period"], f["due_on"], f["status"])
                for row in view["pilots"] for f in row["follow_ups"]]
    page = client.get("/", params=point).text
    section = html.unescape(page[page.index('id="follow-ups"'):page.index('id="pathways"')])
    rows = re.findall(r'>([A-Z]+-[A-Z]{2}-\d+)</a></td>\s*<td data-label="Left in">(\S+)</td>'
                      r'.*?>EECR05 for (\S+)</td>\s*<td data-label="Due on">(\S+)</td>'
                      r'\s*<td data-label="Status" class="status-([a-z]+)">([a-z ]+)</td>',
                      section, re.S)

    assert expected
    assert status in {row[4] for row in expected}
    assert [row[:5] for row in rows] == expected
    assert all(shown == code for *_, code, shown in rows)  # one word each: due, overdue
    assert re.search(r'data-label="Who left">\d+ \(EECR0[1-4]\)', section)


def test_the_history_page_labels_each_events_fields_in_words(as_: SignIn) -> None:
    page = html.unescape(as_("auditor").get(f"/pilots/{PILOT}/history").text)
    whats = re.findall(r'data-label="What">([^<]*)</td>', page)
    details = re.findall(r'data-label="Details">(.*?)</td>', page, re.S)

    assert "stage advanced" in whats
    assert "HR process changed" in whats
    assert not [w for w in whats if "-" in w]
    assert "From stage: proposed; To stage: readiness assessed" in details
    assert any(re.search(r"Amount: \d{1,3}(,\d{3})+\xa0EUR", d) for d in details)
    assert any("Originator approval required: yes" in d for d in details)
    assert not [d for d in details if re.search(r"\b[a-z]+_[a-z_]+: |True|False", d)]
    assert not [d for d in details if re.search(r"Corrects: |Retracts: ", d)]  # linked apart
