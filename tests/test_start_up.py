"""A write's process imports only what the write needs, and still reads every event.

A pilot's write (``scaletrack log``) imports the pilot's part of the domain and
nothing of the other aggregates; an event type a process has not imported yet is
found by its stored name when it is read (``envelope.event_class``).
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

OTHER_AGGREGATES = ("scaletrack.domain.consortium", "scaletrack.domain.ecosystem",
                    "scaletrack.domain.organisation", "scaletrack.domain.account",
                    "scaletrack.domain.settings", "scaletrack.application.structure_handlers",
                    "scaletrack.application.structure_commands")
"""What a pilot's write needs none of."""


def _copy(demo_url: str, tmp_path: Path) -> str:
    """A copy of the demo store to write to (the session's demo is only read)."""
    target = tmp_path / "store.db"
    with sqlite3.connect(demo_url.removeprefix("sqlite:///")) as source, \
            sqlite3.connect(target) as copy:
        source.backup(copy)
    return f"sqlite:///{target}"


def _in_a_new_process(code: str) -> dict[str, object]:
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def test_a_pilot_write_imports_no_other_aggregate(demo_url: str, tmp_path: Path) -> None:
    url = _copy(demo_url, tmp_path)
    result = _in_a_new_process(f"""
import json, sys
from scaletrack.cli.main import main
try:
    main(["--db", {url!r}, "log", "risk-raised", "SEED-GR-01", "--risk", "R-START",
          "--description", "Turnover", "--severity", "low", "--actor", "ana"])
except SystemExit as done:
    code = done.code
print(json.dumps({{"code": code, "modules": sorted(sys.modules)}}))
""")

    assert result["code"] == 0
    modules = result["modules"]
    assert isinstance(modules, list)
    assert [m for m in OTHER_AGGREGATES if m in modules] == []
    assert "scaletrack.domain.pilot_events" in modules
    with sqlite3.connect(url.removeprefix("sqlite:///")) as db:
        [(risks,)] = db.execute("SELECT count(*) FROM stored_events "
                                "WHERE topic = 'pilot.risk-raised' "
                                "AND CAST(state AS TEXT) LIKE '%R-START%'")
    assert risks == 1


def test_a_process_that_imported_no_aggregate_reads_every_kind_of_event(
        demo_url: str) -> None:
    result = _in_a_new_process(f"""
import json
from scaletrack.application.ledger import Ledger
from scaletrack.application.store import StoreURL
from scaletrack.domain.envelope import Recorded
ledger = Ledger(StoreURL.parse({demo_url!r}))
read = [type(event).TYPE for event in ledger.all_events() if isinstance(event, Recorded)]
ledger.close()
print(json.dumps({{"types": sorted(set(read)), "count": len(read)}}))
""")

    with sqlite3.connect(demo_url.removeprefix("sqlite:///")) as db:
        stored = [topic for (topic,) in db.execute("SELECT topic FROM stored_events")]
    assert result["count"] == len(stored)
    assert result["types"] == sorted(set(stored))
    assert {"consortium.registered", "organisation.registered", "indicator.defined",
            "pilot.registered"} <= set(stored)
