"""Imports whose figures leads can trust: a file never records a number other than the
one it shows, and never loses or doubles one without saying so."""

from __future__ import annotations

import time
import zipfile
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from scaletrack.application.importing.cells import CellError, Reading, Shape, parse
from scaletrack.application.importing.spreadsheets import MAX_BYTES, MAX_ROWS
from scaletrack.application.ledger import Ledger
from test_import_files import CODE, RESULT_HEADER, events, seeded, write_csv

__all__ = ["seeded"]

FUNDING_HEADER = ["kind", "pilot", "occurred_on", "funder", "amount_eur"]


# -- 2. an amount written 1,250 ---------------------------------------------------------


def test_an_amount_of_1_250_with_decimal_comma_is_refused_as_ambiguous(
        seeded: Ledger, run: Any, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "funding.csv", FUNDING_HEADER,
                     [["funding", CODE, "2022-03-01", "ESF+ OP", "1,250"]])

    plain = run("import", str(path))
    comma = run("import", str(path), "--decimal-comma")

    assert (plain.exit_code, comma.exit_code) == (2, 2)
    assert "1,250 may mean 1250 (a thousands separator) or 1.25" in comma.stderr
    assert "write 1250 or 1,25" in comma.stderr
    assert "give --decimal-comma" not in plain.stderr
    assert len(events(run)) == 1


def test_numbers_with_three_digits_after_one_mark_are_read_only_when_unambiguous() -> None:
    comma = Reading(decimal_comma=True)
    for text in ("1,250", "1.250", "-12,500"):
        with pytest.raises(CellError, match="unambiguous"):
            parse(Shape.DECIMAL, text, comma)
    assert [parse(Shape.DECIMAL, t, comma) for t in ("0,125", "1.234.567", "1.250,5")] == [
        parse(Shape.DECIMAL, t, Reading()) for t in ("0.125", "1234567", "1250.5")]
    assert str(parse(Shape.DECIMAL, "1.250", Reading())) == "1.250"


# -- 4. a second result for a pilot, indicator and period ---------------------------------


def test_a_second_result_for_the_same_period_is_refused_with_a_pointer_to_correct(
        seeded: Ledger, run: Any) -> None:
    first = ["log", "result", CODE, "--indicator", "PART", "--period", "2022-Q1", "--value",
             "40", "--breakdown", "sex:women=22", "--breakdown", "sex:men=18",
             "--occurred-on", "2022-03-31"]
    assert run(*first).exit_code == 0

    second = run(*first[:8], "41", "--occurred-on", "2022-03-31")

    assert second.exit_code == 1
    assert "a result for PART in 2022-Q1 is already recorded as SEED-GR-01@2" in second.stderr
    assert "scaletrack correct SEED-GR-01@2" in second.stderr
    [result] = [e for e in events(run) if e["type"] == "pilot.result-reported"]
    assert result["data"]["breakdown"] == {"sex": {"women": "22", "men": "18"}}


def test_a_retracted_result_frees_its_period_for_a_new_one(seeded: Ledger, run: Any) -> None:
    result = ["log", "result", CODE, "--indicator", "PART", "--period", "2022-Q1",
              "--value", "40", "--occurred-on", "2022-03-31"]
    assert run(*result).exit_code == 0
    assert run("retract", f"{CODE}@2", "--reason", "Wrong pilot").exit_code == 0

    assert run(*result).exit_code == 0


def test_a_file_edited_since_its_import_is_refused_as_changed_not_added_twice(
        seeded: Ledger, run: Any, tmp_path: Path) -> None:
    header = [*RESULT_HEADER, "reason"]
    rows = [["result", CODE, "PART", "2022-Q1", "40", "sex:women=22; sex:men=18",
             "2022-03-31", ""],
            ["result", CODE, "PART", "2022-Q2", "30", "", "2022-06-30", ""]]
    path = write_csv(tmp_path / "q.csv", header, rows)
    assert run("import", str(path)).exit_code == 0
    rows[0][4:6] = ["42", "sex:women=24; sex:men=18"]
    write_csv(path, header, rows)

    refused = run("import", str(path), "--json")
    no_reason = run("import", str(path), "--apply-corrections", "--json")

    assert (refused.exit_code, no_reason.exit_code) == (2, 2)
    [problem] = refused.json()["files"][0]["problems"]
    assert (problem["row"], problem["column"]) == (2, "period")
    assert problem["expected"].startswith(f"changed since it was recorded as {CODE}@2: "
                                          "correct it")
    assert "fill the reason column" in no_reason.json()["files"][0]["problems"][0]["expected"]
    assert len(events(run)) == 3

    rows[0][7] = "Two late sign-in sheets"
    write_csv(path, header, rows)
    corrected = run("import", str(path), "--apply-corrections", "--json")
    again = run("import", str(path), "--apply-corrections", "--json")

    assert corrected.exit_code == 0, corrected.stdout
    assert corrected.json()["files"][0]["kinds"]["correction"]["recorded"] == 1
    correction = events(run)[-1]
    assert (correction["type"], correction["reason"]) == (
        "pilot.entry-corrected", "Two late sign-in sheets")
    assert correction["data"]["data"]["value"] == "42"
    assert (again.exit_code, again.json()["recorded"]) == (0, 0)


