"""``millplan db``: back up and restore the database."""

from __future__ import annotations

from pathlib import Path

import typer

from millplan.commands.common import handled, out
from millplan.core import database
from millplan.core.domain.i18n import _

app = typer.Typer(help="Back up and restore the database.", no_args_is_help=True)


@app.command("backup")
@handled
def db_backup(
    ctx: typer.Context, file: Path = typer.Argument(..., metavar="FILE", help="A new file to write the copy to.")
) -> None:
    """Copy the SQLite database consistently while others work (PostgreSQL: says how with pg_dump)."""
    written = database.backup(ctx.find_root().obj["db"], file)
    out.print(_("database copied to {file}").format(file=written))


@app.command("restore")
@handled
def db_restore(
    ctx: typer.Context, file: Path = typer.Argument(..., metavar="FILE", help="A backup made by `millplan db backup`.")
) -> None:
    """Put a backup back in place of the SQLite database (admins), and upgrade it."""
    obj = ctx.find_root().obj
    revision = database.restore(obj["db"], file, as_login=obj["as"])
    out.print(
        _("database restored from {file} (migration {revision}, now upgraded)").format(file=file, revision=revision)
    )
