"""The view commands as a user runs them: tables, ``--json``, filters, exit codes."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import Any

import pytest

from oracle import expected, public
from scaletrack.application.ledger import Ledger
from scaletrack.application.store import StoreURL
from scaletrack.cli.main import main
from scaletrack.cli.projections import VIEW_NAMES
from scaletrack.projections.registry import VIEWS
from test_projections_oracle import as_json
from test_projections_runner import Ticking, history

COMMANDS = ("progress", "impact", "portfolio", "decisions", "quality", "timeline")


def the_oracle(url: str) -> tuple[dict[str, Any], set[str]]:
    """What every view should print, and the days the CLI may take for today."""
    ledger = Ledger(StoreURL.parse(url))
    try:
        events = list(ledger.all_events())
    finally:
        ledger.close()
    today = datetime.now(UTC).date()
    return as_json(public(expected(events, today))), {today.isoformat()}


def same(printed: dict[str, Any], wanted: dict[str, Any], days: set[str]) -> bool:
    """Equal, but for the day the progress view was asked about (midnight may pass)."""
    if "today" in printed and printed["today"] in days:
        printed = {**printed, "today": wanted["today"]}
    return printed == wanted


@pytest.fixture
def store(store_url: str) -> str:
    ledger = Ledger(StoreURL.parse(store_url), clock=Ticking())
    try:
        history(ledger, pilots=2)
    finally:
        ledger.close()
    return store_url


def test_every_view_prints_the_oracles_document_as_json_and_a_table(store: str,
                                                                    run: Any) -> None:
    wanted, days = the_oracle(store)

    for command in COMMANDS:
        printed, table = run(command, "--json"), run(command)

        assert printed.exit_code == table.exit_code == 0, printed.stderr + table.stderr
        assert same(printed.json(), wanted[command], days), command
        assert "SEED" in table.stdout
        assert "┃" in table.stdout


def test_a_table_says_yes_or_no_where_the_document_says_true_or_false(store: str,
                                                                    run: Any) -> None:
    matrix = run("portfolio", "--json").json()["matrix"]
    table = run("portfolio").stdout

    assert {row["member"] for row in matrix} == {True}
    member = [line.split("│")[3].strip() for line in table.splitlines()
              if line.startswith("│ SEED")]
    assert member
    assert set(member) == {"yes"}
    assert "True" not in table


def test_a_view_shows_what_was_recorded_since_it_was_last_read(store: str, run: Any) -> None:
    before = run("progress", "--json").json()["pilots"][0]
    assert run("log", "risk-closed", "SEED-GR-01", "--risk", "R1").exit_code == 0

    after = run("progress", "--json").json()["pilots"][0]

    assert (before["open_risks"], after["open_risks"]) == (1, 0)


def test_filters_narrow_the_rows(store: str, run: Any) -> None:
    rows = run("impact", "--pilot", "seed-gr-02", "--period", "2022-q1", "--json").json()

    assert rows["filters"] == {"pilot": "SEED-GR-02", "period": "2022-Q1"}
    assert [(r["pilot"], r["period"], r["actual"]) for r in rows["rows"]] == [
        ("SEED-GR-02", "2022-Q1", 14)]
    timeline = run("timeline", "--pilot", "SEED-GR-01", "--json").json()["events"]
    assert {e["subject"] for e in timeline} == {"SEED-GR-01"}
    assert run("decisions", "--country", "PL", "--json").exit_code == 3  # no pilot is there


BAD = [
    (("progress", "--pilot", "NOPE-01"), 3, "no pilot NOPE-01"),
    (("impact", "--indicator", "NOPE"), 3, "no indicator NOPE"),
    (("portfolio", "--consortium", "NOPE"), 3, "no consortium NOPE"),
    (("impact", "--period", "2022-Q5"), 2, "not a reporting period"),
    (("quality", "--country", "Greece"), 2, "not a two-letter country code"),
    (("projections", "rebuild", "nope"), 2, "nope"),
]


def test_bad_filters_fail_with_one_line_and_the_documented_code(store: str, run: Any) -> None:
    for args, code, message in BAD:
        printed = run(*args)

        assert printed.exit_code == code, args
        assert message in printed.stderr
        assert len(printed.stderr.strip().splitlines()) == 1
        assert printed.stdout == ""


def test_a_store_that_does_not_exist_is_not_found(tmp_path: Any, run: Any) -> None:
    printed = run("--db", f"sqlite:///{tmp_path / 'none.db'}", "progress")

    assert printed.exit_code == 3
    assert "no store" in printed.stderr


def test_projections_status_shows_positions_head_and_lag(store: str, run: Any) -> None:
    run("impact", "--json")
    run("log", "risk-closed", "SEED-GR-01", "--risk", "R1")

    rows = {row["view"]: row for row in run("projections", "status", "--json").json()}

    head = rows["impact"]["head"]
    assert rows["impact"] == {"view": "impact", "position": head - 1, "head": head, "lag": 1,
                              "state": "behind"}
    assert rows["progress"]["state"] == "not built"
    assert list(rows) == list(VIEWS)


def test_rebuilt_views_print_what_the_incremental_views_printed(store: str, run: Any) -> None:
    incremental = {command: run(command, "--json").stdout for command in COMMANDS}

    rebuilt = run("projections", "rebuild", "--json")
    one = run("projections", "rebuild", "impact", "--json")

    assert rebuilt.exit_code == one.exit_code == 0
    assert rebuilt.json()["events"] == one.json()["events"] > 20
    assert one.json()["views"] == ["impact"]
    assert {command: run(command, "--json").stdout for command in COMMANDS} == incremental


def test_view_names_in_the_cli_are_the_views() -> None:
    assert list(VIEW_NAMES) == list(VIEWS)


@pytest.mark.parametrize("command", [*COMMANDS, "projections status", "projections rebuild"])
def test_help_shows_an_example(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main([*command.split(), "--help"])

    assert re.search(r"Example:\n +scaletrack \S", capsys.readouterr().out)


# -- on the demo store ------------------------------------------------------------


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> str:
    pytest.importorskip("scaletrack.demo.fill", reason="scaletrack demo not yet here")
    url = f"sqlite:///{tmp_path_factory.mktemp('views') / 'demo.db'}"
    with pytest.raises(SystemExit) as done:
        main(["--db", url, "demo"])
    assert done.value.code == 0
    return url


@pytest.mark.slow
def test_on_the_demo_store_every_view_agrees_with_the_oracle_and_a_rebuild(
        demo: str, capsys: pytest.CaptureFixture[str]) -> None:
    def printed(*args: str) -> Any:
        capsys.readouterr()
        with pytest.raises(SystemExit) as done:
            main(["--db", demo, *args])
        out = capsys.readouterr().out
        assert done.value.code == 0
        return out

    wanted, days = the_oracle(demo)
    incremental = {command: printed(command, "--json") for command in COMMANDS}
    for command in COMMANDS:
        assert same(json.loads(incremental[command]), wanted[command], days), command
        assert "┃" in printed(command)
    printed("projections", "rebuild")
    assert {command: printed(command, "--json") for command in COMMANDS} == incremental
