"""Bulk import: every row of a file checked first, then all of them saved at once.

A file is read (:mod:`scaletrack.application.spreadsheets`), each row's cells
are read as its kind's fields and checked (:mod:`scaletrack.application.import_kinds`),
then the rows are applied in order to aggregates held in memory, so each row
is checked against the store as it would be after the rows above it. If any
row is invalid, nothing of the file is written and every problem is
reported; otherwise all new events of the file are saved in one atomic write.

Each row has an idempotency key: the ``key`` column, or a hash of its
content (kind, subject, fields, occurred-on). A row whose key is already
recorded on its pilot, consortium or indicator is skipped, so importing a
file twice, or an overlapping one, adds nothing twice. Events recorded
without a key (by ``scaletrack log``) count under the key of their content.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any, Protocol
from uuid import UUID

from eventsourcing.persistence import IntegrityError
from pydantic import ValidationError

from scaletrack.application.cells import CellError, Reading, Shape, blank, parse
from scaletrack.application.import_kinds import (
    IMPORT_KINDS,
    KIND_OF_EVENT,
    Column,
    ImportKind,
    kind_named,
)
from scaletrack.application.ledger import RETRIES, Ledger
from scaletrack.application.spreadsheets import Sheet, read_sheet
from scaletrack.application.workspace import Workspace
from scaletrack.domain.envelope import Provenance, Recorded
from scaletrack.domain.errors import (
    ConcurrentChange,
    InvalidInput,
    NotFound,
    RuleViolation,
    ScaletrackError,
)
from scaletrack.domain.vocabulary import Source

SUBJECT_COLUMNS = {"pilot": ("pilot", "code"), "consortium": ("consortium", "code"),
                   "indicator": ("indicator", "code")}
ENVELOPE_COLUMNS = ("occurred_on", "actor", "reason", "key")
COMMON_COLUMNS = ("kind", *ENVELOPE_COLUMNS)
_OCCURRED_ON = Column("occurred_on", Shape.DATE, True, "the date it happened, YYYY-MM-DD")

_RULE_COLUMNS = {
    "occurred-on-in-future": "occurred_on", "reason-required": "reason",
    "illegal-stage-transition": "to_stage", "readiness-not-assessed": "to_stage",
    "not-evaluated": "to_stage", "milestone-exists": "milestone",
    "unknown-milestone": "milestone", "slip-not-later": "new_due_on",
    "revenue-mix-total": "revenue_mix", "unknown-component": "component",
    "partner-exists": "organisation", "unknown-partner": "organisation",
    "duplicate-partner": "organisation", "risk-exists": "risk", "risk-not-open": "risk",
    "target-exists": "period", "no-target": "period", "period-locked": "period",
    "period-report-state": "period", "qualitative-has-number": "value",
    "narrative-required": "narrative", "percentage-range": "value",
    "dimension-not-allowed": "breakdown", "unknown-category": "breakdown",
    "disaggregation-mismatch": "breakdown", "indicator-retired": "indicator",
    "unknown-indicator-version": "indicator", "affiliation-form": "affiliation_form",
    "target-country-outside-consortium": "target_countries", "ends-before-start": "ends_on",
    "duplicate-country": "country", "not-a-member-country": "country",
    "centre-exists": "country", "not-an-entry": "entry", "entry-retracted": "entry",
    "entry-of-another-pilot": "entry", "identity-field": "changes", "unknown-field": "changes",
}
"""The column to blame when a row breaks a domain rule."""


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


@dataclass
class FileReport:
    """What importing one file did, or would do with --dry-run."""

    file: str
    rows: int = 0
    recorded: Counter[str] = field(default_factory=Counter)
    skipped: Counter[str] = field(default_factory=Counter)
    skipped_rows: list[int] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    written: bool = False

    def as_dict(self) -> dict[str, Any]:
        kinds = sorted(set(self.recorded) | set(self.skipped))
        return {
            "file": self.file, "rows": self.rows, "written": self.written,
            "recorded": sum(self.recorded.values()), "skipped": sum(self.skipped.values()),
            "kinds": {k: {"recorded": self.recorded[k], "skipped": self.skipped[k]}
                      for k in kinds},
            "skipped_rows": self.skipped_rows,
            "problems": [p.as_dict() for p in self.problems],
        }


@dataclass(frozen=True)
class ImportOptions:
    reading: Reading = field(default_factory=Reading)
    kind: str | None = None
    """The kind of rows whose file has no kind column (or a blank cell in it)."""
    actor: str | None = None
    """Who records rows that have no actor of their own."""
    dry_run: bool = False


class Progress(Protocol):
    def phase(self, description: str, total: int | None) -> None: ...

    def advance(self, steps: int = 1) -> None: ...


class _Silent:
    def phase(self, description: str, total: int | None) -> None:
        pass

    def advance(self, steps: int = 1) -> None:
        pass


@dataclass(slots=True)
class _Row:
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


# -- keys ---------------------------------------------------------------------------------


_DERIVED = "row-"


def _canonical(value: Any) -> Any:
    """Equal facts, equal form: 60, 60.0 and 6E+1 are one number."""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"cannot hash {type(value).__name__}")


def _empty(value: Any) -> bool:
    return value is None or value == [] or value == {} or value == ()


def content_key(kind: ImportKind, subject: str, values: dict[str, Any], occurred_on: date
                ) -> str:
    """The idempotency key of a row without one: a hash of what it says (empty is absent)."""
    given = {k: v for k, v in values.items() if not _empty(v)}
    content = json.dumps([kind.name, subject, occurred_on.isoformat(), given], sort_keys=True,
                         separators=(",", ":"), ensure_ascii=False, default=_canonical)
    return _DERIVED + hashlib.sha256(content.encode()).hexdigest()[:24]


def checked(kind: ImportKind, values: dict[str, Any]) -> dict[str, Any]:
    """A row's values through its kind's checks (raises pydantic's ValidationError)."""
    given = {k: v for k, v in values.items() if not _empty(v)}
    return dict(kind.model.model_validate(given))


class Copies:
    """Counts identical rows: the first has its content key K, the second K#2, and so on.

    So a file that really holds the same row twice (a duplicate entered by
    mistake, retracted later) records it twice, and importing it again still
    adds nothing.
    """

    def __init__(self) -> None:
        self._counts: Counter[str] = Counter()

    def key(self, content: str) -> str:
        self._counts[content] += 1
        count = self._counts[content]
        return content if count == 1 else f"{content}#{count}"

    def saw(self, key: str) -> None:
        """A key already recorded: a later copy of its content counts after it."""
        if key.startswith(_DERIVED):
            self._counts[key.partition("#")[0]] += 1


class RecordedKeys:
    """The keys already recorded on each aggregate, read from its stored events.

    A stored event without a key (written by a command, not an import) counts
    under the key of its content; only events of a type and date some row
    has are decoded for that.
    """

    def __init__(self, ledger: Ledger, candidates: dict[UUID, set[tuple[str, str]]],
                 codes: dict[UUID, str]) -> None:
        self.ledger, self.candidates, self.codes = ledger, candidates, codes
        self._keys: dict[UUID, set[str]] = {}

    def of(self, aggregate_id: UUID) -> set[str]:
        keys = self._keys.get(aggregate_id)
        if keys is None:
            keys = self._keys[aggregate_id] = self._read(aggregate_id)
        return keys

    def _read(self, aggregate_id: UUID) -> set[str]:
        stored = self.ledger.recorder.select_events(aggregate_id)
        wanted = self.candidates.get(aggregate_id, set())
        keys: set[str] = set()
        copies = Copies()
        for item in stored:
            state = json.loads(item.state)
            if state.get("key"):
                keys.add(state["key"])
                copies.saw(state["key"])
            elif (item.topic, state.get("occurred_on")) in wanted:
                keys.add(copies.key(self._content_key(stored, item.originator_version,
                                                      aggregate_id)))
        return keys

    def _content_key(self, stored: Any, version: int, aggregate_id: UUID) -> str:
        def lookup(n: int) -> Recorded:
            event = self.ledger.mapper.to_domain_event(stored[n - 1])
            assert isinstance(event, Recorded)
            return event

        event = lookup(version)
        kind = KIND_OF_EVENT[event.TYPE]
        code = self.codes[aggregate_id]
        return content_key(kind, code, checked(kind, kind.as_row(event, code, lookup)),
                           event.occurred_on)


# -- reading rows ---------------------------------------------------------------------------


def _normal(name: str) -> str:
    return name.strip().lower().replace("-", "_").replace(" ", "_")


class _FileReader:
    """Reads every row of one sheet into checked rows, or problems."""

    def __init__(self, sheet: Sheet, options: ImportOptions, report: FileReport) -> None:
        self.sheet, self.options, self.report = sheet, options, report
        self.columns: dict[str, str] = {}
        """Normalised column name -> the header as the file spells it."""
        for header in sheet.header:
            name = _normal(header)
            if name in self.columns:
                self.problem(None, header, None, f"column {header!r} appears twice")
            self.columns[name] = header
        self.actor = (options.actor or "").strip()
        self._applicable_columns: dict[ImportKind, frozenset[str]] = {}
        self.known: set[str] = {*COMMON_COLUMNS, "code"}
        """Every column some kind in the file has (the others are reported once)."""
        self.incomplete: set[ImportKind] = set()
        """Kinds whose required columns are missing: their rows are not read."""
        self._ids: dict[tuple[str, str], UUID] = {}
        self.default_kind = kind_named(options.kind) if options.kind else None
        if options.kind and self.default_kind is None:
            self.problem(None, None, options.kind, "a known kind (see scaletrack import "
                         "template --help)")

    def problem(self, row: int | None, column: str | None, value: Any, expected: str) -> None:
        text = None if value is None else str(value)[:200]
        self.report.problems.append(Problem(self.sheet.name, row, column, text, expected))

    def header(self, name: str) -> str:
        return self.columns.get(name, name)

    def rows(self) -> Iterator[_Row]:
        kinds = self._kinds()
        self._check_header(kinds)
        names = {header: _normal(header) for header in self.sheet.header}
        self.copies = Copies()
        for row in self.sheet.rows:
            parsed = self._row(row.number, {names[k]: v for k, v in row.cells.items()})
            if parsed is not None:
                yield parsed

    def _kinds(self) -> set[ImportKind]:
        """Every kind the file holds, to know its columns before reading rows."""
        kinds: set[ImportKind] = set()
        named = self.columns.get("kind")
        for row in self.sheet.rows:
            cell = row.cells.get(named) if named else None
            kind = kind_named(str(cell)) if not blank(cell) else self.default_kind
            if kind is not None:
                kinds.add(kind)
        if named is None and self.default_kind is None and self.sheet.rows:
            self.problem(None, "kind", None, "a kind column, or --kind for a file of one kind")
        return kinds

    def _check_header(self, kinds: set[ImportKind]) -> None:
        """Report missing and unknown columns once, not on every row they spoil.

        A file that names its kinds per row may have columns of other kinds (a
        dump has every kind's); a file of one kind only has that kind's columns.
        """
        every = IMPORT_KINDS.values() if "kind" in self.columns else kinds
        for kind in every:
            self.known.update(self._applicable(kind))
        for kind in sorted(kinds, key=lambda k: k.name):
            missing = [c.name for c in kind.columns if c.required and c.name not in self.columns]
            if not any(s in self.columns for s in SUBJECT_COLUMNS[kind.noun]) and (
                    kind.name not in ("correction", "retraction")):
                missing.insert(0, kind.noun)
            for name in missing:
                self.problem(None, name, None, f"a column {name!r} (required for {kind.name})")
            if missing or "occurred_on" not in self.columns:
                self.incomplete.add(kind)
        if kinds and "occurred_on" not in self.columns:
            self.problem(None, "occurred_on", None, "a column 'occurred_on': the date each "
                         "row happened")
        expected = ", ".join(sorted(self.known - {"code"}))
        for name, header in self.columns.items():
            if name not in self.known:
                self.problem(None, header, None, f"a known column: {expected}")

    def _row(self, number: int, cells: dict[str, Any]) -> _Row | None:
        before = len(self.report.problems)
        kind = self._kind_of(number, cells)
        if kind is None:
            return None
        if kind in self.incomplete:
            return None
        subject = self._subject(number, kind, cells)
        occurred_on = self._cell(number, _OCCURRED_ON, cells.get("occurred_on"))
        actor = self._text(cells.get("actor")) or self.actor
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
        if len(self.report.problems) > before:
            return None
        assert subject is not None
        assert isinstance(occurred_on, date)
        key = self._text(cells.get("key"))
        derived = key is None
        if key is None:
            key = self.copies.key(content_key(kind, subject, values, occurred_on))
        return _Row(number, kind, subject, self._id(kind, subject), values, occurred_on, actor,
                    self._text(cells.get("reason")), key, derived)

    def _applicable(self, kind: ImportKind) -> frozenset[str]:
        """The columns a row of this kind may fill."""
        names = self._applicable_columns.get(kind)
        if names is None:
            names = self._applicable_columns[kind] = frozenset(
                {*SUBJECT_COLUMNS[kind.noun], *COMMON_COLUMNS, *(c.name for c in kind.columns)})
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


# -- applying rows ---------------------------------------------------------------------------


class FileImport:
    """One file: read, check every row against the store, save all or nothing."""

    def __init__(self, ledger: Ledger, path: Path, options: ImportOptions,
                 progress: Progress | None = None) -> None:
        self.ledger, self.path, self.options = ledger, path, options
        self.progress = progress or _Silent()
        self.report = FileReport(path.name)

    def run(self) -> FileReport:
        self.progress.phase(f"reading {self.path.name}", None)
        try:
            sheet = read_sheet(self.path)
        except InvalidInput as error:
            self.report.problems.append(Problem(self.path.name, None, None, None, str(error)))
            return self.report
        self.report.rows = len(sheet.rows)
        self.progress.phase(f"checking {self.path.name}", 2 * len(sheet.rows))
        reader = _FileReader(sheet, self.options, self.report)
        rows = []
        for row in reader.rows():
            rows.append(row)
            self.progress.advance()
        self.progress.advance(len(sheet.rows) - len(rows))
        for attempt in range(RETRIES):
            workspace = self._apply(rows, reader)
            touched = workspace.touched()
            if self.report.problems or self.options.dry_run or not touched:
                break
            self.progress.phase(f"writing {self.path.name}", None)
            try:
                self.ledger.save_batch(touched, workspace.recorded)
            except IntegrityError:
                self._restart(attempt)
                continue
            self.report.written = True
            break
        self.report.problems.sort(key=lambda p: (p.row or 0))
        return self.report

    def _restart(self, attempt: int) -> None:
        """Someone wrote to the same aggregates meanwhile: check every row again."""
        if attempt == RETRIES - 1:
            raise ConcurrentChange(f"{self.path.name}: the store kept changing while importing",
                                   hint="import it again")
        self.report.recorded.clear()
        self.report.skipped.clear()
        self.report.skipped_rows.clear()

    def _apply(self, rows: list[_Row], reader: _FileReader) -> Workspace:
        workspace = Workspace(self.ledger)
        keys = self._recorded_keys(rows)
        recorded_at = self.ledger.clock()
        seen: dict[str, int] = {}
        for row in rows:
            self.progress.advance()
            if row.key in seen or row.key in keys.of(row.aggregate_id):
                self.report.skipped[row.kind.name] += 1
                self.report.skipped_rows.append(row.number)
                continue
            seen[row.key] = row.number
            by = Provenance(occurred_on=row.occurred_on, recorded_at=recorded_at,
                            actor=row.actor, source=Source.IMPORT, reason=row.reason,
                            key=row.key)
            try:
                row.kind.record(workspace, row.subject, row.values, by)
            except (RuleViolation, InvalidInput, NotFound) as error:
                self._blame(row, reader, error)
                continue
            workspace.note(row.aggregate_id)
            self.report.recorded[row.kind.name] += 1
        return workspace

    def _recorded_keys(self, rows: list[_Row]) -> RecordedKeys:
        candidates: dict[UUID, set[tuple[str, str]]] = {}
        codes: dict[UUID, str] = {}
        for row in rows:
            codes[row.aggregate_id] = row.subject
            if row.derived:
                candidates.setdefault(row.aggregate_id, set()).add(
                    (row.kind.event.TYPE, row.occurred_on.isoformat()))
        return RecordedKeys(self.ledger, candidates, codes)

    def _blame(self, row: _Row, reader: _FileReader, error: ScaletrackError) -> None:
        """Report a row the store refuses, naming the column at fault where one is."""
        name: str | None
        if isinstance(error, RuleViolation):
            name = _RULE_COLUMNS.get(error.rule)
        elif isinstance(error, NotFound):
            name = next((n for n in ("entry", *SUBJECT_COLUMNS)
                         if error.message.startswith(f"no {'event' if n == 'entry' else n} ")),
                        None)
        else:
            name = getattr(error, "field", "") or None
        value: Any = row.values.get(name) if name else None
        if name == row.kind.noun:
            value = row.subject
            name = next((c for c in SUBJECT_COLUMNS[name] if c in reader.columns), name)
        elif name in ("occurred_on", "reason"):
            value = row.occurred_on if name == "occurred_on" else row.reason
        reader.problem(row.number, reader.header(name) if name else None, value, str(error))


def import_files(ledger: Ledger, paths: list[Path], options: ImportOptions,
                 progress: Progress | None = None) -> list[FileReport]:
    """Import each file in turn, each atomically; later files see earlier ones."""
    return [FileImport(ledger, path, options, progress).run() for path in paths]

