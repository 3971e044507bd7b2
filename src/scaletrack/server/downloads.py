"""Files to download: a report (``scaletrack report``) and a view as CSV or XLSX
(``scaletrack NAME --format csv|xlsx``), each carrying its point in time.

A report is regenerable byte for byte: its basis (the point, the head digest at
known-at, and the command) is in the file, and ``scaletrack report --check``
on the download says whether the store still makes the same bytes. A workbook
carries its basis in its properties.
"""

from __future__ import annotations

import tempfile
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request, Response
from starlette.concurrency import run_in_threadpool

from scaletrack.application.access import Action, require
from scaletrack.application.documents import plain
from scaletrack.domain.account import Account
from scaletrack.domain.errors import InvalidInput
from scaletrack.server.auth import ServerState, current_account, state
from scaletrack.server.query import KnownQueryRoute
from scaletrack.server.reads import AsOf, Code, KnownAt, Period, point, read_stores

router = APIRouter(prefix="/api/v1", route_class=KnownQueryRoute, tags=["reports"])
Signed = Annotated[Account, Depends(current_account)]

REPORT_TYPES = {"pdf": "application/pdf", "html": "text/html; charset=utf-8"}
SHEET_TYPES = {"csv": "text/csv; charset=utf-8",
               "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def attachment(data: bytes, name: str, media_type: str) -> Response:
    return Response(data, media_type=media_type,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


def report_file(server: ServerState, pilot: str | None, consortium: str | None,
                period: str | None, start: date | None, end: date | None,
                as_of: date | None, known_at: datetime | None, fmt: str) -> tuple[str, bytes]:
    """A report's file name and bytes, as ``scaletrack report`` writes them."""
    from scaletrack.application.reports.basis import basis_at
    from scaletrack.application.reports.make import report_bytes

    if pilot and consortium:
        raise InvalidInput("give pilot or consortium, not both", field="consortium")
    if period and (start or end):
        raise InvalidInput("give period or from/to, not both", field="period")
    if start and end and start > end:
        raise InvalidInput(f"from {start} is after to {end}", field="from")
    name = f"scaletrack-report-{pilot or consortium or 'portfolio'}" \
           f"{'-' + period if period else ''}.{fmt}"
    basis = basis_at(server.ledger, pilot, consortium, period, start, end, as_of, known_at,
                     fmt, name)
    with read_stores(server).one() as store:
        return name, report_bytes(store, basis)


@router.get("/reports", response_class=Response, responses={
    200: {"content": {kind: {} for kind in REPORT_TYPES.values()},
          "description": "the report, with its basis inside"}})
async def report(request: Request, account: Signed, pilot: Code = None,
                 consortium: Code = None, period: Period = None,
                 start: Annotated[date | None, Query(alias="from", description=(
                     "instead of a period: the first day the report covers"))] = None,
                 end: Annotated[date | None, Query(alias="to", description=(
                     "instead of a period: the last day the report covers"))] = None,
                 as_of: AsOf = None, known_at: KnownAt = None,
                 format: Literal["pdf", "html"] = "pdf") -> Response:
    """A report on a pilot, a consortium or the portfolio (``scaletrack report``), PDF or
    one self-contained HTML page; known-at defaults to the last event's."""
    at = point(as_of, known_at)
    require(account, Action.READ if at.is_now else Action.READ_AT_POINT)
    name, data = await run_in_threadpool(
        report_file, state(request), pilot and pilot.upper(), consortium and consortium.upper(),
        period and period.upper(), start, end, as_of, at.known_at, format)
    return attachment(data, name, REPORT_TYPES[format])


def view_file(server: ServerState, name: str, document: Any, asked: dict[str, Any],
              fmt: str) -> Response:
    """A view's document as ``scaletrack NAME --format csv|xlsx -o FILE`` saves it."""
    from scaletrack.application.reports.sheets import csv_text, view_basis, write_xlsx

    chosen = "-".join(str(v) for k, v in asked.items() if v and k not in ("as_of", "known_at"))
    file_name = f"scaletrack-{name}{'-' + chosen if chosen else ''}.{fmt}"
    if fmt == "csv":
        return attachment(csv_text(plain(document)).encode(), file_name, SHEET_TYPES[fmt])
    with tempfile.TemporaryDirectory(prefix="scaletrack-view-") as scratch:
        path = Path(scratch) / file_name
        write_xlsx(path, plain(document), view_basis(server.ledger, name, asked, fmt,
                                                     file_name))
        return attachment(path.read_bytes(), file_name, SHEET_TYPES[fmt])
