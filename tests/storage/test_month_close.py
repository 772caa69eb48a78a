"""Closing a month: refused while actuals are missing (naming the days) unless incomplete
with a reason; only a past month, once, by the line's manager or a planner; the carry-over
(planned − made) stored, told once to each sales manager, and due in the next month's plan,
flagged there, with its key-account conflicts; planning a closed month is refused, planning
after an unclosed one warns."""

from __future__ import annotations

from datetime import timedelta

import pytest

from millplan.core.domain.actuals import ActualRecord
from millplan.core.domain.errors import ChangedMeanwhile, Forbidden, InvalidInput, NotFound, StateError
from millplan.core.domain.months import day_ranges, today_set
from millplan.core.domain.people import Role, User
from millplan.core.mail.inbox import inbox
from millplan.core.planning import capacity
from millplan.core.planning import run as planning
from millplan.core.planning.fulfilment import read_lines
from millplan.core.planning.fulfilment_figures import line_figures
from millplan.core.views.assignment import assignment_document, plan_document
from millplan.core.workflow import assignments, month_close, stale_actions
from tests.month_loop import NEXT_MONTH, after_month, approved_month, d1_carry_over, month_days, produce, second_line
from tests.plants import PLAN_MONTH


@pytest.fixture
def produced(store):
    """PLAN_MONTH approved and every day's actuals stored; position ids by reference."""
    ids = approved_month(store)
    produce(store, ids)
    return ids


def _move_requested(store, ref: str, month) -> None:
    """The sales manager moved the position's requested month (a portfolio re-import)."""
    deal, _, no = ref.partition("#")
    with store.unit_of_work() as repo:
        repo.plant.upsert_portfolio(
            {}, [], [{"deal_number": deal, "position_no": int(no), "requested_month": str(month)}], "test", "p.xlsx"
        )


@pytest.mark.both_backends
def test_closing_stores_the_carry_over_planned_less_made_and_freezes_the_figures(store, produced):
    with after_month():
        [closed] = month_close.close_month(store, PLAN_MONTH, login="plm")
    carry = d1_carry_over()
    close = closed.close
    assert (close.month, close.product_line, close.closed_by, close.incomplete) == (PLAN_MONTH, "L", "plm", False)
    assert [(c.position_ref, c.tonnes) for c in close.carry_over] == [("D1#1", carry)]  # D2#1 made in full
    made = 500.0 + 10.0 * (PLAN_MONTH.days - 1)
    figures = close.figures  # the line's plan-vs-actual document (millplan actuals --json), frozen
    assert (figures["month"], figures["product_line"]) == (str(PLAN_MONTH), "L")
    assert (figures["totals"]["planned_t"], figures["totals"]["actual_t"]) == (1200.0, made)
    assert figures["carry_over"] == [{"position": "D1#1", "tonnes": carry}]
    with store.reading() as repo:  # what the month shows from now on is what was frozen
        assert [line_figures(f) for f in read_lines(repo, PLAN_MONTH, "L")] == [figures]
    assert closed.told == ("ivanov",)
    [note] = [n for n in inbox(store, "ivanov") if n.kind == month_close.CARRIED_OVER_KIND]
    assert note.subject == f"D1#1 carried over from {PLAN_MONTH} L into {NEXT_MONTH}"
    with store.reading() as repo:
        assert repo.closes.closed_lines(PLAN_MONTH) == {"L"}
        assert repo.closes.carried_into(NEXT_MONTH, "L") == {produced["D1#1"]: carry}
        entries = repo.audit.audit_entries(f"{PLAN_MONTH} L")
    assert [(e.action, e.login) for e in entries] == [("closed", "plm")]


def test_missing_days_refuse_the_close_and_are_named(store):
    ids = approved_month(store)
    produce(store, ids, skip={1, 2, 3, 17})
    with after_month(), pytest.raises(StateError) as refused:
        month_close.close_month(store, PLAN_MONTH, login="plm")
    missing = [d for d in month_days() if d.day in (1, 2, 3, 17)]
    assert f"L: {day_ranges(missing)}" in str(refused.value)
    assert day_ranges(missing).startswith("1–3, 17 ")
    assert "--incomplete --reason" in str(refused.value)
    with store.reading() as repo:
        assert repo.closes.closes() == []


