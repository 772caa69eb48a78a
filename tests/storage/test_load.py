"""Mill load and load horizon, computed by hand on a one-mill plant."""

from __future__ import annotations

from datetime import date

import pytest

from millplan.core.domain.months import Month
from millplan.core.planning import load
from millplan.core.planning import run as planning
from millplan.core.planning.load import horizon
from tests.plants import build, deal, mill, position

TODAY = date(2027, 1, 10)


@pytest.fixture
def one_mill(store):
    # M1: 10 t/h. Calendar: January 310 h (10 h a day), February 280 h (10 h a day).
    # Booked: D1#1 3 000 t due 2027-01 = 300 h.
    build(
        store,
        mills=[mill("M1", ["20"], 620, 1000)],
        norms={"M1": 10.0},
        customers={"Co": False},
        deals=[deal("D1", "Co"), deal("D2", "Co", status="pending")],
        positions=[position("D1", 1, "20", 3000, 50_000), position("D2", 1, "20", 5000, 50_000)],
    )
    with store.unit_of_work() as repo:
        repo.plant.upsert_capacity([("M1", Month(2027, 1), 310.0), ("M1", Month(2027, 2), 280.0)], "test", "fixture")
    return store


def test_horizon_lays_booked_hours_over_the_calendar_from_today(one_mill):
    # From 10 January (counted) to 31 January: 22 days × 10 h = 220 h; the other 80 h take
    # 8 February days, so the mill is fully busy until 8 February.
    report = load.mill_load(one_mill, today=TODAY)
    assert report.horizons["M1"].booked_hours == pytest.approx(300)
    assert report.horizons["M1"].until == date(2027, 2, 8)


@pytest.mark.both_backends
def test_load_table_without_assignment_books_due_tonnes_on_their_best_mill(one_mill):
    report = load.mill_load(one_mill, today=TODAY)
    assert report.months == tuple(Month(2027, 1).range(6))
    january = report.cells["M1", Month(2027, 1)]
    # January is in progress: from the 10th (counted), 22 of its 31 days are left: 220 h.
    assert january.available_hours == pytest.approx(220) and january.booked_hours == pytest.approx(300)
    assert january.load == pytest.approx(300 / 220)
    # March has no calendar entry: the nominal 620 h apply; the pending deal books nothing.
    assert report.cells["M1", Month(2027, 3)].available_hours == 620
    assert report.cells["M1", Month(2027, 2)].booked_hours == 0


def test_assignment_books_its_month_and_the_rest_slips_to_the_next(one_mill):
    with one_mill.unit_of_work() as repo:  # January has 200 h: 2 000 t planned, 1 000 t left out
        repo.plant.upsert_capacity([("M1", Month(2027, 1), 200.0)], "test", "fixture")
    planning.plan(one_mill, Month(2027, 1), login="plm", first_horizon=1)
    report = load.mill_load(one_mill, today=TODAY)
    assert report.cells["M1", Month(2027, 1)].booked_hours == pytest.approx(200)
    assert report.cells["M1", Month(2027, 2)].booked_hours == pytest.approx(100)
    # 200 h in January from the 10th: 22 days × 200/31 h = 141.9 h; 158.1 h more at 10 h a
    # day is 16 February days (15.8 rounded up).
    assert report.horizons["M1"].until == date(2027, 2, 16)


def test_horizon_edge_cases(one_mill):
    with one_mill.unit_of_work() as repo:
        plant = repo.plant.whole()
    m1 = plant.mill("M1")
    assert horizon(plant, m1, 0, TODAY) == TODAY  # nothing booked: free today
    assert horizon(plant, m1, 10, TODAY) == TODAY  # one day's work ends today
    assert horizon(plant, m1, 10.5, TODAY) == date(2027, 1, 11)  # a part-day more takes the next day
