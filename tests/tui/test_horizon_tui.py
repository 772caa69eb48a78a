"""The workstation's horizon hooks through the pilot at 80×24, on tests/horizon_plant.py:
the load pane books later months from the forecast, the deals pane promises a deal in a
worker (nothing saved), the assignment pane explains and shows how the month was planned."""

from __future__ import annotations

import pytest

from millplan.core.domain.months import month_text
from millplan.core.planning import run as planning
from millplan.core.planning.options import MonthLock
from millplan.tui.app import MillplanApp
from millplan.tui.screens.promise_dialog import PromiseScreen
from millplan.tui.widgets.assignment.pane import AssignmentPane
from millplan.tui.widgets.load_pane import LoadPane
from millplan.tui.widgets.view_table import ViewTable
from tests.horizon_plant import horizon_plant
from tests.plants import PLAN_MONTH, position
from tests.promise_plant import one_mill
from tests.tui.pilot import SIZE, settle


@pytest.fixture
def store(sqlite_store):
    horizon_plant(sqlite_store)
    return sqlite_store


async def test_load_pane_books_later_months_from_the_forecast(store):
    # B#1 (500 t, due m1) locked on M2 in m1: the forecast books 500 t / 5 t/h = 100 h
    # there, where without it B#1 would be booked on its best mill, M1
    planning.plan(
        store, PLAN_MONTH, login="plm", options={"horizon": 2, "locks": (MonthLock("B#1", "M2", PLAN_MONTH + 1),)}
    )
    app = MillplanApp(store, "plm", month=PLAN_MONTH)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        report = app.query_one(LoadPane).report
        assert report.cells["M2", PLAN_MONTH + 1].booked_hours == pytest.approx(100)
        assert report.cells["M1", PLAN_MONTH + 1].booked_hours == pytest.approx(20)  # A#1's 200 late tonnes
        table = app.query_one("#load-table", ViewTable)
        table.move_cursor(row=table.get_row_index("M2"))
        await pilot.pause()
        assert f"from the horizon plan's forecast: {PLAN_MONTH + 1}" in str(app.query_one("#load-detail").render())


async def test_g_on_a_forecast_month_says_whose_forecast_its_load_is(store, russian):
    planning.plan(store, PLAN_MONTH, login="plm", options={"horizon": 2})
    app = MillplanApp(store, "plm", month=PLAN_MONTH)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        pane = app.query_one(LoadPane)
        assert ("L", PLAN_MONTH + 1) in pane.report.forecast_months
        table = app.query_one("#load-table", ViewTable)
        table.move_cursor(row=table.get_row_index("M1"), column=1 + pane.report.months.index(PLAN_MONTH + 1))
        await pilot.press("enter")
        await settle(pilot)
        summary = " ".join(str(app.query_one("#assignment-summary").render()).split())
        assert (
            f"{month_text(PLAN_MONTH + 1)} по линии L ещё не спланирован: его загрузка — прогноз горизонтного "
            f"плана ({month_text(PLAN_MONTH)} L, редакция 1). F5 (или p) спланирует сам {month_text(PLAN_MONTH + 1)}."
        ) == summary


async def test_a_month_over_offers_no_plan(store, russian):
    past = PLAN_MONTH - 3  # two months before the current one
    app = MillplanApp(store, "plm", month=past)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f4")
        await settle(pilot)
        summary = " ".join(str(app.query_one("#assignment-summary").render()).split())
        assert summary == f"{month_text(past)} прошёл, и по линии L он не планировался: прошедший месяц не планируют."
        assert app.query_one(AssignmentPane).check_action("plan", ()) is None  # F5 greyed, not offered


async def test_the_forecast_months_read_as_russian_writes_them(store, russian):
    planning.plan(
        store, PLAN_MONTH, login="plm", options={"horizon": 2, "locks": (MonthLock("B#1", "M2", PLAN_MONTH + 1),)}
    )
    app = MillplanApp(store, "plm", month=PLAN_MONTH)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = app.query_one("#load-table", ViewTable)
        table.move_cursor(row=table.get_row_index("M2"))
        await pilot.pause()
        detail = str(app.query_one("#load-detail").render())
        assert f"горизонт: {month_text(PLAN_MONTH + 1)}" in detail and str(PLAN_MONTH + 1) not in detail


async def test_promise_key_shows_the_answer_in_a_dialog_and_saves_nothing(store):
    app = MillplanApp(store, "plm", month=PLAN_MONTH)
    with store.unit_of_work() as repo:
        audit_before = len(repo.audit.audit_entries(limit=1000))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f3")
        await settle(pilot)
        assert app.query_one("#deals-table", ViewTable).selected["key"] == "P"
        await pilot.press("p")
        await settle(pilot)
        assert isinstance(app.screen, PromiseScreen)
        # 700 t of P#1 wanted in m0: K#1 (key) leaves 200 t of M1 there, so m1 is the first month that holds all
        text = " ".join(str(app.screen.query_one("#promise-text").render()).split())
        assert (
            f"deal P: the requested {PLAN_MONTH} cannot be met; the earliest month for all 700.0 t is {PLAN_MONTH + 1}"
            in text
        )
        assert "nothing saved" in text
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, PromiseScreen)
    with store.unit_of_work() as repo:
        assert len(repo.audit.audit_entries(limit=1000)) == audit_before
        assert repo.assignments.assignment(PLAN_MONTH, "L") is None


