"""Rows from CSV, XLSX and JSON Lines files, and rows written back to them.

A sheet is a header and numbered rows of raw cells. Row numbers are the ones
a spreadsheet shows (the header of a plain CSV is row 1), or line numbers in
JSON Lines. An XLSX workbook is read sheet by sheet: every visible worksheet
(hidden ones hold drop-down lists), each named ``book.xlsx[Q3]`` when the
workbook shows more than one. Rows whose first cell starts with ``#`` are comments (templates
describe their columns that way) and blank rows are ignored, wherever they
are, so empty trailing rows never count.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

from scaletrack.application.files import atomic_path, csv_row, from_csv_text, xlsx_row
from scaletrack.domain.errors import InvalidInput

FORMATS = {".csv": "csv", ".xlsx": "xlsx", ".jsonl": "jsonl", ".ndjson": "jsonl"}

MAX_ROWS = 50_000
"""Rows of one sheet or lines of one JSON Lines file (comments and blank rows aside); an
XLSX worksheet that declares more rows is refused before any is read."""
MAX_CELLS = 1_000_000
"""Cells of one sheet, blank ones included (rows times the columns each row has)."""
MAX_BYTES = 100 * 2**20
"""A CSV or JSON Lines file's size, and the uncompressed size of an XLSX workbook."""


@dataclass(frozen=True)
class SheetRow:
    number: int
    cells: dict[str, Any]
    """Raw non-blank cells by column name as the file spells it."""
    error: str | None = None
    """Why the row could not be read at all (a JSON Lines line that is not JSON)."""


@dataclass(frozen=True)
class Sheet:
    """A file's header and its rows, read one by one as they are used."""

    name: str
    header: list[str]
    rows: Iterator[SheetRow]
    records: bool = False
    """JSON Lines: each record names its own fields; there is no header row."""


def format_of(path: Path) -> str:
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise InvalidInput(f"unknown file type {path.suffix or '(none)'}",
                           hint="use .csv, .xlsx or .jsonl")
    return fmt


def read_sheet(path: Path) -> Sheet:
    """The rows of a CSV, JSON Lines file or the first worksheet of an XLSX workbook."""
    return read_sheets(path)[0]


def read_sheets(path: Path, only: str | None = None) -> list[Sheet]:
    """The sheets of a file: one for CSV and JSON Lines, the visible worksheets with a
    header row of an XLSX workbook (or only the one named ``only``)."""
    fmt = format_of(path)
    if not path.is_file():
        raise InvalidInput("no such file")
    if only is not None and fmt != "xlsx":
        raise InvalidInput("--sheet names a worksheet of an XLSX workbook", field="sheet")
    size = _unpacked_size(path) if fmt == "xlsx" else path.stat().st_size
    if size > MAX_BYTES:
        raise InvalidInput(f"{size:,} bytes{' uncompressed' if fmt == 'xlsx' else ''}, more "
                           f"than the {MAX_BYTES:,} an import reads",
                           hint="split it into smaller files")
    if fmt == "jsonl":
        return [Sheet(path.name, [], _read_jsonl(path), records=True)]
    if fmt == "xlsx":
        return _xlsx_sheets(path, only)
    return [_tabular(path.name, _read_csv(path))]


