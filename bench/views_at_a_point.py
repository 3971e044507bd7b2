"""A view at a point in time, read from the bitemporal rows, beside the replay it replaced.

``python bench/views_at_a_point.py [--sizes 10k,100k,1m] [--runs 5] [--replay-runs 3]
[--db sqlite|postgres]``

For each store size (built by ``bench/generate.py``, cached like the suite's
stores, measured on a scratch copy whose views are built first), in one run:

- in-process, each in a fresh process (its peak RSS is its own), medians of
  ``--runs``: impact and progress for one typical pilot ``--known-at`` a
  moment in the middle of its life and ``--as-of`` that day, the same for the
  whole portfolio, and ``diff impact`` for the pilot between two moments;
  each beside the replay path (the facts the point sees, replayed into a
  private in-memory database, as every view at a point was read before) and
  the live view with the same filters (the diff: the pilot's live impact);
- as whole processes (``scaletrack impact --pilot P [--known-at T] --json``):
  the live view, and the view at a point, with their peak RSS.

Prints a Markdown table; nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.generate import iter_sizes  # noqa: E402
from bench.proc import BIN, run, worker  # noqa: E402
from bench.stores import Backend, Stores  # noqa: E402


def _point(url: str, code: str) -> tuple[str, str]:
    """The middle of a pilot's life, and a moment a month later (its end of day, UTC)."""
    from scaletrack.application.ledger import Ledger
    from scaletrack.application.store import StoreURL
    from scaletrack.domain.pilot import Pilot

    ledger = Ledger(StoreURL.parse(url))
    try:
        pilot = ledger.get(Pilot, code)
        middle = pilot.starts_on + (pilot.ends_on - pilot.starts_on) / 2
    finally:
        ledger.close()
    known = datetime.combine(middle + timedelta(days=30), clock.max, tzinfo=UTC)
    return middle.isoformat(), known.isoformat()


def build_views(url: str) -> dict[str, Any]:
    """Every view built (or caught up) on the store: what a live store always has."""
    from scaletrack.application.ledger import Ledger
    from scaletrack.application.queries.reading import ReadStore
    from scaletrack.application.store import StoreURL

    ledger = Ledger(StoreURL.parse(url))
    started = time.perf_counter()
    with ReadStore(ledger) as store:
        read = store.catch_up()
    ledger.close()
    return {"seconds": time.perf_counter() - started, "events": read}


def at_a_point(url: str, view: str, pilot: str | None, as_of: str | None,
               known_at: str | None, way: str, runs: int) -> dict[str, Any]:
    """Timings of one view at one point, the indexed way or by replay."""
    from scaletrack.application.documents import plain
    from scaletrack.application.ledger import Ledger
    from scaletrack.application.queries.reading import ReadStore
    from scaletrack.application.queries.views import document, replayed, seen_at
    from scaletrack.application.store import StoreURL
    from scaletrack.application.timetravel import PointInTime
    from scaletrack.projections.filters import Filters

    ledger = Ledger(StoreURL.parse(url))
    point = PointInTime(date.fromisoformat(as_of) if as_of else None,
                        datetime.fromisoformat(known_at) if known_at else None)
    filters = Filters(pilot=pilot)
    timings, size = [], 0
    with ReadStore(ledger) as store:
        store.catch_up()
        for _ in range(runs):
            started = time.perf_counter()
            if way == "indexed":
                found = document(store, view, filters, point)
            elif way == "live":
                found = document(store, view, filters)
            else:
                found = replayed(view, seen_at(point, store.facts()), filters,
                                 point.day(ledger.clock()))
            timings.append(time.perf_counter() - started)
            size = len(json.dumps(plain(found), default=str))
    ledger.close()
    return {"seconds": timings, "bytes": size}


def diff_between(url: str, pilot: str, before: str, after: str, way: str, runs: int
                 ) -> dict[str, Any]:
    """Timings of ``diff impact`` for one pilot between two moments."""
    from scaletrack.application.documents import plain
    from scaletrack.application.ledger import Ledger
    from scaletrack.application.queries.diff import view_diff
    from scaletrack.application.queries.reading import ReadStore
    from scaletrack.application.queries.views import replayed, seen_at
    from scaletrack.application.store import StoreURL
    from scaletrack.application.timetravel import PointInTime
    from scaletrack.projections import diffing
    from scaletrack.projections.filters import Filters

    ledger = Ledger(StoreURL.parse(url))
    points = [PointInTime(known_at=datetime.fromisoformat(m)) for m in (before, after)]
    filters = Filters(pilot=pilot)
    timings, changes = [], 0
    with ReadStore(ledger) as store:
        store.catch_up()
        for _ in range(runs):
            started = time.perf_counter()
            if way == "indexed":
                changes = len(view_diff(store, "impact", filters, *points)["changes"])
            else:  # as before: both points replayed, every fact read
                facts = store.facts()
                old, new = (plain(replayed("impact", seen_at(p, facts), filters,
                                           p.day(ledger.clock()))) for p in points)
                changes = len(diffing.compare(old, new))
            timings.append(time.perf_counter() - started)
    ledger.close()
    return {"seconds": timings, "changes": changes}


