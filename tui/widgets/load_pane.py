"""Mill load pane: every mill's load by month as a bar, and its load horizon; below, the
highlighted mill's figures in words, or (``c`` switches) its months as a chart: at 80×24 both
would leave the chart no rows, and the chart first would leave the table three."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from millplan.core.domain.i18n import _
from millplan.core.domain.months import Month, date_text, month_text
from millplan.core.domain.numbers import grouped
from millplan.core.planning import load
from millplan.core.planning.load import LoadReport
from millplan.core.views.load import load_bars, load_view
from millplan.core.views.tables import TableView
from millplan.tui.keys import month_bindings
from millplan.tui.messages import LoadRefreshed
from millplan.tui.widgets.assignment.pane import AssignmentPane
from millplan.tui.widgets.load_chart import LoadChart
from millplan.tui.widgets.view_table import ViewTable


class LoadPane(Vertical):
    """Mills × months table whose cursor is a cell, a mill-month (``←`` ``→``, or ``[`` ``]``
    among the months; it starts on the Assignment pane's month); the highlighted mill's
    months are spelled out below, or charted (``c`` switches between the two; the words
    first, so that the table has the rows). Enter (or
    ``g``) shows the mill-month's lines in the Assignment pane."""

    BINDINGS = [
        Binding("g", "go", _("Mill's lines"), id="load.go"),
        *month_bindings("load"),
        Binding("c", "chart", _("Chart"), id="load.chart"),
        # the table's own keys, named for F1: its cursor moves among the months, Enter goes
        Binding("left", "month(-1)", _("Previous month"), show=False, id="load.left"),
        Binding("right", "month(1)", _("Next month"), show=False, id="load.right"),
        Binding("enter", "go", _("Mill's lines"), show=False, id="load.enter"),
    ]

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.report: LoadReport | None = None

    def compose(self) -> ComposeResult:
        table = ViewTable(id="load-table")
        table.cursor_type = "cell"  # a mill-month: the month the jump (g) goes to
        yield table
        yield Static(_("Reading mill load…"), id="load-detail", classes="detail", markup=False)
        chart = LoadChart(id="load-chart")
        chart.display = False  # on c: at 80×24 it would leave the table three rows
        yield chart

    def reload(self) -> None:
        self._read()

    @work(thread=True, exclusive=True, exit_on_error=False, group="load")
    def _read(self) -> None:
        self.post_message(LoadRefreshed(load.mill_load(self.app.store)))

    @on(LoadRefreshed)
    def _show(self, message: LoadRefreshed) -> None:
        first = self.report is None
        self.report = message.report
        self.query_one(ViewTable).show(self._fitted(), whole=load_view(self.report))
        if first:  # the cursor on the Assignment pane's month (the first shown if it is not)
            self._put_cursor(self.app.query_one(AssignmentPane).month)
        if not message.report.mills:
            self.query_one("#load-detail", Static).update(
                _("No mills yet: import the mill register (millplan import mills FILE), or try `millplan demo`.")
            )
            self._chart(False)
        self._describe()

    def _fitted(self) -> TableView:
        """The load table with as many months as fit the table's width, so the load horizon
        stays whole (at 80 columns in Russian six months push it off the edge); at least one."""
        table = self.query_one(ViewTable)
        months = len(self.report.months)
        view = load_view(self.report, months)
        while months > 1 and not table.fits(view):
            months -= 1
            view = load_view(self.report, months)
        return view

    def on_resize(self) -> None:
        # only when the months that fit change: showing again would recount the rows on
        # the count line, which may be another pane's (a hidden pane is resized too)
        if self.report is None or not self.display or not self.size.width:
            return
        table, view = self.query_one(ViewTable), self._fitted()
        if table.view is None or [c.key for c in view.columns] != [c.key for c in table.view.columns]:
            table.show(view, whole=load_view(self.report))

    def _shown_months(self) -> list[Month]:
        """The months of the table's columns, left to right."""
        view = self.query_one(ViewTable).view
        return [Month.parse(c.key) for c in view.columns[1:-1]] if view is not None else []

    @property
    def cursor_month(self) -> Month | None:
        """The month of the cursor's column; on the mill's code the first month shown, on
        its horizon the last (``None``: no table yet). Not ``month``: the pane is about six
        (an Excel export names a pane's ``month`` in its title)."""
        months = self._shown_months()
        if not months:
            return None
        column = self.query_one(ViewTable).cursor_column
        return months[min(max(column, 1), len(months)) - 1]

    def _put_cursor(self, month: Month) -> None:
        """The cursor on ``month``'s column (the first month's if it is not shown), same row."""
        months = self._shown_months()
        if months:
            table = self.query_one(ViewTable)
            table.move_cursor(column=1 + (months.index(month) if month in months else 0), animate=False)

    def action_month(self, step: int) -> None:
        """``[`` ``]``: the cursor to the month before or after, among the months shown."""
        months, month = self._shown_months(), self.cursor_month
        if month is not None:
            self._put_cursor(months[min(max(months.index(month) + step, 0), len(months) - 1)])

    @on(DataTable.CellSelected)
    def _selected(self) -> None:  # Enter on a mill-month
        self.action_go()

    def action_go(self) -> None:
        """The highlighted mill-month's lines: the Assignment pane at the cursor's month
        (:attr:`cursor_month`), on the mill's product line, showing that mill's lines only."""
        row, month = self.query_one(ViewTable).selected, self.cursor_month
        if self.report is None or row is None or month is None:
            return
        mill = next(m for m in self.report.mills if m.code == row["key"])
        self.app.query_one(AssignmentPane).go_to(month, mill.product_line, mill=mill.code)
        self.app.action_show("assignment")

    @on(DataTable.CellHighlighted)
    def _describe(self) -> None:
        row = self.query_one(ViewTable).selected
        if self.report is None or row is None:
            return
        code = row["key"]
        self.query_one(LoadChart).show(load_bars(self.report, code))
        mill = next(m for m in self.report.mills if m.code == code)
        horizon = self.report.horizons[code]
        months = "  ".join(
            _("{month}: {booked}/{available} h").format(
                month=month_text(month), booked=grouped(cell.booked_hours), available=grouped(cell.available_hours)
            )
            for month in self.report.months
            if (cell := self.report.cells[code, month])
        )
        until = date_text(horizon.until) if horizon.until else _("beyond the calendar")
        text = _(
            "{code} · {name} · line {line}\nload horizon {until}: its {hours} h of accepted, unproduced work, started today\n{months}"
        ).format(
            code=code,
            name=mill.name,
            line=mill.product_line,
            hours=grouped(horizon.booked_hours),
            until=until,
            months=months,
        )
        planned_ahead = sorted(
            m for line, m in self.report.forecast_months if line == mill.product_line and m in self.report.months
        )
        if planned_ahead:
            text += "\n" + _("from the horizon plan's forecast: {months}").format(
                months=", ".join(month_text(m) for m in planned_ahead)
            )
        if self.report.unplaceable_tonnes:
            text += "\n" + _("{tonnes} t accepted fit no mill").format(tonnes=grouped(self.report.unplaceable_tonnes))
        self.query_one("#load-detail", Static).update(text)

    def action_chart(self) -> None:
        """Switch between the chart and the figures in words below the table."""
        self._chart(not self.query_one(LoadChart).display)

    def _chart(self, charted: bool) -> None:
        self.query_one(LoadChart).display = charted
        self.query_one("#load-detail", Static).display = not charted
