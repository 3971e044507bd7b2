"""Who is asking: a signed session cookie or an API token, for every router.

The interface the API and the web pages (``scaletrack.web``) rely on:

- ``current_account`` (a FastAPI dependency): the signed-in ``Account``, or
  401 in the one JSON error shape. A request that changes something with a
  session cookie must carry the session's CSRF token, as the form field
  ``csrf_token`` or the header ``X-CSRF-Token`` (a token request needs none);
  otherwise 403.
- ``optional_account``: the same, or ``None`` when nobody is signed in.
- ``csrf_token(request)``: the token to put in every form of a signed-in page.
- ``sign_in_token(request)``: the sign-in form's own CSRF token (nobody is signed in
  yet, so it lives in a signed cookie of its own, sent only to ``/sign-in``), and
  ``sign_in_token_matches(request, given)``, which ``POST /sign-in`` requires.
- ``state(request)``: the server's ``ServerState`` (the ledger, the accounts).

Sign in and out are ``POST /sign-in`` (form: ``login``, ``password``,
``next``, ``csrf_token``) and ``POST /sign-out`` (form: ``csrf_token``), or ``POST`` and
``DELETE /api/v1/session`` with JSON.
"""

from __future__ import annotations

import hmac
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from fastapi import Request
from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.concurrency import run_in_threadpool

from scaletrack.application.accounts import Accounts
from scaletrack.application.ledger import Ledger
from scaletrack.application.store import StoreURL
from scaletrack.domain.account import Account
from scaletrack.server.errors import NotSignedIn, TooManyAttempts

COOKIE = "scaletrack_session"
SESSION_SECONDS = 8 * 3600
"""A session ends 8 hours after signing in (disabling the account ends it at once)."""
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
SIGN_IN_COOKIE = "scaletrack_sign_in"
"""The sign-in form's CSRF token, signed (login CSRF: another site's page cannot post
a sign-in as its own account, even where a browser sends no Origin header)."""
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

FAILED_SIGN_INS = 5
"""Failed sign-ins allowed per login, and per client, in FAILURE_WINDOW seconds."""
FAILURE_WINDOW = 15 * 60


