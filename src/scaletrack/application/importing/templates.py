"""Templates to fill in, and the store written back as rows in the same format.

A template names one kind's columns, describes each in a comment row (which
the importer skips) and gives one example row, or (:class:`Prefill`) the rows
and drop-down lists of one account: its pilots, the indicators, its open
periods. A dump writes every event of a store, in the order it was recorded,
as rows of the same columns, so importing the dump into an empty store records
the same events.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from scaletrack.application.files import atomic_path
from scaletrack.application.importing.cells import (
    Reading,
    Shape,
    as_cell,
    as_text,
    parse,
    plain_json,
)
from scaletrack.application.importing.row_kinds import IMPORT_KIND_OF_TYPE, IMPORT_KINDS, ImportKind
from scaletrack.application.importing.rows import ENVELOPE_COLUMNS, SUBJECT_COLUMNS
from scaletrack.application.importing.spreadsheets import SheetWriter, format_of
from scaletrack.application.ledger import Ledger
from scaletrack.domain.consortium import Consortium
from scaletrack.domain.envelope import Recorded
from scaletrack.domain.indicator import Indicator
from scaletrack.domain.organisation import Organisation
from scaletrack.domain.pilot import Pilot

EXAMPLE_PILOT = "SEED-GR-01"
EXAMPLE_OCCURRED_ON = date(2023, 6, 1)
EXAMPLE_ACTOR = "ana"

ON_THE_DEMO: dict[str, dict[str, str]] = {
    "stage": {"pilot": "SEED-RO-01", "to_stage": "rolling-out"},
    "milestone-planned": {"milestone": "M9"},
    "milestone-achieved": {"pilot": "SEED-RO-01", "milestone": "M5"},
    "milestone-slipped": {"pilot": "SEED-RO-01", "milestone": "M5",
                          "new_due_on": "2023-10-31"},
    "milestone-dropped": {"pilot": "SEED-RO-01", "milestone": "M5"},
    "partner-left": {"organisation": "Hellenic Local Innovation Network (synthetic)"},
    "target": {"period": "2023-Q3"},
    "target-revised": {"indicator": "SITES", "period": "2023-Q2", "target": "9"},
    "result": {"indicator": "EECO12", "period": "2023-Q2"},  # SEED-GR-01 reports EECO01
    "adaptation": {"component": "Survey channels"},
    "risk-raised": {"risk": "R9"},
    "risk-closed": {"pilot": "SEED-IT-01", "risk": "R2"},  # a risk still open there
    "period-submitted": {"period": "2023-Q2"},
    "period-approved": {"pilot": "ESIA-DE-01", "period": "2023-Q2",
                        "occurred_on": "2023-07-28"},  # after its submission
    "period-rejected": {"pilot": "ESIA-DE-01", "period": "2023-Q2",
                        "occurred_on": "2023-07-28"},
    "period-unlocked": {"period": "2023-Q1"},
    "expenditure": {"period": "2023-Q2"},  # declared with the report, after the demo
    "funding-paid": {"amount_eur": "5000"},  # within what is left of the EaSI commitment
    "indicator-revised": {"indicator": "STAFF-TRAINED"},  # the demo has no PART
    "indicator-retired": {"indicator": "STAFF-TRAINED"},
}
"""Where a kind's generic example would break a rule in the demo's final state (July
2023: which pilot has a planned milestone, which periods are approved, ...), the
values that make it a valid row there. The demo itself leaves no member country
without a competence centre and no pilot without a pathway, and each member
country has a partner, so the consortium-centre, pathway and
consortium-country-removed examples cannot be valid there."""

_ENVELOPE_HELP = {
    "kind": "what the row records",
    "occurred_on": "when it happened, YYYY-MM-DD",
    "actor": "who records it [optional: default --actor]",
    "reason": "why [optional; needed for revisions, drops, unlocks, corrections]",
    "key": "your id for the row, so a re-import skips it [optional: derived from the row]",
}


@dataclass(frozen=True)
class Layout:
    """The columns of a file and the shape of each."""

    header: list[str]
    shapes: dict[str, Shape]

    @classmethod
    def of(cls, kinds: Iterable[ImportKind]) -> Layout:
        kinds = list(kinds)
        header = ["kind"]
        shapes: dict[str, Shape] = {}
        nouns = {kind.noun for kind in kinds}
        shapes.update({noun: Shape.TEXT for noun in SUBJECT_COLUMNS if noun in nouns})
        for kind in kinds:
            for column in kind.columns:
                shapes.setdefault(column.name, column.shape)
        shapes.update({"occurred_on": Shape.DATE, "actor": Shape.TEXT, "reason": Shape.TEXT,
                       "key": Shape.TEXT})
        header.extend(shapes)
        return cls(header, shapes)

    def write(self, out: SheetWriter, kind: ImportKind, values: dict[str, Any]) -> None:
        record = {"kind": kind.name, **values}
        out.row([as_text(self.shapes.get(c, Shape.TEXT), record.get(c)) for c in self.header],
                [as_cell(self.shapes.get(c, Shape.TEXT), record.get(c)) for c in self.header],
                {k: plain_json(v) for k, v in record.items() if not _absent(v)})


def _absent(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def example_row(kind: ImportKind) -> dict[str, Any]:
    """The kind's example as typed values, valid against the demo store."""
    text = {SUBJECT_COLUMNS[kind.noun][0]: EXAMPLE_PILOT if kind.noun == "pilot" else None,
            "occurred_on": EXAMPLE_OCCURRED_ON.isoformat(), "actor": EXAMPLE_ACTOR,
            **kind.example, **ON_THE_DEMO.get(kind.name, {})}
    shapes = {c.name: c.shape for c in kind.columns} | {"occurred_on": Shape.DATE}
    return {name: parse(shapes.get(name, Shape.TEXT), value, Reading())
            for name, value in text.items() if value}


