"""Plan against actual for people and scripts: the mills, positions and carry-over tables of
``millplan actuals`` and the workstation's plan-vs-actual pane, the headline and notes
above them, and the JSON document (one line's :func:`line_figures`, or their combination).

What each figure means: :mod:`millplan.core.planning.fulfilment`.
"""

from __future__ import annotations

from typing import Any

from millplan.core.domain.fulfilment import Figures, LineFulfilment, MonthFulfilment
from millplan.core.domain.i18n import _
from millplan.core.domain.months import Month, date_text, month_over, month_text, plant_clock
from millplan.core.domain.numbers import grouped
from millplan.core.planning.fulfilment_figures import line_figures, totals_figures
from millplan.core.views.tables import Column, TableView, iso


def _tonnes_columns(places: int, *, off_plan: bool = True) -> tuple[Column, ...]:
    """Plan, actual, credited and (unless ``off_plan`` is off) off-plan t with ``places``
    decimals, and fulfilment %."""
    return (
        Column("planned", _("Plan"), _("t"), True, places),
        Column("actual", _("Actual"), _("t"), True, places),
        Column("credited", _("Credited"), _("t"), True, places),
        *((Column("off_plan", _("Off plan"), _("t"), True, places),) if off_plan else ()),
        Column("fulfilment", _("Fulf."), "%", True, 1),
    )


def _tonnes_cells(f: Figures) -> dict[str, Any]:
    return {
        "planned": f.planned_t,
        "actual": f.actual_t,
        "credited": f.credited_t,
        "off_plan": f.off_plan_t,
        "fulfilment": f.fulfilment_pct,
    }


def carry_over_name(month: Month) -> str:
    """What the planned tonnes not made are called: "Carry-over" once ``month`` is over
    (:func:`~millplan.core.domain.months.month_over`), "Left to make" before (the month in
    progress, or a month to come)."""
    return _("Carry-over") if month_over(month) else _("Left to make")


def _line_column(report: MonthFulfilment) -> tuple[Column, ...]:
    """The line column, only when several lines are shown."""
    return (Column("line", _("Line")),) if len(report.lines) > 1 else ()


def _mill_rows(report: MonthFulfilment) -> tuple[dict[str, Any], ...]:
    """One row per mill of every line shown: its tonnes, hours, marginal income (k RUB)
    and, for the month in progress, tonnes to date — every mill table takes its columns
    from these."""
    return tuple(
        {
            "key": m.mill_code,
            "mill": m.mill_code,
            "line": line.product_line,
            **_tonnes_cells(m.figures),
            "planned_to_date": m.planned_to_date_t,
            "actual_to_date": m.actual_to_date_t,
            "to_date_pct": m.actual_to_date_t / m.planned_to_date_t * 100
            if m.planned_to_date_t and m.actual_to_date_t is not None
            else None,
            "hours_used": m.hours_used,
            "hours_available": m.hours_available,
            "hours_pct": m.hours_used / m.hours_available * 100 if m.hours_available > 0 else None,
            "mi_planned": m.figures.mi_planned / 1000,
            "mi_earned": m.figures.mi_earned / 1000,
        }
        for line in report.lines
        for m in line.mills
    )


def mills_view(report: MonthFulfilment) -> TableView:
    """By mill, in whole tonnes so 80 columns hold them: plan, actual, credited and
    off-plan t, fulfilment %. The rows also hold the tonnes to date (``planned_to_date``,
    ``actual_to_date``; ``None`` unless the month is in progress): :func:`to_date_view`
    shows them."""
    columns = (Column("mill", _("Mill")), *_line_column(report), *_tonnes_columns(0))
    return TableView(_("Plan against actual by mill"), columns, _mill_rows(report))


