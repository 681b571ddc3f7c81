"""Self-contained SVG charts for the static HTML report (no JavaScript library, no network).

Every chart is a `<figure class="chart" data-chart="<id>">` holding an inline SVG with axes, axis
labels, a legend and data marks (elements with class `mark`: bars, lines, points), a "how to read
this" paragraph and the numbers behind it in a `<details>` data table. A chart given no data still
renders its frame but has no data mark, so the report's render check (report.RENDER_CHECK_SCRIPT)
lists it as empty.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

# Okabe-Ito palette: distinguishable with the common colour-vision deficiencies, readable on white.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#8C6D31", "#000000")
REFERENCE_COLOUR = "#777777"
DASH = "\u2013"
WIDTH = 760
HEIGHT = 380
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 72, 24, 48, 56

Formatter = Callable[[float], str]


@dataclass(frozen=True)
class Series:
    """One series of a chart: bar heights per category (bar charts) or (x, y) points (line charts)."""

    name: str
    values: Sequence[tuple[float, float]]
    colour: str
    dashed: bool = False


@dataclass(frozen=True)
class DataTable:
    """The numbers behind a chart, shown in a <details> element under it."""

    columns: Sequence[str]
    rows: Sequence[Sequence[object]]


def number(value: float, digits: int = 0) -> str:
    return f"{value:,.{digits}f}"


def percent(value: float, digits: int = 1) -> str:
    return f"{100 * value:.{digits}f} %"


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values covering [low, high] (the first and last tick are the axis limits)."""
    if not math.isfinite(low) or not math.isfinite(high):
        low, high = 0.0, 1.0
    if high <= low:
        high = low + (abs(low) or 1.0)
    raw_step = (high - low) / count
    magnitude = 10 ** math.floor(math.log10(raw_step))
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw_step)
    first = math.floor(low / step + 1e-9) * step
    last = math.ceil(high / step - 1e-9) * step
    ticks_count = round((last - first) / step)
    return [round(first + i * step, 10) for i in range(ticks_count + 1)]


def cell(value: object) -> str:
    if value is None:
        return DASH
    if isinstance(value, float):
        if math.isnan(value):
            return DASH
        return f"{value:,.4g}" if abs(value) < 1 else f"{value:,.2f}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)


def data_table(table: DataTable) -> str:
    header = "".join(f"<th>{escape(str(column))}</th>" for column in table.columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{escape(cell(value))}</td>" for value in row) + "</tr>" for row in table.rows
    )
    if not table.rows:
        body = f'<tr><td colspan="{len(table.columns)}">No rows.</td></tr>'
    return f'<table class="data"><thead><tr>{header}</tr></thead><tbody>{body}</tbody></table>'


def figure(chart_id: str, title: str, svg: str, how_to_read: str, table: DataTable) -> str:
    """A chart with its marker, title, explanation and data-table fallback."""
    return (
        f'<figure class="chart" data-chart="{escape(chart_id)}">'
        f"<figcaption><strong>{escape(title)}</strong></figcaption>"
        f"{svg}"
        f'<p class="how-to-read"><strong>How to read this:</strong> {how_to_read}</p>'
        f"<details><summary>Data table ({len(table.rows)} rows)</summary>{data_table(table)}</details>"
        "</figure>"
    )


def _open_svg(title: str, height: int = HEIGHT) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" '
        f'height="{height}" role="img"><title>{escape(title)}</title>'
    )


def _text(x: float, y: float, text: str, anchor: str = "middle", css_class: str = "", extra: str = "") -> str:
    class_attribute = f' class="{css_class}"' if css_class else ""
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}"{class_attribute}{extra}>{escape(text)}</text>'
    )


LEGEND_ROW_HEIGHT = 18


