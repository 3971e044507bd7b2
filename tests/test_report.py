"""``scaletrack report``: what a managing authority is sent says what the views say at the
same point, names its basis, and comes out byte for byte the same from that basis."""

from __future__ import annotations

import re
import shutil
import subprocess
from html import unescape
from pathlib import Path
from typing import Any

import pytest

from expect import RENDERED

PILOT_REPORT = ["report", "--pilot", "SEED-GR-01", "--period", "2022-Q3", "--known-at",
                "2022-10-31", "--format", "pdf"]


def tool(name: str) -> str:
    """A poppler-utils program; `make test` installs them, and their absence is a failure."""
    found = shutil.which(name)
    if found is None:
        pytest.fail(f"{name} is missing: apt-get install poppler-utils (make test does)")
    return found


def pdf_text(path: Path) -> str:
    return subprocess.run([tool("pdftotext"), "-layout", str(path), "-"], check=True,
                          capture_output=True, text=True).stdout


def first_page_png(path: Path, config: pytest.Config) -> Path:
    """Page 1 as a PNG beside the PDF, for a person to look at."""
    stem = path.with_suffix("")
    subprocess.run([tool("pdftoppm"), "-png", "-r", "70", "-f", "1", "-l", "1",
                    "-singlefile", str(path), str(stem)], check=True, capture_output=True)
    png = stem.with_suffix(".png")
    assert png.read_bytes().startswith(b"\x89PNG")
    config.stash.setdefault(RENDERED, []).append(f"first page of {path.name}: {png}")
    return png


def figure(value: Any) -> str:
    """A number as the view's JSON has it, as the report prints it."""
    return "\u2013" if value is None else str(value)


def digest_at(cli: Any, url: str, known_at: str) -> dict[str, Any]:
    result = cli("--db", url, "digest", "--known-at", known_at, "--json")
    assert result.exit_code == 0, result
    found: dict[str, Any] = result.json()
    return found


def carries_impact_rows(text: str, rows: list[dict[str, Any]]) -> None:
    """Every impact row is a line of the report with its figures in the same order."""
    lines = text.splitlines()
    assert rows
    for row in rows:
        cells = [row["pilot"], row["indicator"], row["period"], figure(row["target"]),
                 figure(row["target_to_date"]), figure(row["achieved"]),
                 f"{row['percent']}%" if row["percent"] is not None else "\u2013",
                 *row["status"].split("-")]
        assert any(line.split()[:3] == cells[:3] and _in_order(line, cells[3:])
                   for line in lines if line.strip()), row


def _in_order(line: str, cells: list[str]) -> bool:
    words, at = line.split(), 3
    for cell in cells:
        try:
            at = words.index(cell, at) + 1
        except ValueError:
            return False
    return True


