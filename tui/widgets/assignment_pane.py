"""Assignment pane: the month's draft by mill, excluded positions with reasons, totals;
re-plan in the background, lock or exclude a position, approve. A plan still running
when the workstation closes is cancelled (:mod:`millplan.tui.background`): its solver stops and
nothing of it is saved."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Static
from textual.worker import Worker

from millplan.core.access.permissions import Action
from millplan.core.domain.errors import NotFound
from millplan.core.domain.i18n import _
from millplan.core.domain.model import Assignment, AssignmentState
from millplan.core.domain.months import Month
from millplan.core.domain.numbers import grouped
from millplan.core.planning import run as planning
from millplan.core.planning.options import PlanOptions
from millplan.core.views.tables import exclusions_view, lines_view, load_cell
from millplan.core.workflow import assignments
from millplan.tui.background import in_thread
from millplan.tui.messages import AssignmentRefreshed, PlanFinished, StoreChanged
from millplan.tui.screens.dialogs import ConfirmScreen, ReasonScreen
from millplan.tui.widgets.view_table import ViewTable

NEEDS = {
    "plan": Action.PLAN,
    "lock": Action.EDIT_ASSIGNMENT,
    "exclude": Action.EDIT_ASSIGNMENT,
    "submit": Action.SUBMIT,
    "approve": Action.APPROVE,
}
"""The core action each key of the pane needs on the shown line."""


class AssignmentPane(Vertical):
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
        Binding("left_square_bracket", "month(-1)", _("Month"), key_display="[ ]", id="assignment.previous_month"),
        Binding("right_square_bracket", "month(1)", _("Next month"), show=False, id="assignment.next_month"),
        # the title marks the line "(l)": the footer's 80 columns are full
        Binding("l", "next_line", _("Line"), show=False, id="assignment.next_line"),
    ]

    def set_product_lines(self, lines: list[str]) -> None:
        """Take the product lines afresh (mills imported while the workstation was open)."""
        self.lines = lines
        if self.line not in lines:
            self.line = lines[0] if lines else None

    def __init__(self, month: Month, lines: list[str], line: str | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.month = month
        self.lines = lines
        self.line = line if line in lines else lines[0] if lines else None
        self.assignment: Assignment | None = None
        self.planning: tuple[Month, str] | None = None  # what the running plan is for

    def compose(self) -> ComposeResult:
        yield Static(id="assignment-title", classes="title", markup=False)
        yield Static(id="assignment-summary", markup=False)
        yield ViewTable(id="lines-table")
        yield ViewTable(id="excluded-table")
        yield Static(id="excluded-reason", classes="detail", markup=False)

    def on_mount(self) -> None:
        self.reload()

    def reload(self) -> None:
        self._show_title()
        if self.line is not None:
            self._read(self.month, self.line)

    @work(thread=True, exclusive=True, exit_on_error=False, group="assignment")
    def _read(self, month: Month, line: str) -> None:
        try:
            found = planning.latest(self.app.store, month, line)
        except NotFound:
            found = None
        self.post_message(AssignmentRefreshed(month, line, found))

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
        if a is None:
            lines_table.clear()
            excluded_table.clear()
            summary.update(_("Not planned yet: press F5 (or p) to run the prioritiser."))
            self.query_one("#excluded-reason", Static).update("")
            return
        lines_table.show(lines_view(a))
        excluded_table.show(exclusions_view(a))
        loads = "  ".join(f"{load.mill_code} {load_cell(load)}" for load in a.mill_loads)
        hidden = lines_table.hidden_rows + excluded_table.hidden_rows
        if hidden:  # a big month: say so rather than let the tables look complete
            loads += "  " + _("({n} more rows: millplan assignment show -m {month} -l {line})").format(
                n=grouped(hidden), month=a.month, line=a.product_line
            )
        summary.update(
            _("Key accounts {key} t · total {tonnes} t · marginal income {income} RUB\n{loads}").format(
                key=grouped(a.key_account_tonnes),
                tonnes=grouped(a.tonnes),
                income=grouped(a.marginal_income),
                loads=loads,
            )
        )
        self._explain()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """A key shows only when the user's role may do it on this line (core checks each
        call again); F12 is Submit while the revision is editable and Approve once it is in
        review."""
        needed = NEEDS.get(action)
        if needed is not None and not self.app.actor.may(needed, line=self.line):
            return False
        in_review = self.assignment is not None and self.assignment.state is AssignmentState.IN_REVIEW
        if action == "submit":
            return not in_review
        if action == "approve":
            return in_review
        return True

    def _show_title(self) -> None:
        title = self.query_one("#assignment-title", Static)
        if self.line is None:
            title.update(_("No mills yet: import the mill register (millplan import mills FILE)."))
            return
        head = f"{self.month} · {self.line} (l)" if len(self.lines) > 1 else f"{self.month} · {self.line}"
        if self.planning:
            month, line = self.planning
            title.update(
                head + " · " + _("planning {month} {line}… (the screen stays live)").format(month=month, line=line)
            )
        elif self.assignment is None:
            title.update(head)
        else:
            a = self.assignment
            state = {
                AssignmentState.APPROVED: _("APPROVED (frozen)"),
                AssignmentState.IN_REVIEW: _("in review"),
                AssignmentState.RE_APPROVAL: _("re-approval"),
            }.get(a.state, _("draft")) + (" · " + _("STALE: re-plan") if a.stale else "")
            solver = f"{a.solver_name} {a.solver_status} {a.solve_seconds or 0:.2f} s" if a.solver_status else ""
            title.update(f"{head} · " + _("revision {n}").format(n=a.revision) + f" · {state} · {solver}")

    @on(DataTable.RowHighlighted, "#excluded-table")
    def _explain(self) -> None:
        row = self.query_one("#excluded-table", ViewTable).selected
        text = f"{row['position_ref']}: {row['reason']}" if row else ""
        if self.assignment is not None and self.assignment.options is not None:  # how the month was planned
            text += ("\n" if text else "") + _("Planned with: {options}").format(
                options=PlanOptions.from_dict(self.assignment.options).describe()
            )
        self.query_one("#excluded-reason", Static).update(text)

    # -- actions ------------------------------------------------------------------------

    def action_month(self, step: int) -> None:
        self.month = self.month + step
        self.assignment = None
        self.reload()

    def action_next_line(self) -> None:
        if self.lines:
            self.line = self.lines[(self.lines.index(self.line) + 1) % len(self.lines)]
            self.assignment = None
            self.reload()

    def _may(self, action: str) -> bool:
        """Whether the user may do ``action`` here; if not, core's refusal is shown now."""
        return self.app.may_or_say(NEEDS[action], line=self.line, target=f"{self.month}/{self.line}")

    def action_plan(self) -> None:
        if self.line is None or not self._may("plan"):
            return
        if self.planning:
            self.notify(
                _("Already planning {month} {line}: wait for it to finish.").format(
                    month=self.planning[0], line=self.planning[1]
                ),
                severity="warning",
            )
            return
        self.planning = (self.month, self.line)
        self._show_title()
        self._plan(self.month, self.line)

    @work(exclusive=True, exit_on_error=False, group="plan")
    async def _plan(self, month: Month, line: str) -> None:
        # the solve runs in a thread of its own (tui.background): closing the workstation
        # cancels it and need not wait until the solver notices
        try:
            outcomes = await in_thread(
                lambda: planning.plan(self.app.store, month, login=self.app.login, product_line=line)
            )
        except Exception:
            self._planned()
            raise  # shown by the app's handler of failed workers
        self._planned()
        self.post_message(PlanFinished(outcomes[0]))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        # a worker's state messages do not bubble: a failed or refused plan is shown by
        # the app's one handler of worker failures
        self.app.on_worker_state_changed(event)

    def _planned(self) -> None:
        self.planning = None
        self._show_title()

    @on(PlanFinished)
    def _plan_finished(self, message: PlanFinished) -> None:
        outcome = message.outcome
        self.notify(
            _("Planned {month} {line}: {n} lines, {x} left out ({status}, {seconds:.2f} s)").format(
                month=outcome.assignment.month,
                line=outcome.assignment.product_line,
                n=grouped(len(outcome.assignment.lines)),
                x=grouped(len(outcome.assignment.exclusions)),
                status=outcome.solver_status,
                seconds=outcome.seconds,
            )
        )
        for note in outcome.notes:
            self.notify(note, severity="warning")
        a = outcome.assignment
        self.post_message(AssignmentRefreshed(a.month, a.product_line, a))
        self.post_message(StoreChanged())

    def _edited(self, updated: Assignment | None) -> None:
        if updated is not None:
            self.post_message(AssignmentRefreshed(updated.month, updated.product_line, updated))
            self.post_message(StoreChanged())

    def action_lock(self) -> None:
        if not self._may("lock"):
            return
        lines = self.query_one("#lines-table", ViewTable)
        row = lines.selected
        if row is None or not lines.has_focus:  # never lock a line the user is not looking at
            self.notify(_("Highlight a line in the upper table to lock it."), severity="warning")
            return
        self._edited(
            self.app.attempt(
                lambda: assignments.set_locked(
                    self.app.store, self.month, self.line, row["position_ref"], not row["locked"], login=self.app.login
                )
            )
        )

    def action_exclude(self) -> None:
        """On a line (upper table) or a position the prioritiser left out (lower table):
        exclude it by hand, with a reason. On a position excluded by hand: let it back in."""
        if not self._may("exclude"):
            return
        excluded = self.query_one("#excluded-table", ViewTable)
        lines = self.query_one("#lines-table", ViewTable)
        if excluded.has_focus and excluded.selected is not None:
            row = excluded.selected
            if row["manual"]:
                ref = row["position_ref"]
                self._edited(
                    self.app.attempt(
                        lambda: assignments.set_excluded(
                            self.app.store, self.month, self.line, ref, False, login=self.app.login
                        )
                    )
                )
                return
        elif lines.has_focus and lines.selected is not None:
            row = lines.selected
        else:
            self.notify(_("Highlight a position in either table first."), severity="warning")
            return
        ref = row["position_ref"]

        def excluded_with(reason: str | None) -> None:
            if reason:
                self._edited(
                    self.app.attempt(
                        lambda: assignments.set_excluded(
                            self.app.store, self.month, self.line, ref, True, login=self.app.login, reason=reason
                        )
                    )
                )

        self.app.push_screen(
            ReasonScreen(_("Exclude {ref} from {month} by hand: why?").format(ref=ref, month=self.month)), excluded_with
        )

    def action_submit(self) -> None:
        """Send the draft (or re-approval revision) to review; on one in review, approve."""
        a = self.assignment
        if a is None:
            self.notify(_("Nothing to submit: plan the month first (F5)."), severity="warning")
            return
        if a.state is not AssignmentState.DRAFT and a.state is not AssignmentState.RE_APPROVAL:
            self.action_approve()
            return
        if not self._may("submit"):
            return

        def decided(yes: bool | None) -> None:
            if yes:
                submitted = self.app.attempt(
                    lambda: assignments.submit(
                        self.app.store, a.month, a.product_line, login=self.app.login, seen=(a.id, a.version)
                    )
                )
                if submitted is not None:
                    self.notify(
                        _("{month} {line} revision {n} submitted for review.").format(
                            month=a.month, line=a.product_line, n=a.revision
                        )
                    )
                    self._edited(submitted)

        self.app.push_screen(
            ConfirmScreen(
                _("Submit {month} {line} revision {n} for review?").format(
                    month=a.month, line=a.product_line, n=a.revision
                )
            ),
            decided,
        )

    def action_approve(self) -> None:
        a = self.assignment
        if a is None:
            self.notify(_("Nothing to approve: plan the month first (F5)."), severity="warning")
            return
        if a.state is AssignmentState.APPROVED:
            self.notify(
                _("Revision {n} is already approved; F5 re-plans into revision {next}.").format(
                    n=a.revision, next=a.revision + 1
                ),
                severity="warning",
            )
            return
        if not self._may("approve"):
            return

        def decided(yes: bool | None) -> None:
            if yes:
                approved = self.app.attempt(
                    lambda: assignments.approve(
                        self.app.store, a.month, a.product_line, login=self.app.login, seen=(a.id, a.version)
                    )
                )
                if approved is not None:
                    self.notify(
                        _("{month} {line} revision {n} approved.").format(
                            month=a.month, line=a.product_line, n=a.revision
                        )
                    )
                    self.post_message(AssignmentRefreshed(approved.month, approved.product_line, approved))
                    self.post_message(StoreChanged())

        self.app.push_screen(
            ConfirmScreen(
                _("Approve {month} {line} revision {n}: {tonnes} t, {income} RUB? It will be frozen.").format(
                    month=a.month,
                    line=a.product_line,
                    n=a.revision,
                    tonnes=grouped(a.tonnes),
                    income=grouped(a.marginal_income),
                )
            ),
            decided,
        )
