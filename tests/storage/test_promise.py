"""Capable-to-promise on the hand-checkable plant of tests/horizon_plant.py: the earliest
month, what the new deal displaces, the change in marginal income, and that nothing is
saved."""

from __future__ import annotations

from decimal import Decimal

import pytest
import sqlalchemy as sa

from core import planning, promise
from core.errors import StateError
from core.horizon import MonthLock
from storage.store import Store
from tests.horizon_plant import horizon_plant
from tests.plants import PLAN_MONTH


@pytest.fixture
def store(sqlite_store: Store) -> Store:
    horizon_plant(sqlite_store)
    planning.plan(sqlite_store, PLAN_MONTH, login="plm", options={"horizon": 2})
    return sqlite_store


def test_deal_is_promised_for_the_first_month_that_holds_all_its_tonnes(store):
    # P#1: 700 t, only on M1. In m0 M1 has 200 t left beside K#1's 800 t (held: a key
    # account), so m0 cannot hold it; by m1 it can: 700 t in m1. A#1 keeps its 200 t in m0
    # (on time) and its 200 t in m1; B#1 (500 t, due m1) moves from M1 to M2 (750 t in
    # m1), at the same 5 000 RUB/t: nothing is pushed back or out.
    answer = promise.promise_deal(store, "P", month=PLAN_MONTH, horizon=2)
    assert answer.earliest == PLAN_MONTH + 1
    assert answer.tonnes == 700 and answer.by_month == {PLAN_MONTH + 1: pytest.approx(700)}
    assert answer.displaced == ()
    assert answer.margin_change == Decimal("21000000.00")  # 700 t × 30 000 RUB/t


def test_key_accounts_are_never_moved_so_one_month_is_not_enough(store):
    answer = promise.promise_deal(store, "P", month=PLAN_MONTH, horizon=1)
    assert answer.earliest is None
    assert answer.made == pytest.approx(200)  # all that K#1 (800 t, key) leaves of M1's 1 000 t
    # A#1's 200 t in m0 give way (K#1 is held), out of the one-month horizon
    [pushed] = answer.displaced
    assert (pushed.position, pushed.deal, pushed.sales_manager) == ("A#1", "A", "Иванов А. С.")
    assert pushed.tonnes == pytest.approx(200) and (pushed.before, pushed.after) == (PLAN_MONTH, None)
    assert answer.margin_change == Decimal("2000000.00")  # 200 t × (30 000 − 20 000) RUB/t


def test_a_position_typed_in_by_hand_and_one_no_mill_can_make(store):
    small = promise.promise_position(
        store, product_line="L", od_mm=200, wall_mm=10, steel_grade="09Г2С", standard="ГОСТ 8732",
        tonnes=150, price=Decimal(40_000), metal_cost=Decimal(30_000), month=PLAN_MONTH, horizon=2,
    )
    # M2 is idle in m0 (its only grade-09Г2С work, B#1, is on M1 in m1): 150 t there now
    assert small.earliest == PLAN_MONTH and small.displaced == ()
    assert small.margin_change == Decimal("1350000.00")  # 150 t × (40 000 − 30 000 − 1 000)
    odd = promise.promise_position(
        store, product_line="L", od_mm=500, wall_mm=10, steel_grade="20", standard="ГОСТ 8732",
        tonnes=10, price=Decimal(40_000), metal_cost=Decimal(30_000), month=PLAN_MONTH,
    )
    assert odd.earliest is None
    assert odd.unplaceable == ("typed position (no compatible mill: M1: OD 500 mm outside 100–300 mm; M2: OD 500 mm outside 100–300 mm)",)


def _snapshot(store: Store) -> dict[str, int]:
    with store.engine.connect() as connection:
        tables = sa.inspect(connection).get_table_names()
        return {t: connection.execute(sa.text(f'SELECT COUNT(*) FROM "{t}"')).scalar_one() for t in tables}


def test_a_promise_saves_nothing(store):
    before = _snapshot(store)
    with store.unit_of_work() as repo:
        version = repo.assignment(PLAN_MONTH, "L").version
    promise.promise_deal(store, "P", month=PLAN_MONTH, horizon=2)
    assert _snapshot(store) == before
    with store.unit_of_work() as repo:
        assert repo.assignment(PLAN_MONTH, "L").version == version
        assert repo.deal("P").status.value == "pending"


def test_a_deal_with_nothing_left_is_refused(store):
    with store.unit_of_work() as repo:
        repo.session.execute(sa.text("UPDATE positions SET tonnes_produced = tonnes_ordered"))
    with pytest.raises(StateError, match="deal P has nothing left to make"):
        promise.promise_deal(store, "P", month=PLAN_MONTH)


def test_month_locks_beyond_the_promise_horizon_do_not_stop_it(store):
    planning.plan(store, PLAN_MONTH, login="plm", options={"locks": (MonthLock("B#1", "M2", PLAN_MONTH + 1),)})
    answer = promise.promise_deal(store, "P", month=PLAN_MONTH, horizon=1)
    assert answer.made == pytest.approx(200)


def test_displaced_names_the_month_tonnes_leave_and_the_month_they_go_to():
    from types import SimpleNamespace

    from solver.problem import Demand, Option, Problem, Solution

    def attrs(ref: str) -> SimpleNamespace:
        return SimpleNamespace(position=SimpleNamespace(ref=ref, deal_number=ref[0], sales_manager="Иванов А. С."))

    option = (Option(1, 0.1, 1000.0),)
    problem = Problem(
        (Demand(1, 100, False, option, due=0), Demand(2, 50, False, option, due=2), Demand(3, 10, False, option, due=0)),
        {(1, p): 100.0 for p in range(3)},
    )
    before = Solution("optimal", "highs", 0.0, tonnes={(1, 1, 0): 100.0, (2, 1, 2): 50.0, (3, 1, 0): 10.0})
    # D#1: 40 t go from m0 to m1 (late); D#2: made nowhere now (out); D#3 untouched
    after = Solution("optimal", "highs", 0.0, tonnes={(1, 1, 0): 60.0, (1, 1, 1): 40.0, (3, 1, 0): 10.0})
    found = promise._displaced({1: attrs("D#1"), 2: attrs("E#1"), 3: attrs("F#1")}, problem, before, after, PLAN_MONTH)
    assert [(d.position, d.tonnes, d.before, d.after) for d in found] == [
        ("D#1", pytest.approx(40), PLAN_MONTH, PLAN_MONTH + 1),
        ("E#1", pytest.approx(50), PLAN_MONTH + 2, None),
    ]
