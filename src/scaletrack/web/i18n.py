"""The one translation layer of the web pages: gettext catalogues, numbers, dates.

Every text a page shows passes through a :class:`Language`: templates call
``_()`` / ``{% trans %}``, Python code calls ``language.gettext``. The
catalogues are gettext ``.po`` files under ``locale/<code>/LC_MESSAGES/``,
read with Babel when first needed (no compiled ``.mo`` to keep in step), so
another EU language is one more catalogue. English is complete (a test
checks every message the pages use has an English text).

Dates have one format everywhere, ISO 8601 (``2022-03-31``), which reads the
same in every EU language; moments add the time in UTC.
"""

from __future__ import annotations

import gettext as gettext_module
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import cache
from io import BytesIO
from pathlib import Path

from babel import Locale
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal

LOCALES = Path(__file__).parent / "locale"
DOMAIN = "messages"
DEFAULT = "en"


class Language:
    """One language's texts and number formats."""

    def __init__(self, code: str, translations: gettext_module.NullTranslations) -> None:
        self.code = code
        self.locale = Locale.parse(code)
        self._translations = translations

    def gettext(self, message: str) -> str:
        return self._translations.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self._translations.ngettext(singular, plural, n)

    def number(self, value: Decimal | float | int | None, unit: str | None = None) -> str:
        """A number as this language writes it, with its unit after it (empty if None)."""
        if value is None:
            return ""
        shown = format_decimal(value, format="#,##0.##", locale=self.locale)
        return f"{shown}\u00a0{unit}" if unit else shown

    def word(self, code: str | None) -> str:
        """A code of the vocabulary (a status, a stage) in words: ``not-due-yet`` reads
        "not due yet" (the code stays in the page's classes and in the JSON)."""
        return "" if not code else self.gettext(code.replace("-", " "))

    def percent(self, value: Decimal | float | int | None) -> str:
        return "" if value is None else self.number(value, "%")

    @staticmethod
    def date(value: date | str | None) -> str:
        if value is None:
            return ""
        return value if isinstance(value, str) else value.isoformat()

    @staticmethod
    def moment(value: datetime | str | None) -> str:
        """A moment in UTC to the second, e.g. ``2022-03-31 14:05:09 UTC``."""
        if value is None:
            return ""
        if isinstance(value, str):
            value = datetime.fromisoformat(value.replace("Z", "+00:00"))
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


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
