"""The one error the audit package raises on purpose: a verification failed."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from scaletrack.audit.chain import Fault, Invalid
from scaletrack.domain.errors import ScaletrackError


class AuditFailed(ScaletrackError):
    """The log, the store or a bundle is not what its hashes say (exit 1).

    ``fault`` names the kind (altered, missing, inserted, reordered, truncated,
    manifest mismatch, bad signature) and the first bad position.
    """

    def __init__(self, fault: Fault, *, hint: str = "") -> None:
        super().__init__(str(fault), hint=hint)
        self.fault = fault


@contextmanager
def as_audit_failure() -> Iterator[None]:
    """Turn the standalone chain module's :class:`Invalid` into :class:`AuditFailed`."""
    try:
        yield
    except Invalid as invalid:
        raise AuditFailed(invalid.fault) from None
