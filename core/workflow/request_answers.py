"""An open request answered: granted or refused by the product-line manager of its line (or
the director), or withdrawn by who raised it (see :mod:`millplan.core.workflow.requests`).

Granting re-runs the prioritiser with the lock or priority in the same transaction as the
answer (a re-approval round opens an escalation to the director instead); refusing records
the reason. The sales manager and the line's other product-line managers are told each
answer. Two people answering one request at once: the second is refused ("changed by X at
T — reload").
"""

from __future__ import annotations

from dataclasses import dataclass

from millplan.core.access.permissions import Action, actor, require
from millplan.core.domain.assignment import Assignment, AssignmentState
from millplan.core.domain.errors import ChangedMeanwhile
from millplan.core.domain.i18n import _
from millplan.core.domain.people import Role
from millplan.core.domain.states import state_label, state_said
from millplan.core.domain.stored_text import Figure, Text, stored
from millplan.core.domain.workflow import (
    ConflictState,
    Escalation,
    Request,
    RequestKind,
    RequestState,
    key_label,
    key_said,
)
from millplan.core.mail.notify import notify, notify_role
from millplan.core.mail.recipients import person
from millplan.core.planning.line_plan import Change
from millplan.core.planning.whatif import WhatIf, replan
from millplan.core.workflow.conflicts import resolve
from millplan.core.workflow.open_items import call_director
from millplan.core.workflow.requests import ANSWERED_KIND, HIGHEST, LOWEST, describe_said, stated
from millplan.storage.store import Store
from millplan.storage.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class Answered:
    """An answered request; when granted, the re-planned revision and the change's effect
    (a priority or replacement) or the escalation opened (a re-approval round)."""

    request: Request
    assignment: Assignment | None = None
    effect: WhatIf | None = None
    escalation: Escalation | None = None


def _open(repo: UnitOfWork, request_id: int, *, lock: bool = False, seen_version: int | None = None) -> Request:
    """The request, if still open and as read; else :class:`ChangedMeanwhile` naming who
    answered or changed it and when."""
    request = repo.workflow.lock_request(request_id) if lock else repo.workflow.request(request_id)
    if request.state is not RequestState.OPEN or (seen_version is not None and request.version != seen_version):
        raise ChangedMeanwhile(
            _("{key} is {state}: changed by {who} — reload").format(
                key=key_label(request.key), state=state_label(request.state), who=repo.audit.last_change(request.key)
            )
        )
    return request


def _answerable(store: Store, request_id: int, login: str, seen_version: int | None) -> Request:
    with store.reading() as repo:
        request = repo.workflow.request(request_id)
    require(actor(store, login), Action.ANSWER_REQUEST, line=request.product_line, target=request.key)
    with store.reading() as repo:
        return _open(repo, request_id, seen_version=seen_version)


def grant(store: Store, request_id: int, *, login: str, seen_version: int | None = None) -> Answered:
    """Grant an open request: apply it and re-plan its month in one transaction (a
    re-approval round opens an escalation to the director instead).

    Raises :class:`Forbidden` for anyone but the product-line manager of its line (or the
    director), :class:`NotFound` for an unknown id, :class:`ChangedMeanwhile` when it was
    answered or changed since (``seen_version``) or the month's draft changed while the
    solver ran, and :class:`InfeasiblePlan` / :class:`StateError` when the change cannot
    be planned (nothing is written then).
    """
    request = _answerable(store, request_id, login, seen_version)

    def record(repo: UnitOfWork) -> Request:
        _open(repo, request_id, lock=True, seen_version=request.version)
        answer = stored("granted by {who}", who=person(repo, login))
        why = f"{request.key}: {request.justification}"
        if request.kind is RequestKind.PRIORITY_RAISE:
            repo.workflow.set_priority(request.position_id, HIGHEST, login=login, reason=why)
            for conflict in repo.workflow.conflicts(
                month=request.month, product_line=request.product_line, states=(ConflictState.OPEN,)
            ):
                if conflict.position_id == request.position_id:  # the raise forces it in: resolved so
                    resolve(
                        repo,
                        conflict,
                        ConflictState.FORCED,
                        login=login,
                        reason=stored("{key} granted", key=key_said(request.key)),
                    )
        elif request.kind is RequestKind.PRIORITY_LOWER:
            repo.workflow.set_priority(request.position_id, LOWEST, login=login, reason=why)
        granted = repo.workflow.answer_request(
            request_id, RequestState.GRANTED, login=login, answer=answer, seen_version=None
        )
        _tell(repo, granted, answer)
        return granted

    if request.kind is RequestKind.REAPPROVAL:
        with store.unit_of_work() as repo:
            granted = record(repo)
            latest = repo.assignments.assignment(request.month, request.product_line, for_update=True)
            reason = stored(
                "re-approval round asked by {who}: {why}",
                who=person(repo, request.requested_by),
                why=request.justification,
            )
            if latest.state is AssignmentState.APPROVED:  # frozen: the round is about its next revision
                latest = repo.assignments.next_revision(latest, login, reason)
            repo.workflow.require_director(latest.id, login=login, reason=reason)
            escalation = repo.workflow.add_escalation(latest.id, login=login, reason=reason, request_id=request_id)
            call_director(repo, escalation, reason)
        return Answered(granted, escalation=escalation)
    granted, assignment, effect = replan(
        store, request.month, request.product_line, _change(request), login=login, record=record
    )
    return Answered(granted, assignment, effect)


