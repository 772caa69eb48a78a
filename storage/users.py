"""Registered users and the product lines they own."""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from sqlmodel import Session, select

from millplan.core.domain.errors import ChangedMeanwhile, NotFound
from millplan.core.domain.i18n import _
from millplan.core.domain.people import Role, User
from millplan.core.domain.workflow import key_label
from millplan.storage import convert
from millplan.storage.audit import AuditRepository
from millplan.storage.tables import UserLineRow, UserRow


class UserRepository:
    """Users on one unit of work's session; changes are audited under ``user LOGIN``."""

    def __init__(self, session: Session, audit: AuditRepository) -> None:
        self.session = session
        self.audit = audit

    def all(self) -> list[User]:
        """Every registered user with the product lines he owns, by login."""
        lines: dict[int, list[str]] = {}
        for row in self.session.exec(select(UserLineRow)):
            lines.setdefault(row.user_id, []).append(row.product_line)
        return [
            convert.user(u, tuple(lines.get(u.id, ())))
            for u in self.session.exec(select(UserRow).order_by(UserRow.login))
        ]

    def user(self, login: str) -> User | None:
        """The user registered under ``login``, or None."""
        row = self.session.exec(select(UserRow).where(UserRow.login == login)).first()
        if row is None:
            return None
        return convert.user(
            row, tuple(self.session.exec(select(UserLineRow.product_line).where(UserLineRow.user_id == row.id)))
        )

    def user_names(self, logins: Iterable[str]) -> dict[str, str]:
        """{login: name} of those of ``logins`` that are registered users (see :meth:`display_names`)."""
        return dict(self.session.exec(select(UserRow.login, UserRow.name).where(UserRow.login.in_(list(logins)))).all())

    def display_names(self, logins: Iterable[str]) -> dict[str, str]:
        """Who each of ``logins`` is, for people: the user's name where registered, else the
        login itself (a removed user, ``setup``); one query for them all."""
        wanted = set(logins)
        names = self.user_names(wanted) if wanted else {}
        return {login: names.get(login, login) for login in wanted}

    def count_users(self, role: Role | None = None) -> int:
        """How many users are registered (with ``role`` only, when given)."""
        query = select(sa.func.count()).select_from(UserRow)
        if role is not None:
            query = query.where(UserRow.role == role.value)
        return self.session.exec(query).one()

    def save_user(self, user: User, *, by: str, expected_version: int | None = None, reason: str | None = None) -> User:
        """Create ``user`` (``expected_version`` None) or update the stored one (name,
        role, lines, e-mail) if it is still at ``expected_version``; audited under
        ``user LOGIN``. Raises :class:`ChangedMeanwhile` for a stale version and
        :class:`NotFound` for an update of an unknown login."""
        key = f"user {user.login}"
        row = self.session.exec(select(UserRow).where(UserRow.login == user.login).with_for_update()).first()
        values = {"name": user.name, "role": user.role.value, "email": user.email, "lines": sorted(user.lines)}
        if expected_version is None:
            row = UserRow(login=user.login, name=user.name, role=user.role.value, email=user.email)
            self.session.add(row)
            self.session.flush()
            before = None
        else:
            if row is None:
                raise NotFound(_("{login} is not a millplan user").format(login=user.login))
            if row.version != expected_version:
                raise ChangedMeanwhile.by(key_label(key), self.audit.last_change(key))
            old = self.user(user.login)
            before = {"name": old.name, "role": old.role.value, "email": old.email, "lines": list(old.lines)}
            row.name, row.role, row.email = user.name, user.role.value, user.email
            row.version += 1
            self.session.exec(sa.delete(UserLineRow).where(UserLineRow.user_id == row.id))
        for line in sorted(set(user.lines)):
            self.session.add(UserLineRow(user_id=row.id, product_line=line))
        self.audit.write(by, "created" if before is None else "updated", "user", key, before, values, reason)
        self.session.flush()
        return self.user(user.login)

    def remove_user(self, login: str, *, by: str, reason: str | None = None) -> User:
        """Delete a user (his lines go with him; the audit log keeps his actions).
        Raises :class:`NotFound` for an unknown login."""
        old = self.user(login)
        if old is None:
            raise NotFound(_("{login} is not a millplan user").format(login=login))
        self.session.exec(sa.delete(UserRow).where(UserRow.login == login))
        self.audit.write(
            by,
            "removed",
            "user",
            f"user {login}",
            {"name": old.name, "role": old.role.value, "lines": list(old.lines)},
            None,
            reason,
        )
        self.session.flush()
        return old