def test_a_pilot_report_carries_the_impact_figures_and_the_digest_at_its_known_at(
        demo_url: str, cli: Any, tmp_path: Path, pytestconfig: pytest.Config) -> None:
    report = tmp_path / "r.pdf"
    made = cli("--db", demo_url, *PILOT_REPORT, "-o", str(report))
    assert made.exit_code == 0, made
    assert report.read_bytes().startswith(b"%PDF-")
    text = pdf_text(report)
    digest = digest_at(cli, demo_url, "2022-10-31")
    assert f"{digest['count']} events, head sha256:{digest['hash']}" in text
    assert "SEED-GR-01" in text
    assert "2022-Q3" in text
    impact = cli("--db", demo_url, "impact", "--pilot", "SEED-GR-01", "--period", "2022-Q3",
                 "--as-of", "2022-10-31", "--known-at", "2022-10-31", "--json").json()
    carries_impact_rows(text, impact["rows"])
    assert not re.search(r"\b[a-z]+-(track|risk|yet|out|assessed|scaled|run)\b", text), \
        "a stage or a status shown as its code"
    assert text.count("Regenerate: scaletrack report --pilot SEED-GR-01") == text.count("page ")
    first_page_png(report, pytestconfig)

    first = report.read_bytes()
    assert cli("--db", demo_url, *PILOT_REPORT, "-o", str(report)).exit_code == 0
    assert report.read_bytes() == first

    assert cli("--db", demo_url, "report", "--check", str(report)).exit_code == 0
    changed = bytearray(report.read_bytes())
    changed[len(changed) // 2] ^= 0x01
    report.write_bytes(bytes(changed))
    assert cli("--db", demo_url, "report", "--check", str(report)).exit_code == 1
    (tmp_path / "junk.pdf").write_bytes(b"not a report")
    assert cli("--db", demo_url, "report", "--check", str(tmp_path / "junk.pdf")).exit_code == 2


@pytest.fixture
def demo_copy(demo_url: str, tmp_path: Path) -> str:
    """A writable copy of the demo store."""
    source = Path(demo_url.removeprefix("sqlite:///"))
    for suffix in ("", "-wal", "-shm"):
        if Path(f"{source}{suffix}").exists():
            shutil.copy(f"{source}{suffix}", tmp_path / f"copy.db{suffix}")
    return f"sqlite:///{tmp_path / 'copy.db'}"


def test_a_later_correction_changes_a_report_only_at_a_later_known_at(
        demo_copy: str, cli: Any, tmp_path: Path, pytestconfig: pytest.Config) -> None:
    report = tmp_path / "consortium.pdf"
    ask = ["--db", demo_copy, "report", "--consortium", "SEED", "--from", "2022-07-01",
           "--to", "2022-09-30", "--known-at", "2022-10-31", "--format", "pdf"]
    assert cli(*ask, "-o", str(report)).exit_code == 0
    before = report.read_bytes()
    impact = cli("--db", demo_copy, "impact", "--consortium", "SEED", "--period", "2022-Q3",
                 "--as-of", "2022-10-31", "--known-at", "2022-10-31", "--json").json()
    carries_impact_rows(pdf_text(report), impact["rows"])
    first_page_png(report, pytestconfig)

    sites = next(r["id"] for r in cli("--db", demo_copy, "pilot", "history", "SEED-GR-01",
                                      "--json").json()
                 if r["type"] == "pilot.result-reported"
                 and (r["data"]["indicator"], r["data"]["period"]) == ("SITES", "2022-Q3"))
    for write in (["log", "period-unlocked", "SEED-GR-01", "--period", "2022-Q3",
                   "--reason", "A late adopter", "--occurred-on", "2022-11-02"],
                  ["correct", sites, "--set", "value=9", "--set",
                   'breakdown={"country": {"GR": 9}}', "--reason", "A late adopter"]):
        assert cli("--db", demo_copy, *write, "--actor", "tester").exit_code == 0
    assert cli("--db", demo_copy, "report", "--check", str(report)).exit_code == 0
    assert cli(*ask, "-o", str(report)).exit_code == 0
    assert report.read_bytes() == before

    later = tmp_path / "later.pdf"  # known at the last event: the correction
    known_at = ask.index("--known-at")
    assert cli(*ask[:known_at], *ask[known_at + 2:], "-o", str(later)).exit_code == 0
    text = pdf_text(later)
    assert sites in text  # among the corrections
    assert "A late adopter" in text
    now = cli("--db", demo_copy, "impact", "--consortium", "SEED", "--period", "2022-Q3",
              "--json").json()
    carries_impact_rows(text, now["rows"])
    assert now["rows"] != impact["rows"]


def test_a_portfolio_report_as_html_is_self_contained_and_checks(
        demo_url: str, cli: Any, tmp_path: Path) -> None:
    page = tmp_path / "portfolio.html"
    ask = ["--db", demo_url, "report", "--period", "2023-Q1", "--known-at", "2023-05-01",
           "--format", "html", "-o", str(page)]
    assert cli(*ask).exit_code == 0
    html = page.read_text(encoding="utf-8")
    digest = digest_at(cli, demo_url, "2023-05-01")
    assert html.count(f"{digest['count']} events, head sha256:{digest['hash']}") >= 2
    for reference in ("<script", "<link", "src=", "@import", "url("):
        assert reference not in html  # nothing fetched from anywhere
    assert "<svg" in html
    assert "(synthetic)" in html
    portfolio = cli("--db", demo_url, "portfolio", "--as-of", "2023-05-01", "--known-at",
                    "2023-05-01", "--json").json()
    part = next(r for r in portfolio["roll_ups"] if r["indicator"] == "EECO01")
    assert f"<td>{part['total']}</td>" in html
    assert cli("--db", demo_url, "report", "--check", str(page)).exit_code == 0
    page.write_text(html.replace("Milestones", "Milestone"), encoding="utf-8")
    assert cli("--db", demo_url, "report", "--check", str(page)).exit_code == 1


@pytest.mark.parametrize(("args", "code"), [
    (["--pilot", "NOPE-01", "--format", "pdf", "-o", "x.pdf"], 3),
    (["--pilot", "SEED-GR-01", "--consortium", "SEED", "--format", "pdf", "-o", "x.pdf"], 2),
    (["--period", "2022-Q3", "--from", "2022-01-01", "--format", "pdf", "-o", "x.pdf"], 2),
    (["--format", "pdf"], 2),
    (["--check", "missing.pdf"], 2),
])
def test_bad_requests_are_refused_in_one_line(demo_url: str, cli: Any, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch, args: list[str],
                                              code: int) -> None:
    monkeypatch.chdir(tmp_path)
    result = cli("--db", demo_url, "report", *args)
    assert (result.exit_code, result.stdout) == (code, "")
    assert result.stderr.startswith("error: ")
    assert result.stderr.count("\n") == 1
    assert not (tmp_path / "x.pdf").exists()


def test_a_closed_pilots_report_rates_nothing_after_its_closure_and_names_the_thresholds(
        demo_url: str, cli: Any, tmp_path: Path) -> None:
    report = tmp_path / "closed.html"
    made = cli("--db", demo_url, "report", "--pilot", "PENCIL-FI-01", "--period", "2023-Q1",
               "--format", "html", "-o", str(report))
    assert made.exit_code == 0, made
    text = report.read_text()

    part = [line for line in text.split("<tr>") if "<td>EECO01</td>" in line
            and "2023-Q1" in line]
    assert len(part) == 1
    assert "closed" in part[0]
    assert "off track" not in part[0]
    assert "On track from 90%, at risk from 60%" in text


def test_a_reports_decisions_read_as_the_pilot_pages_decision_log(
        demo_url: str, cli: Any, tmp_path: Path) -> None:
    report = tmp_path / "decisions.html"
    made = cli("--db", demo_url, "report", "--pilot", "SEED-GR-01", "--format", "html",
               "-o", str(report))
    assert made.exit_code == 0, made
    section = unescape(report.read_text().split("<h2>Decisions and adaptations</h2>")[1]
                       .split("</section>")[0])
    rows = [re.findall(r"<td>(.*?)</td>", row) for row in section.split("<tr>")[2:]]
    kinds = {row[2] for row in rows}
    details = [row[3] for row in rows]

    assert {"stage advanced", "HR process changed", "adoption decided"} <= kinds
    assert "From stage: proposed; To stage: readiness assessed" in details
    assert any(re.search(r"ESF\+-funded: (yes|no)", d) for d in details)
    assert any(re.search(r"Budget: \d{1,3}(,\d{3})*\xa0EUR", d) for d in details)
    assert any(re.search(r"Duration: \d+ months?", d) for d in details)
    assert not [d for d in details if re.search(r"\b[a-z]+_[a-z_]+ |True|False|None", d)]
