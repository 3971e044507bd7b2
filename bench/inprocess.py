"""A scaletrack command run inside a worker, timed without the interpreter's start-up.

Long operations (import, rebuild, export, verify) are measured through the
CLI, the interface users run and the one that stays stable while the code
behind it changes. The command's modules are imported first and the command
is run once on a scratch target when a warm-up is given, so the time is the
operation's own: what it costs per event, not what starting Python costs.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import time
from typing import Any


def _main(argv: list[str]) -> tuple[int, str, str]:
    from scaletrack.cli.main import main

    out, err = io.StringIO(), io.StringIO()
    code = 0
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            main(argv)
        except SystemExit as done:
            code = int(done.code or 0)
    return code, out.getvalue(), err.getvalue()


def run_cli(argv: list[str], warm: list[str] | None = None,
            warm_argv: list[str] | None = None) -> dict[str, Any]:
    """Run ``scaletrack ARGV`` in this process; its seconds, exit code and output."""
    from scaletrack.cli.main import COMMANDS

    for name in warm or []:
        module = COMMANDS[name].partition(":")[0] if name in COMMANDS else name
        importlib.import_module(module)
    if warm_argv:
        _main(warm_argv)
    started = time.perf_counter()
    code, out, err = _main(argv)
    seconds = time.perf_counter() - started
    if code != 0:
        raise SystemExit(f"scaletrack {' '.join(argv)} exited {code}: {err.strip()[-500:]}")
    return {"seconds": seconds, "stdout": out[-20_000:], "stderr": err[-2_000:]}
