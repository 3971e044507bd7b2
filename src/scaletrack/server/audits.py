"""Audit over HTTP: the head digest, an export bundle to download, a bundle to verify.

The same use cases as ``scaletrack digest``, ``export`` and ``verify``
(docs/AUDIT.md); a bundle travels as a zip of its folder.
"""

from __future__ import annotations

import io
import tempfile
import zipfile
from datetime import date
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from scaletrack.application.access import Action, require
from scaletrack.audit.zipped import MAX_BUNDLE_BYTES, unpack_bundle
from scaletrack.domain.account import Account
from scaletrack.domain.errors import InvalidInput
from scaletrack.server.auth import current_account, state
from scaletrack.server.query import KnownQueryRoute

router = APIRouter(prefix="/api/v1", route_class=KnownQueryRoute, tags=["audit"])
Signed = Annotated[Account, Depends(current_account)]

CODE = r"^[A-Za-z0-9][A-Za-z0-9_-]{1,39}$"


@router.get("/digest")
def digest(request: Request, account: Signed) -> Any:
    """The head digest of the store's log, as ``digest --json`` prints it."""
    from scaletrack.audit.verify import head_digest

    require(account, Action.DIGEST)
    return JSONResponse(head_digest(state(request).ledger).as_dict())


@router.get("/export", response_class=Response,
            responses={200: {"content": {"application/zip": {}},
                             "description": "the bundle's folder as a zip"}})
def export(request: Request, account: Signed,
           pilot: Annotated[str | None, Query(pattern=CODE)] = None,
           consortium: Annotated[str | None, Query(pattern=CODE)] = None,
           since: date | None = None, until: date | None = None,
           csv: bool = False) -> Response:
    """An export bundle (``scaletrack export``), downloaded as a zip of its folder."""
    from scaletrack.audit.export import Selection
    from scaletrack.audit.export import export as write_bundle

    require(account, Action.EXPORT)
    if since and until and since > until:
        raise InvalidInput(f"since {since} is after until {until}", field="since")
    with tempfile.TemporaryDirectory(prefix="scaletrack-export-") as scratch:
        folder = Path(scratch) / "bundle"
        manifest = write_bundle(state(request).ledger, folder, Selection(
            pilot and pilot.upper(), consortium and consortium.upper(), since, until),
            with_csv=csv)
        packed = io.BytesIO()
        with zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(folder.rglob("*")):
                if path.is_file():
                    archive.write(path, path.relative_to(folder).as_posix())
    name = f"scaletrack-export-{manifest['head']['count']}.zip"
    return Response(packed.getvalue(), media_type="application/zip",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.post("/verify")
async def verify(request: Request, account: Signed,
                 bundle: Annotated[UploadFile, File(description="a bundle folder, zipped")],
                 against: Annotated[str | None, Form(
                     description="an older digest line: prove that log is a prefix")] = None
                 ) -> Any:
    """Verify an uploaded bundle offline (``scaletrack verify BUNDLE --json``): 200 with the
    report when valid, 422 naming the first fault when not."""
    require(account, Action.VERIFY)
    data = await bundle.read(MAX_BUNDLE_BYTES + 1)
    if len(data) > MAX_BUNDLE_BYTES:
        raise InvalidInput("the bundle is too large", field="bundle")
    return JSONResponse(await run_in_threadpool(verify_zip, data, against))


def verify_zip(data: bytes, against: str | None) -> dict[str, Any]:
    """The report on a zipped bundle (the API's and the audit page's); AuditFailed
    names the first fault when it is not valid."""
    from scaletrack.audit.verify import verify_bundle_folder

    with tempfile.TemporaryDirectory(prefix="scaletrack-verify-") as scratch:
        folder = unpack_bundle(data, Path(scratch))
        report = verify_bundle_folder(folder, against, None, None)
    return {**report.as_dict(), "signature": "present, not checked" if report.signed
            else "none"}


@router.get("/verify/store")
def verify_store(request: Request, account: Signed,
                 against: Annotated[str | None, Query(
                     description="an older digest line: prove that log is a prefix")] = None
                 ) -> Any:
    """Verify the live store against its chain (``scaletrack verify --store --json``)."""
    from scaletrack.audit.verify import verify_store as check

    require(account, Action.VERIFY)
    return JSONResponse(check(state(request).ledger, against, None).as_dict())
