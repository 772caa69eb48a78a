"""Re-planning the month in progress, on the April plant of tests/progress_plant.py (see its
table for the arithmetic): only the hours left and the tonnes not made are planned; what
the mills made is kept as made lines, never "removed" in the diff or the sales news."""

from __future__ import annotations

import pytest

from millplan.core.domain.assignment import AssignmentState
from millplan.core.domain.months import today_set
from millplan.core.domain.numbers import grouped
from millplan.core.domain.stored_text import say
from millplan.core.mail.plan_news import changes_for_managers
from millplan.core.planning import run as planning
from millplan.core.planning.diff import revision_diff
from millplan.core.planning.options import PlanOptions
from millplan.core.workflow import assignments
from tests.progress_plant import APRIL, TODAY, approve_april, april_plant, new_hours, write_actuals


@pytest.fixture
def half_made(store):
    april_plant(store)
    approve_april(store)
    write_actuals(store)
    return store


def _lines(assignment) -> dict[tuple[str, str], tuple[float, float, float]]:
    return {
        (l.position_ref, l.mill_code): (round(l.tonnes, 3), round(l.tonnes_made, 3), round(l.hours, 3))
        for l in assignment.lines
    }


@pytest.mark.both_backends
def test_calendar_basis_plans_the_hours_left_pro_rata_and_keeps_made_lines(half_made):
    with today_set(TODAY):
        [outcome] = planning.plan(half_made, APRIL, login="plm")
    a = outcome.assignment
    # 15 of April's 30 days left: M1 300 h → 150 h (1 500 t), M2 120 h → 60 h (300 t). The
    # key account D1#1 (1 900 t left) takes them all; D2#1 gets nothing more.
    assert new_hours(a.lines) == pytest.approx({"M1": 150.0, "M2": 60.0})
    assert _lines(a) == {
        ("D1#1", "M1"): (600 + 1500, 600, 210),  # made 600 t + 1 500 t planned on top, one line
        ("D1#1", "M2"): (300, 0, 60),
        ("D2#1", "M1"): (500, 500, 50),  # made, nothing more: kept as made
        ("D3#1", "M2"): (100, 100, 20),  # made in full, off the approved plan
    }
    made_d3 = next(l for l in a.lines if l.position_ref == "D3#1")
    assert made_d3.marginal_income == 100 * (40_000 - 30_000 - 2_000)  # made on M2: M2's conversion cost
    assert PlanOptions.from_dict(a.options).progress_hours == "calendar"
    assert a.mill_hours == {"M1": 300, "M2": 120}  # the month's hours: its lines hold the made part too
    assert outcome.notes[0].startswith(f"{APRIL} is in progress: only the hours left from {TODAY} (by the calendar)")
    assert outcome.notes[0].endswith(f"{grouped(1200, 1)} t made on 3 line(s) kept as made")


def test_actuals_basis_plans_the_month_less_hours_used_and_is_kept_for_the_next_replan(half_made):
    with today_set(TODAY):
        [first] = planning.plan(half_made, APRIL, login="plm", options={"progress_hours": "actuals"})
        # M1: 300 h − (600 + 500 t) / 10 t/h = 190 h; M2: 120 h − 100 t / 5 t/h = 100 h.
        assert new_hours(first.assignment.lines) == pytest.approx({"M1": 190.0, "M2": 100.0})
        # D1#1 (key) 1 900 t: 500 t fill M2, 1 400 t take 140 h of M1; D2#1 gets M1's last 50 h.
        assert _lines(first.assignment)[("D2#1", "M1")] == (1000, 500, 100)
        [again] = planning.plan(half_made, APRIL, login="plm")  # no option given: the kept one holds
    assert PlanOptions.from_dict(again.assignment.options).progress_hours == "actuals"
    assert new_hours(again.assignment.lines) == pytest.approx({"M1": 190.0, "M2": 100.0})
    assert "hours left by actuals" in PlanOptions.from_dict(again.assignment.options).describe()


def test_the_diff_and_the_sales_news_show_made_positions_as_made_never_removed(half_made):
    with today_set(TODAY):
        [outcome] = planning.plan(half_made, APRIL, login="plm")
        diff = revision_diff(half_made, APRIL, "L")
    changes = {c.position_ref: c for c in diff.positions}
    assert {ref: c.change for ref, c in changes.items()} == {
        "D1#1": "tonnes_changed",  # 2 500 t approved; 600 made + 1 800 planned
        "D2#1": "tonnes_changed",  # 1 100 t approved, 500 made and no more room: 600 t cut, 500 made
        "D3#1": "made",  # made though not planned
    }
    assert (changes["D2#1"].tonnes_from, changes["D2#1"].tonnes_to, changes["D2#1"].tonnes_made) == (1100, 500, 500)
    assert changes["D1#1"].tonnes_made == 600
    with half_made.reading() as repo:
        approved = repo.assignments.assignment(APRIL, "L", 1)
        positions = {p.id: p for p in repo.plant.positions()}
    news = {n.item.ref: n.item for n in changes_for_managers(approved, outcome.assignment, positions)}
    # what was made since counts as made, not cut: D1#1 had 2 500 − 600 = 1 900 t still to
    # make and keeps 1 800; D2#1 had 600 t still to make and keeps none (its 700 t left
    # are left out, with the reason); D3#1, made in full, is no news
    assert {ref: item.kind for ref, item in news.items()} == {"D1#1": "tonnes_cut", "D2#1": "position_removed"}
    t = {x: grouped(x, 1) for x in (600, 700, 1800, 1900)}
    assert say(news["D1#1"].text) == f"Key Co: {t[1800]} t of {t[1900]} t kept; {t[1900]} t left to make"
    assert say(news["D2#1"].text) == f"Other Co: left out; {t[600]} t were planned, {t[700]} t left to make"


def test_a_plan_on_the_first_of_the_month_offers_the_whole_month(store):
    april_plant(store)
    approve_april(store)  # on the 1st: all 300 h of M1 and 120 h of M2, nothing made
    with store.reading() as repo:
        approved = repo.assignments.assignment(APRIL, "L")
    assert sum(l.hours for l in approved.lines if l.mill_code == "M1") == pytest.approx(300)
    assert sum(l.hours for l in approved.lines if l.mill_code == "M2") == pytest.approx(120)
    assert all(l.tonnes_made == 0 for l in approved.lines)


def test_a_replan_of_the_month_in_progress_can_be_submitted(half_made):
    # its lines hold 1 200 t made, off the tonnes left: not "made twice"
    with today_set(TODAY):
        planning.plan(half_made, APRIL, login="plm")
        submitted = assignments.submit(half_made, APRIL, "L", login="plm")
    assert submitted.state is AssignmentState.IN_REVIEW


def test_next_month_counts_of_the_month_in_progress_only_what_it_has_still_to_make(half_made):
    # April's approved plan holds 1 100 t of D2#1 and 500 t are made: 600 t still to make
    # there, of the 700 t left — May plans the other 100 t (it planned none while the
    # whole 1 100 t counted against the 700 t left). D1#1: 2 500 − 600 = 1 900 t still to
    # make in April, all it has left; D3#1 is made.
    with today_set(TODAY):
        [may] = planning.plan(half_made, APRIL + 1, login="plm", first_horizon=1)
    assert {(l.position_ref, l.mill_code): round(l.tonnes, 3) for l in may.assignment.lines} == {("D2#1", "M1"): 100}
