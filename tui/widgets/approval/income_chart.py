"""The Approval pane's chart of the diff (Plotext): the marginal income the latest revision
gains or loses against the approved one, k RUB — gains solid above the 0 line, losses
hatched below it, so they differ without colour — by mill, or for the positions that
change most. ``c`` shows it by mill in the Diff and Mills sections, again by position,
and a third time hides it."""

from __future__ import annotations

from textual_plotext import PlotextPlot

from millplan.core.domain.i18n import _
from millplan.core.domain.numbers import grouped
from millplan.core.views.diff import IncomeBars
from millplan.tui.widgets.charts import HATCHED, SOLID, Axis, put_axis, round_scale

STEPS = 4
"""Axis steps: one more than a one-sided axis, as 0 sits inside."""
TOP_POSITIONS = 6
"""Positions charted at most: their refs side by side under the bars fit 80 columns."""


class IncomeChart(PlotextPlot):
    """``show(bars, by)`` draws the change by mill (``by`` ``"mill"``) or by position
    (``"position"``); ``series`` is what was handed to the plot (``gains``, ``losses``:
    k RUB per bar, ``labels`` under them), ``axis`` the k RUB axis and ``heading`` the title."""

    series: dict[str, list]  # set by show()
    axis: Axis | None = None
    heading: str = ""

    def show(self, bars: IncomeBars, by: str = "mill") -> None:
        plt = self.plt
        plt.clear_figure()
        self.series, self.axis, self.heading = {}, None, ""
        if not bars.changed:
            self.heading = (
                _("No mill gains or loses marginal income.")
                if by == "mill"
                else _("No position gains or loses marginal income.")
            )
        else:
            labels = list(bars.labels)
            self.series = {"labels": labels, "gains": list(bars.gains), "losses": list(bars.losses)}
            gain, loss = str(SOLID), str(HATCHED)
            plt.bar(labels, self.series["gains"], marker=gain, color="green")
            plt.bar(labels, self.series["losses"], marker=loss, color="red")
            plt.hline(0.0)
            self.axis = round_scale(max(bars.gains), min(bars.losses), STEPS)
            put_axis(plt, self.axis)
            sign = "+" if bars.total > 0 else ""
            if by == "mill":
                text = _("Marginal income by mill, k RUB: {gain} gain, {loss} loss · in all {total} RUB")
            else:
                text = _("Biggest changes by position, k RUB: {gain} gain, {loss} loss · {n} of {of}")
            self.heading = text.format(
                gain=gain, loss=loss, total=sign + grouped(bars.total), n=len(labels), of=bars.of
            )
        plt.title(self.heading)
        self.refresh()
