"""``millplan``: the command line for batch work, and the way into the workstation.

Every command is a thin call of one ``core`` function; the commands live by subject in
:mod:`millplan.commands`, and this module builds the root app from them. People get Rich
tables on stdout; with ``--json`` stdout carries exactly one JSON document and messages go
to stderr. Exit codes: :class:`millplan.commands.common.ExitCode`.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import Any

import typer

from millplan.commands import (
    assignment,
    capacity,
    config,
    database,
    deals,
    export,
    fulfilment,
    imports,
    inbox,
    mail,
    month,
    open_items,
    plan,
    reports,
    settings,
    stale,
    users,
    workflow,
    workstation,
)
from millplan.commands.catalogue import translate_help
from millplan.commands.typer_words import speak
from millplan.core.access.proxy import PROXY_LOGIN_ENV
from millplan.core.domain import i18n
from millplan.core.domain.errors import ExitCode, InvalidInput
from millplan.core.domain.i18n import _
from millplan.core.domain.months import TODAY_ENV, parse_day, today_set
from millplan.solver import control
from millplan.storage.engine import default_url, store_url

speak()  # typer's and click's own words in millplan's language, read as they are shown

app = typer.Typer(
    name="millplan",
    help="Monthly production assignment for a pipe plant: import, plan, approve, monitor mill load.",
    no_args_is_help=False,
    pretty_exceptions_enable=False,
    add_completion=False,
)

# the top-level commands, then the command groups, in the order `millplan --help` lists them
for name, command in (
    ("tui", workstation.tui),
    ("demo", workstation.demo),
    ("serve", workstation.serve),
    ("plan", plan.plan),
    ("prices", reports.prices_command),
    ("approve", workflow.approve),
    ("promise", reports.promise_command),
    ("load", reports.load_command),
    ("deals", deals.deals_command),
    ("positions", reports.positions),
    ("history", reports.history),
    ("submit", workflow.submit),
    ("whoami", users.whoami),
    ("diff", reports.diff_command),
    ("actuals", fulfilment.actuals_command),
):
    app.command(name)(command)
for name, group in (
    ("import", imports.app),
    ("export", export.app),
    ("deal", deals.app),
    ("assignment", assignment.app),
    ("users", users.app),
    ("capacity", capacity.app),
    ("db", database.app),
    ("inbox", inbox.app),
    ("mail", mail.app),
    ("request", open_items.request_app),
    ("conflict", open_items.conflict_app),
    ("escalation", open_items.escalation_app),
    ("review", workflow.review_app),
    ("month", month.app),
    ("stale", stale.app),
    ("config", config.app),
    ("settings", settings.app),
):
    app.add_typer(group, name=name)

DbOption = typer.Option(
    None,
    "--db",
    envvar="MILLPLAN_DB",
    help="Database URL, or an SQLite file's path (default: an SQLite file in your data folder).",
)
AsOption = typer.Option(None, "--as", help="Act as this login (admins only; written to the audit log).")
TodayOption = typer.Option(
    None,
    "--today",
    envvar=TODAY_ENV,
    help="The plant's date, YYYY-MM-DD, for a rehearsal or a cut-over (default: today).",
    show_default=False,
)
LangOption = typer.Option(
    None,
    "--lang",
    help="ru or en (default: MILLPLAN_LANG, then `millplan config lang`, then your locale).",
    show_default=False,
)


@app.callback(invoke_without_command=True)
def root(
    ctx: typer.Context,
    db: str | None = DbOption,
    as_login: str | None = AsOption,
    today: str | None = TodayOption,
    lang: str | None = LangOption,
) -> None:
    """Without a command, open the workstation."""
    if lang is not None:  # the entry point chose it already (millplan.__main__); this is for a caller of `app`
        try:
            i18n.use(lang)
        except ValueError:
            raise typer.BadParameter(
                _("'{value}' is not a language millplan speaks: use {languages}").format(
                    value=lang, languages=", ".join(i18n.LANGUAGES)
                ),
                param_hint="--lang",
            ) from None
    if today:
        source = TODAY_ENV if ctx.get_parameter_source("today").name == "ENVIRONMENT" else "--today"
        try:
            ctx.with_resource(today_set(parse_day(today, source)))
        except InvalidInput as exc:
            raise typer.BadParameter(str(exc)) from None
    # a browser session of `millplan serve` acts as the login its trusted proxy vouched for, as --as would
    as_login = as_login or os.environ.get(PROXY_LOGIN_ENV) or None
    ctx.obj = {"db": store_url(db) if db else default_url(), "named": db is not None, "as": as_login}
    if ctx.invoked_subcommand is None:
        workstation.tui(ctx)


def _unbroken(call: Callable[[], Any]) -> None:
    """``call()``, a bounded wait, which a further Ctrl+C does not break off: the command is
    already stopping."""
    while True:
        try:
            call()
            return
        except KeyboardInterrupt:
            continue


def main() -> None:
    """Console-script entry point: :data:`app` with its help in the current language
    (:func:`millplan.commands.catalogue.translate_help`). A solve cancelled as the command ended (the workstation
    quit, Ctrl+C) gets :data:`millplan.solver.control.GRACE` s to stop; one still inside HiGHS
    then is left behind by ``os._exit`` — it saves nothing, and the interpreter's own
    exit would abort in HiGHS's threads ("terminate called without an active exception")."""
    code: Any = ExitCode.DONE
    try:
        translate_help(typer.main.get_command(app))()  # as app() does, pretty exceptions being off
    except SystemExit as exc:
        code = exc.code
        raise
    finally:
        running: list[bool] = []
        _unbroken(lambda: running.append(control.wind_down()))
        if running[-1]:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code if isinstance(code, int) else ExitCode.DONE if code is None else ExitCode.NOT_DONE)


if __name__ == "__main__":
    main()
