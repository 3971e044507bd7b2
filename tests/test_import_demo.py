"""The demo as spreadsheets: its dump rebuilds the same store, and every template's
example row imports into it as it is."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from scaletrack.application.importing.row_kinds import IMPORT_KINDS
from scaletrack.application.ledger import Ledger
from scaletrack.application.records import EventRecord
from scaletrack.application.store import StoreURL
from scaletrack.cli.main import main
from scaletrack.domain.account import Account

NOT_ON_THE_DEMO = {"consortium-centre", "consortium-country-removed", "pathway"}
"""The demo leaves no member country without a centre (or a partner) and no pilot without
a pathway, so no single row of these kinds can be valid there (see templates.ON_THE_DEMO)."""

SAME_VIEWS = ("progress", "impact", "portfolio")
"""Views of what happened (valid time): equal after a re-import."""

TRANSACTION_TIME = {"recorded_at", "source", "key"}
"""What an import changes by nature: when and how the store learned each event."""


@pytest.fixture(scope="module")
def demo_rows(demo_url: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("dump") / "demo.csv"
    with pytest.raises(SystemExit) as done:
        main(["--db", demo_url, "import", "dump", "-o", str(path)])
    assert done.value.code == 0
    return path


def history(url: str) -> list[dict[str, Any]]:
    """Every event in the store's order, without what only the store's clock decides.

    Accounts are left out: they are no rows of a spreadsheet (``scaletrack user``
    makes them), so a store rebuilt from the dump has none."""
    ledger = Ledger(StoreURL.parse(url))
    codes: dict[Any, str] = {}
    try:
        records = []
        for event in ledger.all_events():
            if isinstance(event, Account.Event):
                continue
            codes.setdefault(event.originator_id, getattr(event, "code", ""))
            record = EventRecord.of(event, codes[event.originator_id]).as_dict()
            records.append({k: v for k, v in record.items() if k not in TRANSACTION_TIME})
        return records
    finally:
        ledger.close()


def valid_time(data: Any) -> Any:
    if isinstance(data, dict):
        return {k: valid_time(v) for k, v in data.items() if k not in TRANSACTION_TIME}
    if isinstance(data, list):
        return [valid_time(v) for v in data]
    return data


def test_the_demo_dumped_as_rows_rebuilds_the_same_events_and_views(
        demo_url: str, demo_rows: Path, store_url: str, cli: Any) -> None:
    assert cli("--db", store_url, "init").exit_code == 0

    imported = cli("--db", store_url, "import", str(demo_rows), "--json")

    assert imported.exit_code == 0, imported.stderr
    assert history(store_url) == history(demo_url)
    for view in SAME_VIEWS:
        assert cli("--db", store_url, view, "--json").json() == \
            cli("--db", demo_url, view, "--json").json(), view
    for view in ("decisions", "timeline"):
        assert valid_time(cli("--db", store_url, view, "--json").json()) == \
            valid_time(cli("--db", demo_url, view, "--json").json()), view


def test_the_dump_imported_into_the_demo_itself_adds_nothing(
        demo_url: str, demo_rows: Path, cli: Any) -> None:
    result = cli("--db", demo_url, "import", str(demo_rows), "--dry-run", "--json")

    assert result.exit_code == 0, result.stderr
    assert result.json()["recorded"] == 0
    assert result.json()["skipped"] == result.json()["files"][0]["rows"]


@pytest.mark.parametrize("kind", sorted(set(IMPORT_KINDS) - NOT_ON_THE_DEMO))
def test_a_template_s_example_row_imports_into_the_demo(
        kind: str, demo_url: str, cli: Any, tmp_path: Path) -> None:
    path = tmp_path / f"{kind}.xlsx"
    assert cli("import", "template", kind, "-o", str(path)).exit_code == 0

    result = cli("--db", demo_url, "import", str(path), "--dry-run", "--json")

    assert result.exit_code == 0, result.stdout
    assert result.json()["recorded"] == 1
