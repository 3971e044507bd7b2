"""A file's rows read into checked rows, or into problems that name row and column.

Each row's cells are read as its kind's fields (:mod:`scaletrack.application.importing.cells`)
and checked by the kind (:mod:`scaletrack.application.importing.row_kinds`); nothing
here looks at the store. Rows are read one by one and their cells dropped, so
a large file is never held twice.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from uuid import UUID

from pydantic import ValidationError

from scaletrack.application.importing.cells import CellError, Reading, Shape, blank, parse
from scaletrack.application.importing.keys import Copies, checked, content_key
from scaletrack.application.importing.row_kinds import (
    FIELD_COLUMNS,
    IMPORT_KINDS,
    Column,
    ImportKind,
    kind_named,
)
from scaletrack.application.importing.spreadsheets import Sheet
from scaletrack.domain.errors import InvalidInput

SUBJECT_COLUMNS = {"pilot": ("pilot", "code"), "consortium": ("consortium", "code"),
                   "indicator": ("indicator", "code"),
                   "organisation": ("organisation", "code")}
ENVELOPE_COLUMNS = ("occurred_on", "actor", "reason", "key")
COMMON_COLUMNS = ("kind", *ENVELOPE_COLUMNS)
_OCCURRED_ON = Column("occurred_on", Shape.DATE, True, "the date it happened, YYYY-MM-DD")


@dataclass(frozen=True)
class Problem:
    """Why one row (or the header, or the file) cannot be imported."""

    file: str
    row: int | None
    column: str | None
    value: str | None
    expected: str

    def __str__(self) -> str:
        where = self.file + (f" row {self.row}" if self.row is not None else "")
        what = " ".join(part for part in (self.column or "", "" if self.value is None
                                          else repr(self.value)) if part)
        return f"{where}: {what + ': ' if what else ''}{self.expected}"

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class ImportOptions:
    reading: Reading = field(default_factory=Reading)
    kind: str | None = None
    """The kind of rows whose file has no kind column (or a blank cell in it)."""
    sheet: str | None = None
    """The one worksheet of an XLSX workbook to read (else every one with rows)."""
    actor: str | None = None
    """Who records rows that have no actor of their own."""
    dry_run: bool = False
    apply_corrections: bool = False
    """Whether a row whose result or target is already recorded with other values
    corrects it (with the row's reason) instead of being reported."""
    recorded_by: str | None = None
    """Who records every row, whatever an actor column says (the server's signed-in
    account: the file does not choose its actor)."""
    authorise: Callable[[CheckedRow, Any], None] | None = None
    """Asked before each row is applied, with the row and the batch's workspace; the
    error it raises (the server's ``NotAllowed``) is reported as the row's problem."""


@dataclass(slots=True)
class CheckedRow:
    """A row whose cells are valid, ready to be applied."""

    number: int
    kind: ImportKind
    subject: str
    aggregate_id: UUID
    values: dict[str, Any]
    occurred_on: date
    actor: str
    reason: str | None
    key: str
    derived: bool
    content: str
    """The content key of what the row says (its key when it has none of its own)."""


def _normal(name: str) -> str:
    return name.strip().lower().replace("-", "_").replace(" ", "_")


_MARKERS = frozenset({"kind", "occurred_on", "code", *SUBJECT_COLUMNS})


def holds_rows(sheet: Sheet) -> bool:
    """Whether a sheet's header names the kind, subject or date of rows (a sheet of
    instructions beside the data does not)."""
    return sheet.records or any(_normal(h) in _MARKERS for h in sheet.header)


class RowReader:
    """Reads the rows of one sheet, one by one, into checked rows or problems.

    Columns are checked as they are met: unknown ones once, from the header; a
    kind's required columns once, at its first row. A file that names its kind
    per row may hold every kind's columns (a dump does); a file of one kind only
    that kind's.
    """

    def __init__(self, sheet: Sheet, options: ImportOptions, problems: list[Problem]) -> None:
        self.sheet, self.options, self.problems = sheet, options, problems
        self.actor = (options.actor or "").strip()
        self._applicable_columns: dict[ImportKind, frozenset[str]] = {}
        self._ids: dict[tuple[str, str], UUID] = {}
        self._names: dict[str, str] = {}
        self.columns: dict[str, str] = {}
        """Normalised column name -> the column as the file spells it."""
        self.incomplete: set[ImportKind] = set()
        """Kinds whose required columns are missing: their rows are not read."""
        self._seen_kinds: set[ImportKind] = set()
        self.copies = Copies()
        self.cut_off = False
        """Whether the sheet could not be read to its end (its rows are not checked)."""
        self.ignored: list[str] = []
        """Columns no kind of this file has (a note beside the data): not read."""
        self.count = 0
        self.default_kind = kind_named(options.kind) if options.kind else None
        if options.kind and self.default_kind is None:
            self.problem(None, None, options.kind, "a known kind (see scaletrack import "
                         "template --help)")
        per_row = sheet.records or any(_normal(h) == "kind" for h in sheet.header)
        kinds = IMPORT_KINDS.values() if per_row else [k for k in [self.default_kind] if k]
        self.known = {*COMMON_COLUMNS, "code"}.union(*(self._applicable(k) for k in kinds))
        """Every column a row of this file may have; others are reported once."""
        self.checks_columns = per_row or self.default_kind is not None
        if not self.checks_columns:
            self.problem(None, "kind", None, "a kind column, or --kind for a file of one kind")
        for header in sheet.header:
            self._column(header)

    def problem(self, row: int | None, column: str | None, value: Any, expected: str) -> None:
        text = None if value is None else str(value)[:200]
        self.problems.append(Problem(self.sheet.name, row, column, text, expected))

    def header(self, name: str) -> str:
        return self.columns.get(name, name)

    def _column(self, spelled: str) -> str:
        """A column's normalised name; a new column is checked once."""
        name = _normal(spelled)
        self._names[spelled] = name
        if name in self.columns:
            if not self.sheet.records:
                self.problem(None, spelled, None, f"column {spelled!r} appears twice")
            return name
        self.columns[name] = spelled
        if name not in self.known and self.checks_columns:
            self.ignored.append(spelled)
        return name

    def rows(self) -> Iterator[CheckedRow]:
        try:
            for row in self.sheet.rows:
                self.count += 1
                if row.error:
                    self.problem(row.number, None, None, row.error)
                    continue
                names = self._names
                parsed = self._row(row.number, {
                    names[k] if k in names else self._column(k): v
                    for k, v in row.cells.items()})
                if parsed is not None:
                    yield parsed
        except InvalidInput as error:  # the rest of the file is unreadable, or too large
            self.cut_off = True
            self.problem(None, None, None, error.message)

    def _first_of(self, kind: ImportKind) -> None:
        """At a kind's first row: are the columns it requires there?"""
        self._seen_kinds.add(kind)
        if self.sheet.records:
            return
        missing = [c.name for c in kind.columns if c.required and c.name not in self.columns]
        if not any(s in self.columns for s in SUBJECT_COLUMNS[kind.noun]) and (
                kind.name not in ("correction", "retraction")):
            missing.insert(0, kind.noun)
        if "occurred_on" not in self.columns:
            missing.append("occurred_on")
        for name in missing:
            self.problem(None, name, None, f"a column {name!r} (required for {kind.name})")
        if missing:
            self.incomplete.add(kind)

    def _row(self, number: int, cells: dict[str, Any]) -> CheckedRow | None:
        before = len(self.problems)
        kind = self._kind_of(number, cells)
        if kind is None:
            return None
        if kind not in self._seen_kinds:
            self._first_of(kind)
        if kind in self.incomplete:
            return None
        subject = self._subject(number, kind, cells)
        occurred_on = self._cell(number, _OCCURRED_ON, cells.get("occurred_on"))
        actor = self.options.recorded_by or self._text(cells.get("actor")) or self.actor
        if not actor:
            self.problem(number, self.header("actor"), None,
                         "who recorded it: an actor column, or --actor NAME")
        values: dict[str, Any] = {}
        for column in kind.columns:
            raw = cells.get(column.name)
            if raw is not None:
                parsed = self._cell(number, column, raw)
                if parsed is not None:
                    values[column.name] = parsed
            elif column.empty is not None:
                values[column.name] = column.empty
            elif column.required:
                self.problem(number, self.header(column.name), None,
                             f"a value: {column.describe()}")
        if kind.name == "correction":
            self._changed_fields(number, cells, values)
        for name in (cells.keys() & self.known) - self._applicable(kind):
            self.problem(number, self.header(name), cells[name],
                         f"nothing: the column does not apply to {kind.name} rows")
        try:
            values = checked(kind, values)
        except ValidationError as error:
            for issue in error.errors():
                loc = [str(part) for part in issue["loc"]]
                if loc and loc[0] not in values:
                    continue  # its cell is missing or unreadable, reported above
                inner = ".".join(loc[1:])
                self.problem(number, self.header(loc[0]) if loc else None,
                             cells.get(loc[0]) if loc else None,
                             f"{inner + ': ' if inner else ''}{issue['msg']}")
        if len(self.problems) > before:
            return None
        assert subject is not None
        assert isinstance(occurred_on, date)
        key = self._text(cells.get("key"))
        derived = key is None
        content = content_key(kind, subject, values, occurred_on)
        if key is None:
            key = self.copies.key(content)
        return CheckedRow(number, kind, subject, self._id(kind, subject), values, occurred_on,
                          actor, self._text(cells.get("reason")), key, derived, content)

    def _changed_fields(self, number: int, cells: dict[str, Any], values: dict[str, Any]
                        ) -> None:
        """A correction's fields from their own columns, beside any JSON in changes."""
        fields = {}
        for name, column in FIELD_COLUMNS.items():
            if cells.get(name) is not None:
                parsed = self._cell(number, column, cells[name])
                if parsed is not None:
                    fields[name] = parsed
        values["changes"] = {**values.get("changes", {}), **fields}
        if not values["changes"]:
            self.problem(number, self.header("changes"), None, "the corrected fields: fill "
                         "their own columns (value, narrative, ...) or changes as JSON")

    def _applicable(self, kind: ImportKind) -> frozenset[str]:
        """The columns a row of this kind may fill."""
        names = self._applicable_columns.get(kind)
        if names is None:
            own = {c.name for c in kind.columns} | (
                set(FIELD_COLUMNS) if kind.name == "correction" else set())
            names = self._applicable_columns[kind] = frozenset(
                {*SUBJECT_COLUMNS[kind.noun], *COMMON_COLUMNS, *own})
        return names

    def _id(self, kind: ImportKind, subject: str) -> UUID:
        """The id of a row's pilot, consortium or indicator (uuid5 is worth caching)."""
        key = (kind.noun, subject)
        id_ = self._ids.get(key)
        if id_ is None:
            id_ = self._ids[key] = kind.aggregate.id_for(subject)
        return id_

    def _kind_of(self, number: int, cells: dict[str, Any]) -> ImportKind | None:
        raw = cells.get("kind")
        if blank(raw):
            if self.default_kind is None and "kind" in self.columns:
                self.problem(number, self.header("kind"), None, "the kind of the row")
            return self.default_kind
        kind = kind_named(str(raw))
        if kind is None:
            self.problem(number, self.header("kind"), raw,
                         "a known kind (see scaletrack import template --help)")
        return kind

    def _subject(self, number: int, kind: ImportKind, cells: dict[str, Any]) -> str | None:
        given = {text for c in SUBJECT_COLUMNS[kind.noun]
                 if (text := self._text(cells.get(c))) is not None}
        if kind.name in ("correction", "retraction") and not given:
            entry = self._text(cells.get("entry")) or ""
            given = {entry.rpartition("@")[0]} - {""}
        if len(given) > 1:
            self.problem(number, self.header(kind.noun), None,
                         f"one {kind.noun} code (the {kind.noun} and code columns differ)")
            return None
        if not given:
            self.problem(number, self.header(kind.noun), None, f"the {kind.noun}'s code")
            return None
        return str(given.pop()).upper()

    @staticmethod
    def _text(raw: Any) -> str | None:
        return None if blank(raw) else str(raw).strip()

    def _cell(self, number: int, column: Column, raw: Any) -> Any:
        if raw is None:
            self.problem(number, self.header(column.name), None, f"a value: {column.help}")
            return None
        try:
            return parse(column.shape, raw, self.options.reading)
        except CellError as error:
            self.problem(number, self.header(column.name), raw, str(error))
            return None