# -- 5. a key used again for other values --------------------------------------------------


def test_a_key_already_used_for_other_values_is_a_conflict_not_already_recorded(
        seeded: Ledger, run: Any, tmp_path: Path) -> None:
    header = [*FUNDING_HEADER, "key"]
    path = write_csv(tmp_path / "funding.csv", header, [
        ["funding", CODE, "2022-03-01", "ESF+ OP", "1000", "F-1"]])
    assert run("import", str(path)).exit_code == 0
    write_csv(path, header, [["funding", CODE, "2022-03-01", "ESF+ OP", "1500", "F-1"],
                             ["funding", CODE, "2022-03-02", "Region", "10", "F-2"],
                             ["funding", CODE, "2022-03-02", "Region", "20", "F-2"]])

    result = run("import", str(path), "--json")

    assert result.exit_code == 2
    problems = result.json()["files"][0]["problems"]
    assert [(p["row"], p["column"], p["value"]) for p in problems] == [
        (2, "key", "F-1"), (4, "key", "F-2")]
    assert f"{CODE}@2 has this key with other values" in problems[0]["expected"]
    assert "row 3 of this file has this key with other values" in problems[1]["expected"]
    assert [e["data"].get("amount_eur") for e in events(run)[1:]] == ["1000"]


# -- 1. a workbook with several sheets ----------------------------------------------------


def quarterly_book(path: Path) -> Path:
    """Instructions first, then a sheet of results per quarter, and a hidden list."""
    book = Workbook()
    notes = book.active
    notes.title = "Read me"
    notes.append(["How to fill in this workbook"])
    notes.append(["One row per result; dates as YYYY-MM-DD."])
    for quarter, value in (("2022-Q3", 30), ("2022-Q4", 35)):
        sheet = book.create_sheet(quarter[-2:])
        sheet.append(RESULT_HEADER)
        sheet.append(["result", CODE, "PART", quarter, value, "", f"{quarter[:4]}-12-31"])
    choices = book.create_sheet("choices")
    choices.sheet_state = "hidden"
    choices.append(["PART"])
    book.save(path)
    return path


def test_every_sheet_of_a_workbook_that_holds_rows_is_imported(
        seeded: Ledger, run: Any, tmp_path: Path) -> None:
    path = quarterly_book(tmp_path / "year.xlsx")

    result = run("import", str(path), "--json")

    assert result.exit_code == 0, result.stdout
    assert result.json()["recorded"] == 2
    assert result.json()["files"][0]["warnings"] == [
        "year.xlsx[Read me]: skipped, its first row names no kind, pilot or occurred_on column"]
    assert [(e["data"]["period"], e["data"]["value"]) for e in events(run)[1:]] == [
        ("2022-Q3", "30"), ("2022-Q4", "35")]


def test_sheet_reads_one_worksheet_and_names_the_others_when_it_is_not_there(
        seeded: Ledger, run: Any, tmp_path: Path) -> None:
    path = quarterly_book(tmp_path / "year.xlsx")

    missing = run("import", str(path), "--sheet", "Q1")
    one = run("import", str(path), "--sheet", "q4", "--json")

    assert missing.exit_code == 2
    assert "no worksheet 'Q1' in year.xlsx; choose among Read me, Q3, Q4" in missing.stderr
    assert (one.exit_code, one.json()["recorded"]) == (0, 1)
    assert [e["data"]["period"] for e in events(run)[1:]] == ["2022-Q4"]


def test_a_problem_in_a_later_sheet_names_that_sheet(
        seeded: Ledger, run: Any, tmp_path: Path) -> None:
    path = tmp_path / "year.xlsx"
    book = load_workbook(quarterly_book(path))
    book["Q4"]["E2"] = "lots"
    book.save(path)

    result = run("import", str(path))

    assert result.exit_code == 2
    assert "year.xlsx[Q4] row 2: value 'lots': a number" in result.stderr
    assert len(events(run)) == 1


# -- 3. a percentage cell ------------------------------------------------------------------


