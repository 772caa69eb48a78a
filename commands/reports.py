"""The reports: mill load, positions, the audit log, shadow prices, what changed between
revisions, and capable-to-promise."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import typer

from millplan.commands.common import (
    ExitCode,
    JsonOption,
    LineOption,
    MonthOption,
    XlsxOption,
    emit,
    err,
    handled,
    month_of,
    out,
    render,
    solving,
    store_of,
)
from millplan.core.domain.errors import InvalidInput
from millplan.core.domain.i18n import _
from millplan.core.domain.numbers import grouped
from millplan.core.planning import load, promise
from millplan.core.planning.diff import revision_diff
from millplan.core.views import history as audit
from millplan.core.views.diff import diff_document, diff_view, mills_view
from millplan.core.views.horizon import last_plans
from millplan.core.views.load import load_document, load_view
from millplan.core.views.positions import attributes_document, attributes_view, position_attributes
from millplan.core.views.prices import prices_document, prices_view
from millplan.core.views.promise import displaced_view, promise_document, promise_text


@handled
def prices_command(
    ctx: typer.Context,
    month: str = MonthOption,
    line: str | None = typer.Option(None, "--line", "-l", help="Only this product line (default: all)."),
    xlsx: Path | None = XlsxOption,
    as_json: bool = JsonOption,
) -> None:
    """Shadow prices of mill hours (RUB per mill-hour) by mill and month, from the month's last plan."""
    found = last_plans(store_of(ctx), month_of(month), line)
    if as_json:
        emit(prices_document(found))
        return
    for a in found:
        render(prices_view(a))


@handled
def promise_command(
    ctx: typer.Context,
    deal: str | None = typer.Argument(
        None, metavar="DEAL", help="Deal number (or describe a position with --line, --od, …)."
    ),
    month: str | None = typer.Option(None, "--month", "-m", help="Plan month to promise from (default: next month)."),
    horizon: int = typer.Option(promise.PROMISE_HORIZON, "--horizon", min=1, max=12, help="Months to look ahead."),
    line: str | None = typer.Option(None, "--line", "-l", help="Typed-in position: product line."),
    od: float | None = typer.Option(None, "--od", help="Typed-in position: outside diameter, mm."),
    wall: float | None = typer.Option(None, "--wall", help="Typed-in position: wall, mm."),
    grade: str | None = typer.Option(None, "--grade", help="Typed-in position: steel grade."),
    standard: str | None = typer.Option(None, "--standard", help="Typed-in position: standard."),
    tonnes: float | None = typer.Option(None, "--tonnes", help="Typed-in position: tonnes."),
    price: float | None = typer.Option(None, "--price", help="Typed-in position: price, RUB/t."),
    metal_cost: float | None = typer.Option(None, "--metal-cost", help="Typed-in position: metal cost, RUB/t."),
    key: bool = typer.Option(False, "--key", help="Typed-in position: for a key account."),
    requested: str | None = typer.Option(
        None, "--requested", help="Typed-in position: month wanted (default: the plan month)."
    ),
    time_limit: float = typer.Option(
        promise.TIME_LIMIT, "--time-limit", min=0.1, help="Seconds for the whole promise, all its solves together."
    ),
    xlsx: Path | None = XlsxOption,
    as_json: bool = JsonOption,
) -> None:
    """Capable-to-promise: whether a deal (or a typed-in position) can be made in full by
    its requested month — earlier only on free hours, else by displacing positions that
    are not key accounts — and if not the earliest month that can; what it would displace
    (key flag, sales manager, the month your plan has it in, lateness caused, tonnes pushed
    out of the horizon and the marginal income lost with them) and the change in marginal
    income net of both, with a warning when it would lower it. Nothing is saved."""
    when = month_of(month) if month else None
    typed = {
        "--line": line,
        "--od": od,
        "--wall": wall,
        "--grade": grade,
        "--standard": standard,
        "--tonnes": tonnes,
        "--price": price,
        "--metal-cost": metal_cost,
    }
    if deal:
        store = store_of(ctx)
        answer = solving(lambda: promise.promise_deal(store, deal, month=when, horizon=horizon, time_limit=time_limit))
    else:
        missing = [flag for flag, value in typed.items() if value is None]
        if missing:
            raise InvalidInput(_("give a deal number, or a position with {flags}").format(flags=" ".join(missing)))
        store, wanted = store_of(ctx), month_of(requested, "--requested") if requested else None
        answer = solving(
            lambda: promise.promise_position(
                store,
                product_line=line,
                od_mm=od,
                wall_mm=wall,
                steel_grade=grade,
                standard=standard,
                tonnes=tonnes,
                price=Decimal(str(price)),
                metal_cost=Decimal(str(metal_cost)),
                key_account=key,
                month=when,
                requested=wanted,
                horizon=horizon,
                time_limit=time_limit,
            )
        )
    if as_json:
        emit(promise_document(answer))
    else:
        out.print(promise_text(answer))
        if answer.displaced:
            render(displaced_view(answer))
    if answer.earliest is None:
        raise typer.Exit(ExitCode.NOT_DONE)  # no month can be promised: a script must not read it as a date


