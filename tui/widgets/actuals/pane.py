"""Plan-vs-actual pane: one month × product line against its approved revision in force —
the totals and notes, the mills' tonnes, and below them, stepped through with ``s``, the
chart, the mills' tonnes to date (the month in progress), the positions, the mills' hours
and marginal income, and the carry-over ("left to make" until the month is over) — each
table whole at 80 columns. ``[``/``]`` change month, ``l`` the line. Read in a worker
thread; nothing here writes."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import ContentSwitcher, DataTable, Static

from millplan.core.domain.fulfilment import LineFulfilment, MonthFulfilment
from millplan.core.domain.i18n import _, ngettext
from millplan.core.domain.months import Month, month_text
from millplan.core.planning.fulfilment import month_fulfilment
from millplan.core.views.actuals import (
    carry_over_name,
    carry_over_view,
    headline,
    mill_income_view,
    mills_view,
    positions_view,
    report_notes,
    to_date_view,
)
from millplan.tui.keys import month_bindings
from millplan.tui.messages import ActualsRefreshed
from millplan.tui.widgets.actuals.chart import FulfilmentChart
from millplan.tui.widgets.month_line import MonthAndLine
from millplan.tui.widgets.sections import section_bar
from millplan.tui.widgets.view_table import ViewTable


def sections(month: Month) -> dict[str, str]:
    """The lower part's sections of ``month`` in the order ``s`` steps through them: id →
    label (the last is "Left to make" until the month is over, then "Carry-over")."""
    return {
        "actuals-chart": _("Chart"),
        "actuals-to-date": _("To date"),
        "actuals-positions": _("Positions"),
        "actuals-income": _("Hours & MI"),
        "actuals-carry": carry_over_name(month),
    }


class ActualsPane(MonthAndLine, Vertical):
    """Plan against actual of ``month`` for one product line at a time."""

    BINDINGS = [
        *month_bindings("actuals"),
        Binding("l", "next_line", _("Line"), id="actuals.next_line"),
        Binding("s", "section", _("Section"), id="actuals.section"),
    ]

    def __init__(self, month: Month, lines: list[str], line: str | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.month = month
        self.lines = lines
        self.line = line if line in lines else lines[0] if lines else None
        self.report: MonthFulfilment | None = None
        self.section = next(iter(sections(month)))

    def compose(self) -> ComposeResult:
        yield Static(id="actuals-title", classes="title", markup=False)
        yield Static(id="actuals-headline", markup=False)
        yield ViewTable(id="actuals-mills")
        yield Static(id="actuals-sections", markup=False)
        with ContentSwitcher(initial=self.section, id="actuals-lower"):
            yield FulfilmentChart(id="actuals-chart")
            yield ViewTable(id="actuals-to-date")
            yield ViewTable(id="actuals-positions")
            yield ViewTable(id="actuals-income")
            yield ViewTable(id="actuals-carry")

    def reload(self) -> None:
        self._show_title()
        self._show_sections()
        self._read(self.month, self.line)

    @work(thread=True, exclusive=True, exit_on_error=False, group="actuals")
    def _read(self, month: Month, line: str | None) -> None:
        self.post_message(ActualsRefreshed(month, line, month_fulfilment(self.app.store, month, line)))

    @property
    def shown(self) -> LineFulfilment | None:
        """The line shown (``None`` before the first read, or with no product line)."""
        return self.report.lines[0] if self.report and len(self.report.lines) == 1 else None

    @on(ActualsRefreshed)
    def _show(self, message: ActualsRefreshed) -> None:
        if (message.month, message.product_line) != (self.month, self.line):
            return  # the pane moved on while this was read
        self.report = report = message.report
        self._show_title()
        said = report_notes(report, progress=False)
        self.query_one("#actuals-headline", Static).update("\n".join([headline(report), *said]))
        self.query_one("#actuals-mills", ViewTable).show(mills_view(report))
        self.query_one("#actuals-to-date", ViewTable).show(to_date_view(report))
        self.query_one("#actuals-positions", ViewTable).show(positions_view(report))
        self.query_one("#actuals-income", ViewTable).show(mill_income_view(report))
        self.query_one("#actuals-carry", ViewTable).show(carry_over_view(report))
        self._draw()

    @on(DataTable.RowHighlighted, "#actuals-mills")
    def _draw(self) -> None:
        """Chart the highlighted mill (the month in progress) or every mill (any other)."""
        self.query_one(FulfilmentChart).show(self.shown, self.query_one("#actuals-mills", ViewTable).selected_key)

    def history_key(self) -> str | None:
        """What ``h`` shows the history of: the highlighted position of the positions or
        carry-over table when it has the focus, else the highlighted mill."""
        for table in self.query(ViewTable):
            if table.has_focus and table.selected_key is not None:
                return table.selected_key
        return self.query_one("#actuals-mills", ViewTable).selected_key

    def _show_title(self) -> None:
        title = self.query_one("#actuals-title", Static)
        if self.line is None:
            title.update(_("No mills yet: import the mill register (millplan import mills FILE)."))
            return
        head = f"{month_text(self.month)} · {self.line}" + (" (l)" if len(self.lines) > 1 else "")
        line = self.shown
        if line is None or (line.month, line.product_line) != (self.month, self.line):
            title.update(head)
        elif line.revision is None:
            title.update(f"{head} · " + _("no approved assignment"))
        else:
            state = (
                _("month closed")
                if line.closed
                else ngettext(
                    "in progress · to date {days} day", "in progress · to date {days} days", line.days_to_date
                ).format(days=line.days_to_date)
                if line.today
                else ""
            )
            title.update(f"{head} · " + _("revision {n}").format(n=line.revision) + (f" · {state}" if state else ""))

    def _show_sections(self) -> None:
        self.query_one("#actuals-sections", Static).update(section_bar(sections(self.month), self.section))

    # -- actions ------------------------------------------------------------------------

    def moved(self) -> None:
        self.report = None
        self.reload()

    def action_section(self) -> None:
        keys = list(sections(self.month))
        self.section = keys[(keys.index(self.section) + 1) % len(keys)]
        self.query_one("#actuals-lower", ContentSwitcher).current = self.section
        self._show_sections()
