"""Going to what something is about: a notification's conflict, request, escalation, review
or revision in the approval pane, its position in the assignment pane, its deal in the deals
pane (:class:`millplan.core.views.inbox.Target` says which)."""

from __future__ import annotations

from textual.app import App

from millplan.core.domain.i18n import _
from millplan.core.views.inbox import Target
from millplan.tui.table_cursor import highlight
from millplan.tui.widgets.approval.pane import ApprovalPane
from millplan.tui.widgets.assignment.pane import AssignmentPane
from millplan.tui.widgets.view_table import ViewTable


def go_to(app: App, target: Target) -> None:
    """Show ``target`` in its pane of workstation ``app``, the cursor on its row (the
    approval and assignment panes read the month and line, then put it there)."""
    app.action_show(target.pane)
    if target.pane == "approval":
        # after the tab is shown and has focused its first table, so that the row's table keeps the focus
        app.call_after_refresh(app.query_one(ApprovalPane).go_to, target.month, target.line, target.section, target.key)
    elif target.pane == "assignment":
        app.call_after_refresh(app.query_one(AssignmentPane).go_to, target.month, target.line, ref=target.ref)
    elif not highlight(app.query_one("#deals-pane").query_one(ViewTable), target.ref):
        app.notify(
            _("Deal {deal} is not waiting for acceptance: the deals pane does not list it.").format(deal=target.ref),
            severity="warning",
        )
