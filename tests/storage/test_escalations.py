"""The director decides escalations: force a conflict in or accept a later month, with a
reason; nobody else may; a decision given twice is refused — on SQLite (and PostgreSQL where the dialects differ)."""

from __future__ import annotations

import pytest

from millplan.core.domain.errors import ChangedMeanwhile, Forbidden, InvalidInput
from millplan.core.domain.workflow import ConflictState, EscalationState
from millplan.core.workflow import conflicts, escalations
from tests.levers import FORCE_MARGIN_CHANGE, conflict_plant, tonnes
from tests.plants import PLAN_MONTH


@pytest.fixture
def escalated(store):
    draft = conflict_plant(store)
    [conflict] = conflicts.conflicts(store)
    escalation = conflicts.escalate(store, conflict.id, login="plm", why="the client's plant stops without it")
    return store, draft, conflict, escalation


@pytest.mark.both_backends
def test_the_director_forces_it_in_with_a_reason(escalated):
    store, draft, conflict, escalation = escalated
    decided = escalations.decide(store, escalation.id, login="director", force=True, reason="key client, strategic")
    assert decided.escalation.state is EscalationState.DECIDED and decided.escalation.outcome == "forced"
    assert decided.escalation.decided_by == "director" and decided.escalation.decision == "key client, strategic"
    assert decided.conflict.state is ConflictState.FORCED and decided.conflict.resolved_by == "director"
    assert tonnes(decided.assignment, "D6#1") == 600
    assert decided.effect.margin_change == FORCE_MARGIN_CHANGE
    assert escalations.escalations(store, open_only=True) == []
    with store.reading() as repo:
        [entry, *_] = repo.audit.audit_entries(escalation.key)
        issues = repo.assignments.open_issues(repo.assignments.assignment(PLAN_MONTH, "L"))
    assert (entry.action, entry.login, entry.before["state"], entry.after["state"]) == (
        "decided",
        "director",
        "open",
        "decided",
    )
    assert entry.reason == "key client, strategic"
    assert issues == (["D1#1"], 0)  # only the displaced position's new conflict


def test_the_director_accepts_a_later_month(escalated):
    store, _, conflict, escalation = escalated
    with pytest.raises(InvalidInput, match="not later than"):
        escalations.decide(store, escalation.id, login="director", later=PLAN_MONTH, reason="r")
    decided = escalations.decide(store, escalation.id, login="director", later=PLAN_MONTH + 2, reason="they can wait")
    assert decided.escalation.outcome == "later_month" and decided.assignment is None
    assert decided.conflict.state is ConflictState.LATER_MONTH and decided.conflict.agreed_month == PLAN_MONTH + 2
    with store.reading() as repo:
        assert repo.assignments.open_issues(repo.assignments.assignment(PLAN_MONTH, "L")) == ([], 0)


def test_a_decision_needs_a_reason_and_exactly_one_outcome(escalated):
    store, _, _, escalation = escalated
    with pytest.raises(InvalidInput, match="needs a reason"):
        escalations.decide(store, escalation.id, login="director", force=True, reason="")
    with pytest.raises(InvalidInput, match="--force or with --later"):
        escalations.decide(store, escalation.id, login="director", reason="why")
    with pytest.raises(InvalidInput, match="--force or with --later"):
        escalations.decide(store, escalation.id, login="director", force=True, later=PLAN_MONTH + 1, reason="why")


@pytest.mark.parametrize("login", ["plm", "ivanov", "planner", "admin"])
def test_only_the_director_decides(escalated, login):
    store, _, _, escalation = escalated
    with pytest.raises(Forbidden, match="only the director may decide an escalation"):
        escalations.decide(store, escalation.id, login=login, force=True, reason="mine")
    assert escalations.escalations(store, open_only=True)[0].id == escalation.id
    with store.reading() as repo:
        assert repo.audit.audit_entries(escalation.key)[0].action == "refused"


def test_a_second_decision_is_refused_naming_the_first(escalated):
    store, _, _, escalation = escalated
    escalations.decide(store, escalation.id, login="director", later=PLAN_MONTH + 1, reason="wait")
    with pytest.raises(ChangedMeanwhile, match=r"escalation \d+ is decided: changed by director at .* — reload"):
        escalations.decide(store, escalation.id, login="director", force=True, reason="changed my mind")


def test_a_conflict_that_closes_itself_makes_its_escalation_moot(escalated):
    store, _, conflict, escalation = escalated
    from millplan.core.planning import run as planning

    with store.unit_of_work() as repo:
        repo.plant.upsert_capacity([("M2", PLAN_MONTH, 60.0)], "planner", "test")
    planning.plan(store, PLAN_MONTH, login="plm", first_horizon=1)
    [moot] = escalations.escalations(store)
    assert moot.state is EscalationState.DECIDED and moot.outcome == "moot"
    assert conflicts.conflicts(store)[0].state is ConflictState.CLOSED