async def test_assignment_pane_plans_the_horizon_and_explains_with_shadow_prices(store):
    app = MillplanApp(store, "plm", month=PLAN_MONTH)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f4")
        await settle(pilot)
        await pilot.press("f5")
        await settle(pilot)
        excluded = app.query_one("#excluded-table", ViewTable)
        excluded.focus()
        excluded.move_cursor(row=excluded.get_row_index("A#1"))
        await pilot.pause()
        detail = str(app.query_one("#excluded-reason").render())
        # three months the first time: A#1's other 200 t in m1, M1 in m0 worth 30 000 RUB/h
        assert f"200.0 t planned for {PLAN_MONTH + 1}" in detail and "30 000 RUB/h" in detail
        assert "Planned with: horizon 3 months" in detail


async def test_a_position_typed_in_by_hand_is_promised_too(store):
    app = MillplanApp(store, "plm", month=PLAN_MONTH)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f3")
        await settle(pilot)
        await pilot.press("t")
        await pilot.pause()
        # the line comes from the highlighted deal; M2 is idle in the plan month
        assert app.screen.query_one("#form-line").value == "L"
        await pilot.press("enter")
        for text in ("200", "10", "09Г2С", "ГОСТ 8732", "abc"):
            await pilot.press(*text, "enter")
        await pilot.press(*"40000", "enter", *"30000", "enter")
        await pilot.pause()
        assert not isinstance(app.screen, PromiseScreen)  # "abc" tonnes: refused, focus back on it
        assert app.screen.focused.id == "form-tonnes"
        app.screen.focused.value = "150"
        await pilot.press("enter", "enter", "enter")
        await settle(pilot)
        assert isinstance(app.screen, PromiseScreen)
        text = " ".join(str(app.screen.query_one("#promise-text").render()).split())
        assert f"the requested {PLAN_MONTH} can be met: all 150.0 t on hours the plan leaves free" in text


async def promise_deal_p(app, pilot) -> None:
    """In the deals pane, ask the promise of deal P: its dialog is open."""
    await pilot.press("f3")
    await settle(pilot)
    table = app.query_one("#deals-table", ViewTable)
    table.move_cursor(row=table.get_row_index("P"))
    await pilot.press("p")
    await settle(pilot)
    assert isinstance(app.screen, PromiseScreen)


async def test_the_dialog_lists_each_displaced_position_with_its_lateness_at_80x24(sqlite_store):
    # M1 (1 000 t a month): K#1 (key) 600 t and A#1 400 t fill m0. P#1's 300 t, wanted in
    # m0, push 300 t of A#1 into m1 (free): 300 t·month late, 900 000 RUB; margin
    # 300 × 30 000 − 900 000 = 8 100 000 RUB
    one_mill(
        sqlite_store,
        [position("K", 1, "20", 600, 41_000), position("A", 1, "20", 400, 51_000), position("P", 1, "20", 300, 61_000)],
    )
    app = MillplanApp(sqlite_store, "plm", month=PLAN_MONTH)
    async with app.run_test(size=SIZE) as pilot:
        await promise_deal_p(app, pilot)
        text = " ".join(str(app.screen.query_one("#promise-text").render()).split())
        assert f"the requested {PLAN_MONTH} can be met: all 300.0 t; displaces 1 position" in text
        assert "+8 100 000 RUB, net of 900 000 RUB of lateness caused" in text
        table = app.screen.query_one("#promise-displaced", ViewTable)
        assert [c.label.plain for c in table.columns.values()][:2] == ["Position", "Key"]
        [row] = [[cell.plain for cell in table.get_row(key)] for key in table.rows]
        # not a key account (blank), 300 t from m0 to m1, 300 t·month late, 900 000 RUB, none out
        assert row == [
            "A#1",
            "",
            "300.0",
            str(PLAN_MONTH),
            str(PLAN_MONTH + 1),
            "300.0",
            "900 000",
            "0.0",
            "0",
            "Иванов А. С.",
        ]
        for widget in (table, app.screen.query_one(".dialog-help")):  # all of it on the 80×24 screen
            region = widget.region
            assert region.height > 0 and region.right <= 80 and region.bottom <= 24
        assert table.region.height >= 2  # the header and the row, both shown
        await pilot.press("enter")  # Enter closes, the table focused or not
        await pilot.pause()
        assert not isinstance(app.screen, PromiseScreen)


async def test_the_dialog_warns_when_a_promise_lowers_marginal_income(sqlite_store):
    # A#1 (20 000 RUB/t) fills m0; P#1's 300 t at 1 000 RUB/t, wanted in m0, push 300 t of
    # A#1 a month late (the dialog looks six months ahead, m1 is free):
    # 300 × 1 000 − 300 t·month × 3 000 = −600 000 RUB
    one_mill(sqlite_store, [position("A", 1, "20", 1000, 51_000), position("P", 1, "20", 300, 32_000)], horizon=1)
    app = MillplanApp(sqlite_store, "plm", month=PLAN_MONTH)
    async with app.run_test(size=SIZE) as pilot:
        await promise_deal_p(app, pilot)
        label = app.screen.query_one("#promise-text")
        text = " ".join(str(label.render()).split())
        assert "warning: accepting it would lower the plant's marginal income by 600 000 RUB" in text
        assert label.region.bottom <= 24 and label.region.right <= 80