@handled
def load_command(
    ctx: typer.Context,
    months: int = typer.Option(6, "--months", min=1, max=24, help="How many months from the current one."),
    xlsx: Path | None = XlsxOption,
    as_json: bool = JsonOption,
) -> None:
    """Mill load by month from the current one, and each mill's load horizon."""
    report = load.mill_load(store_of(ctx), months=months)
    if as_json:
        emit(load_document(report))
        return
    if not report.mills:
        err.print(_("No mills yet: import the mill register (millplan import mills FILE), or try `millplan demo`."))
        return
    render(load_view(report))
    if report.unplaceable_tonnes:
        err.print(
            _("{tonnes} t of accepted positions fit no mill (see `millplan positions`).").format(
                tonnes=grouped(report.unplaceable_tonnes)
            )
        )


@handled
def positions(
    ctx: typer.Context,
    deal: str | None = typer.Option(None, "--deal", help="Only this deal."),
    line: str | None = typer.Option(None, "--line", "-l", help="Only this product line."),
    xlsx: Path | None = XlsxOption,
    as_json: bool = JsonOption,
) -> None:
    """Positions with their attributes: key account, compatible mills, t/h, marginal income, high load."""
    described = position_attributes(store_of(ctx), deal_number=deal, product_line=line)
    if as_json:
        emit([attributes_document(a) for a in described])
        return
    if not described:
        if deal:
            err.print(_("No deal {deal} in the portfolio (millplan deals lists them).").format(deal=deal))
        elif line:
            err.print(_("No positions of product line {line}.").format(line=line))
        else:
            err.print(_("No positions: import a portfolio (millplan import portfolio FILE)."))
        return
    view = attributes_view(described)
    render(view, limit=None if deal else 60)
    for row in view.rows[: None if deal else 60]:
        for note in (row["disposed"], row["no_mill_reason"]):
            if note:
                out.print(f"{row['position']}: {note}", soft_wrap=False)


@handled
def history(
    ctx: typer.Context,
    key: str | None = typer.Option(
        None,
        "--object",
        help="Only this object: a deal number, DEAL#NO, a mill, MILL/YYYY-MM, YYYY-MM/LINE/rN, 'user LOGIN', 'request N', 'conflict N', 'escalation N'.",
    ),
    limit: int = typer.Option(50, "--limit"),
    xlsx: Path | None = XlsxOption,
    as_json: bool = JsonOption,
) -> None:
    """The audit log, newest first: who changed what, when (plant time), and why."""
    rows = audit.history(store_of(ctx), key, limit)
    if as_json:
        emit([audit.history_document(r) for r in rows])
        return
    render(audit.history_view(rows))


@handled
def diff_command(
    ctx: typer.Context,
    month: str = MonthOption,
    line: str = LineOption,
    revision_from: int | None = typer.Option(
        None, "--from", help="Earlier revision (default: the approved one before --to)."
    ),
    revision_to: int | None = typer.Option(None, "--to", help="Later revision (default: the latest)."),
    xlsx: Path | None = XlsxOption,
    as_json: bool = JsonOption,
) -> None:
    """What changed between two revisions: by position (added, removed, moved, tonnes) and by mill."""
    found = revision_diff(store_of(ctx), month_of(month), line, revision_from, revision_to)
    if as_json:
        emit(diff_document(found))
        return
    view = diff_view(found)
    if view.rows:
        render(view)
    else:
        out.print(_("{title}: no position changed").format(title=view.title))
    render(mills_view(found))
