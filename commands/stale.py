"""``millplan stale``: the stale-deal ledger, what the line manager does with its positions
(extend, priority, cancel, close, restore), and its limits (``stale settings``)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import typer

from millplan.commands.common import (
    JsonOption,
    XlsxOption,
    emit,
    err,
    handled,
    login_of,
    month_of,
    out,
    render,
    store_of,
)
from millplan.core.domain.i18n import _
from millplan.core.domain.stale import StaleReason
from millplan.core.views.stale import (
    SORT_KEYS,
    disposal_document,
    disposal_view,
    disposed_document,
    disposed_view,
    limits_document,
    limits_view,
    stale_document,
    stale_view,
)
from millplan.core.workflow import stale, stale_actions
from millplan.core.workflow.stale_actions import Disposal

app = typer.Typer(
    help="The stale-deal ledger: accepted positions that waited too long, and what to do with them.",
    invoke_without_command=True,
)

TargetsArgument = typer.Argument(
    ..., metavar="POSITIONS", help="Positions as DEAL#NO, or deal numbers (all their open positions)."
)
ReasonOption = typer.Option(..., "--reason", help="Why, for the audit log and the sales manager.")


@app.callback()
@handled
def stale_command(
    ctx: typer.Context,
    customer: str | None = typer.Option(None, "--customer", help="Only customers whose name holds this."),
    manager: str | None = typer.Option(None, "--manager", help="Only sales managers whose name holds this."),
    line: str | None = typer.Option(None, "--line", "-l", help="Only this product line."),
    key: bool | None = typer.Option(None, "--key/--no-key", help="Only key accounts / only the others."),
    reasons: list[StaleReason] = typer.Option([], "--reason", help="Only positions stale for this reason."),
    sort: str | None = typer.Option(None, "--sort", help="Sort by column: " + ", ".join(SORT_KEYS) + "."),
    descending: bool = typer.Option(False, "--desc", help="Sort descending."),
    disposed: bool = typer.Option(
        False, "--disposed", help="Instead: the cancelled and closed positions (what restore brings back)."
    ),
    xlsx: Path | None = XlsxOption,
    as_json: bool = JsonOption,
) -> None:
    """Stale positions: overdue, never planned, idle, or no mill can make them — with what they hold."""
    if ctx.invoked_subcommand is not None:
        return
    if disposed:
        if reasons or sort or descending:
            raise typer.BadParameter(
                _("--reason, --sort and --desc are for stale positions, not the cancelled and closed ones"),
                param_hint="--disposed",
            )
        gone = stale.disposed(store_of(ctx), customer=customer, manager=manager, line=line, key_account=key)
        if as_json:
            emit(disposed_document(gone))
        elif not gone:
            err.print(_("No position is cancelled or closed."))
        else:
            render(disposed_view(gone))
        return
    found = stale.ledger(store_of(ctx), customer=customer, manager=manager, line=line, key_account=key, reasons=reasons)
    if as_json:
        emit(stale_document(found, sort, descending))
    elif not found.rows:
        err.print(_("No position is stale."))
    else:
        render(stale_view(found, sort, descending))


def _done(done: Disposal, as_json: bool) -> None:
    if as_json:
        emit(disposal_document(done))
        return
    render(disposal_view(done))
    if done.told:
        err.print(_("told: {logins}").format(logins=", ".join(done.told)))
    if done.stale:
        err.print(_("marked stale, re-plan before approval: {keys}").format(keys=", ".join(done.stale)))


def _batch(act: Callable[..., Disposal], doc: str) -> Callable[..., None]:
    """A command running ``act`` (cancel, close or restore) on the positions named."""

    @handled
    def command(
        ctx: typer.Context, targets: list[str] = TargetsArgument, reason: str = ReasonOption, as_json: bool = JsonOption
    ) -> None:
        _done(act(store_of(ctx), targets, login=login_of(ctx), reason=reason), as_json)

    command.__doc__ = doc
    return command


for _name, _act, _doc in (
    ("cancel", stale_actions.cancel, "Cancel the remainder: its tonnes leave the order book, the plan and the load."),
    ("close", stale_actions.close, "Close as complete: nothing more is to be made."),
    ("restore", stale_actions.restore, "Undo a cancel or a close: the remainder is to make again."),
):
    app.command(_name)(_batch(_act, _doc))


@app.command("extend")
@handled
def stale_extend(
    ctx: typer.Context,
    targets: list[str] = TargetsArgument,
    to: str = typer.Option(..., "--to", help="New requested month, YYYY-MM (not in the past)."),
    reason: str = ReasonOption,
    confirmation: str | None = typer.Option(None, "--confirmation", help="The client's confirmation (letter, call)."),
    as_json: bool = JsonOption,
) -> None:
    """Give a new requested month, noting the client's confirmation."""
    done = stale_actions.extend(
        store_of(ctx), targets, month_of(to, "--to"), login=login_of(ctx), reason=reason, confirmation=confirmation
    )
    _done(done, as_json)


@app.command("priority")
@handled
def stale_priority(
    ctx: typer.Context,
    targets: list[str] = TargetsArgument,
    to: str = typer.Option(..., "--to", help="Manual priority: 1 (highest), 2, 3 or none."),
    reason: str = ReasonOption,
    as_json: bool = JsonOption,
) -> None:
    """Change the manual priority."""
    _done(
        stale_actions.prioritise(
            store_of(ctx), targets, stale_actions.parse_priority(to), login=login_of(ctx), reason=reason
        ),
        as_json,
    )


@app.command("settings")
@handled
def stale_settings(
    ctx: typer.Context,
    months: int | None = typer.Option(None, "--months", help="Overdue: more months than this past the requested one."),
    days: int | None = typer.Option(None, "--days", help="Unplanned: accepted more days ago than this."),
    idle: int | None = typer.Option(None, "--idle", help="Idle: this many days without production once started."),
    xlsx: Path | None = XlsxOption,
    as_json: bool = JsonOption,
) -> None:
    """Show the ledger's limits, or change them (product-line manager or admin)."""
    store = store_of(ctx)
    if months is None and days is None and idle is None:
        limits = stale.limits(store)
    else:
        limits = stale.set_limits(store, login=login_of(ctx), months_overdue=months, accepted_days=days, idle_days=idle)
    if as_json:
        emit(limits_document(limits))
    else:
        render(limits_view(limits))
    if not as_json and months is None and days is None and idle is None:
        out.print(_("change with: millplan stale settings --months N --days D --idle M"))
