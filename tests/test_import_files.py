"""``scaletrack import FILE...``: all rows checked first, each file all or nothing,
every problem reported at once, nothing recorded twice."""

from __future__ import annotations

import csv
import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from scaletrack.application.ledger import Ledger
from scaletrack.application.queries.history import pilot_history
from scaletrack.domain.envelope import Provenance
from scaletrack.domain.vocabulary import period_start

CODE = "SEED-GR-01"
QUARTERS = ["2022-Q1", "2022-Q2", "2022-Q3", "2022-Q4", "2023-Q1", "2023-Q2"]
"""The pilot's quarters: it reports one result per indicator in each."""
INDICATORS = 50
RESULT_HEADER = ["kind", "pilot", "indicator", "period", "value", "breakdown", "occurred_on"]


@pytest.fixture
def seeded(ledger: Ledger) -> Ledger:
    """A consortium, indicators broken down by sex (PART and PART-01 to PART-49), and one
    pilot."""
    by = Provenance(date(2022, 1, 3), datetime(2022, 1, 3, 9, tzinfo=UTC), "setup")
    ledger.register_consortium("SEED", "Social innovation Ecosystem Development",
                               "City of Turin", ["IT", "GR", "RO", "SI"], by)
    ledger.define_indicator("PART", {"name": "Participants", "level": "output",
                                     "measure": "unit", "unit": "people",
                                     "direction": "higher", "accumulation": "incremental",
                                     "dimensions": ["sex"]}, by)
    ledger.register_pilot(CODE, "SEED", {
        "title": "Local SI mapping", "innovation": "Local social innovation mapping",
        "origin_country": "IT", "target_countries": ["GR"], "core_components": ["Method"],
        "adaptable_components": ["Venue"], "starts_on": date(2022, 1, 1),
        "ends_on": date(2023, 6, 30)}, by)
    for number in range(1, INDICATORS):
        ledger.define_indicator(f"PART-{number:02}", {
            "name": f"Participants of group {number}", "level": "output", "measure": "unit",
            "unit": "people", "direction": "higher", "accumulation": "incremental",
            "dimensions": ["sex"]}, by)
    return ledger


def write_csv(path: Path, header: list[str], rows: list[list[Any]], delimiter: str = ",",
              encoding: str = "utf-8") -> Path:
    with path.open("w", newline="", encoding=encoding) as f:
        out = csv.writer(f, delimiter=delimiter)
        out.writerow(header)
        out.writerows(rows)
    return path


def result_rows(count: int) -> list[list[Any]]:
    """Results of different sizes, one per indicator and quarter (each on a day of it)."""
    rows = []
    for n in range(count):
        women, men = n, n + 1
        indicator = f"PART-{n // len(QUARTERS):02}" if n >= len(QUARTERS) else "PART"
        period = QUARTERS[n % len(QUARTERS)]
        day = period_start(period) + timedelta(days=n % 28)
        rows.append(["result", CODE, indicator, period, women + men,
                     f"sex:women={women}; sex:men={men}", day.isoformat()])
    return rows


def events(run: Any) -> list[dict[str, Any]]:
    result = run("pilot", "history", CODE, "--json")
    assert result.exit_code == 0, result.stderr
    records: list[dict[str, Any]] = result.json()
    return records


def test_a_spreadsheet_of_results_is_recorded_with_source_import_and_a_key(
        seeded: Ledger, run: Any, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "results.csv", RESULT_HEADER, result_rows(30))

    result = run("import", str(path), "--json")

    assert result.exit_code == 0, result.stderr
    summary = result.json()
    assert summary["recorded"] == 30
    assert summary["files"][0]["kinds"] == {"result": {"recorded": 30, "skipped": 0}}
    imported = events(run)[1:]
    assert [e["type"] for e in imported] == ["pilot.result-reported"] * 30
    assert {e["source"] for e in imported} == {"import"}
    assert {e["actor"] for e in imported} == {"tester"}
    assert len({e["key"] for e in imported}) == 30
    assert imported[4]["data"]["breakdown"] == {"sex": {"women": "4", "men": "5"}}
    assert imported[4]["occurred_on"] == "2023-01-05"


