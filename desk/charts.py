"""Horizontal bar charts drawn on the server, as shapes for an inline SVG.

The template (``desk/_bar_chart.html``) draws what ``bar_chart`` measures out: a
label line above each group of bars, one bar per series, the value written after
each bar, and each bar a link when it is given one (to the articles it counts).
Colours come from classes in the desk's stylesheet (the CSP allows no inline
styles); each chart carries a title and a description, and the page puts the same
numbers in a table beside it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

WIDTH = 480  # viewBox units; the SVG scales to the width of its column
LABEL_HEIGHT = 16
BAR_HEIGHT = 14
BAR_GAP = 3
GROUP_GAP = 10
VALUE_ROOM = 90  # space kept right of the longest bar for its value
MAX_LABEL_CHARS = 70


@dataclass(frozen=True)
class Bar:
    x: int
    y: int
    width: float
    height: int
    series: int
    text: str
    text_x: float
    text_y: int
    href: str = ""
    name: str = ""  # what a screen reader says for the bar's link: row, series and value


@dataclass(frozen=True)
class Group:
    label: str
    label_y: int
    bars: list[Bar]


@dataclass(frozen=True)
class Chart:
    slug: str
    title: str
    description: str
    series: list[str]
    groups: list[Group]
    width: int
    height: int
    legend_y: int

    @property
    def linked(self) -> bool:
        """Whether its bars are links (then it is a group of links, not one image)."""
        return any(bar.href for group in self.groups for bar in group.bars)

    @property
    def legend(self) -> list[tuple[int, str, int]]:
        """(series number, name, x) for the key at the top, when there is more than one series."""
        if len(self.series) < 2:
            return []
        return [(i, name, i * 170) for i, name in enumerate(self.series)]


def _short(label: str) -> str:
    return label if len(label) <= MAX_LABEL_CHARS else label[: MAX_LABEL_CHARS - 1] + "…"


def bar_chart(
    *,
    slug: str,
    title: str,
    description: str,
    series: Sequence[str],
    rows: Sequence[tuple[str, Sequence[float | None]]],
    links: Sequence[Sequence[str]] = (),
    fmt: Callable[[float | None], str] = lambda v: "—" if v is None else f"{v:g}",
) -> Chart:
    """A chart of ``rows`` (label, one value per series); a missing value draws no bar.

    ``links``, row by row, gives each bar's link (one per series), or none.
    """
    top = LABEL_HEIGHT + 6 if len(series) > 1 else 0
    largest = max((v for _, values in rows for v in values if v), default=0) or 1
    scale = (WIDTH - VALUE_ROOM) / largest
    groups, y = [], top
    for row, (label, values) in enumerate(rows):
        label_y = y + LABEL_HEIGHT - 4
        y += LABEL_HEIGHT
        bars = []
        hrefs = links[row] if links else [""] * len(values)
        for i, value in enumerate(values):
            width = round((value or 0) * scale, 1)
            text = fmt(value)
            bars.append(
                Bar(
                    x=0,
                    y=y,
                    width=width,
                    height=BAR_HEIGHT,
                    series=i,
                    text=text,
                    text_x=width + 4,
                    text_y=y + BAR_HEIGHT - 3,
                    href=hrefs[i],
                    name=f"{label}, {series[i]}: {text}",
                )
            )
            y += BAR_HEIGHT + BAR_GAP
        groups.append(Group(label=_short(label), label_y=label_y, bars=bars))
        y += GROUP_GAP
    return Chart(
        slug=slug,
        title=title,
        description=description,
        series=list(series),
        groups=groups,
        width=WIDTH,
        height=max(y, top + LABEL_HEIGHT),
        legend_y=LABEL_HEIGHT - 4,
    )
