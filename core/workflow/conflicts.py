"""The product-line manager resolves conflicts over key-account dates.

A conflict (opened by every plan, see :func:`millplan.core.planning.key_conflicts.sync_conflicts`)
is resolved in one of three ways: **force in** — the position is locked into the month whole and the month re-planned
(``dry_run`` first shows what that displaces: positions and tonnes that drop out, and the
change in marginal income); **agree a later month** with the client (recorded; the
conflict closes and later plans do not reopen it for this month); or **escalate** it to
the director, who decides (:mod:`millplan.core.workflow.escalations`). Only the manager of the conflict's
product line may resolve or escalate it; the sales manager hears of each resolution and
escalation.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from millplan.core.access.permissions import Action, Actor, actor, require
from millplan.core.domain.assignment import Assignment
from millplan.core.domain.errors import ChangedMeanwhile, InvalidInput
from millplan.core.domain.i18n import _
from millplan.core.domain.months import Month, month_text
from millplan.core.domain.states import state_label
from millplan.core.domain.stored_text import Figure, Text, stored
from millplan.core.domain.workflow import Conflict, ConflictState, Escalation, key_label
from millplan.core.mail.notify import notify
from millplan.core.mail.recipients import manager_login, person
from millplan.core.planning.key_conflicts import CONFLICT_KIND
from millplan.core.planning.line_plan import Change
from millplan.core.planning.whatif import WhatIf, replan, what_if
from millplan.core.workflow.open_items import call_director
from millplan.storage.store import Store
from millplan.storage.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class Forced:
    """A conflict forced in: the conflict as saved (``None`` for a dry run), the saved
    revision (``None`` for a dry run) and what the change does to the month."""

    conflict: Conflict | None
    assignment: Assignment | None
    effect: WhatIf


def conflicts(
    store: Store,
    *,
    month: Month | None = None,
    product_line: str | None = None,
    unresolved_only: bool = False,
    seller: Actor | None = None,
) -> list[Conflict]:
    """Conflicts, oldest first; only unresolved ones (open, escalated) when asked; only
    those on deals ``seller`` sells (his name as the portfolio writes it) when given."""
    states = (ConflictState.OPEN, ConflictState.ESCALATED) if unresolved_only else None
    with store.reading() as repo:
        found = repo.workflow.conflicts(month=month, product_line=product_line, states=states)
    return [c for c in found if seller.owns_deal(c)] if seller is not None else found


def _open(repo: UnitOfWork, conflict_id: int, *, lock: bool = False, seen_version: int | None = None) -> Conflict:
    """The conflict, if still open. Raises :class:`ChangedMeanwhile` when it was resolved,
    escalated or changed since it was read (``seen_version``), naming who did it and when."""
    conflict = repo.workflow.conflict(conflict_id, lock=lock)
    if conflict.state is not ConflictState.OPEN or (seen_version is not None and conflict.version != seen_version):
        then = _(" (the director decides it now)") if conflict.state is ConflictState.ESCALATED else ""
        raise ChangedMeanwhile(
            _("{key} is {state}{then}: changed by {who} — reload").format(
                key=key_label(conflict.key),
                state=state_label(conflict.state),
                then=then,
                who=repo.audit.last_change(conflict.key),
            )
        )
    return conflict


def _allowed(store: Store, login: str, action: Action, conflict_id: int) -> Conflict:
    """The conflict, once ``login`` is allowed ``action`` on its product line."""
    with store.reading() as repo:
        conflict = repo.workflow.conflict(conflict_id)
    require(actor(store, login), action, line=conflict.product_line, target=conflict.key)
    return conflict


def force_in(
    store: Store, conflict_id: int, *, login: str, dry_run: bool = False, seen_version: int | None = None
) -> Forced:
    """Lock the conflict's position whole into its month and re-plan the month (or, with
    ``dry_run``, only show what that would displace — anyone may look).

    Raises :class:`Forbidden` for anyone but the line's manager, :class:`ChangedMeanwhile`
    for a conflict no longer open, and :class:`InfeasiblePlan` when the other locks leave
    too little room (the message says how much would fit).
    """
    if dry_run:
        with store.reading() as repo:
            conflict = repo.workflow.conflict(conflict_id)
        return Forced(
            None,
            None,
            what_if(store, conflict.month, conflict.product_line, Change(force=frozenset({conflict.position_id}))),
        )
    conflict = _allowed(store, login, Action.RESOLVE_CONFLICT, conflict_id)
    with store.reading() as repo:
        _open(repo, conflict_id, seen_version=seen_version)

    def record(repo: UnitOfWork) -> Conflict:
        _open(repo, conflict_id, lock=True, seen_version=conflict.version)
        why = stored("forced into {month} by {who}", month=conflict.month, who=person(repo, login))
        return resolve(repo, conflict, ConflictState.FORCED, login=login, reason=why)

    saved_conflict, assignment, effect = replan(
        store,
        conflict.month,
        conflict.product_line,
        Change(force=frozenset({conflict.position_id})),
        login=login,
        record=record,
    )
    return Forced(saved_conflict, assignment, effect)


def agree_later(
    store: Store,
    conflict_id: int,
    month: Month,
    *,
    login: str,
    reason: str | None = None,
    seen_version: int | None = None,
) -> Conflict:
    """Record the later ``month`` agreed with the client; the conflict closes.

    Raises :class:`InvalidInput` for a month not after the conflict's,
    :class:`Forbidden` for anyone but the line's manager and :class:`ChangedMeanwhile`
    for a conflict no longer open.
    """
    conflict = _allowed(store, login, Action.RESOLVE_CONFLICT, conflict_id)
    check_later(conflict, month)
    with store.unit_of_work() as repo:
        _open(repo, conflict_id, lock=True, seen_version=seen_version)
        why = (reason or "").strip() or stored(
            "later month {month} agreed by {who}", month=month, who=person(repo, login)
        )
        return resolve(repo, conflict, ConflictState.LATER_MONTH, login=login, reason=why, agreed_month=month)


def check_later(conflict: Conflict, month: Month) -> None:
    """Raise :class:`InvalidInput` unless ``month`` is after the conflict's month."""
    if month <= conflict.month:
        raise InvalidInput(
            _("{month} is not later than {conflict_month}: agree a month after the one {key} is about").format(
                month=month_text(month), conflict_month=month_text(conflict.month), key=key_label(conflict.key)
            )
        )


