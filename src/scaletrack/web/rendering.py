"""Rendering pages: one Jinja2 environment, the translation layer and the shared context.

Handlers decide what a page shows (and, through the server's ``can``, what the
account may see); templates only lay it out. Every template gets the page's
language (``_``, ``gettext``, ``ngettext``, ``language.number`` and dates),
``static()`` for the package's own files and ``csrf_field()`` for forms.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape

from scaletrack.web.i18n import Language, negotiate

TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"
CSRF_FIELD = "csrf_token"


@cache
def environment() -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(),
                      extensions=["jinja2.ext.i18n"], trim_blocks=True, lstrip_blocks=True)
    env.newstyle_gettext = True  # type: ignore[attr-defined]  # _("%(n)s", n=...) escapes n
    env.globals["static"] = static_url
    env.filters["shown"] = shown
    return env


def shown(value: Any) -> str:
    """A document's value as a person reads it: lists joined, maps as "key value"."""
    if value is None:
        return ""
    if isinstance(value, dict):
        return ", ".join(f"{k} {shown(v)}" for k, v in value.items())
    if isinstance(value, list | tuple):
        return ", ".join(shown(v) for v in value)
    return str(value)


@cache
def static_url(name: str) -> str:
    """A file of the package's static folder, addressed on this server, with a version
    that changes with its content (so browsers may cache it for long)."""
    digest = hashlib.sha256((STATIC / name).read_bytes()).hexdigest()[:12]
    return f"/static/{name}?v={digest}"


def page_language(request: Request) -> Language:
    return negotiate(request.headers.get("accept-language"))


def render(request: Request, template: str, status_code: int = 200,
           **context: Any) -> HTMLResponse:
    language = page_language(request)
    token = getattr(request.state, CSRF_FIELD, None)

    def csrf_field() -> Markup:
        if token is None:
            return Markup("")
        return Markup('<input type="hidden" name="{}" value="{}">').format(
            CSRF_FIELD, escape(token))

    context.setdefault("nav", [])
    context.setdefault("account", None)
    context.setdefault("messages", [])
    def gettext(message: str, **variables: Any) -> str:
        text = Markup(language.gettext(message))
        return text % variables if variables else text

    def ngettext(singular: str, plural: str, n: int, **variables: Any) -> str:
        text = Markup(language.ngettext(singular, plural, n))
        return text % {"num": n, **variables}

    html = environment().get_template(template).render(
        request=request, language=language, gettext=gettext, ngettext=ngettext,
        csrf_field=csrf_field, **context)
    return HTMLResponse(html, status_code=status_code)
