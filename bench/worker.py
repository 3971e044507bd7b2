"""Runs one timed operation in a process of its own and prints its result as JSON.

``python -m bench.worker MODULE:FUNCTION '{"arg": ...}'``. The function
returns a dict of timings; the worker adds the process's peak resident memory,
so every operation is measured in a fresh interpreter, as a user runs it, and
its memory is its own.
"""

from __future__ import annotations

import importlib
import json
import resource
import sys


def main() -> None:
    target, arguments = sys.argv[1], json.loads(sys.argv[2])
    module_name, _, function_name = target.partition(":")
    function = getattr(importlib.import_module(module_name), function_name)
    result = function(**arguments)
    result["rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(result))


if __name__ == "__main__":
    main()
