"""The approval pane's counted lines and the approval dialog's lead (core.views.approval)
on the conflict plant of tests/levers.py: D6#1 100 t short, 1 400 000 RUB at stake."""

from __future__ import annotations

import pytest

from millplan.core.domain.errors import InvalidInput, StateError
from millplan.core.domain.workflow import ConflictState
from millplan.core.views.approval import approval_brief, at_stake, blocking, board, open_counts
from millplan.core.workflow import assignments, conflicts
from tests.conflicted import conflicted_plant
from tests.levers import MARGIN_AT_STAKE, conflict_plant
from tests.plants import PLAN_MONTH, staff, tiny_plant


def test_what_is_open_is_counted_and_the_dialog_leads_with_what_is_approved(sqlite_store):
    draft = conflict_plant(sqlite_store)
    [conflict] = conflicts.conflicts(sqlite_store)
    conflicts.escalate(sqlite_store, conflict.id, login="plm", why="both are key")
    assignments.submit(sqlite_store, PLAN_MONTH, "L", login="plm")
    b = board(sqlite_store, PLAN_MONTH, "L", login="director")
    assert MARGIN_AT_STAKE == 1_400_000
    assert open_counts(b) == "Open: 1 conflict · 0 requests · 1 escalation · 0 reviews"
    assert at_stake(b) == "At stake: 1 400 000 RUB, 100.0 t short"
    assert blocking(b) == "Approval needs a reason: 1 conflict, 1 escalation, 0 objections open."
    assert approval_brief(b) == [
        f"Approve {PLAN_MONTH} L revision {draft.revision} (in review)",
        "1 200 t · marginal income {m} RUB · key accounts 1 200 t".format(
            m=f"{draft.marginal_income:,.0f}".replace(",", " ")
        ),
        open_counts(b),
        at_stake(b),
        blocking(b),
    ]


def test_nothing_open_nothing_blocks(sqlite_store):
    tiny_plant(sqlite_store)
    staff(sqlite_store)
    b = board(sqlite_store, PLAN_MONTH, "L", login="plm")
    with pytest.raises(InvalidInput, match="not planned yet: nothing to approve"):
        approval_brief(b)
    assert at_stake(b) == "Nothing at stake: no open conflict."
    assert blocking(b) is None


def test_a_refusal_over_hundreds_of_conflicts_names_five_and_counts_the_rest(sqlite_store):
    open_ = conflicted_plant(sqlite_store)
    with pytest.raises(StateError) as refused:
        assignments.approve(sqlite_store, PLAN_MONTH, "L", login="plm")
    refs = sorted(c.position_ref for c in open_ if c.state is ConflictState.OPEN)  # the escalated one counts there
    assert len(refs) == 299
    assert f"open conflicts on {', '.join(refs[:5])} and 294 more positions; 1 open escalation" in str(refused.value)
    assert "K200#1" not in str(refused.value)
