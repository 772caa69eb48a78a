"""A two-mill plant for the horizon plan, small enough to check by hand.

=====  ============  =====  =====================  ====================
mill   grades        t/h    hours every month      conversion RUB/t
=====  ============  =====  =====================  ====================
M1     20, 09Г2С     10     100 (1 000 t)          1 000
M2     09Г2С         5      150 (750 t)            1 000
=====  ============  =====  =====================  ====================

=====  ========  ======  ======  ==================  =============================
pos.   key acct  grade   tonnes  margin RUB/t        requested (PLAN_MONTH = m0)
=====  ========  ======  ======  ==================  =============================
K#1    yes       20      800     10 000 (41 000 − 30 000 − 1 000)  m0
A#1    no        20      400     20 000              m0
B#1    no        09Г2С   500     5 000               m1 (M1 earns 50 000 RUB/h on it, M2 25 000)
P#1    no        20      700     30 000              m0, deal P pending acceptance
=====  ========  ======  ======  ==================  =============================

Planned over two months at the default lateness penalty (3 000 RUB/t·month): K#1's 800 t
on time first (key accounts), then A#1 takes what M1 has left in m0 (200 t) and makes
its other 200 t in m1 (20 000 − 3 000 = 17 000 RUB/t, better than leaving it out), and
B#1 its 500 t in m1 on M1. M1 in m0 is worth 30 000 RUB/h at the margin: one more hour
there would bring 10 t of A#1 forward and save their 3 000 RUB/t of lateness.
"""

from __future__ import annotations

from millplan.core.domain.people import Role, User
from millplan.storage.store import Store
from tests.plants import PLAN_MONTH, build, deal, mill, position


def horizon_plant(store: Store) -> None:
    build(
        store,
        mills=[mill("M1", ["20", "09Г2С"], 100, 1000), mill("M2", ["09Г2С"], 150, 1000)],
        norms={"M1": 10.0, "M2": 5.0},
        customers={"Key Co": True, "Other Co": False, "New Co": False},
        deals=[
            deal("K", "Key Co"),
            deal("A", "Other Co"),
            deal("B", "Other Co", sales_manager="Петров П. П."),
            deal("P", "New Co", status="pending"),
        ],
        positions=[
            position("K", 1, "20", 800, 41_000),
            position("A", 1, "20", 400, 51_000),
            position("B", 1, "09Г2С", 500, 36_000, requested_month=str(PLAN_MONTH + 1)),
            position("P", 1, "20", 700, 61_000),
        ],
    )
    with store.unit_of_work() as repo:
        repo.users.save_user(User("plm", "Line Manager", Role.LINE_MANAGER, ("L",)), by="setup")
