"""A view's document as a spreadsheet: CSV, or XLSX with typed cells.

Each list of records in the document is a table (``impact``'s rows,
``progress``'s pilots, consortia and countries, ...); a count by group
(``portfolio``'s pilots by type, stage, ...) is a table of group, value and
count. An XLSX workbook has one sheet per table, a bold header row with the
panes frozen below it, numbers as numbers, days as dates, percentages as
percentages, and the basis (the command, the point, the head digest) in its
properties. A CSV holds every table, each row naming its table when there is
more than one. Both are written atomically and no text runs as a formula.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from scaletrack.application.files import atomic_path, csv_row, xlsx_cell

_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?")
PERCENT_COLUMNS = ("percent",)
"""Columns that hold a percentage as a number of percent (103.6 for 103.6%)."""


@dataclass(frozen=True)
class Table:
    name: str
    columns: list[str]
    rows: list[dict[str, Any]]


def tables_of(document: dict[str, Any]) -> list[Table]:
    """The tables a view's document holds, in its order."""
    found = []
    for name, value in document.items():
        if isinstance(value, list) and all(isinstance(v, dict) for v in value):
            columns = list(dict.fromkeys(k for row in value for k in row))
            found.append(Table(name, columns, value))
        elif name != "filters" and isinstance(value, dict) and value and all(
                isinstance(v, dict) for v in value.values()):
            rows = [{"by": group, "value": key, "count": count}
                    for group, counts in value.items() for key, count in counts.items()]
            found.append(Table(name, ["by", "value", "count"], rows))
    return found


def text_of(value: Any) -> str:
    """A cell as text: lists joined, breakdowns as 'sex: women 6, men 4'."""
    if value is None:
        return ""
    if isinstance(value, dict):
        if all(_is_scalar(v) for v in value.values()):
            return ", ".join(f"{k} {text_of(v)}" for k, v in value.items())
        if all(isinstance(v, dict) and all(map(_is_scalar, v.values()))
               for v in value.values()):
            return "; ".join(f"{k}: {text_of(v)}" for k, v in value.items())
        return json.dumps(value, ensure_ascii=False, default=str)
    if isinstance(value, list | tuple):
        return ", ".join(text_of(v) for v in value)
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    return str(value)


def _is_scalar(value: Any) -> bool:
    return not isinstance(value, dict | list | tuple)


def csv_text(document: dict[str, Any]) -> str:
    """The document's tables as CSV text (CRLF line ends, as spreadsheets write them)."""
    tables = tables_of(document)
    named = len(tables) > 1
    columns = list(dict.fromkeys(c for t in tables for c in t.columns))
    buffer = io.StringIO(newline="")
    out = csv.writer(buffer, lineterminator="\r\n")
    out.writerow(csv_row((["table"] if named else []) + columns))
    for table in tables:
        for row in table.rows:
            out.writerow(csv_row(([table.name] if named else [])
                                 + [text_of(row.get(c)) for c in columns]))
    return buffer.getvalue()


def write_xlsx(path: Path, document: dict[str, Any], basis: dict[str, str]) -> None:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    book.properties.title = basis.get("title")
    book.properties.subject = basis.get("command")
    book.properties.description = "; ".join(f"{k}: {v}" for k, v in basis.items())
    book.properties.keywords = basis.get("digest")
    book.properties.creator = "scaletrack"
    for table in tables_of(document) or [Table("view", [], [])]:
        sheet = book.create_sheet(table.name[:31])
        sheet.freeze_panes = "A2"
        header = []
        for column in table.columns:
            cell = WriteOnlyCell(sheet, value=column)
            cell.font = Font(bold=True)
            header.append(cell)
        sheet.append(header)
        for row in table.rows:
            sheet.append([_typed(sheet, column, row.get(column)) for column in table.columns])
    with atomic_path(path) as temporary:
        book.save(temporary)


def _typed(sheet: Any, column: str, value: Any) -> Any:
    from openpyxl.cell import WriteOnlyCell

    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int | float | Decimal):
        if column in PERCENT_COLUMNS:
            cell = WriteOnlyCell(sheet, value=float(Decimal(str(value)) / 100))
            cell.number_format = "0.0%"
            return cell
        return value if isinstance(value, int) else float(value)
    if isinstance(value, date | datetime):
        value = value.isoformat()
    if isinstance(value, str):
        if _DAY.fullmatch(value):
            cell = WriteOnlyCell(sheet, value=date.fromisoformat(value))
            cell.number_format = "yyyy-mm-dd"
            return cell
        if _MOMENT.fullmatch(value):
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
            if moment.tzinfo:  # spreadsheets have no zones: UTC, as the views give it
                moment = moment.astimezone(UTC).replace(tzinfo=None)
            cell = WriteOnlyCell(sheet, value=moment)
            cell.number_format = "yyyy-mm-dd hh:mm:ss"
            return cell
        return xlsx_cell(sheet, value)
    return xlsx_cell(sheet, text_of(value))


def view_basis(ledger: Any, view: str, asked: dict[str, Any], format_: str,
               output: str) -> dict[str, str]:
    """What a saved view stands on: the command that writes it again (``asked``: its
    options), the point, the head digest at known-at."""
    import shlex

    from scaletrack.audit.verify import head_digest, head_known_at

    known_at: datetime | None = asked.get("known_at")
    head = head_known_at(ledger, known_at) if known_at else head_digest(ledger)
    words = ["scaletrack", view]
    for name, value in asked.items():
        if value is not None and value is not False and name != "as_json":
            shown = (value.astimezone(UTC).isoformat().replace("+00:00", "Z")
                     if isinstance(value, datetime) else
                     value.isoformat() if hasattr(value, "isoformat") else str(value))
            words += [f"--{name.replace('_', '-')}", shown]
    words += ["--format", format_, "-o", output]
    moment = (known_at or ledger.clock()).astimezone(UTC)
    return {"title": f"scaletrack {view}", "command": shlex.join(words),
            "as_of": str(asked.get("as_of") or "not set (everything that had happened)"),
            "known_at": moment.isoformat().replace("+00:00", "Z"),
            "digest": f"{head.head.count} events, head sha256:{head.head.hash}"}
