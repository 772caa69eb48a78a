"""``millplan users`` and ``millplan whoami``: who may use millplan, with which role and product lines."""

from __future__ import annotations

from pathlib import Path

import typer

from millplan.commands.common import JsonOption, XlsxOption, emit, err, handled, login_of, out, render, store_of
from millplan.core.access import users
from millplan.core.access.permissions import role_word
from millplan.core.domain.i18n import _
from millplan.core.views.approval import role_name
from millplan.core.views.users import user_document, users_view, whoami_document

app = typer.Typer(help="Who may use millplan: users, roles, product lines (admins only).", no_args_is_help=True)

LinesOption = typer.Option(
    [], "--line", "-l", help="A product line he owns (repeat for each; product-line managers only)."
)


@app.command("list")
@handled
def users_list(ctx: typer.Context, xlsx: Path | None = XlsxOption, as_json: bool = JsonOption) -> None:
    """Every registered user with role and product lines."""
    found = users.list_users(store_of(ctx))
    if as_json:
        emit([user_document(u) for u in found])
        return
    if not found:
        err.print(
            _(
                "No users yet: every login may do everything until the first admin is added (millplan users add LOGIN --name … --role admin)."
            )
        )
        return
    render(users_view(found))


@app.command("add")
@handled
def users_add(
    ctx: typer.Context,
    login: str = typer.Argument(..., metavar="LOGIN", help="The person's operating-system login."),
    name: str = typer.Option(..., "--name", help="Full name; a sales manager's as the portfolio writes it."),
    role: str = typer.Option(..., "--role", help="sales_manager, line_manager, planner, director or admin."),
    lines: list[str] = LinesOption,
    email: str | None = typer.Option(None, "--email", help="Where notifications go."),
    as_json: bool = JsonOption,
) -> None:
    """Register a user (admins; anyone may add the first admin)."""
    acting = login_of(ctx)
    user = users.add_user(store_of(ctx), login, name, users.parse_role(role), tuple(lines), email, by=acting)
    if as_json:
        emit(user_document(user))
    else:
        out.print(_("{login} added as {role}").format(login=f"{user.name} ({user.login})", role=role_word(user.role)))
    if users.whoami(store_of(ctx), acting).read_only:
        err.print(
            _(
                "note: you ({login}) are not registered: from now on only an admin manages users, and you may only look"
            ).format(login=acting)
        )


@app.command("set-role")
@handled
def users_set_role(
    ctx: typer.Context,
    login: str = typer.Argument(..., metavar="LOGIN", help="A registered login."),
    role: str = typer.Option(..., "--role", help="The new role."),
    lines: list[str] = LinesOption,
    name: str | None = typer.Option(None, "--name", help="A new name."),
    email: str | None = typer.Option(None, "--email", help="A new e-mail address."),
    as_json: bool = JsonOption,
) -> None:
    """Change a user's role (and lines, name, e-mail)."""
    user = users.set_role(
        store_of(ctx), login, users.parse_role(role), tuple(lines), by=login_of(ctx), name=name, email=email
    )
    if as_json:
        emit(user_document(user))
    else:
        out.print(
            _("{login} is now {role}").format(login=f"{user.name} ({user.login})", role=role_word(user.role))
            + (f" ({', '.join(user.lines)})" if user.lines else "")
        )


@app.command("remove")
@handled
def users_remove(
    ctx: typer.Context,
    login: str = typer.Argument(..., metavar="LOGIN", help="A registered login."),
    as_json: bool = JsonOption,
) -> None:
    """Remove a user (his actions stay in the history)."""
    user = users.remove_user(store_of(ctx), login, by=login_of(ctx))
    if as_json:
        emit(user_document(user))
    else:
        out.print(_("{login} removed").format(login=user.login))


@handled
def whoami(ctx: typer.Context, as_json: bool = JsonOption) -> None:
    """Who millplan takes you for: login, role, product lines."""
    me = users.whoami(store_of(ctx), login_of(ctx))
    if as_json:
        emit(whoami_document(me))
        return
    if me.open_store:
        out.print(_("{login}: no users are registered yet, so every login may do everything.").format(login=me.login))
    elif me.read_only:
        out.print(me.notice)
    else:
        out.print(f"{me.login} ({me.name}): {role_name(me)}" + (f", {', '.join(me.lines)}" if me.lines else ""))
