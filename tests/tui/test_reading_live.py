"""A pane's first read runs in a worker thread: while the mill load is still being read the
pane says so, and the screen answers keys at once (another pane is shown and read); the
load appears as soon as its read is done."""

from __future__ import annotations

import threading

from millplan.core.planning import load
from millplan.tui.app import MillplanApp
from millplan.tui.widgets.view_table import ViewTable
from tests.plants import PLAN_MONTH, tiny_plant
from tests.tui.pilot import SIZE, settle, text_of


async def test_keys_answer_while_the_load_is_read(sqlite_store, monkeypatch):
    tiny_plant(sqlite_store)
    release = threading.Event()
    readers: list[threading.Thread] = []
    real = load.mill_load

    def slow_mill_load(store, **kwargs):
        readers.append(threading.current_thread())
        assert release.wait(30), "the test never let the read finish"
        return real(store, **kwargs)

    monkeypatch.setattr(load, "mill_load", slow_mill_load)
    app = MillplanApp(sqlite_store, "plm", month=PLAN_MONTH)
    async with app.run_test(size=SIZE) as pilot:
        load_table = app.query_one("#load-table", ViewTable)
        for _ in range(100):  # the read starts as the app opens
            if readers:
                break
            await pilot.pause(0.01)
        assert readers and readers[0] is not threading.main_thread()
        assert text_of(app, "#load-detail") == "Reading mill load…"
        assert load_table.row_count == 0

        await pilot.press("f3")  # the load still reading: the deals pane is shown and read
        deals = app.query_one("#deals-table", ViewTable)
        for _ in range(200):
            if deals.row_count:
                break
            await pilot.pause(0.01)
        assert app.query_one("TabbedContent").active == "deals"
        assert deals.row_count == 1  # D4, the one waiting for acceptance
        assert load_table.row_count == 0 and not release.is_set()

        release.set()
        await settle(pilot)
        assert load_table.row_count == 2  # M1 and M2
