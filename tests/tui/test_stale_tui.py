"""The Stale deals pane through the pilot at 80×24: the ledger, its filters and sort, an
action with its reason dialog, and a refusal shown as a notification."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import text
from textual import events
from textual.widgets import Input

from millplan.core.domain.months import today_set
from millplan.core.views.stale import stale_view
from millplan.core.workflow import stale
from millplan.tui.app import MillplanApp
from millplan.tui.screens.dialogs import FormScreen
from millplan.tui.widgets.stale_pane import StalePane
from millplan.tui.widgets.view_table import ViewTable
from tests.stale_plant import TODAY, stale_plant
from tests.tui.pilot import SIZE, footer_keys, messages, settle, text_of


@pytest.fixture
def plant(sqlite_store):
    with today_set(TODAY):
        stale_plant(sqlite_store)
        yield sqlite_store


async def open_stale(pilot) -> ViewTable:
    await settle(pilot)
    await pilot.press("6")
    await settle(pilot)
    return pilot.app.query_one("#stale-table", ViewTable)


def keys(table: ViewTable) -> list[str]:
    return [row.key.value for row in table.ordered_rows]


async def test_the_ledger_with_its_detail_and_keys_fits_80_columns(plant):
    app = MillplanApp(plant, "plm")
    async with app.run_test(size=SIZE) as pilot:
        table = await open_stale(pilot)
        assert keys(table) == ["A#1", "B#1", "C#1", "D#1", "F#1"]
        detail = text_of(app, "#stale-detail")
        assert "A#1 · Key Co · KEY ACCOUNT · manager Иванов А. С." in detail and "stale: overdue" in detail
        shown = footer_keys(app)
        assert {"x", "e", "p", "c"} <= set(shown) and "u" not in shown  # restore: only a cancelled or closed one


async def test_reason_filter_text_filter_and_sort(plant):
    app = MillplanApp(plant, "plm")
    async with app.run_test(size=SIZE) as pilot:
        table = await open_stale(pilot)
        await pilot.press("r")  # overdue
        await settle(pilot)
        assert keys(table) == ["A#1", "F#1"]
        assert "reason: overdue" in text_of(app, "#stale-status")
        for _ in range(5):  # unplanned, idle, no mill, cancelled/closed, any
            await pilot.press("r")
        await settle(pilot)
        await pilot.press("o")  # MI at stake, highest first; none (no mill) last
        await pilot.pause()
        assert keys(table) == ["C#1", "B#1", "A#1", "D#1", "F#1"]
        await pilot.press("slash")
        await pilot.press(*"петров", "enter")
        await settle(pilot)
        assert keys(table) == ["B#1"]


async def test_cancel_with_a_reason_removes_the_row_and_tells_the_sales_manager(plant):
    app = MillplanApp(plant, "plm")
    async with app.run_test(size=SIZE) as pilot:
        table = await open_stale(pilot)
        assert table.selected["key"] == "A#1"
        await pilot.press("x")
        await pilot.press(*"client left", "enter")
        await settle(pilot)
        assert "A#1" not in keys(table)
        assert "Cancelled: A#1 · told ivanov" in messages(app)
    with plant.reading() as repo:
        assert repo.plant.position("A", 1).tonnes_cancelled == 100.0


async def test_extend_through_the_form(plant):
    app = MillplanApp(plant, "plm")
    async with app.run_test(size=SIZE) as pilot:
        await open_stale(pilot)
        await pilot.press("e")
        await pilot.press(*"2027-09", "enter", *"letter 1", "enter", *"client asked", "enter")
        await settle(pilot)
    with plant.reading() as repo:
        assert str(repo.plant.position("A", 1).requested_month) == "2027-09"


async def test_extend_reads_the_month_as_typed_and_keeps_the_dialog_open_on_a_wrong_one(plant, russian):
    app = MillplanApp(plant, "plm")
    async with app.run_test(size=SIZE) as pilot:
        await open_stale(pilot)
        await pilot.press("у")  # e in the Russian layout
        await pilot.press(*"сентябрь 20277", "enter")
        await settle(pilot)
        field = app.screen.query_one("#field-month", Input)
        # the dialog stays, the text kept, the error at the field, the cursor in it
        assert isinstance(app.screen, FormScreen) and field.has_focus and field.value == "сентябрь 20277"
        error = app.screen.query_one("#error-month")
        assert error.display and "не месяц: введите, например, мар 2027" in str(error.render())
        await pilot.press("backspace", "enter", *"письмо 1", "enter", *"просьба клиента", "enter")
        await settle(pilot)
        assert not isinstance(app.screen, FormScreen)
    with plant.reading() as repo:
        assert str(repo.plant.position("A", 1).requested_month) == "2027-09"


async def test_a_sales_manager_sees_no_actions_and_is_refused(plant):
    app = MillplanApp(plant, "ivanov")
    async with app.run_test(size=SIZE) as pilot:
        await open_stale(pilot)
        assert "x" not in footer_keys(app)
        app.query_one(StalePane).action_cancel()
        await pilot.pause()
        assert any("only the product-line manager of L may" in m for m in messages(app))


async def test_priority_then_close_and_restore_on_keys(plant):
    app = MillplanApp(plant, "plm")
    async with app.run_test(size=SIZE) as pilot:
        table = await open_stale(pilot)
        await pilot.press("p")
        await pilot.press("ctrl+a", "ctrl+k", "2", "enter", *"strategic", "enter")
        await settle(pilot)
        await pilot.press("c")
        await pilot.press(*"client takes what was made", "enter")
        await settle(pilot)
        assert "A#1" not in keys(table)
    with plant.reading() as repo:
        a = repo.plant.position("A", 1)
    assert a.manual_priority == 2 and a.completed


async def test_r_steps_to_the_cancelled_and_closed_positions_where_u_restores(plant):
    app = MillplanApp(plant, "plm")
    async with app.run_test(size=SIZE) as pilot:
        table = await open_stale(pilot)
        await pilot.press("x", *"client left", "enter")  # cancel A#1
        await settle(pilot)
        for _ in range(5):  # overdue, unplanned, idle, no mill, cancelled/closed
            await pilot.press("r")
        await settle(pilot)
        assert keys(table) == ["A#1"]
        assert "1 cancelled or closed" in text_of(app, "#stale-status")
        detail = text_of(app, "#stale-detail")
        assert "cancelled on" in detail and "by Line Manager" in detail and "100 t cancelled" in detail
        shown = set(footer_keys(app))
        assert "u" in shown and not {"x", "e", "p", "c"} & shown
        await pilot.press("u", *"client is back", "enter")
        await settle(pilot)
        assert keys(table) == []
        await pilot.press("r")  # back to the whole ledger
        await settle(pilot)
        assert "A#1" in keys(table)
    with plant.reading() as repo:
        assert repo.plant.position("A", 1).tonnes_cancelled == 0.0


async def test_a_new_sort_or_filter_puts_the_cursor_on_the_first_row(plant):
    app = MillplanApp(plant, "plm")
    async with app.run_test(size=SIZE) as pilot:
        table = await open_stale(pilot)
        table.move_cursor(row=table.row_count - 1)  # F#1, the last row
        await pilot.pause()
        assert table.selected["key"] == "F#1"
        await pilot.press("o")  # MI at stake, highest first: C#1 on top
        await pilot.pause()
        assert table.cursor_row == 0 and table.selected["key"] == "C#1"
        table.move_cursor(row=table.row_count - 1)
        await pilot.pause()
        await pilot.press("r")  # overdue: A#1, F#1
        await settle(pilot)
        assert table.cursor_row == 0 and table.selected["key"] == "A#1"


NARROW = ("position", "key_account", "why_brief", "tonnes_left", "margin_at_stake")


async def test_the_narrow_columns_show_whole_at_80_columns_with_room_for_a_scrollbar(plant):
    with plant.unit_of_work() as repo:  # a long name, as the plant's customers have
        repo.session.execute(
            text("UPDATE customers SET name = 'Трубная торговая компания Север' WHERE name = 'Key Co'")
        )
    app = MillplanApp(plant, "plm")
    async with app.run_test(size=SIZE) as pilot:
        table = await open_stale(pilot)
        columns = {c.key.value: c for c in table.ordered_columns}
        shown = [c.key.value for c in table.ordered_columns][:8]
        assert shown == [*NARROW, "customer", "sales_manager", "months_overdue"]
        # every header whole; the narrow form up to the manager fits 80 columns less a scrollbar
        for c in table.ordered_columns[:8]:
            assert c.get_render_width(table) - 2 * table.cell_padding >= len(c.label.plain), c.label.plain
        # (the manager's column widens to the edge: the months late, a figure, start past it)
        widths = [c.get_render_width(table) for c in table.ordered_columns]
        assert sum(widths[:6]) + 2 * table.cell_padding + len("Иванов А.С.") <= SIZE[0] - 2 <= sum(widths[:7])
        assert columns["sales_manager"].get_render_width(table) - 2 * table.cell_padding >= 6
        row = table.get_row("A#1")
        assert (row[1].plain, row[2].plain) == ("yes", "overdue")
        assert row[6].plain == "Иванов А.С." and row[5].no_wrap and row[5].overflow == "ellipsis"


async def test_the_status_names_the_sort_by_its_header(plant):
    app = MillplanApp(plant, "plm")
    async with app.run_test(size=SIZE) as pilot:
        await open_stale(pilot)
        await pilot.press("o")
        await pilot.pause()
        status = text_of(app, "#stale-status")
        assert "sort: MI, kRUB" in status and "margin_at_stake" not in status


@pytest.fixture
def reads(monkeypatch) -> list[dict]:
    """Every read of the ledger from the store (its filters), the reads done all the same."""
    done: list[dict] = []
    real = stale.ledger

    def counted(store, **filters):
        done.append(filters)
        return real(store, **filters)

    monkeypatch.setattr(stale, "ledger", counted)
    return done


async def test_the_text_filter_is_the_tables_own_and_reads_nothing_from_the_store(plant, reads):
    app = MillplanApp(plant, "plm")
    async with app.run_test(size=SIZE) as pilot:
        table = await open_stale(pilot)
        assert not app.query_one(StalePane).query(Input)  # one filter box: the workstation's
        assert reads == [{}]  # the whole ledger, once
        await pilot.press("slash", *"петров")  # no Enter: the rows narrow as one types
        await pilot.pause()
        assert keys(table) == ["B#1"]
        assert text_of(app, "#table-count") == "1 of 5 rows match “петров”"
        await pilot.press("ctrl+u", *"unplanned", "enter")  # a reason's words
        await pilot.pause()
        assert keys(table) == ["B#1", "F#1"] and table.has_focus
        await pilot.press("r")  # overdue: A#1 and F#1, of which F#1 is also unplanned
        await pilot.pause()
        assert keys(table) == ["F#1"]
        assert text_of(app, "#table-count") == "1 of 2 rows match “unplanned”"
        assert text_of(app, "#stale-status").startswith("2 stale · reason: overdue")
        await pilot.press("o")
        await pilot.pause()
        assert keys(table) == ["F#1"]  # the sort keeps the filter
        assert reads == [{}]  # neither the filter nor the reason nor the sort read again


async def test_keys_sent_in_one_burst_after_ctrl_u_or_backspace_are_all_typed(plant, russian):
    """``tmux send-keys C-u 'clie'`` left the filter empty: every key is queued before the
    first is handled, as a paste or a fast typist's keys come."""
    app = MillplanApp(plant, "plm")
    async with app.run_test(size=SIZE) as pilot:
        table = await open_stale(pilot)
        await pilot.press("slash", *"арктика")
        await settle(pilot)
        box = app.query_one("#table-filter-input", Input)

        async def burst(*keys: str) -> None:
            for key in keys:  # posted at once, none handled before the last is sent
                app.post_message(events.Key(key, key if len(key) == 1 else None))
            await settle(pilot)

        await burst("ctrl+u", *"петр")
        assert box.value == "петр" and keys(table) == ["B#1"]
        await burst(*["backspace"] * 6, *"клиент-27")
        assert box.value == "клиент-27"


