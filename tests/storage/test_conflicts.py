"""Conflicts over key-account dates: opened by every plan, closed when no longer short,
resolved by the product-line manager (force in, later month, escalate) — on SQLite (and PostgreSQL where
the dialects differ). The arithmetic is in tests/levers.py."""

from __future__ import annotations

from decimal import Decimal

import pytest

from millplan.core.domain.errors import ChangedMeanwhile, Forbidden, InfeasiblePlan, InvalidInput
from millplan.core.domain.months import month_text
from millplan.core.domain.workflow import ConflictState, EscalationState
from millplan.core.mail.inbox import inbox
from millplan.core.planning import run as planning
from millplan.core.workflow import conflicts, escalations
from tests.levers import FORCE_MARGIN_CHANGE, MARGIN_AT_STAKE, SHORT_TONNES, conflict_plant, tonnes
from tests.plants import PLAN_MONTH


@pytest.fixture
def short(store):
    draft = conflict_plant(store)
    [conflict] = conflicts.conflicts(store)
    return store, draft, conflict


def _audit(store, key):
    with store.reading() as repo:
        return repo.audit.audit_entries(key)


def test_a_plan_opens_one_conflict_per_short_key_position(short):
    store, draft, conflict = short
    assert tonnes(draft, "D6#1") == 500 and tonnes(draft, "D1#1") == 700
    assert conflict.position_ref == "D6#1" and conflict.state is ConflictState.OPEN
    assert conflict.tonnes_short == SHORT_TONNES
    assert conflict.margin_at_stake == MARGIN_AT_STAKE
    assert (conflict.month, conflict.product_line, conflict.revision) == (PLAN_MONTH, "L", 1)
    [opened] = _audit(store, conflict.key)
    assert opened.action == "opened" and opened.login == "plm"
    assert "D6#1 100.0 t short" in opened.reason and "capacity fully booked" in opened.reason
    # short non-key positions (D2#1, D3#1) are no conflict
    assert {c.position_ref for c in conflicts.conflicts(store)} == {"D6#1"}


def test_a_replan_keeps_one_conflict_and_closes_it_once_no_longer_short(short):
    store, _, conflict = short
    planning.plan(store, PLAN_MONTH, login="plm", first_horizon=1)
    assert [c.id for c in conflicts.conflicts(store)] == [conflict.id]
    with store.unit_of_work() as repo:  # 20 more hours on M2 make room for D6#1's 100 t
        repo.plant.upsert_capacity([("M2", PLAN_MONTH, 60.0)], "planner", "test")
    planning.plan(store, PLAN_MONTH, login="plm", first_horizon=1)
    [closed] = conflicts.conflicts(store)
    assert closed.state is ConflictState.CLOSED and "no longer short" in closed.resolution
    assert [e.action for e in _audit(store, conflict.key)] == ["closed", "opened"]
    assert conflicts.conflicts(store, unresolved_only=True) == []


def test_force_in_dry_run_shows_what_it_displaces_and_saves_nothing(short):
    store, draft, conflict = short
    forced = conflicts.force_in(store, conflict.id, login="petrov", dry_run=True)  # anyone may look
    assert forced.conflict is None and forced.assignment is None
    effect = forced.effect
    assert effect.margin_change == FORCE_MARGIN_CHANGE
    assert [(s.position_ref, s.tonnes_change) for s in effect.displaced] == [("D1#1", -100)]
    assert [(s.position_ref, s.tonnes_change) for s in effect.gained] == [("D6#1", 100)]
    assert planning.latest(store, PLAN_MONTH, "L").version == draft.version
    assert conflicts.conflicts(store)[0].state is ConflictState.OPEN


