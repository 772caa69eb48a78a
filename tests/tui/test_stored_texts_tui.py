"""A plan made in an English session reads in Russian in the workstation: the assignment
pane's reasons for what it left out are said in the reader's language; a reason typed by
the planner stays as he typed it."""

from __future__ import annotations

from millplan.core.planning import run as planning
from millplan.core.workflow import assignments
from millplan.tui.app import MillplanApp
from millplan.tui.widgets.view_table import ViewTable
from tests.languages import speaking
from tests.plants import PLAN_MONTH, staff, tiny_plant
from tests.tui.pilot import SIZE, settle


async def test_reasons_written_in_english_read_in_russian_in_the_assignment_pane(sqlite_store, russian):
    with speaking("en"):
        tiny_plant(sqlite_store)
        staff(sqlite_store)
        planning.plan(sqlite_store, PLAN_MONTH, login="plm", first_horizon=1)
        assignments.set_excluded(sqlite_store, PLAN_MONTH, "L", "D2#1", True, login="plm", reason="client waits")
    app = MillplanApp(sqlite_store, "plm", month=PLAN_MONTH)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f4")
        await settle(pilot)
        excluded = app.query_one("#excluded-table", ViewTable)
        excluded.focus()
        said = {}
        for ref in ("D3#2", "D2#1"):
            excluded.move_cursor(row=excluded.get_row_index(ref))
            await pilot.pause()
            said[ref] = str(app.query_one("#excluded-reason").render())
    assert "нет подходящего агрегата: M1: диаметр 400 мм" in said["D3#2"] and "no compatible" not in said["D3#2"]
    assert "исключил(а) Line Manager: client waits" in said["D2#1"]