def test_one_bad_row_among_many_writes_nothing_and_names_that_row(
        seeded: Ledger, run: Any, tmp_path: Path) -> None:
    rows = result_rows(300)
    rows[211][4] = "12x"
    path = write_csv(tmp_path / "results.csv", RESULT_HEADER, rows)

    result = run("import", str(path))

    assert result.exit_code == 2
    assert "results.csv row 213: value '12x': a number like 1234.5" in result.stderr
    assert "nothing from results.csv was imported" in result.stderr
    assert len(events(run)) == 1
    assert run("import", str(path), "--json").json()["files"][0]["problems"] == [
        {"file": "results.csv", "row": 213, "column": "value", "value": "12x",
         "expected": "a number like 1234.5"}]

    rows[211][4] = "12"
    rows[211][5] = "sex:women=6; sex:men=6"
    write_csv(path, RESULT_HEADER, rows)
    assert run("import", str(path)).exit_code == 0
    again = run("import", str(path), "--json")

    assert again.exit_code == 0
    assert (again.json()["recorded"], again.json()["skipped"]) == (0, 300)
    assert len(events(run)) == 301


def test_every_problem_of_a_file_is_reported_at_once_as_data(
        seeded: Ledger, run: Any, tmp_path: Path) -> None:
    header = ["kind", "pilot", "occurred_on", "indicator", "period", "value", "to_stage",
              "milestone"]
    path = write_csv(tmp_path / "mixed.csv", header, [
        ["result", CODE, "2022-03-01", "PART", "2022-Q1", "10", "", ""],
        ["result", "SEED-XX-99", "2022-03-01", "PART", "2022-Q1", "10", "", ""],
        ["stage", CODE, "2022-03-01", "", "", "", "piloting", ""],
        ["milestone-achieved", CODE, "2022-03-01", "", "", "", "", ""],
        ["result", CODE, "2099-01-01", "PART", "2022-Q2", "10", "", ""],
        ["flight", CODE, "2022-03-01", "", "", "", "", ""],
        ["result", CODE, "2022-03-01", "PART", "2022-Q9", "10", "", "M1"],
    ])

    result = run("import", str(path), "--json")

    assert result.exit_code == 2
    problems = [(p["row"], p["column"]) for p in result.json()["files"][0]["problems"]]
    assert problems == [(3, "pilot"), (4, "to_stage"), (5, "milestone"), (6, "occurred_on"),
                        (7, "kind"), (8, "milestone"), (8, "period")]
    assert len(events(run)) == 1


def test_a_row_that_breaks_a_rule_names_the_column_the_rule_is_about(
        seeded: Ledger, run: Any, tmp_path: Path) -> None:
    header = ["kind", "pilot", "occurred_on", "milestone", "title", "due_on", "reason",
              "pilot_type", "dimensions", "mechanism"]
    path = write_csv(tmp_path / "milestones.csv", header, [
        ["milestone-planned", CODE, "2022-03-01", "M1", "Site open", "2022-04-30", "", "", "",
         ""],
        ["milestone-achieved", CODE, "2022-03-02", "M1", "", "", "", "", "", ""],
        ["milestone-achieved", CODE, "2022-03-03", "M1", "", "", "", "", "", ""],
        ["milestone-dropped", CODE, "2022-03-03", "M1", "", "", "Out of scope", "", "", ""],
        ["pathway-changed", CODE, "2022-03-03", "", "", "", "Rethought", "replication", "out",
         "dissemination"],
    ])

    result = run("import", str(path), "--json")

    assert result.exit_code == 2
    problems = result.json()["files"][0]["problems"]
    assert [(p["row"], p["column"], p["value"]) for p in problems] == [
        (4, "milestone", "M1"), (5, "milestone", "M1"), (6, "pilot", CODE)]
    assert problems[0]["expected"] == "cannot achieve milestone M1: it is achieved"


def test_each_row_is_checked_against_the_rows_above_it(
        seeded: Ledger, run: Any, tmp_path: Path) -> None:
    header = ["kind", "pilot", "occurred_on", "milestone", "title", "due_on"]
    planned = ["milestone-planned", CODE, "2022-03-01", "M1", "Site open", "2022-04-30"]
    achieved = ["milestone-achieved", CODE, "2022-04-20", "M1", "", ""]
    wrong_order = write_csv(tmp_path / "wrong.csv", header, [achieved, planned])
    right_order = write_csv(tmp_path / "right.csv", header, [planned, achieved])

    refused = run("import", str(wrong_order))
    accepted = run("import", str(right_order))

    assert refused.exit_code == 2
    assert "wrong.csv row 2: milestone 'M1': SEED-GR-01 has no milestone M1" in refused.stderr
    assert accepted.exit_code == 0, accepted.stderr
    assert [e["type"] for e in events(run)[1:]] == ["pilot.milestone-planned",
                                                   "pilot.milestone-achieved"]


