"""The Assignment pane's edits of the revision: lock a line (``F8``), exclude a position by
hand with a reason or let it back in (``F9``)."""

from __future__ import annotations

from millplan.core.domain.assignment import Assignment
from millplan.core.domain.i18n import _
from millplan.core.domain.months import month_text
from millplan.core.workflow import assignments
from millplan.tui.messages import AssignmentRefreshed, StoreChanged
from millplan.tui.screens.dialogs import ReasonScreen
from millplan.tui.widgets.view_table import ViewTable


class Editing:
    """Mixed into :class:`~millplan.tui.widgets.assignment.pane.AssignmentPane` (a widget),
    which provides ``month``, ``line`` and ``_may``."""

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
            ReasonScreen(_("Exclude {ref} from {month} by hand: why?").format(ref=ref, month=month_text(self.month))),
            excluded_with,
        )
