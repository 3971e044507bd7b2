"""Import over HTTP: a CSV, XLSX or JSON Lines file checked row by row, then recorded.

The same use case as ``scaletrack import`` (scaletrack.application.importing):
every row is checked against the store as it will be after the rows above it,
and the file is recorded all or nothing. ``dry_run`` checks and records
nothing; the same upload without it records. What the server adds:

- each row is authorised by the one check, ``can``: a lead imports only rows
  of its consortia's pilots, an admin only consortia and indicators; a row the
  account may not write is one more problem of the file, which then records
  nothing;
- the signed-in account records every row (an ``actor`` column is ignored) and
  the server's clock stamps the recorded-at;
- an upload larger than ``MAX_IMPORT_BYTES`` (an XLSX larger than
  ``MAX_UNPACKED_BYTES`` once unpacked) is refused with 413;
- a clean dry run keeps the upload for an hour (for the account that sent it,
  under the host's temporary folder, which the server processes of one host
  share), so that ``POST /imports/{sha256}/confirmation`` records exactly the
  file that was checked, checked once more against the store as it is then.
"""

from __future__ import annotations

import hashlib
import io
import re
import shutil
import tempfile
import time
import zipfile
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path, PurePath
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from fastapi import Path as Path_
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from scaletrack.application.access import ANYTHING, Action, NotAllowed, Resource, can, require
from scaletrack.application.importing.cells import Reading
from scaletrack.application.importing.importer import FileImport, FileReport
from scaletrack.application.importing.row_kinds import IMPORT_KINDS, ImportKind, kind_named
from scaletrack.application.importing.rows import CheckedRow, ImportOptions
from scaletrack.application.importing.spreadsheets import FORMATS
from scaletrack.application.importing.templates import Prefill, write_template
from scaletrack.domain.account import Account
from scaletrack.domain.errors import InvalidInput, NotFound
from scaletrack.domain.pilot import Pilot
from scaletrack.domain.vocabulary import period_end, period_of
from scaletrack.server.auth import ServerState, current_account, state
from scaletrack.server.errors import ERROR_SCHEMA, TooLarge, error_body
from scaletrack.server.query import KnownQueryRoute
from scaletrack.server.writes import PERIOD_ACTIONS

router = APIRouter(prefix="/api/v1", route_class=KnownQueryRoute, tags=["import"])
Signed = Annotated[Account, Depends(current_account)]

MAX_IMPORT_BYTES = 10 * 1024 * 1024
"""The largest file the server imports (10 MiB, some 100 000 rows of results)."""
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
"""The most an XLSX (a zip) may hold once unpacked."""

_ADMINS_ROWS = {"consortium": Action.MANAGE_CONSORTIA, "indicator": Action.MANAGE_INDICATORS}


@dataclass(frozen=True)
class Upload:
    """An uploaded file as the import reads it: its name and its bytes."""

    name: str
    data: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def checked_upload(name: str | None, data: bytes) -> Upload:
    """The upload if the server takes it: a known file type, within the size limits."""
    if len(data) > MAX_IMPORT_BYTES:
        raise TooLarge(f"the file is larger than {MAX_IMPORT_BYTES // (1024 * 1024)} MiB",
                       field="file", hint="split it into several files and import each")
    plain = re.sub(r"[^\w. -]", "_", PurePath((name or "").replace("\\", "/")).name).strip()
    suffix = PurePath(plain).suffix.lower()
    if suffix not in FORMATS:
        raise InvalidInput(f"unknown file type {suffix or '(none)'}", field="file",
                           hint="upload a .csv, .xlsx or .jsonl file")
    if suffix == ".xlsx":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as book:
                unpacked = sum(member.file_size for member in book.infolist())
        except zipfile.BadZipFile:
            raise InvalidInput("the file is not an XLSX workbook", field="file",
                               hint="save it from the spreadsheet as .xlsx, or as .csv"
                               ) from None
        if unpacked > MAX_UNPACKED_BYTES:
            raise TooLarge("the workbook is too large once unpacked", field="file",
                           hint="split it into several files and import each")
    return Upload(plain, data)


STAGED = Path(tempfile.gettempdir()) / "scaletrack-uploads"
"""Where clean dry runs keep their uploads until confirmed."""
STAGED_SECONDS = 3600


