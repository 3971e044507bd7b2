"""Checking the live store against its own chain (``scaletrack verify --store``).

The stored events (in position order) and the chain's links (in chain order)
are walked side by side, re-hashing every event. The first disagreement is
explained from one step of look-ahead on each side: an event the chain has
but the store lost is *missing*, a row the chain never saw is *inserted*, an
event found at another place in the chain is *reordered*, anything else is
*altered*. Events stored after the last link are chained in memory, as the
next catch-up would chain them, so a lagging table is never a fault.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from scaletrack.audit.chain import (
    ALTERED,
    GENESIS,
    INSERTED,
    MISSING,
    PROGRESS_EVERY,
    REORDERED,
    Against,
    Fault,
    Invalid,
    Progress,
    link,
)
from scaletrack.audit.ports import ChainStore
from scaletrack.audit.rows import Link, StoredRow, row_digest

T = TypeVar("T")


@dataclass(frozen=True)
class StoreReport:
    """A store that matches its chain."""

    count: int
    head: str
    chained: int
    """Events the chain table held; the rest were chained in memory for this check."""
    against: Against | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"valid": True, "count": self.count, "head": self.head, "chained": self.chained,
                "against": self.against.head.__dict__ if self.against else None}


class _Ahead(Generic[T]):
    """An iterator that can look a few items ahead."""

    def __init__(self, items: Iterator[T]) -> None:
        self.items = items
        self.buffer: deque[T] = deque()

    def peek(self, ahead: int = 0) -> T | None:
        while len(self.buffer) <= ahead:
            item = next(self.items, None)
            if item is None:
                return None
            self.buffer.append(item)
        return self.buffer[ahead]

    def pop(self) -> T | None:
        return self.buffer.popleft() if self.buffer or self.peek() is not None else None


class _Digests:
    """Digests of the rows in the look-ahead, each computed once."""

    def __init__(self) -> None:
        self.known: dict[int, str] = {}

    def of(self, row: StoredRow | None) -> str | None:
        if row is None:
            return None
        digest = self.known.get(row.position)
        if digest is None:
            try:
                digest = row_digest(row)
            except Invalid:
                digest = "unreadable"
            self.known[row.position] = digest
        return digest

    def forget(self, row: StoredRow) -> None:
        self.known.pop(row.position, None)


def check_store(table: ChainStore, against: Against | None = None,
                progress: Progress | None = None) -> StoreReport:
    """Raise :class:`Invalid` at the first event that does not match the chain."""
    links, rows, digests = _Ahead(table.links()), _Ahead(table.rows()), _Digests()
    seq, previous = 0, GENESIS
    while (chained := links.peek()) is not None:
        row = rows.peek()
        if row is None:
            raise Invalid(Fault(MISSING, "the store ends before the chain does", chained.seq,
                                chained.position))
        digest = digests.of(row)
        if digest != chained.digest:
            _explain(table, chained, row, links, rows, digests)
        assert digest is not None
        previous = _follow(chained, seq, previous, digest)
        seq = chained.seq
        if against is not None:
            against.check(seq, previous, row.position)
        links.pop()
        digests.forget(row)
        rows.pop()
        if progress and seq % PROGRESS_EVERY == 0:
            progress(seq)
    chained_count = seq
    while (row := rows.pop()) is not None:
        seq += 1
        previous = link(previous, digests.of(row) or "")
        digests.forget(row)
        if against is not None:
            against.check(seq, previous, row.position)
    if against is not None:
        against.finish(seq)
    return StoreReport(count=seq, head=previous, chained=chained_count, against=against)


def _follow(chained: Link, seq: int, previous: str, digest: str) -> str:
    """The next hash, after checking the chain table's own row is what it should be."""
    if chained.seq != seq + 1:
        raise Invalid(Fault(ALTERED, f"the chain table jumps from event {seq} to "
                            f"{chained.seq}", seq + 1, chained.position))
    expected = link(previous, digest)
    if chained.hash != expected:
        raise Invalid(Fault(ALTERED, "the chain table's hash here is not the one its "
                            "events give", chained.seq, chained.position))
    return expected


def _explain(table: ChainStore, chained: Link, row: StoredRow, links: _Ahead[Link],
             rows: _Ahead[StoredRow], digests: _Digests) -> None:
    """Raise the fault that best explains why ``row`` is not ``chained``, the next link."""
    digest = digests.of(row)
    next_link, next_digest = links.peek(1), digests.of(rows.peek(1))
    if next_link is not None and next_digest == chained.digest and digest == next_link.digest:
        raise Invalid(Fault(REORDERED, f"this event and the next (position "
                            f"{next_link.position}) have changed places", chained.seq,
                            row.position))
    if next_digest == chained.digest:
        raise Invalid(Fault(INSERTED, "this event is not in the chain", None, row.position))
    if next_link is not None and digest == next_link.digest:
        raise Invalid(Fault(MISSING, "the store no longer holds this event", chained.seq,
                            chained.position))
    elsewhere = table.find(digest) if digest else None
    if elsewhere is not None:
        raise Invalid(Fault(REORDERED, f"this event belongs at position {elsewhere.position} "
                            f"(event {elsewhere.seq} of the chain)", chained.seq,
                            row.position))
    if row.position < chained.position:
        raise Invalid(Fault(INSERTED, "this event is not in the chain", None, row.position))
    if row.position > chained.position:
        raise Invalid(Fault(MISSING, "the store no longer holds this event", chained.seq,
                            chained.position))
    raise Invalid(Fault(ALTERED, "the stored event does not match its digest in the chain",
                        chained.seq, row.position))
