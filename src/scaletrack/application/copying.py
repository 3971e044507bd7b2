"""Moving a whole store to another backend, event for event.

The stored events are copied verbatim (aggregate ids, versions, type names
and state bytes, so every event id, both times and every hash stay the same)
in the source's global order, all in one transaction: a copy that fails
leaves the target empty. The target then numbers them 1, 2, 3... (a
PostgreSQL source may have gaps where a transaction rolled back); the order
is what matters, and it is kept. Snapshots are a cache, so the target takes
its own instead of copying them; its audit chain is linked afresh as the
events are inserted, and comes out the same because it hashes the events in
order, not their numbers.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, cast
from uuid import UUID

from eventsourcing.persistence import StoredEvent

from scaletrack.application.ledger import Ledger
from scaletrack.application.store import StoreURL
from scaletrack.domain.errors import InvalidInput, NotFound, RuleViolation
from scaletrack.persistence.recorder import ChainedRecorder

PAGE = 1000


@dataclass(frozen=True)
class CopyReport:
    source: str
    target: str
    events: int
    digest: str
    """SHA-256 over every stored event, in order: equal on both sides after a copy."""

    def as_dict(self) -> dict[str, Any]:
        return {"from": self.source, "to": self.target, "events": self.events,
                "digest": self.digest}


def copy_store(source: StoreURL, target: StoreURL) -> CopyReport:
    """Copy every event of ``source`` into the empty store ``target``, then check it."""
    if source.url == target.url:
        raise InvalidInput("the source and the target are the same store",
                           hint="give --to another store")
    if not source.exists:
        raise NotFound(f"no store at {source.shown}", hint="check --from")
    src, dst = Ledger(source), Ledger(target)
    try:
        if dst.event_count():
            raise RuleViolation("target-not-empty",
                                f"{target.shown} already holds {dst.event_count()} events",
                                hint="copy into a new, empty store")
        versions: Counter[UUID] = Counter()
        _insert_all(dst, _counted(stored_events(src), versions))
        for aggregate_id, version in versions.items():
            if version >= min(Ledger.snapshotting_intervals.values()):
                dst.take_snapshot(aggregate_id)
        copied, copy = store_digest(src), store_digest(dst)
    finally:
        src.close()
        dst.close()
    if copied != copy:
        raise RuleViolation("copy-differs", f"{target.shown} does not hold what {source.shown} "
                            "holds", hint="report this; the target was written")
    return CopyReport(source.shown, target.shown, copied[0], copied[1])


def stored_events(ledger: Ledger) -> Iterator[StoredEvent]:
    """Every stored event, as stored, in the store's global order."""
    start = 1
    while True:
        notes = ledger.recorder.select_notifications(start, PAGE)
        yield from notes
        if len(notes) < PAGE:
            return
        start = notes[-1].id + 1


def store_digest(ledger: Ledger) -> tuple[int, str]:
    """How many events a store holds, and a SHA-256 over all of them in order."""
    digest = hashlib.sha256()
    count = 0
    for event in stored_events(ledger):
        count += 1
        for part in (str(event.originator_id), str(event.originator_version), event.topic):
            digest.update(part.encode() + b"\0")
        digest.update(len(event.state).to_bytes(8, "big") + event.state)
    return count, digest.hexdigest()


def _counted(events: Iterator[StoredEvent], versions: Counter[UUID]) -> Iterator[StoredEvent]:
    """The events, noting each aggregate's last version on the way (for snapshots)."""
    for event in events:
        versions[cast(UUID, event.originator_id)] = event.originator_version
        yield event


def _pages(events: Iterator[StoredEvent]) -> Iterator[list[StoredEvent]]:
    page: list[StoredEvent] = []
    for event in events:
        page.append(event)
        if len(page) == PAGE:
            yield page
            page = []
    if page:
        yield page


def _insert_all(ledger: Ledger, events: Iterator[StoredEvent]) -> None:
    """Insert every event, and its chain link, in one transaction.

    The recorder's ``insert_events`` commits each call, so a large copy would
    either hold everything in memory or commit part of it; its ``append`` lets
    the pages share one transaction.
    """
    recorder = ledger.recorder
    assert isinstance(recorder, ChainedRecorder)
    with recorder.transaction() as cursor:
        for page in _pages(events):
            recorder.append(cursor, page, verbatim=True)
