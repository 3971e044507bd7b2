"""Vocabulary codes, numbers and dates as a person reads them, in one language.

A :class:`Language` holds one language's texts (gettext translations) and
number formats; every renderer words codes and figures through one, so the
web pages, the CLI's tables and the reports say the same thing the same
way. The web pages load their catalogues (``scaletrack.web.i18n``); the CLI
and the reports read English, whose texts are the messages themselves
(:data:`ENGLISH`).

Dates have one format everywhere, ISO 8601 (``2022-03-31``), which reads the
same in every EU language; moments add the time in UTC.
"""

from __future__ import annotations

import gettext as gettext_module
from datetime import UTC, date, datetime
from decimal import Decimal

from babel import Locale
from babel.numbers import format_decimal

ACRONYMS = {"hr": "HR", "isced": "ISCED"}
"""Words of a code that read as capitals (``hr-process-changed``: "HR process changed")."""


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
        "not due yet", ``hr-process-changed`` "HR process changed" (the code stays in the
        page's classes and in the JSON)."""
        if not code:
            return ""
        words = [ACRONYMS.get(word, word) for word in code.split("-")]
        return self.gettext(" ".join(words))

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


ENGLISH = Language("en", gettext_module.NullTranslations())
"""English, for the CLI and the reports: its texts are the messages themselves."""
