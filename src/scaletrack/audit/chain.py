#!/usr/bin/env python3
"""scaletrack's audit hash chain, and an offline verifier of export bundles.

Standard library only, so an auditor can read this one file and run it alone:

    python chain.py BUNDLE_DIR [--against OLD_MANIFEST_OR_DIGEST]

docs/AUDIT.md specifies every byte; this module is its reference
implementation. In short: each stored event is written as canonical JSON
(``document``), its SHA-256 is the event's *digest*, and the chain's *hash*
of event n is SHA-256 over the raw bytes of hash n-1 followed by digest n,
with 32 zero bytes before the first event. The hash of the last event is the
*head*; it fixes every event before it, in order.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from json.encoder import encode_basestring
from pathlib import Path
from typing import Any, NamedTuple, NoReturn

GENESIS = "0" * 64
"""What the first event is chained to: 32 zero bytes, written in hex."""

FORMAT = "scaletrack-audit-bundle/1"
EVENTS, CHAIN, MANIFEST, SIGNATURE, CSV, SCHEMAS = (
    "events.jsonl", "chain.jsonl", "manifest.json", "manifest.sig", "events.csv", "schemas")

AGGREGATE_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://scaletrack.eu/aggregates")
"""Aggregate ids are uuid5(this, "KIND:CODE"): how a bundle's subject is tied to its hash."""

ALTERED, MISSING, INSERTED, REORDERED, TRUNCATED = (
    "altered", "missing", "inserted", "reordered", "truncated")
MANIFEST_MISMATCH, BAD_SIGNATURE = "manifest mismatch", "bad signature"

Progress = Callable[[int], None]
"""Told how many events have been checked so far, every few thousand."""

PROGRESS_EVERY = 4096

quote: Callable[[str], str] = encode_basestring
"""One string in canonical JSON (quoted, escaped as ``canonical`` does), quickly."""

_CANONICAL = json.JSONEncoder(ensure_ascii=False, allow_nan=False, sort_keys=True,
                              separators=(",", ":"))


# -- the chain ------------------------------------------------------------------


def canonical(value: Any) -> str:
    """Canonical JSON: keys sorted by code point, no whitespace, non-ASCII kept as is."""
    return _CANONICAL.encode(value)


def document(aggregate: str, version: int, type_: str, state_json: str) -> bytes:
    """The canonical bytes of one event, given the canonical JSON of its stored state.

    Equal to ``canonical({"aggregate": ..., "state": ..., "type": ..., "version": ...})``
    encoded in UTF-8; built by concatenation because the state is usually at hand
    already in canonical form.
    """
    return (f'{{"aggregate":{quote(aggregate)},"state":{state_json},'
            f'"type":{quote(type_)},"version":{int(version)}}}').encode()


def event_digest(aggregate: str, version: int, type_: str, state: dict[str, Any]) -> str:
    """SHA-256 (hex) of one event's canonical bytes."""
    return hashlib.sha256(document(aggregate, version, type_, canonical(state))).hexdigest()


def link(previous: str, digest: str) -> str:
    """The chain hash of an event: SHA-256 of its predecessor's hash and its digest."""
    return hashlib.sha256(bytes.fromhex(previous) + bytes.fromhex(digest)).hexdigest()


def aggregate_of(kind: str, code: str) -> str:
    """The aggregate id scaletrack derives from a kind ("pilot") and a code."""
    return str(uuid.uuid5(AGGREGATE_NAMESPACE, f"{kind}:{code}"))


def schema_id(type_: str, version: int) -> str:
    """What ``dataschema`` says for an event type and schema version."""
    return f"urn:scaletrack:schema:{type_}:{version}"


def schema_file(type_: str, version: int) -> str:
    """Where a bundle keeps that schema, relative to the bundle."""
    return f"{SCHEMAS}/{type_}.v{version}.json"


# -- faults and heads -------------------------------------------------------------


