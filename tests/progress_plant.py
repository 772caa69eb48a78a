"""A month in progress, hand-checkable: April 2027 (30 days), planned and approved on the
1st, half made by the 15th, re-planned on the 16th (15 days left, today included: half
the month's calendar hours).

=====  ===========  =====  ======  ==================
mill   grades       t/h    hours   conversion RUB/t
=====  ===========  =====  ======  ==================
M1     20, 09Г2С    10     300     1 000
M2     20           5      120     2 000
=====  ===========  =====  ======  ==================

=====  ========  =====  ======  ======  ==================================
pos    key acct  grade  tonnes  price   made by the 15th (:data:`MADE`)
=====  ========  =====  ======  ======  ==================================
D1#1   yes       20     2 500   50 000  600 t on M1 (60 h)
D2#1   no        09Г2С  1 200   80 000  500 t on M1 (50 h)
D3#1   no        20     100     40 000  100 t on M2 (20 h): all of it
=====  ========  =====  ======  ======  ==================================

On the 16th 1 900 + 700 = 2 600 t are left. Hours left by the calendar: M1 150 h, M2
60 h; by the actuals: M1 300 − 110 = 190 h, M2 120 − 20 = 100 h — both less than the
2 600 t left need, so the re-plan fills them.
"""

from __future__ import annotations

from datetime import date

from millplan.core.domain.actuals import ActualRecord
from millplan.core.domain.months import Month, today_set
from millplan.core.planning import run as planning
from millplan.core.workflow import assignments
from millplan.storage.store import Store
from tests.plants import build, deal, mill, position

APRIL = Month(2027, 4)
FIRST = date(2027, 4, 1)
MADE_BY = date(2027, 4, 15)
TODAY = date(2027, 4, 16)

MADE = (("D1#1", "M1", 600.0), ("D2#1", "M1", 500.0), ("D3#1", "M2", 100.0))
"""(position, mill, tonnes) made in April by :data:`MADE_BY`."""


def april_plant(store: Store) -> None:
    """Write the plant of this module's table, every position requested in April."""
    build(
        store,
        mills=[mill("M1", ["20", "09Г2С"], 300, 1000), mill("M2", ["20"], 120, 2000)],
        norms={"M1": 10.0, "M2": 5.0},
        customers={"Key Co": True, "Other Co": False},
        deals=[deal("D1", "Key Co"), deal("D2", "Other Co"), deal("D3", "Other Co")],
        positions=[
            position("D1", 1, "20", 2500, 50_000, requested_month=str(APRIL)),
            position("D2", 1, "09Г2С", 1200, 80_000, requested_month=str(APRIL)),
            position("D3", 1, "20", 100, 40_000, requested_month=str(APRIL)),
        ],
    )


def approve_april(store: Store) -> None:
    """Plan April on the 1st (one month, no forecast) and approve it."""
    with today_set(FIRST):
        planning.plan(store, APRIL, login="plm", first_horizon=1)
        assignments.submit(store, APRIL, "L", login="plm")
        assignments.approve(store, APRIL, "L", login="plm")


def write_actuals(store: Store, made: tuple[tuple[str, str, float], ...] = MADE, day: date = MADE_BY) -> None:
    """Store ``made`` (position ref, mill code, t) as actuals of ``day``."""
    with store.reading() as repo:
        ids = {p.ref: p.id for p in repo.plant.positions()}
    with store.unit_of_work() as repo:
        repo.actuals.replace([ActualRecord(day, code, ids[ref], t) for ref, code, t in made], "planner", "test")


def new_hours(lines) -> dict[str, float]:
    """Hours (h) a revision's lines plan on top of what was made, by mill."""
    hours: dict[str, float] = {}
    for line in lines:
        hours[line.mill_code] = hours.get(line.mill_code, 0.0) + line.hours * (1 - line.tonnes_made / line.tonnes)
    return hours