def test_a_cell_showing_42_percent_records_42_in_a_percent_indicator(
        seeded: Ledger, run: Any, tmp_path: Path) -> None:
    assert run("indicator", "define", "INCOME", "--name", "Earned income share", "--level",
               "outcome", "--measure", "percentage", "--unit", "%", "--direction", "higher",
               "--accumulation", "snapshot").exit_code == 0
    book = Workbook()
    sheet = book.active
    sheet.append([*RESULT_HEADER[:5], "occurred_on"])
    for period, share in (("2022-Q1", 0.42), ("2022-Q2", 0.375), ("2022-Q3", 1)):
        sheet.append(["result", CODE, "INCOME", period, share, f"{period[:4]}-09-30"])
    for row in (2, 3, 4):
        sheet.cell(row, 5).number_format = "0%" if row != 3 else "0.0%"
    path = tmp_path / "income.xlsx"
    book.save(path)

    result = run("import", str(path))

    assert result.exit_code == 0, result.stderr
    assert [e["data"]["value"] for e in events(run)[1:]] == ["42", "37.5", "100"]


# -- 8. bounded input -----------------------------------------------------------------------


def test_a_sheet_of_more_rows_than_the_limit_is_refused_quickly(
        seeded: Ledger, run: Any, tmp_path: Path) -> None:
    rows = [["funding", CODE, "2022-03-01", "ESF+ OP", "1"]] * (MAX_ROWS + 1)
    path = write_csv(tmp_path / "many.csv", FUNDING_HEADER, rows)

    started = time.monotonic()
    result = run("import", str(path), "--dry-run")

    assert result.exit_code == 2
    assert f"more than {MAX_ROWS:,} rows" in result.stderr
    assert time.monotonic() - started < 10


def test_a_workbook_declaring_more_rows_than_the_limit_is_refused_before_reading_them(
        seeded: Ledger, run: Any, tmp_path: Path) -> None:
    book = Workbook()
    book.active.append(FUNDING_HEADER)
    book.active.cell(MAX_ROWS * 4, 1, "funding")
    path = tmp_path / "tall.xlsx"
    book.save(path)

    result = run("import", str(path))

    assert result.exit_code == 2
    assert f"{MAX_ROWS * 4:,} rows, more than the {MAX_ROWS:,}" in result.stderr


