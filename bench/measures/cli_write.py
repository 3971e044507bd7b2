"""Figure 1: one CLI write, ``scaletrack log ...``, as a whole process (target: no longer
than ``sqlite-utils insert`` of one row, and 0.25 s).

Each run is a new process (the interpreter starts cold; the operating system's
file cache is warm, as it is for a user's second command). Baselines, run
alternately with it: ``sqlite-utils insert`` of one JSON row into a SQLite file
(a comparable CLI that writes one row; without sqlite-utils installed, the
figure says so), ``python -c pass``, and importing the libraries a write needs
(eventsourcing, pydantic, click).
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
from pathlib import Path

from bench.figures import Context, Figure, at_most, median, unavailable
from bench.proc import BIN, run

WRITE_IMPORTS = "import eventsourcing.application, eventsourcing.sqlite, pydantic, click"
ALL_IMPORTS = ("import eventsourcing.application, eventsourcing.sqlite, pydantic, click, "
               "sqlalchemy.orm, rich.table, psycopg, openpyxl, cryptography")


def measure(ctx: Context) -> list[Figure]:
    code = ctx.shape.open_pilots[-1]
    write = [str(BIN / "scaletrack"), "log", "funding", code, "--funder", "ESF+ OP",
             "--amount-eur", "15000", "--currency", "EUR", "--actor", "bench"]
    timings: dict[str, list[float]] = {"write": [], "insert": [], "pass": [], "deps": [],
                                       "all": [], "write_cpu": [], "insert_cpu": []}
    sqlite_utils = shutil.which("sqlite-utils", path=str(BIN)) if ctx.backend.name == "sqlite" \
        else None
    with ctx.stores.copy_of(ctx.url) as url, tempfile.TemporaryDirectory() as folder:
        row = Path(folder) / "row.json"
        row.write_text(json.dumps({"id": 1, "pilot": code, "funder": "ESF+ OP",
                                   "amount_eur": 15000, "currency": "EUR"}))
        insert = [str(sqlite_utils), "insert", str(Path(folder) / "rows.db"), "funding",
                  str(row), "--pk", "id", "--replace"]
        for _ in range(ctx.runs + 1):
            wrote = run(write, env={"SCALETRACK_DB": url}).check("scaletrack log")
            timings["write"].append(wrote.seconds)
            timings["write_cpu"].append(wrote.cpu)
            if sqlite_utils:
                inserted = run(insert).check("sqlite-utils insert")
                timings["insert"].append(inserted.seconds)
                timings["insert_cpu"].append(inserted.cpu)
            timings["pass"].append(run([sys.executable, "-c", "pass"]).seconds)
            timings["deps"].append(run([sys.executable, "-c", WRITE_IMPORTS]).seconds)
            if ctx.smallest:
                timings["all"].append(run([sys.executable, "-c", ALL_IMPORTS]).seconds)
    seconds = {k: median(v[1:]) for k, v in timings.items() if v}
    versus = "1. CLI write vs a comparable CLI writing one row"
    if "insert" in seconds:
        compared = Figure(versus, ctx.size, seconds["write"], "s", seconds["insert"],
                          "sqlite-utils insert of one JSON row, alternating")
        compared.target = "ratio <= 1"
        compared.met = compared.ratio is not None and compared.ratio <= 1
        by_cpu = Figure(f"{versus}, CPU (user + system)", ctx.size, seconds["write_cpu"], "s",
                        seconds["insert_cpu"], "sqlite-utils insert, the same runs",
                        note="steadier than wall time when the machine is shared")
    else:
        compared = unavailable(versus, ctx.size, "sqlite-utils is not installed (pip install "
                               "'.[bench]'), or the store is not SQLite")
        by_cpu = None
    rows = [at_most(Figure("1. CLI write (scaletrack log funding), whole process", ctx.size,
                           seconds["write"], "s", seconds["pass"], "python -c pass"),
                    0.25, "s"),
            compared,
            Figure("1. CLI write vs importing what a write needs", ctx.size,
                   seconds["write"], "s", seconds["deps"],
                   "python -c 'import eventsourcing, pydantic, click'")]
    if by_cpu is not None:
        rows.insert(2, by_cpu)
    if "all" in seconds:
        rows.append(Figure("1. importing every dependency (for scale)", ctx.size,
                           seconds["all"], "s", seconds["pass"], "python -c pass",
                           note="sqlalchemy.orm, rich, psycopg, openpyxl and cryptography too; "
                                "a write must not need them"))
    return rows
