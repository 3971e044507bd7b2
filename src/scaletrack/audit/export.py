"""Exporting the event log, or a part of it, as a verifiable bundle (docs/AUDIT.md).

The whole log is streamed in chain order, a page at a time, so memory stays
flat however long it is. A filtered export still walks every event: the
bundle carries every event's digest (``chain.jsonl``) and the payloads of the
chosen ones only, so it verifies against the head digest of the whole log.
Every exported event is re-hashed on the way out; one that no longer matches
its link stops the export, so a bundle never launders a tampered store.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from scaletrack import __version__
from scaletrack.audit.bundle import BundleWriter
from scaletrack.audit.chain import (
    ALTERED,
    FORMAT,
    GENESIS,
    MISSING,
    PROGRESS_EVERY,
    SIGNATURE,
    Fault,
    Progress,
    canonical,
    document,
)
from scaletrack.audit.errors import AuditFailed
from scaletrack.audit.ports import AuditedStore, ChainStore
from scaletrack.audit.rows import Link, StoredRow, extend
from scaletrack.audit.signing import fingerprint, raw_public, sign
from scaletrack.domain.consortium import Consortium
from scaletrack.domain.pilot import Pilot

_BROKEN = "run scaletrack verify --store to see what changed"


@dataclass(frozen=True)
class Selection:
    """Which events an export carries in full; the others only by their digest."""

    pilot: str | None = None
    consortium: str | None = None
    since: date | None = None
    until: date | None = None
    """Recorded-at dates (UTC), both inclusive."""

    @property
    def filtered(self) -> bool:
        return any(v is not None for v in (self.pilot, self.consortium, self.since, self.until))

    def as_dict(self) -> dict[str, str | None]:
        return {"pilot": self.pilot, "consortium": self.consortium,
                "since": self.since.isoformat() if self.since else None,
                "until": self.until.isoformat() if self.until else None}

    def by_subject(self, kind: str, code: str, consortium: str | None) -> bool:
        if self.pilot is not None and not (kind == "pilot" and code == self.pilot):
            return False
        return self.consortium is None or consortium == self.consortium or (
            kind == "consortium" and code == self.consortium)

    def by_time(self, timestamp: str) -> bool:
        day = timestamp[:10]
        return not ((self.since and day < self.since.isoformat())
                    or (self.until and day > self.until.isoformat()))


@dataclass(frozen=True)
class _Written:
    """What the events file holds, and where the whole log ends."""

    count: int
    first: Link | None
    last: Link | None
    genesis: Link | None
    head: Link | None
    head_row: StoredRow | None


def export(ledger: AuditedStore, target: Path, selection: Selection, *, with_csv: bool = False,
           key: Ed25519PrivateKey | None = None, progress: Progress | None = None
           ) -> dict[str, Any]:
    """Write a bundle of the store's log into ``target``; returns its manifest."""
    # An unknown code is NotFound before anything is written.
    if selection.pilot is not None:
        ledger.get(Pilot, selection.pilot)
    if selection.consortium is not None:
        ledger.get(Consortium, selection.consortium)
    table = ledger.chain
    writer = BundleWriter(target, filtered=selection.filtered, with_csv=with_csv)
    try:
        written = _write_events(table, selection, writer, progress)
        manifest = _manifest(ledger, selection, written)
        if key is not None:
            manifest["signature"] = {"algorithm": "ed25519", "file": SIGNATURE,
                                     "public_key": raw_public(key.public_key()),
                                     "fingerprint": fingerprint(key.public_key())}
        data = writer.finish(manifest)
        if key is not None:
            writer.add_file(SIGNATURE, sign(key, data))
        writer.publish()
    except BaseException:
        writer.abandon()
        raise
    return manifest


