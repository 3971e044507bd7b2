"""Every view saved as a spreadsheet: ``--format table|json|csv|xlsx`` and ``-o FILE``."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from expect import refused

POINT = ["--as-of", "2022-10-31", "--known-at", "2022-10-31"]
VIEWS = ["progress", "impact", "portfolio", "decisions", "quality", "timeline"]


def test_impact_as_xlsx_has_numbers_where_the_json_has_numbers(
        demo_url: str, cli: Any, tmp_path: Path) -> None:
    book_path = tmp_path / "i.xlsx"
    assert cli("--db", demo_url, "impact", "--consortium", "SEED", *POINT, "--format", "xlsx",
               "-o", str(book_path)).exit_code == 0
    rows = cli("--db", demo_url, "impact", "--consortium", "SEED", *POINT, "--json"
               ).json()["rows"]
    book = load_workbook(book_path)
    sheet = book["rows"]
    assert sheet.freeze_panes == "A2"
    header = [c.value for c in sheet[1]]
    assert header == list(rows[0])
    assert all(c.font.bold for c in sheet[1])
    numbers = 0
    for row, cells in zip(rows, sheet.iter_rows(min_row=2), strict=True):
        for name, cell in zip(header, cells, strict=True):
            value = row[name]
            if isinstance(value, bool) or not isinstance(value, int | float):
                continue
            numbers += 1
            assert isinstance(cell.value, int | float), (name, cell.value)
            if name == "percent":
                assert cell.number_format == "0.0%"
                assert cell.value == pytest.approx(value / 100)
            else:
                assert cell.value == value
    assert numbers > 100
    digest = cli("--db", demo_url, "digest", "--known-at", "2022-10-31", "--json").json()
    assert book.properties.keywords == f"{digest['count']} events, head sha256:{digest['hash']}"
    assert book.properties.subject.startswith("scaletrack impact --consortium SEED")


def test_days_are_dates_and_moments_are_date_times(demo_url: str, cli: Any,
                                                   tmp_path: Path) -> None:
    path = tmp_path / "d.xlsx"
    assert cli("--db", demo_url, "decisions", "--pilot", "SEED-GR-01", *POINT, "-o",
               str(path)).exit_code == 0
    sheet = load_workbook(path)["decisions"]
    header = [c.value for c in sheet[1]]
    first = {name: cell.value for name, cell in zip(header, sheet[2], strict=True)}
    assert isinstance(first["occurred_on"], datetime | date)
    assert isinstance(first["recorded_at"], datetime)


@pytest.mark.parametrize("view", VIEWS)
def test_every_view_prints_csv_and_writes_json_as_it_prints_it(
        demo_url: str, cli: Any, tmp_path: Path, view: str) -> None:
    printed = cli("--db", demo_url, view, "--pilot", "SEED-GR-01", *POINT, "--format", "csv")
    assert printed.exit_code == 0, printed
    rows = list(csv.reader(io.StringIO(printed.stdout)))
    assert len(rows) > 1
    as_json = cli("--db", demo_url, view, "--pilot", "SEED-GR-01", *POINT, "--json")
    saved = tmp_path / f"{view}.json"
    assert cli("--db", demo_url, view, "--pilot", "SEED-GR-01", *POINT, "-o",
               str(saved)).exit_code == 0
    assert json.loads(saved.read_text(encoding="utf-8")) == as_json.json()
    assert cli("--db", demo_url, view, "--pilot", "SEED-GR-01", *POINT, "--format", "json"
               ).stdout == as_json.stdout


@pytest.mark.parametrize(("args", "words"), [
    (["--json", "--format", "csv"], "--json"),
    (["--format", "table", "-o", "x.csv"], "table"),
    (["--format", "xlsx"], "-o"),
    (["-o", "x.txt"], "--format"),
])
def test_an_output_that_cannot_be_is_refused(demo_url: str, cli: Any, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch,
                                             args: list[str], words: str) -> None:
    monkeypatch.chdir(tmp_path)
    refused(cli("--db", demo_url, "impact", *args), 2, words)
    assert list(tmp_path.iterdir()) == []