@pytest.mark.both_backends
def test_force_in_locks_the_position_and_the_replan_opens_the_displaced_ones_conflict(short):
    store, _, conflict = short
    forced = conflicts.force_in(store, conflict.id, login="plm")
    assert forced.conflict.state is ConflictState.FORCED and forced.conflict.resolved_by == "plm"
    assert tonnes(forced.assignment, "D6#1") == 600
    assert all(x.locked for x in forced.assignment.lines if x.position_ref == "D6#1")
    assert forced.assignment.marginal_income == Decimal("20100000.00") + FORCE_MARGIN_CHANGE
    # the lock holds on the next plan, and D1#1 is now the one short
    again = planning.plan(store, PLAN_MONTH, login="plm", first_horizon=1)[0].assignment
    assert tonnes(again, "D6#1") == 600
    states = {c.position_ref: c.state for c in conflicts.conflicts(store)}
    assert states == {"D6#1": ConflictState.FORCED, "D1#1": ConflictState.OPEN}
    with pytest.raises(ChangedMeanwhile, match=r"conflict \d+ is forced: changed by plm at .* — reload"):
        conflicts.force_in(store, conflict.id, login="plm")


def test_force_in_that_cannot_fit_beside_the_locks_says_how_much_would(short):
    store, _, conflict = short
    with store.unit_of_work() as repo:
        repo.plant.upsert_capacity([("M1", PLAN_MONTH, 30.0), ("M2", PLAN_MONTH, 0.0)], "planner", "test")
    from millplan.core.workflow import assignments

    planning.plan(store, PLAN_MONTH, login="plm", first_horizon=1)
    assignments.set_locked(store, PLAN_MONTH, "L", "D1#1", True, login="plm")  # 300 t: all of M1
    d6 = next(c for c in conflicts.conflicts(store) if c.position_ref == "D6#1")
    with pytest.raises(InfeasiblePlan, match=r"D6#1 cannot be forced into .*room for 0\.0 t of its 600\.0 t"):
        conflicts.force_in(store, d6.id, login="plm")
    assert conflicts.conflicts(store, unresolved_only=True)  # nothing resolved


def test_a_later_month_is_recorded_and_not_reopened_by_replans(short):
    store, _, conflict = short
    with pytest.raises(InvalidInput, match="not later than"):
        conflicts.agree_later(store, conflict.id, PLAN_MONTH, login="plm")
    agreed = conflicts.agree_later(
        store, conflict.id, PLAN_MONTH + 1, login="plm", reason="client takes it in February"
    )
    assert agreed.state is ConflictState.LATER_MONTH and agreed.agreed_month == PLAN_MONTH + 1
    assert agreed.resolution == "client takes it in February"
    planning.plan(store, PLAN_MONTH, login="plm", first_horizon=1)
    assert [c.state for c in conflicts.conflicts(store)] == [ConflictState.LATER_MONTH]
    [entry, *_] = _audit(store, conflict.key)
    assert (
        entry.action == "later_month"
        and entry.before["state"] == "open"
        and entry.after["agreed_month"] == str(PLAN_MONTH + 1)
    )


def test_escalation_blocks_and_takes_the_conflict_out_of_the_line_managers_hands(short):
    store, draft, conflict = short
    with store.reading() as repo:
        assert repo.assignments.open_issues(draft) == (["D6#1"], 0)
    with pytest.raises(InvalidInput, match="needs a reason"):
        conflicts.escalate(store, conflict.id, login="plm", why=" ")
    escalation = conflicts.escalate(store, conflict.id, login="plm", why="the client's plant stops without it")
    assert escalation.state is EscalationState.OPEN and escalation.conflict_id == conflict.id
    assert conflicts.conflicts(store)[0].state is ConflictState.ESCALATED
    with store.reading() as repo:
        assert repo.assignments.open_issues(draft) == ([], 1)  # now the director's
    [listed] = escalations.escalations(store, open_only=True)
    assert listed.subject == f"conflict {conflict.id}: D6#1 100 t short"
    with pytest.raises(ChangedMeanwhile, match="escalated .*the director decides it"):
        conflicts.agree_later(store, conflict.id, PLAN_MONTH + 1, login="plm")


@pytest.mark.parametrize("login", ["ivanov", "planner", "director", "stranger"])
def test_only_the_line_manager_resolves_conflicts_and_refusals_are_audited(short, login):
    store, _, conflict = short
    for attempt in (
        lambda: conflicts.force_in(store, conflict.id, login=login),
        lambda: conflicts.agree_later(store, conflict.id, PLAN_MONTH + 1, login=login),
        lambda: conflicts.escalate(store, conflict.id, login=login, why="because"),
    ):
        with pytest.raises(Forbidden, match="only the product-line manager of L may"):
            attempt()
    refusals = [e for e in _audit(store, conflict.key) if e.action == "refused"]
    assert len(refusals) == 3 and {e.login for e in refusals} == {login}
    assert conflicts.conflicts(store)[0].state is ConflictState.OPEN