@dataclass(frozen=True)
class Prefill:
    """One account's template: rows to complete, and the values each column may take."""

    rows: list[dict[str, Any]]
    """Typed values by column (a pilot and an open period, say); the rest left blank."""
    choices: dict[str, list[str]]
    """A drop-down list per column (XLSX): the account's pilots, the indicators, ..."""


DROP_DOWN_ROWS = 2000
"""How many rows of a pre-filled XLSX template carry the drop-down lists."""


def write_template(kind: ImportKind, path: Path, prefill: Prefill | None = None) -> None:
    """A template for one kind: header, descriptions, and one example row, or the
    prefill's rows. A pre-filled template has no actor column (whoever imports it
    records it) and, as XLSX, a drop-down list on each column with choices."""
    format_of(path)
    layout = Layout.of([kind])
    if prefill is not None:
        layout = Layout([name for name in layout.header if name != "actor"], layout.shapes)
    describe = {c.name: c.describe() for c in kind.columns}
    subject = SUBJECT_COLUMNS[kind.noun][0]
    describe[subject] = f"the {kind.noun}'s code"
    comments = [f"# {kind.name}: {kind.summary}" if name == "kind" else
                describe.get(name) or _ENVELOPE_HELP.get(name, "") for name in layout.header]
    with SheetWriter(path, layout.header) as out:
        out.comment(comments)
        for row in [example_row(kind)] if prefill is None else prefill.rows:
            layout.write(out, kind, row)
    if prefill is not None and format_of(path) == "xlsx":
        lists = {"kind": [kind.name], **{c.name: list(c.choices) for c in kind.columns
                                         if c.choices}, **prefill.choices}
        _add_drop_downs(path, layout.header, lists)


def _add_drop_downs(path: Path, header: list[str], lists: dict[str, list[str]]) -> None:
    """Excel data validation: each listed column offers its values (kept on a hidden sheet)."""
    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    book = load_workbook(path)
    rows = book["rows"]
    values = book.create_sheet("choices")
    values.sheet_state = "hidden"
    listed = [name for name in header if lists.get(name)]
    for place, name in enumerate(listed, start=1):
        letter = get_column_letter(place)
        for number, value in enumerate(lists[name], start=1):
            values.cell(number, place, value)
        check = DataValidation(type="list", allow_blank=True, showErrorMessage=True,
                               formula1=f"choices!${letter}$1:${letter}${len(lists[name])}",
                               errorTitle=name, error=f"choose a {name} from the list")
        column = get_column_letter(header.index(name) + 1)
        check.add(f"{column}3:{column}{DROP_DOWN_ROWS + 2}")  # below the header and comments
        rows.add_data_validation(check)
    with atomic_path(path) as temporary:
        book.save(temporary)


def dump(ledger: Ledger, path: Path) -> int:
    """Every event of the store as rows, in recorded order; returns how many."""
    format_of(path)
    layout = Layout.of(IMPORT_KINDS.values())
    codes: dict[Any, str] = {}
    count = 0
    with SheetWriter(path, layout.header) as out:
        for event in ledger.all_events():
            if event.TYPE not in IMPORT_KIND_OF_TYPE:
                continue  # an account or a setting: not a row (`user`, `settings` make them)
            layout.write(out, IMPORT_KIND_OF_TYPE[event.TYPE], row_of(ledger, event, codes))
            count += 1
    return count


def row_of(ledger: Ledger, event: Recorded, codes: dict[Any, str]) -> dict[str, Any]:
    """One recorded event as the row that would record it."""
    kind = IMPORT_KIND_OF_TYPE[event.TYPE]
    if isinstance(event, (Consortium.Registered, Indicator.Defined, Organisation.Registered,
                          Pilot.Registered)):
        codes[event.originator_id] = str(event.code)
    code = codes[event.originator_id]
    values = kind.as_row(event, code, lambda n: ledger.pilot_event(code, n))
    envelope = {name: getattr(event, name) for name in ENVELOPE_COLUMNS}
    return {SUBJECT_COLUMNS[kind.noun][0]: code, **values, **envelope}
