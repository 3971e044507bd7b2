"""The server under load: 8 HTTP clients on loopback, a write and a pilot's impact view.

``python bench/server.py [--db sqlite|postgres|URL] [--events 100000] [--clients 8]
[--requests 25] [--processes 1] [--seconds 300]``

A store of ``--events`` events is built (or taken from the benchmark cache,
``bench/results/stores``) and copied; an account that leads every consortium
gets an API token; ``--processes`` ``scaletrack serve`` processes start on it
(PostgreSQL: use 2 or more; SQLite has one writer, use 1). Then ``--clients``
threads, each with its own HTTP connection, spread over the processes, send
``--requests`` requests each: first writes (``POST /api/v1/pilots/{code}/events``,
a risk on one of the open pilots), then reads (``GET /api/v1/views/impact?pilot=``).
For each: requests per second over the wall time, and p50 / p95 / p99 latency.
Beside them, the in-process command rate (the same write through the ledger,
no HTTP). Afterwards the script checks what the issue asks: every write
answered 201 (or refused 409/422), none recorded twice, recorded-at never
backwards in store order, the store verifies. Everything is bounded by
``--seconds``.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime
from itertools import pairwise
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))

import httpx  # noqa: E402

from bench.generate import CONSORTIA  # noqa: E402
from bench.stores import Backend, Stores  # noqa: E402

SERVER_LOG = Path(os.environ.get("TMPDIR", "/tmp")) / "scaletrack-bench-server.log"
"""Where the server processes' messages go (read it when a request fails)."""
ENV = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
SCALETRACK = [sys.executable, "-c", "from scaletrack.cli.main import main; main()"]


def by(actor: str) -> Any:
    from scaletrack.domain.envelope import Provenance

    return Provenance(occurred_on=date.today(), recorded_at=datetime.now(UTC), actor=actor)


def token_for(url: str) -> str:
    """An account leading every consortium, and its API token."""
    from scaletrack.application.accounts import Accounts
    from scaletrack.application.ledger import Ledger
    from scaletrack.application.store import StoreURL
    from scaletrack.domain.account import Role

    ledger = Ledger(StoreURL.parse(url))
    try:
        accounts = Accounts(ledger)
        accounts.add("bench", "Bench Lead", Role.LEAD, list(CONSORTIA), by("bench"))
        token = accounts.issue_token("bench", by("bench"))[1].secret
        accounts.credentials.close()
        return token
    finally:
        ledger.close()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_servers(url: str, processes: int) -> tuple[list[subprocess.Popen[bytes]], list[str]]:
    servers, addresses = [], []
    for _ in range(processes):
        port = free_port()
        servers.append(subprocess.Popen(
            [*SCALETRACK, "--db", url, "serve", "--port", str(port)],
            stdout=subprocess.DEVNULL, stderr=SERVER_LOG.open("ab"),
            env=ENV))
        addresses.append(f"http://127.0.0.1:{port}")
    deadline = time.monotonic() + 60
    for address in addresses:
        while True:
            try:
                if httpx.get(f"{address}/openapi.json", timeout=5).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise SystemExit("error: a server process did not start within 60 s")
            time.sleep(0.2)
    return servers, addresses


def load(addresses: list[str], token: str, clients: int, requests: int, seconds: float,
         request: Any) -> dict[str, Any]:
    """``clients`` threads, ``requests`` each: latencies, statuses, wall time."""
    latencies: list[float] = []
    statuses: Counter[int] = Counter()
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def client(n: int) -> None:
        address = addresses[n % len(addresses)]
        with httpx.Client(base_url=address, timeout=60,
                          headers={"Authorization": f"Bearer {token}"}) as http:
            for i in range(requests):
                if time.monotonic() > stop_at:
                    return
                started = time.perf_counter()
                status = request(http, n, i)
                took = time.perf_counter() - started
                with lock:
                    latencies.append(took)
                    statuses[status] += 1

    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(client, range(clients)))
    wall = time.perf_counter() - started
    ordered = sorted(latencies)

    def pct(p: float) -> float:
        return ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000 if ordered else 0.0

    return {"requests": len(latencies), "per_second": len(latencies) / wall if wall else 0.0,
            "p50_ms": pct(0.50), "p95_ms": pct(0.95), "p99_ms": pct(0.99),
            "statuses": dict(statuses)}


