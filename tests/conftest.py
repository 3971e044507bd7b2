"""Fixtures shared by every test: stores, ledgers, provenance and the CLI."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from scaletrack.application.ledger import Ledger
from scaletrack.application.store import StoreURL
from scaletrack.cli.main import main
from scaletrack.domain.envelope import Provenance


@pytest.fixture
def store_url(tmp_path: Path) -> str:
    """A fresh, empty store. The PostgreSQL suite parametrizes this fixture."""
    return f"sqlite:///{tmp_path / 'store.db'}"


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
def run(store_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
        ) -> Any:
    """Run the CLI in-process against the test's store, as a user would."""
    monkeypatch.setenv("SCALETRACK_DB", store_url)
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
