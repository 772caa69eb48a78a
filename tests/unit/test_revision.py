"""A revision's state changes (core/domain/revision.py), without a store."""

from __future__ import annotations

import pytest

from millplan.core.domain import revision
from millplan.core.domain.assignment import AssignmentState as S
from millplan.core.domain.errors import StateError
from millplan.core.domain.states import state_label


def test_the_first_revision_is_a_draft_and_one_after_approval_is_a_re_approval():
    assert revision.opened(None) is S.DRAFT
    assert revision.opened(S.APPROVED) is S.RE_APPROVAL


@pytest.mark.parametrize("state", [S.DRAFT, S.IN_REVIEW, S.RE_APPROVAL])
def test_an_editable_revision_is_changed_not_followed(state):
    with pytest.raises(StateError):
        revision.opened(state)


@pytest.mark.parametrize(
    ("state", "approved_before", "after"),
    [
        (S.IN_REVIEW, False, S.DRAFT),
        (S.IN_REVIEW, True, S.RE_APPROVAL),
        (S.DRAFT, True, S.DRAFT),
        (S.RE_APPROVAL, False, S.RE_APPROVAL),
    ],
)
def test_a_changed_revision_in_review_goes_back_to_editing(state, approved_before, after):
    assert revision.changed(state, approved_before=approved_before) is after


def test_an_approved_revision_is_frozen():
    with pytest.raises(StateError, match="frozen"):
        revision.changed(S.APPROVED, approved_before=False)


@pytest.mark.parametrize("state", [S.DRAFT, S.RE_APPROVAL])
def test_an_editable_revision_is_submitted_to_review(state):
    assert revision.submitted(state, "2027-01/ТБД/r1") is S.IN_REVIEW


@pytest.mark.parametrize("state", [S.IN_REVIEW, S.APPROVED])
def test_a_revision_in_review_or_approved_is_not_submitted_again(state):
    with pytest.raises(StateError, match=f"2027-01/ТБД/r1 is already {state_label(state)}"):
        revision.submitted(state, "2027-01/ТБД/r1")


def test_only_a_revision_in_review_is_approved():
    assert revision.approved(S.IN_REVIEW, "r1") is S.APPROVED
    for state in (S.DRAFT, S.RE_APPROVAL, S.APPROVED):
        with pytest.raises(StateError, match="not in review"):
            revision.approved(state, "r1")
