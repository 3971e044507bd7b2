"""The JSON API under /api/v1: every command and query of the CLI, for the signed-in account."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request

from scaletrack.application.access import Action, require
from scaletrack.application.accounts import account_summary
from scaletrack.domain.account import Account
from scaletrack.server.auth import current_account, state
from scaletrack.server.errors import ERROR_SCHEMA
from scaletrack.server.query import KnownQueryRoute

ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"description": meaning, "content": {"application/json": {"schema": ERROR_SCHEMA}}}
    for status, meaning in [(400, "invalid input"), (401, "not signed in"),
                            (403, "not allowed"), (404, "not found"),
                            (409, "concurrent change"), (422, "refused by a domain rule")]
}

router = APIRouter(prefix="/api/v1", route_class=KnownQueryRoute, responses=ERRORS)
Signed = Annotated[Account, Depends(current_account)]


@router.get("/users", tags=["accounts"])
def users(request: Request, account: Signed) -> list[dict[str, Any]]:
    """Every account, as `user list --json` (admins only)."""
    require(account, Action.MANAGE_ACCOUNTS)
    return [account_summary(a) for a in state(request).accounts.all()]