@dataclass
class SignInLimit:
    """Counts failed sign-ins per login and per client address (in this process)."""

    allowed: int = FAILED_SIGN_INS
    window: float = FAILURE_WINDOW
    _failures: dict[str, deque[float]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def check(self, *keys: str) -> None:
        now = time.monotonic()
        with self._lock:
            for key in keys:
                recent = self._failures.get(key)
                while recent and recent[0] < now - self.window:
                    recent.popleft()
                if recent is not None and len(recent) >= self.allowed:
                    raise TooManyAttempts(
                        "too many failed sign-ins", hint=f"wait {int(self.window // 60)} "
                        "minutes, or ask an admin to check the account")

    def failed(self, *keys: str) -> None:
        with self._lock:
            for key in keys:
                self._failures.setdefault(key, deque()).append(time.monotonic())

    def succeeded(self, login_key: str) -> None:
        with self._lock:
            self._failures.pop(login_key, None)


class ServerState:
    """What one server process keeps: the ledger, the accounts, the session signer."""

    def __init__(self, store: StoreURL, *, secure_cookies: bool = False) -> None:
        self.store = store
        self.ledger = Ledger(store)
        self.accounts = Accounts(self.ledger)
        self.signer = URLSafeTimedSerializer(self.accounts.credentials.session_key(),
                                             salt="scaletrack-session")
        self.sign_in_signer = URLSafeTimedSerializer(
            self.accounts.credentials.session_key(), salt="scaletrack-sign-in")
        self.secure_cookies = secure_cookies
        self.sign_in_limit = SignInLimit()
        self.on_close: list[Callable[[], None]] = []
        """What else to close with the server (the read stores of scaletrack.server.reads)."""
        self.consortium_of: dict[str, str] = {}
        """Each pilot's consortium, as looked up once (a pilot never changes consortium)."""
        self.write_lock = threading.Lock()
        """One write at a time per process: a command changes the ledger's cached
        aggregate in place, so two threads must never run one on the same pilot."""

    def close(self) -> None:
        while self.on_close:
            self.on_close.pop()()
        self.accounts.credentials.close()
        self.ledger.close()

    def session_cookie(self, account: Account) -> tuple[str, str]:
        """A new session's cookie value and its CSRF token."""
        csrf = secrets.token_urlsafe(24)
        return self.signer.dumps({"login": account.login, "csrf": csrf}), csrf

    def session_of(self, cookie: str) -> dict[str, str] | None:
        try:
            found = self.signer.loads(cookie, max_age=SESSION_SECONDS)
        except BadSignature:
            return None
        return found if isinstance(found, dict) else None


def state(request: Request) -> ServerState:
    found = request.app.state.scaletrack
    assert isinstance(found, ServerState)
    return found


async def optional_account(request: Request) -> Account | None:
    """The signed-in account, or None; refuses a cookie write without its CSRF token."""
    if hasattr(request.state, "account"):
        known: Account | None = request.state.account
        return known
    server = state(request)
    account: Account | None = None
    authorization = request.headers.get("authorization", "")
    scheme, _, credentials = authorization.partition(" ")
    if scheme.lower() == "bearer" and credentials.strip():
        account = await run_in_threadpool(server.accounts.by_token, credentials.strip())
        if account is None:
            raise NotSignedIn("the API token is not valid (revoked, or its account disabled)",
                              hint="ask an admin for a new one: scaletrack user token LOGIN")
    elif cookie := request.cookies.get(COOKIE):
        session = server.session_of(cookie)
        if session is not None:
            account = await run_in_threadpool(server.accounts.find, session.get("login", ""))
            if account is not None and account.disabled:
                account = None
        if account is not None and session is not None and request.method not in SAFE_METHODS:
            await _require_csrf(request, session.get("csrf", ""))
        request.state.csrf = session.get("csrf", "") if account and session else ""
    request.state.account = account
    return account


async def current_account(request: Request) -> Account:
    """The signed-in account; 401 when there is none."""
    account = await optional_account(request)
    if account is None:
        raise NotSignedIn("not signed in", hint="sign in, or send Authorization: Bearer TOKEN")
    return account


def csrf_token(request: Request) -> str:
    """The CSRF token of the request's session (after ``optional_account`` ran)."""
    return str(getattr(request.state, "csrf", ""))


async def _require_csrf(request: Request, expected: str) -> None:
    from scaletrack.application.access import NotAllowed

    given = request.headers.get(CSRF_HEADER, "")
    if not given and request.headers.get("content-type", "").startswith(
            ("application/x-www-form-urlencoded", "multipart/form-data")):
        form = await request.form()
        given = str(form.get(CSRF_FIELD, ""))
    if not expected or not hmac.compare_digest(given.encode(), expected.encode()):
        raise NotAllowed("the form's CSRF token is missing or wrong",
                         hint="reload the page and submit the form again")


def _sign_in_token_of(request: Request) -> str | None:
    cookie = request.cookies.get(SIGN_IN_COOKIE)
    if not cookie:
        return None
    try:
        found = state(request).sign_in_signer.loads(cookie, max_age=SESSION_SECONDS)
    except BadSignature:
        return None
    return found if isinstance(found, str) and found else None


def sign_in_token(request: Request) -> tuple[str, str | None]:
    """The sign-in form's CSRF token, and the cookie value to set for it (None when the
    browser holds a valid one already, so two open sign-in pages both work)."""
    held = _sign_in_token_of(request)
    if held is not None:
        return held, None
    token = secrets.token_urlsafe(24)
    return token, state(request).sign_in_signer.dumps(token)


def sign_in_token_matches(request: Request, given: str) -> bool:
    expected = _sign_in_token_of(request)
    return expected is not None and hmac.compare_digest(given.encode(), expected.encode())


def sign_in_cookie_options(request: Request) -> dict[str, Any]:
    return {**cookie_options(request), "key": SIGN_IN_COOKIE, "path": "/sign-in"}


def client_key(request: Request) -> str:
    return f"client:{request.client.host if request.client else 'unknown'}"


def sign_in(request: Request, login: str, password: str) -> tuple[Account, str, str]:
    """Check a login and password against the failed sign-in limit; the account,
    its new session cookie and CSRF token."""
    server = state(request)
    login_key = f"login:{login.strip().lower()}"
    server.sign_in_limit.check(login_key, client_key(request))
    account = server.accounts.by_password(login, password)
    if account is None:
        server.sign_in_limit.failed(login_key, client_key(request))
        raise NotSignedIn("wrong login or password", hint="check both and try again")
    server.sign_in_limit.succeeded(login_key)
    cookie, csrf = server.session_cookie(account)
    return account, cookie, csrf


def cookie_options(request: Request) -> dict[str, Any]:
    return {"key": COOKIE, "httponly": True, "samesite": "strict", "path": "/",
            "max_age": SESSION_SECONDS,
            "secure": state(request).secure_cookies or request.url.scheme == "https"}
