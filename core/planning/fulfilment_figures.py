"""A line's plan against actual as plain data — the ``millplan actuals --json`` document of
one product line — and back: the month close stores it as the line's frozen figures, and
a closed line is shown from them (:func:`from_figures`), never recomputed.

Tonnes and hours are numbers rounded to 3 decimals (t, h), money strings with two decimals
(RUB), fulfilment a percentage rounded to 2 decimals (``None`` where nothing was planned),
days ISO dates.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from millplan.core.domain.actuals import MonthClose
from millplan.core.domain.fulfilment import Figures, LineFulfilment, MillFulfilment, PositionFulfilment
from millplan.core.domain.months import Month
from millplan.core.domain.numbers import money


def totals_figures(f: Figures) -> dict[str, Any]:
    """``totals`` of a document: planned, actual, credited and off-plan t, fulfilment %, and
    marginal income planned and earned (RUB)."""
    return {
        "planned_t": round(f.planned_t, 3),
        "actual_t": round(f.actual_t, 3),
        "credited_t": round(f.credited_t, 3),
        "off_plan_t": round(f.off_plan_t, 3),
        "fulfilment_pct": None if f.fulfilment_pct is None else round(f.fulfilment_pct, 2),
        "marginal_income_planned_rub": money(f.mi_planned),
        "marginal_income_earned_rub": money(f.mi_earned),
    }


def line_figures(line: LineFulfilment) -> dict[str, Any]:
    """The document of one line: ``month``, ``product_line``, the approved ``revision`` in
    force (``null``: none), when and by whom it was approved, ``to_date`` (``null`` unless
    the month is in progress: ``today``, ``through`` — the last day counted — and ``days``
    counted), ``totals``, ``mills``, ``positions`` and ``carry_over`` ({position, tonnes})."""
    return {
        "month": str(line.month),
        "product_line": line.product_line,
        "revision": line.revision,
        "approved_at": line.approved_at.isoformat() if line.approved_at else None,
        "approved_by": line.approved_by,
        "to_date": None
        if line.today is None
        else {
            "today": line.today.isoformat(),
            "through": line.through.isoformat() if line.through else None,
            "days": line.days_to_date,
        },
        "totals": totals_figures(line.totals),
        "mills": [
            {
                "mill": m.mill_code,
                "product_line": line.product_line,
                **totals_figures(m.figures),
                "hours_used": round(m.hours_used, 3),
                "hours_available": round(m.hours_available, 3),
                "planned_to_date_t": None if m.planned_to_date_t is None else round(m.planned_to_date_t, 3),
                "actual_to_date_t": None if m.actual_to_date_t is None else round(m.actual_to_date_t, 3),
                "actual_by_day_t": [round(t, 3) for t in m.actual_by_day],
            }
            for m in line.mills
        ],
        "positions": [
            {
                "position": p.position_ref,
                "product_line": line.product_line,
                "key_account": p.is_key_account,
                "planned_on": list(p.planned_on),
                "made_on": list(p.made_on),
                **totals_figures(p.figures),
                "carry_over_t": round(p.carry_over_t, 3),
            }
            for p in line.positions
        ],
        "carry_over": [{"position": c.position_ref, "tonnes": round(c.tonnes, 3)} for c in line.carry_over],
    }


def from_figures(closed: MonthClose, closer: str | None = None) -> LineFulfilment:
    """The :class:`LineFulfilment` of a closed line: the :func:`line_figures` document frozen
    at the close, with the close's carry-over and ``closer`` (who closed it, for people). Raises ``KeyError`` or ``ValueError`` for
    figures of another shape."""
    document = closed.figures
    to_date = document["to_date"]
    return LineFulfilment(
        Month.parse(document["month"]),
        document["product_line"],
        document["revision"],
        datetime.fromisoformat(document["approved_at"]) if document["approved_at"] else None,
        document["approved_by"],
        tuple(
            MillFulfilment(
                m["mill"],
                _figures(m),
                m["hours_used"],
                m["hours_available"],
                m["planned_to_date_t"],
                m["actual_to_date_t"],
                tuple(m["actual_by_day_t"]),
            )
            for m in document["mills"]
        ),
        tuple(
            PositionFulfilment(
                p["position"],
                p["key_account"],
                _figures(p),
                tuple(p["planned_on"]),
                tuple(p["made_on"]),
                p["carry_over_t"],
            )
            for p in document["positions"]
        ),
        closed.carry_over,
        date.fromisoformat(to_date["today"]) if to_date else None,
        closed,
        closer,
    )


def _figures(row: dict[str, Any]) -> Figures:
    return Figures(
        row["planned_t"],
        row["actual_t"],
        row["credited_t"],
        Decimal(row["marginal_income_planned_rub"]),
        Decimal(row["marginal_income_earned_rub"]),
    )
