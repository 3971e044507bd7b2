"""Exit codes, decided in one place (documented in the README)."""

from __future__ import annotations

from scaletrack.cli.remote import ServerUnreachable
from scaletrack.domain.errors import (
    ConcurrentChange,
    InvalidInput,
    NotFound,
    RuleViolation,
    ScaletrackError,
)

OK = 0
REJECTED = 1
INVALID = 2
NOT_FOUND = 3
CONFLICT = 4
INTERNAL = 5

_CODES: list[tuple[type[ScaletrackError], int]] = [
    (ServerUnreachable, INTERNAL),
    (RuleViolation, REJECTED),
    (InvalidInput, INVALID),
    (NotFound, NOT_FOUND),
    (ConcurrentChange, CONFLICT),
]


def exit_code_for(error: BaseException) -> tuple[int, str]:
    """The exit code and the one-line message for an error."""
    if isinstance(error, RuleViolation) and error.rule == "reason-required":
        return INVALID, str(error)  # a missing --reason is missing input, like a missing --actor
    for cls, code in _CODES:
        if isinstance(error, cls):
            return code, str(error)
    if isinstance(error, ScaletrackError):
        return REJECTED, str(error)
    name = type(error).__name__
    if name == "IntegrityError":
        return CONFLICT, "someone else changed the same record at the same time; retry"
    if name in ("OperationalError", "InterfaceError", "PgOperationalError"):
        return INTERNAL, f"the store cannot be reached: {error}"
    if type(error.__cause__).__name__ == "InsufficientPrivilege":  # a PostgreSQL grant
        return REJECTED, (f"the store refused: {str(error.__cause__).splitlines()[0]}; this "
                          "role may not do that (see the deployment roles in the README)")
    first_line = str(error).splitlines()[0] if str(error) else name
    return INTERNAL, f"internal error ({name}: {first_line}); rerun with --debug for details"
