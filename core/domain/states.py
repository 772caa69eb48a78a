"""How people name the state of a deal, a revision, a request, a conflict, an escalation or a
position taken out of the book in the stale-deal ledger — one
set of words for every table, title and message (translated with ``_`` when shown)."""

from __future__ import annotations

from millplan.core.domain.assignment import AssignmentState
from millplan.core.domain.i18n import _
from millplan.core.domain.portfolio import DealStatus
from millplan.core.domain.stale import DisposedState
from millplan.core.domain.workflow import ConflictState, EscalationState, RequestState

State = AssignmentState | RequestState | ConflictState | EscalationState | DisposedState | DealStatus


def state_label(state: State) -> str:
    """The state as people say it (``in review``, ``later month``), in the user's language.
    The same word in two kinds of state (``open``) reads the same.

    Raises :class:`KeyError` for a state not named here (a new enum member must be).
    """
    return {
        "pending": _("waiting for acceptance"),
        "accepted": _("accepted"),
        "rejected": _("rejected"),
        "draft": _("draft"),
        "in_review": _("in review"),
        "approved": _("approved"),
        "re_approval": _("re-approval"),
        "open": _("open"),
        "granted": _("granted"),
        "refused": _("refused"),
        "withdrawn": _("withdrawn"),
        "escalated": _("escalated"),
        "forced": _("forced"),
        "later_month": _("later month"),
        "closed": _("closed"),
        "cancelled": _("cancelled"),
        "decided": _("decided"),
    }[state.value]


def solver_status_label(status: str, gap: float | None = None) -> str:
    """``optimal``, or ``feasible, gap 1.2 %`` (``gap unknown`` when the solver gave none), in
    the user's language; a status not named here (:class:`millplan.solver.problem.Solution`) as it is."""
    if status == "feasible":
        if gap is None:
            return _("feasible, gap unknown")
        return _("feasible, gap {gap} %").format(gap=f"{gap * 100:.2g}")
    return {"optimal": _("optimal"), "infeasible": _("infeasible"), "no_solution": _("no solution")}.get(status, status)
