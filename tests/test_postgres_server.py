"""How the tests get a PostgreSQL server, and that CI cannot quietly skip it."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest

import pg
from scaletrack.application.ledger import Ledger
from scaletrack.application.store import StoreURL
from scaletrack.domain.envelope import Provenance

Run = Any
TESTS = Path(__file__).parent
NOWHERE = "postgresql://postgres@127.0.0.1:9/postgres"  # the discard port: nothing answers
ONE_PG_TEST = "test_copy.py::test_copy_of_a_missing_store_or_onto_itself_is_refused"


@pytest.mark.slow
@pytest.mark.postgres
def test_with_no_server_around_a_throwaway_cluster_serves_and_leaves_nothing_behind(
        by: Provenance, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(pg.ENV, raising=False)
    monkeypatch.setattr(pg, "LOCAL", ("127.0.0.1", 9))  # nothing answers there
    folders = set(Path(tempfile.gettempdir()).glob("scaletrack-pg-*"))
    with pg.server() as server:
        with server.connect() as admin:
            admin.execute("CREATE DATABASE pilots")
        ledger = Ledger(StoreURL.parse(server.url("pilots")))
        ledger.register_consortium("SEED", "Seed", "City of Turin", ["IT"], by)
        count = ledger.event_count()
        ledger.close()

    assert count == 1
    assert server.port != 9
    assert not server.answers()
    assert set(Path(tempfile.gettempdir()).glob("scaletrack-pg-*")) == folders


@pytest.mark.postgres
def test_a_named_server_is_used_and_never_replaced_by_another(
        pg_server: pg.Server, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(pg.ENV, pg_server.url(pg_server.maintenance_db))
    with pg.server() as named:
        assert (named.host, named.port, named.user) == (pg_server.host, pg_server.port,
                                                         pg_server.user)
    monkeypatch.setenv(pg.ENV, NOWHERE)
    with pytest.raises(pg.NoServer, match="does not answer"), pg.server():
        pass


@pytest.mark.postgres
def test_a_run_drops_exactly_the_databases_it_made(pg_server: pg.Server) -> None:
    run, other = pg.Databases(pg_server), pg.Databases(pg_server)
    made = [run.create(), run.create()]
    kept = other.create()
    try:
        run.drop_all()
        with pg_server.connect() as admin:
            left = {row[0] for row in admin.execute("SELECT datname FROM pg_database")}
    finally:
        other.drop_all()

    assert not set(made) & left
    assert kept in left


@pytest.mark.postgres
def test_databases_of_runs_that_were_killed_are_dropped_by_the_next_run(
        pg_server: pg.Server) -> None:
    ended = subprocess.Popen(["true"])  # a process id that no longer runs
    ended.wait()
    killed = f"scaletrack_test_{ended.pid}_000000_1"
    with pg_server.connect() as admin:
        admin.execute(f'CREATE DATABASE "{killed}"')
    ours = pg.Databases(pg_server)
    alive = ours.create()
    try:
        pg.Databases(pg_server).drop_abandoned()
        with pg_server.connect() as admin:
            left = {row[0] for row in admin.execute("SELECT datname FROM pg_database")}
    finally:
        ours.drop_all()
        pg.Databases(pg_server).drop(killed)

    assert killed not in left
    assert alive in left


def pytest_run(*args: str) -> subprocess.CompletedProcess[str]:
    """pytest in a process of its own, with no server to be had."""
    env = {**os.environ, pg.ENV: NOWHERE}
    return subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *args],
                          cwd=TESTS, env=env, capture_output=True, text=True, timeout=120)


def test_without_a_server_postgresql_tests_skip_but_fail_when_required() -> None:
    relaxed = pytest_run(f"{ONE_PG_TEST}[postgres]")
    required = pytest_run("--require-postgres", f"{ONE_PG_TEST}[postgres]")

    assert relaxed.returncode == 0
    assert "1 skipped" in relaxed.stdout
    assert required.returncode == 1
    assert "PostgreSQL tests required" in required.stdout


@pytest.mark.postgres
def test_a_required_run_in_which_no_postgresql_test_passed_fails() -> None:
    done = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider",
                           "--require-postgres", f"{ONE_PG_TEST}[sqlite]"],
                          cwd=TESTS, capture_output=True, text=True, timeout=120)

    assert done.returncode == 1
    assert "no PostgreSQL test passed" in done.stdout


@pytest.mark.postgres
def test_a_store_on_a_missing_database_is_not_found(pg_server: pg.Server, cli: Run) -> None:
    listed = cli("--db", pg_server.url("scaletrack_no_such_db"), "pilot", "list")

    assert listed.exit_code == 3
    assert listed.stderr.startswith("error: no database scaletrack_no_such_db on ")
    assert len(listed.stderr.splitlines()) == 1


def test_an_unreachable_server_is_reported_in_one_line(cli: Run) -> None:
    listed = cli("--db", NOWHERE, "pilot", "list")

    assert listed.exit_code == 5
    assert listed.stderr.startswith("error: the store cannot be reached: ")
    assert len(listed.stderr.splitlines()) == 1
