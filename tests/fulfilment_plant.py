"""tiny_plant (tests/plants.py) with an approved assignment of ``PLAN_MONTH`` for line L and
the month's actuals, hand-checkable (unit marginal income = price − metal − the mill's
conversion cost):

===========  ====  ========  =======  =====================================
position     mill  planned   made     days made (t)
===========  ====  ========  =======  =====================================
D1#1 (key)   M1    300 t     350 t    1st 200, 5th 150: 50 t beyond plan
D2#1         M1    400 t     100 t    12th 100
D3#1         M2    100 t     40 t     2nd 40
D3#1         M1    —         30 t     3rd 30: a mill it was not planned on
===========  ====  ========  =======  =====================================

Unit MI (RUB/t): D1#1 on M1 19 000; D2#1 on M1 49 000; D3#1 on M1 9 000, on M2 8 000.
M1: 10 t/h, 100 h; M2: 5 t/h, 40 h.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from millplan.core.domain.actuals import ActualRecord
from millplan.core.domain.assignment import AssignmentLine
from millplan.storage.store import Store
from tests.plants import PLAN_MONTH, tiny_plant

PLANNED = (
    ("D1#1", "M1", 300.0, 19_000, True),
    ("D2#1", "M1", 400.0, 49_000, False),
    ("D3#1", "M2", 100.0, 8_000, False),
)
"""(position, mill, t, unit MI RUB/t, key account) of the approved revision."""

MADE = (
    ("D1#1", "M1", 1, 200.0),
    ("D1#1", "M1", 5, 150.0),
    ("D2#1", "M1", 12, 100.0),
    ("D3#1", "M2", 2, 40.0),
    ("D3#1", "M1", 3, 30.0),
)
"""(position, mill, day of PLAN_MONTH, t) of the actuals."""


def ids(store: Store) -> dict[str, int]:
    """Position id by ``DEAL#NO``."""
    with store.reading() as repo:
        return {p.ref: p.id for p in repo.plant.positions()}


def save_revision(store: Store, *, approve: bool = True) -> None:
    """Save :data:`PLANNED` as line L's revision of ``PLAN_MONTH``, approved unless told not."""
    rates = {"M1": 10.0, "M2": 5.0}
    by_ref = ids(store)
    lines = [
        AssignmentLine(by_ref[ref], ref, mill, t, t / rates[mill], Decimal(unit) * Decimal(int(t)), is_key_account=key)
        for ref, mill, t, unit, key in PLANNED
    ]
    with store.unit_of_work() as repo:
        draft = repo.assignments.save_draft(
            PLAN_MONTH, "L", lines, [], login="plm", solver_status="optimal", solver_name="test", solve_seconds=0.0
        )
        if approve:
            repo.assignments.approve(repo.assignments.submit(draft, "plm"), "plm")


def store_actuals(store: Store, made=MADE) -> None:
    """Store ``made`` ((position, mill, day of PLAN_MONTH, t)) as the planner would import it."""
    by_ref = ids(store)
    records = [
        ActualRecord(date(PLAN_MONTH.year, PLAN_MONTH.month, day), mill, by_ref[ref], t) for ref, mill, day, t in made
    ]
    with store.unit_of_work() as repo:
        repo.actuals.replace(records, "planner", "test")


def planned_month(store: Store, *, approve: bool = True) -> None:
    """tiny_plant, the revision (approved unless told not) and the actuals."""
    tiny_plant(store)
    save_revision(store, approve=approve)
    store_actuals(store)
