"""Capable-to-promise on the hand-checkable plants of tests/horizon_plant.py and
tests/promise_plant.py: the requested month met on free hours (earlier, and said), by
displacing positions that are not key accounts (each with its lateness, the margin net of
it) or not, then the earliest month; a line full to the kilogram; what is displaced; that
no solver id reaches a message; and that nothing is saved."""

from __future__ import annotations

import re
import time
from decimal import Decimal

import pytest
import sqlalchemy as sa

from millplan.core.domain.errors import MillplanError, StateError
from millplan.core.planning import capacity, displacement, promise, promise_search
from millplan.core.planning import run as planning
from millplan.core.planning.options import MonthLock
from millplan.core.views import promise as promise_views
from millplan.core.workflow import assignments
from millplan.solver import prioritiser
from millplan.storage.store import Store
from tests.busy_plant import OPTIONS as BUSY_OPTIONS
from tests.busy_plant import busy_plant
from tests.horizon_plant import horizon_plant
from tests.plants import PLAN_MONTH, position
from tests.promise_plant import due, one_mill


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
    # out of the horizon: its 20 000 RUB/t are lost, and no lateness is charged on top
    assert (pushed.out_tonnes, pushed.margin_lost, pushed.late_tonne_months) == (
        pytest.approx(200),
        Decimal("4000000.00"),
        0,
    )
    assert answer.margin_change == Decimal("2000000.00")  # 200 t × 30 000 − 4 000 000 RUB


def test_a_position_typed_in_by_hand_and_one_no_mill_can_make(store):
    small = promise.promise_position(
        store,
        product_line="L",
        od_mm=200,
        wall_mm=10,
        steel_grade="09Г2С",
        standard="ГОСТ 8732",
        tonnes=150,
        price=Decimal(40_000),
        metal_cost=Decimal(30_000),
        month=PLAN_MONTH,
        horizon=2,
    )
    # M2 is idle in m0 (its only grade-09Г2С work, B#1, is on M1 in m1): 150 t there now
    assert small.earliest == PLAN_MONTH and small.displaced == ()
    assert small.margin_change == Decimal("1350000.00")  # 150 t × (40 000 − 30 000 − 1 000)
    odd = promise.promise_position(
        store,
        product_line="L",
        od_mm=500,
        wall_mm=10,
        steel_grade="20",
        standard="ГОСТ 8732",
        tonnes=10,
        price=Decimal(40_000),
        metal_cost=Decimal(30_000),
        month=PLAN_MONTH,
    )
    assert odd.earliest is None
    assert odd.unplaceable == (
        "typed position (no compatible mill: M1: OD 500 mm outside 100–300 mm; M2: OD 500 mm outside 100–300 mm)",
    )


def _snapshot(store: Store) -> dict[str, int]:
    with store.engine.connect() as connection:
        tables = sa.inspect(connection).get_table_names()
        return {t: connection.execute(sa.text(f'SELECT COUNT(*) FROM "{t}"')).scalar_one() for t in tables}


def test_a_promise_saves_nothing(store):
    before = _snapshot(store)
    with store.unit_of_work() as repo:
        version = repo.assignments.assignment(PLAN_MONTH, "L").version
    promise.promise_deal(store, "P", month=PLAN_MONTH, horizon=2)
    assert _snapshot(store) == before
    with store.unit_of_work() as repo:
        assert repo.assignments.assignment(PLAN_MONTH, "L").version == version
        assert repo.plant.deal("P").status.value == "pending"


def test_a_deal_with_nothing_left_is_refused(store):
    with store.unit_of_work() as repo:
        repo.session.execute(sa.text("UPDATE positions SET tonnes_produced = tonnes_ordered"))
    with pytest.raises(StateError, match="deal P has nothing left to make"):
        promise.promise_deal(store, "P", month=PLAN_MONTH)


def test_month_locks_beyond_the_promise_horizon_do_not_stop_it(store):
    planning.plan(
        store, PLAN_MONTH, login="plm", options={"locks": (MonthLock("B#1", "M2", PLAN_MONTH + 1),)}, first_horizon=1
    )
    answer = promise.promise_deal(store, "P", month=PLAN_MONTH, horizon=1)
    assert answer.made == pytest.approx(200)


