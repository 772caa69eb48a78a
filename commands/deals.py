"""``millplan deals`` and ``millplan deal``: the deals waiting for acceptance, accepted or rejected."""

from __future__ import annotations

from pathlib import Path

import typer

from millplan.commands.common import JsonOption, XlsxOption, emit, err, handled, login_of, out, render, store_of
from millplan.core.access import users
from millplan.core.domain.i18n import _
from millplan.core.domain.portfolio import DealStatus
from millplan.core.views.deals import deal_document, deal_state_document, deals_view
from millplan.core.workflow import deals

app = typer.Typer(help="Accept or reject deals waiting for acceptance.", no_args_is_help=True)


@handled
def deals_command(
    ctx: typer.Context,
    status: DealStatus = typer.Option(
        DealStatus.PENDING,
        "--status",
        metavar="STATUS",
        help="Which deals to list: pending (waiting for acceptance), accepted, rejected, cancelled or closed.",
    ),
    xlsx: Path | None = XlsxOption,
    as_json: bool = JsonOption,
) -> None:
    """Deals (default: waiting for acceptance) with tonnes, marginal income and the mills they load."""
    found = deals.summaries(store_of(ctx), status)
    if as_json:
        emit([deal_document(s) for s in found])
    elif not found:
        err.print(
            {
                DealStatus.PENDING: _("No deal is waiting for acceptance."),
                DealStatus.ACCEPTED: _("No deal is accepted."),
                DealStatus.REJECTED: _("No deal is rejected."),
                DealStatus.CANCELLED: _("No deal is cancelled."),
                DealStatus.CLOSED: _("No deal is closed."),
            }[status]
        )
    else:
        render(deals_view(found))


@app.command("accept")
@handled
def deal_accept(
    ctx: typer.Context,
    number: str = typer.Argument(..., metavar="DEAL", help="Deal number."),
    as_json: bool = JsonOption,
) -> None:
    """Accept a deal: the plant commits to it and the prioritiser will plan it."""
    deal = deals.accept(store_of(ctx), number, login=login_of(ctx))
    if as_json:
        emit(deal_state_document(deal))
    else:
        out.print(
            _("deal {number} accepted by {who}").format(
                number=deal.number, who=users.whoami(store_of(ctx), deal.accepted_by).name
            )
        )


@app.command("reject")
@handled
def deal_reject(
    ctx: typer.Context,
    number: str = typer.Argument(..., metavar="DEAL", help="Deal number."),
    reason: str = typer.Option(..., "--reason", help="Why, for the sales manager."),
    as_json: bool = JsonOption,
) -> None:
    """Reject a deal waiting for acceptance, with a reason."""
    deal = deals.reject(store_of(ctx), number, reason, login=login_of(ctx))
    if as_json:
        emit(deal_state_document(deal))
    else:
        out.print(_("deal {number} rejected").format(number=deal.number))
