"""The Approval pane's actions on conflicts and escalations: the line manager forces a
short key-account position in (after a dry run says what it displaces), records a later
month the client agreed, or escalates to the director; the director decides an
escalation (force, later month, or a re-approval round)."""

from __future__ import annotations

from millplan.core.domain.i18n import _, ngettext
from millplan.core.domain.months import Month, month_text
from millplan.core.domain.numbers import grouped
from millplan.core.planning.whatif import WhatIf
from millplan.core.views import approval
from millplan.core.workflow import conflicts, escalations
from millplan.tui.screens.dialogs import ConfirmScreen, FormScreen, ReasonScreen
from millplan.tui.widgets.approval.acting import Acting
from millplan.tui.widgets.approval.detail import outcome_text

DISPLACED_NAMED = 5
"""Displaced positions a force dialog names; it counts the others."""


class ConflictActions(Acting):
    """``f`` force, ``t`` later, ``e`` escalate, ``d`` decide."""

    def action_force(self) -> None:
        if self.section == "escalations":
            escalation = self._need("escalations", _("an escalation"))
            if escalation is None or escalation.conflict_id is None:
                return
            conflict_id, then = (
                escalation.conflict_id,
                lambda effect: self._decide_escalation(force=True, effect=effect),
            )
        else:
            conflict = self._need("conflicts", _("a conflict"))
            if conflict is None:
                return
            conflict_id, then = conflict.id, lambda effect: self._confirm_force(conflict, effect)
        store, login = self.app.store, self.app.login

        def show(effect: WhatIf) -> str:
            then(effect)
            return ""

        # first what it displaces (a dry run anyone may look at), then the real thing
        self._act(
            _("Working out what forcing it in displaces"),
            lambda: conflicts.force_in(store, conflict_id, login=login, dry_run=True).effect,
            show,
            writes=False,
        )

    def _force_effect(self, ref: str, month: Month, effect: WhatIf) -> str:
        """What forcing ``ref`` whole into ``month`` does, in one sentence."""
        named = ", ".join(
            _("{ref} {tonnes} t").format(ref=s.position_ref, tonnes=grouped(s.tonnes_change, 1))
            for s in effect.displaced[:DISPLACED_NAMED]
        )
        more = len(effect.displaced) - DISPLACED_NAMED
        if more > 0:  # most tonnes first; the rest counted, so the dialog stays on screen
            named = ngettext("{named} and {n} more position", "{named} and {n} more positions", more).format(
                named=named, n=more
            )
        displaced = named or _("nothing")
        return _("Forcing {ref} whole into {month} displaces {displaced}; marginal income {a} → {b} RUB ({m}).").format(
            ref=ref,
            month=month_text(month),
            displaced=displaced,
            a=grouped(effect.margin_before),
            b=grouped(effect.margin_after),
            m=grouped(effect.margin_change),
        )

    def _confirm_force(self, conflict, effect: WhatIf) -> None:
        question = self._force_effect(conflict.position_ref, conflict.month, effect) + " " + _("Force it?")

        def decided(yes: bool | None) -> None:
            if yes:
                self._act(
                    _("Forcing {ref} in (re-planning)").format(ref=conflict.position_ref),
                    lambda: conflicts.force_in(
                        self.app.store, conflict.id, login=self.app.login, seen_version=conflict.version
                    ),
                    lambda _forced: _("{ref} forced into {month}; the month re-planned.").format(
                        ref=conflict.position_ref, month=month_text(conflict.month)
                    ),
                )

        self.app.push_screen(ConfirmScreen(question), decided)

    def action_later(self) -> None:
        if self.section == "escalations":
            self._decide_escalation(force=False)
            return
        conflict = self._need("conflicts", _("a conflict"))
        if conflict is None:
            return

        def decided(values: dict[str, str] | None) -> None:
            if values:
                self._act(
                    _("Recording the later month for {ref}").format(ref=conflict.position_ref),
                    lambda: conflicts.agree_later(
                        self.app.store,
                        conflict.id,
                        approval.parse_later(values["month"], conflict.month),
                        login=self.app.login,
                        reason=values["reason"] or None,
                        seen_version=conflict.version,
                    ),
                    lambda saved: _("{ref} moved to {month}, as agreed.").format(
                        ref=saved.position_ref, month=month_text(saved.agreed_month)
                    ),
                )

        self.app.push_screen(
            FormScreen(
                _("{ref} ({customer}) is {t} t short of {month}: which later month did the client agree?").format(
                    ref=conflict.position_ref,
                    customer=conflict.customer,
                    t=grouped(conflict.tonnes_short, 1),
                    month=month_text(conflict.month),
                ),
                [
                    ("month", _("later month YYYY-MM or +1"), str(conflict.month + 1), True),
                    ("reason", _("note (optional)"), "", False),
                ],
            ),
            decided,
        )

    def action_escalate(self) -> None:
        conflict = self._need("conflicts", _("a conflict"))
        if conflict is None:
            return

        def decided(why: str | None) -> None:
            if why:
                self._act(
                    _("Escalating conflict {id}").format(id=conflict.id),
                    lambda: conflicts.escalate(
                        self.app.store, conflict.id, login=self.app.login, why=why, seen_version=conflict.version
                    ),
                    lambda e: _("Conflict {id} escalated to the director (escalation {e}).").format(
                        id=conflict.id, e=e.id
                    ),
                )

        self.app.push_screen(
            ReasonScreen(
                _("Escalate {ref} ({m} RUB at stake) to the director: why?").format(
                    ref=conflict.position_ref, m=grouped(conflict.margin_at_stake)
                )
            ),
            decided,
        )

    def action_decide(self) -> None:
        self._decide_escalation(force=None)

    def _decide_escalation(self, *, force: bool | None, effect: WhatIf | None = None) -> None:
        """The director decides: ``force`` in (``effect``: what that displaces, from the dry
        run), a later month (``False``), or a re-approval round by its reason alone (``None``)."""
        escalation = self._need("escalations", _("an escalation"))
        if escalation is None:
            return
        fields = [("reason", _("reason (recorded)"), "", True)]
        conflict = (
            next((c for c in self.board.conflicts if c.id == escalation.conflict_id), None) if self.board else None
        )
        if force is False:
            fields.insert(0, ("month", _("later month YYYY-MM"), str(conflict.month + 1) if conflict else "", True))
        how = {True: _("force it in"), False: _("accept a later month"), None: _("decide")}[force]
        if effect is not None:  # what forcing displaces, before the director says why
            how += "\n" + self._force_effect(
                conflict.position_ref if conflict else escalation.subject, escalation.month, effect
            )
        store, login = self.app.store, self.app.login

        def decided(values: dict[str, str] | None) -> None:
            if values:
                self._act(
                    _("Deciding escalation {id}").format(id=escalation.id),
                    lambda: escalations.decide(
                        store,
                        escalation.id,
                        login=login,
                        reason=values["reason"],
                        force=bool(force),
                        later=approval.parse_later(values["month"], escalation.month) if "month" in values else None,
                        seen_version=escalation.version,
                    ),
                    lambda d: _("Escalation {id} decided: {outcome}.").format(
                        id=escalation.id, outcome=outcome_text(d.escalation.outcome)
                    ),
                )

        self.app.push_screen(
            FormScreen(
                _("Escalation {id} ({subject}): {how}").format(id=escalation.id, subject=escalation.subject, how=how),
                fields,
            ),
            decided,
        )
