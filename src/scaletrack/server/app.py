"""The ASGI application: ``create_app(store_url)``, what ``scaletrack serve`` runs.

Routers: signing in and out (scaletrack.server.session), the JSON API
(scaletrack.server.api), and the web pages from ``scaletrack.web`` when that
package is installed. Every error answers in one JSON shape
(scaletrack.server.errors); every response carries the security headers.
"""

from __future__ import annotations

import importlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI

from scaletrack import __version__
from scaletrack.application.store import StoreURL
from scaletrack.domain.errors import NotFound
from scaletrack.server import errors
from scaletrack.server.auth import COOKIE, ServerState
from scaletrack.server.security import SecurityHeaders

WEB_PAGES = "scaletrack.web"
"""The web pages' package. Loaded by name: the pages depend on this package
(its auth dependency), so this package must not import them statically."""


def create_app(store_url: str | None = None, *, pages: bool = True,
               secure_cookies: bool = False) -> FastAPI:
    """The server on one store (SQLite file or PostgreSQL database), which must exist."""
    store = StoreURL.parse(store_url)
    if not store.exists:
        raise NotFound(f"no store at {store.shown}",
                       hint="run scaletrack init (or scaletrack demo), or give --db")
    server = ServerState(store, secure_cookies=secure_cookies)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        server.close()

    app = FastAPI(title="scaletrack", version=__version__, lifespan=lifespan,
                  description="The scaletrack HTTP API: every command and query of the CLI, "
                              "for the signed-in account. Errors: {error, hint, field}.",
                  docs_url=None, redoc_url=None, openapi_url="/openapi.json")
    app.state.scaletrack = server
    errors.install(app)
    app.add_middleware(SecurityHeaders)

    from scaletrack.server import (
        api,
        audits,
        centres,
        downloads,
        imports,
        reads,
        registry,
        session,
        writes,
    )

    app.include_router(session.router)
    app.include_router(api.router)
    app.include_router(writes.router)
    app.include_router(registry.router)
    app.include_router(reads.router)
    app.include_router(centres.router)
    app.include_router(audits.router)
    app.include_router(imports.router)
    app.include_router(downloads.router)
    if pages:
        _include_pages(app)
    _document_security(app)
    return app


def _document_security(app: FastAPI) -> None:
    """/openapi.json names the two ways to be signed in: a Bearer token, or the cookie."""
    plain_openapi = app.openapi

    def with_security() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = plain_openapi()
            document.setdefault("components", {})["securitySchemes"] = {
                "token": {"type": "http", "scheme": "bearer",
                          "description": "an API token from `scaletrack user token LOGIN`"},
                "session": {"type": "apiKey", "in": "cookie", "name": COOKIE,
                            "description": "set by signing in; writes also need the "
                                           "X-CSRF-Token header"}}
            document["security"] = [{"token": []}, {"session": []}]
            app.openapi_schema = document
        return app.openapi_schema

    app.openapi = with_security  # type: ignore[method-assign]


def _include_pages(app: FastAPI) -> None:
    try:
        web = importlib.import_module(WEB_PAGES)
    except ModuleNotFoundError as missing:
        if missing.name == WEB_PAGES:
            return
        raise
    app.include_router(web.router)
