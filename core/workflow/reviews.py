"""The production planner reviews a month's assignment: he agrees to the revision, or
objects to one position's line with a reason.

An objection is an open item the product-line manager sees (``review list``): he answers
it (``review answer``), or changes the line and re-plans. Approving a revision over an
unanswered objection is allowed, but only with a recorded reason — the planner's word is
heard, not a veto (conflicts and escalations, by contrast, block approval except by the
director). Reviews belong to one revision: a new revision is reviewed afresh.
"""

from __future__ import annotations

from millplan.core.access.permissions import Action, actor, require
from millplan.core.domain.assignment import Assignment, AssignmentState
from millplan.core.domain.errors import ChangedMeanwhile, InvalidInput, NotFound, StateError
from millplan.core.domain.i18n import _
from millplan.core.domain.months import Month, month_text
from millplan.core.domain.people import Role
from millplan.core.domain.portfolio import parse_position_ref
from millplan.core.domain.stored_text import stored
from millplan.core.domain.workflow import Review, key_label, key_said
from millplan.core.mail.notify import notify, notify_role
from millplan.core.mail.recipients import person
from millplan.storage.store import Store
from millplan.storage.unit_of_work import UnitOfWork

AGREE, OBJECT = "agree", "object"
OBJECTION_KIND = "objection"
"""Notification kind of an objection waiting for the product-line manager."""
ANSWERED_KIND = "objection_answered"
"""Notification kind of the product-line manager's answer, to the planner who objected."""


def _reviewable(repo: UnitOfWork, month: Month, product_line: str) -> Assignment:
    found = repo.assignments.assignment(month, product_line)
    if found is None:
        raise NotFound(
            _("{month} has no assignment for product line {line}; nothing to review").format(
                month=month_text(month), line=product_line
            )
        )
    if found.state is AssignmentState.APPROVED:
        raise StateError(_("{key} is approved and frozen: review the next revision").format(key=key_label(found.key)))
    return found


def agree(store: Store, month: Month, product_line: str, *, login: str) -> Review:
    """Record the planner's agreement to the latest revision of (month, line).

    Raises :class:`Forbidden` for anyone but a production planner, :class:`NotFound`
    for a month not planned and :class:`StateError` for an approved revision.
    """
    require(actor(store, login), Action.REVIEW, line=product_line, target=f"{month}/{product_line}")
    with store.unit_of_work() as repo:
        assignment = _reviewable(repo, month, product_line)
        return repo.workflow.add_review(assignment.id, AGREE, login=login)


def object_to(store: Store, ref: str, month: Month, product_line: str, *, login: str, reason: str) -> Review:
    """Record the planner's objection, with a reason, to position ``ref``'s line in the
    latest revision of (month, line).

    Raises :class:`InvalidInput` without a reason, :class:`Forbidden` for anyone but a
    production planner, :class:`NotFound` for a position the revision does not hold, and
    :class:`StateError` for an approved revision.
    """
    if not (reason and reason.strip()):
        raise InvalidInput(
            _("an objection to {ref} needs a reason (the product-line manager answers it)").format(ref=ref)
        )
    deal, number = parse_position_ref(ref)
    require(actor(store, login), Action.REVIEW, line=product_line, target=f"{month}/{product_line}")
    with store.unit_of_work() as repo:
        assignment = _reviewable(repo, month, product_line)
        position = repo.plant.position(deal, number)
        if not any(x.position_id == position.id for x in (*assignment.lines, *assignment.exclusions)):
            raise NotFound(
                _("{ref} is not in {key}: object to a position it plans or leaves out").format(
                    ref=ref, key=key_label(assignment.key)
                )
            )
        review = repo.workflow.add_review(
            assignment.id, OBJECT, login=login, position_id=position.id, reason=reason.strip()
        )
        notify_role(
            repo,
            Role.LINE_MANAGER,
            line=product_line,
            event=f"{review.key} raised",
            kind=OBJECTION_KIND,
            subject=stored("Objection to answer: {ref} in {key}", ref=ref, key=key_said(assignment.key)),
            body=stored(
                "{who} objects to {ref} in {key}: {reason}",
                who=person(repo, login),
                ref=ref,
                key=key_said(assignment.key),
                reason=review.reason,
            ),
            object_key=review.key,
            by=login,
        )
        return review


def answer(store: Store, review_id: int, *, login: str, reply: str, seen_version: int | None = None) -> Review:
    """The product-line manager's answer to an objection; it is no longer open, and the
    planner who objected is told.

    Raises :class:`InvalidInput` without a reply, :class:`Forbidden` for anyone but the
    manager of the revision's line, :class:`StateError` for an agreement (nothing to
    answer), and :class:`ChangedMeanwhile` for an objection already answered.
    """
    if not (reply and reply.strip()):
        raise InvalidInput(_("answering review {id} needs a reply").format(id=review_id))
    with store.reading() as repo:
        review = repo.workflow.review(review_id)
    require(actor(store, login), Action.EDIT_ASSIGNMENT, line=review.product_line, target=review.key)
    if review.verdict != OBJECT:
        raise StateError(_("{key} is an agreement: there is nothing to answer").format(key=key_label(review.key)))
    with store.unit_of_work() as repo:
        current = repo.workflow.review(review_id, lock=True)
        if not current.open or (seen_version is not None and current.version != seen_version):
            raise ChangedMeanwhile(
                _("{key} was answered by {who} — reload").format(
                    key=key_label(current.key), who=repo.audit.last_change(current.key)
                )
            )
        answered = repo.workflow.answer_review(review_id, login=login, answer=reply.strip())
        notify(
            repo,
            login=answered.login,
            event=f"{answered.key} answered",
            kind=ANSWERED_KIND,
            subject=stored("Your objection to {ref} answered", ref=answered.position_ref),
            body=stored(
                "{who} answered your objection to {ref} in {month} {line} ({reason}): {reply}",
                who=person(repo, login),
                ref=answered.position_ref,
                month=answered.month,
                line=answered.product_line,
                reason=answered.reason,
                reply=answered.answer,
            ),
            object_key=answered.key,
            by=login,
        )
        return answered


def reviews(store: Store, month: Month, product_line: str, *, all_revisions: bool = False) -> list[Review]:
    """The reviews of the latest revision of (month, line) (of every revision when asked),
    oldest first. Raises :class:`NotFound` for a month not planned."""
    with store.reading() as repo:
        latest = repo.assignments.assignment(month, product_line)
        if latest is None:
            raise NotFound(
                _("{month} has no assignment for product line {line}").format(
                    month=month_text(month), line=product_line
                )
            )
        if all_revisions:
            return repo.workflow.reviews(month=month, product_line=product_line)
        return repo.workflow.reviews(assignment_id=latest.id)