@dataclass(frozen=True)
class Fault:
    """The first thing found wrong: its kind, and where in the log."""

    kind: str
    detail: str
    seq: int | None = None
    position: int | None = None

    def __str__(self) -> str:
        where = []
        if self.position is not None:
            where.append(f"position {self.position}")
        if self.seq is not None:
            where.append(f"event {self.seq} of the chain")
        at = f" at {', '.join(where)}" if where else ""
        return f"{self.kind}{at}: {self.detail}"

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "position": self.position, "seq": self.seq,
                "detail": self.detail}


class Invalid(Exception):
    """Verification failed; ``fault`` says how and where."""

    def __init__(self, fault: Fault) -> None:
        super().__init__(str(fault))
        self.fault = fault


@dataclass(frozen=True)
class Head:
    """The head digest of a log: how many events, and the hash of the last one."""

    count: int
    hash: str

    def line(self, taken_at: str) -> str:
        """The one-line form to paste into a report; ``read_head`` reads it back."""
        return f"scaletrack digest: {self.count} events, head sha256:{self.hash}, taken {taken_at}"


_HEAD_LINE = re.compile(r"(\d+) events?, head sha256:([0-9a-f]{64})")


def read_head(reference: str) -> Head:
    """A head from a digest line, ``digest --json`` output, a manifest, or a bundle folder.

    ``reference`` is the text itself or the path of a file or folder holding it.
    """
    path = Path(reference)
    text = reference
    if len(reference) < 4096 and path.is_dir():
        path = path / MANIFEST
    if len(reference) < 4096 and path.is_file():
        text = path.read_text(encoding="utf-8")
    try:
        data = json.loads(text)
    except ValueError:
        found = _HEAD_LINE.search(text)
        if found is None:
            raise ValueError(f"{reference[:80]!r} is neither a digest line, a manifest nor "
                             "a bundle folder") from None
        return Head(int(found.group(1)), found.group(2))
    head = data.get("head", data) if isinstance(data, dict) else None
    if not (isinstance(head, dict) and isinstance(head.get("count"), int)
            and re.fullmatch("[0-9a-f]{64}", str(head.get("hash")))):
        raise ValueError(f"{reference[:80]!r} holds no head digest (count and hash)")
    return Head(head["count"], head["hash"])


class Against:
    """An older log that this one must extend: its head, and its hashes when known.

    The head decides: the chain's hash after the older log's last event must
    be the older head. The hashes of an older bundle, when given, only say
    where the first difference is.
    """

    def __init__(self, head: Head, hashes: Iterator[tuple[int, str]] | None = None) -> None:
        self.head = head
        self.hashes = hashes if hashes is not None else iter(())
        self.older: tuple[int, str] = (0, GENESIS)
        self.first_difference: tuple[int, int | None] | None = None

    @classmethod
    def read(cls, reference: str) -> Against:
        """From a digest line, its JSON, a manifest or a bundle folder (see ``read_head``)."""
        head = read_head(reference)
        folder = Path(reference)
        if len(reference) < 4096 and folder.is_dir():
            return cls(head, _bundle_hashes(folder))
        return cls(head)

    def check(self, seq: int, hash_: str, position: int | None) -> None:
        """Note event ``seq``; raise if it is the older head and differs from it."""
        if seq > self.head.count:
            return
        if self.first_difference is None:
            while self.older[0] < seq:
                self.older = next(self.hashes, (self.head.count + 1, ""))
            if self.older[0] == seq and self.older[1] != hash_:
                self.first_difference = (seq, position)
        if seq == self.head.count and hash_ != self.head.hash:
            at_seq, at_position = self.first_difference or (seq, position)
            raise Invalid(Fault(ALTERED, f"history was rewritten: the first {self.head.count} "
                                "events differ from those the older log had"
                                + (", from this one on" if self.first_difference else ""),
                                at_seq, at_position))

    def finish(self, count: int) -> None:
        """After the last event: the log must be at least as long as the older one."""
        if self.head.count > count:
            raise Invalid(Fault(TRUNCATED, f"the older log had {self.head.count} events, "
                                f"this one only {count}: events were removed", count + 1, None))


