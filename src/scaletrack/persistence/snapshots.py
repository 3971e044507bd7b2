"""Snapshots sealed to the audit chain: used only when the chain covers them.

A snapshot of an aggregate at version N is a cache of what its first N
events give. When it is stored, its recorder looks up the chain link of
event N in the same transaction and keeps, beside the snapshot, that link's
hash and a *seal*: SHA-256 over the hash's 32 bytes followed by the
snapshot's stored bytes. Loading an aggregate uses the newest snapshot whose
seal is right and whose link is still the chain's; any other snapshot (edited
in the database, of another history, or an older one stored before snapshots
were sealed) is passed over, and the aggregate is replayed from its events
instead. A command is never decided on a snapshot the chain does not cover.

The seal catches a snapshot changed by hand or by accident; someone who
recomputes it on purpose is caught by ``verify --store``, which replays every
sealed snapshot's events and compares (:meth:`SealedSnapshots.stale`).
"""

from __future__ import annotations

import hashlib
import json
import logging
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Sequence
from itertools import islice
from typing import Any, NamedTuple
from uuid import UUID

from eventsourcing.domain import DomainEventProtocol
from eventsourcing.persistence import AggregateRecorder, EventStore, StoredEvent

from scaletrack.audit.ports import StaleSnapshot
from scaletrack.audit.rows import Link
from scaletrack.persistence.chain_table import ChainTable, Dialect, as_bytes

TABLE = "snapshot_seals"
PAGE = 20

_log = logging.getLogger(__name__)


def seal(chain_hash: str, state: bytes) -> str:
    """What seals a snapshot's stored bytes to the chain hash of its last event."""
    return hashlib.sha256(bytes.fromhex(chain_hash) + state).hexdigest()


class Sealed(NamedTuple):
    """A stored snapshot with what it was sealed with, and its event's link now."""

    snapshot: StoredEvent
    chain_hash: str | None
    seal: str | None
    link: Link | None

    @property
    def covered(self) -> bool:
        """Whether the seal is right and its link is still the chain's."""
        return (self.chain_hash is not None and self.link is not None
                and self.link.hash == self.chain_hash
                and self.seal == seal(self.chain_hash, as_bytes(self.snapshot.state)))


class SnapshotRecorder(AggregateRecorder, ABC):
    """What the backends' snapshot recorders add to eventsourcing's: seals."""

    chain: ChainTable
    dialect: Dialect
    snapshots_table: str

    def seal_in(self, cursor: Any, snapshots: Sequence[StoredEvent]) -> None:
        """Seal snapshots just inserted, in their transaction."""
        if not self.has_seals(cursor):
            _log.warning("snapshots not sealed (no %s table: run scaletrack init as the "
                         "store's owner); they are not used until they are", TABLE)
            return
        rows = []
        for snapshot in snapshots:
            link = self.chain.link_of(cursor, snapshot.originator_id,
                                      snapshot.originator_version)
            if link is not None:  # no link: not an event of this store, never used
                rows.append((self.dialect.stored_id(snapshot.originator_id),
                             snapshot.originator_version, link.hash,
                             seal(link.hash, as_bytes(snapshot.state))))
        if rows:
            self.dialect.tuples(cursor).executemany(self.dialect.sql(
                f"INSERT INTO {self.seals} (originator_id, originator_version, chain_hash, "
                "seal) VALUES (?, ?, ?, ?)"), rows)

    def sealed(self, originator_id: Any, lte: int | None = None, *, limit: int = PAGE
               ) -> list[Sealed]:
        """Sealed snapshots of an aggregate, newest first, with their seals and the
        links of their events now."""
        bound = "" if lte is None else " AND s.originator_version <= ?"
        with self.dialect.read() as cursor:
            cursor.execute(self.dialect.sql(
                "SELECT s.originator_id, s.originator_version, s.topic, s.state, x.chain_hash, "
                "x.seal, c.seq, c.position, c.digest, c.hash "
                f"FROM {self.snapshots_table} s JOIN {self.seals} x "
                "ON x.originator_id = s.originator_id "
                "AND x.originator_version = s.originator_version "
                "LEFT JOIN {events} e ON e.originator_id = s.originator_id "
                "AND e.originator_version = s.originator_version "
                "LEFT JOIN {chain} c ON c.position = e.{position} "
                "WHERE s.originator_id = ?" + bound +
                " ORDER BY s.originator_version DESC LIMIT ?"),
                (self.dialect.stored_id(originator_id),
                 *(() if lte is None else (lte,)), limit))
            rows = cursor.fetchall()
        return [Sealed(StoredEvent(self.originator_id(aggregate_id), version, topic,
                                   as_bytes(state)),
                       chain_hash, seal_, None if seq is None else
                       Link(seq, position, digest, hash_))
                for aggregate_id, version, topic, state, chain_hash, seal_, seq, position,
                digest, hash_ in rows]

    def snapshotted(self) -> Iterator[tuple[Any, list[int]]]:
        """Every aggregate with stored snapshots, and their versions."""
        with self.dialect.read() as cursor:
            cursor.execute(f"SELECT originator_id, originator_version FROM "
                           f"{self.snapshots_table} ORDER BY originator_id, "
                           "originator_version")
            rows = cursor.fetchall()
        versions: dict[Any, list[int]] = {}
        for aggregate_id, version in rows:
            versions.setdefault(aggregate_id, []).append(version)
        for aggregate_id, found in versions.items():
            yield self.originator_id(aggregate_id), found

    @property
    def seals(self) -> str:
        return self.dialect.qualified(TABLE)

    @abstractmethod
    def create_table(self) -> None:
        """Create the snapshots' and the seals' tables if they are missing."""

    @abstractmethod
    def has_seals(self, cursor: Any) -> bool:
        """Whether the seals table exists (an older store, before ``init`` upgraded it)."""

    @abstractmethod
    def originator_id(self, stored: Any) -> Any:
        """An aggregate id as read from the table."""


