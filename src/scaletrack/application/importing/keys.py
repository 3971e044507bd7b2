"""Idempotency keys: a row's own key, or one derived from its content; and the keys
a store already holds.

A row without a ``key`` cell is keyed by a hash of what it says (kind,
subject, checked fields, occurred-on), so the same fact written as 60 or 60.0,
in CSV or XLSX, has one key. Identical rows are counted (K, K#2, ...), so a
file that really holds a row twice records it twice, and never again. Events
recorded without a key (``scaletrack log``) count under the key of their
content.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from datetime import date
from decimal import Decimal
from enum import Enum
from typing import Any
from uuid import UUID

from scaletrack.application.importing.row_kinds import IMPORT_KIND_OF_TYPE, ImportKind
from scaletrack.application.ledger import Ledger
from scaletrack.domain.envelope import Recorded

_DERIVED = "row-"


def _canonical(value: Any) -> Any:
    """Equal facts, equal form: 60, 60.0 and 6E+1 are one number."""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"cannot hash {type(value).__name__}")


def _empty(value: Any) -> bool:
    return value is None or value == [] or value == {} or value == ()


def content_key(kind: ImportKind, subject: str, values: dict[str, Any], occurred_on: date
                ) -> str:
    """The idempotency key of a row without one: a hash of what it says (empty is absent)."""
    given = {k: v for k, v in values.items() if not _empty(v)}
    content = json.dumps([kind.name, subject, occurred_on.isoformat(), given], sort_keys=True,
                         separators=(",", ":"), ensure_ascii=False, default=_canonical)
    return _DERIVED + hashlib.sha256(content.encode()).hexdigest()[:24]


def checked(kind: ImportKind, values: dict[str, Any]) -> dict[str, Any]:
    """A row's values through its kind's checks (raises pydantic's ValidationError)."""
    given = {k: v for k, v in values.items() if not _empty(v)}
    return dict(vars(kind.model.model_validate(given)))


class Copies:
    """Counts identical rows: the first has its content key K, the second K#2, and so on."""

    def __init__(self) -> None:
        self._counts: Counter[str] = Counter()

    def key(self, content: str) -> str:
        self._counts[content] += 1
        count = self._counts[content]
        return content if count == 1 else f"{content}#{count}"

    def saw(self, key: str) -> None:
        """A key already recorded: a later copy of its content counts after it."""
        if key.startswith(_DERIVED):
            self._counts[key.partition("#")[0]] += 1


class RecordedKeys:
    """The keys already recorded on each aggregate, read from its stored events.

    A stored event without a key (written by a command, not an import) counts
    under the key of its content; only events of a type and date some row
    has are decoded for that.
    """

    def __init__(self, ledger: Ledger, candidates: dict[UUID, set[tuple[str, str]]],
                 codes: dict[UUID, str]) -> None:
        self.ledger, self.candidates, self.codes = ledger, candidates, codes
        self._keys: dict[UUID, set[str]] = {}
        self._versions: dict[UUID, dict[str, int]] = {}
        self._stored: dict[UUID, Any] = {}

    def of(self, aggregate_id: UUID) -> set[str]:
        keys = self._keys.get(aggregate_id)
        if keys is None:
            keys = self._keys[aggregate_id] = self._read(aggregate_id)
        return keys

    def content_of(self, aggregate_id: UUID, key: str) -> tuple[int, str]:
        """The version and content key of the event recorded with a key of its own."""
        version = self._versions[aggregate_id][key]
        stored = self._stored.get(aggregate_id)
        if stored is None:
            stored = self._stored[aggregate_id] = self.ledger.recorder.select_events(
                aggregate_id)
        return version, self._content_key(stored, version, aggregate_id)

    def _read(self, aggregate_id: UUID) -> set[str]:
        stored = self.ledger.recorder.select_events(aggregate_id)
        wanted = self.candidates.get(aggregate_id, set())
        keys: set[str] = set()
        versions = self._versions[aggregate_id] = {}
        copies = Copies()
        for item in stored:
            state = json.loads(item.state)
            if state.get("key"):
                keys.add(state["key"])
                versions.setdefault(state["key"], item.originator_version)
                copies.saw(state["key"])
            elif (item.topic, state.get("occurred_on")) in wanted:
                keys.add(copies.key(self._content_key(stored, item.originator_version,
                                                      aggregate_id)))
        return keys

    def _content_key(self, stored: Any, version: int, aggregate_id: UUID) -> str:
        def lookup(n: int) -> Recorded:
            event = self.ledger.mapper.to_domain_event(stored[n - 1])
            assert isinstance(event, Recorded)
            return event

        event = lookup(version)
        kind = IMPORT_KIND_OF_TYPE[event.TYPE]
        code = self.codes[aggregate_id]
        return content_key(kind, code, checked(kind, kind.as_row(event, code, lookup)),
                           event.occurred_on)
