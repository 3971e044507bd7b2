"""Child processes, timed as a whole, with their peak memory."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


@dataclass(frozen=True)
class Finished:
    seconds: float
    rss_mb: float
    returncode: int
    stdout: str
    stderr: str
    cpu: float = 0.0
    """User plus system CPU seconds: steadier than wall time on a shared machine."""

    def check(self, what: str) -> Finished:
        if self.returncode != 0:
            raise RuntimeError(f"{what} exited {self.returncode}: {self.stderr.strip()[-400:]}")
        return self


def run(argv: list[str], env: dict[str, str] | None = None, cwd: Path = ROOT) -> Finished:
    """Run a process to its end: wall seconds from spawn to exit, and its peak RSS."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        child = subprocess.Popen(argv, stdout=out, stderr=err, cwd=cwd,
                                 env={**os.environ, **(env or {})})
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Finished(seconds, usage.ru_maxrss / 1024, child.returncode,
                        out.read().decode(errors="replace"), err.read().decode(errors="replace"),
                        usage.ru_utime + usage.ru_stime)


def worker(target: str, **arguments: Any) -> dict[str, Any]:
    """Run ``bench.worker`` on an operation; its JSON result, with the process's peak RSS."""
    done = run([sys.executable, "-m", "bench.worker", target, json.dumps(arguments)])
    done.check(target)
    result: dict[str, Any] = json.loads(done.stdout)
    return result