def _bundle_hashes(bundle: Path) -> Iterator[tuple[int, str]]:
    """(seq, hash) of every event an older bundle knows; stops quietly at anything odd."""
    try:
        if (bundle / CHAIN).exists():
            previous = GENESIS
            with (bundle / CHAIN).open("rb") as f:
                for raw in f:
                    entry = json.loads(raw)
                    previous = link(previous, entry["digest"])
                    yield entry["seq"], previous
        else:
            with (bundle / EVENTS).open("rb") as f:
                for raw in f:
                    event = json.loads(raw)
                    yield event["seq"], event["hash"]
    except (OSError, ValueError, KeyError, TypeError):
        return


# -- verifying a bundle -------------------------------------------------------------


@dataclass
class Report:
    """What a valid bundle holds."""

    events: int
    head: Head
    filtered: bool
    signed: bool
    against: Against | None = None
    checked: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"valid": True, "events": self.events, "count": self.head.count,
                "head": self.head.hash, "filtered": self.filtered, "signed": self.signed,
                "against": self.against.head.__dict__ if self.against else None,
                "checked": self.checked}


def read_manifest(bundle: Path) -> tuple[dict[str, Any], Head]:
    """The manifest, and the head of the whole log it claims."""
    try:
        manifest = json.loads((bundle / MANIFEST).read_bytes())
    except FileNotFoundError:
        raise Invalid(Fault(MANIFEST_MISMATCH, f"{bundle} has no {MANIFEST}")) from None
    except ValueError as error:
        raise Invalid(Fault(MANIFEST_MISMATCH, f"{MANIFEST} is not JSON: {error}")) from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise Invalid(Fault(MANIFEST_MISMATCH, f"{MANIFEST} is not a {FORMAT} manifest"))
    try:
        claimed = Head(int(manifest["head"]["count"]), str(manifest["head"]["hash"]))
        int(manifest["events"]["count"])
        dict(manifest["files"])
    except (KeyError, TypeError, ValueError):
        raise Invalid(Fault(MANIFEST_MISMATCH, f"{MANIFEST} lacks head, events or files")
                      ) from None
    return manifest, claimed


def verify_bundle(bundle: Path, against: Against | None = None,
                  progress: Progress | None = None) -> Report:
    """Check a bundle offline: every event against its hash, the chain, and the manifest.

    Raises :class:`Invalid` naming the first fault. Signatures are checked
    elsewhere (they need a cryptography library).
    """
    manifest, claimed = read_manifest(bundle)
    filtered = (bundle / CHAIN).exists() or CHAIN in manifest["files"]
    walk = _FilteredWalk(bundle, claimed, against) if filtered else _Walk(bundle, claimed,
                                                                          against)
    walk.run(progress)
    if walk.lines != manifest["events"]["count"]:
        raise Invalid(Fault(MANIFEST_MISMATCH, f"the manifest counts "
                            f"{manifest['events']['count']} events, {EVENTS} holds "
                            f"{walk.lines}"))
    _check_files(bundle, manifest, walk.file_digests)
    return Report(events=walk.lines, head=claimed, filtered=filtered,
                  signed=(bundle / SIGNATURE).exists(), against=against,
                  checked=sorted(manifest["files"]))


def _check_files(bundle: Path, manifest: dict[str, Any], known: dict[str, str]) -> None:
    """Every file the manifest lists is there with its SHA-256, and no event file is extra."""
    for name in (EVENTS, CHAIN, CSV):
        if (bundle / name).exists() and name not in manifest["files"]:
            raise Invalid(Fault(MANIFEST_MISMATCH, f"{name} is not listed in the manifest"))
    for name, expected in sorted(manifest["files"].items()):
        path = bundle / name
        if Path(name).is_absolute() or ".." in Path(name).parts or not path.is_file():
            raise Invalid(Fault(MANIFEST_MISMATCH, f"{name} is listed but missing"))
        actual = known.get(name) or _file_sha256(path)
        if actual != expected:
            raise Invalid(Fault(MANIFEST_MISMATCH, f"{name} does not match its SHA-256 in "
                                "the manifest"))


