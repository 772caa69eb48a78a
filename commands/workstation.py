"""The workstation: ``millplan tui`` on the plant's database, ``millplan demo`` on a bundled demo plant,
``millplan serve`` in a browser."""

from __future__ import annotations

import errno
import os
import socket

import typer

from millplan.commands.common import err, handled, login_of, out, store_of
from millplan.core.access import identity
from millplan.core.access.proxy import check_bind, proxy_trust
from millplan.core.demo import build_demo, demo_built, demo_paths, remove_demo
from millplan.core.domain import i18n
from millplan.core.domain.errors import InvalidInput
from millplan.core.domain.i18n import _
from millplan.core.domain.months import TODAY_ENV, plant_today
from millplan.core.workflow import plant_zone
from millplan.storage.engine import ENV_URL
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


@handled
def serve(
    ctx: typer.Context,
    host: str = typer.Option(
        "127.0.0.1", "--host", help="Address to listen on; beyond this machine only with a trusted proxy's user header."
    ),
    port: int = typer.Option(8000, "--port", min=1, max=65535, help="Port to listen on (1 to 65535)."),
    trusted_user_header: str | None = typer.Option(
        None,
        "--trusted-user-header",
        help="The header in which an authenticating reverse proxy names the login (e.g. X-Remote-User); "
        "each browser session then acts as that user.",
    ),
    trusted_proxy: list[str] = typer.Option(
        [],
        "--trusted-proxy",
        help="The proxy's address or network, the only one believed to send that header (default: this machine).",
    ),
    public_url: str | None = typer.Option(
        None, "--public-url", help="The address browsers open, e.g. the proxy's https://plan.plant.local."
    ),
) -> None:
    """Open the workstation in a browser (one workstation per browser tab)."""
    trust = proxy_trust(trusted_user_header, trusted_proxy)
    check_bind(host, trust)
    store = store_of(ctx)
    if trust is None:
        login_of(ctx)  # who every session will be: refused here rather than in each browser tab
    else:
        identity.may_vouch(store)
    root = ctx.find_root()
    # each session's `millplan tui` inherits this environment: the same store, plant date and language
    os.environ.update({ENV_URL: root.obj["db"], i18n.LANG_ENV: i18n.language()})
    if root.params.get("today"):
        os.environ[TODAY_ENV] = plant_today().isoformat()
    from millplan.tui.web import WorkstationServer  # imported here: other commands need no web server

    try:
        WorkstationServer(store, host=host, port=port, trust=trust, public_url=public_url).serve()
    except OSError as exc:  # raised while binding, before the workstation is announced
        raise InvalidInput(_listen_refusal(exc, host, port)) from None


def _listen_refusal(exc: OSError, host: str, port: int) -> str:
    """Why ``serve`` cannot listen on ``host:port`` (``exc`` from binding), in the user's words."""
    if isinstance(exc, socket.gaierror) or exc.errno == errno.EADDRNOTAVAIL:
        return _("this machine has no address {host}; give one of its own with --host").format(host=host)
    if exc.errno == errno.EADDRINUSE:
        return _("port {port} is taken on {host}: another program listens on it; choose another with --port").format(
            port=port, host=host
        )
    if exc.errno == errno.EACCES:
        return _("port {port} may only be opened by the administrator; choose one above 1023 with --port").format(
            port=port
        )
    return _("cannot listen on {host}:{port} (system error {code})").format(host=host, port=port, code=exc.errno)
