"""Tables past the old cap of 500 rows: every row reachable and acted on, the count line,
the filter box (``/``) by words and by column; the ViewTable keeping its cursor by key."""

from __future__ import annotations

from decimal import Decimal

import pytest
from textual.app import App, ComposeResult

from millplan.core.domain.portfolio import DealStatus
from millplan.core.views.tables import Column, TableView
from millplan.tui.app import MillplanApp
from millplan.tui.widgets.view_table import ViewTable
from tests.plants import PLAN_MONTH, build, deal, mill, position
from tests.tui.pilot import SIZE, settle, text_of

DEALS = 700
"""Pending deals in the book: more than the 500 rows a table used to show."""


def crowded_book(store) -> None:
    """``DEALS`` pending deals ``P0001``…: every third of ``Gazprom Co`` (a key account),
    the rest of ``Other Co``; odd deals of grade 09Г2С (only M1 makes it), even of grade
    20 (M1 or M2); deals from ``P0401`` on due the month after ``PLAN_MONTH``."""
    numbers = [f"P{i:04d}" for i in range(1, DEALS + 1)]
    build(
        store,
        mills=[mill("M1", ["20", "09Г2С"], 100, 1000), mill("M2", ["20"], 40, 2000)],
        norms={"M1": 10.0, "M2": 5.0},
        customers={"Gazprom Co": True, "Other Co": False},
        deals=[deal(n, "Gazprom Co" if i % 3 == 0 else "Other Co", status="pending") for i, n in enumerate(numbers)],
        positions=[
            position(
                n,
                1,
                "09Г2С" if i % 2 else "20",
                10,
                60_000,
                requested_month=str(PLAN_MONTH + 1 if i >= 400 else PLAN_MONTH),
            )
            for i, n in enumerate(numbers)
        ],
    )


@pytest.fixture
def app(sqlite_store):
    crowded_book(sqlite_store)
    return MillplanApp(sqlite_store, "plm", month=PLAN_MONTH)


async def open_deals(pilot) -> ViewTable:
    await pilot.press("f3")
    await settle(pilot)
    return pilot.app.query_one("#deals-table", ViewTable)


async def test_the_last_of_700_deals_is_reached_and_accepted(app, sqlite_store):
    async with app.run_test(size=SIZE) as pilot:
        table = await open_deals(pilot)
        assert table.row_count == DEALS
        assert text_of(app, "#table-count") == "700 of 700 rows"
        await pilot.press("end")
        await pilot.pause()
        assert table.selected["key"] == "P0700"
        await pilot.press("f6", "y")
        await settle(pilot)
        assert table.row_count == DEALS - 1 and "P0700" not in table._rows
        assert text_of(app, "#table-count") == "699 of 699 rows"
    with sqlite_store.reading() as repo:
        assert repo.plant.deal("P0700").status is DealStatus.ACCEPTED


async def test_the_filter_narrows_by_words_and_by_column(app):
    async with app.run_test(size=SIZE) as pilot:
        table = await open_deals(pilot)

        async def typed(text: str) -> list[str]:
            await pilot.press("slash", "ctrl+u", *text, "enter")  # ctrl+u: the box emptied first
            await pilot.pause()
            return [table._locations.keys[i] for i in range(table.row_count)]

        gazprom = await typed("gazprom")  # free text: any text column, any case
        assert len(gazprom) == 234 and gazprom[0] == "P0001" and "P0002" not in gazprom
        assert text_of(app, "#table-count") == "234 of 700 rows match “gazprom”"
        assert table.has_focus  # Enter went back to the table
        assert await typed("customer:other") == [k for k in table._rows if k not in gazprom]
        assert await typed("key:yes") == gazprom  # the key-account flag
        assert len(await typed("mill:m1")) == DEALS  # every deal would load M1
        assert await typed("mill:m9") == []
        odd = await typed(f"month:{PLAN_MONTH + 1} gazprom")  # a month and a word: both must hold
        assert odd and all(int(k[1:]) > 400 and k in gazprom for k in odd)
        assert await typed("p0700") == ["P0700"]  # the deal number
        assert await typed("") == list(table._rows)  # an empty filter shows all
        assert text_of(app, "#table-count") == "700 of 700 rows"


