"""``millplan assignment``: show a month's assignment, and edit its draft (locks, mandatory
positions, exclusions)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import typer

from millplan.commands.common import (
    JsonOption,
    LineOption,
    MonthOption,
    PositionArgument,
    XlsxOption,
    emit,
    err,
    handled,
    login_of,
    month_of,
    out,
    render,
    rule,
    store_of,
)
from millplan.core.domain.assignment import Assignment
from millplan.core.domain.errors import InvalidInput
from millplan.core.domain.i18n import _
from millplan.core.domain.months import Month, month_text
from millplan.core.domain.numbers import grouped
from millplan.core.domain.states import state_label
from millplan.core.planning import run as planning
from millplan.core.planning.options import PlanOptions
from millplan.core.views.assignment import assignment_document, exclusions_view, lines_view, mill_loads_view
from millplan.core.views.horizon import forecast_view
from millplan.core.workflow import assignments
from millplan.core.workflow import month_options as plan_options
from millplan.storage.store import Store

app = typer.Typer(help="Show and edit a month's draft assignment.", no_args_is_help=True)

InOption = typer.Option(None, "--in", help="With --mill: the month (YYYY-MM) of the horizon to hold it in.")


def show_assignment(assignment: Assignment, limit: int | None = None) -> None:
    """A revision for people: its heading, mill loads, lines, exclusions, options,
    forecast and totals (at most ``limit`` rows a table)."""
    rule(
        _("{month} {line} — revision {revision}, {state}").format(
            month=month_text(assignment.month),
            line=assignment.product_line,
            revision=assignment.revision,
            state=state_label(assignment.state),
        )
    )
    render(mill_loads_view(assignment))
    render(lines_view(assignment), limit)
    if assignment.exclusions:
        render(exclusions_view(assignment, whole_reasons=True), limit)
    if assignment.options is not None:
        out.print(_("Planned with: {options}").format(options=PlanOptions.from_dict(assignment.options).describe()))
    if assignment.forecast:
        render(forecast_view(assignment), limit)
    out.print(
        _("Key-account tonnes {key} t, tonnes {tonnes} t, marginal income {income} RUB").format(
            key=grouped(assignment.key_account_tonnes),
            tonnes=grouped(assignment.tonnes),
            income=grouped(assignment.marginal_income),
        )
    )


@app.command("show")
@handled
def assignment_show(
    ctx: typer.Context,
    month: str = MonthOption,
    line: str = LineOption,
    xlsx: Path | None = XlsxOption,
    as_json: bool = JsonOption,
) -> None:
    """Show the latest revision of a month's assignment for a product line."""
    found = planning.latest(store_of(ctx), month_of(month), line)
    if as_json:
        emit(assignment_document(found))
    else:
        show_assignment(found)


def _edit(
    action: Callable[[Store, Month, str], Any], ctx: typer.Context, month: str, line: str, as_json: bool, message: str
) -> None:
    updated = action(store_of(ctx), month_of(month), line)
    if as_json:
        emit(assignment_document(updated))
    else:
        err.print(message)


@app.command("lock")
@handled
def assignment_lock(
    ctx: typer.Context,
    position: str = PositionArgument,
    month: str = MonthOption,
    line: str = LineOption,
    mill: str | None = typer.Option(
        None, "--mill", help="Hold it on this mill in the month --in (kept with the plan options)."
    ),
    in_month: str | None = InOption,
    tonnes: float | None = typer.Option(
        None, "--tonnes", min=0.01, help="With --mill: tonnes to hold (default: all it has left)."
    ),
    as_json: bool = JsonOption,
) -> None:
    """Lock a position's lines in the draft (re-plans keep them), or with --mill and --in
    hold it on a mill in a month of the horizon from the next re-plan on."""
    if mill or in_month:
        if not (mill and in_month):
            raise InvalidInput(
                _("--mill and --in go together: the mill and the month to hold {ref} in").format(ref=position)
            )
        when = month_of(in_month, "--in")
        _edit(
            lambda s, m, l: plan_options.set_month_lock(
                s, m, l, position, login=login_of(ctx), mill=mill, lock_month=when, tonnes=tonnes
            ),
            ctx,
            month,
            line,
            as_json,
            _("{ref} locked on {mill} in {when}; re-run the prioritiser").format(
                ref=position, mill=mill, when=month_text(when)
            ),
        )
        return
    _edit(
        lambda s, m, l: assignments.set_locked(s, m, l, position, True, login=login_of(ctx)),
        ctx,
        month,
        line,
        as_json,
        _("{ref} locked").format(ref=position),
    )


