"""Quitting the workstation while it plans: the app is gone within 2 s, the solver's
process (CBC) with it, and nothing of the abandoned plan is saved."""

from __future__ import annotations

import asyncio
import threading
import time

from sqlmodel import SQLModel, func, select

from core import planning
from core.horizon import PlanOptions
from solver.control import Cancelled
from tests.busy_plant import OPTIONS, busy_plant
from tests.plants import PLAN_MONTH
from tests.solver_processes import cbc_children
from tui.app import MillplanApp

SIZE = (80, 24)


def row_counts(store) -> dict[str, int]:
    with store.reading() as repo:
        return {t.name: repo.session.exec(select(func.count()).select_from(t)).one() for t in SQLModel.metadata.sorted_tables}


async def test_quitting_during_a_plan_stops_the_solver_and_saves_nothing(sqlite_store, monkeypatch):
    busy_plant(sqlite_store)
    planning.plan(sqlite_store, PLAN_MONTH, login="plm", options={**OPTIONS, "time_limit": 1.0})
    with sqlite_store.unit_of_work() as repo:  # the month is re-planned with CBC, for up to a minute
        latest = repo.assignment(PLAN_MONTH, "A")
        options = PlanOptions.from_dict(latest.options).changed(solver="cbc", time_limit=60.0)
        repo.set_options(latest, options.as_dict(), "plm", "options set", {"position": "A0#1"})
    before = row_counts(sqlite_store)
    ended = threading.Event()
    how: list[str] = []
    plan = planning.plan

    def watched(*args, **kwargs):  # the pane's plan, watched to see how it ends
        try:
            result = plan(*args, **kwargs)
            how.append("saved")
            return result
        except Cancelled:
            how.append("cancelled")
            raise
        finally:
            ended.set()

    monkeypatch.setattr(planning, "plan", watched)
    app = MillplanApp(sqlite_store, "plm", month=PLAN_MONTH)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f4")
        await pilot.pause()
        await pilot.press("f5")
        for _ in range(200):  # until CBC runs (the inputs read, the model built)
            await pilot.pause(0.1)
            if cbc_children():
                break
        assert cbc_children(), "CBC should be running"
        await pilot.press("q")
        pressed = time.monotonic()
    assert time.monotonic() - pressed < 2
    assert cbc_children() == []  # killed as the app closed
    assert await asyncio.to_thread(ended.wait, 15)  # the plan's thread ends soon after
    assert how == ["cancelled"]
    assert row_counts(sqlite_store) == before  # no draft, no notification, no audit entry
