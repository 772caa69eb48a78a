"""What the workstation's charts (Plotext, through textual-plotext) share: a value axis
that stays honest at 80×24, where a plot has about seven rows.

The axis runs from a round bottom (0, or below it for losses) to a round limit at or just
above the largest value, in at most a few steps of a round size (1, 2, 2.5 or 5 × 10ⁿ)
labelled in grouped thousands — so a bar's height is proportional to its value, on the row
the labels say, and 0 is always a labelled row."""

from __future__ import annotations

import math
from dataclasses import dataclass

from millplan.core.domain import glyphs
from millplan.core.domain.numbers import grouped

STEPS = 3
"""Axis steps at most: seven rows hold four labels apart."""
ROUND_STEPS = (1.0, 2.0, 2.5, 5.0, 10.0)
"""Step sizes, times a power of ten."""
SOLID = glyphs.FULL
HATCHED = glyphs.Glyph("▒", "%")
"""Bars of two kinds (load within capacity and over it; a gain and a loss) differ by
marker, so they read in monochrome; ``str()`` them when drawing (ASCII on the Linux console)."""


@dataclass(frozen=True)
class Axis:
    """A value axis handed to the plot: from ``bottom`` (≤ 0) to ``limit`` (≥ 0), ``ticks``
    (in the values' unit) labelled ``labels`` (grouped thousands, ``20 000``)."""

    limit: float
    ticks: tuple[float, ...]
    labels: tuple[str, ...]
    bottom: float = 0.0


def round_scale(top: float, bottom: float = 0.0, steps: int = STEPS) -> Axis:
    """The axis over ``bottom`` ≤ 0 ≤ ``top``, not both 0: the fewest units of the round step
    (1, 2, 2.5 or 5 × 10ⁿ) that reach ``top`` above 0 and ``bottom`` below it, at most
    ``steps`` in all (the smaller step on a tie): ``round_scale(38_994)`` runs 0 to 40 000
    by 20 000, ``round_scale(4_127)`` 0 to 5 000 by 2 500, ``round_scale(150, -80)`` −100 to
    200 by 100. Labels are whole numbers (two decimals below a step of 1). Raises
    ``ValueError`` unless ``bottom`` ≤ 0 ≤ ``top`` and ``top`` − ``bottom`` > 0."""
    if not (bottom <= 0 <= top and top - bottom > 0):
        raise ValueError(f"an axis needs a top above 0 or a bottom below it, not {bottom}..{top}")
    power = 10 ** math.floor(math.log10((top - bottom) / steps))
    fitting = []
    for step in (f * p for p in (power, power * 10) for f in ROUND_STEPS):
        up, down = math.ceil(top / step - 1e-9), math.ceil(-bottom / step - 1e-9)
        if up + down <= steps:
            fitting.append(((up + down) * step, step, -down))
    span, step, first = min(fitting)
    ticks = tuple((first + i) * step for i in range(round(span / step) + 1))
    places = 0 if step >= 1 else 2
    return Axis(ticks[-1], ticks, tuple(grouped(t, places) for t in ticks), ticks[0])


def put_axis(plt, axis: Axis) -> None:
    """Give plot ``plt`` (a Plotext figure) ``axis`` up its side."""
    plt.ylim(axis.bottom, axis.limit)
    plt.yticks(list(axis.ticks), list(axis.labels))
