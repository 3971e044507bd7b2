"""Export bundles: what an auditor receives, and what ``verify`` says about it.

Every test here runs on SQLite and on PostgreSQL (the ``store_url`` fixture).
"""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from cloudevents.core.formats.json import JSONFormat

import scaletrack.audit.chain
from scaletrack.application.ledger import Ledger

Run = Callable[..., Any]


def by(ledger: Ledger, day: int, reason: str | None = None) -> Any:
    ledger.clock = lambda: datetime(2022, 4, day, 9, 30, tzinfo=UTC)
    return ledger.provenance("ana", date(2022, 4, day), reason)


def fill(ledger: Ledger) -> None:
    """Two consortia, an indicator and two pilots: 12 events over days 1 to 6 of April 2022."""
    ledger.register_consortium("SEED", "Social innovation Ecosystem Development",
                               "Città di Torino", ["IT", "GR"], by(ledger, 1))
    ledger.register_consortium("FUSE", "Facilitating United Approaches to SI in Europe",
                               "Rethink Ireland", ["IE", "PT"], by(ledger, 1))
    ledger.define_indicator("PART", {"name": "Participants", "level": "output",
                                     "measure": "unit", "unit": "people",
                                     "direction": "higher", "accumulation": "incremental",
                                     "dimensions": ["sex"]}, by(ledger, 2))
    for code, consortium, country in (("SEED-GR-01", "SEED", "GR"), ("FUSE-PT-01", "FUSE", "PT")):
        ledger.register_pilot(code, consortium, {
            "title": "SI mapping (Ελλάδα)", "innovation": "Local SI mapping",
            "origin_country": "IT" if consortium == "SEED" else "IE",
            "target_countries": [country], "core_components": ["Method"],
            "adaptable_components": ["Venue"], "starts_on": date(2022, 1, 1),
            "ends_on": date(2023, 6, 30)}, by(ledger, 3))
    for n in range(3):
        ledger.log_event("milestone-planned", "SEED-GR-01",
                         {"milestone": f"M{n}", "title": f"Step \"{n}\"\nnext",
                          "due_on": date(2022, 6, 1)}, by(ledger, 4))
    ledger.log_event("funding", "FUSE-PT-01", {"funder": "ESF+", "amount_eur": "1500.50",
                                               "currency": "EUR"}, by(ledger, 5))
    ledger.log_event("funding", "SEED-GR-01", {"funder": "City", "amount_eur": "900",
                                               "currency": "EUR"}, by(ledger, 5))
    ledger.correct("SEED-GR-01@5", {"amount_eur": "950"}, by(ledger, 6, "typo in the amount"))
    ledger.add_country("SEED", "RO", by(ledger, 6))


@pytest.fixture
def filled(ledger: Ledger) -> Ledger:
    fill(ledger)
    return ledger


def lines(bundle: Path, name: str = "events.jsonl") -> list[dict[str, Any]]:
    return [json.loads(line) for line in (bundle / name).read_text(encoding="utf-8").splitlines()]


def test_export_of_the_whole_log_verifies_offline(filled: Ledger, tmp_path: Path,
                                                  run: Run) -> None:
    exported = run("export", "-o", str(tmp_path / "b"), "--json")
    checked = run("--db", "sqlite:///nowhere.db", "verify", str(tmp_path / "b"), "--json")

    assert exported.exit_code == 0, exported.stderr
    manifest = exported.json()
    assert manifest["events"] == {"count": 12, "first_seq": 1, "last_seq": 12,
                                  "first_position": 1, "last_position": 12}
    assert manifest["head"]["count"] == 12
    assert manifest["filters"] == {"pilot": None, "consortium": None, "since": None,
                                   "until": None}
    assert sorted(p.name for p in (tmp_path / "b").iterdir()) == [
        "events.jsonl", "manifest.json", "schemas"]
    assert checked.exit_code == 0, checked.stderr
    assert checked.json()["valid"] is True
    assert (checked.json()["events"], checked.json()["head"]) == (12, manifest["head"]["hash"])


