"""``millplan settings``: the plant-wide settings kept in the store (the plant's time zone)."""

from __future__ import annotations

import typer

from millplan.commands.common import JsonOption, emit, handled, login_of, out, store_of
from millplan.core.views.plant_zone import time_zone_document, time_zone_text
from millplan.core.workflow import plant_zone

app = typer.Typer(help="Plant-wide settings kept in the store: the plant's time zone.", no_args_is_help=True)

LOCAL = "local"
"""Said instead of a zone: no plant zone, each machine's own."""


@app.command("time-zone")
@handled
def time_zone(
    ctx: typer.Context,
    name: str | None = typer.Argument(
        None, metavar="ZONE", help="An IANA zone such as Europe/Moscow or Asia/Yekaterinburg; local: the machine's own."
    ),
    as_json: bool = JsonOption,
) -> None:
    """Show the plant's time zone, or set it (admin): every time is shown in it."""
    store = store_of(ctx)
    if name is None:
        zone = plant_zone.time_zone(store)
    else:
        zone = plant_zone.set_time_zone(store, login=login_of(ctx), name=None if name == LOCAL else name)
    if as_json:
        emit(time_zone_document(zone))
    else:
        out.print(time_zone_text(zone))
