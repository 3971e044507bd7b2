"""The PostgreSQL recorder stores a bulk import's batch in one save."""

from __future__ import annotations

import subprocess
import sys

import pytest

SAVE = """
import sys, uuid
from eventsourcing.persistence import StoredEvent
from scaletrack.application.ledger import Ledger
from scaletrack.application.store import StoreURL

ledger = Ledger(StoreURL.parse(sys.argv[1]))
ids = ledger.recorder.insert_events(
    [StoredEvent(uuid.uuid4(), 1, "pilot.funding-secured", b"x" * 400) for _ in range(20_000)])
print(len(ids), ledger.event_count())
ledger.close()
"""


@pytest.mark.postgres
def test_one_save_of_twenty_thousand_events_returns(pg_url: str) -> None:
    # In psycopg's pipeline mode this save never returned: run it where a hang can end.
    done = subprocess.run([sys.executable, "-c", SAVE, pg_url], capture_output=True,
                          text=True, timeout=300)

    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["20000", "20000"]
