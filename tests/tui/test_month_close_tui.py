"""The assignment pane after a month (pilot at 80×24, tests/month_loop.py): a plan of the
next month while the month before is not closed shows the warning as a notification; once
it is closed, the carried-over position is marked in the plan's lines."""

from __future__ import annotations

from millplan.core.workflow import month_close
from millplan.tui.app import MillplanApp
from millplan.tui.widgets.view_table import ViewTable
from tests.month_loop import NEXT_MONTH, after_month, approved_month, produce
from tests.plants import PLAN_MONTH
from tests.tui.pilot import SIZE, messages, settle


async def _plan_next_month(store) -> tuple[list[str], set[str]]:
    """Plan NEXT_MONTH with F5 in the assignment pane as ``plm``: the warnings notified and
    the positions the lines table shows as carried over."""
    app = MillplanApp(store, "plm", month=NEXT_MONTH)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f4")
        await settle(pilot)
        await pilot.press("f5")
        await settle(pilot)
        rows = app.query_one("#lines-table", ViewTable)._rows.values()
        return [m for m in messages(app) if "is not closed" in m], {r["position"] for r in rows if r["carried_over"]}


async def test_planning_after_an_unclosed_month_notifies_the_warning_then_marks_the_carry_over(sqlite_store):
    produce(sqlite_store, approved_month(sqlite_store))
    with after_month():
        warned, carried = await _plan_next_month(sqlite_store)
        assert warned == [
            f"{PLAN_MONTH} is not closed for L: its actuals are not final and its carry-over is not in this plan; "
            f"close it with `millplan month close {PLAN_MONTH} --line L`"
        ]
        assert carried == set()
        month_close.close_month(sqlite_store, PLAN_MONTH, login="plm")
        assert await _plan_next_month(sqlite_store) == ([], {"D1#1 ↻"})
