"""The stale ledger at 80 columns: F1 lists every key the pane binds (restore too, marked
where the highlighted position does not allow it); in Russian the reason, the customer and
the manager keep their room."""

from __future__ import annotations

import pytest

from millplan.core.domain.months import today_set
from millplan.tui.app import MillplanApp
from millplan.tui.screens.keys_screen import KeysScreen
from millplan.tui.widgets.view_table import ViewTable
from tests.stale_plant import TODAY, stale_plant
from tests.tui.pilot import SIZE, footer_keys, settle


@pytest.fixture
def plant(sqlite_store):
    with today_set(TODAY):
        stale_plant(sqlite_store)
        yield sqlite_store


async def test_f1_on_the_stale_pane_lists_restore_though_not_offered_on_this_row(plant):
    app = MillplanApp(plant, "plm")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("6")
        await settle(pilot)
        assert "u" not in footer_keys(app)  # an open position: nothing to restore
        await pilot.press("f1")
        await settle(pilot)
        assert isinstance(app.screen, KeysScreen)
        rows = {row.keys: row.description for row in app.screen.rows}
        assert rows["u"] == "Restore (not offered here)"
        assert rows["x"] == "Cancel" and rows["o"] == "Sort"


async def test_the_ledger_in_russian_keeps_its_reason_and_manager_whole_at_80_columns(plant, russian):
    app = MillplanApp(plant, "plm")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("6")
        await settle(pilot)
        table = app.query_one("#stale-table", ViewTable)
        widths = {str(key.value): column.width for key, column in table.columns.items()}
        keys = list(widths)
        shown = keys[: keys.index("sales_manager") + 1]
        assert sum(table.columns[k].get_render_width(table) for k in table.columns if str(k.value) in shown) <= (
            table.size.width
        )  # the reason, the customer and the manager on screen
        assert widths["why_brief"] >= len("просрочена") and widths["sales_manager"] >= len("Менеджер")