def test_a_zipped_bundle_as_the_pages_download_it_verifies_as_its_folder(
        filled: Ledger, tmp_path: Path, run: Run) -> None:
    assert run("export", "-o", str(tmp_path / "b")).exit_code == 0
    flat = shutil.make_archive(str(tmp_path / "flat"), "zip", tmp_path / "b")
    nested = shutil.make_archive(str(tmp_path / "nested"), "zip", tmp_path, "b")
    for archive in (flat, nested):
        checked = run("--db", "sqlite:///nowhere.db", "verify", archive, "--json")
        assert checked.exit_code == 0, checked.stderr
        assert (checked.json()["valid"], checked.json()["events"]) == (True, 12)

    events = tmp_path / "b" / "events.jsonl"
    events.write_text(events.read_text().replace('"actor":"ana"', '"actor":"eve"', 1))
    altered = shutil.make_archive(str(tmp_path / "altered"), "zip", tmp_path / "b")
    refused = run("--db", "sqlite:///nowhere.db", "verify", altered)
    assert refused.exit_code == 1, refused.stderr
    assert "altered" in refused.stderr


def test_every_line_is_a_cloudevent_the_official_sdk_accepts(filled: Ledger, tmp_path: Path,
                                                             run: Run) -> None:
    assert run("export", "-o", str(tmp_path / "b")).exit_code == 0
    reader = JSONFormat()

    events = [reader.read(None, line)
              for line in (tmp_path / "b" / "events.jsonl").read_bytes().splitlines()]

    assert len(events) == 12
    correction = events[10]
    assert correction.get_specversion() == "1.0"
    assert (correction.get_id(), correction.get_type(), correction.get_subject()) == (
        "SEED-GR-01@6", "pilot.entry-corrected", "SEED-GR-01")
    assert correction.get_time() == datetime(2022, 4, 6, 9, 30, tzinfo=UTC)
    assert correction.get_extension("occurredon") == "2022-04-06"
    assert correction.get_extension("reason") == "typo in the amount"
    assert correction.get_extension("prevhash") == events[9].get_extension("hash")
    assert [e.get_extension("seq") for e in events] == list(range(1, 13))
    for event, line in zip(events, lines(tmp_path / "b"), strict=True):
        version = line["data"].get("class_version", 1)
        schema = tmp_path / "b" / "schemas" / f"{event.get_type()}.v{version}.json"
        assert json.loads(schema.read_text())["$id"] == event.get_dataschema()


def test_data_is_the_stored_event_and_its_schema_names_every_field(
        filled: Ledger, tmp_path: Path, run: Run) -> None:
    assert run("export", "-o", str(tmp_path / "b")).exit_code == 0
    funding = next(e for e in lines(tmp_path / "b") if e["type"] == "pilot.funding-secured")

    schema = json.loads((tmp_path / "b" / "schemas" / "pilot.funding-secured.v3.json").read_text())

    assert funding["data"]["amount_eur"] == "1500.50"
    assert funding["data"]["class_version"] == 3
    assert funding["dataschema"] == "urn:scaletrack:schema:pilot.funding-secured:3"
    assert set(schema["required"]) <= set(funding["data"])
    assert set(funding["data"]) <= set(schema["properties"])


