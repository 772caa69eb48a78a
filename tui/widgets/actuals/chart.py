"""The plan-vs-actual pane's chart (Plotext): for the month in progress, the highlighted
mill's planned tonnes cumulated pro rata against its actual tonnes day by day, the mill
named in the chart's title with the legend and the keys that chart another; for any
other month, plan against actual of every mill of the line as bars. The two series differ
by marker as well as colour, so the chart reads in 16 colours.

Honest at 80×24, where the plot has about seven rows: the tonnes axis always starts at 0
and ends at a round limit just above the largest value (:func:`tonnes_scale`), with at most
three steps of a round size labelled in grouped thousands, so a bar's height and a line's
level are proportional to the tonnes, on the row the labels say."""

from __future__ import annotations

import math
from dataclasses import dataclass

from textual_plotext import PlotextPlot

from millplan.core.domain.fulfilment import LineFulfilment
from millplan.core.domain.i18n import _
from millplan.core.domain.months import month_text
from millplan.core.domain.numbers import grouped
from millplan.core.views.actuals import cumulative

PLAN_MARKER = "·"
ACTUAL_MARKER = "█"
"""Cumulative lines: the plan dotted, the actual solid."""
PLAN_BAR = "█"
ACTUAL_BAR = "░"
"""Bars: the plan solid, the actual shaded."""
STEPS = 3
"""Tonnes-axis steps at most: seven rows hold four labels apart."""
ROUND_STEPS = (1.0, 2.0, 2.5, 5.0, 10.0)
"""Step sizes, times a power of ten."""


@dataclass(frozen=True)
class TonnesAxis:
    """The tonnes axis handed to the plot: from 0 to ``limit`` t, ``ticks`` (t) labelled
    ``labels`` (grouped thousands, ``20 000``)."""

    limit: float
    ticks: tuple[float, ...]
    labels: tuple[str, ...]


def tonnes_scale(top: float, steps: int = STEPS) -> TonnesAxis:
    """The axis from 0 to the lowest multiple of a round step (1, 2, 2.5 or 5 × 10ⁿ t) at or
    above ``top`` (t, > 0) reached in at most ``steps`` steps (the smaller step on a tie):
    ``tonnes_scale(38_994)`` runs to 40 000 by 20 000, ``tonnes_scale(4_127)`` to 5 000 by
    2 500. Labels are whole tonnes (two decimals below a tonne's step). Raises
    ``ValueError`` unless ``top`` > 0."""
    if not top > 0:
        raise ValueError(f"a tonnes axis needs a top above 0, not {top}")
    power = 10 ** math.floor(math.log10(top / steps))
    candidates = [f * p for p in (power, power * 10) for f in ROUND_STEPS]
    fitting = [(math.ceil(top / step - 1e-9) * step, step) for step in candidates if top / step - 1e-9 <= steps]
    limit, step = min(fitting)
    ticks = tuple(i * step for i in range(round(limit / step) + 1))
    places = 0 if step >= 1 else 2
    return TonnesAxis(limit, ticks, tuple(grouped(t, places) for t in ticks))


class FulfilmentChart(PlotextPlot):
    """``show(line, mill)`` draws the chart of ``line`` (``None``: nothing to draw);
    ``drawn`` says what is on it, for the pane's title line and the tests, ``heading`` the
    chart's own title (the month in progress: the mill charted, the legend and the keys
    that chart another mill; ``""`` when it has none), ``axis`` the
    tonnes axis handed to the plot and ``series`` the tonnes plotted (name → values, as
    given: cumulative t by day, or t by mill)."""

    drawn: str = ""
    heading: str = ""
    axis: TonnesAxis | None = None
    series: dict[str, list[float]]  # set by show()

    def show(self, line: LineFulfilment | None, mill_code: str | None) -> None:
        plt = self.plt
        plt.clear_figure()
        self.axis, self.series, self.heading = None, {}, ""
        if line is None or not line.mills:
            self.drawn = ""
        elif line.totals.planned_t <= 0 and line.totals.actual_t <= 0:
            self.heading = _("nothing planned or made in {month}").format(month=line.month)
            plt.title(self.heading)
            self.drawn = "nothing"
        elif line.today is not None and mill_code is not None:
            days, planned, made = cumulative(line, mill_code)
            self.series = {"plan": planned, "actual": made}
            plt.plot(days, planned, marker=PLAN_MARKER, color="blue")
            if made:
                plt.plot(days[: len(made)], made, marker=ACTUAL_MARKER, color="green")
            plt.vline(line.today.day, color="red")
            plt.xlim(1, days[-1])
            plt.xticks([1, 8, 15, 22, days[-1]])
            self._tonnes_axis(max(planned[-1], made[-1] if made else 0.0))
            self.heading = _("{mill}: {plan} plan · {actual} actual, t (↑↓ in the mills: another mill)").format(
                mill=mill_code, plan=PLAN_MARKER * 2, actual=ACTUAL_MARKER
            )
            plt.title(self.heading)
            plt.xlabel(_("day of {month} (today {day})").format(month=month_text(line.month), day=line.today.day))
            self.drawn = f"cumulative {mill_code}"
        else:
            codes = [m.mill_code for m in line.mills]
            planned = [m.figures.planned_t for m in line.mills]
            made = [m.figures.actual_t for m in line.mills]
            self.series = {"plan": planned, "actual": made}
            plt.multiple_bar(codes, [planned, made], color=["blue", "green"], marker=[PLAN_BAR, ACTUAL_BAR])
            self._tonnes_axis(max(*planned, *made))
            plt.xlabel(_("{plan} plan  {actual} actual, t").format(plan=PLAN_BAR * 2, actual=ACTUAL_BAR * 2))
            self.drawn = "bars " + " ".join(codes)
        self.refresh()

    def _tonnes_axis(self, top: float) -> None:
        """Tonnes up the side from 0 (:func:`tonnes_scale`); nothing to scale when ``top`` is 0."""
        if top > 0:
            self.axis = tonnes_scale(top)
            self.plt.ylim(0, self.axis.limit)
            self.plt.yticks(list(self.axis.ticks), list(self.axis.labels))
