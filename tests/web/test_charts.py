"""The SVG charts: what they draw for a series, and that they are accessible images."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest

from scaletrack.web.charts import Category, PeriodPoint, category_bars, impact_chart, nice_ceiling
from scaletrack.web.i18n import language

EN = language("en")


def parsed(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def one(root: ET.Element, path: str) -> ET.Element:
    found = root.find(path)
    assert found is not None, path
    return found


def attr(element: ET.Element, name: str) -> str:
    value = element.get(name)
    assert value is not None, name
    return value


def text_of(root: ET.Element, path: str) -> str:
    text = one(root, path).text
    assert text is not None, path
    return text


def test_an_impact_chart_draws_one_bar_per_actual_and_a_mark_per_target() -> None:
    points = [PeriodPoint("2022-Q1", Decimal(40), Decimal(50), Decimal(0), href="/e?x=1&y=2"),
              PeriodPoint("2022-Q2", None, Decimal(60), Decimal(0)),
              PeriodPoint("2022-Q3", Decimal(75), None, None)]
    svg = impact_chart("Participants", "people", points, EN)
    root = parsed(svg)
    assert root.get("role") == "img"
    assert text_of(root, "title") == "Participants"
    bars = root.findall(".//rect[@class='actual']")
    assert len(bars) == 2 + 1  # two actuals and the legend's swatch
    assert len(root.findall("line[@class='target']")) == 2
    assert attr(one(root, "path[@class='baseline']"), "d").count("H") == 2
    assert [t.text for t in root.findall("text[@class='period']")] == [
        "2022-Q1", "2022-Q2", "2022-Q3"]
    link = one(root, "a")
    assert attr(link, "href") == "/e?x=1&y=2"
    description = text_of(root, "desc")
    assert "2022-Q1: actual 40\u00a0people, target 50\u00a0people, baseline 0\u00a0people" in \
        description
    assert "2022-Q2: no actual" in description


def test_taller_actuals_draw_taller_bars_on_one_scale() -> None:
    svg = impact_chart("X", None, [PeriodPoint("A", 10), PeriodPoint("B", 30)], EN)
    heights = [float(attr(r, "height")) for r in parsed(svg).findall("a/rect") +
               parsed(svg).findall("rect[@class='actual']")]
    assert heights[1] == pytest.approx(3 * heights[0])


def test_a_target_above_every_actual_still_fits_the_chart() -> None:
    root = parsed(impact_chart("X", None, [PeriodPoint("A", 10, 900)], EN))
    target = one(root, "line[@class='target']")
    assert 0 <= float(attr(target, "y1")) <= float(attr(root, "viewBox").split()[3])


def test_negative_values_draw_below_the_zero_line() -> None:
    root = parsed(impact_chart("X", None, [PeriodPoint("A", -5), PeriodPoint("B", 5)], EN))
    low, high = root.findall("rect[@class='actual']")[:2]
    assert float(attr(low, "y")) > float(attr(high, "y"))


def test_an_empty_series_says_so_in_words() -> None:
    root = parsed(impact_chart("Nothing", None, [], EN))
    assert text_of(root, "desc") == "No figures yet."


def test_text_in_a_chart_is_escaped() -> None:
    svg = impact_chart("<script>", None, [PeriodPoint("Q&A", 1)], EN)
    assert "<script>" not in svg
    assert text_of(parsed(svg), "title") == "<script>"


def test_category_bars_are_proportional_and_labelled_with_value_and_unit() -> None:
    svg = category_bars("By sex", "people", [Category("women", 30, "/w"), Category("men", 15)],
                        EN)
    root = parsed(svg)
    bars = root.findall(".//rect[@class='actual']")
    assert float(attr(bars[0], "width")) == pytest.approx(2 * float(attr(bars[1], "width")))
    assert [t.text for t in root.findall("text[@class='value']")] == [
        "30\u00a0people", "15\u00a0people"]
    assert text_of(root, "desc") == "women: 30\u00a0people; men: 15\u00a0people"


@pytest.mark.parametrize(("value", "expected"), [
    (0, 1), (0.7, 1), (1, 1), (1.2, 2), (2.1, 2.5), (3, 5), (7, 10), (120, 200), (2400, 2500)])
def test_axes_end_on_a_round_number(value: float, expected: float) -> None:
    assert nice_ceiling(value) == pytest.approx(expected)