def test_csv_has_one_row_per_event_with_its_hash(filled: Ledger, tmp_path: Path,
                                                 run: Run) -> None:
    assert run("export", "-o", str(tmp_path / "b"), "--csv").exit_code == 0

    with (tmp_path / "b" / "events.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))

    assert [r["hash"] for r in rows] == [e["hash"] for e in lines(tmp_path / "b")]
    assert rows[5]["data"] == json.dumps(lines(tmp_path / "b")[5]["data"], sort_keys=True,
                                         separators=(",", ":"), ensure_ascii=False)
    assert run("verify", str(tmp_path / "b")).exit_code == 0


def test_pilot_export_verifies_against_the_digest_of_the_whole_log(
        filled: Ledger, tmp_path: Path, run: Run) -> None:
    digest = run("digest")
    exported = run("export", "-o", str(tmp_path / "p"), "--pilot", "seed-gr-01", "--json")
    checked = run("verify", str(tmp_path / "p"), "--against", digest.stdout.strip(), "--json")

    assert digest.stdout.startswith("scaletrack digest: 12 events, head sha256:")
    assert exported.exit_code == 0, exported.stderr
    events = lines(tmp_path / "p")
    assert {e["subject"] for e in events} == {"SEED-GR-01"}
    assert [e["version"] for e in events] == [1, 2, 3, 4, 5, 6]
    assert len(lines(tmp_path / "p", "chain.jsonl")) == 12
    assert exported.json()["head"]["hash"] in digest.stdout
    assert checked.exit_code == 0, checked.stderr
    assert checked.json()["filtered"] is True


def test_consortium_and_date_filters_choose_their_events(filled: Ledger, tmp_path: Path,
                                                         run: Run) -> None:
    by_consortium = run("export", "-o", str(tmp_path / "c"), "--consortium", "SEED")
    by_days = run("export", "-o", str(tmp_path / "d"), "--since", "2022-04-04",
                  "--until", "2022-04-05")

    assert (by_consortium.exit_code, by_days.exit_code) == (0, 0)
    assert {e["subject"] for e in lines(tmp_path / "c")} == {"SEED", "SEED-GR-01"}
    assert len(lines(tmp_path / "c")) == 8
    assert {e["time"][:10] for e in lines(tmp_path / "d")} == {"2022-04-04", "2022-04-05"}
    assert len(lines(tmp_path / "d")) == 5
    assert run("verify", str(tmp_path / "c")).exit_code == 0
    assert run("verify", str(tmp_path / "d")).exit_code == 0


def test_later_export_proves_the_earlier_one_is_a_prefix(filled: Ledger, tmp_path: Path,
                                                         run: Run) -> None:
    assert run("export", "-o", str(tmp_path / "q2")).exit_code == 0
    filled.log_event("risk-raised", "SEED-GR-01", {"risk": "R1", "description": "Turnover",
                                                   "severity": "low"}, by(filled, 7))
    assert run("export", "-o", str(tmp_path / "q3")).exit_code == 0

    newer = run("verify", str(tmp_path / "q3"), "--against", str(tmp_path / "q2"))
    older = run("verify", str(tmp_path / "q2"), "--against",
                str(tmp_path / "q3" / "manifest.json"), "--json")
    store = run("verify", "--store", "--against", str(tmp_path / "q2" / "manifest.json"))

    assert newer.exit_code == 0, newer.stderr
    assert store.exit_code == 0, store.stderr
    assert older.exit_code == 1
    assert older.json()["fault"]["kind"] == "truncated"


def test_signed_bundle_verifies_with_its_key_only(filled: Ledger, tmp_path: Path,
                                                  run: Run) -> None:
    made = run("keygen", str(tmp_path / "lead.key"), "--json")
    assert run("keygen", str(tmp_path / "other.key")).exit_code == 0
    exported = run("export", "-o", str(tmp_path / "b"), "--sign", str(tmp_path / "lead.key"))

    good = run("verify", str(tmp_path / "b"), "--pubkey", str(tmp_path / "lead.key.pub"))
    other = run("verify", str(tmp_path / "b"), "--pubkey", str(tmp_path / "other.key.pub"),
                "--json")
    unchecked = run("verify", str(tmp_path / "b"), "--json")

    assert made.exit_code == 0
    assert (tmp_path / "lead.key").stat().st_mode & 0o777 == 0o600
    assert exported.exit_code == 0, exported.stderr
    assert good.exit_code == 0, good.stderr
    assert other.exit_code == 1
    assert other.json()["fault"]["kind"] == "bad signature"
    assert unchecked.json()["signature"] == "present, not checked (give --pubkey)"
    manifest = json.loads((tmp_path / "b" / "manifest.json").read_text())
    assert manifest["signature"]["fingerprint"] == made.json()["fingerprint"]


def test_altered_signature_or_unsigned_bundle_is_a_bad_signature(
        filled: Ledger, tmp_path: Path, run: Run) -> None:
    assert run("keygen", str(tmp_path / "k")).exit_code == 0
    assert run("export", "-o", str(tmp_path / "b"), "--sign", str(tmp_path / "k")).exit_code == 0
    assert run("export", "-o", str(tmp_path / "plain")).exit_code == 0
    signature = tmp_path / "b" / "manifest.sig"
    raw = bytearray(signature.read_bytes())
    raw[10] = ord("A") if raw[10] != ord("A") else ord("B")
    signature.write_bytes(bytes(raw))

    altered = run("verify", str(tmp_path / "b"), "--pubkey", str(tmp_path / "k.pub"))
    unsigned = run("verify", str(tmp_path / "plain"), "--pubkey", str(tmp_path / "k.pub"))

    assert altered.exit_code == unsigned.exit_code == 1
    assert altered.stderr.startswith("error: bad signature")
    assert "not signed" in unsigned.stderr


def test_keygen_never_overwrites_a_key(tmp_path: Path, run: Run) -> None:
    assert run("keygen", str(tmp_path / "k")).exit_code == 0
    before = (tmp_path / "k").read_bytes()

    again = run("keygen", str(tmp_path / "k"))

    assert again.exit_code == 2
    assert "never overwritten" in again.stderr
    assert (tmp_path / "k").read_bytes() == before


def test_bad_export_requests_change_nothing(filled: Ledger, tmp_path: Path, run: Run) -> None:
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "notes.txt").write_text("mine")

    assert run("export", "-o", str(tmp_path / "full")).exit_code == 2
    assert run("export", "-o", str(tmp_path / "x"), "--pilot", "NOPE-01").exit_code == 3
    assert run("export", "-o", str(tmp_path / "x"), "--since", "2022-05-01",
               "--until", "2022-04-01").exit_code == 2
    assert run("verify", str(tmp_path / "missing")).exit_code == 3
    assert run("verify").exit_code == 2
    assert run("verify", str(tmp_path / "full"), "--against", "nonsense").exit_code == 2
    assert not (tmp_path / "x").exists()
    assert [p.name for p in (tmp_path / "full").iterdir()] == ["notes.txt"]


