"""A small plant whose every pane has something to show, on a fixed date, for the
workstation's snapshot tests (tests/tui/test_snapshots.py): nothing in it depends on the
day the tests run.

Seen on :data:`TODAY` (2026-11-16), line ``L``, mills M1 (grades 20, 09Г2С, 10 t/h, 100 h)
and M2 (grade 20, 5 t/h, 40 h) as tests/plants.py; every deal sold by Иванов А. С. (``ivanov``).

==========  ===========  =====  ======  =========  ==========================================
position    key account  grade  tonnes  requested  what it shows
==========  ===========  =====  ======  =========  ==========================================
Д-0101#1    yes          20     700     2026-11    November plan, approved, 15 days of actuals
Д-0102#1    no           09Г2С  300     2026-11    November plan, approved, 15 days of actuals
Д-0103#1    no           20     300     2026-12    December draft, in review
Д-0103#2    no           20     50      2026-12    OD 400: no mill (excluded; stale: no mill)
Д-0104#1    yes          20     500     2026-12    pending acceptance (the deals pane)
Д-0105#1    no           09Г2С  600     2026-12    December draft; ``ivanov`` asks to raise it
Д-0090#1    no           20     120     2026-08    accepted 2026-06-01, never planned: stale
==========  ===========  =====  ======  =========  ==========================================

Every time the build stamps on a row (approvals, notifications: the real instant) but the
audit log's is set to :data:`STAMP` afterwards, and every solve took 0 s, so the inbox and
the assignment pane show the same on every run. What the build writes in words (the
notifications, the reasons a position is left out) is in the language spoken as it runs.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import sqlalchemy as sa
from sqlmodel import SQLModel

from millplan.core.domain.actuals import ActualRecord
from millplan.core.domain.months import Month, today_set
from millplan.core.planning import run as planning
from millplan.core.workflow import assignments
from millplan.core.workflow.request_raising import request_priority
from millplan.storage.store import Store
from millplan.storage.tables import AssignmentRow, UtcDateTime
from tests.plants import build, deal, mill, position, staff

TODAY = date(2026, 11, 16)
"""The plant's date: November is in progress, December is planned next. Before any day the
tests run, so a real stamp is always after it (see :func:`_stamp`)."""

NOVEMBER, DECEMBER = Month(2026, 11), Month(2026, 12)

STAMP = datetime(2026, 11, 16, 9, 30, tzinfo=UTC)
"""The instant every stamp of the build shows."""


def _deal(number: str, customer: str, accepted: date | None) -> dict:
    values = deal(number, customer, status="accepted" if accepted else "pending")
    values["accepted_at"] = datetime(accepted.year, accepted.month, accepted.day, tzinfo=UTC) if accepted else None
    return values


def snapshot_plant(store: Store) -> None:
    """Write the plant above into the empty, migrated ``store``: November planned, approved
    and half made; December planned and submitted for review; a priority request open."""
    accepted = date(2026, 10, 1)
    with today_set(TODAY):
        build(
            store,
            mills=[
                mill("M1", ["20", "09Г2С"], 100, 1000, name="ТПА 159-426"),
                mill("M2", ["20"], 40, 2000, name="ТЭСА 114-273"),
            ],
            norms={"M1": 10.0, "M2": 5.0},
            customers={"АО «Газстрой»": True, "ООО «Нефтемаш»": False},
            deals=[
                _deal("Д-0101", "АО «Газстрой»", accepted),
                _deal("Д-0102", "ООО «Нефтемаш»", accepted),
                _deal("Д-0103", "ООО «Нефтемаш»", accepted),
                _deal("Д-0104", "АО «Газстрой»", None),
                _deal("Д-0105", "ООО «Нефтемаш»", accepted),
                _deal("Д-0090", "ООО «Нефтемаш»", date(2026, 6, 1)),
            ],
            positions=[
                position("Д-0101", 1, "20", 700, 50_000, requested_month=str(NOVEMBER)),
                position("Д-0102", 1, "09Г2С", 300, 80_000, requested_month=str(NOVEMBER)),
                position("Д-0103", 1, "20", 300, 40_000, requested_month=str(DECEMBER)),
                position("Д-0103", 2, "20", 50, 40_000, requested_month=str(DECEMBER), od_mm=400.0),
                position("Д-0104", 1, "20", 500, 90_000, requested_month=str(DECEMBER)),
                position("Д-0105", 1, "09Г2С", 600, 85_000, requested_month=str(DECEMBER)),
                position("Д-0090", 1, "20", 120, 45_000, requested_month="2026-08"),
            ],
        )
        staff(store)
        with today_set(NOVEMBER.first_day):  # planned before the month began: its whole capacity
            planning.plan(store, NOVEMBER, login="plm", first_horizon=1)
            assignments.submit(store, NOVEMBER, "L", login="plm")
            assignments.approve(store, NOVEMBER, "L", login="plm")
        _produce(store)
        planning.plan(store, DECEMBER, login="plm", first_horizon=1)
        assignments.submit(store, DECEMBER, "L", login="plm")
        request_priority(store, "Д-0105#1", raise_=True, login="ivanov", why="клиент ждёт к Новому году")
    _stamp(store)


def _produce(store: Store) -> None:
    """November's first 15 days: 30 t of Д-0101#1 a day on M1 and 20 t of Д-0102#1 on M1."""
    with store.reading() as repo:
        ids = {p.ref: p.id for p in repo.plant.positions()}
    records = []
    for day in range(1, TODAY.day):
        at = date(TODAY.year, TODAY.month, day)
        records += [ActualRecord(at, "M1", ids["Д-0101#1"], 30.0), ActualRecord(at, "M1", ids["Д-0102#1"], 20.0)]
    with store.unit_of_work() as repo:
        repo.actuals.replace(records, "planner", "test actuals")


def _stamp(store: Store) -> None:
    """Set every stored time later than :data:`TODAY` (those the build stamped with the real
    instant) to :data:`STAMP`, and every solve's seconds to 0; the dates the plant was given
    (acceptances) stay. The audit log keeps its real times (it is append-only, and only the
    history screen shows them)."""
    after = datetime(TODAY.year, TODAY.month, TODAY.day + 1, tzinfo=UTC)
    with store.engine.begin() as connection:
        connection.execute(sa.update(AssignmentRow).values(solve_seconds=0.0))
        for table in SQLModel.metadata.sorted_tables:
            if table.name == "audit_log":
                continue
            for column in table.columns:
                if isinstance(column.type, UtcDateTime):
                    connection.execute(sa.update(table).where(column > after).values({column.name: STAMP}))