def test_a_whole_store_can_start_from_one_mixed_file(run: Any, tmp_path: Path) -> None:
    assert run("init").exit_code == 0
    header = ["kind", "consortium", "indicator", "pilot", "name", "lead", "countries",
              "level", "measure", "unit", "direction", "accumulation", "dimensions", "title",
              "innovation", "origin_country", "target_countries", "starts_on", "ends_on",
              "period", "value", "narrative", "occurred_on", "actor"]
    rows = [
        {"kind": "consortium", "consortium": "SEED", "name": "Seed", "lead": "City of Turin",
         "countries": "IT; GR"},
        {"kind": "indicator", "indicator": "POLICY", "name": "Policy change",
         "level": "impact", "measure": "qualitative", "direction": "higher",
         "accumulation": "snapshot"},
        {"kind": "pilot", "pilot": CODE, "consortium": "SEED", "title": "Mapping",
         "innovation": "SI mapping", "origin_country": "IT", "target_countries": "GR",
         "starts_on": "2021-05-03", "ends_on": "2023-06-30"},
        {"kind": "result", "pilot": CODE, "indicator": "POLICY", "period": "2022-Q1",
         "narrative": "The region adopts the method"},
    ]
    path = write_csv(tmp_path / "start.csv", header, [
        [{**r, "occurred_on": "2022-03-31", "actor": "ana"}.get(h, "") for h in header]
        for r in rows])

    result = run("import", str(path), "--json")

    assert result.exit_code == 0, result.stderr
    assert result.json()["recorded"] == 4
    indicator = run("indicator", "show", "POLICY", "--json").json()
    assert indicator["unit"] == ""
    assert events(run)[1]["data"]["narrative"] == "The region adopts the method"


def test_each_file_is_all_or_nothing_and_later_files_see_earlier_ones(
        seeded: Ledger, run: Any, tmp_path: Path) -> None:
    header = ["kind", "pilot", "occurred_on", "risk"]
    raised = write_csv(tmp_path / "raised.csv", [*header, "description", "severity"], [
        ["risk-raised", CODE, "2022-03-01", "R1", "Staff turnover", "high"]])
    closed = write_csv(tmp_path / "closed.csv", header, [
        ["risk-closed", CODE, "2022-05-01", "R1"], ["risk-closed", CODE, "2022-05-01", "R2"]])

    result = run("import", str(raised), str(closed), "--json")

    assert result.exit_code == 2
    files = result.json()["files"]
    assert [(f["file"], f["written"], f["recorded"]) for f in files] == [
        ("raised.csv", True, 1), ("closed.csv", False, 1)]
    assert [p["row"] for p in files[1]["problems"]] == [3]
    assert [e["type"] for e in events(run)[1:]] == ["pilot.risk-raised"]


def test_a_row_already_logged_by_hand_is_skipped_and_one_that_differs_is_refused(
        seeded: Ledger, run: Any, tmp_path: Path) -> None:
    logged = run("log", "result", CODE, "--indicator", "PART", "--period", "2022-Q1",
                 "--value", "40", "--breakdown", "sex:women=22", "--breakdown", "sex:men=18",
                 "--occurred-on", "2022-03-31")
    assert logged.exit_code == 0, logged.stderr
    same = write_csv(tmp_path / "same.csv", RESULT_HEADER, [
        ["result", CODE, "part", "2022-q1", "40.0", "sex:men=18; sex:women=22", "2022-03-31"]])
    other = write_csv(tmp_path / "other.csv", RESULT_HEADER, [
        ["result", CODE, "PART", "2022-Q1", "41", "sex:men=19; sex:women=22", "2022-03-31"]])

    skipped = run("import", str(same), "--json")
    refused = run("import", str(other), "--json")

    assert skipped.exit_code == 0, skipped.stderr
    assert skipped.json()["files"][0]["skipped_rows"] == [2]
    assert refused.exit_code == 2
    assert "changed since it was recorded as SEED-GR-01@2" in (
        refused.json()["files"][0]["problems"][0]["expected"])
    assert len(events(run)) == 2