def _staged_folder(account: Account, sha256: str) -> Path:
    return STAGED / hashlib.sha256(f"{account.login}\0{sha256}".encode()).hexdigest()


def stage(account: Account, upload: Upload) -> None:
    """Keep a checked upload for the account to confirm (old ones are dropped)."""
    STAGED.mkdir(mode=0o700, exist_ok=True)
    for old in STAGED.iterdir():
        try:
            stale = old.stat().st_mtime < time.time() - STAGED_SECONDS
        except FileNotFoundError:
            continue  # another server process dropped it meanwhile
        if stale:
            shutil.rmtree(old, ignore_errors=True)
    folder = _staged_folder(account, upload.sha256)
    folder.mkdir(mode=0o700, exist_ok=True)
    (folder / upload.name).write_bytes(upload.data)


def staged(account: Account, sha256: str) -> Upload:
    """The upload the account's dry run checked, by its SHA-256."""
    folder = _staged_folder(account, sha256.strip().lower())
    found = sorted(folder.iterdir()) if folder.is_dir() else []
    if not found:
        raise NotFound("no checked upload with that digest",
                       hint="check the file again (a dry run keeps it for an hour)")
    upload = Upload(found[0].name, found[0].read_bytes())
    if upload.sha256 != sha256.strip().lower():
        raise NotFound("no checked upload with that digest", hint="check the file again")
    return upload


def unstage(account: Account, upload: Upload) -> None:
    shutil.rmtree(_staged_folder(account, upload.sha256), ignore_errors=True)


def row_permission(server: ServerState, row: CheckedRow, workspace: Any
                   ) -> tuple[Action, Resource]:
    """What recording one row is, as ``can`` sees it."""
    kind = row.kind
    if kind.noun in _ADMINS_ROWS:
        return _ADMINS_ROWS[kind.noun], ANYTHING
    if kind.name == "pilot":
        return Action.REGISTER_PILOT, Resource(consortium=str(row.values["consortium"]).upper())
    consortium = server.consortium_of.get(row.subject)
    if consortium is None:
        consortium = workspace.get(Pilot, row.subject).consortium
    # Deciding a report (approve, reject) is an officer's, and officers do not import:
    # such a row is refused whoever submitted the report. Amending a registration is
    # registering's.
    action = Action.REGISTER_PILOT if kind.name == "pilot-amended" else PERIOD_ACTIONS.get(
        kind.name, Action.WRITE_PILOT)
    return action, Resource(consortium=consortium)


def run_import(server: ServerState, account: Account, upload: Upload,
               options: ImportOptions) -> FileReport:
    """Check (and unless a dry run, record) one uploaded file for the account."""
    def authorise(row: CheckedRow, workspace: Any) -> None:
        action, resource = row_permission(server, row, workspace)
        try:
            require(account, action, resource)
        except NotAllowed as refused:
            raise NotAllowed(refused.message, field=row.kind.noun, hint=refused.hint
                             ) from None

    chosen = ImportOptions(options.reading, kind=options.kind, dry_run=options.dry_run,
                           recorded_by=account.actor, authorise=authorise)
    with tempfile.TemporaryDirectory(prefix="scaletrack-import-") as scratch:
        path = Path(scratch) / upload.name
        path.write_bytes(upload.data)
        with server.write_lock:
            return FileImport(server.ledger, path, chosen).run()


def report_document(report: FileReport, account: Account, upload: Upload,
                    dry_run: bool) -> dict[str, Any]:
    """The CLI's ``import --json`` document, with who records the rows and the file's digest."""
    return {"dry_run": dry_run, "files": [report.as_dict()],
            "recorded": sum(report.recorded.values()),
            "skipped": sum(report.skipped.values()),
            "recorded_by": account.actor, "sha256": upload.sha256}


def refusal(report: FileReport) -> dict[str, Any]:
    """The error of a file with problems, as the CLI words it (exit 2, HTTP 400)."""
    count = len(report.problems)
    return error_body(f"{count} problem{'s' if count != 1 else ''}; nothing from "
                      f"{report.file} was imported", "fix the rows and import again", "file")


