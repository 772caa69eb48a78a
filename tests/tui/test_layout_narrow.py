"""The workstation fitted to a small terminal in Russian: the mill load pane keeps its load
horizon column whole by showing fewer months, and its chart takes the detail lines' room;
the assignment pane's title and mill loads keep to one line each."""

from __future__ import annotations

from textual.widgets import Static

from millplan.core.planning import run as planning
from millplan.tui.app import MillplanApp
from millplan.tui.widgets.load_chart import LoadChart
from millplan.tui.widgets.load_pane import LoadPane
from millplan.tui.widgets.view_table import ViewTable
from tests.plants import PLAN_MONTH, tiny_plant
from tests.tui.pilot import SIZE, footer_keys, settle, text_of


def _shown_width(table: ViewTable) -> int:
    return sum(column.get_render_width(table) for column in table.columns.values())


async def test_the_load_horizon_stays_whole_and_the_months_adapt_to_the_width(sqlite_store, russian):
    tiny_plant(sqlite_store)
    app = MillplanApp(sqlite_store, "plm", month=PLAN_MONTH)
    async with app.run_test(size=(56, 24)) as pilot:
        await settle(pilot)
        table = app.query_one("#load-table", ViewTable)
        months = app.query_one(LoadPane).report.months
        keys = [column.key for column in table.view.columns]
        assert keys[-1] == "horizon" and table.view.columns[-1].header == "Загружен до"
        assert 1 <= len(keys) - 2 < len(months)  # fewer months than the report's
        assert _shown_width(table) <= table.size.width  # the horizon column whole on screen
        await pilot.resize_terminal(140, 24)
        await settle(pilot)
        assert [column.key for column in table.view.columns][1:-1] == [str(m) for m in months]  # room: every month
        assert _shown_width(table) <= table.size.width


async def test_the_table_opens_with_the_words_and_c_switches_to_the_chart(sqlite_store):
    tiny_plant(sqlite_store)
    app = MillplanApp(sqlite_store, "plm", month=PLAN_MONTH)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        chart, detail = app.query_one(LoadChart), app.query_one("#load-detail", Static)
        table = app.query_one("#load-table", ViewTable)
        assert not chart.display and detail.display and "load horizon" in str(detail.render())
        assert table.region.height >= 10  # most of the screen: 8 mills of the demo in sight
        assert footer_keys(app)["c"] == "Chart"
        await pilot.press("c")
        await pilot.pause()
        assert chart.display and not detail.display and chart.region.height >= 9
        await pilot.press("c")
        await pilot.pause()
        assert not chart.display and detail.display


async def test_the_assignment_title_totals_and_mill_loads_take_one_line_each(sqlite_store, russian):
    tiny_plant(sqlite_store)
    planning.plan(sqlite_store, PLAN_MONTH, login="plm", first_horizon=1)
    app = MillplanApp(sqlite_store, "plm", month=PLAN_MONTH)
    async with app.run_test(size=(36, 24)) as pilot:  # a narrow screen: as 30 mills on 80 columns
        await pilot.press("f4")
        await settle(pilot)
        title, summary = app.query_one("#assignment-title"), app.query_one("#assignment-summary")
        assert title.region.height == 1 and summary.region.height == 2
        strip = text_of(app, "#assignment-summary").splitlines()[1]
        assert strip.startswith("M1 ")  # the busiest mill first, in sight
