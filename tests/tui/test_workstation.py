"""The workstation through Textual's pilot at 80×24: accept a deal, plan, lock, approve."""

from __future__ import annotations

import pytest

from core import assignments, planning
from core.model import AssignmentState, DealStatus
from tests.plants import PLAN_MONTH, tiny_plant
from tui.app import MillplanApp
from tui.widgets.view_table import ViewTable

SIZE = (80, 24)


@pytest.fixture
def app(sqlite_store):
    tiny_plant(sqlite_store)
    return MillplanApp(sqlite_store, "plm", month=PLAN_MONTH)


async def settle(pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def test_mill_load_pane_shows_every_mill_and_its_horizon(app):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = app.query_one("#load-table", ViewTable)
        assert table.row_count == 2
        assert table.selected["key"] in {"M1", "M2"}
        detail = str(app.query_one("#load-detail").render())
        assert "load horizon" in detail


async def test_accept_a_deal_with_f6_and_confirm(app, sqlite_store):
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f3")
        await settle(pilot)
        table = app.query_one("#deals-table", ViewTable)
        assert table.selected["key"] == "D4"
        await pilot.press("f6")
        await pilot.press("y")
        await settle(pilot)
        assert app.query_one("#deals-table", ViewTable).row_count == 0
    with sqlite_store.unit_of_work() as repo:
        deal = repo.deal("D4")
    assert deal.status is DealStatus.ACCEPTED and deal.accepted_by == "plm"


async def test_reject_needs_a_reason_and_escape_cancels(app, sqlite_store):
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f3")
        await settle(pilot)
        await pilot.press("f7")
        await pilot.press("escape")
        await settle(pilot)
        with sqlite_store.unit_of_work() as repo:
            assert repo.deal("D4").status is DealStatus.PENDING
        await pilot.press("f7")
        await pilot.press(*"no capacity")
        await pilot.press("enter")
        await settle(pilot)
    with sqlite_store.unit_of_work() as repo:
        deal = repo.deal("D4")
    assert deal.status is DealStatus.REJECTED and deal.rejection_reason == "no capacity"


async def test_plan_in_the_background_then_lock_and_approve(app, sqlite_store):
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f4")
        await settle(pilot)
        assert "Not planned yet" in str(app.query_one("#assignment-summary").render())
        await pilot.press("f5")
        await settle(pilot)
        lines = app.query_one("#lines-table", ViewTable)
        assert lines.row_count == 3  # D1#1 on M1 and M2, D2#1 on M1
        title = str(app.query_one("#assignment-title").render())
        assert "revision 1" in title and "draft" in title and "optimal" in title
        excluded = app.query_one("#excluded-table", ViewTable)
        assert excluded.row_count == 3
        lines.focus()
        await pilot.press("f8")  # lock the highlighted line
        await settle(pilot)
        assert app.query_one("#lines-table", ViewTable).selected["locked"] is True
        await pilot.press("f12")
        await pilot.press("y")
        await settle(pilot)
        assert "APPROVED" in str(app.query_one("#assignment-title").render())
    approved = planning.latest(sqlite_store, PLAN_MONTH, "L")
    assert approved.state is AssignmentState.APPROVED and approved.approved_by == "plm"
    assert any(line.locked for line in approved.lines)


async def test_month_keys_move_between_months(app):
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f4")
        await settle(pilot)
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert str(app.query_one("#assignment-title").render()).startswith(f"{PLAN_MONTH + 1} · L")
        await pilot.press("left_square_bracket", "left_square_bracket")
        await settle(pilot)
        assert str(app.query_one("#assignment-title").render()).startswith(f"{PLAN_MONTH - 1} · L")


async def test_text_with_brackets_is_shown_as_typed_not_parsed(app, sqlite_store):
    planning.plan(sqlite_store, PLAN_MONTH, login="plm")
    assignments.set_excluded(sqlite_store, PLAN_MONTH, "L", "D2#1", True, login="plm", reason="[/] moved [urgent]")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f4")
        await settle(pilot)
        excluded = app.query_one("#excluded-table", ViewTable)
        excluded.focus()
        excluded.move_cursor(row=excluded.get_row_index("D2#1"))
        await pilot.pause()
        assert "[/] moved [urgent]" in str(app.query_one("#excluded-reason").render())


async def test_a_plan_finishing_after_the_month_changed_does_not_blank_the_new_month(app, sqlite_store):
    planning.plan(sqlite_store, PLAN_MONTH + 1, login="plm")  # the month the user moves to is planned
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f4")
        await settle(pilot)
        await pilot.press("f5", "right_square_bracket")  # plan this month, move on at once
        await settle(pilot)
        title = str(app.query_one("#assignment-title").render())
        assert title.startswith(f"{PLAN_MONTH + 1} · L") and "revision 1" in title
        assert app.query_one("#lines-table", ViewTable).row_count > 0