def test_a_day_counts_when_any_mill_of_the_line_reported(store):
    ids = approved_month(store)
    produce(store, ids, skip={5})
    with store.unit_of_work() as repo:  # day 5 reported on M2 only
        repo.actuals.replace([ActualRecord(month_days()[4], "M2", ids["D1#1"], 3.0)], "planner", "late.csv")
    with after_month():
        [closed] = month_close.close_month(store, PLAN_MONTH, login="planner")
    assert not closed.close.incomplete
    assert closed.close.carry_over[0].tonnes == d1_carry_over(skip={5}) - 3.0


def test_incomplete_needs_a_reason_and_is_kept_with_it(store):
    ids = approved_month(store)
    produce(store, ids, skip={PLAN_MONTH.days})
    with after_month():
        with pytest.raises(InvalidInput, match="needs a reason"):
            month_close.close_month(store, PLAN_MONTH, login="plm", incomplete=True, reason="  ")
        [closed] = month_close.close_month(
            store, PLAN_MONTH, login="plm", incomplete=True, reason="M1's report of the last day is lost"
        )
        [status] = month_close.month_status(store, PLAN_MONTH)
    assert closed.close.incomplete and closed.close.reason == "M1's report of the last day is lost"
    assert status.close is not None and status.close.incomplete
    assert status.missing == (month_days()[-1],)


def test_only_the_lines_manager_or_a_planner_may_close(store, produced):
    with store.unit_of_work() as repo:
        repo.users.save_user(User("kmgr", "K Manager", Role.LINE_MANAGER, ("K",)), by="setup")
    with after_month():
        with pytest.raises(Forbidden, match="product-line manager of L or a production planner"):
            month_close.close_month(store, PLAN_MONTH, login="ivanov")
        with pytest.raises(Forbidden, match="product-line manager of L"):
            month_close.close_month(store, PLAN_MONTH, login="kmgr", product_line="L")
        with pytest.raises(Forbidden):  # none of his lines has mills: the refusal names the first line
            month_close.close_month(store, PLAN_MONTH, login="kmgr")
        [closed] = month_close.close_month(store, PLAN_MONTH, login="planner", product_line="L")
    assert closed.close.closed_by == "planner"
    with store.reading() as repo:
        refused = [e for e in repo.audit.audit_entries() if e.action == "refused"]
    assert {e.login for e in refused} == {"ivanov", "kmgr"}


def test_only_a_past_month_closes_once_with_an_approved_assignment(store, produced):
    with today_set(month_days()[-1]):
        with pytest.raises(StateError, match=f"{PLAN_MONTH} is not over yet"):
            month_close.close_month(store, PLAN_MONTH, login="plm")
    with after_month():
        with pytest.raises(StateError, match="has no approved assignment: there is nothing to compare"):
            month_close.close_month(store, PLAN_MONTH - 1, login="plm", product_line="L")
        with pytest.raises(NotFound, match="product line X has no mills"):
            month_close.close_month(store, PLAN_MONTH, login="plm", product_line="X")
        month_close.close_month(store, PLAN_MONTH, login="plm")
        with pytest.raises(StateError, match=f"{PLAN_MONTH} L was closed by Line Manager at "):
            month_close.close_month(store, PLAN_MONTH, login="planner")


