"""Who is acting: a login vouched for by something the user cannot edit (DESIGN.md).

- On PostgreSQL it is the role the connection logged in as (``session_user``): the server
  authenticated it (peer, password, certificate), and it outranks whatever the OS says.
- Elsewhere (an SQLite file) it is the OS account of this process: the passwd entry of
  its user id — never ``LOGNAME``/``USER``/``USERNAME``, which anyone may set.

``--as LOGIN`` is allowed only to a login so proven to be an admin (or while the store is
open); it is written to the audit log. The test suite gives itself an identity by
replacing :func:`os_login` in its own process (``tests/identity.py``).
"""

from __future__ import annotations

import os
import pwd

from millplan.core.access.permissions import Action, actor_in, require
from millplan.core.domain.errors import UnknownIdentity
from millplan.core.domain.i18n import _
from millplan.core.domain.stored_text import stored
from millplan.storage.store import Store


def os_login() -> str:
    """The login of this process's user id (its passwd entry's name).

    Raises :class:`UnknownIdentity` naming the uid when it has no passwd entry (e.g. a
    container started with ``--user 1234``): millplan then refuses to act rather than
    believe an environment variable."""
    uid = os.getuid()
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        raise UnknownIdentity(
            _(
                "user id {uid} has no entry in the passwd database, so millplan cannot tell who you are: "
                "run it under a named account (or connect to PostgreSQL as your own role)"
            ).format(uid=uid)
        ) from None


def login_of(store: Store) -> str:
    """Who this process is on ``store``: the PostgreSQL role it logged in as, else :func:`os_login`."""
    return store.session_role() or os_login()


def acting_login(store: Store, as_login: str | None = None, command: str | None = None) -> str:
    """Who acts on ``store``: :func:`login_of`, or ``as_login`` when given — allowed only
    if that login is an admin (or while no user is registered), and written to the audit
    log as ``acted_as`` under the real login, with ``as_login`` and ``command`` (what the
    front is about to do, as the user typed it: ``assignment approve 2026-12 L``).

    Raises :class:`UnknownIdentity` (see :func:`os_login`), or :class:`Forbidden` for a
    non-admin (the refusal is audited)."""
    real = login_of(store)
    if not as_login or as_login == real:
        return real
    with store.unit_of_work() as repo:
        who = actor_in(repo, real, store)
        name = repo.users.display_names([as_login])[as_login]
        require(who, Action.ACT_AS, target=f"user {as_login}", subject=stored("user {id}", id=name))
        if not who.open_store:
            repo.audit.write(
                real, "acted_as", "user", f"user {as_login}", after={"as_login": as_login, "command": command}
            )
    return as_login


def may_vouch(store: Store) -> str:
    """The login this process is on ``store`` (:func:`login_of`), checked to be one that may
    act for others (an admin, or anyone while the store is open): ``millplan serve`` behind a
    trusted proxy lets each browser session act as the proxy's login, as ``--as`` would.

    Raises :class:`UnknownIdentity`, or :class:`Forbidden` for a non-admin (audited)."""
    real = login_of(store)
    with store.unit_of_work() as repo:
        require(actor_in(repo, real, store), Action.ACT_AS, target="browser sessions")
    return real


def registered_login(store: Store, login: str) -> str:
    """``login`` when it is a registered user of ``store`` — the login a trusted proxy names
    for a browser session must be one.

    Raises :class:`UnknownIdentity` naming it otherwise."""
    with store.reading() as repo:
        if repo.users.user(login) is None:
            raise UnknownIdentity(
                _("{login} is not a millplan user: an admin adds them with millplan users add").format(login=login)
            )
    return login
