"""A hand-built plant for the stale-deal ledger, seen on ``TODAY`` (2027-06-15), with the
default limits (overdue > 2 months, unplanned > 90 days, idle ≥ 60 days). Line ``L``,
mills M1 (grades 20, 09Г2С, 10 t/h) and M2 (grade 20, 5 t/h), as tests/plants.py.

=====  ==========  =======  =============  =========================  ==================
pos    customer    tonnes   requested      accepted / else            stale for
=====  ==========  =======  =============  =========================  ==================
A#1    Key Co      100      2027-03        2027-05-01                 overdue
B#1    Other Co    200      2027-06        2027-01-01, never planned  unplanned
C#1    Other Co    300      2027-07        2027-05-01, planned 06,    idle
                                           30 t made on 2027-04-01
D#1    Other Co     50      2027-07        2027-05-01, OD 400         no_mill
E#1    Other Co     80      2027-07        2027-06-01                 (not stale)
F#1    Key Co       60      2027-01        2026-12-01, OD 400         overdue, unplanned, no_mill
G#1    Other Co     70      2027-01        pending                    (not accepted)
H#1    Other Co     90      2027-08        2027-01-01, never planned  (not stale: not due yet)
=====  ==========  =======  =============  =========================  ==================

Every deal is sold by Иванов А. С. (login ``ivanov``) but B's, sold by Петров П. П. (``petrov``).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from millplan.core.domain.actuals import ActualRecord
from millplan.core.domain.assignment import AssignmentLine
from millplan.core.domain.months import Month
from millplan.core.domain.people import Role, User
from millplan.storage.store import Store
from tests.plants import build, deal, mill, position, staff

TODAY = date(2027, 6, 15)


def _deal(number: str, customer: str, accepted: date | None, manager: str = "Иванов А. С.") -> dict:
    values = deal(number, customer, status="accepted" if accepted else "pending", sales_manager=manager)
    values["accepted_at"] = datetime(accepted.year, accepted.month, accepted.day, tzinfo=UTC) if accepted else None
    return values


def stale_plant(store: Store) -> None:
    """Write the plant above, its approved June plan of C#1, the actual of C#1, and the
    staff of tests/plants.py plus ``klm``, line manager of another line ``K``."""
    build(
        store,
        mills=[mill("M1", ["20", "09Г2С"], 100, 1000), mill("M2", ["20"], 40, 2000)],
        norms={"M1": 10.0, "M2": 5.0},
        customers={"Key Co": True, "Other Co": False},
        deals=[
            _deal("A", "Key Co", date(2027, 5, 1)),
            _deal("B", "Other Co", date(2027, 1, 1), manager="Петров П. П."),
            _deal("C", "Other Co", date(2027, 5, 1)),
            _deal("D", "Other Co", date(2027, 5, 1)),
            _deal("E", "Other Co", date(2027, 6, 1)),
            _deal("F", "Key Co", date(2026, 12, 1)),
            _deal("G", "Other Co", None),
            _deal("H", "Other Co", date(2027, 1, 1)),
        ],
        positions=[
            position("A", 1, "20", 100, 50_000, requested_month="2027-03"),
            position("B", 1, "20", 200, 50_000, requested_month="2027-06"),
            position("C", 1, "20", 300, 50_000, requested_month="2027-07"),
            position("D", 1, "20", 50, 50_000, requested_month="2027-07", od_mm=400.0),
            position("E", 1, "20", 80, 50_000, requested_month="2027-07"),
            position("F", 1, "20", 60, 50_000, requested_month="2027-01", od_mm=400.0),
            position("G", 1, "20", 70, 50_000, requested_month="2027-01"),
            position("H", 1, "20", 90, 50_000, requested_month="2027-08"),
        ],
    )
    staff(store)
    with store.unit_of_work() as repo:
        repo.users.save_user(User("klm", "Котов К. К.", Role.LINE_MANAGER, ("K",)), by="setup")
        c1 = repo.plant.position("C", 1)
        draft = repo.assignments.save_draft(
            Month(2027, 6),
            "L",
            [AssignmentLine(c1.id, c1.ref, "M1", 100.0, 10.0, Decimal(1_900_000))],
            [],
            login="setup",
            solver_status="optimal",
            solver_name="test",
            solve_seconds=0.0,
        )
        repo.assignments.approve(repo.assignments.submit(draft, "setup"), "setup")
        repo.actuals.replace([ActualRecord(date(2027, 4, 1), "M1", c1.id, 30.0)], "setup", "fixture")