def _unpacked_size(path: Path) -> int:
    """What an XLSX workbook (a zip archive) holds once uncompressed, as its entries say
    (reading an entry stops at its stated size, so a zip bomb cannot lie past it)."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            return sum(entry.file_size for entry in archive.infolist())
    except (zipfile.BadZipFile, OSError) as error:
        raise InvalidInput(f"not a readable XLSX workbook ({error})") from None


def _declared_rows(path: Path, worksheet: Any) -> int:
    """The rows a worksheet states it has or, if it does not say, the rows its XML
    holds (counted in the raw bytes, far faster than reading them)."""
    try:
        if worksheet.max_row:
            return int(worksheet.max_row)
    except (ValueError, TypeError):  # a worksheet that does not state its size
        pass
    import zipfile

    rows, tail = 0, b""
    with zipfile.ZipFile(path) as archive, archive.open(worksheet._worksheet_path) as xml:
        while chunk := xml.read(2**20):
            rows += (tail + chunk).count(b"<row ") - tail.count(b"<row ")
            tail = chunk[-8:]
    return rows


def _xlsx_sheets(path: Path, only: str | None) -> list[Sheet]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a broken file
        raise InvalidInput(f"not a readable XLSX workbook ({error})") from None
    shown = [ws for ws in book.worksheets if getattr(ws, "sheet_state", "visible") == "visible"]
    if only is not None:
        chosen = [ws for ws in shown if ws.title.strip().lower() == only.strip().lower()]
        if not chosen:
            book.close()
            raise InvalidInput(f"no worksheet {only!r} in {path.name}", field="sheet",
                               hint=f"choose among {', '.join(ws.title for ws in shown)}")
        shown = chosen
    sheets = []
    for worksheet in shown:
        name = f"{path.name}[{worksheet.title}]" if len(shown) > 1 else path.name
        if (declared := _declared_rows(path, worksheet)) > MAX_ROWS:
            book.close()
            raise InvalidInput(f"worksheet {worksheet.title!r}: {declared:,} rows, more than "
                               f"the {MAX_ROWS:,} an import reads from a sheet",
                               hint="split it into smaller files")
        try:
            sheets.append(_tabular(name, _xlsx_lines(worksheet)))
        except InvalidInput:  # an empty worksheet
            continue
    if not sheets:
        book.close()
        raise InvalidInput("no header row", hint="start from scaletrack import template")
    sheets[-1] = replace(sheets[-1], rows=_closing(sheets[-1].rows, book))
    return sheets


def _is_blank(cell: Any) -> bool:
    return cell is None or cell == "" or (isinstance(cell, str) and not cell.strip())


def _skipped(cells: Sequence[Any]) -> bool:
    """Blank rows, and comment rows (the first cell starts with '#')."""
    first = cells[0] if cells else None
    if isinstance(first, str) and first.strip():
        return first.lstrip().startswith("#")
    return all(_is_blank(c) for c in cells)


def _tabular(name: str, lines: Iterator[tuple[int, Sequence[Any]]]) -> Sheet:
    for _, cells in lines:
        if not _skipped(cells):
            header = ["" if _is_blank(c) else str(c).strip() for c in cells]
            while header and not header[-1]:
                header.pop()
            return Sheet(name, [h for h in header if h], _tabular_rows(header, lines))
    raise InvalidInput("no header row", hint="start from scaletrack import template")


def _tabular_rows(header: list[str], lines: Iterator[tuple[int, Sequence[Any]]]
                  ) -> Iterator[SheetRow]:
    rows, cells_read = 0, len(header)
    for number, cells in lines:
        cells_read += len(cells)
        if cells_read > MAX_CELLS:
            raise InvalidInput(f"more than {MAX_CELLS:,} cells (at row {number}), more than "
                               "an import reads from a sheet", hint="split it into smaller files")
        if _skipped(cells):
            continue
        rows += 1
        if rows > MAX_ROWS:
            raise InvalidInput(f"more than {MAX_ROWS:,} rows, more than an import reads from "
                               "a sheet", hint="split it into smaller files")
        if len(cells) > len(header) and any(not _is_blank(c) for c in cells[len(header):]):
            yield SheetRow(number, {}, "a value in a column without a header; name every "
                           "column in the header row")
            continue
        yield SheetRow(number, {h: c for h, c in zip(header, cells, strict=False)
                                if h and c != "" and not _is_blank(c)})


def _read_csv(path: Path) -> Iterator[tuple[int, Sequence[Any]]]:
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InvalidInput(
            f"not UTF-8 text (byte 0x{data[error.start]:02x} at offset "
            f"{error.start})", hint="save it as 'CSV UTF-8' and import again") from None
    del data
    return _csv_lines(text)


def _csv_lines(text: str) -> Iterator[tuple[int, Sequence[Any]]]:
    """The rows, each text as it was before it was made safe for spreadsheets."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    try:
        for number, cells in enumerate(reader, start=1):
            yield number, [from_csv_text(c) for c in cells]
    except csv.Error as error:
        raise InvalidInput(f"line {reader.line_num}: {error}") from None


def _delimiter(text: str) -> str:
    """',' unless the first line is clearly separated by ';' or tabs (European Excel)."""
    first = text.split("\n", 1)[0]
    counts = {d: first.count(d) for d in ",;\t"}
    return max(counts, key=lambda d: (counts[d], d == ","))


def _xlsx_lines(worksheet: Any) -> Iterator[tuple[int, Sequence[Any]]]:
    for number, cells in enumerate(worksheet.iter_rows(), start=1):
        yield number, [_shown(cell) for cell in cells]


