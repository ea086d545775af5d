"""Server-side SVG charts: well-formed, escaped, labelled, with a tooltip and a link per mark."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from wenzheng.testing.personas import HOSTILE_SUBJECT
from wenzheng.workbench.charts import Bar, Series, bar_chart, line_chart, nice_max

SVG = "{http://www.w3.org/2000/svg}"


def parse(markup: str) -> ET.Element:
    return ET.fromstring(markup)  # noqa: S314 - our own output


def test_it_escapes_hostile_labels_and_links():
    markup = bar_chart([Bar(HOSTILE_SUBJECT, 3, href='/x?a=1&b="2"'), Bar("乙区", 1)], title="<b>标题</b>")
    root = parse(markup)
    assert "<script>" not in markup
    texts = [t.text for t in root.iter(f"{SVG}title")]
    assert texts[0] == "<b>标题</b>"
    assert f"{HOSTILE_SUBJECT}: 3" in texts
    link = root.find(f".//{SVG}a")
    assert link is not None
    assert link.get("href") == '/x?a=1&b="2"'


def test_bars_are_proportional_and_clipped_to_the_scale():
    root = parse(bar_chart([Bar("a", 0.5, "50%"), Bar("b", 2.0, "200%")], title="t", maximum=1.0))
    widths = [float(r.get("width") or 0) for r in root.iter(f"{SVG}rect")]
    assert widths[1] == pytest.approx(2 * widths[0])  # b is clipped at the full width


def test_a_line_chart_has_one_point_per_value_with_a_tooltip():
    root = parse(
        line_chart(
            ["11-09", "11-10", "11-11"],
            [Series("收到", [2, 0, 1], ["/d/1", "/d/2", "/d/3"]), Series("办结", [1, None, 0])],
            title="趋势",
        )
    )
    circles = list(root.iter(f"{SVG}circle"))
    assert len(circles) == 5  # a missing value has no point
    tips = [c.find(f"{SVG}title").text for c in circles]  # type: ignore[union-attr]
    assert tips[0] == "收到 11-09: 2"
    assert len(list(root.iter(f"{SVG}polyline"))) == 2
    assert [a.get("href") for a in root.iter(f"{SVG}a")] == ["/d/1", "/d/2", "/d/3"]


def test_empty_charts_are_still_valid():
    assert parse(bar_chart([], title="空")).get("role") == "img"
    assert parse(line_chart([], [], title="空")).get("role") == "img"


@pytest.mark.parametrize(("value", "expected"), [(0, 1), (3, 5), (8, 10), (11, 20), (0.42, 0.5), (240, 250)])
def test_nice_max(value, expected):
    assert nice_max(value) == expected
