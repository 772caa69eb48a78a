"""A month of the tiny plant planned, approved and produced, for the month-close tests.

:func:`approved_month` plans ``PLAN_MONTH`` on its first day (the current month then, so it
may be planned), submits and approves it as the line manager ``plm``: D1#1 700 t (M1 500,
M2 200) and D2#1 500 t (M1) planned. :func:`produce` then stores actuals: D2#1's 500 t on
day 1 and 10 t of D1#1 a day on M1 from day 2 on, leaving D1#1 with 700 − 10 × (days − 1)
t not made — the carry-over (:func:`d1_carry_over`). :func:`after_month` sets the plant's
date into the month after, when ``PLAN_MONTH`` is over and may be closed.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from contextlib import contextmanager
from datetime import date, timedelta

from millplan.core.domain.actuals import ActualRecord
from millplan.core.domain.months import today_set
from millplan.core.domain.people import Role, User
from millplan.core.planning import run as planning
from millplan.core.workflow import assignments
from millplan.storage.store import Store
from tests.plants import PLAN_MONTH, build, deal, mill, position, staff, tiny_plant

NEXT_MONTH = PLAN_MONTH + 1
"""The month after the closed one: the carry-over is due there."""


def month_days() -> list[date]:
    """Every day of ``PLAN_MONTH``."""
    return [PLAN_MONTH.first_day + timedelta(days=i) for i in range(PLAN_MONTH.days)]


def approved_month(store: Store) -> dict[str, int]:
    """The tiny plant with its staff, ``PLAN_MONTH`` planned and approved by ``plm``;
    returns position ids by reference."""
    tiny_plant(store)
    staff(store)
    with today_set(PLAN_MONTH.first_day):
        planning.plan(store, PLAN_MONTH, login="plm", first_horizon=1)
        assignments.submit(store, PLAN_MONTH, "L", login="plm")
        assignments.approve(store, PLAN_MONTH, "L", login="plm")
    with store.reading() as repo:
        return {p.ref: p.id for p in repo.plant.positions()}


def produce(store: Store, ids: dict[str, int], *, skip: Collection[int] = ()) -> None:
    """Store the month's actuals (see the module), but for the days numbered in ``skip``."""
    records = []
    for day in month_days():
        if day.day in skip:
            continue
        if day.day == 1:
            records.append(ActualRecord(day, "M1", ids["D2#1"], 500.0))
        else:
            records.append(ActualRecord(day, "M1", ids["D1#1"], 10.0))
    with store.unit_of_work() as repo:
        repo.actuals.replace(records, "planner", "test actuals")


def d1_carry_over(skip: Collection[int] = ()) -> float:
    """Tonnes of D1#1 planned and not made when :func:`produce` skipped the days ``skip``."""
    made = sum(10.0 for day in month_days() if day.day != 1 and day.day not in skip)
    return 700.0 - made


@contextmanager
def after_month(day: int = 2) -> Iterator[None]:
    """Within the block the plant's date is day ``day`` of :data:`NEXT_MONTH`."""
    with today_set(NEXT_MONTH.first_day + timedelta(days=day - 1)):
        yield


def second_line(store: Store) -> int:
    """Add product line ``K`` to :func:`approved_month`'s plant — mill K1, deal D6 (position
    D6#1, 300 t) and its manager ``kpm`` — plan and approve ``PLAN_MONTH`` for it, and store
    10 t of D6#1 on K1 every day of the month: ``K`` is ready to close. Returns D6#1's id."""
    build(
        store,
        mills=[mill("K1", ["20"], 100, 1000, product_line="K")],
        norms={"K1": 10.0},
        customers={"Other Co": False},
        deals=[deal("D6", "Other Co")],
        positions=[position("D6", 1, "20", 300, 50_000, product_line="K")],
    )
    with store.unit_of_work() as repo:
        repo.users.save_user(User("kpm", "K Line Manager", Role.LINE_MANAGER, ("K",)), by="setup")
    with today_set(PLAN_MONTH.first_day):
        planning.plan(store, PLAN_MONTH, login="kpm", product_line="K", first_horizon=1)
        assignments.submit(store, PLAN_MONTH, "K", login="kpm")
        assignments.approve(store, PLAN_MONTH, "K", login="kpm")
    with store.reading() as repo:
        [d6] = [p.id for p in repo.plant.positions() if p.ref == "D6#1"]
    with store.unit_of_work() as repo:
        repo.actuals.replace([ActualRecord(day, "K1", d6, 10.0) for day in month_days()], "planner", "test actuals")
    return d6
