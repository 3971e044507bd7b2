"""What ``--db`` may point at, stores that may only be read, and files a command writes."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from expect import refused

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))


def foreign_files(folder: Path) -> dict[str, Path]:
    """Files that are not scaletrack stores: another application's database, an empty
    file, a picture."""
    other = folder / "notes.sqlite"
    with sqlite3.connect(other) as db:
        db.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)")
        db.execute("INSERT INTO notes (text) VALUES ('keep me')")
    db.close()
    (folder / "empty.db").write_bytes(b"")
    (folder / "picture.png").write_bytes(PNG)
    return {"other": other, "empty": folder / "empty.db", "png": folder / "picture.png"}


def test_a_file_that_is_not_a_store_is_refused_and_left_as_it_is(cli: Any,
                                                                 tmp_path: Path) -> None:
    for path in foreign_files(tmp_path).values():
        before = path.read_bytes()
        url = f"sqlite:///{path}"
        for words in (("pilot", "list"), ("init",), ("demo",), ("demo", "--fresh"),
                      ("impact", "--json"), ("verify", "--store"), ("digest",),
                      ("consortium", "register", "SEED", "--name", "N", "--lead", "L",
                       "--country", "IT")):
            refused(cli("--db", url, *words), 2, str(path), "not a scaletrack store")
        assert path.read_bytes() == before, path
        assert sorted(p.name for p in tmp_path.iterdir()) == [
            "empty.db", "notes.sqlite", "picture.png"]
    refused(cli("--db", f"sqlite:///{tmp_path}", "pilot", "list"), 2, "a folder")


@pytest.fixture
def stale_demo(demo_url: str, tmp_path: Path, cli: Any) -> Path:
    """A copy of the demo with one more event, whose views have not caught up with it."""
    path = tmp_path / "archive.db"
    shutil.copyfile(demo_url.removeprefix("sqlite:///"), path)
    added = cli("--db", f"sqlite:///{path}", "log", "milestone-planned", "SEED-GR-01",
                "--milestone", "M9", "--title", "Handbook", "--due-on", "2023-05-31")
    assert added.exit_code == 0, added.stderr
    return path


@contextmanager
def read_only(path: Path) -> Iterator[Path]:
    """The file, impossible to write while the block runs (root writes past file modes)."""
    if os.geteuid() != 0:
        path.chmod(0o444)
        path.parent.chmod(0o555)
        try:
            yield path
        finally:
            path.parent.chmod(0o755)
            path.chmod(0o644)
        return
    if shutil.which("chattr") is None or subprocess.run(
            ["chattr", "+i", str(path)], capture_output=True, check=False).returncode != 0:
        pytest.skip("cannot make a file read-only for root here")
    try:
        yield path
    finally:
        subprocess.run(["chattr", "-i", str(path)], check=True)


READS = [("pilot", "list", "--json"), ("pilot", "show", "SEED-GR-01", "--json"),
         ("impact", "--pilot", "SEED-GR-01", "--json"), ("progress", "--json"),
         ("quality", "--json"), ("verify", "--store")]


def test_a_store_that_may_only_be_read_can_still_be_read(cli: Any, stale_demo: Path,
                                                         tmp_path: Path) -> None:
    writable = tmp_path / "writable.db"
    shutil.copyfile(stale_demo, writable)
    wanted = {words: cli("--db", f"sqlite:///{writable}", *words) for words in READS}
    before = stale_demo.read_bytes()
    with read_only(stale_demo):
        for words in READS:
            printed = cli("--db", f"sqlite:///{stale_demo}", *words)
            assert printed.exit_code == 0, (words, printed.stderr)
            assert printed.stdout == wanted[words].stdout, words
        assert cli("--db", f"sqlite:///{stale_demo}", "digest").exit_code == 0
        bundle = tmp_path / "out" / "bundle"
        exported = cli("--db", f"sqlite:///{stale_demo}", "export", "-o", str(bundle))
        assert exported.exit_code == 0, exported.stderr
        assert cli("verify", str(bundle)).exit_code == 0
    assert stale_demo.read_bytes() == before


def test_demo_fresh_deletes_only_a_demo(cli: Any, stale_demo: Path) -> None:
    url = f"sqlite:///{stale_demo}"
    count = len(cli("--db", url, "pilot", "history", "SEED-GR-01", "--json").json())
    refused(cli("--db", url, "demo", "--fresh"), 1, "1 event that is not the demo's")
    assert len(cli("--db", url, "pilot", "history", "SEED-GR-01", "--json").json()) == count


def test_a_file_in_a_missing_folder_is_invalid_input(cli: Any, demo_url: str,
                                                     tmp_path: Path) -> None:
    missing = tmp_path / "no" / "such"
    for words in (("impact", "-o", str(missing / "impact.xlsx")),
                  ("impact", "--format", "csv", "-o", str(missing / "impact.csv")),
                  ("portfolio", "-o", str(missing / "portfolio.json")),
                  ("report", "--pilot", "SEED-GR-01", "--format", "pdf", "-o",
                   str(missing / "r.pdf")),
                  ("import", "dump", "-o", str(missing / "dump.xlsx"))):
        refused(cli("--db", demo_url, *words), 2, "no folder", str(missing))
    assert not (tmp_path / "no").exists()


def test_a_killed_export_leaves_no_staging_folder(demo_url: str, tmp_path: Path) -> None:
    bundle = tmp_path / "bundle"
    gone = tmp_path / f".bundle.partial-{2 ** 22 + 1}"  # a SIGKILLed export's, long ago
    (gone / "schemas").mkdir(parents=True)
    command = [sys.executable, "-c", "from scaletrack.cli.main import main; main()",
               "--db", demo_url, "export", "-o", str(bundle), "--csv"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    staging = tmp_path / f".bundle.partial-{process.pid}"
    deadline = time.monotonic() + 60
    while not staging.exists() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=60) in (0, 128 + signal.SIGTERM)
    left = sorted(p.name for p in tmp_path.iterdir())
    assert left in ([], ["bundle"]), left
