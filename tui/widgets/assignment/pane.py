"""Assignment pane: the month's draft by mill, excluded positions with reasons, totals;
re-plan in the background (:mod:`.planning`), lock or exclude a position (:mod:`.editing`),
submit and approve (:mod:`.lifecycle`). Its keys show what core offers the user here
(:func:`millplan.core.access.actions.available`)."""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Static
from textual.worker import Worker

from millplan.core.access.actions import available, offered
from millplan.core.access.permissions import Action
from millplan.core.domain.assignment import Assignment
from millplan.core.domain.errors import NotFound
from millplan.core.domain.i18n import _
from millplan.core.domain.months import Month, month_text
from millplan.core.domain.numbers import grouped
from millplan.core.domain.workflow import key_label
from millplan.core.planning import run as planning
from millplan.core.planning.inputs import past_month
from millplan.core.planning.load import forecast_source
from millplan.core.planning.options import PlanOptions
from millplan.core.views.assignment import exclusions_view, lines_view
from millplan.core.views.tables import TableView, cell_style, load_cell
from millplan.tui.keys import month_bindings
from millplan.tui.messages import AssignmentRefreshed, PlanFinished
from millplan.tui.table_cursor import highlight
from millplan.tui.widgets.assignment.editing import Editing
from millplan.tui.widgets.assignment.lifecycle import Lifecycle
from millplan.tui.widgets.assignment.planning import Planning
from millplan.tui.widgets.assignment.title import AssignmentTitle
from millplan.tui.widgets.month_line import MonthAndLine
from millplan.tui.widgets.view_table import ViewTable

NEEDS = {
    "plan": Action.PLAN,
    "lock": Action.EDIT_ASSIGNMENT,
    "exclude": Action.EDIT_ASSIGNMENT,
    "submit": Action.SUBMIT,
    "approve": Action.APPROVE,
}
"""The core action each key of the pane needs on the shown line."""


