"""Signing in and out: JSON for scripts and the API, forms for the browser."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Request, Response
from fastapi.responses import RedirectResponse
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from scaletrack.application.accounts import account_summary
from scaletrack.domain.account import Account
from scaletrack.domain.errors import ScaletrackError
from scaletrack.server.auth import (
    COOKIE,
    cookie_options,
    csrf_token,
    current_account,
    sign_in,
    sign_in_token_matches,
)
from scaletrack.server.security import require_same_origin

router = APIRouter()


class Credentials(BaseModel):
    login: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=1000)


class SignedIn(BaseModel):
    login: str
    name: str
    roles: list[str]
    consortia: list[str]
    csrf_token: str


def _signed_in(account: Account, csrf: str) -> SignedIn:
    summary = account_summary(account)
    return SignedIn(login=account.login, name=account.name, roles=summary["roles"],
                    consortia=summary["consortia"], csrf_token=csrf)


@router.post("/api/v1/session", tags=["session"], response_model=SignedIn,
             dependencies=[Depends(require_same_origin)])
def open_session(credentials: Credentials, request: Request, response: Response) -> SignedIn:
    """Sign in: sets the session cookie; the CSRF token goes with every later write."""
    account, cookie, csrf = sign_in(request, credentials.login, credentials.password)
    response.set_cookie(value=cookie, **cookie_options(request))
    return _signed_in(account, csrf)


@router.get("/api/v1/session", tags=["session"], response_model=SignedIn)
def who_am_i(request: Request, account: Annotated[Account, Depends(current_account)]
             ) -> SignedIn:
    """The signed-in account (by cookie or token)."""
    return _signed_in(account, csrf_token(request))


@router.delete("/api/v1/session", tags=["session"], status_code=204,
               dependencies=[Depends(current_account)])
def close_session(request: Request) -> Response:
    """Sign out: the session cookie is removed."""
    response = Response(status_code=204)
    response.delete_cookie(COOKIE, path="/")
    return response


def _local(target: str) -> str:
    """Only a path on this site may be a redirect's target (no open redirect)."""
    return target if target.startswith("/") and not target.startswith("//") else "/"


@router.post("/sign-in", include_in_schema=False, dependencies=[Depends(require_same_origin)])
async def sign_in_form(request: Request, login: Annotated[str, Form()] = "",
                       password: Annotated[str, Form()] = "",
                       next: Annotated[str, Form()] = "/",
                       token: Annotated[str, Form(alias="csrf_token")] = "") -> Any:
    """The browser's sign-in form: back to the page asked for, or to the form again
    (with a fresh CSRF token when the form's was missing or wrong)."""
    again = f"/sign-in?next={quote(_local(next))}&failed="
    if not sign_in_token_matches(request, token):
        return RedirectResponse(again + quote(
            "the sign-in form's CSRF token is missing or wrong: sign in again on this page"),
            status_code=303)
    try:
        _, cookie, _ = await run_in_threadpool(sign_in, request, login, password)
    except ScaletrackError as refused:
        return RedirectResponse(again + quote(refused.message), status_code=303)
    response = RedirectResponse(_local(next), status_code=303)
    response.set_cookie(value=cookie, **cookie_options(request))
    return response


@router.post("/sign-out", include_in_schema=False, dependencies=[Depends(current_account)])
def sign_out_form() -> Any:
    response = RedirectResponse("/sign-in", status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response
