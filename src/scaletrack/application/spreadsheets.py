"""Rows from CSV, XLSX and JSON Lines files, and rows written back to them.

A sheet is a header and numbered rows of raw cells. Row numbers are the ones
a spreadsheet shows (the header of a plain CSV is row 1), or line numbers in
JSON Lines. Rows whose first cell starts with ``#`` are comments (templates
describe their columns that way) and blank rows are ignored, wherever they
are, so empty trailing rows never count.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from scaletrack.domain.errors import InvalidInput

FORMATS = {".csv": "csv", ".xlsx": "xlsx", ".jsonl": "jsonl", ".ndjson": "jsonl"}


@dataclass(frozen=True)
class SheetRow:
    number: int
    cells: dict[str, Any]
    """Raw cells by column name as written in the header."""


@dataclass(frozen=True)
class Sheet:
    name: str
    header: list[str]
    rows: list[SheetRow]


def format_of(path: Path) -> str:
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise InvalidInput(f"{path.name}: unknown file type {path.suffix or '(none)'}",
                           hint="use .csv, .xlsx or .jsonl")
    return fmt


def read_sheet(path: Path) -> Sheet:
    """Every row of a CSV, XLSX (first worksheet) or JSON Lines file."""
    fmt = format_of(path)
    if not path.is_file():
        raise InvalidInput(f"{path}: no such file")
    if fmt == "jsonl":
        return _read_jsonl(path)
    lines = _read_xlsx(path) if fmt == "xlsx" else _read_csv(path)
    return _tabular(path.name, lines)


def _is_blank(cell: Any) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _tabular(name: str, lines: Iterator[tuple[int, Sequence[Any]]]) -> Sheet:
    header: list[str] | None = None
    rows: list[SheetRow] = []
    for number, cells in lines:
        if all(_is_blank(c) for c in cells):
            continue
        if isinstance(cells[0], str) and cells[0].lstrip().startswith("#"):
            continue
        if header is None:
            header = _header(cells)
            continue
        if len(cells) > len(header) and any(not _is_blank(c) for c in cells[len(header):]):
            raise InvalidInput(f"{name} row {number}: a value in a column without a header",
                               hint="name every column in the header row")
        rows.append(SheetRow(number, {h: c for h, c in zip(header, cells, strict=False)
                                      if h and not _is_blank(c)}))
    if header is None:
        raise InvalidInput(f"{name}: no header row", hint="start from scaletrack import template")
    return Sheet(name, [h for h in header if h], rows)


def _header(cells: Sequence[Any]) -> list[str]:
    header = ["" if _is_blank(c) else str(c).strip() for c in cells]
    while header and not header[-1]:
        header.pop()
    return header


def _read_csv(path: Path) -> Iterator[tuple[int, Sequence[Any]]]:
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InvalidInput(
            f"{path.name} is not UTF-8 text (byte 0x{data[error.start]:02x} at offset "
            f"{error.start})", hint="save it as 'CSV UTF-8' and import again") from None
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    try:
        yield from enumerate(reader, start=1)
    except csv.Error as error:
        raise InvalidInput(f"{path.name} row {reader.line_num}: {error}") from None


def _delimiter(text: str) -> str:
    """',' unless the first line is clearly separated by ';' or tabs (European Excel)."""
    first = text.split("\n", 1)[0]
    counts = {d: first.count(d) for d in ",;\t"}
    return max(counts, key=lambda d: (counts[d], d == ","))


def _read_xlsx(path: Path) -> Iterator[tuple[int, Sequence[Any]]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a broken file
        raise InvalidInput(f"{path.name} is not a readable XLSX workbook ({error})") from None
    try:
        sheet = book.worksheets[0]
        yield from enumerate(sheet.iter_rows(values_only=True), start=1)
    finally:
        book.close()


def _read_jsonl(path: Path) -> Sheet:
    header: dict[str, None] = {}
    rows: list[SheetRow] = []
    text = path.read_bytes()
    try:
        # Only newlines end a record: text may hold U+2028 and other line breaks.
        lines = text.decode("utf-8-sig").split("\n")
    except UnicodeDecodeError as error:
        raise InvalidInput(f"{path.name} is not UTF-8 text (offset {error.start})",
                           hint="save it as UTF-8 and import again") from None
    for number, line in enumerate(lines, start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        try:
            record = json.loads(line, parse_float=Decimal)
        except json.JSONDecodeError as error:
            raise InvalidInput(f"{path.name} line {number}: not JSON ({error.msg})") from None
        if not isinstance(record, dict):
            raise InvalidInput(f"{path.name} line {number}: not a JSON object")
        header.update(dict.fromkeys(record))
        rows.append(SheetRow(number, {k: v for k, v in record.items() if not _is_blank(v)}))
    return Sheet(path.name, list(header), rows)


# -- writing ------------------------------------------------------------------------


class SheetWriter:
    """Writes a header, optional comment rows and data rows to CSV, XLSX or JSON Lines.

    ``text_row`` renders a row for CSV, ``cell_row`` for XLSX and ``json_row``
    for JSON Lines; rows are streamed, so a whole store can be written.
    """

    def __init__(self, path: Path, header: list[str]) -> None:
        self.path, self.header, self.format = path, header, format_of(path)
        self._book: Any = None
        if self.format == "xlsx":
            from openpyxl import Workbook

            self._book = Workbook(write_only=True)
            self._sheet = self._book.create_sheet("rows")
            self._sheet.append(header)
        else:
            self._file = path.open("w", encoding="utf-8", newline="")
            self._csv = csv.writer(self._file, lineterminator="\r\n")
            if self.format == "csv":
                self._csv.writerow(header)

    def comment(self, cells: list[str]) -> None:
        """A row a reader skips: its first cell starts with '#'."""
        if self.format == "jsonl":
            self._file.write("# " + json.dumps(dict(zip(self.header, cells, strict=True)),
                                               ensure_ascii=False) + "\n")
        elif self.format == "csv":
            self._csv.writerow(cells)
        else:
            self._sheet.append(cells)

    def row(self, text: list[str], cells: list[Any], record: dict[str, Any]) -> None:
        if self.format == "csv":
            self._csv.writerow(text)
        elif self.format == "xlsx":
            self._sheet.append([self._literal(c) for c in cells])
        else:
            self._file.write(json.dumps(record, ensure_ascii=False) + "\n")

    def _literal(self, value: Any) -> Any:
        """Text that starts with '=' stays text, not a formula that reads back empty."""
        if isinstance(value, str) and value.startswith("="):
            from openpyxl.cell import WriteOnlyCell

            cell = WriteOnlyCell(self._sheet, value=value)
            cell.data_type = "s"
            return cell
        return value

    def close(self) -> None:
        if self._book is not None:
            self._book.save(self.path)
        else:
            self._file.close()

    def __enter__(self) -> SheetWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
