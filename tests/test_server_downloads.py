"""Downloads over HTTP: a report as `scaletrack report` writes it (regenerable from its
basis), and a view as the CSV or XLSX file `--format csv|xlsx` writes."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from serving import Deployment

RESULT = {"kind": "result", "indicator": "PART", "period": "2022-Q1", "value": 10,
          "occurred_on": "2022-03-31"}


@pytest.fixture
def with_a_result(served: Deployment) -> Deployment:
    assert served.post("/api/v1/pilots/SEED-GR-01/events", "ana", json=RESULT).status_code \
        == 201
    return served


def test_a_pilot_report_downloads_as_pdf_and_checks_against_its_basis(
        with_a_result: Deployment, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from scaletrack.cli.main import cli

    answer = with_a_result.get("/api/v1/reports", "ana",
                               params={"pilot": "SEED-GR-01", "format": "pdf"})
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "application/pdf"
    assert 'filename="scaletrack-report-SEED-GR-01.pdf"' in answer.headers[
        "content-disposition"]
    saved = tmp_path / "scaletrack-report-SEED-GR-01.pdf"
    saved.write_bytes(answer.content)
    checked = CliRunner().invoke(cli, ["--db", with_a_result.url, "report", "--check",
                                       str(saved)])
    assert checked.exit_code == 0, checked.output


def test_a_report_at_a_point_needs_the_right_to_read_at_a_point(
        with_a_result: Deployment) -> None:
    asked = {"consortium": "SEED", "format": "html", "known_at": "2030-01-01"}
    assert with_a_result.get("/api/v1/reports", "ana", params=asked).status_code == 403
    answer = with_a_result.get("/api/v1/reports", "eva", params=asked)
    assert answer.status_code == 200
    assert "scaletrack report --consortium SEED" in answer.text
    assert with_a_result.get("/api/v1/reports", params=asked).status_code == 401


def test_a_view_downloads_as_csv_and_as_xlsx_with_its_basis(with_a_result: Deployment
                                                             ) -> None:
    asked: dict[str, Any] = {"pilot": "SEED-GR-01", "as_of": "2022-12-31"}
    csv = with_a_result.get("/api/v1/views/impact", "eva", params={**asked, "format": "csv"})
    assert csv.status_code == 200, csv.text
    assert csv.headers["content-type"].startswith("text/csv")
    assert "SEED-GR-01" in csv.text
    xlsx = with_a_result.get("/api/v1/views/impact", "eva",
                             params={**asked, "format": "xlsx"})
    assert xlsx.status_code == 200
    book = load_workbook(io.BytesIO(xlsx.content))
    assert "--as-of 2022-12-31" in (book.properties.description or "") + \
        (book.properties.subject or "") + (book.properties.keywords or "")
    document = with_a_result.get("/api/v1/views/impact", "eva", params=asked)
    assert document.headers["content-type"] == "application/json"


def test_an_unknown_file_format_is_400(served: Deployment) -> None:
    answer = served.get("/api/v1/views/impact", "eva", params={"format": "docx"})
    assert answer.status_code == 400
    assert answer.json()["field"] == "format"
