"""A sales manager raises a request on his own positions: a priority raised or lowered, a
replacement, a re-approval round (see :mod:`millplan.core.workflow.requests`).

Each request is weighed before it is recorded: the margin at stake comes from a what-if of
the change (a raise, a replacement) or from the planned tonnes (a lowering, a round), and
the product-line managers of the line are told it waits for their answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from millplan.core.access.permissions import Action, Actor, actor, require
from millplan.core.domain.assignment import Assignment
from millplan.core.domain.errors import InvalidInput, NotFound, StateError
from millplan.core.domain.i18n import _
from millplan.core.domain.months import Month, month_text
from millplan.core.domain.people import Role
from millplan.core.domain.portfolio import Position, parse_position_ref
from millplan.core.domain.stored_text import Figure, stored
from millplan.core.domain.workflow import Request, RequestKind, RequestState
from millplan.core.mail.notify import notify_role
from millplan.core.mail.recipients import person
from millplan.core.planning.line_plan import Change
from millplan.core.planning.whatif import WhatIf, what_if
from millplan.core.workflow.requests import HIGHEST, LOWEST, NEEDS_WHY, RAISED_KIND, describe, describe_said, stated
from millplan.storage.store import Store
from millplan.storage.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class Raised:
    """A request as recorded, with the what-if behind its margin at stake (``None`` for a
    lowering or a re-approval round, whose figure needs no re-plan)."""

    request: Request
    effect: WhatIf | None = None


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
    why = stated(why, NEEDS_WHY)
    position = _own_position(store, actor(store, login), ref)
    kind = RequestKind.PRIORITY_RAISE if raise_ else RequestKind.PRIORITY_LOWER
    with store.reading() as repo:
        month = _month_for(repo, position, month)
        _no_duplicate(repo, kind, month, position, position.product_line)
        current = repo.assignments.assignment(month, position.product_line)
    if current is None:
        raise NotFound(
            _("{month} has no assignment for product line {line} yet: a request is weighed against a plan").format(
                month=month_text(month), line=position.product_line
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
                    ref=position.ref, month=month_text(month), line=position.product_line
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
    why = stated(why, NEEDS_WHY)
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
                ref=position.ref, month=month_text(month), line=position.product_line
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
    why = stated(why, NEEDS_WHY)
    who = actor(store, login)
    with store.reading() as repo:
        assignment = repo.assignments.assignment(month, product_line)
        if assignment is None:
            raise NotFound(
                _("{month} has no assignment for product line {line}").format(
                    month=month_text(month), line=product_line
                )
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


def _ask(repo: UnitOfWork, request: Request) -> None:
    """Tell the product-line managers of the request's line that it waits for an answer."""
    notify_role(
        repo,
        Role.LINE_MANAGER,
        line=request.product_line,
        event=f"{request.key} raised",
        kind=RAISED_KIND,
        subject=stored("Request {id} to answer: {what}", id=request.id, what=describe_said(request)),
        body=stored(
            "{who} asks to {what} ({month} {line}; {margin} RUB at stake): {why}",
            who=person(repo, request.requested_by),
            what=describe_said(request),
            month=request.month,
            line=request.product_line,
            margin=Figure(request.margin_at_stake),
            why=request.justification,
        ),
        object_key=request.key,
        by=request.requested_by,
    )
