"""Stored events as the audit chain sees them, and the links that chain them.

Pure functions over rows, shared by the store's chain table (which writes the
links, :mod:`scaletrack.persistence.chain_table`) and the audit use cases
(which re-check them). The bytes are specified in docs/AUDIT.md and by
:mod:`scaletrack.audit.chain`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from typing import NamedTuple

from scaletrack.audit.chain import ALTERED, GENESIS, Fault, Invalid, canonical, document, link


class Link(NamedTuple):
    """One row of the chain table."""

    seq: int
    position: int
    digest: str
    hash: str


class StoredRow(NamedTuple):
    """One stored event as the chain sees it."""

    position: int
    aggregate: str
    version: int
    type: str
    state: bytes


def row_digest(row: StoredRow) -> str:
    """The digest of a stored event; an unreadable state is a fault at its position."""
    try:
        state = json.loads(row.state)
    except (ValueError, TypeError):
        raise Invalid(Fault(ALTERED, "the stored state is not JSON", None, row.position)
                      ) from None
    return hashlib.sha256(document(row.aggregate, row.version, row.type, canonical(state))
                          ).hexdigest()


def extend(last: Link | None, rows: Iterator[StoredRow],
           digest_of: Callable[[StoredRow], str] = row_digest
           ) -> Iterator[tuple[Link, StoredRow]]:
    """The links that chain ``rows`` after ``last``."""
    seq, previous = (last.seq, last.hash) if last else (0, GENESIS)
    for row in rows:
        seq += 1
        digest = digest_of(row)
        previous = link(previous, digest)
        yield Link(seq, row.position, digest, previous), row
