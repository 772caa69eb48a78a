"""The load monitor's current month, on the April plant of tests/progress_plant.py: booked
from its approved plan less what is made, against the hours left from today; each load
horizon laid from today's remaining hours; and a current month without a plan of its own
books what is due in it and no later plan holds."""

from __future__ import annotations

from datetime import date

import pytest

from millplan.core.domain.months import today_set
from millplan.core.planning import load
from millplan.core.planning import run as planning
from tests.progress_plant import APRIL, TODAY, approve_april, april_plant, write_actuals

MAY = APRIL + 1


def _cell(report, code, month) -> tuple[float, float]:
    cell = report.cells[code, month]
    return round(cell.available_hours, 3), round(cell.booked_hours, 3)


@pytest.mark.both_backends
def test_the_current_month_books_its_approved_plan_less_what_is_made(store):
    april_plant(store)
    approve_april(store)
    with store.reading() as repo:  # approved on the 1st (key account first, then income per hour)
        approved = {(l.position_ref, l.mill_code): l.tonnes for l in repo.assignments.assignment(APRIL, "L").lines}
    assert approved == {("D1#1", "M1"): 1900, ("D1#1", "M2"): 600, ("D2#1", "M1"): 1100}
    before = load.mill_load(store, today=TODAY)  # nothing made yet: the whole plan is still to make
    assert _cell(before, "M1", APRIL) == (150, 300)  # 15 of 30 days left: 150 of M1's 300 h
    write_actuals(store)
    report = load.mill_load(store, today=TODAY)
    # M1: D1#1 (1 900 − 600) + D2#1 (1 100 − 500) = 1 900 t at 10 t/h; M2: D1#1's 600 t at
    # 5 t/h (D3#1's 100 t, made off the plan, book nothing)
    assert _cell(report, "M1", APRIL) == (150, 190)
    assert _cell(report, "M2", APRIL) == (60, 120)
    # D2#1's 100 t the plan left out slip to May on M1 (10 h)
    assert _cell(report, "M1", MAY) == (300, 10)
    # horizons from the 16th: M1 200 h = 150 h of April's days left + 50 h at 300/31 h a day
    # (5.2 → 6 May days); M2 120 h = 60 h + 60 h at 120/31 h a day (15.5 → 16 days)
    assert report.horizons["M1"].booked_hours == pytest.approx(200)
    assert (report.horizons["M1"].until, report.horizons["M2"].until) == (date(2027, 5, 6), date(2027, 5, 16))


def test_a_current_month_without_a_plan_books_what_is_due_in_it_and_no_plan_holds(store):
    # Only May is planned (on 16 April): it takes April's tonnes, late, on the mills it
    # chose — 1 900 t of D1#1 on M1 and 600 t on M2, 1 100 t of D2#1 on M1 — and leaves
    # out 100 t of D2#1 and D3#1's 100 t.
    april_plant(store)
    with today_set(TODAY):
        planning.plan(store, MAY, login="plm", first_horizon=1)
    report = load.mill_load(store, today=TODAY)
    # what May's plan holds stays in May, as its assignment says (M1 3 000 t at 10 t/h, M2
    # 600 t at 5 t/h); what no plan holds and is due now is being made now: 200 t on M1 in
    # April — not slipped past May, as it was when the current month showed 0 %
    assert _cell(report, "M1", APRIL) == (150, 20)
    assert _cell(report, "M2", APRIL) == (60, 0)
    assert _cell(report, "M1", MAY) == (300, 300) and _cell(report, "M2", MAY) == (120, 120)
    assert _cell(report, "M1", MAY + 1) == (300, 0)


def test_a_later_plan_keeps_what_is_not_due_yet(store):
    april_plant(store)
    with store.unit_of_work() as repo:  # D2#1 is due in May
        repo.plant.upsert_portfolio(
            {}, [], [{"deal_number": "D2", "position_no": 1, "requested_month": str(MAY)}], "test", "fixture"
        )
    with today_set(TODAY):
        planning.plan(store, MAY, login="plm", first_horizon=1)
    with store.reading() as repo:
        may = {(l.position_ref, l.mill_code): l.tonnes for l in repo.assignments.assignment(MAY, "L").lines}
    assert may == {("D1#1", "M1"): 1900, ("D1#1", "M2"): 600, ("D2#1", "M1"): 1100}
    report = load.mill_load(store, today=TODAY)
    # April: D3#1, due now and left out by May's plan, on M1 (10 h); May: its plan (D1#1 190 h
    # and D2#1 110 h on M1, D1#1 120 h on M2); D2#1's 100 t left out, due in May, slip to June
    assert _cell(report, "M1", APRIL) == (150, 10)
    assert _cell(report, "M2", APRIL) == (60, 0)
    assert _cell(report, "M1", MAY) == (300, 300)
    assert _cell(report, "M1", MAY + 1) == (300, 10)
