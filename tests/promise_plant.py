"""One mill, small enough to check promises by hand: M1 of grade 20 at 10 t/h (unless
told), 100 h a month (1 000 t), conversion 1 000 RUB/t, and the default lateness penalty
of 3 000 RUB per t·month. Margins: price − metal 30 000 − conversion 1 000 RUB/t. Deals: K
(key account, Ключев К. К.), A (Иванов А. С.), B (Петров П. П.), C and P (pending, New Co);
each test places its positions (:func:`tests.plants.position`)."""

from __future__ import annotations

from millplan.core.domain.months import Month
from millplan.core.domain.people import Role, User
from millplan.core.planning import run as planning
from millplan.storage.store import Store
from tests.plants import PLAN_MONTH, build, deal, mill


def one_mill(store: Store, positions: list[dict], *, norm: float = 10.0, horizon: int = 2) -> None:
    """Write the plant with ``positions`` (t/h ``norm``), users ``plm`` (line manager) and
    ``pp`` (planner), and plan PLAN_MONTH over ``horizon`` months."""
    build(
        store,
        mills=[mill("M1", ["20"], 100, 1000)],
        norms={"M1": norm},
        customers={"Key Co": True, "Other Co": False, "New Co": False},
        deals=[
            deal("K", "Key Co", sales_manager="Ключев К. К."),
            deal("A", "Other Co"),
            deal("B", "Other Co", sales_manager="Петров П. П."),
            deal("C", "Other Co"),
            deal("P", "New Co", status="pending"),
        ],
        positions=positions,
    )
    with store.unit_of_work() as repo:
        repo.users.save_user(User("plm", "Line Manager", Role.LINE_MANAGER, ("L",)), by="setup")
        repo.users.save_user(User("pp", "Planner", Role.PLANNER, ("L",)), by="setup")
    planning.plan(store, PLAN_MONTH, login="plm", options={"horizon": horizon})


def due(month: Month) -> dict:
    """A position's requested month, as :func:`tests.plants.position` takes it."""
    return {"requested_month": str(month)}
