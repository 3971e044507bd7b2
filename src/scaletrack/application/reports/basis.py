"""What a report stands on, written into every page and into the file itself.

The basis is the report's request made explicit (scope, period, both points
in time, format, file name) plus the head digest of the store at its known-at
moment. Its command regenerates the same bytes; ``report --check`` reads the
basis back from a file and does exactly that.
"""

from __future__ import annotations

import json
import re
import shlex
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from scaletrack.domain.errors import InvalidInput, ScaletrackError

MARK = "scaletrack-basis:"
"""Starts the basis in a PDF's subject and an HTML page's meta element."""

FORMATS = ("pdf", "html")


class ReportDiffers(ScaletrackError):
    """A report file is not what its basis makes (exit 1, like a failed verification)."""


@dataclass(frozen=True)
class Basis:
    pilot: str | None
    consortium: str | None
    period: str | None
    """A reporting period (YYYY-QN), or None for a date range (or all time)."""
    start: date | None
    end: date | None
    as_of: date
    known_at: datetime
    format: str
    output: str
    """The file's name, as the command names it."""
    events: int
    head: str
    """The head digest at known-at: how many events, and the hash of the last."""

    @property
    def scope(self) -> str:
        if self.pilot:
            return f"pilot {self.pilot}"
        return f"consortium {self.consortium}" if self.consortium else "portfolio"

    @property
    def span(self) -> str:
        if self.period:
            return self.period
        if self.start or self.end:
            return f"{self.start or 'the start'} to {self.end or self.as_of}"
        return f"all periods to {self.as_of}"

    @property
    def digest(self) -> str:
        return f"{self.events} events, head sha256:{self.head}"

    @property
    def known_at_text(self) -> str:
        return self.known_at.astimezone(UTC).isoformat().replace("+00:00", "Z")

    def command(self) -> str:
        words = ["scaletrack", "report"]
        if self.pilot:
            words += ["--pilot", self.pilot]
        if self.consortium:
            words += ["--consortium", self.consortium]
        if self.period:
            words += ["--period", self.period]
        else:
            words += [w for flag, day in (("--from", self.start), ("--to", self.end)) if day
                      for w in (flag, day.isoformat())]
        words += ["--as-of", self.as_of.isoformat(), "--known-at", self.known_at_text,
                  "--format", self.format, "-o", self.output]
        return shlex.join(words)

    def encode(self) -> str:
        fields = {k: (v.isoformat() if isinstance(v, date | datetime) else v)
                  for k, v in asdict(self).items()}
        fields["known_at"] = self.known_at_text
        return MARK + json.dumps(fields, sort_keys=True, separators=(",", ":"))

    @classmethod
    def decode(cls, text: str) -> Basis:
        if not text.startswith(MARK):
            raise InvalidInput("no scaletrack basis in the file")
        try:
            fields: dict[str, Any] = json.loads(text[len(MARK):])
            for name in ("start", "end", "as_of"):
                if fields[name] is not None:
                    fields[name] = date.fromisoformat(fields[name])
            fields["known_at"] = datetime.fromisoformat(fields["known_at"].replace("Z", "+00:00"))
            basis = cls(**fields)
        except (ValueError, TypeError, KeyError) as error:
            raise InvalidInput(f"the file's scaletrack basis is unreadable ({error})") from None
        if basis.format not in FORMATS:
            raise InvalidInput(f"the file's basis names an unknown format {basis.format!r}")
        return basis


def quarter_span(period: str) -> tuple[date, date]:
    """The first and last day of a reporting period YYYY-QN."""
    match = re.fullmatch(r"(\d{4})-Q([1-4])", period)
    if not match:
        raise InvalidInput(f"{period!r} is not a reporting period", hint="write YYYY-QN")
    year, quarter = int(match[1]), int(match[2])
    first = date(year, 3 * quarter - 2, 1)
    following = date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)
    return first, following - timedelta(days=1)


def quarter_of(day: date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def basis_at(ledger: Any, pilot: str | None, consortium: str | None, period: str | None,
             start: date | None, end: date | None, as_of: date | None,
             known_at: datetime | None, format_: str, output: str) -> Basis:
    """The basis of a report asked for now: known-at defaults to the last event's
    recorded-at, as-of to the known-at day; the head digest is the one at known-at."""
    from scaletrack.audit.verify import head_digest, head_known_at

    if known_at is None:
        last = head_digest(ledger).recorded_at
        known_at = (datetime.fromisoformat(last.replace("Z", "+00:00")) if last
                    else ledger.clock())
    known_at = known_at.astimezone(UTC)
    head = head_known_at(ledger, known_at).head
    return Basis(pilot, consortium, period, start, end, as_of or known_at.date(), known_at,
                 format_, output, head.count, head.hash)
