"""The reviewers' open objections an approval must answer or override with a reason;
re-approval rounds ended by the director's approval; the director called to an escalation.
(Conflicts themselves are opened and closed after every plan: :mod:`millplan.core.planning.key_conflicts`.)
"""

from __future__ import annotations

from millplan.core.domain.assignment import Assignment
from millplan.core.domain.i18n import _, ngettext
from millplan.core.domain.people import Role
from millplan.core.domain.stored_text import Text, stored
from millplan.core.domain.workflow import Escalation, EscalationState, Outcome, key_said
from millplan.core.mail.notify import notify_role
from millplan.core.mail.recipients import person
from millplan.storage.unit_of_work import UnitOfWork

NAMED_REFS = 5
"""Positions a refusal names; with hundreds of conflicts it counts the rest (the approval
pane lists them all, one row each)."""


def open_issues(repo: UnitOfWork, assignment: Assignment) -> list[str]:
    """Phrases naming what blocks approving ``assignment`` until it is resolved or the
    director approves over it with a reason: the positions with an open conflict on it (the
    first :data:`NAMED_REFS`, the others counted), and how many escalations are open on it
    (empty when nothing blocks)."""
    refs, escalations = repo.assignments.open_issues(assignment)
    named, more = ", ".join(refs[:NAMED_REFS]), len(refs) - NAMED_REFS
    conflicts = (
        ngettext(
            "open conflicts on {refs} and {n} more position", "open conflicts on {refs} and {n} more positions", more
        ).format(refs=named, n=more)
        if more > 0
        else _("open conflicts on {refs}").format(refs=named)
    )
    return [
        *([conflicts] if refs else []),
        *(
            [ngettext("{n} open escalation", "{n} open escalations", escalations).format(n=escalations)]
            if escalations
            else []
        ),
    ]


def open_objections(repo: UnitOfWork, assignment: Assignment) -> list[str]:
    """Sentences naming the reviewers' unanswered objections to ``assignment``'s revision
    (approving over them needs a recorded reason, see :func:`millplan.core.workflow.assignments.approve`)."""
    objections = [r for r in repo.workflow.reviews(assignment_id=assignment.id) if r.open]
    names = repo.users.display_names([r.login for r in objections])
    return [
        _("objection {id} by {who} to {ref}: {reason}").format(
            id=r.id, who=names[r.login], ref=r.position_ref, reason=r.reason
        )
        for r in objections
    ]


def end_rounds(repo: UnitOfWork, approved: Assignment, *, login: str) -> None:
    """The director's approval of a revision ends the re-approval rounds still open on its
    month and line (decided ``round_decided``, the approval as the reason)."""
    for escalation in repo.workflow.escalations(
        state=EscalationState.OPEN, month=approved.month, product_line=approved.product_line
    ):
        if escalation.request_id is not None and escalation.conflict_id is None:
            values = {"key": key_said(approved.key), "who": person(repo, login)}
            why = (
                stored("{key} approved by {who}: {reason}", reason=approved.approval_reason, **values)
                if approved.approval_reason
                else stored("{key} approved by {who}", **values)
            )
            repo.workflow.decide_escalation(escalation.id, Outcome.ROUND_DECIDED.value, login=login, reason=why)


ESCALATION_KIND = "escalation"
"""Notification kind of an escalation waiting for the director."""


def call_director(repo: UnitOfWork, escalation: Escalation, reason: str | Text | None = None) -> None:
    """Tell every director that ``escalation`` waits for his decision (once per escalation);
    ``reason`` the escalation's as given (a message millplan wrote is said in his language),
    else as read."""
    notify_role(
        repo,
        Role.DIRECTOR,
        line=None,
        event=f"{escalation.key} raised",
        kind=ESCALATION_KIND,
        subject=stored(
            "Escalation {id} to decide: {month} {line}",
            id=escalation.id,
            month=escalation.month,
            line=escalation.product_line,
        ),
        body=stored(
            "{who} escalates {month} {line} to you: {reason}",
            who=person(repo, escalation.raised_by),
            month=escalation.month,
            line=escalation.product_line,
            reason=reason or escalation.reason,
        ),
        object_key=escalation.key,
        by=escalation.raised_by,
    )
