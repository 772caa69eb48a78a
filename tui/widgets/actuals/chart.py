"""The plan-vs-actual pane's chart (Plotext): for the month in progress, the highlighted
mill's planned tonnes cumulated pro rata against its actual tonnes day by day, the mill
named in the chart's title with the legend and the keys that chart another; for any
other month, plan against actual of every mill of the line as bars. The two series differ
by marker as well as colour, so the chart reads in 16 colours.

Honest at 80×24, where the plot has about seven rows: the tonnes axis always starts at 0
and ends at a round limit just above the largest value (:func:`~millplan.tui.widgets.charts.round_scale`), with at most
three steps of a round size labelled in grouped thousands, so a bar's height and a line's
level are proportional to the tonnes, on the row the labels say."""

from __future__ import annotations

from textual_plotext import PlotextPlot

from millplan.core.domain import glyphs
from millplan.core.domain.fulfilment import LineFulfilment
from millplan.core.domain.i18n import _
from millplan.core.domain.months import month_text
from millplan.core.views.actuals import cumulative
from millplan.tui.widgets.charts import Axis, put_axis, round_scale

PLAN_MARKER = glyphs.Glyph("·", ".")
ACTUAL_MARKER = glyphs.FULL
"""Cumulative lines: the plan dotted, the actual solid (``str()`` them when drawing)."""
PLAN_BAR = glyphs.FULL
ACTUAL_BAR = glyphs.Glyph("░", ":")
"""Bars: the plan solid, the actual shaded."""


class FulfilmentChart(PlotextPlot):
    """``show(line, mill)`` draws the chart of ``line`` (``None``: nothing to draw);
    ``drawn`` says what is on it, for the pane's title line and the tests, ``heading`` the
    chart's own title (the month in progress: the mill charted, the legend and the keys
    that chart another mill; ``""`` when it has none), ``axis`` the
    tonnes axis handed to the plot and ``series`` the tonnes plotted (name → values, as
    given: cumulative t by day, or t by mill)."""

    drawn: str = ""
    heading: str = ""
    axis: Axis | None = None
    series: dict[str, list[float]]  # set by show()

    def show(self, line: LineFulfilment | None, mill_code: str | None) -> None:
        plt = self.plt
        plt.clear_figure()
        self.axis, self.series, self.heading = None, {}, ""
        if line is None or not line.mills:
            self.drawn = ""
        elif line.totals.planned_t <= 0 and line.totals.actual_t <= 0:
            self.heading = _("nothing planned or made in {month}").format(month=month_text(line.month))
            plt.title(self.heading)
            self.drawn = "nothing"
        elif line.today is not None and mill_code is not None:
            days, planned, made = cumulative(line, mill_code)
            self.series = {"plan": planned, "actual": made}
            plan_marker, actual_marker = str(PLAN_MARKER), str(ACTUAL_MARKER)
            plt.plot(days, planned, marker=plan_marker, color="blue")
            if made:
                plt.plot(days[: len(made)], made, marker=actual_marker, color="green")
            plt.vline(line.today.day, color="red")
            plt.xlim(1, days[-1])
            plt.xticks([1, 8, 15, 22, days[-1]])
            self._tonnes_axis(max(planned[-1], made[-1] if made else 0.0))
            self.heading = _("{mill}: {plan} plan · {actual} actual, t (↑↓ in the mills: another mill)").format(
                mill=mill_code, plan=plan_marker * 2, actual=actual_marker
            )
            plt.title(self.heading)
            plt.xlabel(_("day of {month} (today {day})").format(month=month_text(line.month), day=line.today.day))
            self.drawn = f"cumulative {mill_code}"
        else:
            codes = [m.mill_code for m in line.mills]
            planned = [m.figures.planned_t for m in line.mills]
            made = [m.figures.actual_t for m in line.mills]
            self.series = {"plan": planned, "actual": made}
            plan_bar, actual_bar = str(PLAN_BAR), str(ACTUAL_BAR)
            plt.multiple_bar(codes, [planned, made], color=["blue", "green"], marker=[plan_bar, actual_bar])
            self._tonnes_axis(max(*planned, *made))
            plt.xlabel(_("{plan} plan  {actual} actual, t").format(plan=plan_bar * 2, actual=actual_bar * 2))
            self.drawn = "bars " + " ".join(codes)
        self.refresh()

    def _tonnes_axis(self, top: float) -> None:
        """Tonnes up the side from 0 (:func:`round_scale`); nothing to scale when ``top`` is 0."""
        if top > 0:
            self.axis = round_scale(top)
            put_axis(self.plt, self.axis)
