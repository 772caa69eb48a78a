"""``millplan capacity``: a mill's hours by month (production planner)."""

from __future__ import annotations

import typer

from millplan.commands.common import JsonOption, emit, err, handled, login_of, month_of, out, store_of
from millplan.core.domain.i18n import _
from millplan.core.domain.months import month_text
from millplan.core.domain.numbers import grouped
from millplan.core.planning import capacity
from millplan.core.views.capacity import capacity_document

app = typer.Typer(help="Mill hours by month (production planner).", no_args_is_help=True)


@app.command("set")
@handled
def capacity_set(
    ctx: typer.Context,
    mill: str = typer.Argument(..., metavar="MILL", help="Mill code."),
    month: str = typer.Argument(..., metavar="MONTH", help="Month, YYYY-MM."),
    hours: float = typer.Argument(..., metavar="HOURS", help="Available hours in that month."),
    reason: str = typer.Option(..., "--reason", help="Why (maintenance, extra shift …)."),
    as_json: bool = JsonOption,
) -> None:
    """Set a mill's hours for a month; that month's draft of its line must then be re-planned."""
    change = capacity.set_hours(store_of(ctx), mill, month_of(month), hours, login=login_of(ctx), reason=reason)
    if as_json:
        emit(capacity_document(change))
        return
    out.print(
        _("{mill} {month}: {before} h → {after} h").format(
            mill=change.mill_code,
            month=month_text(change.month),
            before=grouped(change.before),
            after=grouped(change.after),
        )
    )
    for stale in change.stale:
        err.print(
            _("{month} {line} revision {revision} is stale: re-run the prioritiser before approval").format(
                month=month_text(stale.month), line=stale.product_line, revision=stale.revision
            )
        )
