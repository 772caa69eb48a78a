"""The Assignment pane's title line: month, line, revision, state and how the solver did —
or that a plan is running."""

from __future__ import annotations

from textual.widgets import Static

from millplan.core.domain.assignment import Assignment, AssignmentState
from millplan.core.domain.i18n import _
from millplan.core.domain.months import Month, month_text
from millplan.core.domain.numbers import grouped
from millplan.core.domain.states import solver_status_label, state_label


class AssignmentTitle(Static):
    """``2027-01 · ТБД (l) · revision 2 · in review · cbc Optimal 0.41 s``."""

    def show(
        self,
        month: Month,
        line: str | None,
        lines: list[str],
        planning: tuple[Month, str] | None,
        a: Assignment | None,
    ) -> None:
        """Name ``month`` and ``line`` (marked ``(l)`` when ``lines`` offers others), and
        either the ``planning`` under way or revision ``a`` (``None``: not planned)."""
        if line is None:
            self.update(_("No mills yet: import the mill register (millplan import mills FILE)."))
            return
        head = f"{month_text(month)} · {line} (l)" if len(lines) > 1 else f"{month_text(month)} · {line}"
        if planning:
            self.update(
                head
                + " · "
                + _("planning {month} {line}… (the screen stays live)").format(
                    month=month_text(planning[0]), line=planning[1]
                )
            )
        elif a is None:
            self.update(head)
        else:
            state = (_("APPROVED (frozen)") if a.state is AssignmentState.APPROVED else state_label(a.state)) + (
                " · " + _("STALE: re-plan") if a.stale else ""
            )
            solver = (
                _("{solver} {status} {seconds} s").format(
                    solver=a.solver_name,
                    status=solver_status_label(a.solver_status),
                    seconds=grouped(a.solve_seconds or 0, 2),
                )
                if a.solver_status
                else ""
            )
            self.update(f"{head} · " + _("revision {n}").format(n=a.revision) + f" · {state} · {solver}")
