"""How people name the state of a deal, a revision, a request, a conflict, an escalation or a
position taken out of the book in the stale-deal ledger — one
set of words for every table, title and message (translated with ``_`` when shown)."""

from __future__ import annotations

from millplan.core.domain.assignment import AssignmentState
from millplan.core.domain.i18n import _
from millplan.core.domain.portfolio import DealStatus
from millplan.core.domain.stale import DisposedState
from millplan.core.domain.stored_text import Message, say, stored
from millplan.core.domain.workflow import ConflictState, EscalationState, RequestState

State = AssignmentState | RequestState | ConflictState | EscalationState | DisposedState | DealStatus


def state_label(state: State) -> str:
    """The state as people say it (``in review``, ``later month``), in the user's language.
    The same word in two kinds of state (``open``) reads the same.

    Raises :class:`KeyError` for a state not named here (a new enum member must be).
    """
    return say(state_said(state))


def state_said(state: State) -> Message:
    """:func:`state_label` as a message to store (said in each reader's language).

    Raises :class:`KeyError` as :func:`state_label`."""
    return {
        "pending": stored("waiting for acceptance"),
        "accepted": stored("accepted"),
        "rejected": stored("rejected"),
        "draft": stored("draft"),
        "in_review": stored("in review"),
        "approved": stored("approved"),
        "re_approval": stored("re-approval"),
        "open": stored("open"),
        "granted": stored("granted"),
        "refused": stored("refused"),
        "withdrawn": stored("withdrawn"),
        "escalated": stored("escalated"),
        "forced": stored("forced"),
        "later_month": stored("later month"),
        "closed": stored("closed"),
        "cancelled": stored("cancelled"),
        "decided": stored("decided"),
    }[state.value]


def solver_status_label(status: str, gap: float | None = None) -> str:
    """``optimal``, or ``feasible, gap 1.2 %`` (``gap unknown`` when the solver gave none), in
    the user's language; a status not named here (:class:`millplan.solver.problem.Solution`) as it is."""
    if status == "feasible":
        if gap is None:
            return _("feasible, gap unknown")
        return _("feasible, gap {gap} %").format(gap=f"{gap * 100:.2g}")
    return {"optimal": _("optimal"), "infeasible": _("infeasible"), "no_solution": _("no solution")}.get(status, status)
