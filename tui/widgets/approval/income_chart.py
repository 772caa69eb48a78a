"""The Approval pane's chart of the diff (Plotext): the marginal income each mill gains or
loses from the approved revision to the latest, k RUB — gains solid above the 0 line,
losses hatched below it, so they differ without colour — and the whole change in the
title. ``c`` shows it in the Diff and Mills sections and hides it again."""

from __future__ import annotations

from textual_plotext import PlotextPlot

from millplan.core.domain.i18n import _
from millplan.core.domain.numbers import grouped
from millplan.core.views.diff import IncomeBars
from millplan.tui.widgets.charts import HATCHED, SOLID, Axis, put_axis, round_scale

STEPS = 4
"""Axis steps: one more than a one-sided axis, as 0 sits inside."""


class IncomeChart(PlotextPlot):
    """``show(bars)`` draws the mills' change; ``series`` is
    what was handed to the plot (``gains``, ``losses``: k RUB by mill), ``axis`` the k RUB
    axis and ``heading`` the title."""

    series: dict[str, list[float]]  # set by show()
    axis: Axis | None = None
    heading: str = ""

    def show(self, bars: IncomeBars) -> None:
        plt = self.plt
        plt.clear_figure()
        self.series, self.axis, self.heading = {}, None, ""
        if not bars.changed:
            self.heading = _("No mill gains or loses marginal income.")
        else:
            self.series = {"gains": list(bars.gains), "losses": list(bars.losses)}
            gain, loss = str(SOLID), str(HATCHED)
            plt.bar(list(bars.mills), self.series["gains"], marker=gain, color="green")
            plt.bar(list(bars.mills), self.series["losses"], marker=loss, color="red")
            plt.hline(0.0)
            self.axis = round_scale(max(bars.gains), min(bars.losses), STEPS)
            put_axis(plt, self.axis)
            sign = "+" if bars.total > 0 else ""
            self.heading = _("Marginal income by mill, k RUB: {gain} gain, {loss} loss · in all {total} RUB").format(
                gain=gain, loss=loss, total=sign + grouped(bars.total)
            )
        plt.title(self.heading)
        self.refresh()
