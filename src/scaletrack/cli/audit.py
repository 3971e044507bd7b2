"""``scaletrack export | verify | digest | keygen``: verifiable audit exports (docs/AUDIT.md)."""

from __future__ import annotations

import sys
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path

import click

from scaletrack.cli.context import session
from scaletrack.cli.options import CODE, DATE, MOMENT, AnyPath, json_option
from scaletrack.cli.render import emit_fields, emit_json, say

PATH = AnyPath(path_type=Path)


@contextmanager
def _progress(label: str, total: int) -> Iterator[Callable[[int], None] | None]:
    """A progress bar on stderr when it is a terminal; nothing otherwise."""
    if not sys.stderr.isatty() or total < 10_000:
        yield None
        return
    from rich.progress import Progress

    with Progress(transient=True) as bar:
        task = bar.add_task(label, total=total)
        yield lambda done: bar.update(task, completed=done)


@click.command()
@click.option("-o", "--output", type=PATH, required=True, metavar="DIR",
              help="A new (or empty) folder for the bundle.")
@click.option("--pilot", type=CODE, help="Only this pilot's events in full.")
@click.option("--consortium", type=CODE,
              help="Only this consortium's events, and its pilots', in full.")
@click.option("--since", type=DATE, metavar="YYYY-MM-DD",
              help="Only events recorded on or after this day (UTC).")
@click.option("--until", type=DATE, metavar="YYYY-MM-DD",
              help="Only events recorded on or before this day (UTC).")
@click.option("--csv", "with_csv", is_flag=True, help="Also write events.csv.")
@click.option("--sign", "key_file", type=PATH, metavar="KEY",
              help="Sign the manifest with this Ed25519 private key (see keygen).")
@json_option
def export(output: Path, pilot: str | None, consortium: str | None, since: date | None,
           until: date | None, with_csv: bool, key_file: Path | None, as_json: bool) -> None:
    """Export the event log as a bundle anyone can verify without the store.

    The bundle holds events.jsonl (CloudEvents 1.0, one per line), manifest.json
    (count, positions, the head digest of the whole log), schemas/ and, with
    --csv, events.csv. A filtered bundle carries every event's digest and the
    chosen events in full, so it still verifies against the whole log's head.
    Prints nothing on stdout but the manifest with --json.

    \b
    Example:
      scaletrack export -o audit-2023q2 --csv
      scaletrack export -o seed-gr-01 --pilot SEED-GR-01 --sign lead.key
    """
    from scaletrack.audit.export import Selection
    from scaletrack.audit.export import export as write_bundle
    from scaletrack.audit.signing import load_private
    from scaletrack.domain.errors import InvalidInput

    if since and until and since > until:
        raise InvalidInput(f"--since {since} is after --until {until}")
    key = load_private(key_file) if key_file else None
    ledger = session().ledger()
    with _progress("exporting", ledger.event_count()) as progress:
        manifest = write_bundle(ledger, output, Selection(pilot, consortium, since, until),
                                with_csv=with_csv, key=key, progress=progress)
    if as_json:
        emit_json(manifest)
        return
    head = manifest["head"]
    say(f"exported {manifest['events']['count']} of {head['count']} events to {output}"
        f"{' (signed)' if key else ''}; head sha256:{head['hash']}")


@click.command()
@click.argument("bundle", type=PATH, required=False)
@click.option("--store", "live", is_flag=True,
              help="Check the live store against its own chain instead of a bundle.")
@click.option("--against", metavar="OLD",
              help="An older manifest.json, bundle folder or digest line: prove the log it "
                   "describes is a prefix of this one.")
@click.option("--pubkey", type=PATH, metavar="KEY.pub",
              help="Check the bundle's signature with this Ed25519 public key.")
