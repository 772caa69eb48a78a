"""A revision's life cycle: which state changes are allowed from which state.

``draft → in_review → approved`` (DESIGN.md). Approval freezes a revision: a change after
it opens the next revision in ``re_approval``. A change to a revision in review (an
edit, a re-plan, a mill's hours marking it stale) sends it back to editing — to draft, or
to re-approval when an earlier revision of its month and line was approved. The store
applies these rules; the services check who may act and say why first, so a
:class:`~millplan.core.domain.errors.StateError` raised here means a service let an
impossible change through.
"""

from __future__ import annotations

from millplan.core.domain.assignment import AssignmentState
from millplan.core.domain.errors import StateError
from millplan.core.domain.i18n import _
from millplan.core.domain.states import state_label


def opened(latest: AssignmentState | None) -> AssignmentState:
    """The state of a revision opened after ``latest`` (the newest revision of its month
    and line, ``None`` for the first): draft for the first, re-approval after an approved
    one. Raises :class:`StateError` after an editable one, which is changed instead."""
    if latest is None:
        return AssignmentState.DRAFT
    if latest is AssignmentState.APPROVED:
        return AssignmentState.RE_APPROVAL
    raise StateError(_("a revision in {state} is changed, not followed by a new one").format(state=state_label(latest)))


def changed(state: AssignmentState, *, approved_before: bool) -> AssignmentState:
    """The state of a revision once it is edited, re-planned or marked stale: in review
    goes back to draft, or to re-approval when ``approved_before`` (an earlier revision of
    its month and line is approved); draft and re-approval stay. Raises
    :class:`StateError` for an approved revision: it is frozen."""
    if state is AssignmentState.APPROVED:
        raise StateError(_("an approved revision is frozen: a change opens the next revision"))
    if state is AssignmentState.IN_REVIEW:
        return AssignmentState.RE_APPROVAL if approved_before else AssignmentState.DRAFT
    return state


def submitted(state: AssignmentState, where: str) -> AssignmentState:
    """In review, from draft or re-approval; ``where`` names the revision in the
    :class:`StateError` raised from any other state ("… is already in review")."""
    if state in (AssignmentState.IN_REVIEW, AssignmentState.APPROVED):
        raise StateError(_("{where} is already {state}").format(where=where, state=state_label(state)))
    return AssignmentState.IN_REVIEW


def approved(state: AssignmentState, where: str) -> AssignmentState:
    """Approved, from in review only; ``where`` names the revision in the
    :class:`StateError` raised from any other state."""
    if state is not AssignmentState.IN_REVIEW:
        raise StateError(_("{where} is {state}, not in review").format(where=where, state=state_label(state)))
    return AssignmentState.APPROVED
