"""The hash chain as docs/AUDIT.md specifies it: an auditor can rely on the published page."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

import pytest

from scaletrack.audit.chain import (
    GENESIS,
    Head,
    aggregate_of,
    canonical,
    document,
    event_digest,
    link,
    read_head,
)
from scaletrack.domain.consortium import Consortium
from scaletrack.domain.indicator import Indicator
from scaletrack.domain.pilot import Pilot

AUDIT_MD = Path(__file__).parents[1] / "docs" / "AUDIT.md"


def published(language: str) -> str:
    """The first fenced block of a language in the test-vector section of docs/AUDIT.md."""
    section = AUDIT_MD.read_text(encoding="utf-8").split("## 6. Test vector", 1)[1]
    found = re.search(rf"```{language}\n(.*?)\n```", section, re.DOTALL)
    assert found, f"no {language} block in the test vector section"
    return found.group(1)


def test_published_test_vector_gives_its_digests_hashes_and_head() -> None:
    events: list[dict[str, Any]] = json.loads(published("json"))
    previous = GENESIS

    for event in events:
        digest = event_digest(event["aggregate"], event["version"], event["type"], event["state"])
        assert digest == event["digest"]
        previous = link(previous, digest)
        assert previous == event["hash"]

    assert len(events) == 3
    assert f"(3, `{previous[:8]}…{previous[-4:]}`)" in AUDIT_MD.read_text(encoding="utf-8")


def test_published_canonical_bytes_are_what_is_hashed() -> None:
    second = json.loads(published("json"))[1]
    canonical_bytes = document(second["aggregate"], second["version"], second["type"],
                               canonical(second["state"]))

    assert canonical_bytes == published("text").encode()
    assert hashlib.sha256(canonical_bytes).hexdigest() == second["digest"]


def test_canonical_form_is_the_one_the_page_describes() -> None:
    value = {"z": 1, "a": [True, None, -7], "é": "\u001f\t\"\\/ü\u2028", "Z": {"b": 0, "a": ""},
             "\U0001f600": "astral"}

    text = canonical(value)

    assert text == ('{"Z":{"a":"","b":0},"a":[true,null,-7],"z":1,"é":"\\u001f\\t\\"\\\\/ü\u2028",'
                    '"\U0001f600":"astral"}')
    keys = list(json.loads(text))
    assert keys == sorted(keys, key=lambda k: k.encode())  # code point order is byte order


def test_first_event_is_chained_to_thirty_two_zero_bytes() -> None:
    digest = "ab" * 32

    assert GENESIS == "0" * 64
    assert link(GENESIS, digest) == hashlib.sha256(bytes(32) + bytes.fromhex(digest)).hexdigest()


def test_subject_and_aggregate_id_are_tied_as_the_domain_ties_them() -> None:
    assert aggregate_of("pilot", "SEED-GR-01") == str(Pilot.id_for("SEED-GR-01"))
    assert aggregate_of("consortium", "SEED") == str(Consortium.id_for("SEED"))
    assert aggregate_of("indicator", "PART") == str(Indicator.id_for("PART"))


def test_head_is_read_from_a_digest_line_json_a_manifest_or_a_bundle_folder(
        tmp_path: Path) -> None:
    head = Head(130, "2f" * 32)
    line = head.line("2026-11-28T10:00:00Z")
    (tmp_path / "manifest.json").write_text(json.dumps({"head": head.__dict__}))
    (tmp_path / "digest.txt").write_text(f"Report to the managing authority.\n{line}\n")

    assert read_head(line) == head
    assert read_head(json.dumps({"count": 130, "hash": "2f" * 32})) == head
    assert read_head(str(tmp_path)) == head
    assert read_head(str(tmp_path / "manifest.json")) == head
    assert read_head(str(tmp_path / "digest.txt")) == head
    with pytest.raises(ValueError, match="neither a digest line"):
        read_head("130 events, head sha1:abc")
