"""Writers at once, SQLite beside PostgreSQL: commands per second and projection lag.

``python bench/concurrency.py [--commands 300] [--pg URL]``

For each backend, in one run: a fresh store with one consortium and eight
pilots; then 1 writer process, then 8 at once, each issuing ``--commands``
funding commands on randomly chosen pilots (overlapping, so writers race and
retry as real leads would) through one long-lived ledger. Commands per second
is every command issued over the wall time from the common start to the last
writer's end. Meanwhile a projector process keeps the views caught up; the
projection lag of a command is the time from its return until the views'
committed position includes its event (median and 99th percentile).

PostgreSQL: the server in ``--pg`` (default ``postgresql://postgres@127.0.0.1:5432/postgres``)
gets a scratch database, dropped afterwards.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

PILOTS = [f"SEED-GR-{n:02d}" for n in range(1, 9)]


def by(actor: str) -> Any:
    from scaletrack.domain.envelope import Provenance

    return Provenance(occurred_on=date(2022, 5, 1), recorded_at=datetime.now(UTC), actor=actor)


def set_up(url: str) -> None:
    from scaletrack.application.ledger import Ledger
    from scaletrack.application.store import StoreURL

    ledger = Ledger(StoreURL.parse(url))
    try:
        ledger.register_consortium("SEED", "Social innovation Ecosystem Development",
                                   "City of Turin", ["IT", "GR"], by("bench"))
        for code in PILOTS:
            ledger.register_pilot(code, "SEED", {
                "title": code, "innovation": "Local SI mapping", "origin_country": "IT",
                "target_countries": ["GR"], "core_components": ["Method"],
                "adaptable_components": ["Venue"], "starts_on": date(2022, 1, 1),
                "ends_on": date(2023, 6, 30)}, by("bench"))
    finally:
        ledger.close()


# -- the processes ----------------------------------------------------------------


def writer(url: str, number: int, count: int) -> None:
    """Wait for 'go' on stdin, issue the commands, print one JSON line per command."""
    from scaletrack.application.ledger import Ledger
    from scaletrack.application.store import StoreURL
    from scaletrack.cli.exits import exit_code_for

    rng = random.Random(number)
    ledger = Ledger(StoreURL.parse(url))
    print("ready", flush=True)
    sys.stdin.readline()
    lines = []
    for _ in range(count):
        code = rng.choice(PILOTS)
        values = {"funder": "ESF+", "amount_eur": str(rng.randint(1, 9999)), "currency": "EUR"}
        started = time.monotonic()
        try:
            pilot = ledger.log_event("funding", code, values, by(f"writer{number}"))
            event, exit_code = [str(pilot.id), pilot.version], 0
        except Exception as error:
            event, exit_code = None, exit_code_for(error)[0]
        lines.append({"start": started, "end": time.monotonic(), "exit": exit_code,
                      "event": event})
    ledger.close()
    print("\n".join(json.dumps(line) for line in lines), flush=True)


def projector(url: str) -> None:
    """Keep the views caught up until stdin closes; print when each event got in."""
    import select

    from scaletrack.application.ledger import Ledger
    from scaletrack.application.store import StoreURL
    from scaletrack.projections.database import engine_for
    from scaletrack.projections.facts import StoreSource
    from scaletrack.projections.runner import ReadModels

    ledger = Ledger(StoreURL.parse(url))
    models = ReadModels(engine_for(url), StoreSource(ledger.recorder))
    models.catch_up()
    print("ready", flush=True)
    seen: list[tuple[float, int]] = []  # (time the views committed it, position)
    def reached(position: int, _: int) -> None:
        seen.append((time.monotonic(), position))

    stopping = False
    while not stopping:
        stopping = bool(select.select([sys.stdin], [], [], 0)[0])
        if models.catch_up(on_page=reached) == 0 and not stopping:
            time.sleep(0.005)
    ids = {}
    for note in ledger.recorder.select_notifications(1, 10_000_000):
        ids[note.id] = [str(note.originator_id), note.originator_version]
    ledger.close()
    print(json.dumps({"seen": seen, "ids": ids}), flush=True)


# -- one measurement --------------------------------------------------------------


def spawn(*args: str) -> subprocess.Popen[str]:
    process = subprocess.Popen([sys.executable, __file__, *args], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    assert process.stdout.readline().strip() == "ready"
    return process


def measure(url: str, writers: int, count: int, with_views: bool) -> dict[str, Any]:
    watching = spawn("projector", url) if with_views else None
    started = [spawn("writer", url, str(n), str(count)) for n in range(writers)]
    for process in started:
        assert process.stdin is not None
        process.stdin.write("go\n")
        process.stdin.flush()
    lines = []
    for process in started:
        assert process.stdout is not None
        lines += [json.loads(line) for line in process.stdout.read().splitlines()]
        process.wait()
    wall = max(line["end"] for line in lines) - min(line["start"] for line in lines)
    result: dict[str, Any] = {
        "writers": writers, "commands": len(lines), "seconds": round(wall, 2),
        "commands_per_s": round(len(lines) / wall, 1),
        "exits": {str(k): sum(1 for line in lines if line["exit"] == k)
                  for k in sorted({line["exit"] for line in lines})}}
    if watching is not None:
        result.update(lags(watching, lines))
    return result


def lags(watching: subprocess.Popen[str], lines: list[dict[str, Any]]) -> dict[str, Any]:
    """Median and p99 of (views include the event) - (command returned), in ms."""
    out, _ = watching.communicate("stop\n")
    report = json.loads(out)
    position_of = {tuple(event): int(n) for n, event in report["ids"].items()}
    seen = report["seen"]
    delays = []
    for line in lines:
        if line["event"] is None:
            continue
        position = position_of[tuple(line["event"])]
        included = next(t for t, reached in seen if reached >= position)
        delays.append(max(0.0, included - line["end"]) * 1000)
    cuts = statistics.quantiles(delays, n=100)
    return {"lag_ms_median": round(statistics.median(delays), 1),
            "lag_ms_p99": round(cuts[98], 1)}


# -- stores -----------------------------------------------------------------------


def sqlite_store(folder: Path, name: str) -> str:
    return f"sqlite:///{folder / name}.db"


def pg_store(server: str, name: str) -> str:
    import psycopg

    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    return urlunsplit(urlsplit(server)._replace(path=f"/{name}"))


def drop_pg(server: str, name: str) -> None:
    import psycopg

    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commands", type=int, default=300, help="per writer")
    parser.add_argument("--pg", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--no-views", action="store_true", help="skip projection lag")
    options = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for backend in ("sqlite", "postgres"):
            for writers in (1, 8):
                name = f"bench_concurrency_{os.getpid()}_{writers}"
                url = (sqlite_store(Path(folder), name) if backend == "sqlite"
                       else pg_store(options.pg, name))
                try:
                    set_up(url)
                    result = measure(url, writers, options.commands, not options.no_views)
                finally:
                    if backend == "postgres":
                        drop_pg(options.pg, name)
                rows.append({"backend": backend, **result})
                print(json.dumps(rows[-1]), flush=True)
    print(table(rows))


def table(rows: list[dict[str, Any]]) -> str:
    head = "| backend | writers | commands/s | exits | lag median ms | lag p99 ms |"
    lines = [head, "|---|---:|---:|---|---:|---:|"]
    for row in rows:
        exits = ", ".join(f"{k}: {v}" for k, v in row["exits"].items())
        lines.append(f"| {row['backend']} | {row['writers']} | {row['commands_per_s']} | "
                     f"{exits} | {row.get('lag_ms_median', '')} | {row.get('lag_ms_p99', '')} |")
    return "\n".join(lines)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "writer":
        writer(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
    elif len(sys.argv) > 1 and sys.argv[1] == "projector":
        projector(sys.argv[2])
    else:
        main()
