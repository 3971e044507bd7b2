"""What every page shares: who is asking, what they may see, which point in time, errors.

A page handler receives a :class:`Page` (the ``Viewer`` dependency): the
signed-in account (or a redirect to the sign-in form), the point in time the
URL names, and ``page.allows(action, resource)``, which is the server's one
``can`` check. Templates get booleans from it, never decide a permission.
Errors of the use cases become HTML pages with the API's status codes.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Coroutine
from dataclasses import dataclass, field
from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import Depends, Request, Response
from fastapi.responses import RedirectResponse
from fastapi.routing import APIRoute

from scaletrack.application.access import ANYTHING, Action, NotAllowed, Resource, can, require
from scaletrack.application.ledger import Ledger
from scaletrack.application.timetravel import PointInTime, parse_date, parse_moment
from scaletrack.domain.account import Account, Role
from scaletrack.domain.errors import InvalidInput, ScaletrackError
from scaletrack.server.auth import ServerState, csrf_token, optional_account, state
from scaletrack.server.errors import NotSignedIn, status_for
from scaletrack.web.i18n import Language
from scaletrack.web.rendering import page_language, render

POINT_PARAMETERS = ("as_of", "known_at")


class PageRoute(APIRoute):
    """A page's route: a use case's error answers as an HTML page, not the API's JSON."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def page_handler(request: Request) -> Response:
            try:
                return await handler(request)
            except ScaletrackError as error:
                return error_page(request, error)

        return page_handler


def error_page(request: Request, error: ScaletrackError) -> Response:
    if isinstance(error, NotSignedIn) and request.method == "GET":
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/sign-in?next={quote(target)}", status_code=303)
    _ = page_language(request).gettext
    titles = {400: _("Invalid input"), 401: _("Not signed in"), 403: _("Not allowed"),
              404: _("Not found"), 409: _("Changed meanwhile"), 422: _("Refused"),
              429: _("Too many attempts")}
    status = status_for(error)
    account = getattr(request.state, "account", None)
    return render(request, "error.html", status_code=status,
                  title=titles.get(status, _("Refused")), message=error.message,
                  hint=error.hint, account=shown_account(account, page_language(request))
                  if account is not None else None)


def shown_account(account: Account, language: Language) -> dict[str, str]:
    """The signed-in person as the page's header shows them: name and roles."""
    _ = language.gettext
    roles = {Role.ADMIN: _("admin"), Role.LEAD: _("lead"), Role.OFFICER: _("officer"),
             Role.EVALUATOR: _("evaluator"), Role.AUDITOR: _("auditor")}
    held = [label for role, label in roles.items() if account.holds(role)]
    return {"name": account.name, "login": account.login, "role_label": ", ".join(held)}


@dataclass(frozen=True)
class Point:
    """The point in time a page's URL names, as typed and as understood."""

    at: PointInTime
    as_of: str | None
    known_at: str | None
    digest: str | None = None
    keep: list[tuple[str, str]] = field(default_factory=list)
    """Other query parameters the point-in-time form carries along (filters)."""
    path: str = "/"

    @property
    def is_now(self) -> bool:
        return self.at.is_now

    @property
    def digest_shown(self) -> str | None:
        """The digest line after its label (which says "digest" already); what is left
        still reads back in ``verify --against``."""
        return self.digest.removeprefix("scaletrack digest: ") if self.digest else None

    @property
    def known_at_shown(self) -> str | None:
        return Language.moment(self.at.known_at) if self.at.known_at else None

    @property
    def now_href(self) -> str:
        return self.path + (f"?{urlencode(self.keep)}" if self.keep else "")

    def query(self) -> str:
        """The point as URL query parameters (empty now), for links that keep it."""
        chosen = [(n, v) for n, v in (("as_of", self.as_of), ("known_at", self.known_at)) if v]
        return urlencode(chosen)


def point_in_time(as_of: str | None, known_at: str | None) -> PointInTime:
    """The point a date and a moment name (either may be blank); InvalidInput if malformed."""
    return PointInTime(as_of=parse_date(as_of) if as_of else None,
                       known_at=parse_moment(known_at) if known_at else None)