def _change(request: Request) -> Change:
    """The plan change a granted priority or replacement request makes."""
    pid = request.position_id
    if request.kind is RequestKind.PRIORITY_RAISE:
        return Change(force=frozenset({pid}), priority={pid: HIGHEST})
    if request.kind is RequestKind.PRIORITY_LOWER:
        return Change(unlock=frozenset({pid}), priority={pid: LOWEST})
    reason = stored(
        "replaced by {by} at the sales manager's request {id}: {why}",
        by=request.replacement_ref,
        id=request.id,
        why=request.justification,
    )
    return Change(force=frozenset({request.replacement_id}), exclude={pid: reason})


def refuse(store: Store, request_id: int, *, login: str, reason: str, seen_version: int | None = None) -> Answered:
    """Refuse an open request with a reason (the sales manager reads it).

    Raises :class:`InvalidInput` without a reason, :class:`Forbidden` for anyone but the
    product-line manager of its line (or the director) and :class:`ChangedMeanwhile` when
    it was answered or changed since.
    """
    reason = stated(
        reason, _("refusing request {id} needs a reason (the sales manager reads it)").format(id=request_id)
    )
    request = _answerable(store, request_id, login, seen_version)
    with store.unit_of_work() as repo:
        _open(repo, request_id, lock=True, seen_version=request.version)
        refused = repo.workflow.answer_request(
            request_id, RequestState.REFUSED, login=login, answer=reason, seen_version=None
        )
        _tell(repo, refused, reason)
    return Answered(refused)


def withdraw(store: Store, request_id: int, *, login: str, seen_version: int | None = None) -> Request:
    """The sales manager takes back an open request on his position (a re-approval round:
    the one who asked for it).

    Raises :class:`Forbidden` for anyone else and :class:`ChangedMeanwhile` when it was
    answered or changed since it was read.
    """
    with store.reading() as repo:
        request = repo.workflow.request(request_id)
        position = repo.plant.positions(ids=[request.position_id])[0] if request.position_id else None
    if position is not None or request.requested_by != login:
        require(
            actor(store, login), Action.WITHDRAW_REQUEST, line=request.product_line, deal=position, target=request.key
        )
    with store.unit_of_work() as repo:
        _open(repo, request_id, lock=True, seen_version=seen_version or request.version)
        answer = stored("withdrawn by {who}", who=person(repo, login))
        return repo.workflow.answer_request(
            request_id, RequestState.WITHDRAWN, login=login, answer=answer, seen_version=None
        )


def _tell(repo: UnitOfWork, request: Request, answer: str | Text) -> None:
    """Notify the sales manager who raised ``request`` of its ``answer`` (as given), and the
    line's other product-line managers — a grant re-plans their draft (once per answer)."""
    names = repo.users.display_names([request.answered_by, request.requested_by])
    values = {
        "who": names[request.answered_by],
        "state": state_said(request.state),
        "what": describe_said(request),
        "month": request.month,
        "line": request.product_line,
        "margin": Figure(request.margin_at_stake),
        "answer": answer,
    }
    subject = stored("Request {id} {state}: {what}", id=request.id, **values)
    event = f"{request.key} {request.state.value}"
    notify(
        repo,
        login=request.requested_by,
        event=event,
        kind=ANSWERED_KIND,
        subject=subject,
        body=stored("{who} {state} your request to {what} ({month} {line}; {margin} RUB at stake): {answer}", **values),
        object_key=request.key,
        by=request.answered_by,
    )
    notify_role(
        repo,
        Role.LINE_MANAGER,
        line=request.product_line,
        event=event,
        kind=ANSWERED_KIND,
        subject=subject,
        body=stored(
            "{who} {state} {asker}'s request to {what} ({month} {line}; {margin} RUB at stake): {answer}",
            asker=names[request.requested_by],
            **values,
        ),
        object_key=request.key,
        by=request.answered_by,
    )
