"""The Approval pane's actions on requests and objections: the line manager (or the
director) grants or refuses a sales manager's request and answers a reviewer's objection;
a sales manager asks to raise or lower a position, to replace it, or for a re-approval
round. A grant or a raise request re-plans the month in the worker."""

from __future__ import annotations

from millplan.core.domain.i18n import _
from millplan.core.domain.months import month_text
from millplan.core.domain.numbers import grouped
from millplan.core.workflow import request_answers, request_raising, requests, reviews
from millplan.tui.screens.dialogs import ConfirmScreen, FormScreen, ReasonScreen
from millplan.tui.widgets.approval.acting import Acting


class RequestActions(Acting):
    """``g`` grant, ``r`` refuse or reply, ``+``/``-`` raise or lower, ``p`` replace, ``n`` round."""

    def action_grant(self) -> None:
        request = self._need("requests", _("a request"))
        if request is None:
            return

        def decided(yes: bool | None) -> None:
            if yes:
                self._act(
                    _("Granting request {id} (re-planning)").format(id=request.id),
                    lambda: request_answers.grant(
                        self.app.store, request.id, login=self.app.login, seen_version=request.version
                    ),
                    lambda answered: (
                        _("Request {id} granted: re-planned, marginal income {m} RUB.").format(
                            id=request.id, m=grouped(answered.assignment.marginal_income)
                        )
                        if answered.assignment
                        else _("Request {id} granted: the director decides the round.").format(id=request.id)
                    ),
                )

        self.app.push_screen(
            ConfirmScreen(
                _("Grant request {id}: {what} ({m} RUB at stake)? The month is re-planned with it.").format(
                    id=request.id, what=requests.describe(request), m=grouped(request.margin_at_stake)
                )
            ),
            decided,
        )

    def action_refuse(self) -> None:
        request = self._need("requests", _("a request"))
        if request is None:
            return

        def decided(reason: str | None) -> None:
            if reason:
                self._act(
                    _("Refusing request {id}").format(id=request.id),
                    lambda: request_answers.refuse(
                        self.app.store, request.id, login=self.app.login, reason=reason, seen_version=request.version
                    ),
                    lambda _answered: _("Request {id} refused.").format(id=request.id),
                )

        self.app.push_screen(
            ReasonScreen(
                _("Refuse request {id} ({what}): why? {who} reads it.").format(
                    id=request.id, what=requests.describe(request), who=request.requested_by
                )
            ),
            decided,
        )

    def action_reply(self) -> None:
        review = self._need("reviews", _("an objection"))
        if review is None:
            return

        def decided(reply: str | None) -> None:
            if reply:
                self._act(
                    _("Answering review {id}").format(id=review.id),
                    lambda: reviews.answer(
                        self.app.store, review.id, login=self.app.login, reply=reply, seen_version=review.version
                    ),
                    lambda _review: _("Objection {id} answered.").format(id=review.id),
                )

        self.app.push_screen(
            ReasonScreen(
                _("Answer {who}'s objection to {ref}: {why}").format(
                    who=review.login, ref=review.position_ref or "", why=review.reason or ""
                )
            ),
            decided,
        )

    def action_ask_priority(self, raise_: bool = True) -> None:
        ref = self._position_or_say()
        if ref is None:
            return
        month = self.month

        def decided(why: str | None) -> None:
            if why:
                self._act(
                    (_("Asking to raise {ref}") if raise_ else _("Asking to lower {ref}")).format(ref=ref),
                    lambda: request_raising.request_priority(
                        self.app.store, ref, raise_=raise_, login=self.app.login, why=why, month=month
                    ),
                    lambda raised: _("Request {id} raised: {what} ({m} RUB at stake).").format(
                        id=raised.request.id,
                        what=requests.describe(raised.request),
                        m=grouped(raised.request.margin_at_stake),
                    ),
                )

        self.app.push_screen(
            ReasonScreen(
                (
                    _("Ask to raise the priority of {ref} in {month}: why?")
                    if raise_
                    else _("Ask to lower the priority of {ref} in {month}: why?")
                ).format(ref=ref, month=month_text(month))
            ),
            decided,
        )

    def action_replace(self) -> None:
        ref = self._position_or_say()
        if ref is None:
            return
        month = self.month

        def decided(values: dict[str, str] | None) -> None:
            if values:
                self._act(
                    _("Asking to replace {ref}").format(ref=ref),
                    lambda: request_raising.request_replacement(
                        self.app.store, ref, values["by"], login=self.app.login, why=values["why"], month=month
                    ),
                    lambda raised: _("Request {id} raised: {what} ({m} RUB at stake).").format(
                        id=raised.request.id,
                        what=requests.describe(raised.request),
                        m=grouped(raised.request.margin_at_stake),
                    ),
                )

        self.app.push_screen(
            FormScreen(
                _("Replace {ref} in {month} by another of your positions:").format(ref=ref, month=month_text(month)),
                [("by", _("replacement position DEAL#NO"), "", True), ("why", _("justification"), "", True)],
            ),
            decided,
        )

    def action_round(self) -> None:
        if self.line is None:
            return
        month, line = self.month, self.line

        def decided(why: str | None) -> None:
            if why:
                self._act(
                    _("Asking for a re-approval round"),
                    lambda: request_raising.request_reapproval(
                        self.app.store, month, line, login=self.app.login, why=why
                    ),
                    lambda raised: _("Request {id} raised: {what}.").format(
                        id=raised.request.id, what=requests.describe(raised.request)
                    ),
                )

        self.app.push_screen(
            ReasonScreen(
                _("Ask for a re-approval round of {month} {line} with the director: why?").format(
                    month=month_text(month), line=line
                )
            ),
            decided,
        )
