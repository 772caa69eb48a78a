"""The Assignment pane's ``F12``: the revision's next step in its life cycle — submit a
draft (or re-approval revision) for review, approve one in review."""

from __future__ import annotations

from millplan.core.access.actions import REVISION_STATES
from millplan.core.access.permissions import Action
from millplan.core.domain.assignment import Assignment, AssignmentState
from millplan.core.domain.i18n import _
from millplan.core.domain.numbers import grouped
from millplan.core.domain.workflow import key_label
from millplan.core.workflow import assignments
from millplan.tui.messages import AssignmentRefreshed, StoreChanged
from millplan.tui.screens.dialogs import ConfirmScreen


class Lifecycle:
    """Mixed into :class:`~millplan.tui.widgets.assignment.pane.AssignmentPane` (a widget),
    which provides ``assignment``, ``_may`` and ``_edited``."""

    assignment: Assignment | None

    def action_submit(self) -> None:
        """Send the draft (or re-approval revision) to review; on one in review, approve."""
        a = self.assignment
        if a is None:
            self.notify(_("Nothing to submit: plan the month first (F5)."), severity="warning")
            return
        if a.state not in REVISION_STATES[Action.SUBMIT]:  # in review or approved: F12 approves
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
                    self.notify(_("{key} submitted for review.").format(key=key_label(a.key)))
                    self._edited(submitted)

        self.app.push_screen(
            ConfirmScreen(_("Submit {key} for review?").format(key=key_label(a.key))),
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
                    self.notify(_("{key} approved.").format(key=key_label(a.key)))
                    self.post_message(AssignmentRefreshed(approved.month, approved.product_line, approved))
                    self.post_message(StoreChanged())

        self.app.push_screen(
            ConfirmScreen(
                _("Approve {key}: {tonnes} t, {income} RUB? It will be frozen.").format(
                    key=key_label(a.key),
                    tonnes=grouped(a.tonnes),
                    income=grouped(a.marginal_income),
                )
            ),
            decided,
        )