def _file_sha256(path: Path) -> str:
    with path.open("rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


class _Line(NamedTuple):
    """One parsed line of a bundle file."""

    number: int
    event: dict[str, Any]
    raw: bytes

    @property
    def seq(self) -> int | None:
        seq = self.event.get("seq")
        return seq if type(seq) is int else None

    @property
    def position(self) -> int | None:
        position = self.event.get("position")
        return position if type(position) is int else None


class _Walk:
    """Walks a complete bundle: events.jsonl holds every event of the log, in order."""

    def __init__(self, bundle: Path, claimed: Head, against: Against | None) -> None:
        self.bundle = bundle
        self.claimed = claimed
        self.against = against
        self.lines = 0
        self.file_digests: dict[str, str] = {}
        self.identities: dict[tuple[str, str, Any], tuple[Any, ...]] = {}

    def run(self, progress: Progress | None) -> None:
        seq, previous, before_previous = 0, GENESIS, ""
        last: _Line | None = None
        at_claimed = GENESIS if self.claimed.count == 0 else ""
        lines = self._lines(EVENTS)
        for line in lines:
            expected = seq + 1
            event = line.event
            if event.get("prevhash") != previous or event.get("seq") != expected:
                self._out_of_order(line, next(lines, None), expected, previous, before_previous,
                                   last)
            hash_ = self._hash(line, previous)
            if event.get("hash") != hash_:
                raise Invalid(Fault(ALTERED, "the event does not match its hash", expected,
                                    line.position))
            seq, before_previous, previous, last = expected, previous, hash_, line
            if self.against is not None:
                self.against.check(seq, hash_, line.position)
            if seq == self.claimed.count:
                at_claimed = hash_
            elif seq > self.claimed.count and at_claimed == self.claimed.hash:
                raise Invalid(Fault(INSERTED, f"the manifest's head is event "
                                    f"{self.claimed.count}; this one comes after it", seq,
                                    line.position))
            if progress and seq % PROGRESS_EVERY == 0:
                progress(seq)
        self._check_end(seq, previous)

    def _out_of_order(self, line: _Line, following: _Line | None, expected: int,
                      previous: str, before_previous: str, last: _Line | None) -> NoReturn:
        """Raise the fault that explains a line that is not the next link of the chain.

        ``following`` is the line after it, to tell two events that changed places
        from a gap.
        """
        if last is not None and line.event.get("prevhash") == before_previous:
            raise Invalid(Fault(INSERTED, f"line {last.number} of {EVENTS} is not in the "
                                "chain", last.seq, last.position))
        if line.seq is None:
            raise Invalid(Fault(ALTERED, f"line {line.number} has no chain sequence number",
                                expected, line.position))
        if line.seq > expected:
            if following is not None and following.seq == expected:
                raise Invalid(Fault(REORDERED, f"event {line.seq} comes before event "
                                    f"{expected}", expected, following.position))
            raise Invalid(Fault(MISSING, f"events {expected} to {line.seq - 1} are not in "
                                f"{EVENTS}", expected, None))
        if line.seq < expected:
            raise Invalid(Fault(INSERTED, f"line {line.number} repeats event {line.seq}",
                                line.seq, line.position))
        raise Invalid(Fault(MISSING, "the chain breaks here: the event before this one is "
                            "missing or was altered", line.seq, line.position))

    def _check_end(self, seq: int, head: str) -> None:
        claimed = self.claimed
        if head == claimed.hash and seq != claimed.count:
            raise Invalid(Fault(MANIFEST_MISMATCH, f"the manifest counts {claimed.count} "
                                f"events, the chain that ends at its head has {seq}"))
        if head != claimed.hash and seq < claimed.count:
            raise Invalid(Fault(TRUNCATED, f"the chain ends after event {seq}; the manifest "
                                f"counts {claimed.count}", seq + 1, None))
        if head != claimed.hash:
            raise Invalid(Fault(MANIFEST_MISMATCH, "the manifest's head hash is not the "
                                "chain's"))
        if self.against is not None:
            self.against.finish(seq)

    def _lines(self, name: str) -> Iterator[_Line]:
        """The lines of a bundle file, parsed, hashing the file's bytes on the way."""
        sha = hashlib.sha256()
        try:
            f = (self.bundle / name).open("rb")
        except FileNotFoundError:
            raise Invalid(Fault(MISSING, f"{self.bundle} has no {name}")) from None
        with f:
            number = 0
            for number, raw in enumerate(f, 1):
                sha.update(raw)
                try:
                    event = json.loads(raw.decode())
                except ValueError:
                    raise Invalid(Fault(ALTERED, f"line {number} of {name} is not JSON")
                                  ) from None
                if type(event) is not dict:
                    raise Invalid(Fault(ALTERED, f"line {number} of {name} is not an object"))
                yield _Line(number, event, raw)
        if name == EVENTS:
            self.lines = number
        self.file_digests[name] = sha.hexdigest()

    def _hash(self, line: _Line, previous: str) -> str:
        """The chain hash of a line's event, after checking its attributes agree with its data.

        ``previous`` is the hash the event is chained to.
        """
        event = line.event
        data, type_, subject, version = (event.get("data"), event.get("type"),
                                         event.get("subject"), event.get("version"))
        if not (type(data) is dict and type(type_) is str and type(subject) is str
                and type(version) is int):
            raise Invalid(Fault(ALTERED, "the event lacks data, type, subject or version",
                                line.seq, line.position))
        key = (type_, subject, data.get("class_version", 1))
        identity = self.identities.get(key)
        if identity is None:
            if len(self.identities) >= IDENTITY_CACHE_SIZE:
                self.identities.clear()  # keeps memory flat however many pilots a log holds
            identity = self.identities[key] = _identity(*key)
        if ((event.get("aggregate"), event.get("source"), event.get("dataschema"),
             event.get("time"), event.get("occurredon"), event.get("actor"),
             event.get("reason"), event.get("id"))
                != (*identity[:3], data.get("timestamp"), data.get("occurred_on"),
                    data.get("actor"), data.get("reason"), f"{subject}@{version}")):
            raise Invalid(Fault(ALTERED, _disagreement(event, data, identity), line.seq,
                                line.position))
        # Fast path: the exporter writes the data in canonical form as the line's last
        # member, so its bytes can be hashed as they are, without re-serialising.
        raw = line.raw
        start = raw.find(b',"data":')
        end = len(raw) - (2 if raw.endswith(b"}\n") else 1)
        if start > 0 and raw[end:end + 1] == b"}":
            before, after = identity[3:]
            digest = hashlib.sha256(b"".join((before, raw[start + 8:end], after,
                                              str(version).encode(), b"}"))).digest()
            hash_ = hashlib.sha256(bytes.fromhex(previous) + digest).hexdigest()
            if hash_ == event.get("hash"):
                return hash_
        return link(previous, event_digest(identity[0], version, type_, data))


IDENTITY_CACHE_SIZE = 10_000
"""How many (type, subject) identities verification keeps at once."""


def _identity(type_: str, subject: str, schema_version: Any) -> tuple[Any, ...]:
    """What follows from a line's type and subject: its aggregate, source and dataschema,
    and the bytes of its document around the state and before the version."""
    kind = type_.partition(".")[0]
    aggregate = aggregate_of(kind, subject)
    return (aggregate, f"/scaletrack/{kind}", schema_id(type_, schema_version),
            f'{{"aggregate":{quote(aggregate)},"state":'.encode(),
            f',"type":{quote(type_)},"version":'.encode())


def _disagreement(event: dict[str, Any], data: dict[str, Any], identity: tuple[Any, ...]
                  ) -> str:
    """Which attribute does not agree with the hashed data, or with the others."""
    aggregate, source, dataschema = identity[:3]
    checks = (("aggregate", aggregate, "is not the aggregate the subject names"),
              ("source", source, "does not match the type"),
              ("dataschema", dataschema, "does not name the type and schema version"),
              ("time", data.get("timestamp"), "differs from the recorded-at time in data"),
              ("occurredon", data.get("occurred_on"), "differs from data"),
              ("actor", data.get("actor"), "differs from data"),
              ("reason", data.get("reason"), "differs from data"))
    for name, expected, problem in checks:
        if event.get(name) != expected:
            return f"{name} {problem}"
    return "id is not SUBJECT@VERSION"


class _FilteredWalk(_Walk):
    """Walks a filtered bundle: chain.jsonl has every event's digest, events.jsonl some."""

    def run(self, progress: Progress | None) -> None:
        seq, previous = 0, GENESIS
        events = self._lines(EVENTS)
        pending = next(events, None)
        last_event = 0
        for entry in self._lines(CHAIN):
            expected = seq + 1
            entry_seq, digest = entry.event.get("seq"), entry.event.get("digest")
            if entry_seq != expected or not isinstance(digest, str) or not re.fullmatch(
                    "[0-9a-f]{64}", digest):
                kind = MISSING if isinstance(entry_seq, int) and entry_seq > expected else (
                    ALTERED)
                raise Invalid(Fault(kind, f"line {entry.number} of {CHAIN} is not event "
                                    f"{expected}'s digest", expected, entry.position))
            hash_ = link(previous, digest)
            if pending is not None and pending.seq is None:
                raise Invalid(Fault(ALTERED, f"line {pending.number} of {EVENTS} has no chain "
                                    "sequence number", None, pending.position))
            if pending is not None and pending.seq is not None and pending.seq <= last_event:
                raise Invalid(Fault(REORDERED if pending.seq < last_event else INSERTED,
                                    f"line {pending.number} of {EVENTS} is out of order",
                                    pending.seq, pending.position))
            if pending is not None and pending.seq == expected:
                self._check_event(pending, previous, hash_)
                last_event = expected
                pending = next(events, None)
            seq, previous = expected, hash_
            if self.against is not None:
                self.against.check(seq, hash_, entry.position)
            if progress and seq % PROGRESS_EVERY == 0:
                progress(seq)
        if pending is not None:
            raise Invalid(Fault(INSERTED, f"line {pending.number} of {EVENTS} is not in the "
                                "chain", pending.seq, pending.position))
        self._check_end(seq, previous)

    def _check_event(self, line: _Line, previous: str, hash_: str) -> None:
        if line.event.get("prevhash") != previous or line.event.get("hash") != hash_:
            raise Invalid(Fault(ALTERED, "the event's hashes are not the chain's", line.seq,
                                line.position))
        if self._hash(line, previous) != hash_:
            raise Invalid(Fault(ALTERED, "the event does not match its digest", line.seq,
                                line.position))


# -- running alone --------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(
        prog="chain.py", description="Verify a scaletrack audit bundle offline "
        "(signatures are checked by 'scaletrack verify --pubkey').")
    parser.add_argument("bundle", type=Path, help="the bundle folder (holds manifest.json)")
    parser.add_argument("--against", metavar="OLD",
                        help="an older manifest, bundle folder or digest line: prove the "
                             "log it describes is a prefix of this one")
    args = parser.parse_args(argv)
    try:
        against = Against.read(args.against) if args.against else None
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if not args.bundle.is_dir():
        print(f"error: {args.bundle} is not a folder", file=sys.stderr)
        return 2
    try:
        report = verify_bundle(args.bundle, against)
    except Invalid as invalid:
        print(f"INVALID: {invalid.fault}", file=sys.stderr)
        return 1
    print(f"valid: {report.events} events; the log has {report.head.count}, head sha256:"
          f"{report.head.hash}" + (f"; extends the older log of {against.head.count} events"
                                   if against else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