def test_displaced_names_the_month_tonnes_leave_and_the_month_they_go_to():
    from types import SimpleNamespace

    from millplan.solver.problem import Demand, Option, Problem, Solution

    def attrs(ref: str) -> SimpleNamespace:
        return SimpleNamespace(
            position=SimpleNamespace(
                ref=ref, deal_number=ref[0], is_key_account=ref == "E#1", sales_manager="Иванов А. С."
            )
        )

    option = (Option(1, 0.1, 1000.0),)
    problem = Problem(
        (
            Demand(1, 100, False, option, due=0),
            Demand(2, 50, False, option, due=2),
            Demand(3, 10, False, option, due=0),
        ),
        {(1, p): 100.0 for p in range(3)},
    )
    before = Solution("optimal", "highs", 0.0, tonnes={(1, 1, 0): 100.0, (2, 1, 2): 50.0, (3, 1, 0): 10.0})
    # D#1: 40 t go from m0 to m1 (late); D#2: made nowhere now (out); D#3 untouched
    after = Solution("optimal", "highs", 0.0, tonnes={(1, 1, 0): 60.0, (1, 1, 1): 40.0, (3, 1, 0): 10.0})
    # the current plan the user sees: D#1 in m0, E#1 in m1 (a plan of one month less)
    planned = {1: PLAN_MONTH, 2: PLAN_MONTH + 1}
    found = displacement.displaced_positions(
        {1: attrs("D#1"), 2: attrs("E#1"), 3: attrs("F#1")}, problem, before, after, PLAN_MONTH, planned
    )
    # D#1's 40 t a month late: 40 t·month at the default 3 000 RUB; E#1's out: its 50 t ×
    # 1 000 RUB/t lost, no lateness
    assert [
        (
            d.position,
            d.key_account,
            d.tonnes,
            d.before,
            d.after,
            d.late_tonne_months,
            d.lateness_penalty,
            d.out_tonnes,
            d.margin_lost,
        )
        for d in found
    ] == [
        ("D#1", False, pytest.approx(40), PLAN_MONTH, PLAN_MONTH + 1, pytest.approx(40), Decimal("120000.00"), 0, 0),
        ("E#1", True, pytest.approx(50), PLAN_MONTH + 1, None, 0, 0, pytest.approx(50), Decimal("50000.00")),
    ]


FULL_TO_THE_KG = 3.333337
"""t/h at which M1's 100 h hold 333.3337 t: a full month's line is reported as 333.334 t."""


def test_a_line_full_to_the_kilogram_still_answers(sqlite_store):
    # M1 at 3.333337 t/h holds 333.3337 t in its 100 h. A#1 (400 t, due m0) fills m0 —
    # reported as 333.334 t, 0.00009 h more than m0 has once that line is held as
    # reported — and makes its other 66.6663 t late in m1. P#1's 50 t, wanted in m1, fit
    # in m1's free hours: the requested month is met, nothing displaced.
    one_mill(
        sqlite_store,
        [position("A", 1, "20", 400, 51_000), position("P", 1, "20", 50, 61_000, **due(PLAN_MONTH + 1))],
        norm=FULL_TO_THE_KG,
    )
    answer = promise.promise_deal(sqlite_store, "P", month=PLAN_MONTH, horizon=2)
    assert (answer.requested, answer.earliest, answer.meets_request, answer.on_free_hours) == (
        PLAN_MONTH + 1,
        PLAN_MONTH + 1,
        True,
        True,
    )
    assert answer.by_month == {PLAN_MONTH + 1: pytest.approx(50)} and answer.displaced == ()
    assert answer.margin_change == Decimal("1500000.00")  # 50 t × 30 000 RUB/t


def test_a_replan_keeps_locks_on_a_line_full_to_the_kilogram(sqlite_store):
    # the same full m0, its line locked as stored (to the kg) and planned again
    one_mill(sqlite_store, [position("A", 1, "20", 400, 51_000)], norm=FULL_TO_THE_KG)
    assignments.set_locked(sqlite_store, PLAN_MONTH, "L", "A#1", True, login="plm")
    again = planning.plan(sqlite_store, PLAN_MONTH, login="plm", first_horizon=1)
    assert [(l.position_ref, l.tonnes, l.locked) for l in again[0].assignment.lines] == [("A#1", 333.334, True)]


