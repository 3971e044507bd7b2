"""Where users put the common options, and the exit codes the README promises."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from expect import refused


@pytest.fixture
def store(demo_url: str, tmp_path: Path) -> str:
    """A demo store of the test's own, to write to."""
    mine = tmp_path / "mine.db"
    shutil.copyfile(demo_url.removeprefix("sqlite:///"), mine)
    return f"sqlite:///{mine}"


def test_db_debug_and_actor_work_before_and_after_the_command(cli: Any, store: str,
                                                              monkeypatch: pytest.MonkeyPatch
                                                              ) -> None:
    before = cli("--db", store, "pilot", "list", "--json")
    assert before.exit_code == 0, before.stderr
    for words in (("pilot", "list", "--db", store, "--json"),
                  ("pilot", "--db", store, "list", "--json"),
                  ("pilot", "list", f"--db={store}", "--debug", "--json"),
                  ("--debug", "pilot", "list", "--db", store, "--json")):
        after = cli(*words)
        assert (after.exit_code, after.stdout) == (0, before.stdout), (words, after.stderr)

    monkeypatch.delenv("SCALETRACK_ACTOR")
    plan = ("log", "milestone-planned", "SEED-GR-01", "--milestone", "M9",
            "--title", "Handbook", "--due-on", "2023-05-31")
    written = cli("--db", store, "--actor", "ana", *plan)
    assert written.exit_code == 0, written.stderr
    plan = (*plan[:4], "M10", *plan[5:])
    written = cli(*plan, "--db", store, "--actor", "bob")
    assert written.exit_code == 0, written.stderr
    actors = [record["actor"] for record in cli(
        "--db", store, "pilot", "history", "SEED-GR-01", "--json").json()[-2:]]
    assert actors == ["ana", "bob"]
    refused(cli("--db", store, *(*plan[:4], "M11", *plan[5:])), 2, "no actor")


def test_a_missing_reason_is_invalid_input_not_a_rule(cli: Any, store: str) -> None:
    planned = cli("--db", store, "log", "milestone-planned", "SEED-GR-01", "--milestone", "M9",
                  "--title", "Handbook", "--due-on", "2023-05-31")
    assert planned.exit_code == 0, planned.stderr
    refused(cli("--db", store, "log", "milestone-dropped", "SEED-GR-01", "--milestone", "M9"),
            2, "needs a reason", "--reason")


def test_debug_shows_the_traceback_and_keeps_the_exit_code(cli: Any, tmp_path: Path) -> None:
    missing = f"sqlite:///{tmp_path / 'nowhere.db'}"
    quiet = cli("--db", missing, "pilot", "list")
    loud = cli("--debug", "--db", missing, "pilot", "list")
    assert quiet.exit_code == loud.exit_code == 3
    assert "Traceback" in loud.stderr
    assert "Traceback" not in quiet.stderr
    assert loud.stderr.endswith(quiet.stderr)


def test_an_unknown_country_is_not_found_like_an_unknown_consortium(cli: Any,
                                                                    demo_url: str) -> None:
    for view in ("progress", "impact", "portfolio", "quality"):
        refused(cli("--db", demo_url, view, "--consortium", "NOPE"), 3, "NOPE")
        refused(cli("--db", demo_url, view, "--country", "XX"), 3, "XX")
    assert cli("--db", demo_url, "progress", "--country", "GR", "--json").exit_code == 0


@pytest.mark.parametrize("words", [("pilot", "history", "SEED-GR-01"),
                                   ("pilot", "list", "--json"), ("impact",)])
def test_a_reader_that_stops_reading_ends_the_command_quietly(demo_url: str,
                                                              words: tuple[str, ...]) -> None:
    command = [sys.executable, "-c", "from scaletrack.cli.main import main; main()",
               "--db", demo_url, *words]
    # Piped, with no width asked for (COLUMNS unset): whole tables, nothing left out.
    env = {name: value for name, value in os.environ.items() if name != "COLUMNS"}
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    assert process.stdout is not None
    assert process.stderr is not None
    process.stdout.close()  # like `| head` that has read enough before the first line
    stderr = process.stderr.read()
    assert (process.wait(timeout=60), stderr) == (0, b"")
