"""A cancel or a close from the stale-deal ledger marks the unapproved plans that still hold
the position stale, naming it; a submit that still meets it says it is cancelled or closed."""

from __future__ import annotations

from decimal import Decimal

import pytest

from millplan.core.domain.assignment import AssignmentLine, AssignmentState
from millplan.core.domain.errors import StateError
from millplan.core.domain.months import Month, today_set
from millplan.core.workflow import assignments, stale_actions
from tests.stale_plant import TODAY, stale_plant

JUNE, JULY = Month(2027, 6), Month(2027, 7)


@pytest.fixture
def plant(store):
    with today_set(TODAY):
        stale_plant(store)
        yield store


def draft(store, month: Month, *refs: str) -> None:
    """Save a draft of ``month`` for line L with 10 t of each position ``refs`` on M1."""
    with store.unit_of_work() as repo:
        lines = []
        for ref in refs:
            deal, number = ref.split("#")
            p = repo.plant.position(deal, int(number))
            lines.append(AssignmentLine(p.id, p.ref, "M1", 10.0, 1.0, Decimal(190_000)))
        repo.assignments.save_draft(
            month, "L", lines, [], login="t", solver_status="optimal", solver_name="test", solve_seconds=0.0
        )


def latest(store, month: Month):
    with store.reading() as repo:
        return repo.assignments.assignment(month, "L")


@pytest.mark.both_backends
@pytest.mark.parametrize(
    ("act", "said"),
    [
        (stale_actions.cancel, "re-plan: C#1's remainder was cancelled"),
        (stale_actions.close, "re-plan: C#1 was closed"),
    ],
)
def test_cancel_or_close_marks_the_later_draft_holding_it_stale(plant, act, said):
    draft(plant, JULY, "C#1", "E#1")
    done = act(plant, ["C#1"], login="plm", reason="client went bankrupt")
    july = latest(plant, JULY)
    assert july.stale and said in july.stale_reason and "client went bankrupt" in july.stale_reason
    assert done.stale == (july.key,)
    june = latest(plant, JUNE)  # the approved June revision stays in force, untouched
    assert june.state is AssignmentState.APPROVED and not june.stale
    with pytest.raises(StateError, match="is stale — re-plan: C#1"):
        assignments.submit(plant, JULY, "L", login="plm")


def test_a_draft_without_the_position_or_another_action_stays_as_it_is(plant):
    draft(plant, JULY, "E#1")
    assert stale_actions.cancel(plant, ["C#1"], login="plm", reason="x").stale == ()
    draft(plant, Month(2027, 8), "A#1")
    assert stale_actions.extend(plant, ["A#1"], Month(2027, 9), login="plm", reason="x").stale == ()
    assert not latest(plant, JULY).stale and not latest(plant, Month(2027, 8)).stale


def test_submit_names_a_cancelled_or_closed_position_as_such(plant):
    stale_actions.cancel(plant, ["C#1"], login="plm", reason="x")
    stale_actions.close(plant, ["E#1"], login="plm", reason="x")
    draft(plant, JULY, "C#1", "E#1")  # a draft saved after the cancel, not by the prioritiser
    with pytest.raises(StateError) as refused:
        assignments.submit(plant, JULY, "L", login="plm")
    message = str(refused.value)
    assert "C#1's remainder was cancelled" in message and "E#1 was closed as complete" in message
    assert "made twice" not in message