async def test_the_palettes_filter_command_types_into_the_tables_filter(plant):
    app = MillplanApp(plant, "plm")
    async with app.run_test(size=SIZE) as pilot:
        table = await open_stale(pilot)
        app.query_one(StalePane).action_filter()
        await pilot.pause()
        await pilot.press(*"key", "enter")
        await pilot.pause()
        assert table.filter_text == "key" and keys(table) == ["A#1", "F#1"]


async def test_in_russian_the_reason_words_filter_and_the_count_says_of_how_many(plant, russian):
    app = MillplanApp(plant, "plm")
    async with app.run_test(size=SIZE) as pilot:
        table = await open_stale(pilot)
        await pilot.press("slash", *"просрочена", "enter")
        await pilot.pause()
        assert keys(table) == ["A#1", "F#1"]
        assert text_of(app, "#table-count").startswith("2 из 5 строк")


async def test_a_store_change_reads_again_and_keeps_the_filter(plant, reads):
    app = MillplanApp(plant, "plm")
    async with app.run_test(size=SIZE) as pilot:
        table = await open_stale(pilot)
        await pilot.press("slash", *"key co", "enter")
        await pilot.pause()
        assert keys(table) == ["A#1", "F#1"]
        await pilot.press("x", *"client left", "enter")  # cancel A#1
        await settle(pilot)
        assert len(reads) == 2 and keys(table) == ["F#1"]
        assert text_of(app, "#table-count") == "1 of 4 rows match “key co”"


async def test_the_headline_count_is_grouped(plant, monkeypatch):
    real = stale.ledger

    def many(store, **filters):  # 1 651 stale positions: A#1 over and over
        found = real(store, **filters)
        first = found.rows[0]
        rows = tuple(replace(first, position=replace(first.position, position_no=n)) for n in range(1, 1652))
        return replace(found, rows=rows)

    monkeypatch.setattr(stale, "ledger", many)
    app = MillplanApp(plant, "plm")
    async with app.run_test(size=SIZE) as pilot:
        await open_stale(pilot)
        assert text_of(app, "#stale-status").startswith("1 651 stale")
        assert text_of(app, "#table-count") == "1 651 of 1 651 rows"
    assert stale_view(many(plant)).title.startswith("Stale deals: 1 651 (")  # the CLI's title too
