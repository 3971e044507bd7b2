"""The one translation layer of the web pages: gettext catalogues, numbers, dates.

Every text a page shows passes through a :class:`Language`: templates call
``_()`` / ``{% trans %}``, Python code calls ``language.gettext``. The
catalogues are gettext ``.po`` files under ``locale/<code>/LC_MESSAGES/``,
read with Babel when first needed (no compiled ``.mo`` to keep in step), so
another EU language is one more catalogue. English is complete (a test
checks every message the pages use has an English text). How a language
words codes, numbers and dates is the application's (``application.wording``),
shared with the CLI and the reports.
"""

from __future__ import annotations

import gettext as gettext_module
from functools import cache
from io import BytesIO
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from scaletrack.application.wording import Language

__all__ = ["DEFAULT", "DOMAIN", "LOCALES", "Language", "available", "language", "negotiate"]

LOCALES = Path(__file__).parent / "locale"
DOMAIN = "messages"
DEFAULT = "en"


def available() -> list[str]:
    """The language codes that have a catalogue."""
    return sorted(p.name for p in LOCALES.iterdir() if (p / "LC_MESSAGES" / f"{DOMAIN}.po")
                  .is_file())


@cache
def language(code: str = DEFAULT) -> Language:
    """The language for a code; unknown codes get English."""
    if code not in available():
        code = DEFAULT
    with (LOCALES / code / "LC_MESSAGES" / f"{DOMAIN}.po").open("rb") as po:
        catalog = read_po(po, locale=code)
    compiled = BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Language(code, gettext_module.GNUTranslations(compiled))


def negotiate(accept_language: str | None) -> Language:
    """The best catalogue for a browser's Accept-Language header, English otherwise."""
    codes = available()
    for part in (accept_language or "").split(","):
        tag = part.split(";")[0].strip().replace("-", "_")
        for candidate in (tag, tag.split("_")[0]):
            if candidate in codes:
                return language(candidate)
    return language(DEFAULT)