def test_a_stale_resolution_is_refused(short):
    store, _, conflict = short
    conflicts.escalate(store, conflict.id, login="plm", why="too big for me")
    with pytest.raises(ChangedMeanwhile, match=r"changed by plm at \d{4}-\d\d-\d\d \d\d:\d\d UTC — reload"):
        conflicts.force_in(store, conflict.id, login="plm", seen_version=conflict.version)


def test_the_sales_manager_is_notified_once_per_conflict_event(short):
    store, _, conflict = short

    def notices(login):
        return [n for n in inbox(store, login) if "conflict" in {n.kind, *(i.kind for i in n.items)}]

    planning.plan(store, PLAN_MONTH, login="plm", first_horizon=1)  # the same conflict again: no second notice
    [opened] = notices("ivanov")  # the plan's one message to him lists it beside his positions left out
    [item] = [i for i in opened.items if i.kind == "conflict"]
    assert opened.object_key == f"{PLAN_MONTH}/L/r1" and item.ref == "D6#1"
    assert f"conflict {conflict.id} opened, 100.0 t short" in item.text and "1 400 000 RUB" in opened.body
    conflicts.agree_later(store, conflict.id, PLAN_MONTH + 1, login="plm")
    resolved, first = notices("ivanov")
    assert (
        first.id == opened.id
        and f"moved to {PLAN_MONTH + 1}" in resolved.subject
        and resolved.object_key == conflict.key
    )
    assert notices("petrov") == []


@pytest.mark.both_backends
def test_two_resolutions_at_once_one_wins(short):
    import threading

    store, _, conflict = short
    start = threading.Barrier(2)
    outcomes: list[object] = []

    def act(action):
        start.wait()
        try:
            outcomes.append(action())
        except ChangedMeanwhile as exc:
            outcomes.append(exc)

    threads = [
        threading.Thread(target=act, args=(lambda: conflicts.force_in(store, conflict.id, login="plm"),)),
        threading.Thread(
            target=act, args=(lambda: conflicts.agree_later(store, conflict.id, PLAN_MONTH + 1, login="plm"),)
        ),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    lost = [o for o in outcomes if isinstance(o, ChangedMeanwhile)]
    assert len(outcomes) == 2 and len(lost) == 1 and "reload" in str(lost[0])
    final = conflicts.conflicts(store)[0]
    assert final.state in (ConflictState.FORCED, ConflictState.LATER_MONTH)
    assert [e.action for e in _audit(store, conflict.key)] == [final.state.value, "opened"]


def test_a_key_position_no_mill_can_make_opens_no_conflict(store):
    # D7#1 (key account) is OD 400 mm, beyond every mill: excluded for want of a mill, which
    # no month, force or escalation can cure — so it must not block the month's approval
    from tests.plants import deal, position

    conflict_plant(store)
    with store.unit_of_work() as repo:
        repo.plant.upsert_portfolio(
            {"Key Co": True},
            [deal("D7", "Key Co")],
            [position("D7", 1, "20", 50, 45_000, od_mm=400.0)],
            "test",
            "fixture",
        )
    [outcome] = planning.plan(store, PLAN_MONTH, login="plm", first_horizon=1)
    assert any(
        e.position_ref == "D7#1" and e.reason_code == "no_compatible_mill" for e in outcome.assignment.exclusions
    )
    assert {c.position_ref for c in conflicts.conflicts(store)} == {"D6#1"}


def test_a_later_month_agreed_in_russian_names_the_month_as_russian_does(short, russian):
    store, _, conflict = short
    with pytest.raises(InvalidInput) as refused:
        conflicts.agree_later(store, conflict.id, PLAN_MONTH, login="plm")
    assert month_text(PLAN_MONTH) in str(refused.value) and str(PLAN_MONTH) not in str(refused.value)
    agreed = conflicts.agree_later(store, conflict.id, PLAN_MONTH + 1, login="plm")
    assert month_text(PLAN_MONTH + 1) in agreed.resolution and str(PLAN_MONTH + 1) not in agreed.resolution
