"""One revision of a month's assignment for people and scripts: its lines by mill, the
positions excluded with their reasons, the mills' load — tables for ``millplan assignment
show`` and the assignment pane — and the JSON documents of a revision and of a plan run.

Money in documents is a string with two decimals (RUB), tonnes and hours numbers (t, h).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from millplan.core.domain import glyphs
from millplan.core.domain.assignment import Assignment, Exclusion
from millplan.core.domain.i18n import _
from millplan.core.domain.months import month_text
from millplan.core.domain.states import state_label
from millplan.core.planning.run import PlanOutcome
from millplan.core.views.tables import Column, TableView, money


def revision_context(assignment: Assignment) -> str:
    """What a table of the revision is about: ``ТБД · 2027-01 · revision 3 · draft``."""
    return _("{line} · {month} · revision {revision} · {state}").format(
        line=assignment.product_line,
        month=month_text(assignment.month),
        revision=assignment.revision,
        state=state_label(assignment.state),
    )


def lines_view(assignment: Assignment) -> TableView:
    """The assignment's lines, by mill; ``tonnes_made`` the part of a line's tonnes made in
    the month (a re-plan of the month in progress keeps it as made); a position carried over
    from the closed month before is marked :func:`carried_mark` (``carried_over`` in every row)."""
    columns = (
        Column("mill", _("Mill")),
        Column("position", _("Position")),
        Column("key_account", _("Key")),
        Column("tonnes", _("Tonnes"), _("t"), True, 1),
        Column("tonnes_made", _("Made"), _("t"), True, 1),
        Column("hours", _("Hours"), _("h"), True, 1),
        Column("marginal_income", _("Marg. inc."), _("k RUB"), True, money=True),
        Column("locked", _("Locked")),
    )
    rows = tuple(
        {
            "key": f"{line.position_ref}@{line.mill_code}",
            "position_ref": line.position_ref,
            "mill": line.mill_code,
            "position": line.position_ref + carried_mark(line.position_id in assignment.carried_over),
            "carried_over": line.position_id in assignment.carried_over,
            "key_account": line.is_key_account,
            "tonnes": line.tonnes,
            "tonnes_made": line.tonnes_made,
            "hours": line.hours,
            "marginal_income": line.marginal_income / 1000,
            "locked": line.locked,
        }
        for line in sorted(assignment.lines, key=lambda l: (l.mill_code, not l.is_key_account, l.position_ref))
    )
    return TableView(_("Lines"), columns, rows, revision_context(assignment))


def short_reason(exclusion: Exclusion) -> str:
    """The reason in a few words, for a table cell; the full sentence is ``reason``."""
    mill = exclusion.mill_code or ""
    return {
        "no_compatible_mill": _("no compatible mill"),
        "no_hours": _("no hours on {mill}").format(mill=mill),
        "negative_margin": _("negative margin"),
        "capacity_key_accounts": _("{mill} full: key accounts").format(mill=mill),
        "capacity_better_paying": _("{mill} full: better paid").format(mill=mill),
        "manual": _("excluded by hand"),
        "late": _("planned later"),
        "min_lot": _("below minimum lot"),
        "whole": _("does not fit whole"),
        "reserved": _("{mill} held by locks").format(mill=mill),
        "stability": _("kept for stability"),
        "locked": _("capped by its locks"),
        "replan": _("let in: re-plan"),
    }.get(exclusion.reason_code, exclusion.reason_code)


def carried_mark(carried: bool) -> str:
    """After a position's name: `` ↻`` (ASCII `` ~``) when ``carried`` over from the closed
    month before, so overdue here; else nothing."""
    return f" {glyphs.CARRIED}" if carried else ""


def exclusions_view(assignment: Assignment, whole_reasons: bool = False) -> TableView:
    """Positions left out (wholly or partly), with the reason in short — or in full with
    ``whole_reasons`` (every row holds both, ``short_reason`` and ``reason``); hand
    exclusions marked :data:`~millplan.core.domain.glyphs.MANUAL` (✋), carried-over positions
    :func:`carried_mark`."""
    columns = (
        Column("position", _("Position")),
        Column("tonnes", _("Left out"), _("t"), True, 1),
        Column("reason", _("Reason"), wrap=True) if whole_reasons else Column("short_reason", _("Why"), wrap=True),
    )
    rows = tuple(
        {
            "key": e.position_ref,
            "position_ref": e.position_ref,
            "position": e.position_ref
            + (f" {glyphs.MANUAL}" if e.manual else "")
            + carried_mark(e.position_id in assignment.carried_over),
            "manual": e.manual,
            "carried_over": e.position_id in assignment.carried_over,
            "tonnes": e.tonnes_left_out,
            "short_reason": short_reason(e),
            "reason": e.reason,
        }
        for e in assignment.exclusions
    )
    return TableView(_("Excluded"), columns, rows, revision_context(assignment))


def mill_loads_view(assignment: Assignment) -> TableView:
    """Available and booked hours of each mill in the assignment's month."""
    columns = (
        Column("mill", _("Mill")),
        Column("available", _("Available"), _("h"), True),
        Column("booked", _("Booked"), _("h"), True, 1),
        Column("load", _("Load")),
    )
    rows = tuple(
        {
            "key": load.mill_code,
            "mill": load.mill_code,
            "available": load.available_hours,
            "booked": load.booked_hours,
            "load": load,
        }
        for load in assignment.mill_loads
    )
    return TableView(_("Mill load"), columns, rows, revision_context(assignment))


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
                "tonnes_made": round(line.tonnes_made, 3),
                "hours": round(line.hours, 3),
                "marginal_income_rub": money(line.marginal_income),
                "key_account": line.is_key_account,
                "locked": line.locked,
                "carried_over": line.position_id in assignment.carried_over,
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
                "carried_over": e.position_id in assignment.carried_over,
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
        "warnings": [w for o in outcomes for w in o.warnings],
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
