"""The import page: upload a file, see every problem in its place, fix and upload again,
see what would be recorded, confirm; and a template pre-filled for the account.

The checking, the recording, the kept upload and the template are the JSON
API's (``scaletrack.server.imports``): the same per-row authorisation, the
account as the actor of every row, the same size limit.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from fastapi import APIRouter, Request, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from scaletrack.application.access import Action, Resource
from scaletrack.application.importing.importer import FileReport
from scaletrack.application.importing.row_kinds import IMPORT_KINDS
from scaletrack.application.importing.rows import ImportOptions
from scaletrack.domain.account import Role
from scaletrack.domain.errors import InvalidInput
from scaletrack.server import imports
from scaletrack.server.errors import TooLarge
from scaletrack.web.pages import Page, PageRoute, Viewer

router = APIRouter(route_class=PageRoute, include_in_schema=False)

SHOWN_ROWS = 200
"""Rows of a file the page shows (those with problems, or the first ones)."""
PILOT_KINDS_FIRST = ("result", "target", "milestone-achieved", "risk-raised", "stage")


def _kinds(page: Page) -> list[str]:
    """The kinds whose rows this account may record, most used first: a lead's are its
    pilots', an admin's consortia, indicators and organisations (the one check decides
    each row again)."""
    led = page.account.roles.get(Role.LEAD, [])
    may = {"pilot": any(page.allows(Action.WRITE_PILOT, Resource(consortium=c)) for c in led),
           "consortium": page.allows(Action.MANAGE_CONSORTIA),
           "indicator": page.allows(Action.MANAGE_INDICATORS),
           "organisation": page.allows(Action.MANAGE_ORGANISATIONS)}
    chosen = [name for name, kind in IMPORT_KINDS.items() if may[kind.noun]]
    first = [name for name in PILOT_KINDS_FIRST if name in chosen]
    return first + sorted(set(chosen) - set(first))


def _page(page: Page, status_code: int = 200, **context: Any) -> Response:
    return page.render("import.html", status_code, timeless=True, kinds=_kinds(page),
                       max_mib=imports.MAX_IMPORT_BYTES // (1024 * 1024),
                       **{"report": None, "chosen": {}, **context})


@router.get("/import")
def import_form(page: Viewer) -> Response:
    page.require(Action.IMPORT)
    return _page(page)


def _options(form: Any, dry_run: bool) -> ImportOptions:
    return imports.import_options(str(form.get("kind", "")) or None, dry_run,
                                  form.get("dayfirst") == "on",
                                  form.get("decimal_comma") == "on")


def _shown(page: Page, report: FileReport, document: dict[str, Any],
           upload: imports.Upload, form: Any) -> Response:
    """The report in place: the file's rows with each problem beside its cell."""
    _ = page.language.gettext
    at_cell: dict[tuple[int, str], list[str]] = defaultdict(list)
    at_row: dict[int, list[str]] = defaultdict(list)
    in_file: list[dict[str, Any]] = []
    for problem in report.problems:
        if problem.row is None:
            in_file.append({"column": problem.column, "value": problem.value,
                            "expected": problem.expected})
        elif problem.column:
            at_cell[problem.row, problem.column].append(problem.expected)
        else:
            at_row[problem.row].append(problem.expected)
    wanted = {p.row for p in report.problems if p.row is not None} or None
    header, rows = imports.preview(upload, wanted, SHOWN_ROWS)
    skipped = set(report.skipped_rows)
    extra = sorted({column for (_row, column) in at_cell if column not in header})
    grid = [{"number": row.number, "skipped": row.number in skipped,
             "problems": at_row.get(row.number, []),
             "cells": [{"column": column, "value": row.cells.get(column),
                        "problems": at_cell.get((row.number, column), [])}
                       for column in [*header, *extra]]}
            for row in rows]
    typed = {(row.number, column): value for row in rows
             for column, value in row.cells.items()}
    listed = [{"row": p.row, "column": p.column, "expected": p.expected,
               "value": typed.get((p.row, p.column), p.value) if p.row and p.column
               else p.value} for p in report.problems]
    kinds = document["files"][0]["kinds"]
    chosen = {"kind": str(form.get("kind", "")), "dayfirst": form.get("dayfirst") == "on",
              "decimal_comma": form.get("decimal_comma") == "on"}
    if report.written:
        page.messages.append({"level": "done", "text": page.language.ngettext(
            "Recorded %(num)d row of %(file)s.", "Recorded %(num)d rows of %(file)s.",
            document["recorded"]) % {"num": document["recorded"], "file": report.file}})
    status = 400 if report.problems else 200
    return _page(page, status, report=document, problems=listed, in_file=in_file,
                 header=[*header, *extra], grid=grid, kinds_done=kinds, chosen=chosen,
                 file=report.file, sha256=upload.sha256, more=report.rows > len(rows),
                 shown_count=len(rows), title=_("Import"))


async def _upload_of(request: Request) -> tuple[Any, imports.Upload]:
    form = await request.form()
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        raise InvalidInput("choose a file to check", field="file")
    data = await upload.read(imports.MAX_IMPORT_BYTES + 1)
    return form, imports.checked_upload(upload.filename, data)


@router.post("/import")
async def check(page: Viewer, request: Request) -> Response:
    """Check an uploaded file (a dry run): every problem in place, or what would be
    recorded and a button to record it."""
    page.require(Action.IMPORT)
    try:
        form, upload = await _upload_of(request)
        options = _options(form, dry_run=True)
    except InvalidInput as refused:
        return _page(page, 413 if isinstance(refused, TooLarge) else 400,
                     refusal=refused.message + (f" ({refused.hint})" if refused.hint else ""))
    report, document = await run_in_threadpool(imports.check_or_record, page.server,
                                               page.account, upload, options)
    return await run_in_threadpool(_shown, page, report, document, upload, form)


@router.post("/import/confirm")
async def confirm(page: Viewer, request: Request) -> Response:
    """Record the file the dry run checked (checked once more against the store)."""
    page.require(Action.IMPORT)
    form = await request.form()
    upload = await run_in_threadpool(imports.staged, page.account, str(form.get("sha256", "")))
    options = _options(form, dry_run=False)
    report, document = await run_in_threadpool(imports.check_or_record, page.server,
                                               page.account, upload, options)
    return await run_in_threadpool(_shown, page, report, document, upload, form)


@router.get("/import/template")
def template(page: Viewer, kind: str = "result", format: str = "xlsx") -> Response:
    """A template of one kind pre-filled for the account (the API's own download)."""
    page.require_known_query(("kind", "format"))
    page.require(Action.IMPORT)
    name, data = imports.template_for(page.server, page.account, kind, format)
    return Response(data, media_type=imports.TEMPLATE_TYPES[format],
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
