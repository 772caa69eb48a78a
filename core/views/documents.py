"""JSON documents for scripts (``--json``): plain dicts with stable keys.

Money is written as a string with two decimals (``"1234.50"``) so no script meets a
binary float; tonnes and hours are numbers (t, h); months ``YYYY-MM``; dates ISO 8601.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from millplan.core.domain.errors import InfeasiblePlan, MillplanError
from millplan.core.domain.model import Assignment, Deal, Exclusion
from millplan.core.importing.problems import ImportRejected
from millplan.core.planning.capacity import CapacityChange
from millplan.core.planning.load import LoadReport
from millplan.core.planning.promise import Promise
from millplan.core.planning.run import PlanOutcome
from millplan.core.workflow.deals import DealSummary


def money(value: Decimal) -> str:
    return str(value.quantize(Decimal("0.01")))


def assignment_document(assignment: Assignment) -> dict[str, Any]:
    """One revision: state, lines, excluded positions with reasons, load per mill, totals."""
    return {
        "month": str(assignment.month),
        "product_line": assignment.product_line,
        "revision": assignment.revision,
        "state": assignment.state.value,
        "created_at": assignment.created_at.isoformat(),
        "created_by": assignment.created_by,
        "approved_at": assignment.approved_at.isoformat() if assignment.approved_at else None,
        "approved_by": assignment.approved_by,
        "solver": {
            "status": assignment.solver_status,
            "name": assignment.solver_name,
            "seconds": assignment.solve_seconds,
        },
        "totals": _totals([assignment]),
        "lines": [
            {
                "position": line.position_ref,
                "mill": line.mill_code,
                "tonnes": round(line.tonnes, 3),
                "hours": round(line.hours, 3),
                "marginal_income_rub": money(line.marginal_income),
                "key_account": line.is_key_account,
                "locked": line.locked,
            }
            for line in assignment.lines
        ],
        "excluded": [
            {
                "position": e.position_ref,
                "tonnes_left_out": round(e.tonnes_left_out, 3),
                "reason_code": e.reason_code,
                "reason": e.reason,
                "mill": e.mill_code,
                "manual": e.manual,
                "explanation": _explanation(e),
            }
            for e in assignment.exclusions
        ],
        "options": assignment.options,
        "gap": assignment.gap,
        "moved_lines": assignment.moved_lines,
        "forecast": [
            {
                "position": f.position_ref,
                "mill": f.mill_code,
                "month": str(f.month),
                "tonnes": round(f.tonnes, 3),
                "hours": round(f.hours, 3),
                "marginal_income_rub": money(f.marginal_income),
                "key_account": f.is_key_account,
            }
            for f in assignment.forecast
        ],
        "shadow_prices": [
            {"mill": p.mill_code, "month": str(p.month), "rub_per_hour": money(p.rub_per_hour)}
            for p in assignment.shadow_prices
        ],
        "mill_load": [
            {
                "mill": load.mill_code,
                "available_hours": load.available_hours,
                "booked_hours": round(load.booked_hours, 3),
                "load": None if load.load is None else round(load.load, 4),
            }
            for load in assignment.mill_loads
        ],
    }


def _explanation(e: Exclusion) -> dict[str, Any] | None:
    """The binding mill-month of an exclusion, its shadow price and what the position
    earns per hour there (RUB/h as money strings); ``None`` where the reason has none."""
    if e.month is None and e.shadow_price is None:
        return None
    return {
        "code": e.reason_code,
        "mill": e.mill_code,
        "month": str(e.month) if e.month else None,
        "shadow_price_rub_per_hour": money(e.shadow_price) if e.shadow_price is not None else None,
        "earns_rub_per_hour": money(e.earns_per_hour) if e.earns_per_hour is not None else None,
    }


def _totals(assignments: list[Assignment]) -> dict[str, Any]:
    return {
        "key_account_tonnes": round(sum(a.key_account_tonnes for a in assignments), 3),
        "tonnes": round(sum(a.tonnes for a in assignments), 3),
        "marginal_income_rub": money(sum((a.marginal_income for a in assignments), Decimal(0))),
    }


def plan_document(outcomes: list[PlanOutcome]) -> dict[str, Any]:
    """The result of ``millplan plan``: overall status, month and totals, every line and
    excluded position (each naming its product line), and one entry per assignment."""
    assignments = [o.assignment for o in outcomes]
    documents = [assignment_document(a) for a in assignments]
    gaps = [o.gap for o in outcomes]
    return {
        "status": "optimal"
        if all(o.solver_status == "optimal" for o in outcomes)
        else ("feasible" if all(o.solver_status in ("optimal", "feasible") for o in outcomes) else "error"),
        "month": str(assignments[0].month) if assignments else None,
        "horizon": [
            str(m) for m in assignments[0].month.range(max((a.options or {}).get("horizon", 1) for a in assignments))
        ]
        if assignments
        else [],
        "gap": None if None in gaps else max(gaps, default=0.0),
        "moved_lines": sum(o.moved_lines for o in outcomes),
        "shadow_prices": [dict(p, product_line=d["product_line"]) for d in documents for p in d["shadow_prices"]],
        "forecast": [dict(f, product_line=d["product_line"]) for d in documents for f in d["forecast"]],
        "totals": _totals(assignments),
        "solver": {
            "name": outcomes[0].solver_name if outcomes else None,
            "seconds": round(sum(o.seconds for o in outcomes), 3),
        },
        "lines": [dict(line, product_line=d["product_line"]) for d in documents for line in d["lines"]],
        "excluded": [dict(e, product_line=d["product_line"]) for d in documents for e in d["excluded"]],
        "assignments": [
            {
                "product_line": d["product_line"],
                "revision": d["revision"],
                "state": d["state"],
                "considered": o.considered,
                "totals": d["totals"],
                "mill_load": d["mill_load"],
                "options": d["options"],
                "gap": o.gap,
                "moved_lines": o.moved_lines,
                "notes": o.notes,
            }
            for o, d in zip(outcomes, documents)
        ],
    }


def load_document(report: LoadReport) -> dict[str, Any]:
    """Mill load by month and each mill's load horizon."""
    return {
        "today": report.today.isoformat(),
        "months": [str(m) for m in report.months],
        "unplaceable_tonnes": round(report.unplaceable_tonnes, 3),
        "mills": [
            {
                "mill": mill.code,
                "product_line": mill.product_line,
                "months": [
                    {
                        "month": str(month),
                        "available_hours": report.cells[mill.code, month].available_hours,
                        "booked_hours": round(report.cells[mill.code, month].booked_hours, 3),
                        "load": None
                        if report.cells[mill.code, month].load is None
                        else round(report.cells[mill.code, month].load, 4),
                    }
                    for month in report.months
                ],
                "booked_hours": round(report.horizons[mill.code].booked_hours, 3),
                "horizon": report.horizons[mill.code].until.isoformat() if report.horizons[mill.code].until else None,
            }
            for mill in report.mills
        ],
    }


