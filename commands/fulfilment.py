"""``millplan actuals``: the month's plan against actual — by mill, by position, the
carry-over — for people (Rich tables) or scripts (``--json``)."""

from __future__ import annotations

from pathlib import Path

import typer

from millplan.commands.common import (
    JsonOption,
    MonthOption,
    XlsxOption,
    emit,
    err,
    handled,
    month_of,
    out,
    render,
    store_of,
)
from millplan.core.domain.i18n import _
from millplan.core.domain.months import month_text
from millplan.core.planning.fulfilment import month_fulfilment
from millplan.core.views.actuals import (
    carry_over_view,
    fulfilment_document,
    headline,
    mill_income_view,
    mills_view,
    positions_view,
    report_notes,
    to_date_view,
)

POSITION_ROWS = 60
"""Positions listed without ``--all`` (the largest shortfalls; ``--json`` gives them all)."""


@handled
def actuals_command(
    ctx: typer.Context,
    month: str = MonthOption,
    line: str | None = typer.Option(None, "--line", "-l", help="Only this product line (default: all)."),
    every: bool = typer.Option(False, "--all", help="List every position, not only the largest shortfalls."),
    xlsx: Path | None = XlsxOption,
    as_json: bool = JsonOption,
) -> None:
    """Plan against actual of a month: against each line's approved revision in force, by
    mill and by position — planned, actual, credited (at most the plan per mill and
    position), off-plan t, fulfilment %, hours used against available, marginal income
    planned against earned; to date for the month in progress; the carry-over. A closed
    month shows the figures frozen at its close. --xlsx writes the same tables to Excel,
    every position, the positions with the mills they were planned and made on."""
    report = month_fulfilment(store_of(ctx), month_of(month), line)
    if as_json:
        emit(fulfilment_document(report))
        return
    if not report.lines:
        err.print(_("No product lines yet: import the mill register (millplan import mills FILE)."))
        return
    for said in report_notes(report):
        out.print(said)
    out.print(_("Plan against actual of {month}").format(month=month_text(report.month)), style="bold")
    out.print(headline(report))
    render(mills_view(report))
    if report.in_progress:
        render(to_date_view(report))
    render(mill_income_view(report))
    positions = positions_view(report)
    if positions.rows:
        render(
            positions,
            limit=None if every else POSITION_ROWS,
            every="--all",
            booked=positions_view(report, detail=True),
        )
    carry = carry_over_view(report)
    if carry.rows:
        render(carry, limit=None if every else POSITION_ROWS, every="--all")