def chain_in_order(table: ChainStore) -> Iterator[tuple[Link, StoredRow | None]]:
    """Every event with its link, in chain order: the chained ones, then any unchained tail.

    The tail is fixed when this starts, so an export is a snapshot of one moment.
    """
    last = table.last()
    stop = table.max_position()
    if last is not None:
        yield from table.chained(last)
    if stop is not None and (last is None or stop > last.position):
        yield from extend(last, table.rows(after=last.position if last else None, upto=stop))


def _write_events(table: ChainStore, selection: Selection, writer: BundleWriter,
                  progress: Progress | None) -> _Written:
    codes: dict[str, str] = {}
    consortia: dict[str, str] = {}
    canonical_text = _CanonicalText()
    everything = not selection.filtered
    count, first, last, genesis = 0, None, None, None
    link, row, previous = None, None, GENESIS
    for link, row in chain_in_order(table):
        if row is None:
            raise AuditFailed(Fault(MISSING, "the chain has an event the store no longer holds",
                                    link.seq, link.position), hint=_BROKEN)
        text = row.state.decode()
        state: dict[str, Any] | None = None
        if row.version == 1:
            state = json.loads(text)
            codes[row.aggregate] = str(state.get("code"))
            if row.type == "pilot.registered":
                consortia[row.aggregate] = str(state.get("consortium"))
        subject = codes.get(row.aggregate)
        if subject is None:
            raise AuditFailed(Fault(MISSING, "the first event of this event's aggregate is "
                                    "not in the store", link.seq, link.position), hint=_BROKEN)
        if everything or selection.by_subject(row.type.partition(".")[0], subject,
                                              consortia.get(row.aggregate)):
            state = json.loads(text) if state is None else state
            if everything or selection.by_time(str(state.get("timestamp"))):
                writer.add_event(link, previous, row, subject, state,
                                 canonical_text(link, row, text, state))
                first = first or link
                last = link
                count += 1
        if writer.chain is not None:
            writer.add_link(link)
        genesis = genesis or link
        previous = link.hash
        if progress and link.seq % PROGRESS_EVERY == 0:
            progress(link.seq)
    return _Written(count, first, last, genesis, link, row)


class _CanonicalText:
    """The canonical JSON of a stored state, checked against the event's digest.

    A state stored with sorted keys is canonical as it is, which its digest
    proves; then re-serialising it (most of an export's cost) is skipped. After
    a miss the stored text is not tried again for a while, so stores written
    otherwise pay almost nothing for the attempt.
    """

    RETRY_AFTER = 256

    def __init__(self) -> None:
        self.skip = 0

    def __call__(self, link: Link, row: StoredRow, text: str, state: dict[str, Any]) -> str:
        if self.skip == 0:
            if _digest(row, text) == link.digest:
                return text
            self.skip = self.RETRY_AFTER
        self.skip -= 1
        state_json = canonical(state)
        if _digest(row, state_json) != link.digest:
            raise AuditFailed(Fault(ALTERED, "the stored event no longer matches its digest "
                                    "in the chain", link.seq, link.position), hint=_BROKEN)
        return state_json


def _digest(row: StoredRow, state_json: str) -> str:
    return hashlib.sha256(document(row.aggregate, row.version, row.type, state_json)
                          ).hexdigest()


def _manifest(ledger: AuditedStore, selection: Selection, written: _Written) -> dict[str, Any]:
    head, row = written.head, written.head_row
    return {
        "format": FORMAT,
        "tool": f"scaletrack {__version__}",
        "exported_at": _now(),
        "store": {"id": written.genesis.hash if written.genesis else None,
                  "backend": ledger.store.backend, "location": ledger.store.shown},
        "filters": selection.as_dict(),
        "events": {"count": written.count,
                   "first_seq": written.first.seq if written.first else None,
                   "last_seq": written.last.seq if written.last else None,
                   "first_position": written.first.position if written.first else None,
                   "last_position": written.last.position if written.last else None},
        "head": {"count": head.seq if head else 0, "hash": head.hash if head else GENESIS,
                 "position": head.position if head else None,
                 "recorded_at": json.loads(row.state).get("timestamp") if row else None},
    }


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
