"""Sales managers' requests on their own positions, answered by the product-line manager.

A sales manager may ask, with a justification, to

* **raise** a position's priority — granted, its manual priority becomes 1 (highest),
  it is locked whole into the month and its open conflict there is resolved as forced; millplan states the marginal income at stake as the
  change in the line's total marginal income that forcing it in causes (RUB, usually
  negative: what the plant gives up), and what it displaces;
* **lower** a position's priority — granted, its priority becomes 3 (lowest) and its
  lock, if any, is released; at stake: the marginal income of its planned tonnes;
* **replace** one of his positions in the assignment by another of his — granted, the
  first is excluded by hand (the request is the reason) and the second locked in whole;
  at stake: the change in the line's marginal income;
* start a **re-approval round** of a month's assignment that pulls the director into the
  chain — granted, an escalation to the director opens and the revision (the next one,
  in re-approval, if the latest is approved) needs the director's approval; at stake: the
  marginal income of his positions in it.

Each request concerns one month of the position's product line: the given month, else
the first month from the current one whose assignment holds the position, else its
requested month. Granting re-runs the prioritiser with the lock or priority, in the same
transaction as the answer; refusing records the reason. The sales manager is notified of
each answer. Two people answering one request at once: the second is refused ("changed by
X at T — reload").
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from millplan.core.access.permissions import Action, Actor, actor, require
from millplan.core.domain.assignment import Assignment, AssignmentState
from millplan.core.domain.errors import ChangedMeanwhile, InvalidInput, NotFound, StateError
from millplan.core.domain.i18n import _
from millplan.core.domain.months import Month
from millplan.core.domain.numbers import grouped
from millplan.core.domain.people import Role
from millplan.core.domain.portfolio import Position, parse_position_ref
from millplan.core.domain.workflow import ConflictState, Escalation, Request, RequestKind, RequestState
from millplan.core.mail.notify import notify, notify_role
from millplan.core.mail.recipients import person
from millplan.core.planning.line_plan import Change
from millplan.core.planning.whatif import WhatIf, replan, what_if
from millplan.core.workflow.conflicts import resolve
from millplan.core.workflow.open_items import call_director
from millplan.storage.store import Store
from millplan.storage.unit_of_work import UnitOfWork

HIGHEST, LOWEST = 1, 3
"""Manual priorities a granted raise and lower set (1 highest … 3 lowest)."""

NEEDS_WHY = _("a request needs a justification (--why): the product-line manager weighs it")

ANSWERED_KIND = "request_answered"
RAISED_KIND = "request_raised"
"""Notification kind of an answer to a request."""

LABELS = {
    RequestKind.PRIORITY_RAISE: _("raise the priority of {ref}"),
    RequestKind.PRIORITY_LOWER: _("lower the priority of {ref}"),
    RequestKind.REPLACE: _("replace {ref} by {by}"),
    RequestKind.REAPPROVAL: _("start a re-approval round of {month} {line}"),
}


def describe(request: Request) -> str:
    """What the request asks, in a few words (e.g. "replace D1#1 by D1#2")."""
    return LABELS[request.kind].format(
        ref=request.position_ref, by=request.replacement_ref, month=request.month, line=request.product_line
    )


@dataclass(frozen=True)
class Raised:
    """A request as recorded, with the what-if behind its margin at stake (``None`` for a
    lowering or a re-approval round, whose figure needs no re-plan)."""

    request: Request
    effect: WhatIf | None = None


@dataclass(frozen=True)
class Answered:
    """An answered request; when granted, the re-planned revision and the change's effect
    (a priority or replacement) or the escalation opened (a re-approval round)."""

    request: Request
    assignment: Assignment | None = None
    effect: WhatIf | None = None
    escalation: Escalation | None = None


def _text(text: str | None, what: str) -> str:
    if not (text and text.strip()):
        raise InvalidInput(what)
    return text.strip()


def _own_position(store: Store, who: Actor, ref: str) -> Position:
    """The position ``ref``, once ``who`` may raise requests on it (his own deal)."""
    deal, number = parse_position_ref(ref)
    with store.reading() as repo:
        position = repo.plant.position(deal, number)
    require(who, Action.REQUEST, line=position.product_line, deal=position, target=position.ref)
    return position


def _month_for(repo: UnitOfWork, position: Position, month: Month | None) -> Month:
    """The month a request on ``position`` is about (see the module's docstring)."""
    if month is not None:
        return month
    current = Month.current()
    held = sorted(
        a.month
        for a in repo.assignments.latest_revisions(current.range(13))
        if a.product_line == position.product_line
        and any(x.position_id == position.id for x in (*a.lines, *a.exclusions))
    )
    return held[0] if held else max(position.requested_month, current)


def _no_duplicate(repo: UnitOfWork, kind: RequestKind, month: Month, position: Position | None, line: str) -> None:
    for open_request in repo.workflow.requests(state=RequestState.OPEN, month=month, product_lines=[line]):
        if open_request.kind is kind and open_request.position_id == (position.id if position else None):
            raise StateError(
                _("request {id} already asks to {what}; it waits for the product-line manager").format(
                    id=open_request.id, what=describe(open_request)
                )
            )


def _planned(assignment: Assignment | None, position: Position) -> tuple[float, Decimal]:
    """Tonnes (t) and marginal income (RUB) of ``position`` in ``assignment``."""
    lines = [x for x in (assignment.lines if assignment else ()) if x.position_id == position.id]
    return sum(x.tonnes for x in lines), sum((x.marginal_income for x in lines), Decimal(0))


def request_priority(
    store: Store, ref: str, *, raise_: bool, login: str, why: str, month: Month | None = None
) -> Raised:
    """Ask to raise (``raise_``) or lower the priority of the sales manager's own position.

    Raises :class:`InvalidInput` without a justification, :class:`Forbidden` on someone
    else's position, :class:`NotFound` for an unknown position or an unplanned month,
    :class:`StateError` when the same request is already open, when a position to lower
    has no tonnes in the month or one to raise cannot be planned in it, and
    :class:`InfeasiblePlan` when it cannot be forced in beside the locks.
    """
    why = _text(why, NEEDS_WHY)
    position = _own_position(store, actor(store, login), ref)
    kind = RequestKind.PRIORITY_RAISE if raise_ else RequestKind.PRIORITY_LOWER
    with store.reading() as repo:
        month = _month_for(repo, position, month)
        _no_duplicate(repo, kind, month, position, position.product_line)
        current = repo.assignments.assignment(month, position.product_line)
    if current is None:
        raise NotFound(
            _("{month} has no assignment for product line {line} yet: a request is weighed against a plan").format(
                month=month, line=position.product_line
            )
        )
    effect = None
    if raise_:
        effect = what_if(
            store, month, position.product_line, Change(force=frozenset({position.id}), priority={position.id: HIGHEST})
        )
        margin = effect.margin_change
    else:
        tonnes, margin = _planned(current, position)
        if tonnes <= 0:
            raise StateError(
                _("{ref} has no tonnes in {month} {line}: there is nothing to lower").format(
                    ref=position.ref, month=month, line=position.product_line
                )
            )
    with store.unit_of_work() as repo:
        request = repo.workflow.add_request(
            kind,
            month,
            position.product_line,
            login=login,
            justification=why,
            margin_at_stake=margin,
            position_id=position.id,
            priority=HIGHEST if raise_ else LOWEST,
            details=_details(effect),
        )
        _ask(repo, request)
    return Raised(request, effect)


def request_replacement(store: Store, ref: str, by: str, *, login: str, why: str, month: Month | None = None) -> Raised:
    """Ask to replace own position ``ref`` in the month's assignment by own position ``by``.

    Raises :class:`InvalidInput` without a justification, for the same position twice or
    positions of different product lines; :class:`Forbidden` unless both are the sales
    manager's; :class:`StateError` when ``ref`` has no tonnes in the month, ``by`` cannot
    be planned in it, or the same request is open; :class:`InfeasiblePlan` when ``by``
    cannot be forced in.
    """
    why = _text(why, NEEDS_WHY)
    who = actor(store, login)
    position = _own_position(store, who, ref)
    replacement = _own_position(store, who, by)
    if replacement.id == position.id:
        raise InvalidInput(_("{ref} cannot replace itself").format(ref=ref))
    if replacement.product_line != position.product_line:
        raise InvalidInput(
            _("{by} is of product line {other}, {ref} of {line}: a replacement must be of the same line").format(
                by=replacement.ref, other=replacement.product_line, ref=position.ref, line=position.product_line
            )
        )
    with store.reading() as repo:
        month = _month_for(repo, position, month)
        _no_duplicate(repo, RequestKind.REPLACE, month, position, position.product_line)
        tonnes, _margin = _planned(repo.assignments.assignment(month, position.product_line), position)
    if tonnes <= 0:
        raise StateError(
            _("{ref} has no tonnes in {month} {line}: there is nothing to replace").format(
                ref=position.ref, month=month, line=position.product_line
            )
        )
    change = Change(force=frozenset({replacement.id}), exclude={position.id: _("what-if")})
    effect = what_if(store, month, position.product_line, change)
    with store.unit_of_work() as repo:
        request = repo.workflow.add_request(
            RequestKind.REPLACE,
            month,
            position.product_line,
            login=login,
            justification=why,
            margin_at_stake=effect.margin_change,
            position_id=position.id,
            replacement_id=replacement.id,
            details=_details(effect),
        )
        _ask(repo, request)
    return Raised(request, effect)


def request_reapproval(store: Store, month: Month, product_line: str, *, login: str, why: str) -> Raised:
    """Ask for a re-approval round of (month, line) that pulls the director into the chain.

    Raises :class:`InvalidInput` without a justification, :class:`NotFound` for a month
    not planned, :class:`Forbidden` for anyone who is not a sales manager with a position
    in the revision, and :class:`StateError` when such a request is already open.
    """
    why = _text(why, NEEDS_WHY)
    who = actor(store, login)
    with store.reading() as repo:
        assignment = repo.assignments.assignment(month, product_line)
        if assignment is None:
            raise NotFound(
                _("{month} has no assignment for product line {line}").format(month=month, line=product_line)
            )
        ids = {x.position_id for x in (*assignment.lines, *assignment.exclusions)}
        positions = repo.plant.positions(ids=ids) if ids else []
    # a sales manager's own positions; anyone else (refused below unless the store is open) speaks for all
    own = [p for p in positions if who.owns_deal(p)] or ([] if who.role is Role.SALES_MANAGER else positions)
    require(who, Action.REQUEST, line=product_line, deal=own[0] if own else None, target=assignment.key)
    with store.reading() as repo:
        _no_duplicate(repo, RequestKind.REAPPROVAL, month, None, product_line)
    own_ids = {p.id for p in own}
    margin = sum((x.marginal_income for x in assignment.lines if x.position_id in own_ids), Decimal(0))
    with store.unit_of_work() as repo:
        request = repo.workflow.add_request(
            RequestKind.REAPPROVAL,
            month,
            product_line,
            login=login,
            justification=why,
            margin_at_stake=margin,
            details={"revision": assignment.revision},
        )
        _ask(repo, request)
    return Raised(request)


def _details(effect: WhatIf | None) -> dict:
    """What the audit keeps of a what-if: totals and the positions displaced."""
    if effect is None:
        return {}
    return {
        "margin_before": effect.margin_before,
        "margin_after": effect.margin_after,
        "displaced": [f"{s.position_ref} {s.tonnes_change:+g} t" for s in effect.displaced],
    }


def requests(
    store: Store,
    *,
    requested_by: str | None = None,
    product_lines: list[str] | None = None,
    state: RequestState | None = None,
    month: Month | None = None,
) -> list[Request]:
    """Requests, newest first, filtered."""
    with store.reading() as repo:
        return repo.workflow.requests(state=state, requested_by=requested_by, product_lines=product_lines, month=month)


def mine(store: Store, login: str, *, state: RequestState | None = None) -> list[Request]:
    """A sales manager's own requests; for a product-line manager, those on his lines."""
    who = actor(store, login)
    if who.role is Role.LINE_MANAGER:
        return requests(store, product_lines=list(who.lines), state=state)
    return requests(store, requested_by=login, state=state)


def _open(repo: UnitOfWork, request_id: int, *, lock: bool = False, seen_version: int | None = None) -> Request:
    """The request, if still open and as read; else :class:`ChangedMeanwhile` naming who
    answered or changed it and when."""
    request = repo.workflow.lock_request(request_id) if lock else repo.workflow.request(request_id)
    if request.state is not RequestState.OPEN or (seen_version is not None and request.version != seen_version):
        raise ChangedMeanwhile(
            _("{key} is {state}: changed by {who} — reload").format(
                key=request.key, state=request.state.value, who=repo.audit.last_change(request.key)
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
        answer = _("granted by {who}").format(who=person(repo, login))
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
                        reason=_("{key} granted").format(key=request.key),
                    )
        elif request.kind is RequestKind.PRIORITY_LOWER:
            repo.workflow.set_priority(request.position_id, LOWEST, login=login, reason=why)
        granted = repo.workflow.answer_request(
            request_id, RequestState.GRANTED, login=login, answer=answer, seen_version=None
        )
        _tell(repo, granted)
        return granted

    if request.kind is RequestKind.REAPPROVAL:
        with store.unit_of_work() as repo:
            granted = record(repo)
            latest = repo.assignments.assignment(request.month, request.product_line, for_update=True)
            reason = _("re-approval round asked by {who}: {why}").format(
                who=person(repo, request.requested_by), why=request.justification
            )
            if latest.state is AssignmentState.APPROVED:  # frozen: the round is about its next revision
                latest = repo.assignments.next_revision(latest, login, reason)
            repo.workflow.require_director(latest.id, login=login, reason=reason)
            escalation = repo.workflow.add_escalation(latest.id, login=login, reason=reason, request_id=request_id)
            call_director(repo, escalation)
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
    reason = _("replaced by {by} at the sales manager's request {id}: {why}").format(
        by=request.replacement_ref, id=request.id, why=request.justification
    )
    return Change(force=frozenset({request.replacement_id}), exclude={pid: reason})


def refuse(store: Store, request_id: int, *, login: str, reason: str, seen_version: int | None = None) -> Answered:
    """Refuse an open request with a reason (the sales manager reads it).

    Raises :class:`InvalidInput` without a reason, :class:`Forbidden` for anyone but the
    product-line manager of its line (or the director) and :class:`ChangedMeanwhile` when
    it was answered or changed since.
    """
    reason = _text(reason, _("refusing request {id} needs a reason (the sales manager reads it)").format(id=request_id))
    request = _answerable(store, request_id, login, seen_version)
    with store.unit_of_work() as repo:
        _open(repo, request_id, lock=True, seen_version=request.version)
        refused = repo.workflow.answer_request(
            request_id, RequestState.REFUSED, login=login, answer=reason, seen_version=None
        )
        _tell(repo, refused)
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
        answer = _("withdrawn by {who}").format(who=person(repo, login))
        return repo.workflow.answer_request(
            request_id, RequestState.WITHDRAWN, login=login, answer=answer, seen_version=None
        )


def _ask(repo: UnitOfWork, request: Request) -> None:
    """Tell the product-line managers of the request's line that it waits for an answer."""
    notify_role(
        repo,
        Role.LINE_MANAGER,
        line=request.product_line,
        event=f"{request.key} raised",
        kind=RAISED_KIND,
        subject=_("Request {id} to answer: {what}").format(id=request.id, what=describe(request)),
        body=_("{who} asks to {what} ({month} {line}; {margin} RUB at stake): {why}").format(
            who=person(repo, request.requested_by),
            what=describe(request),
            month=request.month,
            line=request.product_line,
            margin=grouped(request.margin_at_stake),
            why=request.justification,
        ),
        object_key=request.key,
        by=request.requested_by,
    )


def _tell(repo: UnitOfWork, request: Request) -> None:
    """Notify the sales manager who raised ``request`` of its answer, and the line's other
    product-line managers — a grant re-plans their draft (once per answer)."""
    names = repo.users.display_names([request.answered_by, request.requested_by])
    values = {
        "who": names[request.answered_by],
        "state": request.state.value,
        "what": describe(request),
        "month": request.month,
        "line": request.product_line,
        "margin": grouped(request.margin_at_stake),
        "answer": request.answer,
    }
    subject = _("Request {id} {state}: {what}").format(id=request.id, **values)
    event = f"{request.key} {request.state.value}"
    notify(
        repo,
        login=request.requested_by,
        event=event,
        kind=ANSWERED_KIND,
        subject=subject,
        body=_("{who} {state} your request to {what} ({month} {line}; {margin} RUB at stake): {answer}").format(
            **values
        ),
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
        body=_("{who} {state} {asker}'s request to {what} ({month} {line}; {margin} RUB at stake): {answer}").format(
            asker=names[request.requested_by], **values
        ),
        object_key=request.key,
        by=request.answered_by,
    )