def test_each_sales_manager_is_told_once_listing_his_positions(store):
    ids = approved_month(store)
    produce(store, ids)
    with store.unit_of_work() as repo:  # day 1 again: D2#1 made 450 t, not 500
        repo.actuals.replace([ActualRecord(month_days()[0], "M1", ids["D2#1"], 450.0)], "planner", "fix.csv")
    with after_month():
        [closed] = month_close.close_month(store, PLAN_MONTH, login="plm")
    assert [(c.position_ref, c.tonnes) for c in closed.close.carry_over] == [("D1#1", d1_carry_over()), ("D2#1", 50.0)]
    [note] = [n for n in inbox(store, "ivanov") if n.kind == month_close.CARRIED_OVER_KIND]
    assert [i.ref for i in note.items] == ["D1#1", "D2#1"]
    assert f"carried over from {PLAN_MONTH} L into {NEXT_MONTH}" in note.subject
    assert "• D2#1 Other Co: 50.0 t planned in" in note.body and "Closed by Line Manager" in note.body
    assert not any(n.kind == month_close.CARRIED_OVER_KIND for n in inbox(store, "plm"))  # he closed it
    with store.unit_of_work() as repo:  # the close told again (a retry): nobody hears it twice
        month_close._tell(repo, closed.close, by="plm")
    assert len([n for n in inbox(store, "ivanov") if n.kind == month_close.CARRIED_OVER_KIND]) == 1


def test_the_next_plan_takes_the_carry_over_as_due_and_flags_it(store, produced):
    with after_month():
        month_close.close_month(store, PLAN_MONTH, login="plm")
    # the client asked for D1#1 three months later meanwhile: carried over, it is due now all the same
    _move_requested(store, "D1#1", NEXT_MONTH + 3)
    with after_month():
        [outcome] = planning.plan(store, NEXT_MONTH, login="plm", first_horizon=1)
    plan = outcome.assignment
    d1 = produced["D1#1"]
    assert plan.carried_over == frozenset({d1})
    assert outcome.warnings == []
    assert sum(l.tonnes for l in plan.lines if l.position_id == d1) == pytest.approx(d1_carry_over())
    document = assignment_document(plan)
    assert {l["position"]: l["carried_over"] for l in document["lines"]}["D1#1"] is True
    assert not any(l["carried_over"] for l in document["lines"] if l["position"] != "D1#1")
    assert [l["carried_over"] for l in plan_document([outcome])["lines"] if l["position"] == "D1#1"] == [True]
    with after_month():  # the loop goes on: the next month approves with its carry-over, never made twice
        assignments.submit(store, NEXT_MONTH, "L", login="plm")
        assert assignments.approve(store, NEXT_MONTH, "L", login="plm").carried_over == frozenset({d1})


def test_without_the_close_the_next_plan_warns_and_leaves_the_later_request_out(store, produced):
    _move_requested(store, "D1#1", NEXT_MONTH + 3)
    with after_month():
        [outcome] = planning.plan(store, NEXT_MONTH, login="plm", first_horizon=1)
    assert outcome.warnings == [
        f"{PLAN_MONTH} is not closed for L: its actuals are not final and its carry-over is not in this plan; "
        f"close it with `millplan month close {PLAN_MONTH} --line L`"
    ]
    assert plan_document([outcome])["warnings"] == outcome.warnings
    assert outcome.assignment.carried_over == frozenset()
    assert produced["D1#1"] not in {l.position_id for l in outcome.assignment.lines}


def test_closing_every_line_when_one_misses_days_closes_none_and_names_the_ready_ones(store):
    produce(store, approved_month(store), skip={4, 5, 6})
    second_line(store)
    with after_month(), pytest.raises(StateError) as refused:
        month_close.close_month(store, PLAN_MONTH, login="planner")
    message = str(refused.value)
    assert "L: 4–6 " in message and "K:" not in message
    assert "Nothing was closed (closing several lines is all or nothing); ready to close: K" in message
    assert f"`millplan month close {PLAN_MONTH} --line K`" in message
    with store.reading() as repo:
        assert repo.closes.closed_lines(PLAN_MONTH) == set()
    with after_month():
        [closed] = month_close.close_month(store, PLAN_MONTH, login="planner", product_line="K")
    assert (closed.close.product_line, closed.close.incomplete) == ("K", False)


def test_planning_the_next_month_while_the_month_is_in_progress_does_not_warn(store, produced):
    with today_set(PLAN_MONTH.first_day + timedelta(days=14)):  # PLAN_MONTH cannot close yet: no advice to
        [outcome] = planning.plan(store, NEXT_MONTH, login="plm", first_horizon=1)
    assert outcome.warnings == []
    with after_month():  # once it is over, the same plan warns
        [outcome] = planning.plan(store, NEXT_MONTH, login="plm", first_horizon=1)
    assert [w.split(":")[0] for w in outcome.warnings] == [f"{PLAN_MONTH} is not closed for L"]


