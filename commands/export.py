"""``millplan export``: the store's data out to Excel in the layouts the imports read."""

from __future__ import annotations

from pathlib import Path

import typer

from millplan.commands.common import JsonOption, emit, err, handled, store_of
from millplan.core.domain.i18n import ngettext
from millplan.core.views.portfolio_book import export_portfolio

app = typer.Typer(help="Write the store's data to Excel, in the layout the imports read.", no_args_is_help=True)


@app.command("portfolio")
@handled
def portfolio(
    ctx: typer.Context,
    file: Path = typer.Argument(
        ..., metavar="FILE", help="The .xlsx workbook to write.", dir_okay=False, show_default=False
    ),
    as_json: bool = JsonOption,
) -> None:
    """Write every deal's positions to FILE as `millplan import portfolio` reads it: the same
    headers, one row per position; importing it again changes nothing."""
    written = export_portfolio(store_of(ctx), file)
    if as_json:
        emit({"file": str(file), "positions": written})
        return
    err.print(
        ngettext("{n} position written to {file}", "{n} positions written to {file}", written).format(
            n=written, file=file
        ),
        soft_wrap=True,
    )