def import_options(kind: str | None, dry_run: bool, dayfirst: bool,
                   decimal_comma: bool) -> ImportOptions:
    if kind and kind_named(kind) is None:
        raise InvalidInput(f"{kind!r} is not a kind; choose among {', '.join(IMPORT_KINDS)}",
                           field="kind")
    return ImportOptions(Reading(dayfirst=dayfirst, decimal_comma=decimal_comma),
                         kind=kind or None, dry_run=dry_run)


@router.post("/imports", responses={
    200: {"description": "what was recorded (or, with dry_run, would be): the document "
                         "`scaletrack import --json` prints, with recorded_by and sha256"},
    400: {"description": "the file has problems: the error, and the same document listing "
                         "every problem (file, row, column, value, expected)",
          "content": {"application/json": {"schema": ERROR_SCHEMA}}},
    413: {"description": f"the file is larger than {MAX_IMPORT_BYTES} bytes",
          "content": {"application/json": {"schema": ERROR_SCHEMA}}}})
async def import_file(
        request: Request, account: Signed,
        file: Annotated[UploadFile, File(description="a .csv, .xlsx or .jsonl file")],
        dry_run: Annotated[bool, Form(description="check every row; record nothing")] = False,
        kind: Annotated[str | None, Form(description="the kind of every row of a file "
                                                     "without a kind column")] = None,
        dayfirst: Annotated[bool, Form(description="dates written DD/MM/YYYY")] = False,
        decimal_comma: Annotated[bool, Form(description="numbers written 1234,5")] = False,
) -> Any:
    """Import a file as ``scaletrack import FILE [--dry-run] --json`` does, all or nothing,
    each row authorised for the signed-in account, who records every row. A clean dry
    run answers the file's ``sha256``, by which it can be confirmed."""
    require(account, Action.IMPORT)
    options = import_options(kind, dry_run, dayfirst, decimal_comma)
    upload = checked_upload(file.filename, await file.read(MAX_IMPORT_BYTES + 1))
    return answered(*await run_in_threadpool(check_or_record, state(request), account,
                                             upload, options))


def check_or_record(server: ServerState, account: Account, upload: Upload,
                    options: ImportOptions) -> tuple[FileReport, dict[str, Any]]:
    """The import of an upload (kept to confirm after a clean dry run; dropped once
    recorded), with its document."""
    report = run_import(server, account, upload, options)
    if options.dry_run and not report.problems:
        stage(account, upload)
    elif report.written:
        unstage(account, upload)
    return report, report_document(report, account, upload, options.dry_run)


def answered(report: FileReport, document: dict[str, Any]) -> JSONResponse:
    if report.problems:
        return JSONResponse({**refusal(report), **document}, status_code=400)
    return JSONResponse(document)


@router.post("/imports/{sha256}/confirmation", responses={
    200: {"description": "what was recorded: the document `scaletrack import --json` prints"},
    400: {"description": "the file has problems now (the store changed since the dry run)",
          "content": {"application/json": {"schema": ERROR_SCHEMA}}},
    404: {"description": "no clean dry run of this account has that digest (or it is older "
                         "than an hour)",
          "content": {"application/json": {"schema": ERROR_SCHEMA}}}})
async def confirm_import(
        request: Request, account: Signed,
        sha256: Annotated[str, Path_(pattern=r"^[0-9a-fA-F]{64}$",
                                     description="the sha256 its dry run answered")],
        kind: Annotated[str | None, Form()] = None,
        dayfirst: Annotated[bool, Form()] = False,
        decimal_comma: Annotated[bool, Form()] = False) -> Any:
    """Record the file a clean dry run of this account checked (checked again first)."""
    require(account, Action.IMPORT)
    options = import_options(kind, False, dayfirst, decimal_comma)
    upload = await run_in_threadpool(staged, account, sha256)
    return answered(*await run_in_threadpool(check_or_record, state(request), account,
                                             upload, options))


# -- templates pre-filled for the account ----------------------------------------------

OPEN_STATUSES = frozenset({None, "open", "rejected", "unlocked"})
"""A period whose report may still change: not yet submitted, or sent back."""
TEMPLATE_TYPES = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                  "csv": "text/csv; charset=utf-8"}


