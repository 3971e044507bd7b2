"""The CLI against a server: ``--server URL`` (or SCALETRACK_SERVER) and SCALETRACK_TOKEN.

The commands that support it ask the server's API for the same document or
write they would otherwise ask the store for, and print it the same way; an
error answer becomes the error the store would have raised, so the exit code
is the same too (400 -> 2, 404 -> 3, 409 -> 4, 401/403/422 -> 1).
"""

from __future__ import annotations

import json
import os
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from scaletrack.domain.errors import (
    ConcurrentChange,
    InvalidInput,
    NotFound,
    RuleViolation,
    ScaletrackError,
)

TOKEN = "SCALETRACK_TOKEN"
TIMEOUT_SECONDS = 120


class Remote:
    """A server and the token to send it."""

    def __init__(self, url: str, token: str | None = None) -> None:
        self.url = url.rstrip("/")
        self.token = token if token is not None else os.environ.get(TOKEN, "")
        if not self.token:
            raise InvalidInput("no API token for the server",
                               hint=f"set {TOKEN} (scaletrack user token LOGIN makes one)")

    def get(self, path: str, params: dict[str, Any] | None = None) -> Any:
        return self._call("GET", path, params=_query(params or {}))

    def post(self, path: str, body: dict[str, Any]) -> Any:
        return self._call("POST", path, json=_jsonable(body))

    def upload(self, path: str, file: Path, fields: dict[str, str]) -> Any:
        """A file posted as a form; an import's 400 listing its problems is answered."""
        return self._call("POST", path, problems=True, data=fields,
                          files={"file": (file.name, file.read_bytes())})

    def _call(self, method: str, path: str, problems: bool = False, **kwargs: Any) -> Any:
        import httpx

        try:
            answer = httpx.request(method, f"{self.url}/api/v1{path}", timeout=TIMEOUT_SECONDS,
                                   headers={"Authorization": f"Bearer {self.token}"}, **kwargs)
        except httpx.HTTPError as failed:
            raise ServerUnreachable(f"the server {self.url} cannot be reached: {failed}"
                                    ) from None
        if problems and answer.status_code == 400 and '"files"' in answer.text:
            return json.loads(answer.text)
        if answer.status_code >= 400:
            raise error_of(answer.status_code, answer.text)
        # Exact figures stay exact: the document is what the store's own query gives.
        return json.loads(answer.text, parse_float=Decimal)


class ServerUnreachable(ScaletrackError):
    """The server did not answer (exit 5, like a store that cannot be reached)."""


def error_of(status: int, text: str) -> ScaletrackError:
    """The error the store would have raised, from the server's JSON error."""
    try:
        body = json.loads(text)
        message, hint, field = body["error"], body.get("hint") or "", body.get("field") or ""
    except (ValueError, KeyError, TypeError):
        message, hint, field = f"the server answered {status}", "", ""
    if status == 400:
        return InvalidInput(message, field=field, hint=hint)
    if status == 404:
        return NotFound(message, hint=hint)
    if status == 409:
        return ConcurrentChange(message, hint=hint)
    if status in (401, 403, 422, 429):
        return RuleViolation(f"http-{status}", message, hint=hint)
    return ServerUnreachable(f"the server failed ({status}): {message}", hint=hint)


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items() if v is not None}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _query(params: dict[str, Any]) -> dict[str, str]:
    return {k: str(_jsonable(v)) for k, v in params.items() if v is not None}


def remote() -> Remote | None:
    """The server the CLI was pointed at (--server or SCALETRACK_SERVER), if any."""
    from scaletrack.cli.context import session

    url = session().server
    return Remote(url) if url else None


def envelope(kwargs: dict[str, Any]) -> dict[str, Any]:
    """--occurred-on and --reason (removed from kwargs); --actor is dropped: on a server
    the signed-in account is the actor."""
    kwargs.pop("actor", None)
    return {"occurred_on": kwargs.pop("occurred_on", None), "reason": kwargs.pop("reason", None)}


def log_event(server: Remote, kind: str, pilot: str, values: dict[str, Any],
              given: dict[str, Any]) -> dict[str, Any]:
    """``log KIND PILOT``: the recorded event, as ``pilot history --json`` shows it."""
    given_values = {k: v for k, v in values.items() if v not in (None, [], ())}
    found: dict[str, Any] = server.post(f"/pilots/{pilot}/events",
                                        {"kind": kind, **given_values, **given})
    return found


def _entry(event_id: str) -> tuple[str, int]:
    from scaletrack.application.records import parse_event_id

    return parse_event_id(event_id)


def correct(server: Remote, event_id: str, changes: dict[str, Any], given: dict[str, Any]
            ) -> dict[str, Any]:
    code, version = _entry(event_id)
    found: dict[str, Any] = server.post(f"/pilots/{code}/events/{version}/corrections",
                                        {"set": changes, **given})
    return found


def retract(server: Remote, event_id: str, given: dict[str, Any]) -> dict[str, Any]:
    code, version = _entry(event_id)
    found: dict[str, Any] = server.post(f"/pilots/{code}/events/{version}/retractions", given)
    return found


def history(server: Remote, code: str, point: Any) -> list[dict[str, Any]]:
    """``pilot history CODE``: the records the server's query gives."""
    found: list[dict[str, Any]] = server.get(f"/pilots/{code}/events", _at(point))
    return found


def view(server: Remote, name: str, filters: Any, point: Any) -> dict[str, Any]:
    """A view's document, as the server's query gives it."""
    found: dict[str, Any] = server.get(f"/views/{name}", {**filters.describe(), **_at(point)})
    return found


def _at(point: Any) -> dict[str, Any]:
    return {"as_of": point.as_of, "known_at": point.known_at}


def import_file(server: Remote, path: Path, kind: str | None, dry_run: bool, dayfirst: bool,
                decimal_comma: bool) -> Any:
    """``import FILE``: the server's report on one file, as the local import gives it
    (the token's account records every row; --actor is not sent)."""
    from collections import Counter

    from scaletrack.application.importing.importer import FileReport
    from scaletrack.application.importing.rows import Problem

    fields = {"dry_run": str(dry_run).lower(), "dayfirst": str(dayfirst).lower(),
              "decimal_comma": str(decimal_comma).lower(), **({"kind": kind} if kind else {})}
    found = server.upload("/imports", path, fields)["files"][0]
    kinds = found["kinds"]
    return FileReport(found["file"], found["rows"],
                      Counter({k: c["recorded"] for k, c in kinds.items() if c["recorded"]}),
                      Counter({k: c["skipped"] for k, c in kinds.items() if c["skipped"]}),
                      found["skipped_rows"], [Problem(**p) for p in found["problems"]],
                      found["written"])
