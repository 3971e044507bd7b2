"""The benchmark suite: ``python bench/run.py`` (or ``make bench``).

Builds (or takes from the cache) stores of 10,000, 100,000 and 1,000,000
events with the demo's mix of event kinds, measures every figure of
BENCHMARKS.md as the median of several runs beside its raw-database baseline
measured in the same run, prints the table, writes it with the raw numbers to
``bench/results/`` (Markdown and JSON), and refreshes BENCHMARKS.md's table
for the backend when run with the default sizes.

Examples::

    python bench/run.py                       # full run on SQLite: 10k, 100k, 1M
    python bench/run.py --quick               # 2k and 20k events, three runs each
    python bench/run.py --sizes 10k,100k --runs 3 --only 2,6,7
    python bench/run.py --db postgres         # the same on 127.0.0.1:5432 (scratch databases)
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.figures import Context, Figure  # noqa: E402
from bench.generate import iter_sizes  # noqa: E402
from bench.report import machine, markdown, update_document  # noqa: E402
from bench.stores import Backend, Stores  # noqa: E402

MEASURES = {
    "1": "bench.measures.cli_write",
    "2": "bench.measures.commands",
    "3": "bench.measures.importing",
    "4": "bench.measures.rebuild",
    "5": "bench.measures.audit",
    "6": "bench.measures.timetravel",
    "7": "bench.measures.load",
    "8": "bench.measures.memory",
    "9": "bench.measures.lists",
}
"""Figure number -> the module that measures it (``measure(ctx)``)."""

DEFAULT_SIZES = "10k,100k,1M"
QUICK_SIZES = "2k,20k"


def arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="bench/run.py", description=__doc__.split("\n\n")[1],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="\n\n".join(__doc__.split("\n\n")[2:]))
    parser.add_argument("--sizes", help=f"store sizes (default {DEFAULT_SIZES}; "
                        f"--quick: {QUICK_SIZES})")
    parser.add_argument("--quick", action="store_true",
                        help="small stores and three runs: a check in about a minute")
    parser.add_argument("--runs", type=int, help="runs per figure, the median is reported "
                        "(default 5; --quick 3)")
    parser.add_argument("--db", default="sqlite", metavar="sqlite|postgres|URL",
                        help="backend: sqlite (default), postgres (127.0.0.1:5432, user "
                        "postgres), or a postgresql:// server URL; scratch databases are "
                        "created on it")
    parser.add_argument("--only", help="figures to measure, e.g. 2,6,7 (default all)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results",
                        help="where results go (default bench/results)")
    parser.add_argument("--stores", type=Path,
                        help="cache of built stores (default OUT/stores)")
    parser.add_argument("--document", type=Path,
                        help="Markdown file whose table to refresh (default BENCHMARKS.md "
                        "for a full run, none otherwise)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = arguments(argv)
    sizes = sorted(set(iter_sizes(args.sizes or (QUICK_SIZES if args.quick else DEFAULT_SIZES))))
    runs = args.runs or (3 if args.quick else 5)
    backend = Backend.parse(args.db)
    wanted = [n.strip() for n in (args.only or ",".join(MEASURES)).split(",")]
    stores = Stores(backend, args.stores or args.out / "stores")
    full = not (args.quick or args.sizes or args.only or args.runs)
    document = args.document or (ROOT / "BENCHMARKS.md" if full else None)

    rows: list[Figure] = []
    memo: dict[str, object] = {}
    started = time.perf_counter()
    for size in sizes:
        url, shape = stores.built(size)
        ctx = Context(backend=backend, stores=stores, size=size, url=url, shape=shape,
                      runs=runs, sizes=sizes, work=args.out, memo=memo)
        for number in wanted:
            module = importlib.import_module(MEASURES[number])
            print(f"[{size:,} events] figure {number}", file=sys.stderr, flush=True)
            rows.extend(module.measure(ctx))
    rows.sort(key=lambda r: (r.figure[:2], r.size or 0))

    about = {**machine(backend), "command": " ".join(["python bench/run.py", *sys.argv[1:]]),
             "sizes": sizes, "runs": runs, "date": datetime.now(UTC).isoformat(timespec="seconds"),
             "seconds": round(time.perf_counter() - started)}
    table = markdown(rows)
    args.out.mkdir(parents=True, exist_ok=True)
    stem = f"latest-{backend.name}"
    (args.out / f"{stem}.md").write_text(table)
    (args.out / f"{stem}.json").write_text(json.dumps(
        {"machine": about, "figures": [r.as_dict() for r in rows]}, indent=2))
    if document is not None:
        update_document(document, backend.name, about, table)
    print(table)
    print(f"written to {args.out / stem}.md and .json"
          + (f"; {document.name} updated" if document else ""), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
