"""Small hand-checkable plants written straight into a store.

``tiny_plant`` — one product line ``L``, planned for next month, ``PLAN_MONTH`` (see each
test for the arithmetic):

=====  ======================  ==========  =========  ================
mill   grades                  t/h (norm)  hours      conversion RUB/t
=====  ======================  ==========  =========  ================
M1     20, 09Г2С               10          100        1 000
M2     20                      5           40         2 000
=====  ======================  ==========  =========  ================

=====  =========  =====  ======  ========  =========  ===========
deal   key acct   grade  tonnes  price     metal      status
=====  =========  =====  ======  ========  =========  ===========
D1#1   yes        20     700     50 000    30 000     accepted
D2#1   no         09Г2С  600     80 000    30 000     accepted
D3#1   no         20     100     40 000    30 000     accepted
D3#2   no         20     50 (OD 400: no mill)         accepted
D4#1   yes        20     500     90 000    30 000     pending
D5#1   no         20     100     90 000    30 000     accepted, due the month after
=====  =========  =====  ======  ========  =========  ===========
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from millplan.core.domain.months import Month
from millplan.core.domain.people import Role, User
from millplan.storage.store import Store

PLAN_MONTH = Month.current() + 1
"""Next month, so the fixtures never fall into the past (past months cannot be planned)."""


def mill(code: str, grades: list[str], hours: float, conversion: int, **extra: Any) -> dict[str, Any]:
    values = {
        "code": code,
        "name": f"Mill {code}",
        "shop": "S",
        "product_line": "L",
        "product_type": "",
        "od_min_mm": 100.0,
        "od_max_mm": 300.0,
        "wall_min_mm": 5.0,
        "wall_max_mm": 20.0,
        "steel_grades": grades,
        "standards": ["ГОСТ 8732"],
        "speed_m_per_h": 100.0,
        "nominal_hours": hours,
        "conversion_cost": Decimal(conversion),
    }
    values.update(extra)
    return values


def position(
    deal: str, number: int, grade: str, tonnes: float, price: int, metal: int = 30_000, **extra: Any
) -> dict[str, Any]:
    values = {
        "deal_number": deal,
        "position_no": number,
        "product_line": "L",
        "pipe_type": "Б/Ш",
        "od_mm": 200.0,
        "wall_mm": 10.0,
        "steel_grade": grade,
        "standard": "ГОСТ 8732",
        "length_m": 12.0,
        "tonnes_ordered": tonnes,
        "tonnes_opening": 0.0,
        "price": Decimal(price),
        "metal_cost": Decimal(metal),
        "requested_month": str(PLAN_MONTH),
        "manual_priority": None,
        "note": None,
    }
    values.update(extra)
    return values


def deal(number: str, customer: str, status: str = "accepted", sales_manager: str = "Иванов А. С.") -> dict[str, Any]:
    return {
        "number": number,
        "customer": customer,
        "sales_manager": sales_manager,
        "status": status,
        "accepted_at": None,
        "accepted_by": None,
    }


def build(
    store: Store,
    mills: list[dict],
    norms: dict[str, float],
    customers: dict[str, bool],
    deals: list[dict],
    positions: list[dict],
) -> None:
    """Write mills (each with one norm covering its whole range at ``norms[code]`` t/h),
    customers, deals and positions, as an import would."""
    with store.unit_of_work() as repo:
        repo.plant.upsert_mills(mills, "test", "fixture")
        repo.plant.set_norms(
            {
                m["code"]: [
                    {
                        "od_min_mm": m["od_min_mm"],
                        "od_max_mm": m["od_max_mm"],
                        "wall_min_mm": m["wall_min_mm"],
                        "wall_max_mm": m["wall_max_mm"],
                        "tonnes_per_hour": norms[m["code"]],
                    }
                ]
                for m in mills
            },
            "test",
            "fixture",
        )
        repo.plant.upsert_portfolio(customers, deals, positions, "test", "fixture")


def tiny_plant(store: Store) -> None:
    build(
        store,
        mills=[mill("M1", ["20", "09Г2С"], 100, 1000), mill("M2", ["20"], 40, 2000)],
        norms={"M1": 10.0, "M2": 5.0},
        customers={"Key Co": True, "Other Co": False},
        deals=[
            deal("D1", "Key Co"),
            deal("D2", "Other Co"),
            deal("D3", "Other Co"),
            deal("D4", "Key Co", status="pending"),
            deal("D5", "Other Co"),
        ],
        positions=[
            position("D1", 1, "20", 700, 50_000),
            position("D2", 1, "09Г2С", 600, 80_000),
            position("D3", 1, "20", 100, 40_000),
            position("D3", 2, "20", 50, 40_000, od_mm=400.0),
            position("D4", 1, "20", 500, 90_000),
            position("D5", 1, "20", 100, 90_000, requested_month=str(PLAN_MONTH + 1)),
        ],
    )


STAFF = (
    User("admin", "Admin", Role.ADMIN),
    User("plm", "Line Manager", Role.LINE_MANAGER, ("L",)),
    User("planner", "Planner", Role.PLANNER),
    User("director", "Director", Role.DIRECTOR),
    User("ivanov", "Иванов А. С.", Role.SALES_MANAGER),  # sells every deal of tiny_plant
    User("petrov", "Петров П. П.", Role.SALES_MANAGER),
)
"""One user of each role: ``plm`` owns line ``L``; ``ivanov`` is the sales manager of
tiny_plant's deals, ``petrov`` of none of them."""


def replanned_plant(store: Store) -> None:
    """The tiny plant, its revision 1 approved (D1#1 500 t on M1 + 200 t on M2, D2#1 500 t on
    M1), then D2#1 left out and the month re-planned: revision 2 makes all 700 t of D1#1 on
    M1 (+ D3#1 100 t) — a plan's change, audited under the revision."""
    from millplan.core.planning import run as planning
    from millplan.core.workflow import assignments

    tiny_plant(store)
    planning.plan(store, PLAN_MONTH, login="plm", first_horizon=1)
    assignments.submit(store, PLAN_MONTH, "L", login="plm")
    assignments.approve(store, PLAN_MONTH, "L", login="plm")
    assignments.set_excluded(store, PLAN_MONTH, "L", "D2#1", True, login="plm", reason="client waits")
    planning.plan(store, PLAN_MONTH, login="plm", first_horizon=1)


def staff(store: Store) -> None:
    """Register :data:`STAFF` (once users exist, unknown logins are read-only)."""
    with store.unit_of_work() as repo:
        for user in STAFF:
            repo.users.save_user(user, by="setup")
