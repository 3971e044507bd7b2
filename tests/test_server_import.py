"""Import over HTTP: the CLI's row-by-row problems, dry run, then record; each row
authorised for the signed-in account, who records it; size limits; a refused file
changes nothing."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from openpyxl import Workbook

from scaletrack.server.imports import MAX_IMPORT_BYTES
from serving import Deployment

HEADER = "kind,pilot,indicator,period,value,breakdown,occurred_on,actor\n"
GOOD = ("result,SEED-GR-01,PART,2022-Q1,10,sex:women=6; sex:men=4,2022-03-31,Mallory\n"
        "result,SEED-GR-01,PART,2022-Q2,12,,2022-06-30,\n")
BAD_VALUE = "result,SEED-GR-01,PART,2022-Q3,many,,2022-09-30,\n"
OTHER_CONSORTIUM = "result,FUSE-IE-01,PART,2022-Q1,5,,2022-03-31,\n"


def upload(served: Deployment, login: str, text: str | bytes, *, name: str = "q.csv",
           dry_run: bool = False, **fields: Any) -> Any:
    data = text.encode() if isinstance(text, str) else text
    return served.post("/api/v1/imports", login, files={"file": (name, data)},
                       data={"dry_run": str(dry_run).lower(), **fields})


def test_a_dry_run_reports_every_problem_in_place_and_records_nothing(
        served: Deployment) -> None:
    before = served.head()
    answer = upload(served, "ana", HEADER + GOOD + BAD_VALUE + OTHER_CONSORTIUM, dry_run=True)
    assert answer.status_code == 400
    body = answer.json()
    assert body["error"] == "2 problems; nothing from q.csv was imported"
    assert body["field"] == "file"
    assert body["hint"]
    problems = body["files"][0]["problems"]
    assert [(p["row"], p["column"], p["value"]) for p in problems] == [
        (4, "value", "many"), (5, "pilot", "FUSE-IE-01")]
    assert "ana may not write pilot in FUSE" in problems[1]["expected"]
    assert served.head() == before


def test_the_same_rows_as_the_cli_reports(served: Deployment, tmp_path: Any, cli: Any
                                          ) -> None:
    """The problems are the importer's own: the CLI's --json lists the same ones."""
    path = tmp_path / "q.csv"
    path.write_text(HEADER + GOOD + BAD_VALUE)
    result = cli("--db", served.url, "import", str(path), "--dry-run", "--json",
                 "--actor", "ana")
    assert result.exit_code == 2
    cli_problems = json.loads(result.stdout)["files"][0]["problems"]
    api_problems = upload(served, "ana", HEADER + GOOD + BAD_VALUE,
                          dry_run=True).json()["files"][0]["problems"]
    assert api_problems == cli_problems


def test_the_cli_imports_through_a_server_with_the_local_output_and_codes(
        served: Deployment, address: str, cli: Any, tmp_path: Any,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCALETRACK_TOKEN", served.tokens["ana"])
    bad, good = tmp_path / "bad.csv", tmp_path / "q.csv"
    bad.write_text(HEADER + GOOD + BAD_VALUE)
    good.write_text(HEADER + GOOD)
    for args in (["--dry-run"], ["--dry-run", "--json"]):
        local = cli("--db", served.url, "import", str(bad), "--actor", "ana", *args)
        remote = cli("--server", address, "import", str(bad), *args)
        assert (remote.exit_code, remote.stdout, remote.stderr) == (
            local.exit_code, local.stdout, local.stderr)
    done = cli("--server", address, "import", str(good), "--json")
    assert done.exit_code == 0, done.stderr
    assert json.loads(done.stdout)["recorded"] == 2
    events = served.get("/api/v1/pilots/SEED-GR-01/events", "ana").json()
    assert {e["actor"] for e in events if e["type"] == "pilot.result-reported"} == {
        "Ana Rossi (ana)"}
    monkeypatch.setenv("SCALETRACK_TOKEN", served.tokens["eva"])
    assert cli("--server", address, "import", str(good)).exit_code == 1  # 403


def test_a_clean_dry_run_says_what_would_be_recorded_then_the_upload_records_it(
        served: Deployment) -> None:
    before = served.head()
    dry = upload(served, "ana", HEADER + GOOD, dry_run=True)
    assert dry.status_code == 200, dry.text
    document = dry.json()
    assert document["dry_run"] is True
    assert document["recorded"] == 2
    assert document["files"][0]["written"] is False
    assert document["recorded_by"] == "Ana Rossi (ana)"
    assert served.head() == before

    done = upload(served, "ana", HEADER + GOOD)
    assert done.status_code == 200, done.text
    assert done.json()["recorded"] == 2
    assert done.json()["files"][0]["written"] is True
    assert done.json()["sha256"] == document["sha256"]
    events = served.get("/api/v1/pilots/SEED-GR-01/events", "ana").json()
    results = [e for e in events if e["type"] == "pilot.result-reported"]
    assert len(results) == 2
    # the signed-in account records every row, whatever the actor column says
    assert {e["actor"] for e in results} == {"Ana Rossi (ana)"}
    assert {e["source"] for e in results} == {"import"}
    stamps = [e["recorded_at"] for e in events]
    assert stamps == sorted(stamps)

    again = upload(served, "ana", HEADER + GOOD)
    assert again.json()["recorded"] == 0
    assert again.json()["skipped"] == 2


def test_a_lead_may_import_only_its_consortias_pilots(served: Deployment) -> None:
    before = served.head()
    answer = upload(served, "fiona", HEADER + GOOD)
    assert answer.status_code == 400
    problems = answer.json()["files"][0]["problems"]
    assert {(p["row"], p["column"]) for p in problems} == {(2, "pilot"), (3, "pilot")}
    assert served.head() == before
    assert upload(served, "fiona", HEADER + OTHER_CONSORTIUM).status_code == 200


def test_an_admin_imports_consortia_but_not_pilot_rows(served: Deployment) -> None:
    consortium = ("kind,consortium,name,lead,countries,occurred_on\n"
                  "consortium,ESIA,European SI Alliance,DE partners,DE; DK,2022-01-05\n")
    assert upload(served, "root", consortium, dry_run=True).status_code == 200, \
        upload(served, "root", consortium, dry_run=True).text
    refused = upload(served, "root", HEADER + GOOD, dry_run=True)
    assert refused.status_code == 400
    assert "root may not write pilot" in refused.json()["files"][0]["problems"][0]["expected"]


@pytest.mark.parametrize("login", ["olga", "eva", "aud"])
def test_readers_and_officers_may_not_import(served: Deployment, login: str) -> None:
    before = served.head()
    answer = upload(served, login, HEADER + GOOD)
    assert answer.status_code == 403
    assert set(answer.json()) == {"error", "hint", "field"}
    assert served.head() == before


def test_not_signed_in_gets_401(served: Deployment) -> None:
    assert upload(served, "", HEADER + GOOD).status_code == 401


def test_an_xlsx_upload_is_read_like_a_csv(served: Deployment) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for line in (HEADER + GOOD).splitlines():
        sheet.append(line.split(","))
    data = io.BytesIO()
    book.save(data)
    answer = upload(served, "ana", data.getvalue(), name="q.xlsx", dry_run=True)
    assert answer.status_code == 200, answer.text
    assert answer.json()["recorded"] == 2


def test_a_file_beyond_the_limit_gets_413_in_the_error_shape(served: Deployment) -> None:
    before = served.head()
    answer = upload(served, "ana", b"x" * (MAX_IMPORT_BYTES + 1))
    assert answer.status_code == 413
    assert set(answer.json()) == {"error", "hint", "field"}
    assert answer.json()["field"] == "file"
    assert served.head() == before


@pytest.mark.parametrize(("name", "data"), [("q.txt", b"kind\n"), ("q.xlsx", b"not a zip")])
def test_an_unreadable_file_gets_400(served: Deployment, name: str, data: bytes) -> None:
    answer = upload(served, "ana", data, name=name)
    assert answer.status_code == 400
    assert answer.json()["field"] == "file"


def test_the_import_endpoint_is_in_the_openapi_document(served: Deployment) -> None:
    paths = served.get("/openapi.json").json()["paths"]
    assert "413" in paths["/api/v1/imports"]["post"]["responses"]


def test_a_template_is_pre_filled_for_the_account_with_drop_down_lists(
        served: Deployment) -> None:
    from openpyxl import load_workbook

    answer = served.get("/api/v1/imports/template", "ana",
                        params={"kind": "result", "format": "xlsx"})
    assert answer.status_code == 200, answer.text
    assert "scaletrack-result.xlsx" in answer.headers["content-disposition"]
    book = load_workbook(io.BytesIO(answer.content))
    rows = book["rows"]
    header = [c.value for c in rows[1]]
    assert "actor" not in header  # whoever imports the file records it
    data = [dict(zip(header, (c.value for c in row), strict=True))
            for row in rows.iter_rows(min_row=3)]
    assert {r["pilot"] for r in data} == {"SEED-GR-01"}  # ana's pilots only
    assert [r["period"] for r in data][:2] == ["2022-Q1", "2022-Q2"]
    lists = {str(v.sqref).split(":")[0].rstrip("0123456789"): v.formula1
             for v in rows.data_validations.dataValidation}
    column = {name: chr(ord("A") + i) for i, name in enumerate(header)}
    assert {column["pilot"], column["indicator"], column["period"]} <= set(lists)
    choices = book["choices"]
    assert choices.sheet_state == "hidden"
    assert choices["A1"].value == "result"
    assert choices["A2"].value is None

    # filled in and uploaded, it records (the rows left out are deleted)
    for row in rows.iter_rows(min_row=3, max_row=3):
        row[header.index("indicator")].value = "PART"
        row[header.index("value")].value = 7
    rows.delete_rows(4, rows.max_row)
    filled = io.BytesIO()
    book.save(filled)
    done = upload(served, "ana", filled.getvalue(), name="filled.xlsx")
    assert done.status_code == 200, done.text
    assert done.json()["recorded"] == 1


def test_a_fuse_leads_csv_template_names_fuse_pilots(served: Deployment) -> None:
    answer = served.get("/api/v1/imports/template", "fiona",
                        params={"kind": "risk-raised", "format": "csv"})
    assert answer.status_code == 200
    lines = answer.text.splitlines()
    assert [line.split(",")[1] for line in lines[2:]] == ["FUSE-IE-01"]


def test_a_template_of_an_unknown_kind_is_400(served: Deployment) -> None:
    answer = served.get("/api/v1/imports/template", "ana", params={"kind": "nonsense"})
    assert answer.status_code == 400
    assert answer.json()["field"] == "kind"
    assert served.get("/api/v1/imports/template", "eva",
                      params={"kind": "result"}).status_code == 403


def test_a_clean_dry_run_is_confirmed_by_its_digest_by_the_same_account_once(
        served: Deployment) -> None:
    sha = upload(served, "ana", HEADER + GOOD, dry_run=True).json()["sha256"]
    before = served.head()
    assert served.post(f"/api/v1/imports/{sha}/confirmation", "fiona").status_code == 404
    assert served.head() == before
    done = served.post(f"/api/v1/imports/{sha}/confirmation", "ana")
    assert done.status_code == 200, done.text
    assert done.json()["recorded"] == 2
    assert done.json()["dry_run"] is False
    again = served.post(f"/api/v1/imports/{sha}/confirmation", "ana")
    assert again.status_code == 404
    assert set(again.json()) == {"error", "hint", "field"}


def test_a_file_with_problems_is_not_kept_to_confirm(served: Deployment) -> None:
    sha = upload(served, "ana", HEADER + BAD_VALUE, dry_run=True).json()["sha256"]
    assert served.post(f"/api/v1/imports/{sha}/confirmation", "ana").status_code == 404


def test_amendment_rows_are_checked_as_the_registrations_they_amend(
        served: Deployment) -> None:
    pilot = ("kind,pilot,title,reason,occurred_on\n"
             "pilot-amended,SEED-GR-01,SI mapping in twelve cities,Typo,2022-06-01\n")
    consortium = ("kind,consortium,lead,reason,occurred_on\n"
                  "consortium-amended,SEED,City of Turin (Italy),Typo,2022-06-01\n")
    before = served.head()
    assert upload(served, "fiona", pilot, dry_run=True).status_code == 400
    assert upload(served, "ana", consortium, dry_run=True).status_code == 400
    assert served.head() == before
    assert upload(served, "ana", pilot).status_code == 200
    assert upload(served, "root", consortium).status_code == 200
    assert served.head()[0] == before[0] + 2
