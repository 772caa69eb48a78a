"""A plant whose whole-position plan keeps a solver busy for seconds: for the tests of
time limits and of cancelling a solve.

``busy_plant(store, lines)``: each product line (codes from ``lines``) has four mills of
different speeds and conversion costs, hours for about half the open tonnes, and
:data:`POSITIONS` accepted positions of random size, price and month (seeded, so every
run builds the same plant), a fifth of them key accounts. Planned with whole positions
over :data:`HORIZON` months it is a large knapsack that neither HiGHS nor CBC proves optimal
within 30 s — so a plan of it stops at a time limit or a cancel, never at its optimum.
"""

from __future__ import annotations

import random

from millplan.core.domain.people import Role, User
from millplan.storage.store import Store
from tests.plants import PLAN_MONTH, build, deal, mill, position

POSITIONS = 160
HORIZON = 3
OPTIONS = {"whole": True, "horizon": HORIZON}
"""The plan options that make the plan hard."""

SPEEDS = (8.0, 10.0, 12.0, 15.0)
"""t/h of the four mills of a line."""


def busy_plant(store: Store, lines: tuple[str, ...] = ("A",), *, users: bool = True) -> None:
    """Write the plant (see the module) and, with ``users``, the line manager ``plm`` of
    all its lines (without, anyone may plan: the command line's tests)."""
    rng = random.Random(8)
    mills, norms, deals, positions = [], {}, [], []
    for line in lines:
        open_tonnes = 0.0
        for p in range(POSITIONS):
            number = f"{line}{p}"
            tonnes = rng.randint(20, 400)
            open_tonnes += tonnes
            deals.append(deal(number, "Key Co" if p % 5 == 0 else "Other Co"))
            positions.append(
                position(
                    number,
                    1,
                    "20",
                    tonnes,
                    rng.randint(45_000, 90_000),
                    product_line=line,
                    requested_month=str(PLAN_MONTH + rng.randrange(HORIZON)),
                )
            )
        hours = open_tonnes / 2 / HORIZON / sum(SPEEDS)  # each mill-month: half the tonnes over the horizon
        for i, speed in enumerate(SPEEDS):
            code = f"{line}-M{i + 1}"
            mills.append(mill(code, ["20"], round(hours), 1_000 + 700 * i, product_line=line))
            norms[code] = speed
    build(store, mills, norms, {"Key Co": True, "Other Co": False}, deals, positions)
    if not users:
        return
    with store.unit_of_work() as repo:
        repo.users.save_user(User("plm", "Line Manager", Role.LINE_MANAGER, lines), by="setup")
