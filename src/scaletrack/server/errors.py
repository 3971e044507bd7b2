"""One JSON shape for every error, with status codes that mirror the CLI's exit codes.

``{"error": MESSAGE, "hint": HINT, "field": FIELD}``: the message, hint and
field the CLI prints, never a traceback and never a secret. 400 invalid input
(exit 2), 401 not signed in, 403 not allowed, 404 not found (exit 3), 409
concurrent change (exit 4), 413 an upload too large (exit 2), 422 refused by a
domain rule (exit 1), 429 too many failed sign-ins.
"""

from __future__ import annotations

import logging
from typing import Any

from eventsourcing.persistence import PersistenceError
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from scaletrack.application.access import NotAllowed
from scaletrack.application.kinds import KINDS
from scaletrack.domain.errors import (
    ConcurrentChange,
    InvalidInput,
    NotFound,
    RuleViolation,
    ScaletrackError,
)

log = logging.getLogger("scaletrack.server")
_KIND_TAGS = frozenset(KINDS)


class NotSignedIn(ScaletrackError):
    """No session and no valid token (HTTP 401)."""


class TooManyAttempts(ScaletrackError):
    """Too many failed sign-ins for a login or from a client (HTTP 429)."""


class TooLarge(InvalidInput):
    """An upload beyond the server's documented limit (HTTP 413; exit 2)."""


STATUS: list[tuple[type[ScaletrackError], int]] = [
    (TooLarge, 413),
    (InvalidInput, 400),
    (NotSignedIn, 401),
    (NotAllowed, 403),
    (NotFound, 404),
    (ConcurrentChange, 409),
    (TooManyAttempts, 429),
    (RuleViolation, 422),
]

ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["error", "hint", "field"],
    "properties": {"error": {"type": "string"},
                   "hint": {"type": ["string", "null"]},
                   "field": {"type": ["string", "null"]}},
}


def error_body(message: str, hint: str | None = None, field: str | None = None
               ) -> dict[str, Any]:
    return {"error": message, "hint": hint or None, "field": field or None}


def status_for(error: BaseException) -> int:
    for cls, status in STATUS:
        if isinstance(error, cls):
            return status
    if isinstance(error, ScaletrackError):
        return 422
    if type(error).__name__ == "IntegrityError" or _lock_timeout(error):
        return 409
    return 500


def response_for(error: BaseException) -> JSONResponse:
    """The one response for an error raised by a use case or by the store."""
    status = status_for(error)
    if isinstance(error, ScaletrackError):
        body = error_body(error.message, error.hint, getattr(error, "field", None))
    elif status == 409:
        body = error_body("someone else changed the same record at the same time",
                          "retry the request")
    elif status == 409 or _lock_timeout(error):
        status, body = 409, error_body("the store is busy: a lock was held for too long",
                                       "retry the request")
    else:
        log.error("internal error", exc_info=error)
        body = error_body(f"internal error ({type(error).__name__})",
                          "the server's log has the details")
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse(body, status_code=status, headers=headers)


def _lock_timeout(error: BaseException) -> bool:
    """A wait for a lock that ended in the documented timeout (PostgreSQL or SQLite)."""
    causes = [error, error.__cause__, error.__context__]
    return any(type(e).__name__ == "LockNotAvailable" or "database is locked" in str(e)
               or "lock timeout" in str(e) for e in causes if e is not None)


def _where(location: tuple[Any, ...]) -> str:
    """A field's name as the client sent it (without "body", or a kind's tag)."""
    names = [str(p) for p in location[1:] if not isinstance(p, int)]
    if location[:1] == ("body",) and names and names[0] in _KIND_TAGS:
        names = names[1:]
    return ".".join(names)


def _invalid_request(_: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    problems = error.errors()
    where = [_where(p["loc"]) for p in problems[:5]]
    message = "; ".join(f"{w or 'body'}: {p['msg']}" for w, p in zip(where, problems, strict=False))
    field = where[0].rpartition(".")[2] if where and where[0] else None
    return JSONResponse(error_body(message or "invalid request", None, field), status_code=400)


def _http_error(_: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, HTTPException)
    return JSONResponse(error_body(str(error.detail)), status_code=error.status_code,
                        headers=error.headers)


def _any_error(_: Request, error: Exception) -> JSONResponse:
    return response_for(error)


def install(app: FastAPI) -> None:
    """Every error becomes the one JSON shape."""
    app.add_exception_handler(RequestValidationError, _invalid_request)
    app.add_exception_handler(HTTPException, _http_error)
    # Errors of our own and of the store are answered here; anything else is a bug,
    # answered by the last resort (which also logs it).
    app.add_exception_handler(ScaletrackError, _any_error)
    app.add_exception_handler(PersistenceError, _any_error)
    app.add_exception_handler(Exception, _any_error)