def test_digest_gives_count_head_and_times(filled: Ledger, run: Run) -> None:
    shown = run("digest", "--json")
    line = run("digest").stdout.strip()

    assert shown.exit_code == 0
    digest = shown.json()
    assert (digest["count"], digest["recorded_at"]) == (12, "2022-04-06T09:30:00Z")
    assert line.startswith(f"scaletrack digest: 12 events, head sha256:{digest['hash']}, taken ")
    assert run("verify", "--store", "--against", json.dumps(digest)).exit_code == 0


def test_chain_module_verifies_a_bundle_with_the_standard_library_alone(
        filled: Ledger, tmp_path: Path, run: Run) -> None:
    assert run("export", "-o", str(tmp_path / "b"), "--pilot", "FUSE-PT-01").exit_code == 0
    alone = [sys.executable, "-I", "-S", scaletrack.audit.chain.__file__]

    valid = subprocess.run([*alone, str(tmp_path / "b")], capture_output=True, text=True,
                           check=False)
    events = tmp_path / "b" / "events.jsonl"
    events.write_bytes(events.read_bytes().replace(b'"funder":"ESF+"', b'"funder":"ESF-"'))
    invalid = subprocess.run([*alone, str(tmp_path / "b")], capture_output=True, text=True,
                             check=False)

    assert valid.returncode == 0, valid.stderr
    assert valid.stdout.startswith("valid: 2 events; the log has 12")
    assert invalid.returncode == 1
    assert invalid.stderr.startswith("INVALID: altered at position")
