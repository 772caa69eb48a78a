"""The plan-vs-actual pane's chart (Plotext): for the month in progress, the highlighted
mill's planned tonnes cumulated pro rata against its actual tonnes day by day; for any
other month, plan against actual of every mill of the line as bars. The two series differ
by marker as well as colour, so the chart reads in 16 colours."""

from __future__ import annotations

from textual_plotext import PlotextPlot

from millplan.core.domain.fulfilment import LineFulfilment
from millplan.core.domain.i18n import _
from millplan.core.domain.numbers import grouped
from millplan.core.views.actuals import cumulative

PLAN_MARKER = "·"
ACTUAL_MARKER = "█"
"""Cumulative lines: the plan dotted, the actual solid."""
PLAN_BAR = "█"
ACTUAL_BAR = "░"
"""Bars: the plan solid, the actual shaded."""


class FulfilmentChart(PlotextPlot):
    """``show(line, mill)`` draws the chart of ``line`` (``None``: nothing to draw);
    ``drawn`` says what is on it, for the pane's title line and the tests."""

    drawn: str = ""

    def show(self, line: LineFulfilment | None, mill_code: str | None) -> None:
        plt = self.plt
        plt.clear_figure()
        if line is None or not line.mills:
            self.drawn = ""
        elif line.totals.planned_t <= 0 and line.totals.actual_t <= 0:
            plt.title(_("nothing planned or made in {month}").format(month=line.month))
            self.drawn = "nothing"
        elif line.today is not None and mill_code is not None:
            days, planned, made = cumulative(line, mill_code)
            plt.plot(days, planned, label=_("plan, t"), marker=PLAN_MARKER, color="blue")
            if made:
                plt.plot(days[: len(made)], made, label=_("actual, t"), marker=ACTUAL_MARKER, color="green")
            plt.vline(line.today.day, color="red")
            plt.xlim(1, days[-1])
            plt.xticks([1, 8, 15, 22, days[-1]])
            self._tonnes_axis(max(planned[-1], made[-1] if made else 0.0))
            plt.xlabel(_("day of {month} (today {day})").format(month=line.month, day=line.today.day))
            self.drawn = f"cumulative {mill_code}"
        else:
            codes = [m.mill_code for m in line.mills]
            plt.multiple_bar(
                codes,
                [[m.figures.planned_t for m in line.mills], [m.figures.actual_t for m in line.mills]],
                labels=[_("plan, t"), _("actual, t")],
                color=["blue", "green"],
                marker=[PLAN_BAR, ACTUAL_BAR],
            )
            self._tonnes_axis(max(max(m.figures.planned_t, m.figures.actual_t) for m in line.mills))
            self.drawn = "bars " + " ".join(codes)
        self.refresh()

    def _tonnes_axis(self, top: float) -> None:
        """Tonnes up the side grouped and whole (``108 045``, not ``108045.0``)."""
        if top > 0:
            ticks = [top * i / 4 for i in range(5)]
            self.plt.yticks(ticks, [grouped(t) for t in ticks])
