"""Who may use millplan, as data: users as a table (for people) and JSON documents (for
scripts)."""

from __future__ import annotations

from typing import Any

from millplan.core.access.permissions import Actor, role_word
from millplan.core.domain.i18n import _
from millplan.core.domain.people import User
from millplan.core.views.tables import Column, TableView


def user_document(user: User | Actor) -> dict[str, Any]:
    """A user's login, name, role (``null``: none), product lines and e-mail address
    (``null`` for an acting person, who carries none)."""
    return {
        "login": user.login,
        "name": user.name,
        "role": user.role.value if user.role else None,
        "lines": list(user.lines),
        "email": getattr(user, "email", None),
    }


def whoami_document(me: Actor) -> dict[str, Any]:
    """Who millplan takes the person for: the user document, whether he may only look,
    whether no users are registered yet (everyone may do everything), and the notice
    telling a read-only person why."""
    return {**user_document(me), "read_only": me.read_only, "open_store": me.open_store, "notice": me.notice}


def users_view(found: list[User]) -> TableView:
    """Registered users with role, product lines and e-mail address."""
    columns = (
        Column("login", _("Login"), wrap=True),
        Column("name", _("Name"), wrap=True),
        Column("role", _("Role"), wrap=True),
        Column("lines", _("Product lines"), wrap=True),
        Column("email", _("E-mail"), wrap=True),
    )
    rows = tuple(
        {
            "key": u.login,
            "login": u.login,
            "name": u.name,
            "role": role_word(u.role),
            "lines": ", ".join(u.lines),
            "email": u.email,
        }
        for u in found
    )
    return TableView(_("Users"), columns, rows)