class SealedSnapshots(EventStore[UUID]):
    """The snapshot store: hands out only snapshots the chain covers."""

    def __init__(self, mapper: Any, recorder: SnapshotRecorder) -> None:
        super().__init__(mapper, recorder)
        self.sealing = recorder

    def get(self, originator_id: UUID, *, gt: int | None = None, lte: int | None = None,
            desc: bool = False, limit: int | None = None
            ) -> Iterator[DomainEventProtocol[UUID]]:
        """The covered snapshots (an aggregate's load asks for the newest one)."""
        newest_first = self._covered(originator_id, gt, lte)
        if desc:
            chosen: Iterable[StoredEvent] = islice(newest_first, limit)
        else:
            chosen = list(newest_first)[::-1][:limit]
        return map(self.mapper.to_domain_event, chosen)

    def _covered(self, originator_id: UUID, gt: int | None, lte: int | None
                 ) -> Iterator[StoredEvent]:
        while True:
            page = self.sealing.sealed(originator_id, lte)
            for row in page:
                if gt is not None and row.snapshot.originator_version <= gt:
                    return
                if row.covered:
                    yield row.snapshot
            if len(page) < PAGE:
                return
            lte = page[-1].snapshot.originator_version - 1

    def stale(self, events: EventStore[UUID]) -> Iterator[StaleSnapshot]:
        """Every sealed snapshot that its seal or its events do not bear out.

        Each snapshotted aggregate is replayed once from its first event; at each
        sealed snapshot's version the state so far is compared with the stored one.
        Snapshots never sealed are never used, so not checked.
        """
        for aggregate_id, versions in self.sealing.snapshotted():
            sealed = {row.snapshot.originator_version: row
                      for row in self.sealing.sealed(aggregate_id, limit=len(versions))}
            if not sealed:
                continue
            aggregate: Any = None
            upto = max(sealed)
            for event in events.get(aggregate_id, lte=upto):
                aggregate = event.mutate(aggregate)  # type: ignore[attr-defined]
                row = sealed.get(event.originator_version)
                if row is None:
                    continue
                detail = self._differs(row, aggregate)
                if detail:
                    yield StaleSnapshot(aggregate, event.originator_version, row.link, detail)

    def _differs(self, row: Sealed, aggregate: Any) -> str | None:
        """Why a sealed snapshot is not what the events give, if it is not."""
        if not row.covered:
            return "its seal does not match it or the chain"
        try:
            stored = self.mapper.to_domain_event(row.snapshot)
        except Exception:  # a snapshot that no longer decodes is as good as altered
            return "it cannot be read"
        taken = type(aggregate).Snapshot.take(aggregate)
        if self._plain(stored) != self._plain(taken):
            return "it is not the state its events give"
        return None

    def _plain(self, snapshot: Any) -> Any:
        return (snapshot.topic, json.loads(self.mapper.transcoder.encode(snapshot.state)))
