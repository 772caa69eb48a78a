"""The charts through Textual's pilot at 80×24 on the hand-checked tiny plant
(tests/plants.py): the mill load pane's chart of the highlighted mill, and the Approval
pane's chart of the marginal income each mill gains or loses (c)."""

from __future__ import annotations

import re

import pytest

from millplan.tui.app import MillplanApp
from millplan.tui.widgets.approval.headline import Headline
from millplan.tui.widgets.approval.income_chart import IncomeChart
from millplan.tui.widgets.load_chart import LoadChart
from millplan.tui.widgets.load_pane import LoadPane
from millplan.tui.widgets.view_table import ViewTable
from tests.plants import PLAN_MONTH, replanned_plant, tiny_plant
from tests.tui.pilot import SIZE, footer_keys, open_approval, settle, text_of


async def test_the_load_chart_bars_the_highlighted_mills_months_with_capacity_and_horizon(sqlite_store):
    # Nothing planned: M1 books 140 of its 100 h in the plan month and 10 h the month
    # after (150 h in all), M2 nothing.
    tiny_plant(sqlite_store)
    app = MillplanApp(sqlite_store, "plm", month=PLAN_MONTH)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = app.query_one("#load-table", ViewTable)
        table.move_cursor(row=table.get_row_index("M1"))
        await pilot.press("c")  # the chart on asking: the table comes first
        await pilot.pause()
        chart = app.query_one(LoadChart)
        assert chart.display and chart.region.height >= 9 and chart.region.bottom <= SIZE[1] - 1  # above the footer
        months = app.query_one(LoadPane).report.months
        index = months.index(PLAN_MONTH)
        assert chart.series["within"][index] == pytest.approx(100.0)
        assert chart.series["over"][index] == pytest.approx(40.0)  # 140 %: hatched above the line
        assert chart.series["within"][index + 1] == pytest.approx(10.0) and chart.series["over"][index + 1] == 0.0
        assert chart.capacity == 100.0 and chart.axis.limit == 150.0
        horizon = app.query_one("#load-table", ViewTable).selected["horizon"]
        assert index + 0.5 < chart.horizon_x <= index + 2.5  # in the plan month or the one after
        assert horizon.isoformat() in chart.heading and "M1" in chart.heading

        table.move_cursor(row=table.get_row_index("M2"))
        await pilot.pause()
        assert chart.series["within"] == [0.0] * len(months) and "M2" in chart.heading

        assert footer_keys(app)["c"] == "Chart"
        await pilot.press("c")
        await pilot.pause()
        assert not chart.display
        await pilot.press("c")
        await pilot.pause()
        assert chart.display


@pytest.fixture
def replanned(sqlite_store):
    """Revision 1 approved (D1#1 500 t + D2#1 500 t on M1, D1#1 200 t on M2), then D2#1
    excluded and re-planned: revision 2 holds D1#1 700 t + D3#1 100 t on M1."""
    replanned_plant(sqlite_store)
    return sqlite_store


async def test_c_charts_the_marginal_income_each_mill_loses(replanned):
    # M1: 34 000 000 RUB (500 t D1#1 at 19 000 + 500 t D2#1 at 49 000) → 14 200 000;
    # M2: 3 600 000 (200 t D1#1 at 18 000) → 0
    app = MillplanApp(replanned, "plm", month=PLAN_MONTH)
    async with app.run_test(size=SIZE) as pilot:
        pane = await open_approval(pilot, "mills")
        chart = pane.query_one(IncomeChart)
        assert not chart.display  # until asked for
        await pilot.press("c")
        await pilot.pause()
        assert chart.display and chart.region.height >= 9
        assert chart.series == {
            "labels": ["M1", "M2"],
            "gains": [0.0, 0.0],
            "losses": [pytest.approx(-19_800.0), pytest.approx(-3_600.0)],
        }
        assert chart.axis.bottom == -20_000 and 0.0 in chart.axis.ticks
        assert "-23 400 000 RUB" in chart.heading
        await pilot.press("s")  # conflicts: no chart, no key
        await pilot.pause()
        assert not chart.display and "c" not in footer_keys(app)
        await pilot.press("S", "S")  # back to the diff: charted again, as asked
        await pilot.pause()
        assert pane.section == "diff" and chart.display
        await pilot.press("right_square_bracket")  # a month not planned: nothing to chart, no key
        await settle(pilot)
        assert pane.board.diff is None and not chart.display and "c" not in footer_keys(app)
        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert chart.display
        # c again: the positions that change most. D3#1 gains 100 t at 9 000 (+900 k RUB),
        # D1#1 +200 k (700 t on M1 at 19 000 for 500 t on M1 and 200 t on M2 at 18 000),
        # D2#1 loses its 500 t at 49 000 (-24 500 k): the biggest gain first
        await pilot.press("c")
        await pilot.pause()
        assert chart.display and chart.series["labels"] == ["D3#1", "D1#1", "D2#1"]
        assert chart.series["gains"] == [pytest.approx(900.0), pytest.approx(200.0), 0.0]
        assert chart.series["losses"] == [0.0, 0.0, pytest.approx(-24_500.0)]
        assert "by position" in chart.heading and "3 of 3" in chart.heading
        await pilot.press("c")  # a third time: hidden
        await pilot.pause()
        assert not chart.display


async def test_the_charts_speak_russian(replanned, russian):
    app = MillplanApp(replanned, "plm", month=PLAN_MONTH)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        heading = app.query_one(LoadChart).heading
        assert "загружен до" in heading and re.search(r"\d\d\.\d\d\.\d{4}", heading)  # the date as Russians write it
        pane = await open_approval(pilot, "mills")
        await pilot.press("c")
        await pilot.pause()
        assert "всего -23\u00a0400\u00a0000 руб." in pane.query_one(IncomeChart).heading


async def test_the_diff_detail_says_from_which_mills_to_which_and_the_headline_keeps_one_line(replanned, russian):
    app = MillplanApp(replanned, "plm", month=PLAN_MONTH)
    async with app.run_test(size=SIZE) as pilot:
        pane = await open_approval(pilot, "diff")
        table = pane.query_one("#approval-table", ViewTable)
        table.move_cursor(row=table.get_row_index("D1#1"))
        await pilot.pause()
        detail = " ".join(text_of(app, "#approval-detail").split())
        assert detail.endswith("· Агрегаты: M1+M2 → M1"), detail  # 500 t on M1 + 200 t on M2 → 700 t on M1
        assert pane.query_one("#approval-summary").region.height == 1
        # a long name: the keys that do not fit are left out (they are in the footer and F1), no second line
        said = "Line Manager (менеджер товарной линии) · [ ] месяц · l линия · s раздел · h история"
        assert pane.query_one(Headline)._fitted(said) == said.removesuffix(" · h история")
