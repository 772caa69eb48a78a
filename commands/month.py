"""``millplan month``: close a month (carry-over into the next plan) and see where each
product line's month stands."""

from __future__ import annotations

from pathlib import Path

import typer

from millplan.commands.common import JsonOption, XlsxOption, emit, handled, login_of, month_of, out, render, store_of
from millplan.commands.fulfilment import POSITION_ROWS
from millplan.core.domain.i18n import _
from millplan.core.domain.months import Month, plant_today
from millplan.core.views.month import carry_over_view, closed_heading, closes_document, status_document, status_view
from millplan.core.workflow import month_close

app = typer.Typer(help="Close a month; see which lines are closed.", no_args_is_help=True)


@app.command("close")
@handled
def close(
    ctx: typer.Context,
    month: str = typer.Argument(..., metavar="MONTH", help="The month to close, YYYY-MM (a past month)."),
    line: str | None = typer.Option(None, "--line", "-l", help="Only this product line (default: all yours)."),
    incomplete: bool = typer.Option(False, "--incomplete", help="Close though actuals are missing for some days."),
    reason: str | None = typer.Option(None, "--reason", help="Why it closes incomplete."),
    every: bool = typer.Option(False, "--all", help="List every position carried over, not only the largest."),
    xlsx: Path | None = XlsxOption,
    as_json: bool = JsonOption,
) -> None:
    """Close a month: freeze its plan-vs-actual figures and carry what was planned and not
    made into the next month's plan as overdue demand; the sales managers concerned are told.
    Lists the largest carry-overs (--all or --json: every one)."""
    closed = month_close.close_month(
        store_of(ctx), month_of(month), login=login_of(ctx), product_line=line, incomplete=incomplete, reason=reason
    )
    if as_json:
        emit(closes_document(closed))
        return
    for one in closed:
        out.print(closed_heading(one), soft_wrap=True)
        if one.close.carry_over:
            render(carry_over_view(one.close), limit=None if every else POSITION_ROWS, every="--all")
        else:
            out.print(_("nothing carried over: every planned tonne was made"))
        if one.told:
            out.print(_("told: {who}").format(who=", ".join(one.told)), soft_wrap=True)


@app.command("status")
@handled
def status(
    ctx: typer.Context,
    month: str | None = typer.Argument(None, metavar="MONTH", help="YYYY-MM (default: last month, the one to close)."),
    xlsx: Path | None = XlsxOption,
    as_json: bool = JsonOption,
) -> None:
    """Which product lines' month is closed and by whom, and the days without actuals."""
    asked = month_of(month) if month else Month.of(plant_today()) - 1
    statuses = month_close.month_status(store_of(ctx), asked)
    if as_json:
        emit(status_document(asked, statuses))
        return
    render(status_view(asked, statuses))
