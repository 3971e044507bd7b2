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

Beside it, the issue's whole-process figure: a CSV of ``ONE_PILOT_ROWS`` rows for
one running pilot (funding secured and risks raised, the rows an import can
hold in its cell limit) imported with ``scaletrack import`` as a process of its
own, alternating with a process that inserts as many JSON rows with
``executemany`` in one transaction (target: at most 5 times as long).
"""

from __future__ import annotations

import csv
import importlib.util
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.figures import Context, Figure, at_least_ratio, median, unavailable
from bench.proc import BIN, run, worker

FIGURE = "3. bulk import (events/s)"
BATCH = 10_000
"""Rows in the imported file, at every store size."""
PILOTS = 20
"""Running pilots the file reports on: a consortium's quarter, at every store size."""
ONE_PILOT_ROWS = 50_000
"""Rows of the one-pilot file, whole processes (the issue's "Done when"); fewer (ten per
stored event) for stores smaller than 5,000 events, as the test's."""


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


def _one_pilot_rows(ctx: Context) -> int:
    return min(ONE_PILOT_ROWS, 10 * ctx.size)


def _one_pilot_file(ctx: Context, pilot: str) -> Path:
    """Funding secured and risks raised, alternating, for one pilot, on the days of the
    store's last quarter (kept beside the cached store)."""
    count = _one_pilot_rows(ctx)
    path = ctx.stores.folder / f"{Path(ctx.url).stem}-import-{count}x1.csv"
    if path.exists():
        return path
    last = ctx.shape.last_day
    quarter = last.replace(month=(last.month - 1) // 3 * 3 + 1, day=1)
    days = max(1, (last - quarter).days)
    with path.open("w", newline="") as out:
        rows = csv.writer(out)
        rows.writerow(["kind", "pilot", "risk", "description", "severity", "funder",
                       "amount_eur", "funding_source", "co_financing_rate", "occurred_on",
                       "actor"])
        for n in range(count):
            day = (last - timedelta(days=n % days)).isoformat()
            if n % 2:
                rows.writerow(["risk-raised", pilot, f"BULK-{n}", "Staff turnover at a site",
                               "medium", "", "", "", "", day, "bench"])
            else:
                rows.writerow(["funding", pilot, "", "", "", f"Funder {n % 50}",
                               f"{1000 + n}.50", "other-public", "0", day, "bench"])
    return path


def one_pilot(ctx: Context) -> Figure:
    """The one-pilot file imported as a whole process, beside raw executemany as one."""
    from bench.baselines import executemany_json_process

    count = _one_pilot_rows(ctx)
    name = f"3. bulk import of {count:,} rows for one pilot, whole process"
    if ctx.backend.name != "sqlite":
        return unavailable(name, ctx.size, "measured on SQLite only")
    path = _one_pilot_file(ctx, ctx.shape.open_pilots[min(1, len(ctx.shape.open_pilots) - 1)])
    imports, raws = [], []
    for _ in range(ctx.heavy_runs):
        with ctx.stores.copy_of(ctx.url) as url:
            imports.append(run([str(BIN / "scaletrack"), "--db", url, "import", str(path),
                                "--actor", "bench", "--json"]).check("scaletrack import").seconds)
        with ctx.stores.copy_of(ctx.url) as url:
            raws.append(run(executemany_json_process(url, count)).check(
                "executemany").seconds)
    row = Figure(name, ctx.size, median(imports), "s", median(raws),
                 f"a process inserting {count:,} JSON rows with executemany, "
                 "one transaction, alternating",
                 note="every row checked, every event validated, every rule; one atomic "
                      "write with snapshots and audit chain")
    row.target = "ratio <= 5"
    row.met = row.ratio is not None and row.ratio <= 5
    return row


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
    return [at_least_ratio(row, 0.5), one_pilot(ctx)]
