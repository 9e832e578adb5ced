"""The dashboard's SVG charts: valid, accessible, escaped, and honest about suppressed counts."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from django.utils.safestring import SafeString

from reporting.charts import PALETTE, bar_chart_svg, grouped_bar_svg
from reporting.suppression import SUPPRESSED_MARKER, suppress_series

NS = {"svg": "http://www.w3.org/2000/svg"}


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314  -- our own output, parsed to check it


def bars(root: ET.Element) -> list[ET.Element]:
    return [g for g in root.iter(f"{{{NS['svg']}}}g") if "bar" in g.get("class", "").split()]


def texts(element: ET.Element) -> list[str]:
    return [t.text or "" for t in element.iter(f"{{{NS['svg']}}}text")]


def test_bar_chart_is_accessible_svg_with_one_bar_per_value() -> None:
    svg = bar_chart_svg([("Jan", 12), ("Feb", 0), ("Mar", 40)], title="Victims identified")

    assert isinstance(svg, SafeString)
    root = parse(svg)
    assert root.get("role") == "img"
    assert root.get("width") == "100%"
    assert root.get("viewBox", "").startswith("0 0 ")
    title = root.find("svg:title", NS)
    desc = root.find("svg:desc", NS)
    assert title is not None
    assert desc is not None
    assert title.text == "Victims identified"
    assert desc.text == "Jan: 12, Feb: 0, Mar: 40."
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    assert len(bars(root)) == 3
    assert [texts(bar) for bar in bars(root)] == [["12"], ["0"], ["40"]]


def test_zero_height_bar_for_zero_and_no_division_by_zero_when_all_zero() -> None:
    root = parse(bar_chart_svg([("Jan", 0), ("Feb", 0)], title="Arrests"))

    rects = [bar.find("svg:rect", NS) for bar in bars(root)]
    assert [rect.get("height") for rect in rects if rect is not None] == ["0", "0"]


def test_suppressed_value_is_a_marked_band_and_its_number_is_nowhere() -> None:
    series = suppress_series({"Jan": 23, "Feb": 7, "Mar": 0, "Apr": 31}).chart_series()
    assert series == [("Jan", None), ("Feb", None), ("Mar", 0), ("Apr", 31)]

    svg = bar_chart_svg(series, title="Victims served")
    root = parse(svg)

    feb = bars(root)[1]
    assert "bar-suppressed" in feb.get("class", "")
    assert texts(feb) == [SUPPRESSED_MARKER]
    rect = feb.find("svg:rect", NS)
    assert rect is not None
    assert rect.get("fill", "").startswith("url(#")
    assert float(rect.get("height", "0")) > 0, "not drawn as zero"
    tooltip = feb.find("svg:title", NS)
    assert tooltip is not None
    assert tooltip.text == "Feb: suppressed"
    all_text = " ".join([*texts(root), *(t.text or "" for t in root.iter(f"{{{NS['svg']}}}title"))])
    assert "7" not in all_text
    assert "23" not in all_text
    desc = root.find("svg:desc", NS)
    assert desc is not None
    assert desc.text == "Jan: suppressed, Feb: suppressed, Mar: 0, Apr: 31."


def test_labels_and_titles_are_escaped() -> None:
    hostile = "<script>alert(1)</script> & \"x\" 'y'"
    svg = bar_chart_svg([(hostile, 12)], title=hostile, description=hostile)

    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg
    root = parse(svg)
    assert not list(root.iter("script"))
    assert not list(root.iter(f"{{{NS['svg']}}}script"))
    title = root.find("svg:title", NS)
    assert title is not None
    assert title.text == hostile
    assert hostile in texts(root)


def test_characters_xml_forbids_are_dropped_rather_than_breaking_the_svg() -> None:
    root = parse(bar_chart_svg([("Jan\x00\x1b", 12)], title="T\x07"))

    assert "Jan" in texts(root)


@pytest.mark.parametrize("series", [[], [("Jan", None)]])
def test_empty_or_fully_suppressed_series_render(series: list[tuple[str, int | None]]) -> None:
    root = parse(bar_chart_svg(series, title="Convictions"))

    assert root.get("role") == "img"
    if not series:
        assert "No data" in texts(root)
        assert bars(root) == []
    else:
        assert len(bars(root)) == 1


def test_grouped_bars_have_a_bar_per_series_and_period_and_a_legend() -> None:
    svg = grouped_bar_svg(
        ["Jan", "Feb", "Mar"],
        [("Confirmed", [12, None, 30]), ("Potential", [0, 44, None])],
        title="Victims by status",
    )
    root = parse(svg)

    assert len(bars(root)) == 6
    assert sum("bar-suppressed" in bar.get("class", "") for bar in bars(root)) == 2
    fills = {
        rect.get("fill")
        for bar in bars(root)
        if "bar-suppressed" not in bar.get("class", "")
        for rect in bar.iter(f"{{{NS['svg']}}}rect")
    }
    assert fills == {PALETTE[0], PALETTE[1]}
    legend = next(g for g in root.iter(f"{{{NS['svg']}}}g") if g.get("class") == "legend")
    assert texts(legend) == ["Confirmed", "Potential"]
    desc = root.find("svg:desc", NS)
    assert desc is not None
    assert desc.text == "Confirmed: Jan: 12, Feb: suppressed, Mar: 30; Potential: Jan: 0, Feb: 44, Mar: suppressed."


def test_grouped_bars_reject_series_of_the_wrong_length() -> None:
    with pytest.raises(ValueError, match="2 values for 3 periods"):
        grouped_bar_svg(["Jan", "Feb", "Mar"], [("Confirmed", [1, 2])], title="T")


def test_grouped_bars_with_no_periods_render_no_data() -> None:
    assert "No data" in texts(parse(grouped_bar_svg([], [("Confirmed", [])], title="T")))


def test_many_long_labels_are_rotated_and_stay_in_the_view_box() -> None:
    periods = [f"2025-{m:02}" for m in range(1, 13)]
    root = parse(bar_chart_svg([(p, m * 3) for m, p in enumerate(periods)], title="By month"))

    labels = [t for t in root.iter(f"{{{NS['svg']}}}text") if t.text in periods]
    assert len(labels) == 12
    assert all("rotate(-45" in t.get("transform", "") for t in labels)


def test_charts_are_deterministic_and_distinct_per_chart() -> None:
    first = bar_chart_svg([("Jan", 12)], title="A")

    assert first == bar_chart_svg([("Jan", 12)], title="A")
    assert parse(first).find("svg:title", NS) is not None
    ids = {parse(bar_chart_svg([("Jan", 12)], title=t)).find("svg:title", NS).get("id") for t in "AB"}  # type: ignore[union-attr]
    assert len(ids) == 2


def _luminance(colour: str) -> float:
    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


@pytest.mark.parametrize("colour", PALETTE)
def test_palette_has_graphics_contrast_on_white(colour: str) -> None:
    assert (1.05) / (_luminance(colour) + 0.05) >= 3
