"""The director decides escalations.

An escalation is a conflict the product-line manager raised (:func:`millplan.core.workflow.conflicts.escalate`)
or a sales manager's re-approval round that was granted (:mod:`millplan.core.workflow.request_answers`). For a
conflict the director either **forces** the position into its month (locked whole, the
month re-planned) or **accepts a later month**; either way with a recorded reason, and the
conflict is resolved. For a re-approval round he records his decision (``--reason``);
the revision then still needs his approval (``approve`` as the director) — and his
approval of the revision also ends the round. While an escalation is open, only the
director may approve the month, with a reason. The line's product-line managers hear of
each decision (the sales manager, of his conflict's resolution).
"""

from __future__ import annotations

from dataclasses import dataclass

from millplan.core.access.permissions import Action, actor, require
from millplan.core.domain.assignment import Assignment
from millplan.core.domain.errors import ChangedMeanwhile, InvalidInput
from millplan.core.domain.i18n import _
from millplan.core.domain.months import Month
from millplan.core.domain.people import Role
from millplan.core.domain.states import state_label
from millplan.core.domain.stored_text import Text, stored
from millplan.core.domain.workflow import Conflict, ConflictState, Escalation, EscalationState, Outcome, key_label
from millplan.core.mail.notify import notify_role
from millplan.core.mail.recipients import person
from millplan.core.planning.line_plan import Change
from millplan.core.planning.whatif import WhatIf, replan
from millplan.core.workflow.conflicts import check_later, resolve
from millplan.storage.store import Store
from millplan.storage.unit_of_work import UnitOfWork

DECIDED_KIND = "escalation_decided"
"""Notification kind of the director's decision, to the line's product-line managers."""


@dataclass(frozen=True)
class Decided:
    """The decided escalation, its conflict as resolved (``None`` for a re-approval
    round), and — when forced — the re-planned revision and the change's effect."""

    escalation: Escalation
    conflict: Conflict | None = None
    assignment: Assignment | None = None
    effect: WhatIf | None = None


def escalations(
    store: Store, *, open_only: bool = False, month: Month | None = None, product_line: str | None = None
) -> list[Escalation]:
    """Escalations, oldest first; only those waiting for the director when asked."""
    with store.reading() as repo:
        return repo.workflow.escalations(
            state=EscalationState.OPEN if open_only else None, month=month, product_line=product_line
        )


def _waiting(
    repo: UnitOfWork, escalation_id: int, *, lock: bool = False, seen_version: int | None = None
) -> Escalation:
    escalation = repo.workflow.escalation(escalation_id, lock=lock)
    if escalation.state is not EscalationState.OPEN or (
        seen_version is not None and escalation.version != seen_version
    ):
        raise ChangedMeanwhile(
            _("{key} is {state}: changed by {who} — reload").format(
                key=key_label(escalation.key),
                state=state_label(escalation.state),
                who=repo.audit.last_change(escalation.key),
            )
        )
    return escalation


def decide(
    store: Store,
    escalation_id: int,
    *,
    login: str,
    reason: str,
    force: bool = False,
    later: Month | None = None,
    seen_version: int | None = None,
) -> Decided:
    """Decide an open escalation with a reason: a conflict's by ``force`` (lock it into
    its month and re-plan) or ``later`` (accept that month); a re-approval round's by the
    reason alone.

    Raises :class:`InvalidInput` without a reason, for a conflict without exactly one of
    ``force``/``later`` (or a re-approval round with either), or a ``later`` month not
    after the conflict's; :class:`Forbidden` for anyone but the director;
    :class:`ChangedMeanwhile` for an escalation already decided or changed since read;
    :class:`InfeasiblePlan` when forcing cannot fit beside the locks.
    """
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("deciding escalation {id} needs a reason (it is recorded)").format(id=escalation_id))
    with store.reading() as repo:
        escalation = repo.workflow.escalation(escalation_id)
        conflict = repo.workflow.conflict(escalation.conflict_id) if escalation.conflict_id else None
    require(actor(store, login), Action.DECIDE_ESCALATION, line=escalation.product_line, target=escalation.key)
    with store.reading() as repo:
        _waiting(repo, escalation_id, seen_version=seen_version)
    if conflict is None:
        if force or later is not None:
            raise InvalidInput(
                _("{key} is a re-approval round: decide it with a reason only").format(key=key_label(escalation.key))
            )
        with store.unit_of_work() as repo:
            _waiting(repo, escalation_id, lock=True, seen_version=escalation.version)
            decided = repo.workflow.decide_escalation(
                escalation_id, Outcome.ROUND_DECIDED.value, login=login, reason=reason
            )
            _tell_line(
                repo, decided, login, stored("decided the re-approval round; the revision needs his approval"), reason
            )
            return Decided(decided)
    if force == (later is not None):
        raise InvalidInput(
            _("{key} is about {conflict}: decide it with --force or with --later YYYY-MM").format(
                key=key_label(escalation.key), conflict=key_label(conflict.key)
            )
        )

    def record(
        repo: UnitOfWork, outcome: Outcome, state: ConflictState, agreed: Month | None = None
    ) -> tuple[Escalation, Conflict]:
        _waiting(repo, escalation_id, lock=True, seen_version=escalation.version)
        decided = repo.workflow.decide_escalation(escalation_id, outcome.value, login=login, reason=reason)
        resolved = resolve(repo, conflict, state, login=login, reason=reason, agreed_month=agreed)
        what = (
            stored(
                "forced {ref} into the draft of {month}, locked whole (the draft is re-planned)",
                ref=conflict.position_ref,
                month=conflict.month,
            )
            if state is ConflictState.FORCED
            else stored("accepted {month} for {ref}", month=agreed, ref=conflict.position_ref)
        )
        _tell_line(repo, decided, login, what, reason)
        return decided, resolved

    if later is not None:
        check_later(conflict, later)
        with store.unit_of_work() as repo:
            decided, resolved = record(repo, Outcome.LATER_MONTH, ConflictState.LATER_MONTH, later)
        return Decided(decided, resolved)
    (decided, resolved), assignment, effect = replan(
        store,
        conflict.month,
        conflict.product_line,
        Change(force=frozenset({conflict.position_id})),
        login=login,
        record=lambda repo: record(repo, Outcome.FORCED, ConflictState.FORCED),
    )
    return Decided(decided, resolved, assignment, effect)


def _tell_line(repo: UnitOfWork, decided: Escalation, login: str, what: Text, reason: str) -> None:
    """Tell the product-line managers of the escalation's line what the director decided."""
    notify_role(
        repo,
        Role.LINE_MANAGER,
        line=decided.product_line,
        event=f"{decided.key} decided",
        kind=DECIDED_KIND,
        subject=stored(
            "Escalation {id} decided: {month} {line}", id=decided.id, month=decided.month, line=decided.product_line
        ),
        body=stored("{who} {what} — {reason}", who=person(repo, login), what=what, reason=reason),
        object_key=decided.key,
        by=login,
    )
