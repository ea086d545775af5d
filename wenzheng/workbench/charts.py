"""Charts rendered on the server as inline SVG: no CDN, no front-end build, readable without
JavaScript. Every mark carries a <title> (the browser's tooltip, read by screen readers), the
chart is a labelled image, and the page shows the same figures as a table beside it.

Every piece of text is escaped here; the result is marked safe for templates.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import count

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# Colour-blind-safe (Okabe–Ito) series colours.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9")
INK, MUTED, GRID = "#1d2939", "#667085", "#e4e7ec"
FONT = 'font-family="system-ui, sans-serif" font-size="12"'
_ids = count(1)


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    display: str = ""  # the value as printed (e.g. "96.5%"); the number itself when empty
    href: str | None = None  # drill-down to the cases behind the bar


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float | None]
    hrefs: Sequence[str | None] = ()


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _shown(bar: Bar) -> str:
    return bar.display or _num(bar.value)


def nice_max(value: float) -> float:
    """The smallest 1, 2, 2.5 or 5 × 10^n at or above ``value`` (1 for nothing to show)."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * power:
            return float(step * power)
    return float(10 * power)  # pragma: no cover - the loop always returns


def _linked(mark: str, href: str | None) -> str:
    return f'<a href="{escape(href)}">{mark}</a>' if href else mark


def _frame(width: int, height: int, title: str, desc: str, body: str) -> SafeString:
    uid = f"chart{next(_ids)}"
    return mark_safe(  # noqa: S308 - every text above and here is escaped
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'aria-labelledby="{uid}-t {uid}-d" {FONT}>'
        f'<title id="{uid}-t">{escape(title)}</title><desc id="{uid}-d">{escape(desc)}</desc>'
        f"{body}</svg>"
    )


def bar_chart(
    bars: Sequence[Bar],
    *,
    title: str,
    maximum: float | None = None,
    label_width: int = 150,
    width: int = 640,
    color: str = PALETTE[0],
) -> SafeString:
    """Horizontal bars (long unit and category names fit on the left), one row per bar."""
    row, top = 26, 8
    height = top * 2 + row * max(len(bars), 1)
    scale_max = maximum if maximum is not None else nice_max(max((b.value for b in bars), default=0))
    plot = width - label_width - 70
    parts: list[str] = []
    for i, bar in enumerate(bars):
        y = top + i * row
        length = 0.0 if scale_max <= 0 else max(0.0, min(bar.value / scale_max, 1.0)) * plot
        tip = f"{bar.label}: {_shown(bar)}"
        rect = (
            f'<rect x="{label_width}" y="{y + 4}" width="{length:.1f}" height="{row - 8}" fill="{color}">'
            f"<title>{escape(tip)}</title></rect>"
        )
        parts.append(
            f'<g class="bar"><text x="{label_width - 6}" y="{y + row / 2 + 4:.0f}" text-anchor="end" '
            f'fill="{INK}">{escape(_clip(bar.label, 12))}<title>{escape(bar.label)}</title></text>'
            f"{_linked(rect, bar.href)}"
            f'<text x="{label_width + length + 6:.1f}" y="{y + row / 2 + 4:.0f}" fill="{INK}">'
            f"{escape(_shown(bar))}</text></g>"
        )
    if not bars:
        parts.append(f'<text x="{width / 2:.0f}" y="{top + 16}" text-anchor="middle" fill="{MUTED}">—</text>')
    desc = "; ".join(f"{b.label}: {_shown(b)}" for b in bars) or "—"
    return _frame(width, height, title, desc, "".join(parts))


def line_chart(
    x_labels: Sequence[str],
    series: Sequence[Series],
    *,
    title: str,
    width: int = 720,
    height: int = 260,
    fmt: Callable[[float], str] = _num,
) -> SafeString:
    """Lines over periods with a point per period; each point is a link when it has an href."""
    left, right, top, bottom = 48, 16, 28, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [v for s in series for v in s.values if v is not None]
    top_value = nice_max(max(values, default=0))
    n = len(x_labels)

    def x_at(i: int) -> float:
        return left + (plot_w / 2 if n == 1 else plot_w * i / (n - 1))

    def y_at(v: float) -> float:
        return top + plot_h * (1 - v / top_value)

    parts: list[str] = []
    for k in range(5):  # horizontal grid and y axis labels
        v = top_value * k / 4
        y = y_at(v)
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" stroke="{GRID}"/>'
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" fill="{MUTED}">{escape(fmt(v))}</text>'
        )
    every = max(1, math.ceil(n / 10))  # at most about ten x labels
    for i, label in enumerate(x_labels):
        if i % every == 0 or i == n - 1:
            parts.append(
                f'<text x="{x_at(i):.1f}" y="{height - bottom + 16}" text-anchor="middle" '
                f'fill="{MUTED}">{escape(label)}</text>'
            )
    for index, s in enumerate(series):
        color = PALETTE[index % len(PALETTE)]
        points = [(i, v) for i, v in enumerate(s.values) if v is not None]
        if len(points) > 1:
            path = " ".join(f"{x_at(i):.1f},{y_at(v):.1f}" for i, v in points)
            parts.append(f'<polyline points="{path}" fill="none" stroke="{color}" stroke-width="2"/>')
        for i, v in points:
            tip = f"{s.name} {x_labels[i]}: {fmt(v)}"
            dot = (
                f'<circle cx="{x_at(i):.1f}" cy="{y_at(v):.1f}" r="4" fill="{color}">'
                f"<title>{escape(tip)}</title></circle>"
            )
            href = s.hrefs[i] if i < len(s.hrefs) else None
            parts.append(_linked(dot, href))
        legend_x = left + index * 140
        parts.append(
            f'<rect x="{legend_x}" y="6" width="12" height="12" fill="{color}"/>'
            f'<text x="{legend_x + 16}" y="16" fill="{INK}">{escape(s.name)}</text>'
        )
    desc = "; ".join(
        f"{s.name}: " + ", ".join(f"{x_labels[i]} {fmt(v)}" for i, v in enumerate(s.values) if v is not None)
        for s in series
    )
    return _frame(width, height, title, desc or "—", "".join(parts))


def _clip(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"
