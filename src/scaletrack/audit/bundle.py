"""Writing an export bundle: the files, their formats, and the manifest.

The layout and every format are specified in docs/AUDIT.md. Files are
written into a hidden folder beside the target and renamed into place at the
end, so a failed export leaves nothing that looks like a bundle.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import shutil
from functools import cache
from pathlib import Path
from typing import IO, Any

from scaletrack.audit.chain import (
    CHAIN,
    CSV,
    EVENTS,
    MANIFEST,
    SCHEMAS,
    canonical,
    quote,
    schema_file,
    schema_id,
)
from scaletrack.audit.rows import Link, StoredRow
from scaletrack.domain.envelope import adapter_for, every_event_type
from scaletrack.domain.errors import InvalidInput
from scaletrack.formulas import csv_row

CSV_COLUMNS = ("seq", "position", "id", "type", "subject", "time", "occurredon", "actor",
               "reason", "hash", "prevhash", "data")

_NOT_DATA = ("originator_id", "originator_version")
"""Event fields kept in the chain's own members, not in the stored state."""


def event_line(link: Link, previous: str, row: StoredRow, subject: str,
               state: dict[str, Any], state_json: str) -> str:
    """One event as a CloudEvents 1.0 JSON line, ``data`` last and in canonical form.

    ``data`` last and canonical lets a verifier hash its bytes as they are; the
    attributes before it repeat what the data says, for readers.
    """
    source_and_type, schema = _type_attributes(row.type, state.get("class_version", 1))
    reason = state.get("reason")
    quoted_subject = quote(subject)
    return "".join((
        '{"specversion":"1.0","id":', quoted_subject[:-1], "@", str(row.version), '"',
        source_and_type, quoted_subject, ',"time":', _text(state.get("timestamp")), schema,
        ',"seq":', str(link.seq), ',"position":', str(link.position),
        ',"aggregate":"', row.aggregate, '","version":', str(row.version),
        ',"occurredon":', _text(state.get("occurred_on")),
        ',"actor":', _text(state.get("actor")),
        "" if reason is None else ',"reason":' + _text(reason),
        ',"hash":"', link.hash, '","prevhash":"', previous, '","data":', state_json, "}\n"))


@cache
def _type_attributes(type_: str, version: int) -> tuple[str, str]:
    """The attributes that follow from an event's type and schema version, as JSON text."""
    kind = type_.partition(".")[0]
    return (f',"source":"/scaletrack/{quote(kind)[1:-1]}","type":{quote(type_)},"subject":',
            f',"datacontenttype":"application/json","dataschema":'
            f'{quote(schema_id(type_, version))}')


def _text(value: Any) -> str:
    return quote(value) if type(value) is str else canonical(value)


def event_schema(type_: str, version: int) -> dict[str, Any]:
    """The JSON Schema of an event type's stored state at one schema version."""
    cls = every_event_type()[type_]
    current = getattr(cls, "class_version", 1)
    head = {"$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": schema_id(type_, version), "title": f"{type_} (schema version {version})"}
    if version != current:
        # Only the current version's classes exist in the code; an older stored
        # version is described, not specified (scaletrack upcasts it when reading).
        return {**head, "type": "object", "description": (
            f"State stored in schema version {version}; scaletrack now reads "
            f"{type_} at version {current} and upcasts older states on reading.")}
    schema: dict[str, Any] = adapter_for(cls).json_schema(mode="serialization")
    for name in _NOT_DATA:
        schema["properties"].pop(name, None)
    schema["required"] = [r for r in schema.get("required", []) if r not in _NOT_DATA]
    if version > 1:
        schema["properties"]["class_version"] = {"const": version}
        schema["required"].append("class_version")
    return {**head, **schema}


class _HashedFile:
    """A text file written line by line while its SHA-256 is computed."""

    BUFFERED = 1000
    """Lines joined into one write (and one hash update)."""

    def __init__(self, path: Path) -> None:
        self.file: IO[bytes] = path.open("wb")
        self.sha = hashlib.sha256()
        self.lines: list[str] = []

    def write(self, text: str) -> None:
        self.lines.append(text)
        if len(self.lines) >= self.BUFFERED:
            self.flush()

    def flush(self) -> None:
        data = "".join(self.lines).encode()
        self.lines.clear()
        self.sha.update(data)
        self.file.write(data)

    def close(self) -> str:
        self.flush()
        self.file.flush()
        os.fsync(self.file.fileno())
        self.file.close()
        return self.sha.hexdigest()


