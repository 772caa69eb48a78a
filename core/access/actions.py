"""Which actions to offer the acting user here: his role's rights (:data:`RULES`) on a
product line, narrowed to what the line's latest revision takes in its state.

The fronts ask :func:`available` which keys and commands to show; it never refuses
anything — every service still calls :func:`~millplan.core.access.permissions.require`
and checks the revision's state itself.
"""

from __future__ import annotations

from millplan.core.access.permissions import RULES, Action, Actor, Scope
from millplan.core.domain.assignment import AssignmentState

__all__ = ["REVISION_STATES", "available", "offered"]

_EDITABLE = frozenset({AssignmentState.DRAFT, AssignmentState.RE_APPROVAL})
_IN_REVIEW = frozenset({AssignmentState.IN_REVIEW})

REVISION_STATES: dict[Action, frozenset[AssignmentState]] = {
    Action.SUBMIT: _EDITABLE,
    Action.APPROVE: _IN_REVIEW,
    Action.APPROVE_OVER_OPEN: _IN_REVIEW,
    Action.APPROVE_DIRECTOR_CHAIN: _IN_REVIEW,
    Action.REVIEW: _EDITABLE | _IN_REVIEW,
}
"""The states of the latest revision in which each action on the revision itself is
offered; an action not listed does not depend on it (a plan opens the next revision, a
lock or an exclusion is refused by the service on an approved one)."""


def offered(who: Actor, product_line: str | None) -> frozenset[Action]:
    """The actions ``who``'s role allows on ``product_line``, whatever its revision: on his
    own lines, anywhere, or — for actions on a deal's own positions (a sales manager's
    requests) — whenever his role has them at all (the service checks the position itself).
    Everything while the store has no users (an open store); nothing for a read-only login."""
    return frozenset(
        action
        for action, scopes in RULES.items()
        if who.may(action, line=product_line) or (who.role is not None and scopes.get(who.role) is Scope.OWN_DEAL)
    )


def available(who: Actor, product_line: str | None, state: AssignmentState | None) -> frozenset[Action]:
    """The actions to offer ``who`` on ``product_line`` whose latest revision is in
    ``state`` (``None``: not planned yet): :func:`offered`, less the actions on the revision
    its state does not take (:data:`REVISION_STATES`) — submit a draft or re-approval
    revision, approve one in review, review any but an approved one."""
    return frozenset(
        action
        for action in offered(who, product_line)
        if action not in REVISION_STATES or state in REVISION_STATES[action]
    )