def test_a_carried_over_key_position_short_of_the_next_month_gets_its_conflict(store, produced):
    with after_month():
        month_close.close_month(store, PLAN_MONTH, login="plm")
        for mill in ("M1", "M2"):
            capacity.set_hours(store, mill, NEXT_MONTH, 0, login="planner", reason="relining")
    _move_requested(store, "D1#1", NEXT_MONTH + 3)
    with after_month():
        [outcome] = planning.plan(store, NEXT_MONTH, login="plm", first_horizon=1)
    d1 = produced["D1#1"]
    [excluded] = [e for e in outcome.assignment.exclusions if e.position_id == d1]
    assert excluded.tonnes_left_out == pytest.approx(d1_carry_over())
    flags = {e["position"]: e["carried_over"] for e in assignment_document(outcome.assignment)["excluded"]}
    assert flags["D1#1"] is True and not any(flag for ref, flag in flags.items() if ref != "D1#1")
    with store.reading() as repo:
        conflicts = repo.workflow.conflicts(month=NEXT_MONTH, product_line="L")
    [conflict] = [c for c in conflicts if c.position_id == d1]
    assert conflict.tonnes_short == pytest.approx(d1_carry_over())
    news = [n for n in inbox(store, "ivanov") if any(i.kind == "conflict" for i in n.items)]
    assert news and f"short of its requested month {NEXT_MONTH}" in news[0].body


def test_a_closed_month_is_not_planned_again(store, produced):
    with after_month():
        month_close.close_month(store, PLAN_MONTH, login="plm")
        with pytest.raises(StateError, match=rf"{PLAN_MONTH} is closed for L \(by Line Manager at .*\)"):
            planning.plan(store, PLAN_MONTH, login="plm", product_line="L")


def test_status_names_closed_lines_and_days_without_actuals(store):
    ids = approved_month(store)
    produce(store, ids, skip={2})
    with after_month():
        [before] = month_close.month_status(store, PLAN_MONTH)
        assert (before.approved_revision, before.close, before.missing) == (1, None, (month_days()[1],))
        month_close.close_month(store, PLAN_MONTH, login="plm", incomplete=True, reason="day 2 lost")
        [after] = month_close.month_status(store, PLAN_MONTH)
        [current] = month_close.month_status(store, NEXT_MONTH)
    assert after.close is not None and after.close.closed_by == "plm"
    assert current.missing == (NEXT_MONTH.first_day,)  # the month in progress: up to yesterday
    assert current.approved_revision is None


@pytest.mark.both_backends
def test_two_closing_at_once_meet_at_the_store_and_the_second_is_told(store):
    approved_month(store)
    with store.unit_of_work() as repo:
        repo.closes.close(PLAN_MONTH, "L", "plm", figures={}, carry_over={})
    with pytest.raises(ChangedMeanwhile, match=f"{PLAN_MONTH} L was closed by someone else meanwhile"):
        with store.unit_of_work() as repo:  # the other one checked before the first wrote
            repo.closes.close(PLAN_MONTH, "L", "planner", figures={}, carry_over={})
    with store.reading() as repo:
        assert [c.closed_by for c in repo.closes.closes(PLAN_MONTH)] == ["plm"]


def test_a_remainder_cancelled_in_the_stale_ledger_is_not_carried_over_and_nobody_is_told(store, produced):
    with after_month():
        stale_actions.cancel(store, ["D1#1"], login="plm", reason="the client went bankrupt")
        [closed] = month_close.close_month(store, PLAN_MONTH, login="plm")
    assert closed.close.carry_over == () and closed.told == ()
    assert closed.close.figures["carry_over"] == []
    assert not [n for n in inbox(store, "ivanov") if n.kind == month_close.CARRIED_OVER_KIND]
