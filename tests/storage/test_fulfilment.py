"""Plan against actual (core.planning.fulfilment) on the hand-checkable month of
tests/fulfilment_plant.py: credited at most the plan per mill and position, off-plan on the
wrong mill and beyond the plan, earned marginal income on the mill that made it, hours,
to date pro rata for the month in progress, a line without approval, carry-over, and a
closed month's frozen figures."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from millplan.core.domain.actuals import MonthClose
from millplan.core.domain.errors import NotFound
from millplan.core.domain.months import today_set
from millplan.core.planning.fulfilment import month_fulfilment
from millplan.core.planning.fulfilment_figures import from_figures, line_figures
from millplan.core.views.actuals import cumulative, fulfilment_document, notes
from tests.fulfilment_plant import ids, planned_month, store_actuals
from tests.people import add_user
from tests.plants import PLAN_MONTH


def _after_the_month():
    return today_set(PLAN_MONTH.first_day.replace(year=PLAN_MONTH.year + 1))


@pytest.mark.both_backends
def test_credited_off_plan_earned_hours_and_carry_over_by_mill_and_position(store):
    planned_month(store)
    with _after_the_month():
        report = month_fulfilment(store, PLAN_MONTH, "L")
    [line] = report.lines
    assert (line.revision, line.approved_by, line.today) == (1, "plm", None)
    m1, m2 = line.mills
    assert m1.mill_code == "M1"
    # M1: D1#1 350 made of 300 planned (credited 300), D2#1 100 of 400, D3#1 30 not planned there
    assert (m1.figures.planned_t, m1.figures.actual_t, m1.figures.credited_t, m1.figures.off_plan_t) == (
        700.0,
        480.0,
        400.0,
        80.0,
    )
    assert m1.figures.fulfilment_pct == pytest.approx(400 / 700 * 100)
    assert (m1.hours_used, m1.hours_available) == (48.0, 100.0)  # 480 t at 10 t/h
    assert m1.figures.mi_planned == Decimal(300 * 19_000 + 400 * 49_000)
    # earned on the mill that made it: D3#1's 30 t at M1's 9 000 RUB/t, not M2's 8 000
    assert m1.figures.mi_earned == Decimal(350 * 19_000 + 100 * 49_000 + 30 * 9_000)
    assert (m2.figures.credited_t, m2.figures.off_plan_t, m2.hours_used, m2.figures.mi_earned) == (
        40.0,
        0.0,
        8.0,
        Decimal(40 * 8_000),
    )
    assert m1.planned_to_date_t is None and m1.actual_by_day[:5] == (200.0, 0.0, 30.0, 0.0, 150.0)
    by_ref = {p.position_ref: p for p in line.positions}
    d3 = by_ref["D3#1"]
    assert (d3.figures.planned_t, d3.figures.actual_t, d3.figures.credited_t, d3.figures.off_plan_t) == (
        100.0,
        70.0,
        40.0,
        30.0,
    )
    assert (d3.planned_on, d3.made_on, d3.carry_over_t) == (("M2",), ("M1", "M2"), 30.0)
    assert by_ref["D1#1"].is_key_account and by_ref["D1#1"].figures.off_plan_t == 50.0
    assert [p.position_ref for p in line.positions][0] == "D2#1"  # the largest shortfall first
    # carry-over: planned and not made on any mill; D1#1 made more than planned carries none
    assert [(c.position_ref, c.tonnes) for c in line.carry_over] == [("D2#1", 300.0), ("D3#1", 30.0)]
    totals = fulfilment_document(report)["totals"]
    assert totals == {
        "planned_t": 800.0,
        "actual_t": 520.0,
        "credited_t": 440.0,
        "off_plan_t": 80.0,
        "fulfilment_pct": 55.0,
        "marginal_income_planned_rub": "26100000.00",
        "marginal_income_earned_rub": "12140000.00",
    }


def test_the_month_in_progress_compares_to_date_pro_rata_through_yesterday(store):
    planned_month(store)
    with today_set(date(PLAN_MONTH.year, PLAN_MONTH.month, 11)):  # days 1-10 count: today's report is not in
        [line] = month_fulfilment(store, PLAN_MONTH, "L").lines
    m1, m2 = line.mills
    assert (line.days_to_date, line.through) == (10, date(PLAN_MONTH.year, PLAN_MONTH.month, 10))
    assert m1.planned_to_date_t == pytest.approx(700 * 10 / PLAN_MONTH.days)
    assert m1.actual_to_date_t == 380.0  # 200 + 30 + 150; the 12th's 100 t is not to date
    assert m2.planned_to_date_t == pytest.approx(100 * 10 / PLAN_MONTH.days) and m2.actual_to_date_t == 40.0
    assert m1.figures.actual_t == 480.0  # the month's figures still hold every day stored
    assert any("through" in n for n in notes(line))
    days, planned, made = cumulative(line, "M1")  # the chart: the plan's ramp, the actual through yesterday
    assert (len(days), planned[-1], planned[9]) == (PLAN_MONTH.days, 700.0, pytest.approx(700 * 10 / PLAN_MONTH.days))
    assert made == [200.0, 200.0, 230.0, 230.0, 380.0, 380.0, 380.0, 380.0, 380.0, 380.0]


def test_a_line_without_an_approved_revision_says_so_and_all_it_made_is_off_plan(store):
    planned_month(store, approve=False)
    report = month_fulfilment(store, PLAN_MONTH)
    [line] = report.lines
    assert line.revision is None
    assert (report.totals.planned_t, report.totals.credited_t, report.totals.off_plan_t) == (0.0, 0.0, 520.0)
    assert report.totals.fulfilment_pct is None
    assert line.carry_over == ()
    assert f"line L has no approved assignment for {PLAN_MONTH}: all it made is off-plan" in notes(line)


def test_a_line_without_an_approved_revision_that_made_nothing_says_only_that(store):
    planned_month(store)
    [line] = month_fulfilment(store, PLAN_MONTH + 2).lines  # a month to come: nothing approved, nothing made
    assert line.revision is None and line.totals.actual_t == 0.0
    assert f"line L has no approved assignment for {PLAN_MONTH + 2}" in notes(line)
    assert not [n for n in notes(line) if "off-plan" in n]  # nothing made, so nothing is off-plan


def test_an_unknown_line_is_refused_naming_the_known_ones(store):
    planned_month(store)
    with pytest.raises(NotFound, match="known: L"):
        month_fulfilment(store, PLAN_MONTH, "XX")


def test_a_closed_line_shows_the_figures_frozen_at_its_close(store):
    planned_month(store)
    with _after_the_month():
        [line] = month_fulfilment(store, PLAN_MONTH, "L").lines
    frozen = line_figures(line)
    by_ref = ids(store)
    with store.unit_of_work() as repo:
        repo.closes.close(
            PLAN_MONTH,
            "L",
            "plm",
            figures=frozen,
            carry_over={by_ref[c.position_ref]: c.tonnes for c in line.carry_over},
        )
    store_actuals(store, [("D2#1", "M1", 20, 300.0)])  # made later: the closed figures do not move
    with _after_the_month():
        report = month_fulfilment(store, PLAN_MONTH, "L")
    [shown] = report.lines
    assert shown.closed is not None and shown.closed.closed_by == "plm"
    assert shown.totals == line.totals and shown.totals.actual_t == 520.0
    assert [(c.position_ref, c.tonnes) for c in shown.carry_over] == [("D2#1", 300.0), ("D3#1", 30.0)]
    document = fulfilment_document(report)
    assert {k: v for k, v in document.items() if k not in ("closed", "notes")} == frozen
    assert document["closed"]["closed_by"] == "plm"
    assert "closed for" in document["notes"][0]
    assert "by plm:" in document["notes"][0]  # no such user: the login
    add_user(store, "plm", "Петрова Анна Сергеевна", role="line_manager")
    with _after_the_month():
        [named] = month_fulfilment(store, PLAN_MONTH, "L").lines
    assert "by Петрова Анна Сергеевна:" in notes(named)[0]  # the person, not the login
    assert fulfilment_document(month_fulfilment(store, PLAN_MONTH, "L"))["closed"]["closed_by"] == "plm"


def test_the_figures_read_back_as_they_were_written(store):
    planned_month(store)
    with today_set(date(PLAN_MONTH.year, PLAN_MONTH.month, 11)):
        [line] = month_fulfilment(store, PLAN_MONTH, "L").lines
    close = MonthClose(PLAN_MONTH, "L", datetime.now(UTC), "plm", True, "why", line_figures(line), line.carry_over)
    again = from_figures(close)
    assert line_figures(again) == line_figures(line)
    assert (again.positions, again.today, again.closed) == (line.positions, line.today, close)