def _shown(cell: Any) -> Any:
    """A cell's value as the spreadsheet shows it: a percentage cell showing 42% holds
    0.42, and 42 is what its author typed and means."""
    value = cell.value
    if (isinstance(value, (int, float)) and not isinstance(value, bool)
            and "%" in (cell.number_format or "").replace("\\%", "")):
        shown = (Decimal(f"{value:.15g}") * 100).normalize()
        whole = isinstance(exponent := shown.as_tuple().exponent, int) and exponent > 0
        return shown.quantize(Decimal(1)) if whole else shown
    return value


def _closing(rows: Iterator[SheetRow], book: Any) -> Iterator[SheetRow]:
    """The last worksheet's rows; once they are read, the workbook is closed."""
    try:
        yield from rows
    finally:
        book.close()


def _read_jsonl(path: Path) -> Iterator[SheetRow]:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InvalidInput(f"not UTF-8 text (offset {error.start})",
                           hint="save it as UTF-8 and import again") from None
    return _jsonl_rows(text)


def _jsonl_rows(text: str) -> Iterator[SheetRow]:
    # Only newlines end a record: text may hold U+2028 and other line breaks.
    rows = 0
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        rows += 1
        if rows > MAX_ROWS:
            raise InvalidInput(f"more than {MAX_ROWS:,} lines, more than an import reads",
                               hint="split it into smaller files")
        try:
            record = json.loads(line, parse_float=Decimal)
        except json.JSONDecodeError as error:
            yield SheetRow(number, {}, f"a JSON object on one line ({error.msg})")
            continue
        except RecursionError:
            yield SheetRow(number, {}, "a JSON object on one line (this one is nested too "
                           "deeply)")
            continue
        except ValueError as error:  # an integer of more digits than Python reads
            yield SheetRow(number, {}, f"a JSON object on one line ({error})")
            continue
        if not isinstance(record, dict):
            yield SheetRow(number, {}, "a JSON object on one line")
            continue
        yield SheetRow(number, {k: v for k, v in record.items() if not _is_blank(v)})


# -- writing ------------------------------------------------------------------------


class SheetWriter:
    """Writes a header, optional comment rows and data rows to CSV, XLSX or JSON Lines.

    ``text_row`` renders a row for CSV, ``cell_row`` for XLSX and ``json_row``
    for JSON Lines; rows are streamed, so a whole store can be written. The
    file appears only when complete, and no cell runs as a formula
    (:mod:`scaletrack.application.files`).
    """

    def __init__(self, path: Path, header: list[str]) -> None:
        self.path, self.header, self.format = path, header, format_of(path)
        self._book: Any = None
        self._target = atomic_path(path)
        self._temporary = self._target.__enter__()
        if self.format == "xlsx":
            from openpyxl import Workbook

            self._book = Workbook(write_only=True)
            self._sheet = self._book.create_sheet("rows")
            self._sheet.append(xlsx_row(self._sheet, header))
        else:
            self._file = self._temporary.open("w", encoding="utf-8", newline="")
            self._csv = csv.writer(self._file, lineterminator="\r\n")
            if self.format == "csv":
                self._csv.writerow(csv_row(header))

    def comment(self, cells: list[str]) -> None:
        """A row a reader skips: its first cell starts with '#'."""
        if self.format == "jsonl":
            self._file.write("# " + json.dumps(dict(zip(self.header, cells, strict=True)),
                                               ensure_ascii=False) + "\n")
        elif self.format == "csv":
            self._csv.writerow(csv_row(cells))
        else:
            self._sheet.append(xlsx_row(self._sheet, cells))

    def row(self, text: list[str], cells: list[Any], record: dict[str, Any]) -> None:
        if self.format == "csv":
            self._csv.writerow(csv_row(text))
        elif self.format == "xlsx":
            self._sheet.append(xlsx_row(self._sheet, cells))
        else:
            self._file.write(json.dumps(record, ensure_ascii=False) + "\n")

    def close(self, error: BaseException | None = None) -> None:
        """Finish the file and put it in place (or, after ``error``, leave the old one)."""
        try:
            if self._book is not None:
                if error is None:
                    self._book.save(self._temporary)
            else:
                self._file.close()
        finally:
            if error is None:
                self._target.__exit__(None, None, None)
            else:
                self._target.__exit__(type(error), error, error.__traceback__)

    def __enter__(self) -> SheetWriter:
        return self

    def __exit__(self, kind: object, error: BaseException | None, trace: object) -> None:
        self.close(error)