def deal_state_document(deal: Deal) -> dict[str, Any]:
    """A deal's state after a decision: status, when and by whom accepted, why rejected."""
    return {
        "deal": deal.number,
        "customer": deal.customer,
        "status": deal.status.value,
        "accepted_at": deal.accepted_at.isoformat() if deal.accepted_at else None,
        "accepted_by": deal.accepted_by,
        "rejection_reason": deal.rejection_reason,
    }


def deal_document(summary: DealSummary) -> dict[str, Any]:
    """A deal waiting for acceptance with what it would bring and load."""
    deal = summary.deal
    return {
        "deal": deal.number,
        "customer": deal.customer,
        "key_account": deal.is_key_account,
        "sales_manager": deal.sales_manager,
        "status": deal.status.value,
        "positions": len(summary.positions),
        "tonnes": round(summary.tonnes, 3),
        "marginal_income_rub": money(summary.marginal_income),
        "mill_hours": {code: round(h, 3) for code, h in sorted(summary.mill_hours.items())},
        "unplaceable": list(summary.unplaceable),
        "months": [str(m) for m in summary.months] if summary.months else [],
    }


def promise_document(answer: Promise) -> dict[str, Any]:
    """Capable-to-promise: the requested month and whether it can be met, the earliest
    month (``null``: not within the horizon), whether on free hours alone, the new tonnes
    by month, what is displaced (key flag, sales manager, the month the current plan has
    it in — ``null``: not planned —, lateness caused, tonnes pushed out of the horizon and
    the marginal income lost with them) and the change in marginal income, net of both;
    ``lowers_marginal_income_by_rub`` when accepting it would lower it (else ``null``)."""
    return {
        "subject": answer.subject,
        "plan_month": str(answer.plan_month),
        "horizon": answer.horizon,
        "requested": str(answer.requested),
        "meets_request": answer.meets_request,
        "tonnes": answer.tonnes,
        "earliest": str(answer.earliest) if answer.earliest else None,
        "on_free_hours": answer.on_free_hours,
        "made": answer.made,
        "by_month": {str(m): round(t, 3) for m, t in answer.by_month.items()},
        "displaced": [
            {
                "position": d.position,
                "deal": d.deal,
                "key_account": d.key_account,
                "sales_manager": d.sales_manager,
                "tonnes": d.tonnes,
                "before": str(d.before) if d.before else None,
                "after": str(d.after) if d.after else None,
                "late_tonne_months": d.late_tonne_months,
                "lateness_penalty_rub": money(d.lateness_penalty),
                "out_of_horizon_tonnes": d.out_tonnes,
                "margin_lost_rub": money(d.margin_lost),
            }
            for d in answer.displaced
        ],
        "margin_change_rub": money(answer.margin_change),
        "lateness_penalty_rub": money(answer.lateness_penalty),
        "margin_lost_rub": money(answer.margin_lost),
        "lowers_marginal_income_by_rub": money(answer.margin_loss) if answer.margin_loss is not None else None,
        "unplaceable": list(answer.unplaceable),
        "saved": False,
    }


def error_document(exc: MillplanError) -> dict[str, Any]:
    """A command that failed, for a script that asked for JSON: ``status`` ``rejected`` (an
    import, with the file and its problems), ``infeasible`` or ``error``, the message and
    the exit code the command ends with."""
    if isinstance(exc, ImportRejected):
        return {
            "status": "rejected",
            "message": str(exc),
            "file": exc.path,
            "problems": [p.as_dict() for p in exc.problems],
            "exit_code": exc.exit_code,
        }
    status = "infeasible" if isinstance(exc, InfeasiblePlan) else "error"
    return {"status": status, "message": str(exc), "exit_code": exc.exit_code}


def capacity_document(change: CapacityChange) -> dict[str, Any]:
    """A mill's hours set for a month: before and after (h), and the revisions made stale
    (object keys such as ``2027-01/ТБД/r2``)."""
    return {
        "mill": change.mill_code,
        "month": str(change.month),
        "hours_before": change.before,
        "hours": change.after,
        "stale": [a.key for a in change.stale],
    }
