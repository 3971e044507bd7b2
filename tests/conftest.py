"""Fixtures shared by every test: stores, ledgers, provenance and the CLI."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

import pg
from expect import RENDERED
from scaletrack.application.ledger import Ledger
from scaletrack.application.store import StoreURL
from scaletrack.cli.main import main
from scaletrack.domain.envelope import Provenance

REQUIRE_PG = "--require-postgres"
pytest_plugins = ("serving",)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(REQUIRE_PG, action="store_true",
                     help="fail, not skip, when no PostgreSQL server can be had, and fail "
                          "the run if no PostgreSQL test passed (make test sets it)")


@pytest.fixture(scope="session")
def pg_server(request: pytest.FixtureRequest) -> Iterator[pg.Server]:
    """The PostgreSQL server for this run (see tests/pg.py for where it comes from)."""
    try:
        with pg.server() as found:
            yield found
    except pg.NoServer as missing:
        if request.config.getoption(REQUIRE_PG):
            pytest.fail(f"PostgreSQL tests required: {missing}")
        pytest.skip(f"no PostgreSQL: {missing}")


@pytest.fixture(scope="session")
def pg_databases(pg_server: pg.Server) -> Iterator[pg.Databases]:
    databases = pg.Databases(pg_server)
    databases.drop_abandoned()
    yield databases
    databases.drop_all()


@pytest.fixture
def pg_url(pg_databases: pg.Databases) -> Iterator[str]:
    """A fresh, empty PostgreSQL store (its own database, dropped afterwards)."""
    name = pg_databases.create()
    yield pg_databases.server.url(name)
    pg_databases.drop(name)


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """A fresh, empty SQLite store, for tests about the SQLite file itself."""
    return f"sqlite:///{tmp_path / 'store.db'}"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest) -> str:
    """A fresh, empty store: every test that uses it runs on SQLite and on PostgreSQL."""
    url: str = request.getfixturevalue(f"{'pg' if request.param == 'postgres' else 'sqlite'}_url")
    return url


_pg_passed: list[str] = []


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.when == "call" and report.passed and "postgres" in report.keywords:
        _pg_passed.append(report.nodeid)


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int,
                            config: pytest.Config) -> None:
    """Where the pictures are that tests rendered for a person (first pages of reports)."""
    for line in config.stash.get(RENDERED, []):
        terminalreporter.write_line(line)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """With --require-postgres, a run in which no PostgreSQL test passed fails."""
    if (session.config.getoption(REQUIRE_PG) and session.testscollected and not _pg_passed
            and exitstatus == pytest.ExitCode.OK):
        session.config.get_terminal_writer().line(
            "error: --require-postgres, but no PostgreSQL test passed", red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture
def ledger(store_url: str) -> Iterator[Ledger]:
    app = Ledger(StoreURL.parse(store_url), clock=lambda: datetime(2023, 6, 30, 12, tzinfo=UTC))
    yield app
    app.close()


@pytest.fixture
def by() -> Provenance:
    return Provenance(occurred_on=date(2022, 3, 1),
                      recorded_at=datetime(2022, 4, 1, 9, 30, tzinfo=UTC), actor="tester")


@dataclass
class Result:
    exit_code: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        return json.loads(self.stdout)


@pytest.fixture
def run(store_url: str, cli: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    """Run the CLI in-process against the test's store, as a user would."""
    monkeypatch.setenv("SCALETRACK_DB", store_url)
    return cli


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Any:
    """Run the CLI in-process with no store chosen: the test gives --db itself."""
    monkeypatch.delenv("SCALETRACK_DB", raising=False)
    monkeypatch.setenv("SCALETRACK_ACTOR", "tester")

    def invoke(*args: str) -> Result:
        capsys.readouterr()
        try:
            main(list(args))
            code = 0
        except SystemExit as done:
            code = int(done.code or 0)
        out, err = capsys.readouterr()
        return Result(code, out, err)

    return invoke


@pytest.fixture(scope="session")
def demo_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """One demo store (SQLite) for the whole run, for tests that only read it."""
    url = f"sqlite:///{tmp_path_factory.mktemp('demo') / 'demo.db'}"
    with pytest.raises(SystemExit) as done:
        main(["--db", url, "demo"])
    assert done.value.code == 0
    return url