def point_of(request: Request) -> Point:
    """The point in time of the request's ``as_of`` / ``known_at``."""
    as_of = request.query_params.get("as_of") or None
    known_at = request.query_params.get("known_at") or None
    at = point_in_time(as_of, known_at)
    keep = [(k, v) for k, v in request.query_params.multi_items() if k not in POINT_PARAMETERS]
    return Point(at, as_of, known_at, keep=keep, path=request.url.path)


@dataclass
class Page:
    """One request to a page: the server, the account, the point, the language."""

    request: Request
    server: ServerState
    account: Account
    point: Point
    language: Language
    messages: list[dict[str, str]] = field(default_factory=list)

    @property
    def ledger(self) -> Ledger:
        return self.server.ledger

    def allows(self, action: Action, resource: Resource = ANYTHING) -> bool:
        return can(self.account, action, resource)

    def require(self, action: Action, resource: Resource = ANYTHING) -> None:
        require(self.account, action, resource)

    def require_point(self) -> None:
        """Reading at a point in time is a permission of its own (leads read now only)."""
        if not self.point.is_now:
            self.require(Action.READ_AT_POINT)

    def require_known_query(self, known: Collection[str]) -> None:
        """A query parameter the page does not take is refused (a typo would otherwise
        show another answer than the one asked for, silently)."""
        unknown = sorted(set(self.request.query_params) - set(known))
        if unknown:
            _ = self.language.gettext
            raise InvalidInput(_("this page takes no query parameter %(names)s")
                               % {"names": ", ".join(unknown)},
                               field=unknown[0], hint=_("it takes %(names)s")
                               % {"names": ", ".join(known)})

    def link(self, path: str, **parameters: Any) -> str:
        """A link to another page at this page's point in time."""
        chosen = [(k, str(v)) for k, v in parameters.items() if v not in (None, "")]
        chosen += [(n, v) for n, v in (("as_of", self.point.as_of),
                                       ("known_at", self.point.known_at)) if v]
        return path + (f"?{urlencode(chosen)}" if chosen else "")

    def render(self, template: str, status_code: int = 200, *, digest: str | None = None,
               timeless: bool = False, **context: Any) -> Response:
        """The page; ``timeless`` pages (forms, audit) show no point-in-time panel."""
        point = self.point if not timeless and (self.allows(Action.READ_AT_POINT)
                                                or not self.point.is_now) else None
        if point is not None and digest is not None:
            point = Point(point.at, point.as_of, point.known_at, digest, point.keep, point.path)
        return render(self.request, template, status_code,
                      account=shown_account(self.account, self.language), nav=self.nav(),
                      point=point, messages=self.messages, page=self, **context)

    def nav(self) -> list[dict[str, Any]]:
        _ = self.language.gettext
        items = [("/", _("Portfolio"), Action.READ), ("/centres", _("Centres"), Action.READ),
                 ("/periods", _("Period reports"), Action.READ),
                 ("/import", _("Import"), Action.IMPORT), ("/audit", _("Audit"), Action.EXPORT)]
        here = self.request.url.path
        return [{"href": self.link(href) if action is Action.READ else href, "label": label,
                 "current": here == href or (href != "/" and here.startswith(href))}
                for href, label, action in items if self.allows(action)]


async def viewer(request: Request,
                 account: Annotated[Account | None, Depends(optional_account)]) -> Page:
    """The page's context; a visitor who is not signed in is sent to the sign-in form."""
    if account is None:
        raise NotSignedIn("not signed in", hint="sign in first")
    request.state.csrf_token = csrf_token(request)
    page = Page(request, state(request), account, point_of(request), page_language(request))
    page.require(Action.READ)
    return page


Viewer = Annotated[Page, Depends(viewer)]

__all__ = ["NotAllowed", "Page", "PageRoute", "Point", "Viewer", "error_page", "point_of"]
