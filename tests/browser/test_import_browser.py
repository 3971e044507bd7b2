"""A lead imports a spreadsheet in Debian's chromium: a bad row is shown in place, the
fixed file is checked, what would be recorded is shown, and confirming records it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from accessibility import problems
from live import LiveServer, sign_in

from people import copy_store, with_people
from scaletrack.server.app import create_app

PILOT = "SEED-GR-01"
HEADER = "kind,pilot,indicator,period,value,breakdown,occurred_on\n"
RESULT = "result,SEED-GR-01,EECO12,2023-Q2,{value},sex:women=5; sex:men={men},2023-06-30\n"


@pytest.fixture(scope="module")
def served(demo_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    store = with_people(copy_store(demo_url, tmp_path_factory.mktemp("import")))
    with LiveServer(create_app(store)) as server:
        yield server


def test_a_lead_fixes_a_bad_row_in_place_and_confirms_the_import(
        page: Any, served: LiveServer, shoot: Any, tmp_path: Path) -> None:
    sign_in(page, served, "lead")
    page.get_by_role("link", name="Import").click()
    page.wait_for_url(f"{served.url}/import")

    bad = tmp_path / "q2-results.csv"
    bad.write_text(HEADER + RESULT.format(value="9", men="3") + RESULT.format(value="nine",
                                                                              men="4"))
    page.get_by_label(re.compile(r"^File \(")).set_input_files(str(bad))
    page.get_by_role("button", name="Check the file").click()
    heading = page.locator("#report-heading")
    assert "nothing was recorded" in heading.inner_text()
    # each problem stands in its row and column, as in the file
    cell = page.locator("#row-2 td[data-column='breakdown']")
    assert cell.get_attribute("aria-invalid") == "true"
    assert "add up to" in cell.locator(".error").inner_text()
    value = page.locator("#row-3 td[data-column='value']")
    assert value.get_attribute("aria-invalid") == "true"
    assert page.locator("#problems tbody tr").count() == 2
    assert page.locator("#confirm").count() == 0
    assert problems(page) == []  # labels, contrast, headings, also with the report shown
    shoot("problems")

    fixed = tmp_path / "q2-results.csv"
    fixed.write_text(HEADER + RESULT.format(value="9", men="4"))
    page.get_by_label(re.compile(r"^File \(")).set_input_files(str(fixed))
    page.get_by_role("button", name="Check the file").click()
    assert "What would be recorded from q2-results.csv" in heading.inner_text()
    assert page.locator("#kinds tbody tr", has_text="result").locator("td").nth(1) \
        .inner_text() == "1"
    shoot("would-record")
    page.get_by_role("button", name="Record them").click()
    page.wait_for_url(f"{served.url}/import/confirm")
    assert "Recorded 1 row of q2-results.csv." in page.locator(".notice").inner_text()
    shoot("recorded")

    page.goto(f"{served.url}/pilots/{PILOT}/history")
    newest = page.locator("tbody tr").last
    assert "Lea Lead (lead)" in newest.inner_text()
    assert "import" in newest.inner_text()
    page.goto(f"{served.url}/import")  # the last sight saved: the page as it opens
