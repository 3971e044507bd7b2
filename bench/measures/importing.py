"""Figure 3: bulk import, events per second (target at least 0.5 of raw ``executemany``).

The file is the next stretch of the store's history: twenty of the store's
running pilots live on for ``BATCH`` more events (results, targets, milestones,
decisions, period reports, corrections...), written as rows in the import
format, and imported with ``scaletrack import FILE`` into a fresh copy of the
store: every row checked against the store, then all saved at once. The file
is the same size at every store size (smaller only for stores smaller than
it), so the figure shows how import cost grows with the store. Baseline: as
many rows of the store's own shape inserted with ``executemany`` in one
transaction.
"""

from __future__ import annotations

import importlib.util
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.figures import Context, Figure, at_least_ratio, median, unavailable
from bench.proc import worker

FIGURE = "3. bulk import (events/s)"
BATCH = 10_000
"""Rows in the imported file, at every store size."""
PILOTS = 20
"""Running pilots the file reports on: a consortium's quarter, at every store size."""


def available() -> bool:
    return all(importlib.util.find_spec(name) is not None for name in (
        "scaletrack.cli.importing", "scaletrack.application.importing.importer",
        "scaletrack.application.importing.templates"))


def make_batch(url: str, pilots: list[str], count: int, path: str) -> dict[str, Any]:
    """On a scratch copy: continue the running pilots, write their new events as rows."""
    from bench.generate import continue_lives
    from scaletrack.application.importing.row_kinds import IMPORT_KIND_OF_TYPE
    from scaletrack.application.importing.spreadsheets import SheetWriter
    from scaletrack.application.importing.templates import Layout, row_of
    from scaletrack.application.ledger import Ledger
    from scaletrack.application.store import StoreURL
    from scaletrack.domain.envelope import Recorded
    from scaletrack.domain.pilot import Pilot

    yesterday = datetime.now(UTC).date() - timedelta(days=1)
    before = continue_lives(url, pilots, count, yesterday)
    ledger = Ledger(StoreURL.parse(url))
    codes = {Pilot.id_for(code): code for code in pilots}
    events: list[Recorded] = []
    start = before + 1
    while True:
        notes = ledger.recorder.select_notifications(start, 1000)
        for note in notes:
            event = ledger.mapper.to_domain_event(note)
            assert isinstance(event, Recorded)
            events.append(event)
        if len(notes) < 1000:
            break
        start = notes[-1].id + 1
    # Only the columns of the kinds in the file: an import refuses unknown columns.
    layout = Layout.of(dict.fromkeys(IMPORT_KIND_OF_TYPE[event.TYPE] for event in events))
    with SheetWriter(Path(path), layout.header) as out:
        for event in events:
            layout.write(out, IMPORT_KIND_OF_TYPE[event.TYPE], row_of(ledger, event, codes))
    rows = len(events)
    ledger.close()
    return {"rows": rows}


def raw_insert(url: str, rows: int, runs: int) -> dict[str, Any]:
    from bench.baselines import executemany_one_transaction, sample_rows

    sample = sample_rows(url, rows)
    rates = []
    for _ in range(runs):
        done = executemany_one_transaction(url, sample)
        rates.append(done["rows"] / done["seconds"])
    return {"rates": rates}


def _batch_file(ctx: Context) -> tuple[Path, int]:
    """The import file for this store, made once and kept beside the cached store."""
    size = min(BATCH, ctx.size)
    pilots = ctx.shape.open_pilots[:PILOTS]
    path = ctx.stores.folder / f"{Path(ctx.url).stem}-import-{size}x{len(pilots)}.csv"
    counted = path.with_suffix(".rows")
    if not counted.exists():
        with ctx.stores.copy_of(ctx.url) as scratch:
            made = worker("bench.measures.importing:make_batch", url=scratch,
                          pilots=pilots, count=size, path=str(path))
        counted.write_text(str(made["rows"]))
    return path, int(counted.read_text())


def measure(ctx: Context) -> list[Figure]:
    if not available():
        return [unavailable(FIGURE, ctx.size, "scaletrack import has not landed")]
    path, rows = _batch_file(ctx)
    rates, rss = [], []
    for _ in range(ctx.heavy_runs):
        with ctx.stores.copy_of(ctx.url) as url:
            done = worker("bench.inprocess:run_cli",
                          argv=["--db", url, "import", str(path), "--actor", "bench", "--json"],
                          warm=["import", "scaletrack.application.importing.importer",
                                "scaletrack.application.importing.templates"])
            rates.append(rows / done["seconds"])
            rss.append(done["rss_mb"])
    with ctx.stores.copy_of(ctx.url) as url:
        raw = worker("bench.measures.importing:raw_insert", url=url, rows=rows,
                     runs=ctx.runs)
    ctx.memo.setdefault("rss", {}).setdefault("import", {})[ctx.size] = max(rss)
    row = Figure(f"3. bulk import of {rows:,} events", ctx.size, median(rates), "events/s",
                 median(raw["rates"]), "raw executemany, one transaction",
                 note="scaletrack import FILE.csv into the store: every row checked, "
                      "then one atomic write")
    return [at_least_ratio(row, 0.5)]
