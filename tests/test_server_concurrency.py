"""8 HTTP clients writing at once through a real server: every write is recorded or
refused (409/422), none is recorded twice, and recorded-at never goes backwards."""

from __future__ import annotations

from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

import httpx
import pytest

from scaletrack.application.ledger import Ledger
from scaletrack.application.store import StoreURL
from serving import Deployment

CLIENTS, WRITES = 8, 25
PILOTS = ("SEED-GR-01", "FUSE-IE-01")
LEADS = {"SEED-GR-01": "ana", "FUSE-IE-01": "fiona"}


@pytest.mark.slow
def test_concurrent_clients_each_write_is_accounted_for_once(
        served: Deployment, address: str) -> None:
    def client(n: int) -> list[tuple[str, int]]:
        pilot = PILOTS[n % len(PILOTS)]
        headers = served.bearer(LEADS[pilot])
        answers = []
        with httpx.Client(base_url=address, headers=headers, timeout=60) as http:
            for i in range(WRITES):
                risk = f"R{n}-{i}"
                answer = http.post(f"/api/v1/pilots/{pilot}/events", json={
                    "kind": "risk-raised", "risk": risk, "description": "Concurrent",
                    "severity": "low"})
                answers.append((risk, answer.status_code))
        return answers

    head = served.head()
    with ThreadPoolExecutor(CLIENTS) as pool:
        answers = [a for done in pool.map(client, range(CLIENTS)) for a in done]

    statuses = Counter(status for _, status in answers)
    assert set(statuses) <= {201, 409, 422}, statuses
    ledger = Ledger(StoreURL.parse(served.url))
    try:
        new = list(ledger.all_events())[head[0]:]
    finally:
        ledger.close()
    recorded = Counter(str(getattr(e, "risk", "")) for e in new)
    assert all(count == 1 for count in recorded.values()), "no write recorded twice"
    assert set(recorded) == {risk for risk, status in answers if status == 201}
    assert len(new) == statuses[201]
    times: list[datetime] = [e.recorded_at for e in new]
    assert times == sorted(times), "recorded-at never goes backwards in store order"
    assert {e.actor for e in new} <= {"Ana Rossi (ana)", "Fiona Byrne (fiona)"}


