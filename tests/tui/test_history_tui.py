"""The workstation's history (``h``) at 80×24 shows what ``millplan history`` prints —
the same rows, read by one core function — with names for ids and plant times."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from typer.testing import CliRunner

from millplan import cli
from millplan.core.planning import run as planning
from millplan.core.workflow import month_options as plan_options
from millplan.tui.app import MillplanApp
from millplan.tui.screens.records import HistoryScreen
from millplan.tui.widgets.view_table import ViewTable
from tests.plants import PLAN_MONTH, replanned_plant, staff, tiny_plant
from tests.tui.pilot import SIZE, open_approval, settle, text_of


def shown_rows(app) -> list[tuple[str, ...]]:
    """(when, who, action, object) of every row of the history table."""
    table = app.screen.query_one(ViewTable)
    return [tuple(cell.plain for cell in table.get_row_at(i)[:4]) for i in range(table.row_count)]


async def test_a_deals_history_is_the_rows_the_command_line_prints(sqlite_store, monkeypatch):
    monkeypatch.setenv("MILLPLAN_TIMEZONE", "Asia/Yekaterinburg")  # UTC+5
    tiny_plant(sqlite_store)
    url = str(sqlite_store.engine.url)
    printed = json.loads(CliRunner().invoke(cli.app, ["--db", url, "history", "--object", "D4", "--json"]).stdout)
    app = MillplanApp(sqlite_store, "plm", month=PLAN_MONTH)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f3")
        await settle(pilot)
        assert app.query_one("#deals-table", ViewTable).selected["key"] == "D4"
        await pilot.press("h")
        await settle(pilot)
        assert isinstance(app.screen, HistoryScreen)
        assert shown_rows(app) == [(d["when"], d["who"], d["action"], d["object_key"]) for d in printed]
        assert (
            shown_rows(app)[0][0] == f"{datetime.fromisoformat(printed[0]['at']) + timedelta(hours=5):%Y-%m-%d %H:%M}"
        )
        assert text_of(app, "#history-detail").startswith(f"{shown_rows(app)[0][0]} ")  # the plant's clock, not UTC
        assert "customer: Key Co" in text_of(app, "#history-detail") and "customer_id" not in text_of(
            app, "#history-detail"
        )
        assert "customer: Key Co" in [f"{c['field']}: {c['after']}" for c in printed[0]["changes"]]


async def test_a_positions_history_shows_it_made_mandatory_in_a_revision(sqlite_store):
    tiny_plant(sqlite_store)
    staff(sqlite_store)
    planning.plan(sqlite_store, PLAN_MONTH, login="plm", first_horizon=1)
    plan_options.set_mandatory(sqlite_store, PLAN_MONTH, "L", "D3#1", True, login="plm")
    url = str(sqlite_store.engine.url)
    printed = json.loads(CliRunner().invoke(cli.app, ["--db", url, "history", "--object", "D3#1", "--json"]).stdout)
    made = "; ".join(f"{c['field']}: {c['after']}" for c in printed[0]["changes"])
    assert made == f"position: D3#1; month: {PLAN_MONTH}; tonnes: 100 t"  # all D3#1 has left, in the plan month
    app = MillplanApp(sqlite_store, "plm", month=PLAN_MONTH)
    async with app.run_test(size=SIZE) as pilot:
        pane = await open_approval(pilot, "positions")
        table = pane.query_one(ViewTable)
        table.move_cursor(row=table.get_row_index("D3#1"))
        await pilot.pause()
        await pilot.press("h")
        await settle(pilot)
        rows = shown_rows(app)
        assert [(r[1], r[2], r[3]) for r in rows] == [
            ("Line Manager", "made mandatory", f"{PLAN_MONTH} L revision 1"),
            ("test", "created", "D3#1"),  # test: no user
        ]
        assert text_of(app, "#history-detail").endswith(
            f"made mandatory {PLAN_MONTH} L revision 1: {made}"
        )  # as the command line reads it


async def test_a_positions_history_shows_the_replan_that_moved_it(sqlite_store):
    """Revision 2 re-planned after D2#1 was left out moves D1#1 from M1+M2 to M1 alone:
    the diff says so, and so does D1#1's history (r on the approval pane's positions)."""
    replanned_plant(sqlite_store)
    staff(sqlite_store)
    app = MillplanApp(sqlite_store, "plm", month=PLAN_MONTH)
    async with app.run_test(size=SIZE) as pilot:
        pane = await open_approval(pilot, "positions")
        table = pane.query_one(ViewTable)
        table.move_cursor(row=table.get_row_index("D1#1"))
        await pilot.pause()
        await pilot.press("h")
        await settle(pilot)
        rows = shown_rows(app)
        assert ("Line Manager", "re-planned", f"{PLAN_MONTH} L revision 2") in [(r[1], r[2], r[3]) for r in rows]
        history = app.screen.query_one(ViewTable)
        history.move_cursor(row=[r[3] for r in rows].index(f"{PLAN_MONTH} L revision 2"))
        await pilot.pause()
        assert text_of(app, "#history-detail").endswith("D1#1: moved mill: M1+M2 → M1, 700.0 → 700.0 t")
