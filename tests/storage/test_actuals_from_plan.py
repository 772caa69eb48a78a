"""Actuals imported from files generated from a plan: stored as the file says, a day
imported again for a mill replaces its rows, a closed month is refused, and only a
production planner or an admin may import them."""

from __future__ import annotations

from datetime import date

import pytest

from millplan.core.demo import write_actuals
from millplan.core.domain.errors import Forbidden
from millplan.core.domain.months import Month, plant_today
from millplan.core.importing.actuals import import_actuals
from millplan.core.importing.problems import ImportRejected
from millplan.core.planning import run as planning
from tests.actuals_data import by_position, produced, stored_actuals, summed, write_mes
from tests.people import add_user
from tests.plants import PLAN_MONTH, tiny_plant


@pytest.fixture
def today(monkeypatch) -> date:
    """The 28th of the current month: ten days of actuals lie behind it."""
    day = plant_today().replace(day=28)
    monkeypatch.setenv("MILLPLAN_TODAY", day.isoformat())
    return day


@pytest.fixture
def planned(store, today):
    """``tiny_plant`` with next month planned: its lines are what the mills make."""
    tiny_plant(store)
    (outcome,) = planning.plan(store, PLAN_MONTH, login="plm")
    return outcome.assignment.lines


@pytest.mark.both_backends
def test_a_plans_actuals_are_stored_and_a_day_imported_again_replaces_its_rows(store, planned, today, tmp_path):
    days = [today.replace(day=d) for d in range(1, 11)]
    rows = write_actuals(tmp_path / "ten-days.xlsx", planned, days)
    assert {m for _, m, _, _ in rows} == {"M1", "M2"}

    first = import_actuals(store, tmp_path / "ten-days.xlsx", login="planner")

    assert stored_actuals(store) == pytest.approx(summed(rows))
    assert produced(store) == pytest.approx({ref: by_position(rows).get(ref, 0.0) for ref in produced(store)})
    assert first.figures["tonnes_after"] == pytest.approx(sum(t for *_, t in rows))
    assert first.figures["days"] == [d.isoformat() for d in days]

    again = [r for r in write_actuals(tmp_path / "m1.csv", planned, days[4:6], seed=11) if r[1] == "M1"]
    write_mes(tmp_path / "m1-only.csv", again)
    second = import_actuals(store, tmp_path / "m1-only.csv", login="planner")

    kept = [r for r in rows if not (r[0] in days[4:6] and r[1] == "M1")]
    assert stored_actuals(store) == pytest.approx(summed(kept + again))
    replaced = [r for r in rows if r[0] in days[4:6] and r[1] == "M1"]
    assert second.figures["replaced_rows"] + second.figures["removed_rows"] == len(summed(replaced))
    assert second.figures["removed_rows"] == len(set(summed(replaced)) - set(summed(again)))
    assert second.figures["tonnes_before"] == pytest.approx(sum(t for *_, t in replaced))
    assert second.figures["tonnes_after"] == pytest.approx(sum(t for *_, t in again))
    assert produced(store)["D1#1"] == pytest.approx(by_position(kept + again).get("D1#1", 0.0))
    with store.reading() as repo:
        audited = {e.object_key for e in repo.audit.audit_entries(limit=1000) if e.object_type == "actuals"}
    assert audited == {f"{d.isoformat()} {m}" for d, m, _, _ in rows}


def test_a_position_made_to_its_ordered_tonnes_is_reported_complete(store, planned, today, tmp_path):
    path = write_mes(
        tmp_path / "done.csv", [(today.replace(day=3), "M1", "D3#1", 60.0), (today.replace(day=4), "M1", "D3#1", 40.0)]
    )

    report = import_actuals(store, path, login="planner")

    assert report.figures["now_complete"] == ["D3#1"]
    assert {c["position"]: (c["before"], c["after"]) for c in report.figures["produced_changed"]} == {"D3#1": (0, 100)}
    assert "1 position now complete (produced ≥ ordered): D3#1" in report.outcome


def test_a_day_of_a_closed_month_is_refused_for_that_line_only(store, planned, today, tmp_path):
    last_month = Month.of(today) - 1
    with store.unit_of_work() as repo:
        repo.closes.close(last_month, "L", "plm", figures={}, carry_over={})
    day = date(last_month.year, last_month.month, 15)
    path = write_mes(tmp_path / "late.csv", [(today.replace(day=2), "M1", "D1#1", 30.0), (day, "M1", "D1#1", 50.0)])

    with pytest.raises(ImportRejected) as caught:
        import_actuals(store, path, login="planner")

    (problem,) = caught.value.problems
    assert (problem.row, problem.column, problem.header) == (3, "A", "Дата")
    assert f"falls in {last_month}, closed for product line L" in problem.why
    assert stored_actuals(store) == {}


@pytest.mark.parametrize(
    ("login", "role", "allowed"),
    [
        ("planner", "planner", True),
        ("root", "admin", True),
        ("plm", "line_manager", False),
        ("ivanov", "sales_manager", False),
        ("boss", "director", False),
    ],
)
def test_only_a_production_planner_or_an_admin_may_import_actuals(
    store, planned, today, tmp_path, login, role, allowed
):
    add_user(store, "root", "Админов", "admin")
    if login != "root":
        add_user(store, login, login.title(), role)
    path = write_mes(tmp_path / "day.csv", [(today.replace(day=1), "M1", "D1#1", 30.0)])

    if allowed:
        import_actuals(store, path, login=login)
        assert stored_actuals(store) == {(today.replace(day=1), "M1", "D1#1"): 30.0}
        return
    with pytest.raises(Forbidden, match="only a production planner or an admin may import the daily actuals"):
        import_actuals(store, path, login=login)
    assert stored_actuals(store) == {}
    with store.reading() as repo:
        refused = [e for e in repo.audit.audit_entries() if e.action == "refused"]
    assert [(e.login, e.object_key) for e in refused] == [(login, "day.csv")]