def _running(pid: str) -> bool:
    """Whether a process id (from a staging folder's name) is a process still running."""
    if not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's
        return True
    return True


class BundleWriter:
    """Writes one bundle into a staging folder, then moves it to ``target``."""

    def __init__(self, target: Path, *, filtered: bool, with_csv: bool) -> None:
        if target.name in ("", ".", ".."):
            raise InvalidInput(f"{str(target)!r} names no folder for the bundle",
                               hint="give a new folder for the bundle")
        if target.exists() and (not target.is_dir() or any(target.iterdir())):
            raise InvalidInput(f"{target} exists and is not an empty folder",
                               hint="give a new folder for the bundle")
        self.target = target
        self.staging = target.parent / f".{target.name}.partial-{os.getpid()}"
        for left in target.parent.glob(f".{target.name}.partial-*"):
            if left == self.staging or not _running(left.name.rpartition("-")[2]):
                shutil.rmtree(left, ignore_errors=True)  # an export that was killed
        (self.staging / SCHEMAS).mkdir(parents=True)
        self.files: dict[str, str] = {}
        self.events = _HashedFile(self.staging / EVENTS)
        self.chain = _HashedFile(self.staging / CHAIN) if filtered else None
        self._csv_file = _HashedFile(self.staging / CSV) if with_csv else None
        self._csv = csv.writer(self, lineterminator="\n") if with_csv else None
        if self._csv:
            self._csv.writerow(csv_row(CSV_COLUMNS))
        self.schemas: set[tuple[str, int]] = set()

    def write(self, text: str) -> None:
        """The CSV writer's sink."""
        assert self._csv_file is not None
        self._csv_file.write(text)

    def add_link(self, link: Link) -> None:
        assert self.chain is not None
        self.chain.write(f'{{"seq":{link.seq},"position":{link.position},'
                         f'"digest":"{link.digest}"}}\n')

    def add_event(self, link: Link, previous: str, row: StoredRow, subject: str,
                  state: dict[str, Any], state_json: str) -> None:
        self.events.write(event_line(link, previous, row, subject, state, state_json))
        self.schemas.add((row.type, state.get("class_version", 1)))
        if self._csv is not None:
            # A convenience copy for spreadsheets, so its texts are made safe to open;
            # events.jsonl stays the canonical record, byte for byte.
            self._csv.writerow(csv_row((
                link.seq, link.position, f"{subject}@{row.version}", row.type, subject,
                state.get("timestamp"), state.get("occurred_on"), state.get("actor"),
                state.get("reason") or "", link.hash, previous, state_json)))

    def finish(self, manifest: dict[str, Any]) -> bytes:
        """Close every file, write the schemas and the manifest; returns the manifest bytes."""
        self.files[EVENTS] = self.events.close()
        if self.chain is not None:
            self.files[CHAIN] = self.chain.close()
        if self._csv_file is not None:
            self.files[CSV] = self._csv_file.close()
        for type_, version in sorted(self.schemas):
            name = schema_file(type_, version)
            text = json.dumps(event_schema(type_, version), indent=2, ensure_ascii=False) + "\n"
            (self.staging / name).write_text(text, encoding="utf-8")
            self.files[name] = hashlib.sha256(text.encode()).hexdigest()
        manifest["files"] = dict(sorted(self.files.items()))
        data = (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode()
        (self.staging / MANIFEST).write_bytes(data)
        return data

    def add_file(self, name: str, data: bytes) -> None:
        """A file beside the manifest that the manifest does not list (its signature)."""
        (self.staging / name).write_bytes(data)

    def publish(self) -> None:
        if self.target.exists():
            self.target.rmdir()
        self.staging.rename(self.target)

    def abandon(self) -> None:
        for handle in (self.events, self.chain, self._csv_file):
            if handle is not None and not handle.file.closed:
                handle.file.close()
        shutil.rmtree(self.staging, ignore_errors=True)
