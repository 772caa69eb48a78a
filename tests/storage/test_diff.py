"""The diff of two revisions, on the hand-checked tiny plant (see tests/plants.py)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from millplan.core.domain.errors import InvalidInput, NotFound
from millplan.core.planning import run as planning
from millplan.core.planning.diff import revision_diff
from millplan.core.views.diff import diff_document
from millplan.core.workflow import assignments
from tests.plants import PLAN_MONTH, tiny_plant


@pytest.fixture
def approved(store):
    # revision 1: D1#1 200 t on M2 + 500 t on M1, D2#1 500 t on M1 (M1 full at 1 000 t)
    tiny_plant(store)
    planning.plan(store, PLAN_MONTH, login="plm", first_horizon=1)
    assignments.submit(store, PLAN_MONTH, "L", login="plm")
    assignments.approve(store, PLAN_MONTH, "L", login="plm")
    return store


def _changes(diff):
    return {c.position_ref: c for c in diff.positions}


def test_added_removed_and_moved_to_another_mill(approved):
    # D2#1 excluded by hand (revision 2 opens): M1 has room for all of D1#1 (19 000 RUB/t
    # there against 18 000 on M2) and for D3#1 (100 t) — so D1#1 moves to M1 alone.
    assignments.set_excluded(approved, PLAN_MONTH, "L", "D2#1", True, login="plm", reason="client waits")
    planning.plan(approved, PLAN_MONTH, login="plm", first_horizon=1)
    diff = revision_diff(approved, PLAN_MONTH, "L")
    assert (diff.revision_from, diff.revision_to) == (1, 2)
    changes = _changes(diff)
    assert {ref: c.change for ref, c in changes.items()} == {"D1#1": "moved_mill", "D2#1": "removed", "D3#1": "added"}
    assert changes["D1#1"].mills_from == pytest.approx({"M1": 500, "M2": 200})
    assert changes["D1#1"].mills_to == pytest.approx({"M1": 700})
    assert (changes["D2#1"].tonnes_from, changes["D2#1"].tonnes_to) == pytest.approx((500, 0))
    assert changes["D3#1"].tonnes_to == pytest.approx(100)
    mills = {m.mill_code: m for m in diff.mills}
    assert (mills["M1"].tonnes_from, mills["M1"].tonnes_to) == pytest.approx((1000, 800))
    assert (mills["M2"].tonnes_from, mills["M2"].tonnes_to, mills["M2"].hours_to) == pytest.approx((200, 0, 0))
    assert (mills["M1"].hours_from, mills["M1"].hours_to) == pytest.approx((100, 80))
    # marginal income by mill in RUB, as each revision's lines on it hold it: M2 loses all of its
    with approved.reading() as repo:
        revisions = [repo.assignments.assignment(PLAN_MONTH, "L", n) for n in (1, 2)]
    for code, m in mills.items():
        held = [sum((l.marginal_income for l in r.lines if l.mill_code == code), Decimal(0)) for r in revisions]
        assert (m.income_from, m.income_to) == tuple(held)
    assert mills["M2"].income_from > 0 and mills["M2"].income_change == -mills["M2"].income_from
    assert sum(m.income_change for m in mills.values()) == revisions[1].marginal_income - revisions[0].marginal_income
    # for scripts in RUB as text: M2's 200 t of D1#1 at 18 000 RUB/t
    assert diff_document(diff)["mills"][1]["income_change"] == "-3600000.00"


def test_tonnes_changed_and_moved_to_another_month(approved):
    # M1 loses 40 of its 100 h: D1#1 keeps 700 t (500 t on M1 = 50 h), D2#1 is cut to the
    # 100 t left on M1. Then the next month takes D2#1's last 100 t; D3#1 (100 t) goes
    # nowhere this month either way.
    with approved.unit_of_work() as repo:
        repo.plant.upsert_capacity([("M1", PLAN_MONTH, 60.0)], "planner", "maintenance")
    planning.plan(approved, PLAN_MONTH, login="plm", first_horizon=1)
    changes = _changes(revision_diff(approved, PLAN_MONTH, "L", 1, 2))
    assert {ref: c.change for ref, c in changes.items()} == {"D2#1": "tonnes_changed"}
    assert (changes["D2#1"].tonnes_from, changes["D2#1"].tonnes_to) == pytest.approx((500, 100))

    assignments.set_excluded(approved, PLAN_MONTH, "L", "D2#1", True, login="plm", reason="next month")
    planning.plan(approved, PLAN_MONTH, login="plm", first_horizon=1)
    planning.plan(approved, PLAN_MONTH + 1, login="plm", first_horizon=1)
    moved = _changes(revision_diff(approved, PLAN_MONTH, "L"))["D2#1"]
    assert (moved.change, moved.month_to) == ("moved_month", PLAN_MONTH + 1)
    assert moved.text == f"moved to {PLAN_MONTH + 1}"
    document = diff_document(revision_diff(approved, PLAN_MONTH, "L"))
    [entry] = [p for p in document["positions"] if p["position"] == "D2#1"]
    assert entry == {
        "position": "D2#1",
        "change": "moved_month",
        "tonnes_from": 500.0,
        "tonnes_to": 0.0,
        "tonnes_made": 0.0,
        "mills_from": {"M1": 500.0},
        "mills_to": {},
        "month_to": str(PLAN_MONTH + 1),
    }


def test_unchanged_revisions_differ_in_nothing_and_bad_requests_are_named(approved):
    with pytest.raises(InvalidInput, match="has only revision 1: nothing to compare"):
        revision_diff(approved, PLAN_MONTH, "L")
    assignments.set_locked(approved, PLAN_MONTH, "L", "D1#1", True, login="plm")  # revision 2, same lines
    same = revision_diff(approved, PLAN_MONTH, "L")
    assert same.positions == () and {m.mill_code for m in same.mills} == {"M1", "M2"}
    with pytest.raises(NotFound, match="has no revision 7"):
        revision_diff(approved, PLAN_MONTH, "L", 1, 7)
    with pytest.raises(InvalidInput, match="compared with itself"):
        revision_diff(approved, PLAN_MONTH, "L", 2, 2)
    with pytest.raises(NotFound, match="no assignment for product line X"):
        revision_diff(approved, PLAN_MONTH, "X")
