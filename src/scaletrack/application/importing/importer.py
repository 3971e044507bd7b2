"""Bulk import: every row of a file checked first, then all of them saved at once.

A file is read (:mod:`scaletrack.application.importing.spreadsheets`), each row's cells
are read as its kind's fields and checked (:mod:`scaletrack.application.importing.row_kinds`),
then each row's command goes, in order, to the same handlers as every
command (:mod:`scaletrack.application.handlers`), all in one unit of work, so
each row is checked against the store as it would be after the rows above
it. If any row is invalid, nothing of the file is written and every problem
is reported; otherwise all new events of the file are saved in one atomic
write.

Each row has an idempotency key (:mod:`scaletrack.application.importing.keys`).
A row whose key is already recorded on its pilot, consortium or indicator is
skipped, so importing a file twice, or an overlapping one, adds nothing twice.
A row that says something else about a result or target already recorded (its
indicator and period, its identity, are taken) was edited since: it is reported
as such, or, with ``apply_corrections``, becomes a correction of that entry.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol
from uuid import UUID

from scaletrack.application.access import NotAllowed
from scaletrack.application.commands import CorrectEntry
from scaletrack.application.handlers import handle
from scaletrack.application.importing.keys import RecordedKeys
from scaletrack.application.importing.row_kinds import filled
from scaletrack.application.importing.rows import (
    SUBJECT_COLUMNS,
    CheckedRow,
    ImportOptions,
    Problem,
    RowReader,
    holds_rows,
)
from scaletrack.application.importing.spreadsheets import read_sheets
from scaletrack.application.ledger import Ledger
from scaletrack.application.unit_of_work import UnitOfWork, retrying
from scaletrack.domain.envelope import Provenance
from scaletrack.domain.errors import (
    ConcurrentChange,
    InvalidInput,
    NotFound,
    RuleViolation,
    ScaletrackError,
)
from scaletrack.domain.period_entries import RESULT, TARGET
from scaletrack.domain.pilot import IDENTITY_FIELDS, Pilot
from scaletrack.domain.pilot_state import target_key
from scaletrack.domain.vocabulary import Source, canonical

TAKEN_IDENTITY = {RESULT.rule: "results", TARGET.rule: "targets"}
"""The rules refusing an entry whose identity is recorded, and where a pilot keeps it."""


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
    warnings: list[str] = field(default_factory=list)
    """What was read differently from how the file may look: sheets skipped, ..."""

    def as_dict(self) -> dict[str, Any]:
        kinds = sorted(set(self.recorded) | set(self.skipped))
        return {
            "file": self.file, "rows": self.rows, "written": self.written,
            "recorded": sum(self.recorded.values()), "skipped": sum(self.skipped.values()),
            "kinds": {k: {"recorded": self.recorded[k], "skipped": self.skipped[k]}
                      for k in kinds},
            "skipped_rows": self.skipped_rows,
            "problems": [p.as_dict() for p in self.problems],
            "warnings": self.warnings,
        }


class ProgressReporter(Protocol):
    def phase(self, description: str, total: int | None) -> None: ...

    def advance(self, steps: int = 1) -> None: ...


class _Silent:
    def phase(self, description: str, total: int | None) -> None:
        pass

    def advance(self, steps: int = 1) -> None:
        pass


class FileImport:
    """One file: read, check every row against the store, save all or nothing."""

    def __init__(self, ledger: Ledger, path: Path, options: ImportOptions,
                 progress: ProgressReporter | None = None) -> None:
        self.ledger, self.path, self.options = ledger, path, options
        self.progress = progress or _Silent()
        self.report = FileReport(path.name)

    def run(self) -> FileReport:
        """Check every row, then write all of them or none (re-checked if it lost a race)."""
        retrying(self.ledger, self._attempt, subject=self.path.name, batch=True,
                 gave_up=ConcurrentChange(f"{self.path.name}: the store kept changing while "
                                          "importing", hint="import it again"))
        sheets = {name: n for n, name in enumerate(dict.fromkeys(
            p.file for p in self.report.problems))}
        self.report.problems.sort(key=lambda p: (sheets[p.file], p.row or 0))
        return self.report

    def _attempt(self, uow: UnitOfWork) -> None:
        """One run over the file; its unit of work is committed unless it is rolled back."""
        self.report = FileReport(self.path.name)
        self._check(uow)
        if not uow.touched():
            return
        if self.report.problems or self.options.dry_run:
            uow.rollback()
            return
        self.progress.phase(f"writing {self.path.name}", None)
        self.report.written = True

    def _check(self, uow: UnitOfWork) -> None:
        """Every row read and handled in memory (the file's cells are not kept)."""
        self.progress.phase(f"reading {self.path.name}", None)
        try:
            sheets = read_sheets(self.path, self.options.sheet)
        except InvalidInput as error:
            self.report.problems.append(Problem(self.path.name, None, None, None, str(error)))
            return
        if len(sheets) > 1 and any(holds_rows(s) for s in sheets):
            for sheet in [s for s in sheets if not holds_rows(s)]:
                self.report.warnings.append(f"{sheet.name}: skipped, its first row names "
                                            "no kind, pilot or occurred_on column")
            sheets = [s for s in sheets if holds_rows(s)]
        rows: list[tuple[CheckedRow, RowReader]] = []
        for sheet in sheets:
            reader = RowReader(sheet, self.options, self.report.problems)
            for row in reader.rows():
                rows.append((row, reader))
                self.progress.advance()
            self.report.rows += reader.count
            if reader.ignored:
                self.report.warnings.append(
                    f"{sheet.name}: ignored column{'s' if len(reader.ignored) > 1 else ''} "
                    f"{', '.join(reader.ignored)} (no kind of row has "
                    f"{'them' if len(reader.ignored) > 1 else 'it'})")
        if any(reader.cut_off for _, reader in rows):
            return  # a file not read to its end is not checked against the store
        self.progress.phase(f"checking {self.path.name}", len(rows))
        self._handle(rows, uow)

    def _handle(self, rows: list[tuple[CheckedRow, RowReader]], uow: UnitOfWork) -> None:
        keys = self._recorded_keys([row for row, _ in rows])
        recorded_at = self.ledger.clock()
        seen: dict[str, CheckedRow] = {}
        for row, reader in rows:
            self.progress.advance()
            if row.key in seen or row.key in keys.of(row.aggregate_id):
                if self._conflicts(row, seen.get(row.key), keys, reader):
                    continue
                self.report.skipped[row.kind.name] += 1
                self.report.skipped_rows.append(row.number)
                continue
            seen[row.key] = row
            by = Provenance(occurred_on=row.occurred_on, recorded_at=recorded_at,
                            actor=row.actor, source=Source.IMPORT, reason=row.reason,
                            key=row.key)
            try:
                if self.options.authorise is not None:
                    self.options.authorise(row, uow)
                try:
                    handle(uow, row.kind.command(row.subject, row.values), by)
                except RuleViolation as error:
                    recorded = self._recorded_entry(row, error, uow)
                    if recorded is None:
                        raise
                    self._changed(row, reader, recorded, by, uow)
                    continue
            except (RuleViolation, InvalidInput, NotFound, NotAllowed) as error:
                self._blame(row, reader, error)
                continue
            self.report.recorded[row.kind.name] += 1

    @staticmethod
    def _conflicts(row: CheckedRow, earlier: CheckedRow | None, keys: RecordedKeys,
                   reader: RowReader) -> bool:
        """Whether a row's own key is taken by other content (reported as a problem):
        a key names one fact, so the row is not 'already recorded'."""
        if row.derived:
            return False
        if earlier is not None:
            if earlier.content == row.content:
                return False
            where = f"row {earlier.number} of this file"
        else:
            version, content = keys.content_of(row.aggregate_id, row.key)
            if content == row.content:
                return False
            where = f"{row.subject}@{version}"
        reader.problem(row.number, reader.header("key"), row.key,
                       f"a key of its own: {where} has this key with other values (give the "
                       "row a new key, or correct the entry)")
        return True

    @staticmethod
    def _recorded_entry(row: CheckedRow, error: RuleViolation, uow: UnitOfWork) -> int | None:
        """The version of the stored entry whose identity a refused row has, if any (one
        recorded earlier in this file is a duplicate, not an edit)."""
        where = TAKEN_IDENTITY.get(error.rule)
        if where is None:
            return None
        pilot = uow.get(Pilot, row.subject)
        version: int | None = getattr(pilot, where).get(target_key(
            canonical(str(row.values["indicator"])), canonical(str(row.values["period"]))))
        pending = pilot.pending_events
        if version is None or (pending and version >= pending[0].originator_version):
            return None
        return version

    def _changed(self, row: CheckedRow, reader: RowReader, version: int, by: Provenance,
                 uow: UnitOfWork) -> None:
        """A row edited since its entry was recorded: a correction, or a problem saying so."""
        ref = f"{row.subject}@{version}"
        if not self.options.apply_corrections:
            reader.problem(row.number, reader.header("period"), row.values.get("period"),
                           f"changed since it was recorded as {ref}: correct it (import "
                           "with --apply-corrections and fill the reason column)")
            return
        if not (row.reason or "").strip():
            reader.problem(row.number, reader.header("reason"), None,
                           f"why {ref} changed: fill the reason column to correct it")
            return
        values = filled(row.values, row.kind.columns)
        changes = {c.name: values.get(c.name) for c in row.kind.columns
                   if c.name not in IDENTITY_FIELDS}
        try:
            handle(uow, CorrectEntry(row.subject, version, changes), by)
        except (RuleViolation, InvalidInput, NotFound) as error:
            self._blame(row, reader, error)
            return
        self.report.recorded["correction"] += 1

    def _recorded_keys(self, rows: list[CheckedRow]) -> RecordedKeys:
        candidates: dict[UUID, set[tuple[str, str]]] = {}
        codes: dict[UUID, str] = {}
        for row in rows:
            codes[row.aggregate_id] = row.subject
            if row.derived:
                candidates.setdefault(row.aggregate_id, set()).add(
                    (row.kind.event.TYPE, row.occurred_on.isoformat()))
        return RecordedKeys(self.ledger, candidates, codes)

    def _blame(self, row: CheckedRow, reader: RowReader, error: ScaletrackError) -> None:
        """Report a row the store refuses, naming the column at fault where one is."""
        name: str | None = error.field or None
        if isinstance(error, NotFound):
            name = next((n for n in ("entry", *SUBJECT_COLUMNS)
                         if error.message.startswith(f"no {'event' if n == 'entry' else n} ")),
                        None)
        text = str(error)
        if name == "reason":  # a file has no --reason: its rows have a reason column
            text = f"{error.message}; fill the reason column"
        value: Any = row.values.get(name) if name else None
        if name == row.kind.noun:
            value = row.subject
            name = next((c for c in SUBJECT_COLUMNS[name] if c in reader.columns), name)
        elif name in ("occurred_on", "reason"):
            value = row.occurred_on if name == "occurred_on" else row.reason
        reader.problem(row.number, reader.header(name) if name else None, value, text)


def import_files(ledger: Ledger, paths: list[Path], options: ImportOptions,
                 progress: ProgressReporter | None = None) -> list[FileReport]:
    """Import each file in turn, each atomically; later files see earlier ones."""
    return [FileImport(ledger, path, options, progress).run() for path in paths]
