"""What a view is asked about: the filters every view document takes.

A plain value without the database, so that whoever asks (the CLI, the HTTP
API) builds it before any view is read.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Filters:
    """Only this consortium, country (origin or target), pilot, indicator, reporting period."""

    consortium: str | None = None
    country: str | None = None
    pilot: str | None = None
    indicator: str | None = None
    period: str | None = None
    """A quarter, YYYY-QN."""

    def describe(self) -> dict[str, str]:
        return {k: v for k, v in self.__dict__.items() if v is not None}


EVERYTHING = Filters()
"""No filter: every pilot, indicator and period."""
