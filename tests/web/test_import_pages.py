"""The import page through the ASGI app: problems in place, what would be recorded,
confirm; the pre-filled template; who may import."""

from __future__ import annotations

import io
import re

import pytest
from openpyxl import load_workbook

from people import SignIn

PILOT = "SEED-GR-01"
HEADER = "kind,pilot,indicator,period,value,occurred_on\n"
GOOD = f"result,{PILOT},EECO12,2023-Q2,9,2023-06-30\n"  # the demo reports EECO01
BAD = f"result,{PILOT},EECO12,2023-Q2,umpteen,2023-06-30\n"


def csrf(page: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found
    return found.group(1)


def check(client: object, text: str, name: str = "q.csv") -> object:
    form = client.get("/import").text  # type: ignore[attr-defined]
    return client.post("/import", data={"csrf_token": csrf(form)},  # type: ignore[attr-defined]
                       files={"file": (name, text.encode())})


def test_a_problem_is_shown_in_its_row_and_column_and_nothing_is_recorded(
        writing_as: SignIn) -> None:
    client = writing_as("lead")
    answer = check(client, HEADER + GOOD + BAD)
    assert answer.status_code == 400  # type: ignore[attr-defined]
    page = answer.text  # type: ignore[attr-defined]
    assert "1 problem in q.csv: nothing was recorded" in page
    row = re.search(r'<tr id="row-3".*?</tr>', page, re.S)
    assert row, "the row with the problem is shown as in the file"
    cell = re.search(r'<td class="invalid-cell" aria-invalid="true" data-column="value">umpteen'
                     r'\s*<p class="error">([^<]+)</p>', row.group(0))
    assert cell, "the message stands in the cell at fault"
    assert 'id="confirm"' not in page
    history = client.get(f"/pilots/{PILOT}/history").text
    assert "umpteen" not in history


def test_a_clean_file_shows_what_would_be_recorded_then_confirming_records_it(
        writing_as: SignIn) -> None:
    client = writing_as("lead")
    answer = check(client, HEADER + GOOD)
    page = answer.text  # type: ignore[attr-defined]
    assert answer.status_code == 200, page  # type: ignore[attr-defined]
    assert "What would be recorded from q.csv" in page
    assert "Each row would be recorded by Lea Lead (lead)" in page
    sha = re.search(r'name="sha256" value="([0-9a-f]{64})"', page)
    assert sha
    done = client.post("/import/confirm",
                       data={"csrf_token": csrf(page), "sha256": sha.group(1)})
    assert done.status_code == 200, done.text
    assert "Recorded 1 row of q.csv." in done.text
    assert 'id="confirm"' not in done.text
    again = check(client, HEADER + GOOD).text  # type: ignore[attr-defined]
    assert "Nothing new: every row is already recorded." in again


def test_a_lead_cannot_import_another_consortias_rows(writing_as: SignIn) -> None:
    answer = check(writing_as("fuse-lead"), HEADER + GOOD)
    assert answer.status_code == 400  # type: ignore[attr-defined]
    assert "may not write pilot in SEED" in answer.text  # type: ignore[attr-defined]


def test_a_confirmation_without_a_checked_file_is_refused(writing_as: SignIn) -> None:
    client = writing_as("lead")
    form = client.get("/import").text
    answer = client.post("/import/confirm", data={"csrf_token": csrf(form),
                                                   "sha256": "0" * 64})
    assert answer.status_code == 404
    assert "no checked upload" in answer.text


def test_the_template_is_pre_filled_with_the_leads_pilots(as_: SignIn) -> None:
    answer = as_("lead").get("/import/template?kind=result&format=xlsx")
    assert answer.status_code == 200
    rows = load_workbook(io.BytesIO(answer.content))["rows"]
    pilots = {row[1].value for row in rows.iter_rows(min_row=3)}
    assert pilots
    assert all(code.startswith("SEED-") for code in pilots)
    assert rows.data_validations.dataValidation


@pytest.mark.parametrize(("login", "status"), [("lead", 200), ("admin", 200),
                                                ("officer", 403), ("evaluator", 403),
                                                ("auditor", 403)])
def test_the_import_page_is_for_leads_and_admins(as_: SignIn, login: str, status: int) -> None:
    client = as_(login)
    assert client.get("/import").status_code == status
    assert ('href="/import"' in client.get("/").text) is (status == 200)


def test_the_import_page_asks_for_a_file_with_labelled_fields(as_: SignIn) -> None:
    page = as_("lead").get("/import").text
    assert '<label for="file">' in page
    assert '<label for="t-kind">' in page
    assert 'action="/import/template"' in page


def test_an_admin_gets_the_consortium_kinds_and_their_templates(as_: SignIn) -> None:
    client = as_("admin")
    page = client.get("/import").text
    kinds = re.findall(r'<option value="([a-z-]+)"', page)
    assert "consortium" in kinds
    assert {"organisation", "organisation-renamed"} <= set(kinds)
    assert "result" not in kinds
    answer = client.get("/import/template?kind=consortium-partner&format=xlsx")
    assert answer.status_code == 200
    rows = load_workbook(io.BytesIO(answer.content))["rows"]
    assert [c.value for c in rows[1]][:2] == ["kind", "consortium"]
