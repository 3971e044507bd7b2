"""The web pages' routes: one router that the server's app includes."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse, Response

from scaletrack.server.auth import sign_in_cookie_options, sign_in_token
from scaletrack.web import audit_pages, centre_pages, import_pages, read_pages, write_pages
from scaletrack.web.rendering import STATIC, render

router = APIRouter(include_in_schema=False)

STATIC_TYPES = {".css": "text/css", ".js": "text/javascript", ".svg": "image/svg+xml"}


@router.get("/static/{name}")
def static_file(name: str) -> Response:
    """A file of the package's own static folder (nothing else: no sub-paths, no dot files)."""
    path = STATIC / name
    if "/" in name or name.startswith(".") or path.suffix not in STATIC_TYPES \
            or not path.is_file():
        return Response(status_code=404)
    return FileResponse(path, media_type=STATIC_TYPES[path.suffix],
                        headers={"Cache-Control": "public, max-age=31536000, immutable"})


@router.get("/sign-in", response_class=HTMLResponse)
def sign_in_form(request: Request, next: str | None = None, failed: str | None = None,
                 login: str | None = None) -> HTMLResponse:
    """The sign-in form (the server's ``POST /sign-in`` checks it, its CSRF token
    included), with why it failed."""
    token, cookie = sign_in_token(request)
    request.state.csrf_token = token
    page = render(request, "sign_in.html", status_code=401 if failed else 200, next=next,
                  error=failed, login=login)
    if cookie is not None:
        page.set_cookie(value=cookie, **sign_in_cookie_options(request))
    return page


router.include_router(read_pages.router)
router.include_router(centre_pages.router)
router.include_router(write_pages.router)
router.include_router(import_pages.router)
router.include_router(audit_pages.router)
