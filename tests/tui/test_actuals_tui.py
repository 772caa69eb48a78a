"""The plan-vs-actual pane through the pilot at 80×24 on tests/fulfilment_plant.py: key 5
shows it; the month in progress charts the highlighted mill cumulatively, any other month
every mill as bars; ``s`` steps through chart, to date, positions, hours and carry-over,
each table whole at 80 columns; ``[ ]``
change month and say when there is nothing approved."""

from __future__ import annotations

from datetime import date

import pytest
from textual.widgets import ContentSwitcher

from millplan.core.domain.months import today_set
from millplan.tui.app import MillplanApp
from millplan.tui.widgets.actuals.chart import FulfilmentChart
from millplan.tui.widgets.actuals.pane import ActualsPane
from millplan.tui.widgets.view_table import ViewTable
from tests.fulfilment_plant import planned_month
from tests.plants import PLAN_MONTH
from tests.tui.pilot import SIZE, settle, text_of


def _whole(table: ViewTable) -> bool:
    """The table is on screen and every column fits its width at 80 columns: nothing to
    scroll sideways to, no column cut at the edge."""
    return table.region.width > 0 and table.virtual_size.width <= table.scrollable_content_region.width


def _screen(widget) -> str:
    """The text ``widget`` shows on screen, row by row."""
    return "\n".join(widget.render_line(y).text for y in range(widget.region.height))


@pytest.fixture
def store(sqlite_store):
    planned_month(sqlite_store)
    return sqlite_store


async def test_the_month_in_progress_charts_the_highlighted_mill_and_steps_through_sections(store):
    with today_set(date(PLAN_MONTH.year, PLAN_MONTH.month, 11)):
        app = MillplanApp(store, "plm")
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("5")
            await settle(pilot)
            pane = app.query_one(ActualsPane)
            assert pane.month == PLAN_MONTH and pane.region.height > 0  # the current month, on screen
            assert f"{PLAN_MONTH} · L · revision 1 · in progress · to date 10 days" == text_of(app, "#actuals-title")
            assert "credited 440 (55.0 %) · off plan 80" in text_of(app, "#actuals-headline")
            mills = app.query_one("#actuals-mills", ViewTable)
            assert mills.has_focus and mills.selected_key == "M1"
            assert mills.selected["actual_to_date"] == 380.0
            chart = app.query_one(FulfilmentChart)
            assert chart.drawn == "cumulative M1" and chart.region.height >= 8  # room to read it
            # the chart names the mill it charts, its legend and the keys that chart another
            assert chart.heading == "M1: ·· plan · █ actual, t (↑↓ in the mills: another mill)"
            assert chart.heading in _screen(chart)
            planned, made = chart.series["plan"], chart.series["actual"]
            assert len(made) == 10 and made[-1] == 380.0 and planned[-1] == pytest.approx(700.0)  # as given
            assert (chart.axis.ticks[0], chart.axis.limit) == (0.0, 750.0)  # from 0, just above the month's plan
            await pilot.press("down")
            await settle(pilot)
            assert chart.drawn == "cumulative M2" and chart.heading.startswith("M2: ")
            assert pane.history_key() == "M2"  # h: the highlighted mill's history
            assert _whole(mills)
            await pilot.press("s")
            await pilot.pause()
            assert app.query_one("#actuals-lower", ContentSwitcher).current == "actuals-to-date"
            to_date = app.query_one("#actuals-to-date", ViewTable)
            assert [to_date.get_row_at(i)[0].plain for i in range(to_date.row_count)] == ["M1", "M2"]
            assert to_date.get_row_at(0)[2].plain == "380" and _whole(to_date)
            await pilot.press("s")
            await pilot.pause()
            assert app.query_one("#actuals-lower", ContentSwitcher).current == "actuals-positions"
            positions = app.query_one("#actuals-positions", ViewTable)
            assert positions.region.height > 0 and positions.get_row_at(0)[0].plain == "D2#1"  # largest shortfall
            assert _whole(positions)  # the Carry column, last, shows its numbers whole
            await pilot.press("s")
            await pilot.pause()
            assert _whole(app.query_one("#actuals-income", ViewTable))
            await pilot.press("s", "s", "s", "s")  # round to the positions
            await pilot.pause()
            await pilot.press("tab")
            await pilot.pause()
            assert positions.has_focus and pane.history_key() == "D2#1"  # the focused table's position
            await pilot.press("s", "s")
            await pilot.pause()
            carry = app.query_one("#actuals-carry", ViewTable)
            assert [carry.get_row_at(i)[0].plain for i in range(carry.row_count)] == ["D2#1", "D3#1"]
            assert "[Left to make]" in text_of(app, "#actuals-sections")  # the month is not over yet
            assert "Carry" not in text_of(app, "#actuals-sections")
            assert positions.columns[positions.ordered_columns[-1].key].label.plain.startswith("To make")


async def test_a_finished_month_charts_every_mill_and_a_month_without_approval_says_so(store):
    with today_set(date(PLAN_MONTH.year + 1, PLAN_MONTH.month, 1)):
        app = MillplanApp(store, "plm")
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("5")
            pane = app.query_one(ActualsPane)
            while pane.month != PLAN_MONTH:  # back to the planned month, a year ago
                await pilot.press("left_square_bracket")
            await settle(pilot)
            chart = app.query_one(FulfilmentChart)
            assert chart.drawn == "bars M1 M2"
            assert chart.series == {"plan": [700.0, 100.0], "actual": [480.0, 40.0]}  # tonnes as given
            assert chart.axis.labels == ("0", "250", "500", "750")  # bars from 0, a round top, few labels
            assert "in progress" not in text_of(app, "#actuals-title")
            assert "Carry-over" in text_of(app, "#actuals-sections")  # the month is over: carried over
            await pilot.press("left_square_bracket")
            await settle(pilot)
            assert pane.month == PLAN_MONTH - 1
            assert "no approved assignment" in text_of(app, "#actuals-title")
            assert f"line L has no approved assignment for {PLAN_MONTH - 1}" in text_of(app, "#actuals-headline")
            assert app.query_one(FulfilmentChart).drawn == "nothing"  # no empty bars on a made-up scale
