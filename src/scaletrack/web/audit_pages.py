"""The audit page: the store's head digest, an export bundle to download, a bundle to verify.

The download and the verification are the JSON API's (``scaletrack.server.audits``):
a bundle travels as one ZIP of the folder ``scaletrack export`` writes.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from starlette.concurrency import run_in_threadpool

from scaletrack.application.access import Action
from scaletrack.audit.errors import AuditFailed
from scaletrack.audit.zipped import MAX_BUNDLE_BYTES
from scaletrack.domain.errors import InvalidInput
from scaletrack.server import audits
from scaletrack.web import reading
from scaletrack.web.pages import PageRoute, Viewer

router = APIRouter(route_class=PageRoute, include_in_schema=False)


@router.get("/audit")
def audit(page: Viewer) -> Response:
    page.require(Action.EXPORT)
    consortia = sorted({p["consortium"] for p in reading.pilots(page)})
    pilots = sorted(p["code"] for p in reading.pilots(page))
    return page.render("audit.html", timeless=True, digest_line=reading.digest(page),
                       consortia=consortia, pilots=pilots, report=None)


@router.get("/audit/bundle")
def download(page: Viewer, pilot: str | None = None, consortium: str | None = None) -> Response:
    """An export bundle (the whole log, a consortium or a pilot): the API's own download."""
    page.require_known_query(("pilot", "consortium"))
    return audits.export(page.request, page.account, pilot=pilot or None,
                         consortium=consortium or None)


def verdict(data: bytes) -> dict[str, Any]:
    """The API's verification of a zipped bundle, or the first fault when it is not valid."""
    try:
        report: dict[str, Any] = audits.verify_zip(data, None)
    except AuditFailed as failed:
        return {"valid": False, "fault": failed.fault.as_dict(), "message": failed.message}
    return report


@router.post("/audit/verify")
async def verify(page: Viewer, request: Request) -> Response:
    """Upload a bundle (ZIP) and see the verdict, with the first fault when it is not valid."""
    page.require(Action.VERIFY)
    form = await request.form()
    upload = form.get("bundle")
    if upload is None or isinstance(upload, str):
        raise InvalidInput("choose a bundle file to verify", field="bundle")
    data = await upload.read(MAX_BUNDLE_BYTES + 1)
    if len(data) > MAX_BUNDLE_BYTES:
        raise InvalidInput("the bundle is too large", field="bundle")
    report = await run_in_threadpool(verdict, data)
    pilots = await run_in_threadpool(reading.pilots, page)
    digest_line = await run_in_threadpool(reading.digest, page)
    return page.render("audit.html", 200 if report["valid"] else 422, timeless=True,
                       digest_line=digest_line,
                       consortia=sorted({p["consortium"] for p in pilots}),
                       pilots=sorted(p["code"] for p in pilots), report=report,
                       uploaded=upload.filename)
