"""Horizontal bar charts drawn on the server as SVG: this module computes the geometry.

``monitoring/_bar_chart.html`` draws a ``BarChart``: one row per category with its label on
the left, a bar proportional to the value and the value written after the bar. A hidden
value (public "<3") gets no bar, only its marker. The chart carries a title and a text
description for assistive technologies; the page shows the same figures in a table beside it.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

# Units of the viewBox; the SVG scales to its column, so the text (15 units) stays readable.
WIDTH = 560
LABEL_WIDTH = 210
VALUE_WIDTH = 56
ROW_HEIGHT = 32
BAR_HEIGHT = 20
PADDING = 8
LABEL_CHARS = 26


@dataclass(frozen=True)
class Bar:
    label: str
    full_label: str
    text: str
    y: float
    width: float

    @property
    def label_y(self) -> float:
        return self.y + BAR_HEIGHT / 2

    @property
    def text_x(self) -> float:
        return LABEL_WIDTH + self.width + 6


@dataclass(frozen=True)
class BarChart:
    slug: str
    title: str
    description: str
    bars: tuple[Bar, ...]
    width: int = WIDTH
    label_width: int = LABEL_WIDTH
    bar_height: int = BAR_HEIGHT

    @property
    def height(self) -> int:
        return max(len(self.bars), 1) * ROW_HEIGHT + 2 * PADDING

    @property
    def axis_x(self) -> int:
        return LABEL_WIDTH

    @property
    def axis_bottom(self) -> int:
        return self.height - PADDING


def shorten(label: str, limit: int = LABEL_CHARS) -> str:
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


def bar_chart(*, slug: str, title: str, items: Sequence[tuple[str, int | None, str]]) -> BarChart:
    """A chart of ``items`` (label, value or None when hidden, text shown for the value)."""
    largest = max((value for _label, value, _text in items if value), default=0)
    room = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    bars = tuple(
        Bar(
            label=shorten(label),
            full_label=label,
            text=text,
            y=PADDING + index * ROW_HEIGHT + (ROW_HEIGHT - BAR_HEIGHT) / 2,
            width=round(room * value / largest, 1) if value and largest else 0.0,
        )
        for index, (label, value, text) in enumerate(items)
    )
    parts = "; ".join(f"{label}: {text}" for label, _value, text in items)
    description = f"{title}. {parts}." if parts else _("%(title)s: nessun dato.") % {"title": title}
    return BarChart(slug=slug, title=title, description=description, bars=bars)