def to_date_view(report: MonthFulfilment) -> TableView:
    """The month in progress by mill: tonnes planned to date (pro rata by calendar day),
    made to date, and the share made (%). No rows for any other month."""
    columns = (
        Column("mill", _("Mill")),
        *_line_column(report),
        Column("planned_to_date", _("Plan to date"), _("t"), True),
        Column("actual_to_date", _("Actual to date"), _("t"), True),
        Column("to_date_pct", _("Made of plan"), "%", True, 1),
    )
    rows = _mill_rows(report) if report.in_progress else ()
    return TableView(_("Plan against actual to date by mill"), columns, rows)


def mill_income_view(report: MonthFulfilment) -> TableView:
    """By mill: hours used by what was made against hours available (and the share), and
    marginal income planned against earned (k RUB) — what 80 columns hold."""
    columns = (
        Column("mill", _("Mill")),
        *_line_column(report),
        Column("hours_used", _("Used"), _("h"), True),
        Column("hours_available", _("Avail."), _("h"), True),
        Column("hours_pct", _("Used"), "%", True),
        Column("mi_planned", _("MI plan"), _("k RUB"), True, money=True),
        Column("mi_earned", _("MI earned"), _("k RUB"), True, money=True),
    )
    return TableView(_("Hours and marginal income by mill"), columns, _mill_rows(report))


def positions_view(report: MonthFulfilment, *, detail: bool = False) -> TableView:
    """By position, the largest shortfall first: key account, plan, actual and credited t,
    fulfilment % and carry-over t ("Carry"; "To make" before the month is over, see
    :func:`carry_over_name`) — what fits 80 columns; with ``detail`` (Excel) also the
    off-plan t and the mills it was planned and made on (``--json`` has them too)."""
    columns = (
        Column("position", _("Position")),
        Column("key_account", _("Key")),
        *_tonnes_columns(1, off_plan=detail),
        Column("carry_over", _("Carry") if month_over(report.month) else _("To make"), _("t"), True, 1),
        *(
            (Column("planned_on", _("Planned on"), wrap=True), Column("made_on", _("Made on"), wrap=True))
            if detail
            else ()
        ),
    )
    rows = tuple(
        {
            "key": p.position_ref,
            "position": p.position_ref,
            "line": line.product_line,
            "key_account": p.is_key_account,
            **_tonnes_cells(p.figures),
            "mi_planned": p.figures.mi_planned,
            "mi_earned": p.figures.mi_earned,
            "carry_over": p.carry_over_t,
            "planned_on": ", ".join(p.planned_on),
            "made_on": ", ".join(p.made_on),
        }
        for line in report.lines
        for p in line.positions
    )
    return TableView(_("Plan against actual by position (largest shortfall first)"), columns, rows)


def carry_over_view(report: MonthFulfilment) -> TableView:
    """Planned tonnes not made, by position: the next month's overdue demand once closed.
    Titled and headed by :func:`carry_over_name` ("Left to make" before the month is over)."""
    name = carry_over_name(report.month)
    columns = (
        Column("position", _("Position")),
        *_line_column(report),
        Column("tonnes", name, _("t"), True, 1),
    )
    rows = tuple(
        {"key": c.position_ref, "position": c.position_ref, "line": line.product_line, "tonnes": c.tonnes}
        for line in report.lines
        for c in line.carry_over
    )
    return TableView(name, columns, rows)


def headline(report: MonthFulfilment) -> str:
    """The month's totals on two lines: plan, actual, credited (fulfilment) and off-plan
    tonnes; marginal income earned of planned."""
    t = report.totals
    return _(
        "Plan {planned} t · actual {actual} · credited {credited} ({pct}) · off plan {off}\n"
        "Marginal income: earned {earned} of {income} k RUB planned"
    ).format(
        planned=grouped(t.planned_t),
        actual=grouped(t.actual_t),
        credited=grouped(t.credited_t),
        pct="—" if t.fulfilment_pct is None else f"{grouped(t.fulfilment_pct, 1)} %",
        off=grouped(t.off_plan_t),
        earned=grouped(t.mi_earned / 1000),
        income=grouped(t.mi_planned / 1000),
    )