def in_process_rate(url: str, pilots: list[str], count: int) -> float:
    """Commands per second through the ledger itself (no HTTP), on the same store."""
    from scaletrack.application.ledger import Ledger
    from scaletrack.application.store import StoreURL

    ledger = Ledger(StoreURL.parse(url))
    try:
        started = time.perf_counter()
        for i in range(count):
            ledger.log_event("risk-raised", pilots[i % len(pilots)], {
                "risk": f"IP{i}", "description": "In process", "severity": "low"},
                by("bench"))
        return count / (time.perf_counter() - started)
    finally:
        ledger.close()


def check(url: str, first: int, writes_recorded: int) -> dict[str, Any]:
    """No write recorded twice, recorded-at in store order, the store verifies."""
    from scaletrack.application.ledger import Ledger
    from scaletrack.application.store import StoreURL

    ledger = Ledger(StoreURL.parse(url))
    try:
        new = [e for e in ledger.all_events() if getattr(e, "risk", "").startswith("H")]
        every = [e.recorded_at for e in list(ledger.all_events())[first:]]
    finally:
        ledger.close()
    risks = Counter(str(getattr(e, "risk")) for e in new)  # noqa: B009
    verified = subprocess.run([*SCALETRACK, "--db", url, "verify", "--store"],
                              capture_output=True, text=True, check=False, env=ENV)
    return {"recorded": len(new), "answered_201": writes_recorded,
            "duplicated": sum(1 for c in risks.values() if c > 1),
            "recorded_at_backwards": sum(1 for a, b in pairwise(every)
                                         if b < a),
            "verifies": verified.returncode == 0, "events_before": first}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="sqlite", metavar="sqlite|postgres|URL")
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--requests", type=int, default=25, help="per client and measure")
    parser.add_argument("--processes", type=int, default=1)
    parser.add_argument("--seconds", type=float, default=300, help="bound on each measure")
    parser.add_argument("--stores", type=Path, default=ROOT / "bench" / "results" / "stores")
    args = parser.parse_args(argv)

    backend = Backend.parse(args.db)
    stores = Stores(backend, args.stores)
    built, shape = stores.built(args.events)
    with stores.copy_of(built) as url:
        token = token_for(url)
        pilots = shape.open_pilots or shape.pilots
        from scaletrack.application.copying import store_digest
        from scaletrack.application.ledger import Ledger
        from scaletrack.application.store import StoreURL

        before = Ledger(StoreURL.parse(url))
        first = store_digest(before)[0]
        before.close()
        servers, addresses = start_servers(url, args.processes)
        try:
            def write(http: httpx.Client, n: int, i: int) -> int:
                return http.post(f"/api/v1/pilots/{pilots[(n + i) % len(pilots)]}/events",
                                 json={"kind": "risk-raised", "risk": f"H{n}-{i}",
                                       "description": "Under load", "severity": "low"}
                                 ).status_code

            def impact(http: httpx.Client, n: int, i: int) -> int:
                return http.get("/api/v1/views/impact",
                                params={"pilot": pilots[(n + i) % len(pilots)]}).status_code

            load(addresses, token, 2, 3, args.seconds, impact)  # warm the views up
            writes = load(addresses, token, args.clients, args.requests, args.seconds, write)
            reads = load(addresses, token, args.clients, args.requests, args.seconds, impact)
        finally:
            for server in servers:
                server.terminate()
            for server in servers:
                server.wait(timeout=30)
        checked = check(url, first, writes["statuses"].get(201, 0))
        rate = in_process_rate(url, pilots, 200)

    print(f"server benchmark: {backend.name}, {shape.events:,} events, {args.processes} "
          f"server process(es), {args.clients} clients x {args.requests} requests")
    print(f"{'measure':<34} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}  statuses")
    for name, row in (("write (POST pilot event)", writes),
                      ("impact view of a pilot (GET)", reads)):
        print(f"{name:<34} {row['per_second']:>8.1f} {row['p50_ms']:>8.1f} "
              f"{row['p95_ms']:>8.1f} {row['p99_ms']:>8.1f}  {row['statuses']}")
    print(f"{'in-process command (no HTTP)':<34} {rate:>8.1f}")
    print(f"checks: {checked}")
    ok = (checked["duplicated"] == 0 and checked["recorded_at_backwards"] == 0
          and checked["verifies"] and checked["recorded"] == checked["answered_201"]
          and set(writes["statuses"]) <= {201, 409, 422} and set(reads["statuses"]) <= {200})
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
