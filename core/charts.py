"""Server-rendered SVG bar charts: geometry worked out here, markup in templates/charts/*.

Generic (no app's models), so any app can draw one: the reviewers' dashboard and the policy
admin's impact replay both do.

Colours come from CSS classes (static/css/review.css), never inline styles: the CSP forbids them.
Every chart is paired with a data table on the page, so nothing depends on seeing colour.
"""

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

WIDTH = 640
HEIGHT = 300
MARGIN_LEFT = 48
MARGIN_RIGHT = 8
MARGIN_TOP = 12
MARGIN_BOTTOM = 44


# Each outcome has a pattern as well as a colour, so the series can be told apart without
# seeing colour (and on a black-and-white print). The template draws each kind in <defs>.
PATTERNS = ("solid", "diagonal", "dots", "horizontal", "crosshatch", "vertical", "grid")


@dataclass(frozen=True)
class Series:
    key: str
    label: str
    pattern: str = "solid"  # one of PATTERNS


def series_list(pairs: Sequence[tuple[str, str]]) -> tuple[Series, ...]:
    """(key, label) pairs as series, each with its own pattern."""
    return tuple(
        Series(key, label, PATTERNS[index % len(PATTERNS)])
        for index, (key, label) in enumerate(pairs)
    )


@dataclass(frozen=True)
class Segment:
    series: Series
    value: int
    x: float
    y: float
    width: float
    height: float
    text: str


@dataclass(frozen=True)
class Bar:
    label: str
    lines: tuple[str, ...]
    total: int
    centre: float
    segments: tuple[Segment, ...]
    total_text: str
    total_y: float


@dataclass(frozen=True)
class Tick:
    value: int
    y: float


@dataclass(frozen=True)
class StackedBarChart:
    id: str
    title: str
    desc: str
    width: int
    height: int
    left: int
    right: int
    baseline: float
    tick_x: int
    label_y: float
    label_y2: float
    bars: tuple[Bar, ...]
    ticks: tuple[Tick, ...]
    series: tuple[Series, ...]


def nice_ticks(maximum: int, count: int = 4) -> list[int]:
    """Round tick values from 0 covering `maximum`: 0, 5, 10, 15, 20 for 17."""
    if maximum <= 0:
        return [0, 1]
    raw = maximum / count
    magnitude = 10 ** math.floor(math.log10(raw)) if raw >= 1 else 1
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    top = step * math.ceil(maximum / step)
    return list(range(0, top + 1, step))


def stacked_bar_chart(
    *,
    chart_id: str,
    title: str,
    desc: str,
    categories: Sequence[tuple[str, tuple[str, ...]]],
    series: Sequence[Series],
    values: Mapping[tuple[str, str], int],
    label: Callable[[int], str] = str,
) -> StackedBarChart:
    """Bars for `categories` ((key, label lines)), stacked in `series` order from the axis up.

    `label` writes a figure as the page shows it (the dashboards pass their suppression); each
    bar's total is written above it.
    """
    totals = [sum(values.get((key, s.key), 0) for s in series) for key, _ in categories]
    ticks = nice_ticks(max(totals, default=0))
    top = ticks[-1]
    plot_height = HEIGHT - MARGIN_TOP - MARGIN_BOTTOM
    baseline = HEIGHT - MARGIN_BOTTOM
    band = (WIDTH - MARGIN_LEFT - MARGIN_RIGHT) / max(len(categories), 1)
    bar_width = band * 0.7

    def scale(value: float) -> float:
        return value / top * plot_height

    bars = []
    for index, ((key, lines), total) in enumerate(zip(categories, totals, strict=True)):
        x = MARGIN_LEFT + index * band + (band - bar_width) / 2
        stacked = 0
        segments = []
        for s in series:
            value = values.get((key, s.key), 0)
            if not value:
                continue
            height = scale(value)
            y = baseline - scale(stacked) - height
            segments.append(Segment(s, value, round(x, 2), round(y, 2), round(bar_width, 2),
                                    round(height, 2), label(value)))  # fmt: skip
            stacked += value
        bars.append(
            Bar(
                " ".join(line for line in lines if line),
                tuple(lines),
                total,
                round(x + bar_width / 2, 2),
                tuple(segments),
                label(total),
                round(baseline - scale(total) - 4, 2),
            )  # fmt: skip
        )
    return StackedBarChart(
        id=chart_id,
        title=title,
        desc=desc,
        width=WIDTH,
        height=HEIGHT,
        left=MARGIN_LEFT,
        right=WIDTH - MARGIN_RIGHT,
        baseline=baseline,
        tick_x=MARGIN_LEFT - 6,
        label_y=baseline + 16,
        label_y2=baseline + 32,
        bars=tuple(bars),
        ticks=tuple(Tick(t, round(baseline - scale(t), 2)) for t in ticks),
        series=tuple(series),
    )


class _RowPositions:
    """Where a horizontal bar row draws its label, bar and figure, from its top `y`."""

    y: float

    @property
    def label_y(self) -> float:
        return self.y + 16

    @property
    def bar_y(self) -> float:
        return self.y + 24

    @property
    def text_y(self) -> float:
        return self.y + 38


@dataclass(frozen=True)
class RateRow(_RowPositions):
    label: str
    percent: float | None
    detail: str
    y: float
    bar_width: float


@dataclass(frozen=True)
class CountRow(_RowPositions):
    label: str
    value: int
    detail: str
    kind: str  # a CSS modifier: the bar's pattern (each kind also named in the label)
    y: float
    bar_width: float


@dataclass(frozen=True)
class HorizontalBarChart:
    """One bar per row, labelled above, its figure after it (rate and count charts alike)."""

    id: str
    title: str
    desc: str
    width: int
    height: int
    track: int
    rows: tuple[RateRow, ...] | tuple[CountRow, ...]

    @property
    def text_x(self) -> int:
        return self.track + 10


RateChart = CountChart = HorizontalBarChart

RATE_ROW_HEIGHT = 52
RATE_TRACK = 480


def _horizontal_chart(chart_id: str, title: str, desc: str, rows: tuple) -> HorizontalBarChart:
    return HorizontalBarChart(
        id=chart_id,
        title=title,
        desc=desc,
        width=WIDTH,
        height=RATE_ROW_HEIGHT * max(len(rows), 1) + 8,
        track=RATE_TRACK,
        rows=rows,
    )


def rate_chart(
    *, chart_id: str, title: str, desc: str, rows: Sequence[tuple[str, float | None, str]]
) -> RateChart:
    """One horizontal bar per row, 0 to 100%, with its label above and the figure after it."""
    return _horizontal_chart(
        chart_id,
        title,
        desc,
        tuple(
            RateRow(
                label,
                percent,
                detail,
                y=index * RATE_ROW_HEIGHT,
                bar_width=round(RATE_TRACK * (percent or 0) / 100, 2),
            )
            for index, (label, percent, detail) in enumerate(rows)
        ),
    )


def count_bar_chart(
    *, chart_id: str, title: str, desc: str, rows: Sequence[tuple[str, int, str, str]]
) -> CountChart:
    """One horizontal bar per row ((label, value, detail, kind)), scaled to the largest value,
    each labelled directly above and with its figure after it, so nothing depends on colour."""
    top = max((value for _, value, _, _ in rows), default=0) or 1
    return _horizontal_chart(
        chart_id,
        title,
        desc,
        tuple(
            CountRow(
                label,
                value,
                detail,
                kind,
                y=index * RATE_ROW_HEIGHT,
                bar_width=round(RATE_TRACK * value / top, 2),
            )
            for index, (label, value, detail, kind) in enumerate(rows)
        ),
    )
