"""Figure 1: one CLI write, ``scaletrack log ...``, as a whole process (target 0.25 s).

Each run is a new process (the interpreter starts cold; the operating system's
file cache is warm, as it is for a user's second command). Baselines, run
alternately with it: ``python -c pass``, and importing the libraries a write
needs (eventsourcing, pydantic, click).
"""

from __future__ import annotations

import sys

from bench.figures import Context, Figure, at_most, median
from bench.proc import BIN, run

WRITE_IMPORTS = "import eventsourcing.application, eventsourcing.sqlite, pydantic, click"
ALL_IMPORTS = ("import eventsourcing.application, eventsourcing.sqlite, pydantic, click, "
               "sqlalchemy.orm, rich.table, psycopg, openpyxl, cryptography")


def measure(ctx: Context) -> list[Figure]:
    code = ctx.shape.open_pilots[-1]
    write = [str(BIN / "scaletrack"), "log", "funding", code, "--funder", "ESF+ OP",
             "--amount-eur", "15000", "--currency", "EUR", "--actor", "bench"]
    timings: dict[str, list[float]] = {"write": [], "pass": [], "deps": [], "all": []}
    with ctx.stores.copy_of(ctx.url) as url:
        for _ in range(ctx.runs + 1):
            timings["write"].append(run(write, env={"SCALETRACK_DB": url}).check(
                "scaletrack log").seconds)
            timings["pass"].append(run([sys.executable, "-c", "pass"]).seconds)
            timings["deps"].append(run([sys.executable, "-c", WRITE_IMPORTS]).seconds)
            if ctx.smallest:
                timings["all"].append(run([sys.executable, "-c", ALL_IMPORTS]).seconds)
    seconds = {k: median(v[1:]) for k, v in timings.items() if v}
    rows = [at_most(Figure("1. CLI write (scaletrack log funding), whole process", ctx.size,
                           seconds["write"], "s", seconds["pass"], "python -c pass"),
                    0.25, "s"),
            Figure("1. CLI write vs importing what a write needs", ctx.size,
                   seconds["write"], "s", seconds["deps"],
                   "python -c 'import eventsourcing, pydantic, click'")]
    if "all" in seconds:
        rows.append(Figure("1. importing every dependency (for scale)", ctx.size,
                           seconds["all"], "s", seconds["pass"], "python -c pass",
                           note="sqlalchemy.orm, rich, psycopg, openpyxl and cryptography too; "
                                "a write must not need them"))
    return rows
