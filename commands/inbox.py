"""``millplan inbox``: your notifications, and marking them read."""

from __future__ import annotations

import textwrap
from pathlib import Path

import typer
from rich.text import Text

from millplan.commands.common import (
    JsonOption,
    XlsxOption,
    book,
    emit,
    err,
    handled,
    login_of,
    out,
    plant_time,
    store_of,
)
from millplan.core.domain import glyphs
from millplan.core.domain.i18n import _
from millplan.core.domain.workflow import key_label
from millplan.core.mail.inbox import inbox, mark_read, unread_count
from millplan.core.views.inbox import inbox_document, inbox_view, marked_document

app = typer.Typer(help="Your notifications: positions left out, cut or moved later, answers, conflicts, approvals.")


@app.callback(invoke_without_command=True)
@handled
def inbox_list(
    ctx: typer.Context,
    show_all: bool = typer.Option(False, "--all", help="Read notifications too (default: unread only)."),
    limit: int = typer.Option(50, "--limit", min=1, help="At most this many, newest first."),
    xlsx: Path | None = XlsxOption,
    as_json: bool = JsonOption,
) -> None:
    """Your unread notifications, newest first (`inbox read ID…` marks them read)."""
    if ctx.invoked_subcommand is not None:
        return
    store, login = store_of(ctx), login_of(ctx)
    found = inbox(store, login, unread_only=not show_all, limit=limit)
    unread = unread_count(store, login)
    if as_json:
        emit(inbox_document(login, unread, found))
        return
    if not found:
        err.print(
            _("No unread notifications for {login}.").format(login=login)
            if not show_all
            else _("No notifications for {login}.").format(login=login)
        )
        return
    book(inbox_view(found))  # printed below as text, in full, written to --xlsx as a table
    for n in found:
        mark = str(glyphs.UNREAD) if n.read_at is None else " "
        out.print(
            Text.assemble(
                (f"{mark} #{n.id}  {plant_time(n.at)}  ", "dim"),
                (n.subject, "bold"),
                (f"  [{key_label(n.object_key)}]", "dim"),
            )
        )
        for line in n.details:
            # wrapped to the terminal, a listed position's lines hanging under its ref
            hang = " " * (6 if line.startswith("• ") else 4)
            out.print(
                textwrap.fill(line, width=max(out.width, 40), initial_indent="    ", subsequent_indent=hang),
                soft_wrap=True,
            )
    err.print(
        _("{unread} unread of {login}; mark read: millplan inbox read ID… (or --all)").format(
            unread=unread, login=login
        )
    )


@app.command("read")
@handled
def inbox_read(
    ctx: typer.Context,
    ids: list[int] | None = typer.Argument(
        None, metavar="NUMBERS", help="Notification numbers (#ID in the list).", show_default=False
    ),
    every: bool = typer.Option(False, "--all", help="Mark all your notifications read."),
    as_json: bool = JsonOption,
) -> None:
    """Mark notifications read: the numbers given, or all with --all."""
    if bool(ids) == every:
        raise typer.BadParameter(_("give notification numbers or --all (not both)"))
    store, login = store_of(ctx), login_of(ctx)
    marked = mark_read(store, login, None if every else list(ids))
    unread = unread_count(store, login)
    if as_json:
        emit(marked_document(marked, unread))
    else:
        out.print(_("{marked} marked read, {unread} unread").format(marked=marked, unread=unread))