def _legend(series: Sequence[Series]) -> tuple[str, int]:
    """The legend above the plot, wrapped into rows; returns the SVG and the plot's top margin."""
    parts, x, y = ['<g class="legend">'], float(MARGIN_LEFT), 18.0
    for item in series:
        width = 40 + 6.4 * len(item.name)
        if x + width > WIDTH - MARGIN_RIGHT and x > MARGIN_LEFT:
            x, y = float(MARGIN_LEFT), y + LEGEND_ROW_HEIGHT
        dash = ' stroke-dasharray="6 4"' if item.dashed else ""
        parts.append(
            f'<line x1="{x:.1f}" y1="{y - 4:.1f}" x2="{x + 22:.1f}" y2="{y - 4:.1f}" stroke="{item.colour}" '
            f'stroke-width="4"{dash}/>'
        )
        parts.append(_text(x + 28, y, item.name, anchor="start"))
        x += width
    parts.append("</g>")
    return "".join(parts), round(y) + MARGIN_TOP - 18


def _no_data(height: int = HEIGHT) -> str:
    return _text(WIDTH / 2, height / 2, "No data", css_class="no-data")


def _y_axis(
    ticks: list[float], to_y: Callable[[float], float], label: str, formatter: Formatter, top: float
) -> str:
    parts = ['<g class="axis y-axis">']
    for tick in ticks:
        y = to_y(tick)
        parts.append(
            f'<line class="grid" x1="{MARGIN_LEFT}" y1="{y:.1f}" x2="{WIDTH - MARGIN_RIGHT}" y2="{y:.1f}"/>'
        )
        parts.append(_text(MARGIN_LEFT - 6, y + 4, formatter(tick), anchor="end"))
    middle = (top + HEIGHT - MARGIN_BOTTOM) / 2
    parts.append(_text(16, middle, label, extra=f' transform="rotate(-90 16 {middle:.1f})"'))
    parts.append(
        f'<line class="axis-line" x1="{MARGIN_LEFT}" y1="{top}" x2="{MARGIN_LEFT}" '
        f'y2="{HEIGHT - MARGIN_BOTTOM}"/>'
    )
    parts.append("</g>")
    return "".join(parts)


def _x_axis_line() -> str:
    y = HEIGHT - MARGIN_BOTTOM
    return f'<line class="axis-line" x1="{MARGIN_LEFT}" y1="{y}" x2="{WIDTH - MARGIN_RIGHT}" y2="{y}"/>'


def bar_chart(
    title: str,
    categories: Sequence[str],
    series: Sequence[Series],
    *,
    x_label: str,
    y_label: str,
    y_format: Formatter,
    reference_y: float | None = None,
    reference_label: str = "",
    x_markers: Sequence[tuple[float, str]] = (),
) -> str:
    """Grouped vertical bars: series[i].values = [(category index, height), ...].

    x_markers: vertical reference lines at a position in category units (0 = left edge of the
    first category, len(categories) = right edge of the last), with a label.
    """
    heights = [y for item in series for _, y in item.values if y is not None]
    legend, top = _legend(series)
    parts = [_open_svg(title), legend]
    highest = max([*heights, reference_y or 0.0, 0.0])
    ticks = nice_ticks(0.0, highest if highest > 0 else 1.0)
    plot_height = HEIGHT - top - MARGIN_BOTTOM

    def to_y(value: float) -> float:
        return HEIGHT - MARGIN_BOTTOM - plot_height * (value - ticks[0]) / (ticks[-1] - ticks[0])

    parts.append(_y_axis(ticks, to_y, y_label, y_format, top))
    plot_width = WIDTH - MARGIN_LEFT - MARGIN_RIGHT
    slot = plot_width / max(len(categories), 1)
    bar_width = slot * 0.8 / max(len(series), 1)
    label_every = max(1, math.ceil(len(categories) / 20))
    parts.append('<g class="axis x-axis">')
    for index, category in enumerate(categories):
        if index % label_every == 0:
            parts.append(_text(MARGIN_LEFT + slot * (index + 0.5), HEIGHT - MARGIN_BOTTOM + 16, category))
    parts.append(_text(MARGIN_LEFT + plot_width / 2, HEIGHT - 12, x_label))
    parts.append("</g>")
    parts.append('<g class="marks">')
    for series_index, item in enumerate(series):
        for category_index, value in item.values:
            if value is None:
                continue
            x = MARGIN_LEFT + slot * (category_index + 0.1) + bar_width * series_index
            y = to_y(max(value, 0.0))
            parts.append(
                f'<rect class="mark bar" x="{x:.1f}" y="{y:.1f}" width="{max(bar_width - 1, 1):.1f}" '
                f'height="{to_y(0.0) - y:.1f}" fill="{item.colour}"><title>'
                f"{escape(item.name)}, {escape(categories[int(category_index)])}: {escape(y_format(value))}"
                "</title></rect>"
            )
    parts.append("</g>")
    if reference_y is not None:
        y = to_y(reference_y)
        parts.append(
            f'<line class="reference" x1="{MARGIN_LEFT}" y1="{y:.1f}" x2="{WIDTH - MARGIN_RIGHT}" '
            f'y2="{y:.1f}" stroke="{REFERENCE_COLOUR}" stroke-dasharray="4 3"/>'
        )
        parts.append(_text(WIDTH - MARGIN_RIGHT - 4, y - 5, reference_label, anchor="end", css_class="note"))
    for index, (position, label) in enumerate(x_markers):
        x = MARGIN_LEFT + slot * position
        y = top + 12 + 14 * (index % 3)
        parts.append(
            f'<line class="reference" x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{HEIGHT - MARGIN_BOTTOM}" '
            f'stroke="{REFERENCE_COLOUR}" stroke-dasharray="4 3"/>'
        )
        parts.append(_text(x + 4, y, label, anchor="start", css_class="note"))
    parts.append(_x_axis_line())
    if not heights:
        parts.append(_no_data())
    parts.append("</svg>")
    return "".join(parts)


