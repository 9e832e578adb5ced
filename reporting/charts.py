"""Server-rendered SVG charts for the dashboard: no JavaScript, no inline styles.

Presentation attributes (``fill``, ``font-size``...) are used instead of
``style`` because the content security policy allows no inline styles. A
suppressed count (``None``) is drawn as a hatched, outlined band over the whole
plot height with the suppression marker: a bar of any particular height would
suggest a value, and a zero-height bar would read as zero.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Callable, Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from reporting.suppression import SUPPRESSED_MARKER

# Bootstrap 5 colours (and shades of them) chosen for at least 3:1 contrast on
# white, as WCAG asks of graphics, and to stay apart for common colour blindness.
PALETTE = ("#0d6efd", "#ca6510", "#146c43", "#6f42c1", "#b02a37", "#495057")
TEXT_COLOUR = "#212529"
MUTED_COLOUR = "#6c757d"
GRID_COLOUR = "#dee2e6"
SUPPRESSED_COLOUR = "#6c757d"
FONT_FAMILY = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"

WIDTH = 640
HEIGHT = 320
_MARGIN_TOP = 24
_MARGIN_RIGHT = 12
_MARGIN_LEFT = 48
_MARGIN_BOTTOM = 40
_MARGIN_BOTTOM_ROTATED = 72
_LEGEND_HEIGHT = 24
_FOOTER_HEIGHT = 18
_CHAR_WIDTH = 6.5  # average width at font-size 11, to decide when x labels must be rotated

# Characters XML 1.0 forbids even when escaped; a label holding one would make the SVG unparseable.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _text(value: object) -> str:
    return str(escape(_XML_INVALID.sub("", str(value))))


def _num(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _chart_id(title: str, payload: object) -> str:
    # Stable across renders (cache- and test-friendly) yet distinct per chart on one page.
    digest = hashlib.blake2s(f"{title}\x00{payload!r}".encode(), digest_size=5).hexdigest()
    return f"chart-{digest}"


def _nice_scale(maximum: int) -> tuple[int, int]:
    """Top of the y axis and tick step: whole counts, 1-2-5 steps, about five ticks."""
    if maximum <= 0:
        return 1, 1
    raw = maximum / 5
    magnitude = 10 ** math.floor(math.log10(raw)) if raw >= 1 else 1
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    step = max(1, int(step))
    return step * math.ceil(maximum / step), step


def _describe(periods: Sequence[str], series: Sequence[tuple[str, Sequence[int | None]]]) -> str:
    suppressed = _("suppressed")
    parts = []
    for name, values in series:
        points = ", ".join(
            f"{period}: {suppressed if value is None else value}" for period, value in zip(periods, values, strict=True)
        )
        parts.append(f"{name}: {points}" if name else points)
    return "; ".join(parts) + "."


def _open_svg(chart_id: str, title: str, description: str, height: int) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="100%" '
        f'preserveAspectRatio="xMidYMid meet" role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" '
        f'font-family="{_text(FONT_FAMILY)}" font-size="11" fill="{TEXT_COLOUR}" class="report-chart">',
        f'<title id="{chart_id}-title">{_text(title)}</title>',
        f'<desc id="{chart_id}-desc">{_text(description)}</desc>',
    ]


def _empty_svg(title: str, description: str | None) -> SafeString:
    chart_id = _chart_id(title, "empty")
    message = _("No data")
    height = HEIGHT // 2
    parts = _open_svg(chart_id, title, description or message, height)
    parts.append(
        f'<text x="{WIDTH / 2:g}" y="{height / 2:g}" text-anchor="middle" dominant-baseline="middle" '
        f'font-size="14" fill="{MUTED_COLOUR}">{_text(message)}</text>'
    )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308  -- every interpolated label went through _text()


def _render(
    periods: Sequence[str],
    series: Sequence[tuple[str, Sequence[int | None]]],
    *,
    title: str,
    description: str | None,
    show_values: bool,
    show_legend: bool,
) -> SafeString:
    periods = [str(p) for p in periods]
    if not periods or not series:
        return _empty_svg(title, description)

    chart_id = _chart_id(title, (periods, series))
    slot = (WIDTH - _MARGIN_LEFT - _MARGIN_RIGHT) / len(periods)
    rotate = max(len(p) for p in periods) * _CHAR_WIDTH > slot - 4
    legend = _LEGEND_HEIGHT if show_legend else 0
    any_suppressed = any(v is None for _name, values in series for v in values)
    footer = _FOOTER_HEIGHT if any_suppressed else 0
    height = HEIGHT + (_MARGIN_BOTTOM_ROTATED - _MARGIN_BOTTOM if rotate else 0) + legend + footer
    plot_top = _MARGIN_TOP + legend
    plot_bottom = height - footer - (_MARGIN_BOTTOM_ROTATED if rotate else _MARGIN_BOTTOM)
    plot_height = plot_bottom - plot_top

    maximum = max((v for _name, values in series for v in values if v is not None), default=0)
    top, step = _nice_scale(maximum)

    def y_of(value: int) -> float:
        return plot_bottom - plot_height * value / top

    parts = _open_svg(chart_id, title, description or _describe(periods, series), height)
    parts.append(
        f'<defs><pattern id="{chart_id}-hatch" patternUnits="userSpaceOnUse" width="6" height="6" '
        f'patternTransform="rotate(45)"><rect width="6" height="6" fill="#ffffff"/>'
        f'<line x1="0" y1="0" x2="0" y2="6" stroke="{SUPPRESSED_COLOUR}" stroke-width="1.5"/></pattern></defs>'
    )

    parts.append('<g class="axis" aria-hidden="true">')
    for tick in range(0, top + 1, step):
        y = _num(y_of(tick))
        parts.append(
            f'<line x1="{_MARGIN_LEFT}" y1="{y}" x2="{WIDTH - _MARGIN_RIGHT}" y2="{y}" stroke="{GRID_COLOUR}"/>'
            f'<text x="{_MARGIN_LEFT - 6}" y="{y}" text-anchor="end" dominant-baseline="middle">{tick}</text>'
        )
    parts.append(
        f'<line x1="{_MARGIN_LEFT}" y1="{plot_bottom}" x2="{WIDTH - _MARGIN_RIGHT}" y2="{plot_bottom}" '
        f'stroke="{TEXT_COLOUR}"/></g>'
    )

    group_width = slot * 0.8
    bar_width = group_width / len(series)
    for index, period in enumerate(periods):
        group_left = _MARGIN_LEFT + slot * index + (slot - group_width) / 2
        for k, (name, values) in enumerate(series):
            x = group_left + bar_width * k
            label = f"{name}, {period}" if name else period
            parts.append(
                _bar(
                    values[index],
                    chart_id=chart_id,
                    x=x,
                    width=bar_width,
                    y_of=y_of,
                    plot_top=plot_top,
                    plot_bottom=plot_bottom,
                    colour=PALETTE[k % len(PALETTE)],
                    label=label,
                    show_value=show_values,
                )
            )
        centre = _num(_MARGIN_LEFT + slot * (index + 0.5))
        if rotate:
            parts.append(
                f'<text x="{centre}" y="{plot_bottom + 12}" text-anchor="end" '
                f'transform="rotate(-45 {centre} {plot_bottom + 12})">{_text(period)}</text>'
            )
        else:
            parts.append(f'<text x="{centre}" y="{plot_bottom + 16}" text-anchor="middle">{_text(period)}</text>')

    if show_legend:
        parts.append(_legend(chart_id, [name for name, _values in series]))
    if any_suppressed:
        parts.append(
            f'<text x="{_MARGIN_LEFT}" y="{height - 6}" fill="{MUTED_COLOUR}">'
            f"{_text(SUPPRESSED_MARKER)} = {_text(_('suppressed to protect small counts'))}</text>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308  -- every interpolated label went through _text()


def _bar(
    value: int | None,
    *,
    chart_id: str,
    x: float,
    width: float,
    y_of: Callable[[int], float],
    plot_top: float,
    plot_bottom: float,
    colour: str,
    label: str,
    show_value: bool,
) -> str:
    centre = _num(x + width / 2)
    if value is None:
        tooltip = f"{label}: {_('suppressed')}"
        return (
            f'<g class="bar bar-suppressed"><title>{_text(tooltip)}</title>'
            f'<rect x="{_num(x)}" y="{_num(plot_top)}" width="{_num(width)}" height="{_num(plot_bottom - plot_top)}" '
            f'fill="url(#{chart_id}-hatch)" stroke="{SUPPRESSED_COLOUR}" stroke-dasharray="3 2"/>'
            f'<text x="{centre}" y="{_num(plot_top - 4)}" text-anchor="middle" font-weight="bold">'
            f"{_text(SUPPRESSED_MARKER)}</text></g>"
        )
    top = y_of(value)
    tooltip = f"{label}: {value}"
    value_text = f'<text x="{centre}" y="{_num(top - 4)}" text-anchor="middle">{value}</text>' if show_value else ""
    return (
        f'<g class="bar"><title>{_text(tooltip)}</title>'
        f'<rect x="{_num(x)}" y="{_num(top)}" width="{_num(width)}" height="{_num(plot_bottom - top)}" '
        f'fill="{colour}"/>{value_text}</g>'
    )


def _legend(chart_id: str, names: Sequence[str]) -> str:
    parts = ['<g class="legend">']
    x = float(_MARGIN_LEFT)
    for k, name in enumerate(names):
        parts.append(
            f'<rect x="{_num(x)}" y="6" width="12" height="12" fill="{PALETTE[k % len(PALETTE)]}"/>'
            f'<text x="{_num(x + 16)}" y="16">{_text(name)}</text>'
        )
        x += 16 + len(str(name)) * _CHAR_WIDTH + 16
    parts.append("</g>")
    return "".join(parts)


def bar_chart_svg(
    series: Sequence[tuple[str, int | None]],
    *,
    title: str,
    description: str | None = None,
    show_values: bool = True,
) -> SafeString:
    """A vertical bar per (label, count); ``None`` is a suppressed count.

    ``description`` defaults to the data spelled out, for screen readers.
    """
    periods = [label for label, _value in series]
    return _render(
        periods,
        [("", [value for _label, value in series])] if series else [],
        title=title,
        description=description,
        show_values=show_values,
        show_legend=False,
    )


def grouped_bar_svg(
    periods: Sequence[str],
    series: Sequence[tuple[str, Sequence[int | None]]],
    *,
    title: str,
    description: str | None = None,
    show_values: bool = False,
) -> SafeString:
    """Bars for two or more named series over the same periods, grouped per period, with a legend.

    ``series`` is ``[(name, counts per period), ...]``; ``None`` is a suppressed count.
    """
    for name, values in series:
        if len(values) != len(periods):
            raise ValueError(f"series {name!r} has {len(values)} values for {len(periods)} periods")
    return _render(
        periods, series, title=title, description=description, show_values=show_values, show_legend=bool(series)
    )
