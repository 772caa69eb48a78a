"""Managing who may use millplan: users, their roles and the product lines they own.

Only an admin manages users — except to bootstrap: while no admin is registered, anyone
may add one (the first user of a plant is its admin; until then the store is open, see
:mod:`millplan.core.access.permissions`). The last admin can be neither removed nor given another role,
so a plant never locks itself out.
"""

from __future__ import annotations

from millplan.core.access.permissions import Action, Actor, actor, actor_in, require, role_phrase
from millplan.core.domain.errors import InvalidInput, NotFound, StateError
from millplan.core.domain.i18n import _, ngettext
from millplan.core.domain.people import Role, User
from millplan.core.mail.recipients import hand_waiting
from millplan.storage.store import Store
from millplan.storage.unit_of_work import UnitOfWork


def parse_role(text: str) -> Role:
    """``line_manager`` (or ``line-manager``) → :class:`Role`; raises :class:`InvalidInput`."""
    try:
        return Role(text.strip().lower().replace("-", "_"))
    except ValueError:
        raise InvalidInput(
            _("unknown role {text!r}: use one of {roles}").format(text=text, roles=", ".join(r.value for r in Role))
        ) from None


def list_users(store: Store) -> list[User]:
    """Every registered user, by login (anyone may look)."""
    with store.reading() as repo:
        return repo.users.all()


def whoami(store: Store, login: str) -> Actor:
    """The :class:`Actor` of ``login``: role and lines, or read-only with a notice."""
    return actor(store, login)


def _check(repo: UnitOfWork, user: User) -> None:
    if not user.login.strip() or any(c.isspace() for c in user.login):
        raise InvalidInput(
            _("{login!r} is not a login (an operating-system user name, no spaces)").format(login=user.login)
        )
    if not user.name.strip():
        raise InvalidInput(
            _("user {login} needs a name (for a sales manager: as the portfolio writes it)").format(login=user.login)
        )
    if user.role is Role.LINE_MANAGER and not user.lines:
        raise InvalidInput(
            _("{login} is a product-line manager: give the lines he owns (--line ТБД, …)").format(login=user.login)
        )
    if user.lines and user.role is not Role.LINE_MANAGER:
        raise InvalidInput(
            _("only a product-line manager owns product lines; {login} is {role}").format(
                login=user.login, role=role_phrase(user.role)
            )
        )
    known = repo.plant.whole().product_lines
    unknown = sorted(set(user.lines) - set(known))
    if known and unknown:
        raise InvalidInput(
            ngettext(
                "product line {lines} has no mills (known: {known})",
                "product lines {lines} have no mills (known: {known})",
                len(unknown),
            ).format(lines=", ".join(unknown), known=", ".join(known))
        )


def _require_manager(repo: UnitOfWork, store: Store, login: str, target: str, *, adding: User | None = None) -> None:
    """Admins manage users; while no admin exists, anyone may add one (bootstrap)."""
    if adding is not None and adding.role is Role.ADMIN and repo.users.count_users(Role.ADMIN) == 0:
        return
    who = actor_in(repo, login, store)
    if who.open_store:  # no user yet: the first must be the admin, who then adds the rest
        raise StateError(
            _(
                "no admin is registered yet: add one first (millplan users add LOGIN --name … --role admin), then {target}"
            ).format(target=target)
        )
    require(who, Action.MANAGE_USERS, target=target)


def add_user(
    store: Store, login: str, name: str, role: Role, lines: tuple[str, ...] = (), email: str | None = None, *, by: str
) -> User:
    """Register ``login`` as ``name`` with ``role`` (and the product lines a product-line
    manager owns). Raises :class:`InvalidInput` for a bad login, name or lines,
    :class:`StateError` for a login already registered (or a non-admin first user),
    :class:`Forbidden` unless ``by`` is an admin (or this is the first admin). News
    waiting under his name is his from then on (:func:`millplan.core.mail.recipients.hand_waiting`)."""
    user = User(login.strip(), name.strip(), role, tuple(sorted(set(lines))), email.strip() if email else None)
    with store.unit_of_work() as repo:
        _require_manager(repo, store, by, f"user {user.login}", adding=user)
        _check(repo, user)
        if repo.users.user(user.login) is not None:
            raise StateError(
                _("{login} is already a millplan user (millplan users set-role to change him)").format(login=user.login)
            )
        saved = repo.users.save_user(user, by=by)
        hand_waiting(repo)
        return saved


def set_role(
    store: Store,
    login: str,
    role: Role,
    lines: tuple[str, ...] = (),
    *,
    by: str,
    name: str | None = None,
    email: str | None = None,
    version: int | None = None,
) -> User:
    """Give ``login`` another role (and lines), optionally a new name or e-mail.
    ``version`` is the user's version as read: a stale one raises
    :class:`ChangedMeanwhile`. Raises :class:`NotFound`, :class:`InvalidInput`,
    :class:`Forbidden` unless ``by`` is an admin, :class:`StateError` for the last admin.
    A new name hands him the news waiting under it (and, left, his old name may now be
    another user's alone: see :func:`millplan.core.mail.recipients.hand_waiting`)."""
    with store.unit_of_work() as repo:
        _require_manager(repo, store, by, f"user {login}")
        old = repo.users.user(login)
        if old is None:
            raise NotFound(_("{login} is not a millplan user").format(login=login))
        user = User(
            login,
            (name or old.name).strip(),
            role,
            tuple(sorted(set(lines))),
            email if email is not None else old.email,
        )
        _check(repo, user)
        if old.role is Role.ADMIN and role is not Role.ADMIN and repo.users.count_users(Role.ADMIN) == 1:
            raise StateError(
                _("{login} is the only admin: add another admin before giving him another role").format(login=login)
            )
        saved = repo.users.save_user(user, by=by, expected_version=old.version if version is None else version)
        if saved.name != old.name:
            hand_waiting(repo)
        return saved


def remove_user(store: Store, login: str, *, by: str) -> User:
    """Remove ``login`` (his past actions stay in the audit log). Raises :class:`NotFound`,
    :class:`Forbidden` unless ``by`` is an admin, :class:`StateError` for the last admin."""
    with store.unit_of_work() as repo:
        _require_manager(repo, store, by, f"user {login}")
        old = repo.users.user(login)
        if old is None:
            raise NotFound(_("{login} is not a millplan user").format(login=login))
        if old.role is Role.ADMIN and repo.users.count_users(Role.ADMIN) == 1:
            raise StateError(_("{login} is the only admin and cannot be removed").format(login=login))
        removed = repo.users.remove_user(login, by=by)
        hand_waiting(repo)  # his name may now be another user's alone
        return removed
