"""Quitting the workstation while it solves — a plan (Assignment pane) or a promise (Deals
pane): the app is gone within 2 s of the quit, the solver's process (CBC) with it, and
nothing of the abandoned call is saved."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest

from millplan.core.planning import promise
from millplan.core.planning import run as planning
from millplan.core.planning.options import PlanOptions
from millplan.solver.control import Cancelled
from millplan.tui.app import MillplanApp
from tests.busy_plant import OPTIONS, busy_plant
from tests.plants import PLAN_MONTH, deal, position
from tests.rows import row_counts
from tests.solver_processes import cbc_children
from tests.tui.pilot import SIZE

PANES = {"plan": ("f4", "f5", planning, "plan"), "promise": ("f3", "p", promise, "promise_deal")}
"""What is solved → the pane's key, the key that starts it, and the core function it calls."""


@pytest.fixture
def busy_cbc(sqlite_store):
    """The busy plant, with deal W waiting for acceptance, planned once (1 s), its month's
    options then set to CBC with a 60 s limit: every later plan or promise of it runs CBC
    for up to a minute."""
    busy_plant(sqlite_store)
    with sqlite_store.unit_of_work() as repo:
        repo.plant.upsert_portfolio(
            {},
            [deal("W", "Other Co", "pending")],
            [position("W", 1, "20", 300, 80_000, product_line="A")],
            "test",
            "fixture",
        )
    planning.plan(sqlite_store, PLAN_MONTH, login="plm", options={**OPTIONS, "time_limit": 1.0}, first_horizon=1)
    with sqlite_store.unit_of_work() as repo:
        latest = repo.assignments.assignment(PLAN_MONTH, "A")
        options = PlanOptions.from_dict(latest.options).changed(solver="cbc", time_limit=60.0)
        repo.assignments.set_options(latest, options.as_dict(), "plm", "options set", {"position": "A0#1"})
    return sqlite_store


@pytest.mark.parametrize("solving", list(PANES))
async def test_quitting_while_solving_stops_the_solver_and_saves_nothing(busy_cbc, monkeypatch, solving):
    pane, key, module, name = PANES[solving]
    before = row_counts(busy_cbc)
    ended = threading.Event()
    how: list[str] = []
    call = getattr(module, name)

    def watched(*args, **kwargs):  # the pane's call, watched to see how it ends
        try:
            result = call(*args, **kwargs)
            how.append("finished")
            return result
        except Cancelled:
            how.append("cancelled")
            raise
        finally:
            ended.set()

    monkeypatch.setattr(module, name, watched)
    app = MillplanApp(busy_cbc, "plm", month=PLAN_MONTH)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(pane)
        await pilot.app.workers.wait_for_complete()  # the pane's rows read
        await pilot.pause()
        await pilot.press(key)
        for _ in range(300):  # until CBC runs (the inputs read, the model built)
            await pilot.pause(0.1)
            if cbc_children():
                break
        assert cbc_children(), "CBC should be running"
        quit_pressed = time.monotonic()
        await pilot.press("q")
    assert time.monotonic() - quit_pressed < 2  # the app is gone: it did not wait for the solve
    assert cbc_children() == []  # killed as the app closed
    assert await asyncio.to_thread(ended.wait, 15)  # the call's thread ends soon after
    assert how == ["cancelled"]
    assert row_counts(busy_cbc) == before  # no draft, no notification, no audit entry
