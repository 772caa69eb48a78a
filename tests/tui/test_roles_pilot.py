"""Roles through the workstation's pilot: the same core checks refuse what the user's role
does not allow, the message says who may, and nothing is written."""

from __future__ import annotations

from core import assignments, planning
from core.model import AssignmentState
from tests.plants import PLAN_MONTH, staff, tiny_plant
from tui.app import MillplanApp

SIZE = (80, 24)


async def settle(pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def _messages(app) -> list[str]:
    return [n.message for n in app._notifications]


async def test_a_sales_manager_may_not_plan_or_approve_from_the_workstation(sqlite_store):
    tiny_plant(sqlite_store)
    staff(sqlite_store)
    app = MillplanApp(sqlite_store, "ivanov", month=PLAN_MONTH)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f4")
        await settle(pilot)
        await pilot.press("f5")
        await settle(pilot)
        assert any("only the product-line manager of L may run the prioritiser" in m and "ivanov is a sales manager" in m for m in _messages(app))
    with sqlite_store.unit_of_work() as repo:
        assert repo.assignment(PLAN_MONTH, "L") is None
        assert [e.login for e in repo.audit_entries(f"{PLAN_MONTH}/L") if e.action == "refused"] == ["ivanov"]


async def test_the_planner_may_not_approve_from_the_workstation_the_director_may(sqlite_store):
    tiny_plant(sqlite_store)
    staff(sqlite_store)
    planning.plan(sqlite_store, PLAN_MONTH, login="plm")
    assignments.submit(sqlite_store, PLAN_MONTH, "L", login="plm")
    planner = MillplanApp(sqlite_store, "planner", month=PLAN_MONTH)
    async with planner.run_test(size=SIZE) as pilot:
        await pilot.press("f4")
        await settle(pilot)
        await pilot.press("f12", "y")
        await settle(pilot)
        assert any("only the product-line manager of L or the director may approve" in m for m in _messages(planner))
    assert planning.latest(sqlite_store, PLAN_MONTH, "L").state is AssignmentState.IN_REVIEW
    director = MillplanApp(sqlite_store, "director", month=PLAN_MONTH)
    async with director.run_test(size=SIZE) as pilot:
        await pilot.press("f4")
        await settle(pilot)
        await pilot.press("f12", "y")
        await settle(pilot)
    approved = planning.latest(sqlite_store, PLAN_MONTH, "L")
    assert approved.state is AssignmentState.APPROVED and approved.approved_by == "director"
