"""The mill load pane's chart (Plotext): the highlighted mill's load by month as bars, %
of its capacity — the part up to capacity solid, the part over it hatched, so overload
reads without colour — the capacity (100 %) as a line across and the load horizon as a
vertical mark, its date in the title."""

from __future__ import annotations

from textual_plotext import PlotextPlot

from millplan.core.domain.i18n import _
from millplan.core.domain.months import date_text, month_text
from millplan.core.views.load import LoadBars
from millplan.tui.widgets.charts import HATCHED, SOLID, Axis, put_axis, round_scale

HORIZON_MARK = "|"
"""The load horizon's vertical mark (ASCII: it is drawn over the bars)."""


class LoadChart(PlotextPlot):
    """``show(bars)`` draws one mill's months (``None``: nothing to draw); ``series`` is what
    was handed to the plot (``within``, ``over``: % by month), ``capacity`` the capacity
    line's level (%), ``horizon_x`` where the horizon mark stands on the months' axis (or
    ``None``), ``axis`` the % axis and ``heading`` the title."""

    series: dict[str, list[float]]  # set by show()
    capacity: float | None = None
    horizon_x: float | None = None
    axis: Axis | None = None
    heading: str = ""

    def show(self, bars: LoadBars | None) -> None:
        plt = self.plt
        plt.clear_figure()
        self.series, self.capacity, self.horizon_x, self.axis, self.heading = {}, None, None, None, ""
        if bars is not None and bars.months:
            labels = [month_text(m) for m in bars.months]
            within, over = str(SOLID), str(HATCHED)
            self.series = {"within": list(bars.within), "over": list(bars.over)}
            plt.stacked_bar(labels, [self.series["within"], self.series["over"]], marker=[within, over])
            self.capacity = 100.0
            plt.hline(self.capacity, color="red")
            self.axis = round_scale(bars.top)
            if bars.horizon_x is not None:
                self.horizon_x = bars.horizon_x
                plt.plot([bars.horizon_x] * 2, [0, self.axis.limit], marker=HORIZON_MARK, color="magenta")
            put_axis(plt, self.axis)
            until = date_text(bars.horizon) if bars.horizon else _("beyond the calendar")
            self.heading = _("{mill} load, %: {within} to capacity, {over} over · {mark} horizon {until}").format(
                mill=bars.mill_code, within=within, over=over, mark=HORIZON_MARK, until=until
            )
            plt.title(self.heading)
        self.refresh()