@json_option
def verify(bundle: Path | None, live: bool, against: str | None, pubkey: Path | None,
           as_json: bool) -> None:
    """Check a bundle offline (its folder, or the zip the web pages download), or the
    live store, against the hash chain.

    Exit 0 if valid. Exit 1 if not, naming the first bad position and the
    fault: altered, missing, inserted, reordered, truncated, manifest mismatch
    or bad signature.

    \b
    Example:
      scaletrack verify audit-2023q2 --pubkey lead.key.pub
      scaletrack verify audit-2023q3 --against audit-2023q2/manifest.json
      scaletrack verify --store --against "scaletrack digest: 1200 events, head sha256:..."
    """
    from scaletrack.audit.errors import AuditFailed
    from scaletrack.audit.verify import verify_bundle_folder, verify_store

    if (bundle is None) == (not live):
        raise click.UsageError("give a bundle folder or --store (one of them)")
    if live and pubkey:
        raise click.UsageError("--pubkey checks a bundle's signature; the store has none")
    try:
        if live:
            ledger = session().ledger()
            with _progress("verifying", ledger.event_count()) as progress:
                store_report = verify_store(ledger, against, progress)
            report = store_report.as_dict()
        else:
            assert bundle is not None
            with _unzipped(bundle) as folder, _progress("verifying",
                                                         _bundle_size(folder)) as progress:
                bundle_report = verify_bundle_folder(folder, against, pubkey, progress)
            report = {**bundle_report.as_dict(), "signature": (
                "checked" if pubkey else "present, not checked (give --pubkey)"
                if bundle_report.signed else "none")}
    except AuditFailed as failed:
        if as_json:
            emit_json({"valid": False, "fault": failed.fault.as_dict()})
        raise
    if as_json:
        emit_json(report)
        return
    if "checked" in report:
        report["checked"] = f"{len(report['checked'])} files match their SHA-256 in the manifest"
    emit_fields({key: value for key, value in report.items() if value is not None})


@contextmanager
def _unzipped(bundle: Path) -> Iterator[Path]:
    """The bundle folder: as given, or unpacked from the zip the server's pages download."""
    if not (bundle.is_file() and zipfile.is_zipfile(bundle)):
        yield bundle
        return
    from scaletrack.audit.zipped import unpack_bundle

    with tempfile.TemporaryDirectory(prefix="scaletrack-verify-") as scratch:
        yield unpack_bundle(bundle.read_bytes(), Path(scratch))


def _bundle_size(bundle: Path) -> int:
    from scaletrack.audit.chain import read_head

    try:
        return read_head(str(bundle)).count
    except (ValueError, OSError):
        return 0


@click.command()
@click.option("--known-at", type=MOMENT, metavar="DATETIME",
              help="The head as it stood at this moment: the events recorded by then "
                   "(a bare date means the end of that day; no zone means UTC).")
@json_option
def digest(known_at: datetime | None, as_json: bool) -> None:
    """Print the head digest of the store's log: event count, head hash and time.

    Paste the line into a report; a later 'verify --against' with it proves
    that nothing recorded before it has changed since. With --known-at, the
    head a report made at that moment carries.

    \b
    Example:
      scaletrack digest
      scaletrack digest --json > digest-2023-06-30.json
      scaletrack digest --known-at 2022-10-31
    """
    from scaletrack.audit.verify import head_digest, head_known_at

    ledger = session().ledger()
    current = head_known_at(ledger, known_at) if known_at else head_digest(ledger)
    emit_json(current.as_dict()) if as_json else click.echo(current.line)


@click.command()
@click.argument("key_file", type=PATH, metavar="KEY")
@json_option
def keygen(key_file: Path, as_json: bool) -> None:
    """Make an Ed25519 key pair: KEY (private, owner-only) and KEY.pub.

    Keep KEY to sign exports (export --sign KEY); give KEY.pub to auditors
    (verify --pubkey KEY.pub). Existing files are never overwritten.

    \b
    Example:
      scaletrack keygen lead.key
    """
    from scaletrack.audit.signing import fingerprint, load_public
    from scaletrack.audit.signing import keygen as make_pair

    private, public = make_pair(key_file)
    print_ = fingerprint(load_public(public))
    if as_json:
        emit_json({"private_key": str(private), "public_key": str(public),
                   "fingerprint": print_})
        return
    click.echo(str(public))
    say(f"wrote {private} (keep it secret) and {public}; fingerprint sha256:{print_}")
