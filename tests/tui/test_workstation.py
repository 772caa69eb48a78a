"""The workstation through Textual's pilot at 80×24: accept a deal, plan, lock, approve."""

from __future__ import annotations

import threading

import pytest
from textual.widgets import TabbedContent
from textual.widgets._footer import FooterKey

from millplan.core.domain.assignment import AssignmentState
from millplan.core.domain.portfolio import DealStatus
from millplan.core.planning import run as planning
from millplan.core.workflow import assignments
from millplan.solver import prioritiser
from millplan.tui.app import MillplanApp
from millplan.tui.widgets.load_pane import LoadPane
from millplan.tui.widgets.view_table import ViewTable
from tests.plants import PLAN_MONTH, tiny_plant
from tests.tui.pilot import SIZE, settle


def footer_words(app) -> tuple[str, ...]:
    """What the footer says now, key by key."""
    return tuple(key.description for key in app.screen.query(FooterKey))


@pytest.fixture
def app(sqlite_store):
    tiny_plant(sqlite_store)
    return MillplanApp(sqlite_store, "plm", month=PLAN_MONTH)


async def test_mill_load_pane_shows_every_mill_and_its_horizon(app):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = app.query_one("#load-table", ViewTable)
        assert table.row_count == 2
        assert table.selected["key"] in {"M1", "M2"}
        table.move_cursor(row=table.get_row_index("M1"))
        await pilot.pause()
        detail = str(app.query_one("#load-detail").render())
        # Nothing planned yet: every accepted open tonne is booked on its best mill. On M1:
        # D1#1 700 t + D2#1 600 t + D3#1 100 t + D5#1 100 t at 10 t/h = 150 h.
        assert "its 150 h of accepted, unproduced work" in detail


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
        deal = repo.plant.deal("D4")
    assert deal.status is DealStatus.ACCEPTED and deal.accepted_by == "plm"


async def test_reject_needs_a_reason_and_escape_cancels(app, sqlite_store):
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f3")
        await settle(pilot)
        await pilot.press("f7")
        await pilot.press("escape")
        await settle(pilot)
        with sqlite_store.unit_of_work() as repo:
            assert repo.plant.deal("D4").status is DealStatus.PENDING
        await pilot.press("f7")
        await pilot.press(*"no capacity")
        await pilot.press("enter")
        await settle(pilot)
    with sqlite_store.unit_of_work() as repo:
        deal = repo.plant.deal("D4")
    assert deal.status is DealStatus.REJECTED and deal.rejection_reason == "no capacity"


async def test_plan_in_the_background_then_lock_and_approve(app, sqlite_store):
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f4")
        await settle(pilot)
        assert "Not planned yet" in str(app.query_one("#assignment-summary").render())
        planning.plan(sqlite_store, PLAN_MONTH, login="plm", options={"horizon": 1})  # the month alone; F5 keeps it
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
        # the life cycle: approval needs the revision in review (the workstation has no
        # submit key yet), so it is submitted through core and the pane reloaded
        assignments.submit(sqlite_store, PLAN_MONTH, "L", login="plm")
        await pilot.press("ctrl+r")
        await settle(pilot)
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
    planning.plan(sqlite_store, PLAN_MONTH, login="plm", first_horizon=1)
    assignments.set_excluded(sqlite_store, PLAN_MONTH, "L", "D2#1", True, login="plm", reason="[/] moved [urgent]")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f4")
        await settle(pilot)
        excluded = app.query_one("#excluded-table", ViewTable)
        excluded.focus()
        excluded.move_cursor(row=excluded.get_row_index("D2#1"))
        await pilot.pause()
        assert "[/] moved [urgent]" in str(app.query_one("#excluded-reason").render())


async def test_a_plan_finishing_after_the_month_changed_does_not_blank_the_new_month(app, sqlite_store, monkeypatch):
    planning.plan(sqlite_store, PLAN_MONTH + 1, login="plm", first_horizon=1)  # the month the user moves to is planned
    release = threading.Event()
    solve = prioritiser.solve

    def slow_solve(problem, **kwargs):  # the plan finishes only after the user has moved on
        release.wait(10)
        return solve(problem, **kwargs)

    monkeypatch.setattr(prioritiser, "solve", slow_solve)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f4")
        await settle(pilot)
        await pilot.press("f5", "right_square_bracket")
        await pilot.pause()
        assert "planning" in str(app.query_one("#assignment-title").render())
        release.set()
        await settle(pilot)
        title = str(app.query_one("#assignment-title").render())
        assert title.startswith(f"{PLAN_MONTH + 1} · L") and "revision 1" in title
        assert app.query_one("#lines-table", ViewTable).row_count > 0


async def test_an_edit_in_the_assignment_refreshes_the_mill_load(app, sqlite_store):
    planning.plan(sqlite_store, PLAN_MONTH, login="plm", first_horizon=1)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f4")
        await settle(pilot)
        lines = app.query_one("#lines-table", ViewTable)
        lines.focus()
        lines.move_cursor(row=lines.get_row_index("D2#1@M1"))
        await pilot.press("f9", *"no steel", "enter")
        await settle(pilot)
        await pilot.press("f2")  # a pane hidden when the store moved reads again when shown
        await settle(pilot)
        load = app.query_one(LoadPane).report
        # D2#1's 500 t (50 h) left M1 in the plan month: 100 h booked before, 50 h now
        assert load.cells["M1", PLAN_MONTH].booked_hours == pytest.approx(50)


async def test_f8_locks_only_a_line_the_user_is_on(app, sqlite_store):
    planning.plan(sqlite_store, PLAN_MONTH, login="plm", first_horizon=1)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f4")
        await settle(pilot)
        app.query_one("#excluded-table", ViewTable).focus()
        await pilot.press("f8")
        await settle(pilot)
    assert not any(line.locked for line in planning.latest(sqlite_store, PLAN_MONTH, "L").lines)


async def test_a_pane_switch_never_paints_the_new_pane_over_the_old_panes_keys(app):
    """Textual's footer follows the focus two refreshes late: each frame sent to the terminal
    after a switch (by key or a click on a tab) shows the new pane with its own keys."""
    frames: list[tuple[str, tuple[str, ...]]] = []
    display = app._display  # where a frame goes to the terminal

    def painted(screen, renderable) -> None:
        if renderable is not None and not app._batch_count:  # a frame the terminal gets
            frames.append((app.query_one(TabbedContent).active, footer_words(app)))
        display(screen, renderable)

    app._display = painted
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for key, pane in (("f3", "deals"), ("f4", "assignment"), ("2", "deals"), ("1", "load"), ("click", "deals")):
            before = footer_words(app)
            frames.clear()
            if key == "click":
                await pilot.click("#--content-tab-deals")
            else:
                await pilot.press(key)
            await settle(pilot)
            await pilot.pause(0.1)
            after = footer_words(app)
            assert after != before and frames[-1] == (pane, after)
            assert [f for f in frames if f[0] == pane and f[1] == before] == [], key