async def test_the_filter_keeps_the_cursor_on_its_row_and_acts_on_a_match(app, sqlite_store):
    async with app.run_test(size=SIZE) as pilot:
        table = await open_deals(pilot)
        table.move_cursor(row=table.get_row_index("P0601"))
        await pilot.press("slash", *"gazprom", "enter")
        await pilot.pause()
        assert table.selected["key"] == "P0601"  # still shown: the cursor stays on it
        await pilot.press("end", "f6", "y")
        await settle(pilot)
        assert table.filter_text == "gazprom" and table.row_count == 233  # re-read, still filtered
    with sqlite_store.reading() as repo:
        assert repo.plant.deal("P0700").status is DealStatus.ACCEPTED


class OneTable(App):
    def compose(self) -> ComposeResult:
        yield ViewTable(id="t")


COLUMNS = (Column("name", "Name"), Column("tonnes", "Tonnes", "t", numeric=True, places=1))


def view(count: int, reverse: bool = False, tonnes: float = 1.0) -> TableView:
    rows = [{"key": f"R{i}", "name": f"row {i}", "tonnes": tonnes * i} for i in range(count)]
    return TableView("rows", COLUMNS, tuple(reversed(rows) if reverse else rows))


async def test_show_keeps_the_cursor_on_its_key_and_updates_in_place():
    app = OneTable()
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(ViewTable)
        table.show(view(50_000))
        await pilot.pause()
        assert table.row_count == 50_000 and table.count == (50_000, 50_000)
        table.move_cursor(row=40_000)
        await pilot.pause()
        assert table.selected_key == "R40000"
        assert table.get_row_at(40_000)[0].plain == "row 40000"
        table.show(view(50_000, reverse=True, tonnes=2.0))  # other order, other figures
        await pilot.pause()
        assert table.selected_key == "R40000" and table.cursor_row == 9_999
        assert table.selected["tonnes"] == 80_000.0
        scrolled = table.scroll_y
        table.show(view(50_000, reverse=True, tonnes=2.0))  # the same again: in place, no scroll jump
        await pilot.pause()
        assert table.cursor_row == 9_999 and table.scroll_y == scrolled
        table.show(view(10))  # the row is gone: the cursor stays within the rows
        await pilot.pause()
        assert table.cursor_row == 9 and table.selected_key == "R9"


def _spans(table: ViewTable) -> dict[str, tuple[int, int]]:
    """Column key → (first, last + 1) character of its figures' room (padding left out)."""
    spans, x = {}, 0
    for key, column in table.columns.items():
        width = column.get_render_width(table)
        spans[key.value] = (x + table.cell_padding, x + width - table.cell_padding)
        x += width
    return spans


async def test_a_figure_at_the_edge_is_shown_whole_or_not_at_all():
    """The promise dialog's displaced table at 80 columns cut "2 121 000" to "2 121 0": the
    figure crossing the edge is made whole by the free text before it giving way, or else
    starts past the edge."""
    columns = (
        Column("position", "Position"),
        Column("manager", "Sales manager", wrap=True),
        Column("late", "Late", "t·mo", True, 1),
        Column("penalty", "Penalty", "RUB", True, money=True),
        Column("lost", "Income lost", "RUB", True, money=True),
    )
    row = {"key": "D-26/0140#1", "position": "D-26/0140#1", "manager": "Petrova A. V.", "late": 995.0}
    rows = ({**row, "penalty": Decimal("2121000"), "lost": Decimal("12121000")},)
    app = OneTable()
    async with app.run_test(size=(60, 10)) as pilot:
        table = app.query_one(ViewTable)
        table.show(TableView("displaced", columns, rows))
        await pilot.pause()
        spans = _spans(table)
        # 13 + 24 + 12 + 14 = 63 > 60: the manager gives way, the penalty ends on screen
        assert spans["penalty"][1] <= 60 and spans["manager"][1] - spans["manager"][0] < 22
        assert spans["lost"][0] >= 60  # the next figure starts off screen, whole when scrolled to
        assert table.get_row_at(0)[3].plain == "2 121 000"
        await pilot.resize_terminal(44, 10)  # no text can give that much: the penalty starts off screen
        table.show(TableView("displaced", columns, rows))
        await pilot.pause()
        spans = _spans(table)
        assert spans["late"][1] <= 44 and spans["penalty"][0] >= 44