def test_identical_rows_are_recorded_once_per_copy_and_never_again(
        seeded: Ledger, run: Any, tmp_path: Path) -> None:
    header = ["kind", "pilot", "occurred_on", "funder", "amount_eur"]
    row = ["funding", CODE, "2022-03-01", "ESF+ OP", "1000"]
    twice = write_csv(tmp_path / "twice.csv", header, [row, row])
    thrice = write_csv(tmp_path / "thrice.csv", header, [row, row, row])

    first = run("import", str(twice), "--json").json()
    again = run("import", str(twice), "--json").json()
    more = run("import", str(thrice), "--json").json()

    assert (first["recorded"], again["recorded"], more["recorded"]) == (2, 0, 1)
    assert len(events(run)) == 4


def test_a_key_column_names_rows_for_good(seeded: Ledger, run: Any, tmp_path: Path) -> None:
    header = ["kind", "pilot", "occurred_on", "funder", "amount_eur", "key"]
    path = write_csv(tmp_path / "funding.csv", header, [
        ["funding", CODE, "2022-03-01", "ESF+ OP", "1000", "F-1"],
        ["funding", CODE, "2022-03-01", "ESF+ OP", "1000", "F-2"]])
    assert run("import", str(path)).exit_code == 0
    write_csv(path, header, [["funding", CODE, "2022-03-01", "ESF+ OP", "1000", "F-2"],
                             ["funding", CODE, "2022-03-01", "ESF+ OP", "1000", "F-3"]])

    result = run("import", str(path), "--json")

    assert result.json()["files"][0]["skipped_rows"] == [2]
    assert [e["key"] for e in events(run)[1:]] == ["F-1", "F-2", "F-3"]


def test_missing_columns_are_named_and_unknown_ones_ignored(seeded: Ledger, run: Any,
                                                           tmp_path: Path) -> None:
    path = write_csv(tmp_path / "bad.csv", ["kind", "pilot", "occurred_on", "indicator",
                                            "value", "colour"],
                     [["result", CODE, "2022-03-31", "PART", "10", "red"]])

    result = run("import", str(path), "--json")

    assert result.exit_code == 2
    assert [(p["row"], p["column"]) for p in result.json()["files"][0]["problems"]] == [
        (None, "period")]
    assert "a column 'period' (required for result)" in run("import", str(path)).stderr


def test_a_file_that_is_not_utf8_is_refused_in_one_line(seeded: Ledger, run: Any,
                                                        tmp_path: Path) -> None:
    path = write_csv(tmp_path / "latin1.csv", [*RESULT_HEADER, "narrative"],
                     [["result", CODE, "PART", "2022-Q1", "10", "", "2022-03-31", "Ñandú"]],
                     encoding="latin-1")

    result = run("import", str(path))

    assert result.exit_code == 2
    assert "latin1.csv: not UTF-8 text (byte 0xd1 at offset" in result.stderr
    assert "save it as 'CSV UTF-8'" in result.stderr
    assert len(events(run)) == 1


def test_european_excel_csv_with_semicolons_dayfirst_dates_and_decimal_commas(
        seeded: Ledger, run: Any, tmp_path: Path) -> None:
    header = ["kind", "pilot", "occurred_on", "revenue_mix", "cost_per_beneficiary_eur",
              "summary"]
    path = write_csv(tmp_path / "eu.csv", header, [
        ["business-model", CODE, "31/03/2022", "grants=60,5; fees=39,5", "1.420,50",
         "Fees from municipalities"], ["", "", "", "", "", ""], ["", "", "", "", "", ""]],
        delimiter=";")

    refused = run("import", str(path))
    result = run("import", str(path), "--dayfirst", "--decimal-comma")

    assert refused.exit_code == 2
    assert "give --dayfirst" in refused.stderr
    assert result.exit_code == 0, result.stderr
    [event] = events(run)[1:]
    assert event["occurred_on"] == "2022-03-31"
    assert event["data"]["revenue_mix"] == {"grants": "60.5", "fees": "39.5"}
    assert event["data"]["cost_per_beneficiary_eur"] == "1420.50"


def test_xlsx_reads_date_cells_serial_dates_numbers_and_skips_comment_rows(
        seeded: Ledger, run: Any, tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["Kind", "Pilot", "Occurred-On", "Milestone", "Title", "Due On"])
    sheet.append(["# what each column holds"])
    sheet.append(["milestone-planned", CODE, datetime(2022, 3, 1), 1, "Site open", 44681])
    sheet.append(["milestone-planned", CODE, 44621, "M2", "Second site", date(2022, 9, 30)])
    sheet.append([None, None, None])
    path = tmp_path / "plan.xlsx"
    book.save(path)

    result = run("import", str(path))

    assert result.exit_code == 0, result.stderr
    planned = [e["data"] for e in events(run)[1:]]
    assert planned == [{"milestone": "1", "title": "Site open", "due_on": "2022-04-30"},
                       {"milestone": "M2", "title": "Second site", "due_on": "2022-09-30"}]
    assert [e["occurred_on"] for e in events(run)[1:]] == ["2022-03-01", "2022-03-01"]


