"""One small hierarchy of errors, rooted in :class:`ScaletrackError`.

Each error knows what went wrong and what the user can do about it; the CLI
maps the classes to exit codes in one place.
"""

from __future__ import annotations


class ScaletrackError(Exception):
    """Root of every error scaletrack raises on purpose.

    ``field`` names the input the error is about, where there is one: an event's
    field (``period``, ``milestone``), an envelope field (``occurred_on``,
    ``reason``), or the noun of the aggregate when it is about the subject as a
    whole (``pilot``). An import names the column to blame from it.
    """

    def __init__(self, message: str, *, field: str = "", hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message}; {self.hint}" if self.hint else self.message


class RuleViolation(ScaletrackError):
    """A command broke a domain rule (exit 1)."""

    def __init__(self, rule: str, message: str, *, field: str = "", hint: str = "") -> None:
        super().__init__(message, field=field, hint=hint)
        self.rule = rule


class InvalidInput(ScaletrackError):
    """A value is malformed or missing (exit 2)."""


class NotFound(ScaletrackError):
    """A consortium, indicator, pilot or event does not exist (exit 3)."""


class ConcurrentChange(ScaletrackError):
    """Someone else changed the same aggregate first (exit 4)."""
