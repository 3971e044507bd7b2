"""The audit page: the store's head digest, an export bundle to download, a bundle to verify.

A bundle travels as one ZIP file of the bundle folder the CLI's ``export``
writes; verifying an uploaded one unpacks it into a private folder and runs
the same verification as ``scaletrack verify``.
"""

from __future__ import annotations

import io
import tempfile
import zipfile
from pathlib import Path, PurePosixPath
from typing import Any

from fastapi import APIRouter, Request, Response
from starlette.concurrency import run_in_threadpool

from scaletrack.application.access import Action
from scaletrack.audit.errors import AuditFailed
from scaletrack.audit.export import Selection, export
from scaletrack.audit.verify import verify_bundle_folder
from scaletrack.domain.errors import InvalidInput
from scaletrack.web import reading
from scaletrack.web.pages import Page, PageRoute, Viewer

router = APIRouter(route_class=PageRoute, include_in_schema=False)

LARGEST_UPLOAD = 512 * 1024 * 1024


@router.get("/audit")
def audit(page: Viewer) -> Response:
    page.require(Action.EXPORT)
    consortia = sorted({p["consortium"] for p in reading.pilots(page)})
    pilots = sorted(p["code"] for p in reading.pilots(page))
    return page.render("audit.html", timeless=True, digest_line=reading.digest(page),
                       consortia=consortia,
                       pilots=pilots, report=None)


def bundle_zip(page: Page, selection: Selection) -> tuple[bytes, dict[str, Any]]:
    """The export bundle of a selection, zipped, and its manifest."""
    with tempfile.TemporaryDirectory(prefix="scaletrack-export-") as folder:
        target = Path(folder) / "bundle"
        manifest = export(page.ledger, target, selection)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(target.rglob("*")):
                if path.is_file():
                    archive.write(path, path.relative_to(target).as_posix())
        return buffer.getvalue(), manifest


@router.get("/audit/bundle")
def download(page: Viewer, pilot: str | None = None, consortium: str | None = None) -> Response:
    """An export bundle (the whole log, a consortium or a pilot) as one ZIP file."""
    page.require(Action.EXPORT)
    selection = Selection(pilot=pilot.upper() if pilot else None,
                          consortium=consortium.upper() if consortium else None)
    data, _ = bundle_zip(page, selection)
    name = (selection.pilot or selection.consortium or "log").lower()
    return Response(data, media_type="application/zip", headers={
        "Content-Disposition": f'attachment; filename="scaletrack-{name}-bundle.zip"'})


def verify_zip(data: bytes) -> dict[str, Any]:
    """The verdict on a zipped bundle: valid with its figures, or the first fault."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise InvalidInput("the file is not a ZIP of an export bundle",
                           field="bundle", hint="upload the .zip the audit page gave") from None
    with tempfile.TemporaryDirectory(prefix="scaletrack-verify-") as folder, archive:
        root = Path(folder)
        for member in archive.infolist():
            name = PurePosixPath(member.filename)
            if name.is_absolute() or ".." in name.parts:
                raise InvalidInput(f"the bundle holds an unsafe path {member.filename!r}",
                                   field="bundle")
            archive.extract(member, root)
        found = [p.parent for p in root.rglob("manifest.json")]
        bundle = min(found, key=lambda p: len(p.parts)) if found else root
        try:
            report = verify_bundle_folder(bundle)
        except AuditFailed as failed:
            return {"valid": False, "fault": failed.fault.as_dict(), "message": failed.message}
        verdict: dict[str, Any] = report.as_dict()
        return verdict


@router.post("/audit/verify")
async def verify(page: Viewer, request: Request) -> Response:
    """Upload a bundle (ZIP) and see the verdict, with the first fault when it is not valid."""
    page.require(Action.VERIFY)
    form = await request.form()
    upload = form.get("bundle")
    if upload is None or isinstance(upload, str):
        raise InvalidInput("choose a bundle file to verify", field="bundle")
    data = await upload.read(LARGEST_UPLOAD + 1)
    if len(data) > LARGEST_UPLOAD:
        raise InvalidInput("the bundle is larger than 512 MiB", field="bundle")
    report = await run_in_threadpool(verify_zip, data)
    pilots = await run_in_threadpool(reading.pilots, page)
    digest_line = await run_in_threadpool(reading.digest, page)
    return page.render("audit.html", 200 if report["valid"] else 422, timeless=True,
                       digest_line=digest_line,
                       consortia=sorted({p["consortium"] for p in pilots}),
                       pilots=sorted(p["code"] for p in pilots), report=report,
                       uploaded=upload.filename)