@app.command("unlock")
@handled
def assignment_unlock(
    ctx: typer.Context,
    position: str = PositionArgument,
    month: str = MonthOption,
    line: str = LineOption,
    months: bool = typer.Option(
        False, "--months", help="Release its locks to a mill and month instead (all, or the one --in)."
    ),
    in_month: str | None = InOption,
    as_json: bool = JsonOption,
) -> None:
    """Unlock a position's lines in the draft, or with --months its month locks."""
    if months or in_month:
        when = month_of(in_month, "--in") if in_month else None
        _edit(
            lambda s, m, l: plan_options.set_month_lock(s, m, l, position, login=login_of(ctx), lock_month=when),
            ctx,
            month,
            line,
            as_json,
            _("{ref}: month lock released; re-run the prioritiser").format(ref=position),
        )
        return
    _edit(
        lambda s, m, l: assignments.set_locked(s, m, l, position, False, login=login_of(ctx)),
        ctx,
        month,
        line,
        as_json,
        _("{ref} unlocked").format(ref=position),
    )


@app.command("mandatory")
@handled
def assignment_mandatory(
    ctx: typer.Context,
    position: str = PositionArgument,
    month: str = MonthOption,
    line: str = LineOption,
    as_json: bool = JsonOption,
) -> None:
    """Make a position mandatory: the next re-plan puts all it has left into this month."""
    _edit(
        lambda s, m, l: plan_options.set_mandatory(s, m, l, position, True, login=login_of(ctx)),
        ctx,
        month,
        line,
        as_json,
        _("{ref} mandatory; re-run the prioritiser").format(ref=position),
    )


@app.command("optional")
@handled
def assignment_optional(
    ctx: typer.Context,
    position: str = PositionArgument,
    month: str = MonthOption,
    line: str = LineOption,
    as_json: bool = JsonOption,
) -> None:
    """Make a mandatory position optional again."""
    _edit(
        lambda s, m, l: plan_options.set_mandatory(s, m, l, position, False, login=login_of(ctx)),
        ctx,
        month,
        line,
        as_json,
        _("{ref} optional; re-run the prioritiser").format(ref=position),
    )


@app.command("exclude")
@handled
def assignment_exclude(
    ctx: typer.Context,
    position: str = PositionArgument,
    month: str = MonthOption,
    line: str = LineOption,
    reason: str = typer.Option(..., "--reason", help="Why, for the sales manager."),
    as_json: bool = JsonOption,
) -> None:
    """Take a position out of the draft; re-plans leave it out until it is included again."""
    _edit(
        lambda s, m, l: assignments.set_excluded(s, m, l, position, True, login=login_of(ctx), reason=reason),
        ctx,
        month,
        line,
        as_json,
        _("{ref} excluded").format(ref=position),
    )


@app.command("include")
@handled
def assignment_include(
    ctx: typer.Context,
    position: str = PositionArgument,
    month: str = MonthOption,
    line: str = LineOption,
    as_json: bool = JsonOption,
) -> None:
    """Let an excluded position back in; the next re-plan decides its tonnes."""
    _edit(
        lambda s, m, l: assignments.set_excluded(s, m, l, position, False, login=login_of(ctx)),
        ctx,
        month,
        line,
        as_json,
        _("{ref} included; re-run the prioritiser").format(ref=position),
    )