def _segments(values: Sequence[tuple[float, float]]) -> list[list[tuple[float, float]]]:
    """Runs of consecutive points with a value, of two points or more."""
    segments: list[list[tuple[float, float]]] = [[]]
    for x, y in values:
        if x is None or y is None:
            segments.append([])
        else:
            segments[-1].append((x, y))
    return [segment for segment in segments if len(segment) > 1]


def line_chart(
    title: str,
    series: Sequence[Series],
    *,
    x_label: str,
    y_label: str,
    x_format: Formatter,
    y_format: Formatter,
    x_ticks: Sequence[float] | None = None,
    x_domain: tuple[float, float] | None = None,
    y_domain: tuple[float, float] | None = None,
    diagonal: str = "",
    reference_y: float | None = None,
    reference_label: str = "",
) -> str:
    """Lines with a point at every value; `diagonal` names a y = x reference line (drawn if set)."""
    points = [(x, y) for item in series for x, y in item.values if x is not None and y is not None]
    xs, ys = [x for x, _ in points], [y for _, y in points]
    x_low, x_high = x_domain or ((min(xs), max(xs)) if xs else (0.0, 1.0))
    if x_ticks is None:
        x_ticks = nice_ticks(x_low, x_high)
        x_low, x_high = x_ticks[0], x_ticks[-1]
    elif x_high <= x_low:
        x_low, x_high = x_low - 1, x_high + 1
    y_low, y_high = y_domain or (0.0, 1.0)
    if ys:  # a domain is a minimum: values outside it widen the axis rather than leave the plot
        y_low, y_high = min([*ys, y_low]), max([*ys, y_high])
    y_ticks = nice_ticks(y_low, y_high)
    legend, top = _legend(series)
    plot_width = WIDTH - MARGIN_LEFT - MARGIN_RIGHT
    plot_height = HEIGHT - top - MARGIN_BOTTOM

    def to_x(value: float) -> float:
        return MARGIN_LEFT + plot_width * (value - x_low) / (x_high - x_low)

    def to_y(value: float) -> float:
        return HEIGHT - MARGIN_BOTTOM - plot_height * (value - y_ticks[0]) / (y_ticks[-1] - y_ticks[0])

    parts = [_open_svg(title), legend, _y_axis(y_ticks, to_y, y_label, y_format, top)]
    parts.append('<g class="axis x-axis">')
    for tick in x_ticks:
        parts.append(_text(to_x(tick), HEIGHT - MARGIN_BOTTOM + 16, x_format(tick)))
    parts.append(_text(MARGIN_LEFT + plot_width / 2, HEIGHT - 12, x_label))
    parts.append("</g>")
    if diagonal:
        low, high = max(x_low, y_ticks[0]), min(x_high, y_ticks[-1])
        parts.append(
            f'<line class="reference" x1="{to_x(low):.1f}" y1="{to_y(low):.1f}" x2="{to_x(high):.1f}" '
            f'y2="{to_y(high):.1f}" stroke="{REFERENCE_COLOUR}" stroke-dasharray="4 3"/>'
        )
        middle = low + 0.75 * (high - low)
        parts.append(_text(to_x(middle) + 6, to_y(middle) + 14, diagonal, anchor="start", css_class="note"))
    if reference_y is not None:
        y = to_y(reference_y)
        parts.append(
            f'<line class="reference" x1="{MARGIN_LEFT}" y1="{y:.1f}" x2="{WIDTH - MARGIN_RIGHT}" '
            f'y2="{y:.1f}" stroke="{REFERENCE_COLOUR}" stroke-dasharray="4 3"/>'
        )
        parts.append(_text(WIDTH - MARGIN_RIGHT - 4, y - 5, reference_label, anchor="end", css_class="note"))
    parts.append('<g class="marks">')
    for item in series:
        line_points = [(x, y) for x, y in item.values if x is not None and y is not None]
        if not line_points:
            continue
        dash = ' stroke-dasharray="6 4"' if item.dashed else ""
        for segment in _segments(item.values):  # a missing value breaks the line
            coordinates = " ".join(f"{to_x(x):.1f},{to_y(y):.1f}" for x, y in segment)
            parts.append(
                f'<polyline class="mark line" points="{coordinates}" fill="none" stroke="{item.colour}" '
                f'stroke-width="2.5"{dash}/>'
            )
        for x, y in line_points:
            parts.append(
                f'<circle class="mark point" cx="{to_x(x):.1f}" cy="{to_y(y):.1f}" r="3.5" '
                f'fill="{item.colour}"><title>{escape(item.name)}: {escape(x_format(x))}, '
                f"{escape(y_format(y))}</title></circle>"
            )
    parts.append("</g>")
    parts.append(_x_axis_line())
    if not points:
        parts.append(_no_data())
    parts.append("</svg>")
    return "".join(parts)


