"""What the audit commands ask for: a head digest, a checked bundle, a checked store."""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from scaletrack.audit.chain import (
    ALTERED,
    GENESIS,
    Against,
    Fault,
    Head,
    Invalid,
    Progress,
    Report,
    verify_bundle,
)
from scaletrack.audit.errors import as_audit_failure
from scaletrack.audit.ports import AuditedStore
from scaletrack.audit.rows import Link, StoredRow, extend
from scaletrack.audit.signing import check_signature, load_public
from scaletrack.audit.store_check import StoreReport, check_store
from scaletrack.domain.consortium import Consortium
from scaletrack.domain.errors import InvalidInput, NotFound
from scaletrack.domain.indicator import Indicator
from scaletrack.domain.organisation import Organisation
from scaletrack.domain.pilot import Pilot


@dataclass(frozen=True)
class HeadDigest:
    """The head of a store's log at one moment, as a lead pastes it into a report."""

    head: Head
    position: int | None
    recorded_at: str | None
    """When the head event was recorded."""
    taken_at: str
    store: str

    @property
    def line(self) -> str:
        return self.head.line(self.taken_at)

    def as_dict(self) -> dict[str, Any]:
        return {"count": self.head.count, "hash": self.head.hash, "position": self.position,
                "recorded_at": self.recorded_at, "taken_at": self.taken_at,
                "store": self.store, "line": self.line}


def head_digest(ledger: AuditedStore) -> HeadDigest:
    """The current head: the chain's last link, and any events after it chained in memory."""
    table = ledger.chain
    with as_audit_failure():
        last = table.last()
        count, hash_, head_row = 0, GENESIS, None
        if last is not None:
            count, hash_ = last.seq, last.hash
            head_row = next(table.rows(after=last.position - 1, upto=last.position), None)
        for link, row in extend(last, table.rows(after=last.position if last else None)):
            count, hash_, head_row = link.seq, link.hash, row
    recorded_at = json.loads(head_row.state).get("timestamp") if head_row else None
    return HeadDigest(Head(count, hash_), head_row.position if head_row else None, recorded_at,
                      datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
                      ledger.store.shown)


def head_known_at(ledger: AuditedStore, known_at: datetime) -> HeadDigest:
    """The head as the store stood at a moment: its events recorded by then.

    The store keeps events in the order they were recorded, so those are a
    prefix of the chain; its last link is the head at that moment.
    """
    table = ledger.chain
    found: tuple[Link, StoredRow] | None = None
    with as_audit_failure():
        last = table.last()
        chained = table.chained(last) if last else iter(())
        tail = extend(last, table.rows(after=last.position if last else None))
        for link, row in itertools.chain(chained, tail):
            if row is None or _recorded_at(row) > known_at:
                break
            found = (link, row)
    head = Head(found[0].seq, found[0].hash) if found else Head(0, GENESIS)
    return HeadDigest(head, found[1].position if found else None,
                      json.loads(found[1].state).get("timestamp") if found else None,
                      known_at.isoformat(timespec="seconds").replace("+00:00", "Z"),
                      ledger.store.shown)


def _recorded_at(row: StoredRow) -> datetime:
    stamp = json.loads(row.state)["timestamp"]
    moment = datetime.fromisoformat(str(stamp).replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def older_log(reference: str | None) -> Against | None:
    """The older log a manifest, bundle or digest line describes (``--against``)."""
    if reference is None:
        return None
    try:
        return Against.read(reference)
    except (ValueError, OSError) as error:
        raise InvalidInput(f"--against: {error}",
                           hint="give a manifest.json, a bundle folder or a digest line"
                           ) from None


def verify_bundle_folder(bundle: Path, against: str | None = None, pubkey: Path | None = None,
                         progress: Progress | None = None) -> Report:
    """Check a bundle offline; the signature first, when a public key is given."""
    if not bundle.is_dir():
        raise NotFound(f"no bundle folder {bundle}")
    older = older_log(against)
    key = load_public(pubkey) if pubkey is not None else None
    with as_audit_failure():
        if key is not None:
            check_signature(bundle, key)
        return verify_bundle(bundle, older, progress)


def verify_store(ledger: AuditedStore, against: str | None = None,
                 progress: Progress | None = None) -> StoreReport:
    """Check the live store's events against its own chain (and an older digest), then
    every sealed snapshot against the events before it."""
    older = older_log(against)
    with as_audit_failure():
        report = check_store(ledger.chain, older, progress)
        for stale in ledger.stale_snapshots():
            raise Invalid(Fault(ALTERED, f"the snapshot of {_named(stale.aggregate)} at "
                                f"version {stale.version} is wrong: {stale.detail}",
                                stale.link.seq if stale.link else None,
                                stale.link.position if stale.link else None))
    return report


def _named(aggregate: Any) -> str:
    for noun, cls in (("pilot", Pilot), ("consortium", Consortium), ("indicator", Indicator),
                      ("organisation", Organisation)):
        if isinstance(aggregate, cls):
            return f"{noun} {aggregate.code}"
    return f"aggregate {getattr(aggregate, 'id', '?')}"