def test_json_lines_name_the_kind_on_each_line(seeded: Ledger, run: Any,
                                               tmp_path: Path) -> None:
    path = tmp_path / "rows.jsonl"
    path.write_text(
        json.dumps({"kind": "risk-raised", "pilot": CODE, "occurred_on": "2022-03-01",
                    "risk": "R1", "description": "Turnover", "severity": "high"}) + "\n"
        + json.dumps({"kind": "pilot.result-reported", "code": CODE,
                      "occurred_on": "2022-03-31", "indicator": "PART", "period": "2022-Q1",
                      "value": 13.0, "breakdown": {"sex": {"women": 6, "men": 7}}}) + "\n\n")

    result = run("import", str(path), "--actor", "bea")

    assert result.exit_code == 0, result.stderr
    imported = events(run)[1:]
    assert [(e["type"], e["actor"]) for e in imported] == [("pilot.risk-raised", "bea"),
                                                          ("pilot.result-reported", "bea")]
    assert imported[1]["data"]["value"] == "13.0"


def test_a_file_of_one_kind_needs_no_kind_column_with_kind(
        seeded: Ledger, run: Any, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "periods.csv", ["code", "period", "occurred_on"],
                     [[CODE, "2022-Q1", "2022-04-05"]])

    without = run("import", str(path))
    result = run("import", str(path), "--kind", "period-submitted")

    assert without.exit_code == 2
    assert "a kind column, or --kind" in without.stderr
    assert result.exit_code == 0, result.stderr
    assert events(run)[-1]["type"] == "pilot.period-report-submitted"


def test_dry_run_reports_what_would_be_recorded_and_writes_nothing(
        seeded: Ledger, run: Any, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "results.csv", RESULT_HEADER, result_rows(5))

    result = run("import", str(path), "--dry-run")

    assert result.exit_code == 0
    assert "would record 5" in result.stderr
    assert len(events(run)) == 1


def test_template_has_headers_a_description_row_and_an_example(run: Any,
                                                               tmp_path: Path) -> None:
    csv_path, xlsx_path = tmp_path / "results.csv", tmp_path / "results.xlsx"

    assert run("import", "template", "result", "-o", str(csv_path)).exit_code == 0
    assert run("import", "template", "result", "-o", str(xlsx_path)).exit_code == 0
    again = run("import", "template", "result", "-o", str(csv_path))

    header, description, example = list(csv.reader(csv_path.open()))
    assert header == ["kind", "pilot", "indicator", "period", "value", "narrative",
                      "breakdown", "occurred_on", "actor", "reason", "key"]
    assert description[0].startswith("# result: ")
    assert example[:4] == ["result", "SEED-GR-01", "EECO12", "2023-Q2"]
    rows = list(load_workbook(xlsx_path).active.iter_rows(values_only=True))
    assert list(rows[0]) == header
    assert isinstance(rows[2][header.index("occurred_on")], datetime)
    assert again.exit_code == 2
    assert "--force" in again.stderr


def test_an_unknown_kind_is_refused_with_the_kinds_to_choose_from(run: Any,
                                                                  tmp_path: Path) -> None:
    result = run("import", "template", "flight", "-o", str(tmp_path / "x.csv"))

    assert result.exit_code == 2
    assert "'flight' is not a kind; choose among consortium" in result.stderr


def test_import_help_shows_the_commands_and_an_example(run: Any) -> None:
    result = run("import", "--help")

    assert result.exit_code == 0
    assert "Usage: scaletrack import [OPTIONS] FILE..." in result.stdout
    assert "scaletrack import template result -o results.csv" in result.stdout
    assert "template" in result.stdout.split("Commands:")[1]
    assert "dump" in result.stdout.split("Commands:")[1]