def test_a_zip_bomb_is_refused_by_its_uncompressed_size_in_seconds(
        seeded: Ledger, run: Any, tmp_path: Path) -> None:
    path = tmp_path / "bomb.xlsx"
    book = Workbook()
    book.active.append(FUNDING_HEADER)
    book.save(path)
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as archive, \
            archive.open("xl/padding.xml", "w", force_zip64=True) as padding:
        chunk = b" " * 2**20
        for _ in range(MAX_BYTES // len(chunk) + 1):
            padding.write(chunk)
    assert path.stat().st_size < MAX_BYTES // 100

    started = time.monotonic()
    result = run("import", str(path))

    assert result.exit_code == 2
    assert f"bytes uncompressed, more than the {MAX_BYTES:,} an import reads" in result.stderr
    assert time.monotonic() - started < 10


def test_a_nul_character_in_any_text_is_a_row_problem(
        seeded: Ledger, run: Any, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "nul.csv", [*FUNDING_HEADER, "reason"], [
        ["funding", CODE, "2022-03-01", "ESF+\x00OP", "1", ""],
        ["funding", CODE, "2022-03-01", "ESF+ OP", "2", "late\x00"]])

    result = run("import", str(path), "--json")

    assert result.exit_code == 2
    assert [(p["row"], p["column"]) for p in result.json()["files"][0]["problems"]] == [
        (2, "funder"), (3, "reason")]
    assert len(events(run)) == 1


def test_deeply_nested_json_lines_and_5000_digit_numbers_are_row_problems(
        seeded: Ledger, run: Any, tmp_path: Path) -> None:
    digits = "9" * 5000
    path = tmp_path / "odd.jsonl"
    funding = ('{"kind": "funding", "pilot": "' + CODE + '", "occurred_on": "2022-03-01", '
               '"funder": "F", "amount_eur": ')
    path.write_text("\n".join([
        funding + digits + "}", funding + digits + ".5}", funding + '"' + digits + '"}',
        '{"kind": "result", "breakdown": ' + "[" * 100_000 + "]" * 100_000 + "}",
    ]) + "\n")
    csv_path = write_csv(tmp_path / "odd.csv", [*RESULT_HEADER], [
        ["result", CODE, "PART", "2022-Q1", digits, "", "2022-03-31"],
        ["result", CODE, "PART", "2022-Q2", "1", "{" * 5000 + "}" * 5000, "2022-06-30"]])

    lines = run("import", str(path), "--json")
    cells = run("import", str(csv_path), "--json")

    assert (lines.exit_code, cells.exit_code) == (2, 2)
    assert [p["row"] for p in lines.json()["files"][0]["problems"]] == [1, 2, 3, 4]
    assert [p["row"] for p in cells.json()["files"][0]["problems"]] == [2, 3]
    assert len(events(run)) == 1


# -- 7. a dump of every history ---------------------------------------------------------------


def test_a_dump_with_a_correction_undoing_another_imports_into_an_empty_store(
        seeded: Ledger, run: Any, tmp_path: Path) -> None:
    assert run("log", "result", CODE, "--indicator", "PART", "--period", "2022-Q1",
               "--value", "40", "--occurred-on", "2022-03-31").exit_code == 0
    assert run("correct", f"{CODE}@2", "--set", "value=42", "--reason", "Late sheets"
               ).exit_code == 0
    again = run("correct", f"{CODE}@2", "--set", "value=42", "--reason", "Again")
    assert run("correct", f"{CODE}@2", "--set", "value=40", "--reason", "Sheets were copies"
               ).exit_code == 0
    dumped = tmp_path / "everything.csv"
    assert run("import", "dump", "-o", str(dumped)).exit_code == 0
    copy = f"sqlite:///{tmp_path / 'copy.db'}"

    assert again.exit_code == 1
    assert "leaves SEED-GR-01@2 as it is" in again.stderr
    assert run("--db", copy, "init").exit_code == 0
    imported = run("--db", copy, "import", str(dumped))
    assert imported.exit_code == 0, imported.stderr
    history = run("--db", copy, "pilot", "history", CODE, "--json").json()
    assert [(e["type"], e["data"].get("data", {}).get("value")) for e in history[1:]] == [
        ("pilot.result-reported", None), ("pilot.entry-corrected", "42"),
        ("pilot.entry-corrected", "40")]


# -- 6. columns beyond the template's ---------------------------------------------------------


def test_a_notes_column_is_ignored_with_one_warning_line(
        seeded: Ledger, run: Any, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "notes.csv", [*RESULT_HEADER, "notes", "checked by"], [
        ["result", CODE, "PART", "2022-Q1", "10", "", "2022-03-31", "from sheet 3", "ana"],
        ["result", CODE, "PART", "2022-Q2", "12", "", "2022-06-30", "", "ana"]])

    result = run("import", str(path))
    as_json = run("import", str(path), "--json")

    assert result.exit_code == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert warnings == ["warning: notes.csv: ignored columns notes, checked by (no kind of "
                        "row has them)"]
    assert "checked by" in as_json.json()["files"][0]["warnings"][0]
    assert [e["data"]["value"] for e in events(run)[1:]] == ["10", "12"]


def test_a_row_needing_a_reason_says_to_fill_the_reason_column(
        seeded: Ledger, run: Any, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "drop.csv", ["kind", "pilot", "occurred_on", "milestone",
                                             "title", "due_on", "reason"], [
        ["milestone-planned", CODE, "2022-03-01", "M1", "Site open", "2022-04-30", ""],
        ["milestone-dropped", CODE, "2022-03-02", "M1", "", "", ""]])

    result = run("import", str(path))

    assert result.exit_code == 2
    assert "drop.csv row 3: reason: dropping a milestone needs a reason; fill the reason " \
        "column" in result.stderr
    assert "--reason" not in result.stderr


def test_a_correction_from_a_spreadsheet_gives_each_changed_field_its_own_column(
        seeded: Ledger, run: Any, tmp_path: Path) -> None:
    assert run("log", "result", CODE, "--indicator", "PART", "--period", "2022-Q1",
               "--value", "40", "--occurred-on", "2022-03-31").exit_code == 0
    header = ["kind", "pilot", "entry", "value", "breakdown", "occurred_on", "reason"]
    path = write_csv(tmp_path / "fix.csv", header, [
        ["correction", CODE, f"{CODE}@2", "42", "sex:women=24; sex:men=18", "2022-04-05",
         "Two late sign-in sheets"]])
    empty = write_csv(tmp_path / "empty.csv", header, [
        ["correction", CODE, f"{CODE}@2", "", "", "2022-04-05", "Nothing"]])

    result = run("import", str(path))
    refused = run("import", str(empty))

    assert result.exit_code == 0, result.stderr
    correction = events(run)[-1]["data"]["data"]
    assert (correction["value"], correction["breakdown"]) == (
        "42", {"sex": {"women": "24", "men": "18"}})
    assert refused.exit_code == 2
    assert "the corrected fields: fill their own columns" in refused.stderr
