"""The benchmark script runs end to end on a tiny store (its figures are not checked)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

OLD_TABLE = "<!-- bench:sqlite:begin -->\nold table\n<!-- bench:sqlite:end -->"


@pytest.mark.slow
def test_the_benchmark_writes_every_figure_as_a_table_and_json(tmp_path: Path) -> None:
    document = tmp_path / "BENCHMARKS.md"
    document.write_text(f"# Benchmarks\n\nHow to reproduce.\n\n{OLD_TABLE}\n\nBounds.\n")

    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run.py"), "--sizes", "300,600", "--runs", "1",
         "--out", str(tmp_path / "results"), "--document", str(document)],
        capture_output=True, text=True, cwd=ROOT, timeout=300, check=False)

    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads((tmp_path / "results" / "latest-sqlite.json").read_text())
    figures = {row["figure"].split(".")[0] for row in report["figures"]}
    assert figures == {str(n) for n in range(1, 10)}  # figure 9: the live lists and views
    assert all(row["value"] is not None or row["note"].startswith("not available yet")
               for row in report["figures"])
    assert report["machine"]["sqlite"]
    assert "| figure |" in done.stdout
    text = document.read_text()
    assert "old table" not in text
    assert text.startswith("# Benchmarks\n\nHow to reproduce.")
    assert text.endswith("Bounds.\n")
    assert "| 1. CLI write" in text


def test_the_benchmark_explains_itself() -> None:
    done = subprocess.run([sys.executable, str(ROOT / "bench" / "run.py"), "--help"],
                          capture_output=True, text=True, cwd=ROOT, timeout=60, check=False)

    assert done.returncode == 0
    assert "python bench/run.py --quick" in done.stdout
    assert "--db" in done.stdout
