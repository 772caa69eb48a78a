"""A small plant where the month's draft leaves a key-account position short.

``conflict_plant`` is :func:`tests.plants.tiny_plant` plus one more key-account position:

=====  =========  =====  ======  ========  ===========================
deal   key acct   grade  tonnes  price     unit margin M1 / M2 (RUB/t)
=====  =========  =====  ======  ========  ===========================
D1#1   yes        20     700     50 000    19 000 / 18 000
D6#1   yes        20     600     45 000    14 000 / 13 000
=====  =========  =====  ======  ========  ===========================

M1 makes 1 000 t (100 h × 10 t/h), M2 200 t (40 h × 5 t/h): 1 200 t for 1 300 t of
key-account grade-20 work. Key tonnes first (1 200 t), then margin: D1#1 is planned whole
and D6#1 gets 500 t — **100 t short**, 100 × 14 000 = **1 400 000 RUB** at stake. Forcing
D6#1 in whole (600 t on M1, its best mill) leaves D1#1 100 t short instead: the line's
margin falls by 100 × (19 000 − 14 000) = **500 000 RUB**.
"""

from __future__ import annotations

from decimal import Decimal

from millplan.core.domain.assignment import Assignment
from millplan.core.planning import run as planning
from millplan.storage.store import Store
from tests.plants import PLAN_MONTH, deal, position, staff, tiny_plant

SHORT_TONNES = 100.0
MARGIN_AT_STAKE = Decimal("1400000.00")
FORCE_MARGIN_CHANGE = Decimal("-500000.00")


def conflict_plant(store: Store, *, users: bool = True) -> Assignment:
    """Build the plant, register the staff (unless ``users`` is false: an open store),
    plan :data:`PLAN_MONTH` as ``plm`` and return the draft."""
    tiny_plant(store)
    with store.unit_of_work() as repo:
        repo.plant.upsert_portfolio(
            {"Key Co": True}, [deal("D6", "Key Co")], [position("D6", 1, "20", 600, 45_000)], "test", "fixture"
        )
    if users:
        staff(store)
    [outcome] = planning.plan(store, PLAN_MONTH, login="plm", first_horizon=1)
    return outcome.assignment


def tonnes(assignment: Assignment, ref: str) -> float:
    """Planned tonnes of position ``ref`` over all mills."""
    return round(sum(x.tonnes for x in assignment.lines if x.position_ref == ref), 3)
