"""The CLI through a server (--server URL, SCALETRACK_TOKEN): the same output and the
same exit codes as against the store, with the token's account as the actor."""

from __future__ import annotations

from typing import Any

import pytest

from serving import Deployment

RISK = ["risk-raised", "SEED-GR-01", "--risk", "R1", "--description", "Turnover",
        "--severity", "high"]


@pytest.fixture
def through(served: Deployment, address: str, cli: Any, monkeypatch: pytest.MonkeyPatch
            ) -> Any:
    """The CLI pointed at the server, as a lead of SEED (no --db: it never opens the store)."""
    monkeypatch.setenv("SCALETRACK_TOKEN", served.tokens["ana"])
    return lambda *args: cli("--server", address, *args)


def test_writes_through_a_server_print_what_local_writes_print(
        through: Any, served: Deployment, cli: Any) -> None:
    logged = through("log", *RISK)
    assert (logged.exit_code, logged.stdout, logged.stderr) == (0, "SEED-GR-01@2\n", "")
    as_json = through("log", *RISK[:3], "R2", *RISK[4:], "--json", "--actor", "mallory").json()
    assert (as_json["id"], as_json["actor"], as_json["source"]) == (
        "SEED-GR-01@3", "Ana Rossi (ana)", "api")
    result = ["result", "SEED-GR-01", "--indicator", "PART", "--period", "2022-Q1",
              "--value", "10", "--occurred-on", "2022-03-31"]
    reported = through("log", *result)
    assert reported.stdout == "SEED-GR-01@4\n", reported.stderr
    corrected = through("correct", "SEED-GR-01@4", "--set", "value=12", "--reason", "Late")
    assert corrected.stdout == "SEED-GR-01@5\n", corrected.stderr
    assert through("retract", "SEED-GR-01@4", "--reason", "Wrong pilot").stdout == \
        "SEED-GR-01@6\n"


def test_history_and_views_through_a_server_print_what_the_store_prints(
        through: Any, served: Deployment, cli: Any) -> None:
    assert through("log", *RISK).exit_code == 0

    def local(*args: str) -> Any:
        return cli("--db", served.url, *args)

    for words in (["pilot", "history", "SEED-GR-01"], ["pilot", "history", "SEED-GR-01", "--json"],
                  ["progress", "--json"], ["progress"], ["impact", "--pilot", "SEED-GR-01"],
                  ["timeline", "--consortium", "SEED", "--json"], ["portfolio"],
                  ["decisions", "--json"], ["quality"]):
        remote, here = through(*words), local(*words)
        assert (remote.exit_code, remote.stdout) == (here.exit_code, here.stdout), words


def test_refusals_through_a_server_exit_with_the_local_codes(
        through: Any, address: str, cli: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    assert through("log", *RISK[:6], "--severity", "dire").exit_code == 2
    assert through("log", "stage", "SEED-GR-01", "--to-stage", "piloting").exit_code == 1
    assert through("log", "risk-raised", "NOPE-01", *RISK[2:]).exit_code == 3
    assert through("log", "risk-raised", "FUSE-IE-01", *RISK[2:]).exit_code == 1
    assert through("correct", "SEED-GR-01@1", "--set", "title=x", "--reason", "r"
                   ).exit_code == 1
    monkeypatch.setenv("SCALETRACK_TOKEN", "st_nope_nope")
    assert through("log", *RISK).exit_code == 1
    monkeypatch.delenv("SCALETRACK_TOKEN")
    assert through("log", *RISK).exit_code == 2
    gone = cli("--server", "http://127.0.0.1:9", "log", *RISK)
    assert gone.exit_code in (2, 5)
