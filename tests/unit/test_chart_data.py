"""What the charts are handed: one mill's load by month split at capacity with its load
horizon placed on the months' axis (core/views/load.py), and the marginal income each mill
gains or loses in a diff (core/views/diff.py)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from millplan.core.domain.assignment import MillLoad
from millplan.core.domain.months import Month
from millplan.core.planning.diff import MillChange, PositionChange, RevisionDiff
from millplan.core.planning.load import LoadReport, MillHorizon
from millplan.core.views.diff import income_bars, position_income_bars
from millplan.core.views.load import load_bars

JAN = Month(2027, 1)


def report(booked: list[float], until: date | None, available: float = 100.0) -> LoadReport:
    """Mill M1 over three months from January 2027 with ``booked`` h of ``available`` each."""
    months = tuple(JAN.range(3))
    cells = {
        ("M1", m): MillLoad("M1", m, available if i != 2 else 0.0, b) for i, (m, b) in enumerate(zip(months, booked))
    }
    return LoadReport(date(2027, 1, 1), months, (), cells, {"M1": MillHorizon("M1", sum(booked), until)}, 0.0)


def test_load_over_capacity_is_split_off_and_the_horizon_placed_in_its_month():
    bars = load_bars(report([80.0, 140.0, 5.0], date(2027, 2, 14)), "M1")
    assert bars.within == pytest.approx((80.0, 100.0, 0.0))
    assert bars.over == pytest.approx((0.0, 40.0, 0.0))
    assert bars.within[2] == 0.0  # no hours available in March: nothing to draw
    assert bars.top == pytest.approx(140.0)
    # February is bar 2, from 1.5 to 2.5, in 28 days: the 14th stands at its day's middle
    assert bars.horizon_x == pytest.approx(1.5 + 13.5 / 28)


def test_a_horizon_past_the_months_has_no_mark_and_the_axis_keeps_capacity_in_sight():
    bars = load_bars(report([50.0, 60.0, 0.0], date(2027, 6, 1)), "M1")
    assert bars.horizon_x is None and bars.horizon == date(2027, 6, 1)
    assert bars.top == 100.0
    assert load_bars(report([50.0, 60.0, 0.0], None), "M1").horizon_x is None  # beyond the calendar


def test_round_off_above_capacity_is_not_overload():
    bars = load_bars(report([100.4, 0.0, 0.0], date(2027, 1, 31)), "M1")
    assert bars.within[0] == pytest.approx(100.0) and bars.over[0] == 0.0


def test_income_bars_split_gains_from_losses_in_k_rub():
    diff = RevisionDiff(
        JAN,
        "L",
        1,
        2,
        mills=(
            MillChange("M1", 1000, 800, 100, 80, Decimal("34000000"), Decimal("14200000")),
            MillChange("M2", 0, 100, 0, 10, Decimal(0), Decimal("1500000.50")),
            MillChange("M3", 50, 50, 5, 5, Decimal("700000"), Decimal("700000")),
        ),
    )
    bars = income_bars(diff)
    assert bars.labels == ("M1", "M2", "M3")
    assert bars.gains == pytest.approx((0.0, 1500.0005, 0.0))
    assert bars.losses == pytest.approx((-19800.0, 0.0, 0.0))
    assert bars.total == Decimal("-18299999.50") and bars.changed


def test_nothing_changed_draws_nothing():
    diff = RevisionDiff(JAN, "L", 1, 2, mills=(MillChange("M1", 10, 10, 1, 1, Decimal(5), Decimal(5)),))
    assert not income_bars(diff).changed


def test_position_bars_are_the_biggest_changes_either_way_gains_first():
    def moved(ref: str, before: str, after: str) -> PositionChange:
        return PositionChange(
            ref, "tonnes_changed", {"M1": 1.0}, {"M1": 2.0}, income_from=Decimal(before), income_to=Decimal(after)
        )

    diff = RevisionDiff(
        JAN,
        "L",
        1,
        2,
        positions=(
            moved("A#1", "0", "5000"),  # +5 k
            moved("B#1", "90000", "0"),  # -90 k
            moved("C#1", "0", "40000"),  # +40 k
            moved("D#1", "1000", "1000"),  # no change: not counted
            moved("E#1", "3000", "0"),  # -3 k: the smallest change, left out of the top 3
        ),
        mills=(MillChange("M1", 10, 10, 1, 1, Decimal(94000), Decimal(46000)),),
    )
    bars = position_income_bars(diff, 3)
    assert bars.labels == ("C#1", "A#1", "B#1") and bars.of == 4
    assert bars.gains == pytest.approx((40.0, 5.0, 0.0)) and bars.losses == pytest.approx((0.0, 0.0, -90.0))
    assert bars.total == Decimal(-48000)
