"""The journeys people take, in Debian's chromium against the server on a copy of the demo."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from accessibility import problems
from live import LiveServer, sign_in

from people import copy_store, with_people
from scaletrack.application.ledger import Ledger
from scaletrack.application.queries.history import pilot_history
from scaletrack.application.store import StoreURL
from scaletrack.server.app import create_app

PILOT = "SEED-GR-01"


@pytest.fixture(scope="module")
def store(demo_url: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    return with_people(copy_store(demo_url, tmp_path_factory.mktemp("journeys")))


@pytest.fixture(scope="module")
def served(store: str) -> Iterator[LiveServer]:
    with LiveServer(create_app(store)) as server:
        yield server


def impact_cell(page: Any, indicator: str, period: str, column: int = 3) -> str:
    row = page.locator(f"section[aria-labelledby='ind-{indicator}'] tbody tr",
                       has=page.locator(f"td:text-is('{period}')"))
    text: str = row.locator("td").nth(column).inner_text()
    return text.strip()


def test_a_lead_logs_a_result_and_sees_it_on_the_pilot_page_and_chart(
        page: Any, served: LiveServer, shoot: Any) -> None:
    sign_in(page, served, "lead")
    page.goto(f"{served.url}/pilots/{PILOT}")
    page.get_by_label("What happened").select_option("result")
    page.get_by_role("button", name="Open the form").click()
    page.get_by_label("Indicator").select_option("EECO12")  # EECO01 is reported for 2023-Q2 already
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Period").fill("2023-Q2")
    page.get_by_label("Value").fill("12")
    page.get_by_label("women").fill("7")
    page.get_by_label("men", exact=True).fill("4")
    assert page.locator("fieldset[data-dimension='sex'] output").inner_text() == "11"
    page.get_by_role("button", name="Record").click()
    beside = page.locator("#e-breakdown")  # the domain's message, beside the breakdown
    assert "add up to 11, not 12" in beside.inner_text()
    assert page.get_by_label("Value").input_value() == "12"  # what was typed is kept
    shoot("refused")
    page.get_by_label("men", exact=True).fill("5")
    page.get_by_role("button", name="Record").click()
    page.wait_for_url(re.compile(rf".*/pilots/{PILOT}\?recorded=.*"))
    assert "Recorded SEED-GR-01@" in page.locator(".notice").inner_text()
    assert impact_cell(page, "EECO12", "2023-Q2") == "12\u00a0participants"
    bar = page.locator("section[aria-labelledby='ind-EECO12'] svg title",
                       has_text="2023-Q2: actual 12")
    assert bar.count() == 1


def test_a_lead_submits_a_quarter_and_an_officer_approves_it(
        browser: Any, page: Any, served: LiveServer, shoot: Any) -> None:
    sign_in(page, served, "lead")
    page.goto(f"{served.url}/pilots/{PILOT}#periods")
    page.get_by_label("Submit the report of a period").fill("2023-Q3")
    page.get_by_role("button", name="Prepare the submission").click()
    page.get_by_role("button", name="Record").click()
    page.wait_for_url(re.compile(r".*recorded=.*"))
    shoot("submitted")
    page.context.clear_cookies()
    sign_in(page, served, "officer")
    page.goto(f"{served.url}/periods")
    page.get_by_role("button", name=f"Approve {PILOT} 2023-Q3").click()
    page.wait_for_url(re.compile(r".*/periods\?decided=.*"))
    assert "Recorded SEED-GR-01@" in page.locator(".notice").inner_text()
    page.goto(f"{served.url}/pilots/{PILOT}")
    row = page.locator("#periods ~ div table tbody tr", has=page.locator("td:text-is('2023-Q3')"))
    assert row.locator("td").nth(1).inner_text() == "approved"


@pytest.fixture(scope="module")
def corrected_result(store: str) -> tuple[str, str, datetime]:
    """A demo result that a correction changed: indicator, period, and a moment in between."""
    ledger = Ledger(StoreURL.parse(store))
    try:
        records = pilot_history(ledger, PILOT)
    finally:
        ledger.close()
    for record in records:
        data = record["data"]
        if record["type"] == "pilot.entry-corrected" and \
                data.get("corrected_type") == "pilot.result-reported":
            corrected = datetime.fromisoformat(str(record["recorded_at"]))
            return str(data["data"]["indicator"]), str(data["data"]["period"]), \
                corrected - timedelta(seconds=1)
    raise AssertionError("the demo corrects a result of SEED-GR-01")


def test_an_evaluator_moves_known_at_back_and_sees_the_earlier_value(
        page: Any, served: LiveServer, corrected_result: tuple[str, str, datetime]) -> None:
    indicator, period, before = corrected_result
    sign_in(page, served, "evaluator")
    page.goto(f"{served.url}/pilots/{PILOT}")
    now = impact_cell(page, indicator, period)
    page.get_by_label("Known at (moment, UTC)").fill(before.strftime("%Y-%m-%dT%H:%M:%SZ"))
    page.get_by_role("button", name="Show this point").click()
    page.wait_for_url(re.compile(r".*known_at=.*"))
    earlier = impact_cell(page, indicator, period)
    assert earlier != now
    assert "known at" in page.locator(".showing").inner_text()
    assert "sha256:" in page.locator(".digest").inner_text()
    page.locator(f"section[aria-labelledby='ind-{indicator}'] tbody tr",
                 has=page.locator(f"td:text-is('{period}')")).locator("td").nth(3) \
        .get_by_role("link").click()
    page.wait_for_url(re.compile(r".*/figures\?.*known_at=.*"))
    assert page.locator("#events-behind tbody tr").count() >= 1


def test_an_auditor_downloads_a_bundle_and_verifies_it(
        page: Any, served: LiveServer, tmp_path: Path) -> None:
    sign_in(page, served, "auditor")
    page.goto(f"{served.url}/audit")
    assert "sha256:" in page.locator("#digest-line").inner_text()
    page.get_by_label("Pilot (optional)").select_option(PILOT)
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the bundle").click()
    bundle = tmp_path / "bundle.zip"
    download.value.save_as(bundle)
    page.goto(f"{served.url}/audit")
    page.get_by_label("Bundle (.zip)").set_input_files(str(bundle))
    page.get_by_role("button", name="Verify").click()
    assert page.locator("#verdict-heading").inner_text() == "Valid: bundle.zip"


@pytest.mark.parametrize(("login", "path"), [
    ("evaluator", "/"), ("evaluator", f"/pilots/{PILOT}"),
    ("evaluator", f"/pilots/{PILOT}/history"),
    ("evaluator", f"/pilots/{PILOT}/figures?indicator=EECO01"),
    ("lead", f"/pilots/{PILOT}/log?kind=result&indicator=EECO01"),
    ("lead", f"/pilots/{PILOT}/log?kind=business-model"), ("officer", "/periods"),
    ("auditor", "/audit")])
def test_the_main_pages_pass_our_accessibility_checks(page: Any, served: LiveServer,
                                                       login: str, path: str) -> None:
    sign_in(page, served, login)
    page.goto(f"{served.url}{path}")
    assert problems(page) == []


def test_the_pilot_page_fits_a_phone(page: Any, served: LiveServer, shoot: Any) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, served, "evaluator")
    page.goto(f"{served.url}/pilots/{PILOT}")
    wide = page.evaluate("""[...document.querySelectorAll('body *')].filter(e =>
        e.getBoundingClientRect().right > 391 && ![...e.children].some(c =>
        c.getBoundingClientRect().right > 391)).slice(0, 4).map(e =>
        e.tagName + ' ' + e.textContent.slice(0, 60))""")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, wide  # what is wider
    assert page.locator("svg.chart").first.bounding_box()["width"] <= 390
    shoot("top", full=False)
    page.locator("#ind-EECO01").scroll_into_view_if_needed()
    shoot("chart", full=False)
