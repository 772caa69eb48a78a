"""The Assignment pane's planning: ``F5`` re-plans the month and line in the background
(the screen stays live); a plan still running when the workstation closes is cancelled
(:mod:`millplan.tui.background`): its solver stops and nothing of it is saved."""

from __future__ import annotations

from textual import work

from millplan.core.domain.i18n import _, ngettext
from millplan.core.domain.months import Month, month_text
from millplan.core.domain.numbers import grouped
from millplan.core.domain.states import solver_status_label
from millplan.core.planning import run as planning
from millplan.tui.background import in_thread
from millplan.tui.messages import AssignmentRefreshed, PlanFinished, StoreChanged


class Planning:
    """Mixed into :class:`~millplan.tui.widgets.assignment.pane.AssignmentPane` (a widget),
    which provides ``month``, ``line``, ``_may`` and ``_show_title``."""

    planning: tuple[Month, str] | None  # what the running plan is for

    def action_plan(self) -> None:
        if self.line is None or not self._may("plan"):
            return
        if self.planning:
            self.notify(
                _("Already planning {month} {line}: wait for it to finish.").format(
                    month=month_text(self.planning[0]), line=self.planning[1]
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

    def _planned(self) -> None:
        self.planning = None
        self._show_title()

    def plan_finished(self, message: PlanFinished) -> None:
        """Say how the plan went and show its revision."""
        outcome = message.outcome
        self.notify(
            ngettext(
                "Planned {month} {line}: {n} line, {x} left out ({status}, {seconds} s)",
                "Planned {month} {line}: {n} lines, {x} left out ({status}, {seconds} s)",
                len(outcome.assignment.lines),
            ).format(
                month=month_text(outcome.assignment.month),
                line=outcome.assignment.product_line,
                n=grouped(len(outcome.assignment.lines)),
                x=grouped(len(outcome.assignment.exclusions)),
                status=solver_status_label(outcome.solver_status, outcome.gap),
                seconds=grouped(outcome.seconds, 2),
            )
        )
        for note in outcome.notes:
            self.notify(note, severity="warning")
        for warning in outcome.warnings:
            self.notify(warning, severity="warning", timeout=15)
        a = outcome.assignment
        self.post_message(AssignmentRefreshed(a.month, a.product_line, a))
        self.post_message(StoreChanged())
