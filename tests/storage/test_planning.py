"""Planning through the store: eligibility, the lexicographic optimum, reasons, locks,
exclusions and approval — on SQLite (and PostgreSQL where the dialects differ)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from millplan.core.domain.assignment import AssignmentState
from millplan.core.domain.errors import (
    ChangedMeanwhile,
    InfeasiblePlan,
    InvalidInput,
    MillplanError,
    NotFound,
    StateError,
)
from millplan.core.planning import run as planning
from millplan.core.workflow import assignments
from millplan.solver import prioritiser
from tests.plants import PLAN_MONTH, deal, mill, position, tiny_plant


@pytest.fixture
def planned(store):
    tiny_plant(store)
    [outcome] = planning.plan(store, PLAN_MONTH, login="plm", first_horizon=1)
    return store, outcome


def _tonnes(assignment, ref, mill=None):
    return sum(l.tonnes for l in assignment.lines if l.position_ref == ref and (mill is None or l.mill_code == mill))


@pytest.mark.both_backends
def test_plan_reaches_the_hand_computed_optimum(planned):
    # Key tonnes first: D1#1 (700 t) is planned whole. Then margin: D2#1 (49 000 RUB/t,
    # only on M1) takes what M1 has left; M2 (200 t) goes to D1#1, which earns more there
    # than D3#1 (18 000 vs 8 000 RUB/t). So D1#1: 200 t on M2 + 500 t on M1, D2#1: 500 t
    # on M1 (M1 full at 1 000 t), D3#1 nothing.
    # Margin = 200×18 000 + 500×19 000 + 500×49 000 = 37 600 000 RUB.
    _, outcome = planned
    a = outcome.assignment
    assert outcome.solver_status == "optimal"
    assert _tonnes(a, "D1#1", "M2") == pytest.approx(200)
    assert _tonnes(a, "D1#1", "M1") == pytest.approx(500)
    assert _tonnes(a, "D2#1") == pytest.approx(500)
    assert _tonnes(a, "D3#1") == 0
    assert a.key_account_tonnes == pytest.approx(700)
    assert a.tonnes == pytest.approx(1200)
    assert a.marginal_income == Decimal("37600000.00")
    assert {l.mill_code: round(l.booked_hours, 6) for l in a.mill_loads} == {"M1": 100, "M2": 40}


def test_only_accepted_open_positions_due_by_the_month_are_considered(planned):
    _, outcome = planned
    refs = {l.position_ref for l in outcome.assignment.lines} | {e.position_ref for e in outcome.assignment.exclusions}
    assert "D4#1" not in refs  # deal pending acceptance
    assert "D5#1" not in refs  # requested for February
    assert outcome.considered == 4


def test_each_left_out_position_gets_its_reason(planned):
    _, outcome = planned
    reasons = {e.position_ref: e for e in outcome.assignment.exclusions}
    assert set(reasons) == {"D2#1", "D3#1", "D3#2"}
    assert reasons["D2#1"].tonnes_left_out == pytest.approx(100)
    assert reasons["D2#1"].reason_code == "capacity_key_accounts"  # M1's other tonnes are D1's
    assert reasons["D2#1"].mill_code == "M1"
    # its binding mill-month (below) is M2's, which D1#1's key-account tonnes book
    assert reasons["D3#1"].reason_code == "capacity_key_accounts"
    assert (
        f"capacity fully booked in {PLAN_MONTH}: M2 is booked by key-account positions (40.0 h)"
        in reasons["D3#1"].reason
    )
    # D3#1 earns 9 000 RUB/t × 10 t/h = 90 000 RUB/h on M1; D2#1 there earns 490 000 RUB/h
    assert "490 000 RUB/h" in reasons["D3#1"].reason.replace(",", " ")
    assert "90 000 RUB/h" in reasons["D3#1"].reason.replace(",", " ")
    # the binding mill-month: an M2 hour carries 5 t of D1#1 off M1, freeing half an M1
    # hour for D2#1: 0.5 × 490 000 − 5 t × (19 000 − 18 000) = 240 000 RUB/h
    assert f"M2's hours in {PLAN_MONTH} are worth 240 000 RUB/h" in reasons["D3#1"].reason
    assert "M1 full too" in reasons["D3#1"].reason  # its other mill, named too
    assert reasons["D3#2"].reason_code == "no_compatible_mill"
    assert "OD 400 mm outside 100–300 mm" in reasons["D3#2"].reason


def test_replanning_a_draft_overwrites_it_and_keeps_history_in_the_audit(planned):
    store, first = planned
    [second] = planning.plan(store, PLAN_MONTH, login="plm", first_horizon=1)
    assert second.assignment.revision == first.assignment.revision == 1
    assert second.assignment.id == first.assignment.id
    with store.unit_of_work() as repo:
        actions = [e.action for e in repo.audit.audit_entries(f"{PLAN_MONTH}/L/r1")]
    assert actions == ["replanned", "drafted"]


def test_locked_line_is_kept_by_every_replan(planned):
    store, _ = planned
    assignments.set_locked(store, PLAN_MONTH, "L", "D1#1", True, login="plm")
    [outcome] = planning.plan(store, PLAN_MONTH, login="plm", first_horizon=1)
    locked = [l for l in outcome.assignment.lines if l.locked]
    assert {(l.position_ref, l.mill_code, l.tonnes) for l in locked} == {("D1#1", "M1", 500), ("D1#1", "M2", 200)}


def test_manual_exclusion_survives_replans_until_included(planned):
    store, _ = planned
    a = assignments.set_excluded(store, PLAN_MONTH, "L", "D2#1", True, login="plm", reason="client asked to wait")
    assert _tonnes(a, "D2#1") == 0
    [outcome] = planning.plan(store, PLAN_MONTH, login="plm", first_horizon=1)
    excluded = {e.position_ref: e for e in outcome.assignment.exclusions}
    assert excluded["D2#1"].manual and excluded["D2#1"].reason_code == "manual"
    assert "client asked to wait" in excluded["D2#1"].reason
    # With D2#1 out, M1's 500 t go to D3#1 (100 t); the rest of M1 stays free.
    assert _tonnes(outcome.assignment, "D2#1") == 0
    assert _tonnes(outcome.assignment, "D3#1") == pytest.approx(100)
    assignments.set_excluded(store, PLAN_MONTH, "L", "D2#1", False, login="plm")
    [outcome] = planning.plan(store, PLAN_MONTH, login="plm", first_horizon=1)
    assert _tonnes(outcome.assignment, "D2#1") == pytest.approx(500)


def test_locks_beyond_capacity_are_explained_not_solved(planned):
    store, _ = planned
    assignments.set_locked(store, PLAN_MONTH, "L", "D2#1", True, login="plm")
    assignments.set_locked(store, PLAN_MONTH, "L", "D1#1", True, login="plm")
    with store.unit_of_work() as repo:  # maintenance: M1 loses half its hours
        repo.plant.upsert_capacity([("M1", PLAN_MONTH, 50.0)], "planner", "maintenance")
    with pytest.raises(InfeasiblePlan) as caught:
        planning.plan(store, PLAN_MONTH, login="plm", first_horizon=1)
    message = str(caught.value)
    assert "M1" in message and str(PLAN_MONTH) in message and "D1#1" in message and "D2#1" in message
    assert caught.value.exit_code == 3


@pytest.mark.both_backends
def test_approval_freezes_and_the_next_plan_opens_a_new_revision(planned):
    # the life cycle: approval needs the revision in review; after it, a re-plan opens
    # revision 2 in re-approval (a hand edit does too: see test_lifecycle.py)
    store, _ = planned
    with pytest.raises(StateError, match="submit it for review first"):
        assignments.approve(store, PLAN_MONTH, "L", login="plm")
    assignments.submit(store, PLAN_MONTH, "L", login="plm")
    approved = assignments.approve(store, PLAN_MONTH, "L", login="plm")
    assert approved.state is AssignmentState.APPROVED and approved.approved_by == "plm"
    assert approved.approved_at.tzinfo is not None
    with pytest.raises(StateError):
        assignments.approve(store, PLAN_MONTH, "L", login="plm")
    # (a re-plan with new options; one that changes nothing keeps revision 1: test_lifecycle.py)
    [outcome] = planning.plan(store, PLAN_MONTH, login="plm", options={"horizon": 2})
    assert outcome.assignment.revision == 2 and outcome.assignment.state is AssignmentState.RE_APPROVAL
    first = planning.latest(store, PLAN_MONTH, "L")
    assert first.revision == 2
    with store.unit_of_work() as repo:
        frozen = repo.assignments.assignment(PLAN_MONTH, "L", revision=1)
    assert frozen.state is AssignmentState.APPROVED and len(frozen.lines) == len(approved.lines)


def test_unknown_line_and_unplanned_month_are_named(planned):
    store, _ = planned
    with pytest.raises(NotFound, match="product line XX"):
        planning.plan(store, PLAN_MONTH, login="plm", product_line="XX", first_horizon=1)
    with pytest.raises(NotFound, match=str(PLAN_MONTH + 4)):
        planning.latest(store, PLAN_MONTH + 4, "L")


def test_next_month_plans_only_what_earlier_assignments_left(planned):
    # This month's draft holds D1#1 (700 t) and 500 t of D2#1; next month is left with
    # D2#1's other 100 t, D3#1 (100 t) and D5#1 (100 t, due then) — not a tonne twice.
    store, _ = planned
    assignments.submit(store, PLAN_MONTH, "L", login="plm")
    assignments.approve(store, PLAN_MONTH, "L", login="plm")
    [outcome] = planning.plan(store, PLAN_MONTH + 1, login="plm", first_horizon=1)
    a = outcome.assignment
    assert _tonnes(a, "D1#1") == 0
    assert _tonnes(a, "D2#1") == pytest.approx(100)
    assert _tonnes(a, "D3#1") == pytest.approx(100) and _tonnes(a, "D5#1") == pytest.approx(100)
    assert "D1#1" not in {e.position_ref for e in a.exclusions}


def test_past_months_and_empty_stores_are_refused(store):
    with pytest.raises(NotFound, match="import the mill register first"):
        planning.plan(store, PLAN_MONTH, login="plm", first_horizon=1)
    tiny_plant(store)
    with pytest.raises(MillplanError, match="is past"):
        planning.plan(store, PLAN_MONTH - 2, login="plm", first_horizon=1)
    with pytest.raises(MillplanError, match="unknown solver 'glpk'"):
        planning.plan(store, PLAN_MONTH, login="plm", solver="glpk", first_horizon=1)


@pytest.mark.both_backends
def test_a_line_that_fails_saves_nothing_for_any_line(store):
    tiny_plant(store)
    with store.unit_of_work() as repo:  # a second line whose only mill has a lock it cannot hold
        repo.plant.upsert_mills([mill("N1", ["20"], 10, 1000, product_line="N")], "test", "fixture")
        repo.plant.upsert_portfolio(
            {"Key Co": True},
            [deal("E1", "Key Co")],
            [position("E1", 1, "20", 50, 50_000, product_line="N")],
            "test",
            "fixture",
        )
    planning.plan(store, PLAN_MONTH, login="plm", first_horizon=1)
    assignments.set_locked(store, PLAN_MONTH, "N", "E1#1", True, login="plm")
    with store.unit_of_work() as repo:
        repo.plant.upsert_capacity([("N1", PLAN_MONTH, 0.0)], "planner", "maintenance")
        drafts_before = len(repo.audit.audit_entries())
    with pytest.raises(InfeasiblePlan, match="N1"):
        planning.plan(store, PLAN_MONTH, login="plm", first_horizon=1)
    with store.unit_of_work() as repo:
        assert len(repo.audit.audit_entries()) == drafts_before  # line L was not re-planned either


def test_hand_edits_refuse_what_makes_no_sense(planned):
    store, _ = planned
    with pytest.raises(StateError, match="not excluded by hand"):
        assignments.set_excluded(store, PLAN_MONTH, "L", "D1#1", False, login="plm")  # planned, never excluded
    with pytest.raises(NotFound, match="D4#1 is not in"):
        assignments.set_excluded(store, PLAN_MONTH, "L", "D4#1", True, login="plm", reason="x")  # pending deal
    with pytest.raises(InvalidInput, match="needs a reason"):
        assignments.set_excluded(store, PLAN_MONTH, "L", "D2#1", True, login="plm", reason="  ")
    assignments.set_excluded(store, PLAN_MONTH, "L", "D3#1", True, login="plm", reason="client postponed")
    with pytest.raises(StateError, match="already excluded"):
        assignments.set_excluded(store, PLAN_MONTH, "L", "D3#1", True, login="plm", reason="again")
    with pytest.raises(InvalidInput, match="not a position reference"):
        assignments.set_locked(store, PLAN_MONTH, "L", "garbage", True, login="plm")


def test_a_newer_draft_of_an_approved_month_still_counts_against_the_next(planned):
    # This month is approved, then re-planned into draft revision 2 with D3#1 let in by
    # hand exclusion of D2#1 (500 t freed, D3#1 100 t planned). Planning next month must
    # count D3#1's 100 t in revision 2 as booked — and D2#1's 500 t in revision 1.
    store, _ = planned
    assignments.submit(store, PLAN_MONTH, "L", login="plm")
    assignments.approve(store, PLAN_MONTH, "L", login="plm")
    planning.plan(store, PLAN_MONTH, login="plm", first_horizon=1)
    assignments.set_excluded(store, PLAN_MONTH, "L", "D2#1", True, login="plm", reason="client asked to wait")
    [draft] = planning.plan(store, PLAN_MONTH, login="plm", first_horizon=1)
    assert _tonnes(draft.assignment, "D3#1") == pytest.approx(100)
    [following] = planning.plan(store, PLAN_MONTH + 1, login="plm", first_horizon=1)
    assert _tonnes(following.assignment, "D3#1") == 0  # booked in revision 2
    assert _tonnes(following.assignment, "D2#1") == pytest.approx(100)  # 500 t are in revision 1


@pytest.mark.both_backends
def test_an_edit_made_while_the_solver_ran_is_not_overwritten(planned, monkeypatch):
    store, _ = planned
    solve = prioritiser.solve

    def solve_while_someone_edits(problem, **kwargs):
        assignments.set_excluded(store, PLAN_MONTH, "L", "D3#1", True, login="colleague", reason="customer called")
        return solve(problem, **kwargs)

    monkeypatch.setattr(prioritiser, "solve", solve_while_someone_edits)
    with pytest.raises(ChangedMeanwhile, match="changed by colleague"):
        planning.plan(store, PLAN_MONTH, login="plm", first_horizon=1)
    kept = planning.latest(store, PLAN_MONTH, "L")
    assert [e.position_ref for e in kept.exclusions if e.manual] == ["D3#1"]


def test_a_lock_is_cut_to_what_is_left_to_make(planned):
    store, _ = planned
    assignments.set_locked(store, PLAN_MONTH, "L", "D1#1", True, login="plm")  # 500 t on M1 + 200 t on M2
    with store.unit_of_work() as repo:  # production reports 650 of D1#1's 700 t made
        repo.plant.upsert_portfolio(
            {}, [], [position("D1", 1, "20", 700, 50_000, tonnes_opening=650.0)], "test", "actuals"
        )
    [outcome] = planning.plan(store, PLAN_MONTH, login="plm", first_horizon=1)
    assert _tonnes(outcome.assignment, "D1#1") == pytest.approx(50)  # in proportion: 35.714 t + 14.286 t
    assert _tonnes(outcome.assignment, "D1#1", "M1") == pytest.approx(50 * 500 / 700, abs=0.001)
    assert any("cut from 700.0 t to 50.0 t" in note for note in outcome.notes)


@pytest.mark.both_backends
def test_approval_refuses_stale_changed_or_double_booked_drafts(planned):
    store, first = planned
    seen = (first.assignment.id, first.assignment.version)
    assignments.set_locked(store, PLAN_MONTH, "L", "D1#1", True, login="colleague")
    with pytest.raises(ChangedMeanwhile, match="colleague"):
        assignments.approve(store, PLAN_MONTH, "L", login="plm", seen=seen)
    assignments.set_excluded(store, PLAN_MONTH, "L", "D2#1", True, login="plm", reason="wait")
    assignments.set_excluded(store, PLAN_MONTH, "L", "D2#1", False, login="plm")
    with pytest.raises(StateError, match="let back in since the last plan"):
        assignments.submit(store, PLAN_MONTH, "L", login="plm")
    [replanned] = planning.plan(store, PLAN_MONTH, login="plm", first_horizon=1)
    # next month is planned and approved while this month's draft holds D1#1's 700 t too
    with store.unit_of_work() as repo:  # as if planned before this month's re-plan
        repo.assignments.save_draft(
            PLAN_MONTH + 1,
            "L",
            list(replanned.assignment.lines),
            [],
            login="plm",
            solver_status="optimal",
            solver_name="test",
            solve_seconds=0,
        )
    with pytest.raises(StateError, match="would be made twice"):
        assignments.submit(store, PLAN_MONTH, "L", login="plm")


def test_nothing_to_plan_is_said_not_saved(store):
    tiny_plant(store)
    with store.unit_of_work() as repo:  # every position produced: nothing left to plan
        repo.plant.upsert_portfolio(
            {},
            [],
            [
                position(d, n, "20", t, 50_000, tonnes_opening=t)
                for d, n, t in (("D1", 1, 700), ("D2", 1, 600), ("D3", 1, 100), ("D3", 2, 50), ("D5", 1, 100))
            ],
            "test",
            "actuals",
        )
    with pytest.raises(NotFound, match="nothing to plan"):
        planning.plan(store, PLAN_MONTH, login="plm", first_horizon=1)
    with store.unit_of_work() as repo:
        assert repo.assignments.assignment(PLAN_MONTH, "L") is None
