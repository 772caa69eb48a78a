"""A plant where one plan leaves out many positions of one sales manager, on two lines.

``crowded_plant``: lines L and K, each one mill of 100 t (10 h × 10 t/h, grade 20) filled
by Сидоров's best-paying 100 t position (90 000 RUB/t); every other position (100 t each)
is left out — ivanov's five on L (IL1…IL5, 60 001…60 005 RUB/t) and two on K (IK1, IK2),
petrov's two on L (PL1, PL2, 50 001…50 002 RUB/t). Users: ``plm`` (Петрова Е. В., both
lines), ``ivanov`` (with an e-mail address), ``petrov``; Сидоров is no user.
"""

from __future__ import annotations

from millplan.core.domain.people import Role, User
from millplan.storage.store import Store
from tests.plants import build, deal, mill, position


def crowded_plant(store: Store) -> None:
    """Two lines, L and K, each one mill of 100 t (10 h × 10 t/h) filled by Сидоров's
    best-paying 100 t position; every other position is left out: ivanov's five on L and
    two on K, petrov's two on L."""
    mills = [mill("M1", ["20"], 10, 1000), mill("K1", ["20"], 10, 1000, product_line="K")]
    sellers = {"S": "Сидоров С. С.", "I": "Иванов А. С.", "P": "Петров П. П."}
    plan = [("S", "L", 1, 90_000), ("S", "K", 1, 90_000)]
    plan += [("I", "L", n, 60_000 + n) for n in range(1, 6)] + [("I", "K", n, 60_000 + n) for n in range(1, 3)]
    plan += [("P", "L", n, 50_000 + n) for n in range(1, 3)]
    numbers = {(who, line, n): f"{who}{line}{n}" for who, line, n, _price in plan}
    build(
        store,
        mills,
        {"M1": 10.0, "K1": 10.0},
        {"Co": False},
        [deal(numbers[who, line, n], "Co", sales_manager=sellers[who]) for who, line, n, _price in plan],
        [position(numbers[who, line, n], 1, "20", 100, price, product_line=line) for who, line, n, price in plan],
    )
    with store.unit_of_work() as repo:
        for user in (
            User("plm", "Петрова Е. В.", Role.LINE_MANAGER, ("L", "K")),
            User("ivanov", "Иванов А. С.", Role.SALES_MANAGER, email="ivanov@plant.example"),
            User("petrov", "Петров П. П.", Role.SALES_MANAGER),
        ):
            repo.users.save_user(user, by="setup")