def test_earlier_than_requested_only_on_free_hours(sqlite_store):
    # m0: A#1 800 t, m1: B#1 900 t, m2: C#1 1 000 t, each on time; P#1 300 t wanted in m2
    # (full). The hours left free: 200 t in m0, 100 t in m1 — all 300 t by m1, earlier
    # than asked, and nobody on time moves (taking m0 for all of P#1 would push A#1 late).
    one_mill(
        sqlite_store,
        [
            position("A", 1, "20", 800, 51_000),
            position("B", 1, "20", 900, 51_000, **due(PLAN_MONTH + 1)),
            position("C", 1, "20", 1000, 51_000, **due(PLAN_MONTH + 2)),
            position("P", 1, "20", 300, 61_000, **due(PLAN_MONTH + 2)),
        ],
        horizon=3,
    )
    answer = promise.promise_deal(sqlite_store, "P", month=PLAN_MONTH, horizon=3)
    assert (answer.requested, answer.earliest, answer.on_free_hours, answer.meets_request) == (
        PLAN_MONTH + 2,
        PLAN_MONTH + 1,
        True,
        True,
    )
    assert answer.by_month == {PLAN_MONTH: pytest.approx(200), PLAN_MONTH + 1: pytest.approx(100)}
    assert answer.displaced == () and answer.lateness_penalty == 0
    assert answer.margin_change == Decimal("9000000.00")  # 300 t × 30 000 RUB/t
    text = promise_views.promise_text(answer)
    assert f"by {PLAN_MONTH + 1}, earlier than the requested {PLAN_MONTH + 2}" in text and "nothing displaced" in text


def test_the_requested_month_met_by_displacing_others_net_of_their_lateness(sqlite_store):
    # m0: K#1 (key) 600 t + A#1 400 t (20 000 RUB/t) fill M1; m1: B#1 800 t (10 000 RUB/t).
    # P#1 300 t (30 000 RUB/t) wanted in m0: K#1 is held, so 300 t of A#1 go to m1
    # (17 000 RUB/t late, better than B#1's 10 000), pushing 100 t of B#1 out of the
    # two months. Change: 300 × 30 000 − 300 t·month × 3 000 − 100 × 10 000
    # = 9 000 000 − 900 000 − 1 000 000 = 7 100 000 RUB.
    one_mill(
        sqlite_store,
        [
            position("K", 1, "20", 600, 41_000),
            position("A", 1, "20", 400, 51_000),
            position("B", 1, "20", 800, 41_000, **due(PLAN_MONTH + 1)),
            position("P", 1, "20", 300, 61_000),
        ],
    )
    answer = promise.promise_deal(sqlite_store, "P", month=PLAN_MONTH, horizon=2)
    assert (answer.earliest, answer.meets_request, answer.on_free_hours) == (PLAN_MONTH, True, False)
    assert answer.by_month == {PLAN_MONTH: pytest.approx(300)}
    a, b = answer.displaced
    assert (a.position, a.key_account, a.sales_manager, a.before, a.after) == (
        "A#1",
        False,
        "Иванов А. С.",
        PLAN_MONTH,
        PLAN_MONTH + 1,
    )
    assert (
        a.tonnes == pytest.approx(300)
        and a.late_tonne_months == pytest.approx(300)
        and a.lateness_penalty == Decimal("900000.00")
    )
    assert (b.position, b.key_account, b.sales_manager, b.before, b.after) == (
        "B#1",
        False,
        "Петров П. П.",
        PLAN_MONTH + 1,
        None,
    )
    assert b.tonnes == pytest.approx(100) and b.lateness_penalty == 0
    assert (b.out_tonnes, b.margin_lost) == (pytest.approx(100), Decimal("1000000.00"))
    assert (answer.lateness_penalty, answer.margin_lost) == (Decimal("900000.00"), Decimal("1000000.00"))
    assert answer.margin_change == Decimal("7100000.00")
    rows = promise_views.displaced_view(answer).rows
    assert [
        (r["position"], r["key_account"], r["sales_manager"], r["after"], r["penalty"], r["lost"]) for r in rows
    ] == [
        ("A#1", False, "Иванов А. С.", PLAN_MONTH + 1, Decimal("900000.00"), 0),
        ("B#1", False, "Петров П. П.", "out of the horizon", 0, Decimal("1000000.00")),
    ]
    assert (
        "net of 900 000 RUB of lateness caused and 1 000 000 RUB of marginal income of 100.0 t pushed out of the horizon"
        in (promise_views.promise_text(answer))
    )
    assert answer.margin_loss is None and "warning" not in promise_views.promise_text(answer)


