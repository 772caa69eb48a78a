"""The month in progress in the workstation at 80×24 (the April plant of
tests/progress_plant.py on the 16th, half of April made): the Mill load pane books the
approved plan less what is made against the hours left; the assignment pane shows made
lines as made after a re-plan."""

from __future__ import annotations

import pytest

from millplan.core.domain.months import today_set
from millplan.core.planning import run as planning
from millplan.tui.app import MillplanApp
from millplan.tui.widgets.view_table import ViewTable
from tests.progress_plant import APRIL, TODAY, approve_april, april_plant, write_actuals
from tests.tui.pilot import SIZE, settle, text_of


@pytest.fixture
def half_made(sqlite_store):
    april_plant(sqlite_store)
    approve_april(sqlite_store)
    write_actuals(sqlite_store)
    with today_set(TODAY):
        yield sqlite_store


async def test_the_load_pane_shows_the_current_month_still_to_make_against_the_hours_left(half_made):
    app = MillplanApp(half_made, "plm", month=APRIL)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = app.query_one("#load-table", ViewTable)
        table.move_cursor(row=table.get_row_index("M1"))
        await pilot.pause()
        # M1: (1 900 − 600) + (1 100 − 500) t at 10 t/h = 190 h, of the 150 h left from the 16th
        assert "2027-04: 190/150 h" in text_of(app, "#load-detail")


async def test_a_replan_shows_made_lines_with_their_made_tonnes(half_made):
    planning.plan(half_made, APRIL, login="plm")
    app = MillplanApp(half_made, "plm", month=APRIL)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f4")
        await settle(pilot)
        lines = app.query_one("#lines-table", ViewTable)
        assert "tonnes_made" in [str(key.value) for key in lines.columns]
        lines.move_cursor(row=lines.get_row_index("D2#1@M1"))
        await pilot.pause()
        assert (lines.selected["tonnes"], lines.selected["tonnes_made"]) == (500, 500)