def open_periods(pilot: dict[str, Any], today: date) -> list[str]:
    """A pilot's reporting periods from its start to today (or its end) not yet reported."""
    last = period_of(min(date.fromisoformat(str(pilot["ends_on"])), today))
    first = period_of(date.fromisoformat(str(pilot["starts_on"])))
    periods = []
    day = period_end(first)
    while period_of(day) <= last:
        if pilot["periods"].get(period_of(day)) in OPEN_STATUSES:
            periods.append(period_of(day))
        day = period_end(period_of(day + timedelta(days=1)))
    return periods


def prefill(server: ServerState, account: Account, kind: ImportKind) -> Prefill:
    """The account's rows and choices: the pilots it may write, the indicators in use,
    each pilot's open periods (a row per pilot, or per pilot and open period)."""
    from scaletrack.application.documents import plain
    from scaletrack.application.queries import lists, show
    from scaletrack.application.timetravel import PointInTime
    from scaletrack.server.reads import read_stores

    with read_stores(server).one() as store:
        every_pilot = plain(lists.pilot_list(store))
        indicators = plain(lists.indicator_list(store))
    pilots = [p for p in every_pilot
              if can(account, Action.WRITE_PILOT, Resource(consortium=p["consortium"]))]
    today = server.ledger.clock().date()
    rows: list[dict[str, Any]] = []
    periods: set[str] = set()
    for summary in pilots if kind.noun == "pilot" and kind.name != "pilot" else []:
        detail = plain(show.pilot_show(server.ledger, summary["code"], PointInTime()))
        own = open_periods(detail, today)
        periods.update(own)
        if kind.column("period") is not None:
            rows += [{"pilot": summary["code"], "period": period,
                      "occurred_on": min(period_end(period), today)} for period in own]
        else:
            rows.append({"pilot": summary["code"], "occurred_on": today})
    choices = {"pilot": [p["code"] for p in pilots], "period": sorted(periods),
               "indicator": [i["code"] for i in indicators if not i.get("retired")],
               "consortium": sorted({p["consortium"] for p in pilots})}
    return Prefill(rows, {name: values for name, values in choices.items() if values})


def template_for(server: ServerState, account: Account, kind_name: str, fmt: str
                 ) -> tuple[str, bytes]:
    """A template of one kind, pre-filled for the account: its file name and bytes."""
    kind = kind_named(kind_name)
    if kind is None:
        raise InvalidInput(f"{kind_name!r} is not a kind; choose among "
                           f"{', '.join(IMPORT_KINDS)}", field="kind")
    if fmt not in TEMPLATE_TYPES:
        raise InvalidInput(f"no template as {fmt!r}", field="format", hint="xlsx or csv")
    name = f"scaletrack-{kind.name}.{fmt}"
    with tempfile.TemporaryDirectory(prefix="scaletrack-template-") as scratch:
        path = Path(scratch) / name
        write_template(kind, path, prefill(server, account, kind))
        return name, path.read_bytes()


@router.get("/imports/template", response_class=Response, responses={
    200: {"content": {kind: {} for kind in TEMPLATE_TYPES.values()},
          "description": "a template to fill in and import"}})
def template(request: Request, account: Signed,
             kind: Annotated[str, Query(description="what each row records, e.g. result")],
             format: Annotated[str, Query(description="xlsx (with drop-down lists) or csv")
                               ] = "xlsx") -> Response:
    """A template of one kind (``scaletrack import template KIND``) pre-filled with the
    account's pilots and their open periods, the indicators as a drop-down list."""
    require(account, Action.IMPORT)
    name, data = template_for(state(request), account, kind, format)
    return Response(data, media_type=TEMPLATE_TYPES[format],
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


def preview(upload: Upload, rows: set[int] | None, most: int) -> tuple[list[str], list[Any]]:
    """The file's header and rows as the importer reads them (the numbered rows, or the
    first ``most``), for a page to show each problem in its place."""
    from scaletrack.application.importing.spreadsheets import read_sheet

    with tempfile.TemporaryDirectory(prefix="scaletrack-preview-") as scratch:
        path = Path(scratch) / upload.name
        path.write_bytes(upload.data)
        try:
            sheet = read_sheet(path)
        except InvalidInput:
            return [], []
        shown = []
        for row in sheet.rows:
            if rows is None or row.number in rows:
                shown.append(row)
            if len(shown) >= most:
                break
        header = list(sheet.header) or sorted({k for r in shown for k in r.cells})
    return header, shown