def escalate(store: Store, conflict_id: int, *, login: str, why: str, seen_version: int | None = None) -> Escalation:
    """Raise the conflict to the director (it stays unresolved until he decides).

    Raises :class:`InvalidInput` without a reason, :class:`Forbidden` for anyone but the
    line's manager and :class:`ChangedMeanwhile` for a conflict no longer open.
    """
    if not (why and why.strip()):
        raise InvalidInput(_("escalating conflict {id} needs a reason (the director reads it)").format(id=conflict_id))
    conflict = _allowed(store, login, Action.ESCALATE, conflict_id)
    with store.unit_of_work() as repo:
        _open(repo, conflict_id, lock=True, seen_version=seen_version)
        repo.workflow.update_conflict(
            conflict.id, {"state": ConflictState.ESCALATED.value}, action="escalated", login=login, reason=why.strip()
        )
        latest = repo.assignments.assignment(conflict.month, conflict.product_line)
        escalation = repo.workflow.add_escalation(latest.id, login=login, reason=why.strip(), conflict_id=conflict.id)
        call_director(repo, escalation)
        _tell_manager(
            repo,
            conflict,
            event=f"{conflict.key} escalated",
            subject=stored("Conflict {id} escalated to the director: {ref}", id=conflict.id, ref=conflict.position_ref),
            body=stored(
                "{ref} ({customer}), {tonnes} t short of {month}: {who} escalated it to the director, who decides — {reason}",
                ref=conflict.position_ref,
                customer=conflict.customer,
                tonnes=Figure(conflict.tonnes_short, 1),
                month=conflict.month,
                who=person(repo, login),
                reason=why.strip(),
            ),
            by=login,
        )
        return escalation


def _tell_manager(
    repo: UnitOfWork, conflict: Conflict, *, event: str, subject: str | Text, body: str | Text, by: str
) -> None:
    """Notify the sales manager of the conflict's position (once per ``event``), if it has
    one and is not ``by``, who acted."""
    manager = manager_login(repo, conflict.sales_manager)
    if manager:
        notify(
            repo,
            login=manager,
            event=event,
            kind=CONFLICT_KIND,
            subject=subject,
            body=body,
            object_key=conflict.key,
            by=by,
        )


def resolve(
    repo: UnitOfWork,
    conflict: Conflict,
    state: ConflictState,
    *,
    login: str,
    reason: str | Text,
    agreed_month: Month | None = None,
) -> Conflict:
    """Write a conflict's resolution (forced in or a later month) and tell the sales
    manager; used by the line manager here and by the director's decisions. ``reason`` as
    typed, or a message millplan wrote (said in each reader's language)."""
    values = {"state": state.value, "resolution": reason, "resolved_by": login, "resolved_at": datetime.now(UTC)}
    if agreed_month is not None:
        values["agreed_month"] = str(agreed_month)
    saved = repo.workflow.update_conflict(conflict.id, values, action=state.value, login=login, reason=reason)
    outcome = (
        stored("forced into {month}", month=saved.month)
        if state is ConflictState.FORCED
        else stored("moved to {month}, as agreed", month=agreed_month)
    )
    _tell_manager(
        repo,
        saved,
        event=f"conflict {saved.id} {state.value}",
        subject=stored("Conflict {id} resolved: {ref} {outcome}", id=saved.id, ref=saved.position_ref, outcome=outcome),
        body=stored(
            "{ref} ({customer}), {tonnes} t short of {month}: {outcome} by {who} — {reason}",
            ref=saved.position_ref,
            customer=saved.customer,
            tonnes=Figure(saved.tonnes_short, 1),
            month=saved.month,
            outcome=outcome,
            who=person(repo, login),
            reason=reason,
        ),
        by=login,
    )
    return saved
