"""Charts as server-side SVG (no script, no external library): a line chart and bars.

Each chart carries a ``<title>`` and ``<desc>`` (announced by screen readers) and the page
shows the same numbers in a table next to it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

WIDTH, HEIGHT = 640, 240
LEFT, RIGHT, TOP, BOTTOM = 44, 12, 12, 34


@dataclass(frozen=True)
class ChartPoint:
    label: str  # shown under the axis (e.g. "T27")
    value: float | None


def _fmt(value: float) -> str:
    return f"{value:.1f}".replace(".", ",")


def line_chart(
    points: Sequence[ChartPoint], *, title: str, desc: str, y_max: float, chart_id: str
) -> SafeString:
    """A line through the points with values (gaps where None), y from 0 to ``y_max``."""
    inner_w, inner_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    n = max(len(points) - 1, 1)

    def x(i: int) -> float:
        return LEFT + inner_w * i / n

    def y(v: float) -> float:
        return TOP + inner_h * (1 - min(max(v / y_max, 0), 1)) if y_max else TOP + inner_h

    parts: list[str] = []
    for k in range(5):
        v = y_max * k / 4
        parts.append(
            format_html(
                '<line class="grid" x1="{}" x2="{}" y1="{}" y2="{}"/>'
                '<text x="{}" y="{}" text-anchor="end">{}</text>',
                LEFT,
                WIDTH - RIGHT,
                f"{y(v):.1f}",
                f"{y(v):.1f}",
                LEFT - 6,
                f"{y(v) + 4:.1f}",
                _fmt(v),
            )
        )
    segments: list[list[tuple[float, float]]] = [[]]
    for i, p in enumerate(points):
        if p.value is None:
            segments.append([])
        else:
            segments[-1].append((x(i), y(p.value)))
    for seg in segments:
        if len(seg) > 1:
            path = " ".join(f"{px:.1f},{py:.1f}" for px, py in seg)
            parts.append(format_html('<polyline class="line" points="{}"/>', path))
    for i, p in enumerate(points):
        if p.value is not None:
            parts.append(
                format_html(
                    '<circle class="dot" cx="{}" cy="{}" r="3.5"><title>{}: {}</title></circle>',
                    f"{x(i):.1f}",
                    f"{y(p.value):.1f}",
                    p.label,
                    _fmt(p.value),
                )
            )
        parts.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="middle">{}</text>',
                f"{x(i):.1f}",
                HEIGHT - 12,
                p.label,
            )
        )
    parts.append(
        format_html(
            '<line class="axis" x1="{}" x2="{}" y1="{}" y2="{}"/>',
            LEFT,
            WIDTH - RIGHT,
            TOP + inner_h,
            TOP + inner_h,
        )
    )
    return format_html(
        '<svg class="chart" viewBox="0 0 {} {}" role="img" aria-labelledby="{}-t {}-d">'
        '<title id="{}-t">{}</title><desc id="{}-d">{}</desc>{}</svg>',
        WIDTH,
        HEIGHT,
        chart_id,
        chart_id,
        chart_id,
        title,
        chart_id,
        desc,
        mark_safe("".join(parts)),  # noqa: S308 - every part was built by format_html
    )


def progress_bar(
    value: float | None, target: float | None, *, label: str, width: int = 160
) -> SafeString:
    """A horizontal bar for a rate in [0, 1] with the target marked."""
    fill = 0.0 if value is None else max(0.0, min(1.0, value)) * width
    marker = ""
    if target is not None:
        tx = max(0.0, min(1.0, target)) * width
        marker = format_html(
            '<line class="bar-target" x1="{}" x2="{}" y1="0" y2="14"/>', f"{tx:.1f}", f"{tx:.1f}"
        )
    return format_html(
        '<svg width="{}" height="14" viewBox="0 0 {} 14" role="img" aria-label="{}">'
        '<rect class="bar-track" width="{}" height="14"/>'
        '<rect class="bar-fill" width="{}" height="14"/>{}</svg>',
        width,
        width,
        label,
        width,
        f"{fill:.1f}",
        marker,
    )
