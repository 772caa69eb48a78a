"""A plant whose plan leaves hundreds of key-account positions short: the approval pane
with a crowd of conflicts.

``conflicted_plant``: :func:`tests.plants.staff` and one mill M1 on line L making 100 t
(10 h × 10 t/h, grade 20) for :data:`POSITIONS` key-account positions of 10 t each (deals
K1…K310, sold by ivanov), every one requested in :data:`~tests.plants.PLAN_MONTH`. The
plan makes the ten best-paying whole and leaves :data:`CONFLICTS` short, each one a
conflict; ``plm`` escalates the first of them, ivanov asks to raise the last, and the
draft is submitted for review.
"""

from __future__ import annotations

from decimal import Decimal

from millplan.core.domain.workflow import Conflict
from millplan.core.planning import run as planning
from millplan.core.workflow import assignments, conflicts, request_raising
from millplan.storage.store import Store
from tests.plants import PLAN_MONTH, build, deal, mill, position, staff

POSITIONS = 310
MADE = 10
"""Positions the 100 t of M1 make (10 t each)."""
CONFLICTS = POSITIONS - MADE
PRICE = 60_000
"""RUB/t of K1; each later deal is 10 RUB/t cheaper, so the plan makes K1…K10."""
CONVERSION = 1_000
"""RUB/t M1's conversion costs."""
METAL = 30_000


def unit_margin(n: int) -> Decimal:
    """RUB/t deal Kn earns on M1: price − metal − conversion."""
    return Decimal(PRICE - 10 * (n - 1) - METAL - CONVERSION)


MARGIN_AT_STAKE = sum(10 * unit_margin(n) for n in range(MADE + 1, POSITIONS + 1))
"""RUB the short positions would earn: 10 t × unit margin of K11…K310."""


def conflicted_plant(store: Store) -> list[Conflict]:
    """Build and plan the plant (see the module); return the open conflicts, oldest first."""
    numbers = [f"K{n}" for n in range(1, POSITIONS + 1)]
    build(
        store,
        [mill("M1", ["20"], 10, CONVERSION)],
        {"M1": 10.0},
        {"Key Co": True},
        [deal(number, "Key Co") for number in numbers],
        [position(number, 1, "20", 10, PRICE - 10 * i, METAL) for i, number in enumerate(numbers)],
    )
    staff(store)
    planning.plan(store, PLAN_MONTH, login="plm", first_horizon=1)
    found = conflicts.conflicts(store)
    conflicts.escalate(store, found[0].id, login="plm", why="the client's line stops")
    request_raising.request_priority(
        store, found[-1].position_ref, raise_=True, login="ivanov", why="a ship waits", month=PLAN_MONTH
    )
    assignments.submit(store, PLAN_MONTH, "L", login="plm")
    return conflicts.conflicts(store)
