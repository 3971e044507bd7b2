"""One small hierarchy of errors, rooted in :class:`ScaletrackError`.

Each error knows what went wrong and what the user can do about it; the CLI
maps the classes to exit codes in one place.
"""

from __future__ import annotations


class ScaletrackError(Exception):
    """Root of every error scaletrack raises on purpose."""

    def __init__(self, message: str, *, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message}; {self.hint}" if self.hint else self.message


class RuleViolation(ScaletrackError):
    """A command broke a domain rule (exit 1)."""

    def __init__(self, rule: str, message: str, *, hint: str = "") -> None:
        super().__init__(message, hint=hint)
        self.rule = rule


class InvalidInput(ScaletrackError):
    """A value is malformed or missing (exit 2)."""

    def __init__(self, message: str, *, field: str = "", hint: str = "") -> None:
        super().__init__(message, hint=hint)
        self.field = field


class NotFound(ScaletrackError):
    """A consortium, indicator, pilot or event does not exist (exit 3)."""


class ConcurrentChange(ScaletrackError):
    """Someone else changed the same aggregate first (exit 4)."""