class AssignmentPane(MonthAndLine, Planning, Editing, Lifecycle, Vertical):
    """One month × product line at a time: ``[``/``]`` change month, ``l`` the line."""

    BINDINGS = [
        Binding("f5", "plan", _("Plan"), id="assignment.plan"),
        Binding("p", "plan", _("Plan"), show=False, id="assignment.plan_letter"),
        Binding("f8", "lock", _("Lock"), id="assignment.lock"),
        Binding("k", "lock", _("Lock"), show=False, id="assignment.lock_letter"),
        Binding("f9", "exclude", _("Exclude"), id="assignment.exclude"),
        Binding("x", "exclude", _("Exclude"), show=False, id="assignment.exclude_letter"),
        # F12 takes the revision one step on in its life cycle: a draft is submitted, a
        # revision in review approved (the footer names the step)
        Binding("f12", "submit", _("Submit"), id="assignment.submit"),
        Binding("f12", "approve", _("Approve"), id="assignment.approve"),
        Binding("A", "submit", _("Submit"), show=False, id="assignment.submit_letter"),
        Binding("A", "approve", _("Approve"), show=False, id="assignment.approve_letter"),
        *month_bindings("assignment"),
        # the title marks the line "(l)": the footer's 80 columns are full
        Binding("l", "next_line", _("Line"), show=False, id="assignment.next_line"),
        # while one mill's lines are shown; the summary line says so (the footer is full)
        Binding("escape", "all_mills", _("Every mill"), show=False, id="assignment.all_mills"),
    ]

    def __init__(self, month: Month, lines: list[str], line: str | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.month = month
        self.lines = lines
        self.line = line if line in lines else lines[0] if lines else None
        self.assignment: Assignment | None = None
        self.planning: tuple[Month, str] | None = None  # what the running plan is for
        self.mill: str | None = None  # the one mill whose lines are shown (None: every mill)
        self.wanted: str | None = None  # a position to highlight once the month is read (go_to)

    def compose(self) -> ComposeResult:
        yield AssignmentTitle(id="assignment-title", classes="title", markup=False)
        yield Static(id="assignment-summary", markup=False)
        yield ViewTable(id="lines-table")
        yield ViewTable(id="excluded-table")
        yield Static(id="excluded-reason", classes="detail", markup=False)

    def reload(self) -> None:
        self._show_title()
        if self.line is not None:
            self._read(self.month, self.line)

    @work(thread=True, exclusive=True, exit_on_error=False, group="assignment")
    def _read(self, month: Month, line: str) -> None:
        try:
            found, forecast_by = planning.latest(self.app.store, month, line), None
        except NotFound:
            found, forecast_by = None, forecast_source(self.app.store, month, line)
        self.post_message(AssignmentRefreshed(month, line, found, forecast_by))

    @on(AssignmentRefreshed)
    def _show(self, message: AssignmentRefreshed) -> None:
        if (message.month, message.product_line) != (self.month, self.line):
            return  # the pane moved to another month or line while this was read
        self.assignment = message.assignment
        self.refresh_bindings()
        self._show_title()
        a = self.assignment
        lines_table = self.query_one("#lines-table", ViewTable)
        excluded_table = self.query_one("#excluded-table", ViewTable)
        summary = self.query_one("#assignment-summary", Static)
        summary.set_class(a is None, "sentence")  # why nothing is planned: read whole, wrapped
        if a is None:
            lines_table.clear()
            excluded_table.clear()
            summary.update(self._unplanned(message.forecast_by))
            self.wanted = None
            self.query_one("#excluded-reason", Static).update("")
            return
        view = lines_view(a)
        if self.mill is not None:  # a mill-month from the load pane: that mill's lines
            view = TableView(view.title, view.columns, tuple(r for r in view.rows if r["mill"] == self.mill))
        lines_table.show(view)
        excluded = exclusions_view(a)
        excluded_table.show(excluded, whole=exclusions_view(a, whole_reasons=True))  # the file: whole sentences
        self._highlight_wanted((view, lines_table), (excluded, excluded_table))
        # one line however many mills the line has (30 would take four rows): the busiest
        # first, the line cut where the pane ends
        busiest = sorted(a.mill_loads, key=lambda load: -(load.load or 0.0))
        loads = "  ".join(f"{load.mill_code} {load_cell(load)}" for load in busiest)
        if self.mill is not None:
            loads = _("Mill {mill} only (Esc: every mill) · {loads}").format(mill=self.mill, loads=loads)
        text = Text(
            _("Key accounts {key} t · total {tonnes} t · marginal income {income} RUB\n{loads}").format(
                key=grouped(a.key_account_tonnes),
                tonnes=grouped(a.tonnes),
                income=grouped(a.marginal_income),
                loads=loads,
            )
        )
        for load in busiest:  # an over-full mill reads in monochrome too: its "!" and reverse video
            if cell_style(load):
                text.highlight_words([f"{load.mill_code} {load_cell(load)}"], style=cell_style(load))
        summary.update(text)
        self._explain()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """A key shows only when core offers its action to the user here (his role, this
        line, the revision's state; core checks each call again). F12 is the revision's
        next step: Approve once it is in review, else Submit (which says why when there is
        nothing to submit). Esc shows every mill again while one mill's lines are shown. A
        month over is not planned (core's rule, :func:`past_month`): F5 shows greyed there (the
        summary says why; F5 pressed, :meth:`why_not`)."""
        if action == "all_mills":
            return self.mill is not None
        if action == "plan" and past_month(self.month):
            return None
        needed = NEEDS.get(action)
        if needed is None:
            return True
        actions = available(self.app.actor, self.line, self.assignment.state if self.assignment else None)
        if action == "submit":
            return Action.APPROVE not in actions and Action.SUBMIT in offered(self.app.actor, self.line)
        return needed in actions

    def why_not(self, action: str) -> str | None:
        """Why F5 does nothing here (:func:`millplan.tui.keys.idle_key_reason`): on a month
        over, the refusal core gives, naming the current month."""
        return past_month(self.month) if action == "plan" else None

    def _show_title(self) -> None:
        self.query_one(AssignmentTitle).show(self.month, self.line, self.lines, self.planning, self.assignment)

    @on(DataTable.RowHighlighted, "#excluded-table")
    def _explain(self) -> None:
        row = self.query_one("#excluded-table", ViewTable).selected
        text = f"{row['position_ref']}: {row['reason']}" if row else ""
        if self.assignment is not None and self.assignment.options is not None:  # how the month was planned
            text += ("\n" if text else "") + _("Planned with: {options}").format(
                options=PlanOptions.from_dict(self.assignment.options).describe()
            )
        self.query_one("#excluded-reason", Static).update(text)

    # -- going to a position or a mill-month ---------------------------------------------

    def _unplanned(self, forecast_by: Assignment | None) -> str:
        """What the pane says of a month not planned: a month over cannot be (no F5 offered);
        a month a horizon plan forecasts (its load on the load pane) says whose forecast it is."""
        month = month_text(self.month)
        if past_month(self.month):
            return _("{month} is over and was not planned for line {line}: a past month is not planned.").format(
                month=month, line=self.line
            )
        if forecast_by is not None:
            return _(
                "{month} is not planned for line {line} yet: its load is the forecast of the horizon "
                "plan of {revision}. F5 (or p) plans {month} itself."
            ).format(month=month, line=self.line, revision=key_label(forecast_by.key))
        return _("Not planned yet: press F5 (or p) to run the prioritiser.")

    def go_to(self, month: Month, line: str, *, ref: str | None = None, mill: str | None = None) -> None:
        """Show (``month``, ``line``): only ``mill``'s lines when given, every mill's
        otherwise; highlight position ``ref`` (a line of it, else its exclusion) once read."""
        self.mill, self.wanted = mill, ref
        if (self.month, self.line) != (month, line) and line in self.lines:
            self.month, self.line = month, line
            self.assignment = None
        self.reload()

    def _highlight_wanted(self, *shown: tuple[TableView, ViewTable]) -> None:
        """Put the cursor on the first row of the wanted position, in the first table that has it."""
        wanted, self.wanted = self.wanted, None
        if wanted is None:
            return
        for view, table in shown:
            key = next((r["key"] for r in view.rows if r["position_ref"] == wanted), None)
            if key is not None and highlight(table, key):
                table.focus()
                return
        self.notify(
            _("{ref} is not in {month} {line}.").format(ref=wanted, month=month_text(self.month), line=self.line)
        )

    def action_next_line(self) -> None:
        self.mill = None  # a mill belongs to one line
        super().action_next_line()

    def action_all_mills(self) -> None:
        self.mill = None
        self.reload()

    # -- actions ------------------------------------------------------------------------

    def moved(self) -> None:
        self.assignment = None
        self.reload()

    def _may(self, action: str) -> bool:
        """Whether the user may do ``action`` here; if not, core's refusal is shown now."""
        return self.app.may_or_say(NEEDS[action], line=self.line, target=f"{self.month}/{self.line}")

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        # a worker's state messages do not bubble: a failed or refused plan is shown by
        # the app's one handler of worker failures
        self.app.on_worker_state_changed(event)

    @on(PlanFinished)
    def _plan_finished(self, message: PlanFinished) -> None:
        self.plan_finished(message)