def test_tonnes_late_already_and_pushed_out_lose_their_margin_net_of_that_lateness(sqlite_store):
    # m0: K#1 (key) 1 000 t fills M1; A#1 (20 000 RUB/t, due m0) is made in m1, a month
    # late: 17 000 RUB/t after the 3 000 RUB penalty. P#1 800 t (30 000 RUB/t) wanted in
    # m1: free hours hold none, so 800 t of A#1 are pushed out of the two months. Listed:
    # 800 t out, 800 × 17 000 = 13 600 000 RUB lost, no lateness caused (A#1's 200 t left
    # stay one month late, as planned). Change: 800 × 30 000 − 13 600 000 = 10 400 000 RUB.
    one_mill(
        sqlite_store,
        [
            position("K", 1, "20", 1000, 41_000),
            position("A", 1, "20", 1000, 51_000),
            position("P", 1, "20", 800, 61_000, **due(PLAN_MONTH + 1)),
        ],
    )
    answer = promise.promise_deal(sqlite_store, "P", month=PLAN_MONTH, horizon=2)
    assert (answer.earliest, answer.meets_request, answer.on_free_hours) == (PLAN_MONTH + 1, True, False)
    [a] = answer.displaced
    assert (a.position, a.before, a.after, a.late_tonne_months, a.lateness_penalty) == (
        "A#1",
        PLAN_MONTH + 1,
        None,
        0,
        0,
    )
    assert (a.tonnes, a.out_tonnes, a.margin_lost) == (pytest.approx(800), pytest.approx(800), Decimal("13600000.00"))
    assert (answer.lateness_penalty, answer.margin_lost) == (0, Decimal("13600000.00"))
    assert answer.margin_change == Decimal("10400000.00") == 800 * 30_000 - answer.lateness_penalty - answer.margin_lost


def test_before_is_where_the_saved_plan_has_a_position_not_the_promises_wider_plan(sqlite_store):
    # Saved plan: one month (m0), filled by K#1 (key, 1 000 t); A#1 (500 t, due m0) is not
    # in it. P#1 (800 t) is wanted in m1, so the promise plans two months: there A#1 would
    # be made in m1, but the planner's plan does not have it — "not planned", not m1. P#1
    # pushes 300 t of A#1 (17 000 RUB/t in m1) out: 800 × 30 000 − 300 × 17 000.
    one_mill(
        sqlite_store,
        [
            position("K", 1, "20", 1000, 41_000),
            position("A", 1, "20", 500, 51_000),
            position("P", 1, "20", 800, 61_000, **due(PLAN_MONTH + 1)),
        ],
        horizon=1,
    )
    answer = promise.promise_deal(sqlite_store, "P", month=PLAN_MONTH, horizon=1)
    assert (answer.horizon, answer.earliest) == (2, PLAN_MONTH + 1)
    [a] = answer.displaced
    assert (a.position, a.before, a.after, a.out_tonnes, a.margin_lost) == (
        "A#1",
        None,
        None,
        pytest.approx(300),
        Decimal("5100000.00"),
    )
    assert answer.margin_change == Decimal("18900000.00")
    [row] = promise_views.displaced_view(answer).rows
    assert (row["before"], row["after"]) == ("not planned", "out of the horizon")