def report_notes(report: MonthFulfilment, *, progress: bool = True) -> list[str]:
    """Every line's :func:`notes`, each said once (the month in progress is the same for
    every line)."""
    return list(dict.fromkeys(n for line in report.lines for n in notes(line, progress=progress)))


def notes(line: LineFulfilment, *, progress: bool = True) -> list[str]:
    """What a reader must know of one line's figures: closed (when, by whom, frozen), no
    approved assignment (and, when it made something, that all it made is off-plan), and — unless ``progress`` is off (the
    workstation's title says it) — the month in progress (which days count to date)."""
    said = []
    if line.closed is not None:
        c = line.closed
        said.append(
            (
                _(
                    "line {line} closed for {month} at {at} (plant time) by {who}: the figures are those frozen then "
                    "(incomplete: {reason})"
                )
                if c.incomplete
                else _(
                    "line {line} closed for {month} at {at} (plant time) by {who}: the figures are those frozen then"
                )
            ).format(
                line=line.product_line,
                month=month_text(line.month),
                at=plant_clock(c.closed_at),
                who=line.closer or c.closed_by,
                reason=c.reason,
            )
        )
    if line.revision is None:
        said.append(
            (
                _("line {line} has no approved assignment for {month}: all it made is off-plan")
                if line.totals.actual_t > 0
                else _("line {line} has no approved assignment for {month}")
            ).format(line=line.product_line, month=month_text(line.month))
        )
    if line.today is not None and progress:
        said.append(
            _(
                "{month} is in progress: to date counts {days} days, through {through} (today's report is not in)"
            ).format(
                month=month_text(line.month),
                days=line.days_to_date,
                through=date_text(line.through) if line.through else "—",
            )
        )
    return said


def fulfilment_document(report: MonthFulfilment) -> dict[str, Any]:
    """``millplan actuals --json``. One line: its :func:`line_figures` document (what a
    month close freezes) with ``closed`` and ``notes``. Several: their combination —
    ``month``, ``totals`` over all, every line's ``mills``, ``positions`` and
    ``carry_over`` (each row naming its ``product_line``), and ``lines``: each line's
    revision, approval, to-date, totals, close and notes."""
    documents = [_line_document(line) for line in report.lines]
    if len(documents) == 1:
        return documents[0]
    return {
        "month": str(report.month),
        "totals": totals_figures(report.totals),
        "mills": [m for d in documents for m in d["mills"]],
        "positions": [p for d in documents for p in d["positions"]],
        "carry_over": [dict(c, product_line=d["product_line"]) for d in documents for c in d["carry_over"]],
        "lines": [
            {
                key: d[key]
                for key in (
                    "product_line",
                    "revision",
                    "approved_at",
                    "approved_by",
                    "to_date",
                    "totals",
                    "closed",
                    "notes",
                )
            }
            for d in documents
        ],
    }


def _line_document(line: LineFulfilment) -> dict[str, Any]:
    c = line.closed
    closed = (
        None
        if c is None
        else {"closed_at": iso(c.closed_at), "closed_by": c.closed_by, "incomplete": c.incomplete, "reason": c.reason}
    )
    figures = line_figures(line) if c is None else c.figures  # a closed line: exactly what was frozen
    return {**figures, "closed": closed, "notes": notes(line)}


def cumulative(line: LineFulfilment, mill_code: str) -> tuple[list[int], list[float], list[float]]:
    """The chart of one mill over the month's days: day numbers, the planned tonnes
    cumulated pro rata by calendar day, and the actual tonnes cumulated — for the month in
    progress up to the last day counted to date (yesterday), else every day. Raises
    ``KeyError`` for a mill not in the line."""
    mill = next((m for m in line.mills if m.mill_code == mill_code), None)
    if mill is None:
        raise KeyError(mill_code)
    days = line.month.days
    planned = [mill.figures.planned_t * d / days for d in range(1, days + 1)]
    counted = line.days_to_date if line.today is not None else days
    made, total = [], 0.0
    for tonnes in mill.actual_by_day[:counted]:
        total += tonnes
        made.append(total)
    return list(range(1, days + 1)), planned, made