def horizontal_bar_chart(
    title: str,
    labels: Sequence[str],
    values: Sequence[float],
    *,
    colours: Sequence[str],
    x_label: str,
    value_format: Formatter,
    legend: Sequence[Series] = (),
    label_width: int = 330,
) -> str:
    """One bar per label, in the order given, coloured by `colours` (explained by `legend`); the
    value is written at the end of each bar."""
    legend_svg, top = _legend(legend) if legend else ("", 16)
    row_height, bottom = 24, 44
    height = top + bottom + row_height * max(len(labels), 3)
    ticks = nice_ticks(0.0, max([*values, 0.0]) or 1.0)
    left, right = label_width, WIDTH - MARGIN_RIGHT - 60
    parts = [_open_svg(title, height), legend_svg]

    def to_x(value: float) -> float:
        return left + (right - left) * value / ticks[-1]

    parts.append('<g class="axis x-axis">')
    for tick in ticks:
        x = to_x(tick)
        parts.append(f'<line class="grid" x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{height - bottom}"/>')
        parts.append(_text(x, height - bottom + 16, value_format(tick)))
    parts.append(_text((left + right) / 2, height - 8, x_label))
    parts.append(f'<line class="axis-line" x1="{left}" y1="{top}" x2="{left}" y2="{height - bottom}"/>')
    parts.append("</g>")
    parts.append('<g class="marks">')
    for index, (label, value, colour) in enumerate(zip(labels, values, colours, strict=True)):
        y = top + row_height * index
        short = label if len(label) <= 46 else label[:45] + "…"
        parts.append(_text(left - 8, y + row_height / 2 + 4, short, anchor="end", css_class="category"))
        parts.append(
            f'<rect class="mark bar" x="{left}" y="{y + 3:.1f}" width="{to_x(value) - left:.1f}" '
            f'height="{row_height - 6}" fill="{colour}"><title>{escape(label)}: '
            f"{escape(value_format(value))}</title></rect>"
        )
        parts.append(_text(to_x(value) + 4, y + row_height / 2 + 4, value_format(value), anchor="start"))
    parts.append("</g>")
    if not labels:
        parts.append(_no_data(height))
    parts.append("</svg>")
    return "".join(parts)