def test_a_promise_that_loses_money_says_so(sqlite_store):
    # A#1 (20 000 RUB/t) fills m0; P#1 300 t at 1 000 RUB/t wanted in m0 pushes 300 t of
    # A#1 out of the one-month horizon: 300 × 1 000 − 300 × 20 000 = −5 700 000 RUB.
    one_mill(sqlite_store, [position("A", 1, "20", 1000, 51_000), position("P", 1, "20", 300, 32_000)], horizon=1)
    answer = promise.promise_deal(sqlite_store, "P", month=PLAN_MONTH, horizon=1)
    assert answer.meets_request
    assert (answer.margin_change, answer.margin_loss) == (Decimal("-5700000.00"), Decimal("5700000.00"))
    text = promise_views.promise_text(answer)
    assert f"the requested {PLAN_MONTH} can be met" in text
    assert "warning: accepting it would lower the plant's marginal income by 5 700 000 RUB" in text


def test_free_hours_before_the_requested_month_are_kept_and_only_that_month_displaces(sqlite_store):
    # m0: B#1 900 t (on time), 100 t free; m1: A#1 1 000 t (on time); m2 free. P#1's 300 t,
    # wanted in m1: 100 t on m0's free hours, 200 t in m1 pushing 200 t of A#1 into m2 —
    # B#1, on time in m0, is not touched to make P#1 earlier than asked.
    # Change: 300 × 30 000 − 200 t·month × 3 000 = 8 400 000 RUB.
    one_mill(
        sqlite_store,
        [
            position("B", 1, "20", 900, 51_000),
            position("A", 1, "20", 1000, 51_000, **due(PLAN_MONTH + 1)),
            position("P", 1, "20", 300, 61_000, **due(PLAN_MONTH + 1)),
        ],
        horizon=3,
    )
    answer = promise.promise_deal(sqlite_store, "P", month=PLAN_MONTH, horizon=3)
    assert (answer.earliest, answer.meets_request, answer.on_free_hours) == (PLAN_MONTH + 1, True, False)
    assert answer.by_month == {PLAN_MONTH: pytest.approx(100), PLAN_MONTH + 1: pytest.approx(200)}
    [a] = answer.displaced
    assert (a.position, a.before, a.after, a.late_tonne_months) == (
        "A#1",
        PLAN_MONTH + 1,
        PLAN_MONTH + 2,
        pytest.approx(200),
    )
    assert answer.margin_change == Decimal("8400000.00")


def test_a_requested_month_that_cannot_be_met_gives_the_earliest_that_can(sqlite_store):
    # key accounts fill m0 (K#1 1 000 t) and 900 t of m1 (K#2): P#1's 400 t, wanted in
    # m0, get 100 t by m1 and the rest in m2, which is free
    one_mill(
        sqlite_store,
        [
            position("K", 1, "20", 1000, 41_000),
            position("K", 2, "20", 900, 41_000, **due(PLAN_MONTH + 1)),
            position("P", 1, "20", 400, 61_000),
        ],
        horizon=3,
    )
    answer = promise.promise_deal(sqlite_store, "P", month=PLAN_MONTH, horizon=3)
    assert (answer.requested, answer.meets_request, answer.earliest) == (PLAN_MONTH, False, PLAN_MONTH + 2)
    assert sum(answer.by_month.values()) == pytest.approx(400) and PLAN_MONTH not in answer.by_month
    assert answer.displaced == ()
    assert (
        f"the requested {PLAN_MONTH} cannot be met; the earliest month for all 400.0 t is {PLAN_MONTH + 2}"
        in promise_views.promise_text(answer)
    )


def test_a_plan_with_no_solution_is_told_in_positions_mills_and_months(sqlite_store):
    # A#1's 400 t locked on M1 in m0, then M1's hours there cut to 20 h (200 t)
    one_mill(sqlite_store, [position("A", 1, "20", 400, 51_000), position("P", 1, "20", 100, 61_000)])
    assignments.set_locked(sqlite_store, PLAN_MONTH, "L", "A#1", True, login="plm")
    capacity.set_hours(sqlite_store, "M1", PLAN_MONTH, 20, login="pp", reason="repair")
    with pytest.raises(StateError) as raised:
        promise.promise_deal(sqlite_store, "P", month=PLAN_MONTH)
    message = str(raised.value)
    assert "A#1" in message and f"M1 in {PLAN_MONTH}" in message and "need at least 40.0 h" in message
    assert not re.search(r"\b(demands?|mills?|period) \d", message), message


