"""The workstation: ``millplan tui`` on the plant's database, ``millplan demo`` on a bundled demo plant."""

from __future__ import annotations

import typer

from millplan.commands.common import err, handled, login_of, out, store_of
from millplan.core.demo import build_demo, demo_built, demo_paths, remove_demo
from millplan.core.domain.i18n import _
from millplan.core.workflow import plant_zone
from millplan.storage.store import Store, open_store


@handled
def tui(ctx: typer.Context) -> None:
    """Open the workstation (mill load, deal acceptance, assignment)."""
    _workstation(store_of(ctx), login_of(ctx))


def _workstation(store: Store, login: str) -> None:
    from millplan.tui.app import MillplanApp  # imported here: batch commands need no Textual

    MillplanApp(store, login).run()  # a solve cancelled on quitting is left to main()


@handled
def demo(
    ctx: typer.Context,
    reset: bool = typer.Option(False, "--reset", help="Rebuild the demo plant from scratch."),
    open_workstation: bool = typer.Option(True, "--tui/--no-tui", help="Open the workstation on it."),
) -> None:
    """Open the workstation on a bundled demo plant (its own SQLite file, built on first use)."""
    source = ctx.parent.get_parameter_source("db")
    if source is not None and source.name == "COMMANDLINE":  # MILLPLAN_DB is simply not used
        raise typer.BadParameter(_("the demo keeps its own database; run it without --db"), param_hint="--db")
    database, folder = demo_paths()
    if reset:
        remove_demo(database)
    store = ctx.find_root().obj["store"] = open_store(f"sqlite:///{database}")  # who acts is asked of the demo's store
    plant_zone.apply(store)
    if not demo_built(store):
        err.print(_("Building the demo plant in {folder} …").format(folder=database.parent))
        files = build_demo(store, folder, login=login_of(ctx))
        err.print(
            _(
                "Imported {mills} and {portfolio}; this month planned, approved and its actuals to yesterday "
                "imported; next month planned."
            ).format(mills=files.mills, portfolio=files.portfolio)
        )
    if open_workstation:
        _workstation(store, login_of(ctx))
    else:
        out.print(_("Demo database: {path}").format(path=database))
