"""Downloads and drill-down from the pages: a report and each view as XLSX or CSV at the
page's point in time; every consortium and country cell of the dashboard opens its pilots."""

from __future__ import annotations

import html
import io
import re

from openpyxl import load_workbook

from people import SignIn

PILOT = "SEED-GR-01"


def hrefs(page: str, text: str) -> list[str]:
    return [html.unescape(h) for h in re.findall(rf'<a href="([^"]+)"[^>]*>{re.escape(text)}</a>',
                                                 page)]


def test_the_pilot_page_offers_its_report_and_views_at_its_point(as_: SignIn) -> None:
    client = as_("evaluator")
    point = "as_of=2022-12-31&known_at=2023-01-15T00%3A00%3A00Z"
    page = client.get(f"/pilots/{PILOT}?{point}").text
    [report] = hrefs(page, "Download report (PDF)")
    assert report.startswith(f"/api/v1/reports?format=pdf&pilot={PILOT}&as_of=2022-12-31")
    assert "known_at=2023-01-15" in report
    sheets = hrefs(page, "XLSX")
    assert any(h.startswith("/api/v1/views/impact?format=xlsx") and "as_of=2022-12-31" in h
               for h in sheets)
    assert any(h.startswith("/api/v1/views/decisions?") for h in sheets)
    impact = next(h for h in sheets if "/impact?" in h)
    answer = client.get(impact)
    assert answer.status_code == 200
    assert load_workbook(io.BytesIO(answer.content)).sheetnames
    csv = client.get(next(h for h in hrefs(page, "CSV") if "/impact?" in h))
    assert csv.status_code == 200
    assert PILOT in csv.text


def test_the_report_download_from_the_pilot_page_is_a_pdf(as_: SignIn) -> None:
    client = as_("lead")
    page = client.get(f"/pilots/{PILOT}").text
    [report] = hrefs(page, "Download report (PDF)")
    answer = client.get(report)
    assert answer.status_code == 200
    assert answer.content.startswith(b"%PDF")


def test_the_dashboard_offers_the_consortium_report_and_its_views(as_: SignIn) -> None:
    page = as_("officer").get("/?consortium=SEED").text
    [report] = hrefs(page, "Download report (PDF)")
    assert "consortium=SEED" in report
    assert any("/api/v1/views/progress?format=xlsx&consortium=SEED" in h
               for h in hrefs(page, "XLSX"))


def test_a_country_cell_of_the_dashboard_opens_the_pilots_there(as_: SignIn) -> None:
    client = as_("officer")
    page = client.get("/").text
    [cell] = [h for h in hrefs(page, "GR") if "consortium=SEED" in h]
    assert cell == "/?consortium=SEED&country=GR#pilots"
    filtered = client.get(cell.split("#")[0]).text
    pilots = set(re.findall(r'<a href="/pilots/([A-Z0-9-]+)"', filtered))
    assert pilots == {PILOT}
    assert "Portfolio: SEED · GR" in filtered


def test_the_dashboards_counts_open_the_pilots_sections_at_the_point(as_: SignIn) -> None:
    page = as_("evaluator").get("/?as_of=2022-12-31").text
    assert f'href="/pilots/{PILOT}?as_of=2022-12-31#milestones"' in page
    assert f'href="/pilots/{PILOT}?as_of=2022-12-31#risks"' in page