def _solves(monkeypatch) -> list:
    """The problems the prioritiser is asked to plan from now on."""
    asked, real = [], prioritiser.solve
    monkeypatch.setattr(prioritiser, "solve", lambda problem, *a, **k: asked.append(problem) or real(problem, *a, **k))
    return asked


BOOKED = {
    # free hours: none in m0, 100 t in m1, 900 t in m2 — exactly P#1's 1 000 t by m2, wanted
    # in m3. Month by month: the baseline, m3, then m0, m1 and m2. Bounded: the baseline,
    # m3 and m2 (m0 and m1 hold 100 t at most).
    "free hours two months on": (
        [
            position("A", 1, "20", 1000, 51_000),
            position("B", 1, "20", 900, 51_000, **due(PLAN_MONTH + 1)),
            position("C", 1, "20", 100, 51_000, **due(PLAN_MONTH + 2)),
            position("P", 1, "20", 1000, 61_000, **due(PLAN_MONTH + 3)),
        ],
        4,
        PLAN_MONTH + 2,
        5,
        3,
    ),
    # key accounts fill m0 and 900 t of m1 (held): P#1's 1 100 t, wanted in m0, just fit by
    # m2. Month by month: the baseline, free hours by m0, then with them in m0, m1, m2, and
    # without them in m2 only (the month found). Bounded: the baseline, with and without
    # them in m2.
    "held by key accounts": (
        [
            position("K", 1, "20", 1000, 41_000),
            position("K", 2, "20", 900, 41_000, **due(PLAN_MONTH + 1)),
            position("P", 1, "20", 1100, 61_000),
        ],
        4,
        PLAN_MONTH + 2,
        6,
        3,
    ),
    # the same within two months: no month holds all of it, the plan of the last is told
    "not within the horizon": (
        [
            position("K", 1, "20", 1000, 41_000),
            position("K", 2, "20", 900, 41_000, **due(PLAN_MONTH + 1)),
            position("P", 1, "20", 400, 61_000),
        ],
        2,
        None,
        5,
        3,
    ),
    # m0 full of A#1 (not key): P#1 displaces it in m0. Month by month: the baseline, free
    # hours by m0 and with them in m0 (without them: the baseline). Bounded: m0 has no
    # free hour, so only the baseline and with them in m0, whose hours A#1 may give up
    "displacing in the month": (
        [position("A", 1, "20", 1000, 51_000), position("P", 1, "20", 300, 61_000)],
        2,
        PLAN_MONTH,
        3,
        2,
    ),
}


@pytest.mark.parametrize("case", BOOKED)
def test_months_the_hours_cannot_hold_are_passed_over_unsolved_with_the_same_answer(sqlite_store, monkeypatch, case):
    positions, horizon, earliest, month_by_month, bounded = BOOKED[case]
    one_mill(sqlite_store, positions, horizon=horizon)
    asked = _solves(monkeypatch)
    fast = promise.promise_deal(sqlite_store, "P", month=PLAN_MONTH, horizon=horizon)
    solved_fast = len(asked)
    with monkeypatch.context() as unbounded:  # every month solved, as if the hours held anything
        unbounded.setattr(promise_search._Line, "most_by", lambda self, demands, first, last: float("inf"))
        slow = promise.promise_deal(sqlite_store, "P", month=PLAN_MONTH, horizon=horizon)
    assert fast.earliest == earliest
    assert fast == slow
    assert (solved_fast, len(asked) - solved_fast) == (bounded, month_by_month)


def test_a_promise_cut_short_by_its_time_limit_fails_rather_than_answer_from_an_unproven_plan(sqlite_store):
    busy_plant(sqlite_store)  # whole positions: no solver proves its plan best within seconds
    planning.plan(sqlite_store, PLAN_MONTH, login="plm", options={**BUSY_OPTIONS, "time_limit": 1.0}, first_horizon=1)
    started = time.monotonic()
    with pytest.raises(MillplanError, match=r"no answer within 1 s: promise with a longer time limit \(--time-limit\)"):
        promise.promise_deal(sqlite_store, "A0", month=PLAN_MONTH, time_limit=1.0)
    assert time.monotonic() - started < 10  # one limit for all its solves, not one each
