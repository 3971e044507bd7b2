"""Files a person opens: cells a spreadsheet never runs as formulas, and atomic writes.

**Cells.** A text that a spreadsheet would run as a formula (see
:mod:`scaletrack.formulas`, which also makes CSV cells safe) is typed as text
in XLSX and marked with the quote prefix, and its value stays exactly the text.

**Writes.** A file is written under a temporary name in the same folder,
flushed to disk and renamed over the target only when complete: a writer
killed half-way leaves the old file as it was (and, at worst, a hidden
``.NAME.*.partial`` file beside it).
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from scaletrack.domain.errors import InvalidInput
from scaletrack.formulas import csv_row, csv_text, from_csv_text, runs_as_formula

__all__ = ["atomic_path", "csv_row", "csv_text", "from_csv_text", "runs_as_formula",
           "write_atomic", "xlsx_cell", "xlsx_row"]

def xlsx_cell(sheet: Any, value: Any) -> Any:
    """A value for an openpyxl row: texts that would run as formulas become text cells."""
    if isinstance(value, str) and runs_as_formula(value):
        from openpyxl.cell import WriteOnlyCell

        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"
        cell.quotePrefix = True
        return cell
    return value


def xlsx_row(sheet: Any, cells: Any) -> list[Any]:
    return [xlsx_cell(sheet, c) for c in cells]


@contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """A temporary path beside ``path``; renamed onto it when the block ends without error.

    The block writes the temporary file (a library that wants a file name gets
    one); on success it is synced to disk and renamed, so readers see the old
    file or the whole new one, never a part.
    """
    if not path.parent.is_dir():
        raise InvalidInput(f"no folder {path.parent} to write {path.name} in", field="output",
                           hint="create the folder first, or name a file in one that exists")
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}.partial")
    # Created here so the new file gets the usual permissions (0666 less umask).
    os.close(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
    try:
        yield temporary
        _sync(temporary)
        temporary.replace(path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    _sync_folder(path.parent)


def write_atomic(path: Path, data: bytes) -> None:
    with atomic_path(path) as temporary:
        temporary.write_bytes(data)


def _sync(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (POSIX; where folders cannot be opened, skip)."""
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)