def test_a_line_of_json_lines_that_does_not_parse_is_reported_with_the_others(
        seeded: Ledger, run: Any, tmp_path: Path) -> None:
    good = {"kind": "risk-raised", "pilot": CODE, "occurred_on": "2022-03-01", "risk": "R1",
            "description": "Turnover", "severity": "high"}
    path = tmp_path / "rows.jsonl"
    path.write_text(json.dumps(good) + "\n{'risk': 'R2'}\n"
                    + json.dumps({**good, "risk": "R3", "severity": "dire"}) + "\n")

    result = run("import", str(path), "--json")

    assert result.exit_code == 2
    assert [(p["row"], p["column"]) for p in result.json()["files"][0]["problems"]] == [
        (2, None), (3, "severity")]
    assert len(events(run)) == 1


class WriteFirst:
    """Progress that, when the import is about to save, lets another writer in first."""

    def __init__(self, other: Ledger) -> None:
        self.other, self.interrupted = other, False

    def phase(self, description: str, total: int | None) -> None:
        if description.startswith("writing") and not self.interrupted:
            self.interrupted = True
            by = self.other.provenance("rival", date(2022, 3, 2))
            self.other.log_event("risk-raised", CODE, {"risk": "R9", "description": "Rival",
                                                       "severity": "low"}, by)

    def advance(self, steps: int = 1) -> None:
        pass


def test_a_pilot_changed_while_a_file_is_checked_is_checked_again_then_saved(
        seeded: Ledger, store_url: str, tmp_path: Path) -> None:
    from scaletrack.application.importing.importer import import_files
    from scaletrack.application.importing.rows import ImportOptions
    from scaletrack.application.store import StoreURL

    path = write_csv(tmp_path / "results.csv", RESULT_HEADER, result_rows(20))
    other = Ledger(StoreURL.parse(store_url))
    progress = WriteFirst(other)

    [report] = import_files(seeded, [path], ImportOptions(actor="ana"), progress)

    assert progress.interrupted
    assert (report.written, sum(report.recorded.values()), report.problems) == (True, 20, [])
    types = [r["type"] for r in pilot_history(other, CODE)]
    assert types == ["pilot.registered", "pilot.risk-raised"] + ["pilot.result-reported"] * 20
    other.close()


def _replayed_state(ledger: Ledger, version: int) -> dict[str, Any]:
    from scaletrack.domain.envelope import Recorded
    from scaletrack.domain.pilot import Pilot

    pilot: Any = None
    for event in ledger.events.get(Pilot.id_for(CODE), lte=version):
        assert isinstance(event, Recorded)
        pilot = event.mutate(pilot)
    return dict(vars(pilot))


@pytest.mark.parametrize("clock_behind", [False, True], ids=["stamps-kept", "stamps-moved"])
def test_an_import_past_a_snapshot_interval_snapshots_what_its_events_give(
        seeded: Ledger, store_url: str, tmp_path: Path, clock_behind: bool) -> None:
    """The snapshot an import takes is the state its stored events give, also when the
    store moved the rows' recorded-at on (a writer whose clock is behind the store's)."""
    from scaletrack.application.importing.importer import import_files
    from scaletrack.application.importing.rows import ImportOptions
    from scaletrack.application.store import StoreURL
    from scaletrack.domain.pilot import Pilot

    path = write_csv(tmp_path / "results.csv", RESULT_HEADER, result_rows(250))
    late = datetime(2023, 6, 30, 12, tzinfo=UTC)
    importer = Ledger(StoreURL.parse(store_url),
                      clock=lambda: late - timedelta(hours=1) if clock_behind else late)
    try:
        seeded.log_event("risk-raised", CODE, {"risk": "R1", "description": "Turnover",
                                               "severity": "low"},
                         Provenance(date(2022, 5, 1), late, "ana"))
        [report] = import_files(importer, [path], ImportOptions(actor="ana"))
        assert (report.written, report.problems) == (True, [])
    finally:
        importer.close()

    reopened = Ledger(StoreURL.parse(store_url))
    try:
        assert reopened.snapshots is not None
        [snapshot] = list(reopened.snapshots.get(Pilot.id_for(CODE)))
        assert snapshot.originator_version == 252
        stored = dict(snapshot.state)  # type: ignore[attr-defined]
        replayed = _replayed_state(reopened, 252)
        assert stored["_modified_on"] == replayed["_modified_on"]
        assert stored["_created_on"] == replayed["_created_on"]
        assert list(reopened.stale_snapshots()) == []
        assert (late - timedelta(hours=1) not in
                [e.timestamp for e in reopened.events.get(Pilot.id_for(CODE))])  # type: ignore[attr-defined]
    finally:
        reopened.close()