def _ms(found: dict[str, Any]) -> float:
    return float(statistics.median(found["seconds"])) * 1000


def measure(url: str, code: str, runs: int, replay_runs: int
            ) -> list[tuple[str, float, float, float, float, float]]:
    """Rows: (what, indexed ms, its peak MB, replay ms, its peak MB, live ms)."""
    middle, known = _point(url, code)
    later = (datetime.fromisoformat(known) + timedelta(days=90)).isoformat()
    rows = []
    cases = [("impact, one pilot, --known-at", "impact", code, None, known),
             ("impact, one pilot, --as-of", "impact", code, middle, None),
             ("progress, one pilot, --as-of", "progress", code, middle, None),
             ("progress, one pilot, --known-at", "progress", code, None, known),
             ("impact, whole portfolio, --known-at", "impact", None, None, known),
             ("progress, whole portfolio, --as-of", "progress", None, middle, None)]
    for what, view, pilot, as_of, known_at in cases:
        found = {way: worker("bench.views_at_a_point:at_a_point", url=url, view=view,
                             pilot=pilot, as_of=as_of, known_at=known_at, way=way,
                             runs=replay_runs if way == "replay" else runs)
                 for way in ("indexed", "replay", "live")}
        rows.append((what, _ms(found["indexed"]), found["indexed"]["rss_mb"],
                     _ms(found["replay"]), found["replay"]["rss_mb"], _ms(found["live"])))
    found = {way: worker("bench.views_at_a_point:diff_between", url=url, pilot=code,
                         before=known, after=later, way=way,
                         runs=runs if way == "indexed" else replay_runs)
             for way in ("indexed", "replay")}
    live = worker("bench.views_at_a_point:at_a_point", url=url, view="impact", pilot=code,
                  as_of=None, known_at=None, way="live", runs=runs)
    rows.append(("diff impact, one pilot, two --known-at", _ms(found["indexed"]),
                 found["indexed"]["rss_mb"], _ms(found["replay"]), found["replay"]["rss_mb"],
                 _ms(live)))
    return rows


def whole_processes(url: str, code: str, runs: int) -> list[tuple[str, float, float]]:
    """Rows: (command, median seconds, peak MB) of ``scaletrack impact`` as a process."""
    middle, known = _point(url, code)
    rows = []
    for what, extra in (("live", []), ("--known-at", ["--known-at", known]),
                        ("--as-of", ["--as-of", middle])):
        done = [run([str(BIN / "scaletrack"), "impact", "--pilot", code, *extra, "--json"],
                    env={"SCALETRACK_DB": url}).check(what) for _ in range(runs)]
        rows.append((what, statistics.median(d.seconds for d in done),
                     max(d.rss_mb for d in done)))
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10k,100k")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--replay-runs", type=int, default=3,
                        help="runs of the replay baseline (it takes seconds per run)")
    parser.add_argument("--db", default="sqlite", metavar="sqlite|postgres|URL")
    parser.add_argument("--stores", type=Path, default=ROOT / "bench" / "results" / "stores")
    args = parser.parse_args(argv)
    backend = Backend.parse(args.db)
    stores = Stores(backend, args.stores)
    print(f"Views at a point, {backend.name}, median of {args.runs} runs "
          f"(replay: {args.replay_runs}) "
          f"({datetime.now(UTC).isoformat(timespec='seconds')})\n")
    print("| events | view at a point | indexed | peak RSS | replay | peak RSS | speed-up | "
          "live view, same filters |")
    print("|---:|---|---:|---:|---:|---:|---:|---:|")
    processes = []
    for size in sorted(set(iter_sizes(args.sizes))):
        built, shape = stores.built(size)
        with stores.copy_of(built) as url:
            views = worker("bench.views_at_a_point:build_views", url=url)
            print(f"| {shape.events:,} | (views built: {views['seconds']:.1f} s, "
                  f"{views['rss_mb']:.0f} MB) | | | | | | |", flush=True)
            for what, ms, mb, replay_ms, replay_mb, live_ms in measure(
                    url, shape.typical_pilot, args.runs, args.replay_runs):
                print(f"| {shape.events:,} | {what} | {ms:,.1f} ms | {mb:.0f} MB | "
                      f"{replay_ms:,.1f} ms | {replay_mb:.0f} MB | "
                      f"{replay_ms / ms:,.0f}x | {live_ms:,.1f} ms |", flush=True)
            processes += [(shape.events, *row) for row in
                          whole_processes(url, shape.typical_pilot, args.runs)]
    print("\n| events | `scaletrack impact --pilot P ... --json` | wall | peak RSS |")
    print("|---:|---|---:|---:|")
    for events, what, seconds, mb in processes:
        print(f"| {events:,} | {what} | {seconds:.2f} s | {mb:.0f} MB |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
