"""The month in progress without a store: days and hours left, made lines merged with the
solver's and taken off the approved revision."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from millplan.core.domain.assignment import Assignment, AssignmentLine, AssignmentState
from millplan.core.domain.months import Month
from millplan.core.domain.plant import Mill, Plant
from millplan.core.planning.progress import days_left, hours_left, hours_used, less_made, with_made

APRIL = Month(2027, 4)
M1 = Mill(
    id=1,
    code="M1",
    name="Mill M1",
    shop="S",
    product_line="L",
    product_type="",
    od_min_mm=100,
    od_max_mm=300,
    wall_min_mm=5,
    wall_max_mm=20,
    steel_grades=("20",),
    standards=("ГОСТ 8732",),
    speed_m_per_h=100,
    nominal_hours=300,
    conversion_cost=Decimal(1000),
)
PLANT = Plant((M1,), {("M1", APRIL): 240.0})


def line(ref: str, tonnes: float, made: float = 0.0, mill: str = "M1", rate: float = 10.0) -> AssignmentLine:
    pid = int(ref[1])
    return AssignmentLine(pid, ref, mill, tonnes, tonnes / rate, Decimal(tonnes * 1000), False, False, made)


def test_days_left_count_today_and_nothing_of_a_past_month():
    assert days_left(APRIL, date(2027, 4, 1)) == 30
    assert days_left(APRIL, date(2027, 4, 16)) == 15
    assert days_left(APRIL, date(2027, 4, 30)) == 1  # the last day still counts
    assert days_left(APRIL, date(2027, 3, 31)) == 30  # a later month: all of it
    assert days_left(APRIL, date(2027, 5, 1)) == 0  # a past month: none


def test_hours_left_by_calendar_or_by_actuals_never_below_zero():
    # April's calendar gives M1 240 h (not its nominal 300 h): 8 h a day
    assert hours_left(PLANT, M1, APRIL, date(2027, 4, 21), "calendar", used=0) == pytest.approx(80)
    assert hours_left(PLANT, M1, APRIL, date(2027, 4, 21), "actuals", used=100) == pytest.approx(140)
    assert hours_left(PLANT, M1, APRIL, date(2027, 4, 21), "actuals", used=260) == 0


def test_made_lines_merge_with_the_solvers_one_line_per_position_and_mill():
    made = [line("D1#1", 60, 60), line("D2#1", 30, 30)]
    planned = [line("D1#1", 40), line("D3#1", 50)]
    merged = {(l.position_ref, l.mill_code): l for l in with_made(planned, made)}
    assert set(merged) == {("D1#1", "M1"), ("D2#1", "M1"), ("D3#1", "M1")}
    d1 = merged["D1#1", "M1"]
    assert (d1.tonnes, d1.tonnes_made, d1.hours, d1.marginal_income) == (100, 60, 10, Decimal(100_000))
    assert merged["D3#1", "M1"].tonnes_made == 0
    assert hours_used(merged.values()) == pytest.approx({"M1": 9.0})  # 60 t + 30 t at 10 t/h


def test_less_made_leaves_what_is_still_to_make_of_the_approved_lines():
    approved = Assignment(
        1, APRIL, "L", 1, AssignmentState.APPROVED, datetime.now(UTC), "plm", None, None, None, None, None,
        (line("D1#1", 100), line("D2#1", 50)), (), {},
    )  # fmt: skip
    left = {l.position_ref: (l.tonnes, l.hours) for l in less_made(approved, [line("D1#1", 70, 70)]).lines}
    assert left == {"D1#1": (30, 3), "D2#1": (50, 5)}
    assert less_made(approved, []) is approved and less_made(None, [line("D1#1", 1, 1)]) is None
