"""The Approval pane's actions on the revision itself: the line manager submits it, he or
the director approves it (over what blocks a plain approval, with a reason), a planner
agrees to it or objects to a position's line."""

from __future__ import annotations

from millplan.core.domain.i18n import _
from millplan.core.domain.workflow import key_label
from millplan.core.views import approval
from millplan.core.workflow import assignments, reviews
from millplan.tui.screens.dialogs import ConfirmScreen, ReasonScreen
from millplan.tui.widgets.approval.acting import Acting


class RevisionActions(Acting):
    """``u`` submit, ``a`` approve, ``y`` agree, ``o`` object."""

    def action_submit(self) -> None:
        latest = self._latest_or_say()
        if latest is None:
            return
        month, line, seen = latest.month, latest.product_line, self._seen()

        def decided(yes: bool | None) -> None:
            if yes:
                self._act(
                    _("Submitting"),
                    lambda: assignments.submit(self.app.store, month, line, login=self.app.login, seen=seen),
                    lambda a: _("{key} submitted for review.").format(key=key_label(a.key)),
                )

        self.app.push_screen(ConfirmScreen(_("Submit {key} for review?").format(key=key_label(latest.key))), decided)

    def action_approve(self) -> None:
        latest = self._latest_or_say()
        if latest is None:
            return
        month, line, seen = latest.month, latest.product_line, self._seen()

        def approve(reason: str | None) -> None:
            self._act(
                _("Approving"),
                lambda: assignments.approve(
                    self.app.store, month, line, login=self.app.login, seen=seen, reason=reason
                ),
                lambda a: _("{key} approved.").format(key=key_label(a.key)),
            )

        # what is approved leads (month, line, revision, tonnes, income, open items), then the question
        brief = "\n".join(approval.approval_brief(self.board))
        if self.board.blockers:
            self.app.push_screen(
                ReasonScreen(brief + "\n" + _("It will be frozen. Approve over them: why?")),
                lambda reason: approve(reason) if reason else None,
            )
        else:
            self.app.push_screen(
                ConfirmScreen(brief + "\n" + _("It will be frozen. Approve it?")),
                lambda yes: approve(None) if yes else None,
            )

    def action_agree(self) -> None:
        latest = self._latest_or_say()
        if latest is None:
            return

        def decided(yes: bool | None) -> None:
            if yes:
                self._act(
                    _("Recording agreement"),
                    lambda: reviews.agree(self.app.store, latest.month, latest.product_line, login=self.app.login),
                    lambda _review: _("You agreed to {key}.").format(key=key_label(latest.key)),
                )

        self.app.push_screen(ConfirmScreen(_("Agree to {key}?").format(key=key_label(latest.key))), decided)

    def action_object(self) -> None:
        latest = self._latest_or_say()
        ref = self._position_or_say() if latest else None
        if ref is None:
            return

        def decided(reason: str | None) -> None:
            if reason:
                self._act(
                    _("Recording objection to {ref}").format(ref=ref),
                    lambda: reviews.object_to(
                        self.app.store, ref, latest.month, latest.product_line, login=self.app.login, reason=reason
                    ),
                    lambda _review: _("Objection to {ref} recorded; the line manager answers it.").format(ref=ref),
                )

        self.app.push_screen(
            ReasonScreen(_("Object to {ref}'s line in {key}: why?").format(ref=ref, key=key_label(latest.key))), decided
        )
