"""Property: rows of any kind and content round-trip through the template format.

Hypothesis writes a valid sequence of rows (a consortium, indicators and
pilots, then entries, decisions, milestones, risks, corrections and
retractions, with arbitrary text, numbers and dates) to a CSV, XLSX or JSON
Lines file and imports it into a fresh store. The recorded events are dumped
back to a file in the template format and imported into another fresh store:
both stores must hold the same events. The stores are SQLite files made per
example; the property is about the file formats, not the backend.
"""

from __future__ import annotations

import tempfile
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scaletrack.application.importing.importer import import_files
from scaletrack.application.importing.row_kinds import IMPORT_KINDS
from scaletrack.application.importing.rows import ImportOptions
from scaletrack.application.importing.spreadsheets import SheetWriter
from scaletrack.application.importing.templates import Layout, dump
from scaletrack.application.ledger import Ledger
from scaletrack.application.records import EventRecord
from scaletrack.application.store import StoreURL

FORMATS = ("csv", "xlsx", "jsonl")

text = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1,
               max_size=24).map(str.strip).filter(bool)
"""Any printable text; cells and the domain's text fields drop surrounding spaces."""

amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal(10**12), places=2)
counts = st.decimals(min_value=0, max_value=10**6, places=2)


def period(day: date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


class Story:
    """Rows drawn one by one, with just enough state to keep every row valid."""

    def __init__(self, draw: Any) -> None:
        self.draw = draw
        self.rows: list[dict[str, Any]] = []
        self.pilots: dict[str, dict[str, Any]] = {}
        self.day = date(2021, 1, 1)
        """Rows happen in the order they are written (nothing before its consortium)."""

    def next_day(self) -> date:
        self.day = self.draw(st.dates(self.day, min(self.day + timedelta(days=60),
                                                    date(2023, 6, 30))))
        return self.day

    def add(self, kind: str, values: dict[str, Any], reason: bool = False,
            on: date | None = None) -> None:
        self.rows.append({"kind": kind, **values, "occurred_on": on or self.next_day(),
                          "actor": self.draw(text),
                          "reason": self.draw(text) if reason else self.draw(
                              st.none() | text)})
        if "pilot" in values and kind != "pilot":
            self.pilots[values["pilot"]]["version"] += 1

    def start(self) -> None:
        self.add("consortium", {"consortium": "SEED", "name": self.draw(text),
                                "lead": self.draw(text), "countries": ["IT", "GR", "SI"]})
        self.add("consortium-partner", {"consortium": "SEED", "organisation": self.draw(text),
                                        "country": "GR", "role": self.draw(text)})
        self.add("indicator", {"indicator": "PART", "name": self.draw(text), "level": "output",
                               "measure": "unit", "unit": self.draw(text),
                               "direction": "higher", "accumulation": "incremental",
                               "dimensions": ["sex", "age-band"]})
        self.add("indicator", {"indicator": "POLICY", "name": self.draw(text),
                               "level": "impact", "measure": "qualitative", "unit": "",
                               "direction": "higher", "accumulation": "snapshot"})
        for code in self.draw(st.lists(st.sampled_from(["SEED-GR-01", "SEED-SI-02"]),
                                       min_size=1, max_size=2, unique=True)):
            core, adaptable = self.draw(st.lists(text, min_size=2, max_size=4, unique=True)
                                        .map(lambda c: (c[:1], c[1:])))
            self.pilots[code] = {"version": 1, "components": core + adaptable,
                                 "entries": [], "refs": 0, "results": {}}
            self.add("pilot", {"pilot": code, "consortium": "SEED", "title": self.draw(text),
                               "innovation": self.draw(text), "origin_country": "IT",
                               "target_countries": [code[5:7]], "core_components": core,
                               "adaptable_components": adaptable,
                               "starts_on": date(2021, 1, 4), "ends_on": date(2023, 12, 29)})
            # planned, so that it may take adoption decisions
            self.add("readiness", {"pilot": code, "score": 70, "summary": self.draw(text)})
            self.pilots[code]["entries"].append(self.pilots[code]["version"])
            for stage in ("readiness-assessed", "planned"):
                self.add("stage", {"pilot": code, "to_stage": stage})

    def step(self) -> None:
        code = self.draw(st.sampled_from(sorted(self.pilots)))
        pilot = self.pilots[code]
        pilot["refs"] += 1
        ref = pilot["refs"]
        entry = True
        choice = self.draw(st.sampled_from(
            ["result", "narrative", "funding", "business-model", "hr-change", "adoption",
             "adaptation", "evaluation", "readiness", "milestone-planned", "risk-raised",
             "partner-joined", "target", "correction", "retraction"]))
        if choice in ("result", "narrative"):
            on = self.next_day()  # a result for a period that has begun
            indicator = "PART" if choice == "result" else "POLICY"
            quarter = period(self.draw(st.dates(date(2021, 1, 1), on)))
            if f"{indicator}|{quarter}" in pilot["results"]:  # one result per period
                self.add("readiness", {"pilot": code, "score": 60, "summary": self.draw(text)})
            elif choice == "result":
                women, men = self.draw(counts), self.draw(counts)
                self.add("result", {"pilot": code, "indicator": "PART", "period": quarter,
                                    "value": women + men,
                                    "breakdown": {"sex": {"women": women, "men": men}}}, on=on)
            else:
                self.add("result", {"pilot": code, "indicator": "POLICY", "period": quarter,
                                    "narrative": self.draw(text)}, on=on)
            if self.rows[-1]["kind"] == "result":
                pilot["results"][f"{indicator}|{quarter}"] = pilot["version"]
        elif choice == "funding":
            self.add("funding", {"pilot": code, "funder": self.draw(text),
                                 "amount_eur": self.draw(amounts), "currency": "EUR"})
        elif choice == "business-model":
            share = self.draw(st.decimals(min_value=0, max_value=100, places=1))
            sources = self.draw(st.lists(text, min_size=2, max_size=2, unique=True))
            self.add("business-model", {"pilot": code,
                                        "revenue_mix": dict(zip(sources, [share, 100 - share],
                                                                strict=True)),
                                        "cost_per_beneficiary_eur": self.draw(amounts),
                                        "summary": self.draw(text)})
        elif choice == "hr-change":
            self.add("hr-change", {"pilot": code, "roles": self.draw(st.lists(text, max_size=3)),
                                   "fte": self.draw(counts), "training": self.draw(text),
                                   "summary": self.draw(text)})
        elif choice == "adoption":
            self.add("adoption", {"pilot": code, "provider": self.draw(text),
                                  "level": self.draw(st.sampled_from(["local", "national"])),
                                  "decision": "adopted", "instrument": self.draw(text),
                                  "budget_eur": self.draw(st.none() | counts),
                                  "duration_months": self.draw(st.none() | st.integers(1, 60)),
                                  "coverage": self.draw(st.none() | text),
                                  "esf_funded": self.draw(st.none() | st.booleans())})
        elif choice == "adaptation":  # a core component's deviation needs a reason
            self.add("adaptation", {"pilot": code, "summary": self.draw(text),
                                    "component": self.draw(st.sampled_from(
                                        pilot["components"]))}, reason=True)
        elif choice == "evaluation":
            self.add("evaluation", {"pilot": code, "method": self.draw(text),
                                    "findings": self.draw(text), "recommendation": "adapt",
                                    "design": "qualitative",
                                    "independence": self.draw(st.sampled_from(
                                        ["internal", "external", "independent"])),
                                    "sample_size": self.draw(st.none() | st.integers(1, 900)),
                                    "evidence_level": self.draw(st.none() | st.integers(1, 5))})
        elif choice == "readiness":
            self.add("readiness", {"pilot": code, "score": self.draw(st.integers(0, 100)),
                                   "summary": self.draw(text)})
        elif choice == "target":
            year, quarter = divmod(ref, 4)
            self.add("target", {"pilot": code, "indicator": "PART", "baseline": None,
                                "period": f"{2021 + year}-Q{quarter + 1}",
                                "target": self.draw(counts)})
        else:
            entry = False
            self.state_change(choice, code, pilot, ref)
        if entry:
            pilot["entries"].append(pilot["version"])

    def state_change(self, choice: str, code: str, pilot: dict[str, Any], ref: int) -> None:
        if choice == "milestone-planned":
            self.add(choice, {"pilot": code, "milestone": f"M{ref}", "title": self.draw(text),
                              "due_on": self.draw(st.dates(date(2000, 1, 1)))})
        elif choice == "risk-raised":
            self.add(choice, {"pilot": code, "risk": f"R{ref}", "severity": "low",
                              "description": self.draw(text)})
        elif choice == "partner-joined":
            self.add(choice, {"pilot": code, "organisation": f"{self.draw(text)} {ref}",
                              "country": "GR", "role": self.draw(text)})
        elif pilot["entries"]:
            target = self.draw(st.sampled_from(pilot["entries"]))
            pilot["entries"].remove(target)
            values: dict[str, Any] = {"pilot": code, "entry": f"{code}@{target}"}
            if choice == "correction":
                # never the summary it has: a correction changing nothing is refused
                values["changes"] = {"summary": f"{self.draw(text)} (correction {ref})"}
                kind = self.kind_of(code, target)
                if kind not in ("business-model", "hr-change", "adaptation", "readiness"):
                    pilot["entries"].append(target)
                    return
            else:  # a retracted result frees its period
                pilot["results"] = {k: v for k, v in pilot["results"].items() if v != target}
            self.add(choice, values, reason=True)

    def kind_of(self, code: str, version: int) -> str:
        own = [r["kind"] for r in self.rows if r.get("pilot") == code]
        return str(own[version - 1])


@st.composite
def stories(draw: Any) -> list[dict[str, Any]]:
    story = Story(draw)
    story.start()
    for _ in range(draw(st.integers(1, 25))):
        story.step()
    return story.rows


def write(rows: list[dict[str, Any]], path: Path) -> None:
    kinds = [IMPORT_KINDS[k] for k in dict.fromkeys(r["kind"] for r in rows)]
    layout = Layout.of(kinds)
    with SheetWriter(path, layout.header) as out:
        for row in rows:
            layout.write(out, IMPORT_KINDS[row["kind"]],
                         {k: v for k, v in row.items() if k != "kind"})


def imported(url: str, path: Path) -> Ledger:
    ledger = Ledger(StoreURL.parse(url))
    [report] = import_files(ledger, [path], ImportOptions())
    assert report.problems == [], report.problems
    assert report.written
    return ledger


def history(ledger: Ledger) -> list[dict[str, Any]]:
    codes: dict[Any, str] = {}
    records = []
    for event in ledger.all_events():
        codes.setdefault(event.originator_id, getattr(event, "code", ""))
        record = EventRecord.of(event, codes[event.originator_id]).as_dict()
        del record["recorded_at"]
        records.append(record)
    return records


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=stories(), first=st.sampled_from(FORMATS), second=st.sampled_from(FORMATS))
def test_rows_recorded_dumped_and_imported_again_give_the_same_events(
        rows: list[dict[str, Any]], first: str, second: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        write(rows, work / f"rows.{first}")
        original = imported(f"sqlite:///{work / 'a.db'}", work / f"rows.{first}")
        recorded = history(original)
        dump(original, work / f"dump.{second}")
        original.close()
        again = imported(f"sqlite:///{work / 'b.db'}", work / f"dump.{second}")

        assert history(again) == recorded
        assert [r["type"] for r in recorded] == [IMPORT_KINDS[r["kind"]].event.TYPE
                                                for r in rows]
        assert {r["source"] for r in recorded} == {"import"}
        again.close()
