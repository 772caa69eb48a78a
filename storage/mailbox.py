"""Queries and writes on notifications, the e-mail outbox and users' e-mail addresses.

A :class:`MailboxRepository` works on the session of one unit of work (``repo.mailbox``); it never
commits. Inserts that must happen once per event use the dialect's
``INSERT … ON CONFLICT DO NOTHING`` on the unique constraint, so two writers racing on
one event leave one row on SQLite and PostgreSQL alike, without an error.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, SQLModel, func, select

from millplan.core.domain.notices import Item, MailState, Notification, OutboxMessage
from millplan.core.domain.stored_text import Text, message_of, shown
from millplan.storage.tables import NotificationNewsRow, NotificationRow, OutboxRow, UserRow

_INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}
_CHUNK = 500
"""Rows per INSERT: 500 × 10 columns stays under SQLite's 32 766 bound parameters."""


def _notification(row: NotificationRow) -> Notification:
    return Notification(
        row.id,
        row.at,
        row.kind,
        shown(row.texts, "subject", row.subject),
        shown(row.texts, "body", row.body),
        row.object_key,
        row.read_at,
        tuple(Item.from_dict(item) for item in row.items or ()),
    )


def _message(row: OutboxRow) -> OutboxMessage:
    return OutboxMessage(
        id=row.id,
        created_at=row.created_at,
        event=row.event,
        login=row.login,
        address=row.address,
        subject=shown(row.texts, "subject", row.subject),
        body=shown(row.texts, "body", row.body),
        message_id=row.message_id,
        state=MailState(row.status),
        attempts=row.attempts,
        next_attempt_at=row.next_attempt_at,
        sent_at=row.sent_at,
        last_error=row.last_error,
    )


class MailboxRepository:
    """Notifications and outbox rows through one SQLModel session."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def _insert_new(self, model: type[SQLModel], rows: Sequence[dict[str, Any]], keys: Sequence[str]) -> set[tuple]:
        """Insert each of ``rows`` unless a row with the same ``keys`` exists; the keys of
        those inserted. Several hundred rows go in one statement.

        Raises ``NotImplementedError`` on a database other than SQLite or PostgreSQL.
        """
        dialect = self.session.get_bind().dialect.name
        if dialect not in _INSERTS:
            raise NotImplementedError(f"notifications need SQLite or PostgreSQL, not {dialect}")
        table = model.__table__
        inserted: set[tuple] = set()
        for start in range(0, len(rows), _CHUNK):
            statement = (
                _INSERTS[dialect](table)
                .values(list(rows[start : start + _CHUNK]))
                .on_conflict_do_nothing(index_elements=list(keys))
                .returning(*(table.c[k] for k in keys))
            )
            # RETURNING, not rowcount: the row count of an upsert is not reliable on every driver
            inserted.update(tuple(r) for r in self.session.execute(statement))
        return inserted

    # -- users -------------------------------------------------------------------------

    def emails_of(self, logins: Iterable[str]) -> dict[str, str]:
        """The e-mail addresses of those of ``logins`` that are users with one."""
        wanted = list(set(logins))
        if not wanted:
            return {}
        found = self.session.exec(
            select(UserRow.login, UserRow.email).where(UserRow.login.in_(wanted), UserRow.email.is_not(None))
        )
        return {login: email for login, email in found}

    def users(self) -> list[tuple[str, str, str | None]]:
        """Every user as (login, name, e-mail or None), by login."""
        return list(self.session.exec(select(UserRow.login, UserRow.name, UserRow.email).order_by(UserRow.login)))

    # -- inbox ---------------------------------------------------------------------------

    def add_notifications(self, rows: Sequence[dict[str, Any]]) -> set[tuple[str, str]]:
        """Insert notifications (:class:`NotificationRow` fields) unless their (login,
        event) exists; the (login, event) of those inserted."""
        return self._insert_new(NotificationRow, rows, ("login", "event"))

    def add_news(self, rows: Sequence[dict[str, Any]]) -> set[tuple[str, str]]:
        """Record pieces of news told (:class:`NotificationNewsRow` fields: login, key, at)
        unless told before; the (login, key) of those new. A writer racing on the same
        news waits for the first to commit, then finds it told."""
        return self._insert_new(NotificationNewsRow, rows, ("login", "key"))

    def waiting_texts(self) -> list[str]:
        """The addresses (sales-manager texts) that hold notifications but are no user's
        login: news waiting for the user that text names."""
        registered = select(UserRow.login)
        return list(
            self.session.exec(select(NotificationRow.login).where(NotificationRow.login.not_in(registered)).distinct())
        )

    def readdress(self, texts: Sequence[str], login: str) -> list[tuple[str, str | Text, str | Text]]:
        """Hand the notifications addressed to any of ``texts`` to ``login``, and the
        record of what they told; returns the (event, subject, body) of the notifications
        handed over (each the stored message, or the sentence of a row that has none). An
        event ``login`` already has (or a second copy of one under another text) stays where
        it is: he is told once."""
        self._hand_over(NotificationNewsRow, "key", texts, login)
        moved = self._hand_over(NotificationRow, "event", texts, login, ("event", "subject", "body", "texts"))
        return [
            (event, message_of(said, "subject") or subject, message_of(said, "body") or body)
            for event, subject, body, said in moved
        ]

    def _hand_over(
        self, model: type[SQLModel], key: str, texts: Sequence[str], login: str, returned: Sequence[str] = ()
    ) -> list[tuple]:
        """One UPDATE moving ``model``'s rows from ``texts`` to ``login``, the first per
        ``key`` not yet under ``login`` (the unique (login, key) constraint holds)."""
        table = model.__table__
        other = table.alias("other")
        first = select(func.min(other.c.id)).where(other.c.login.in_(list(texts))).group_by(other.c[key])
        his = select(other.c[key]).where(other.c.login == login)
        statement = (
            sa.update(table)
            .where(table.c.login.in_(list(texts)), table.c.id.in_(first), table.c[key].not_in(his))
            .values(login=login)
        )
        if not returned:
            self.session.execute(statement)
            return []
        return [tuple(r) for r in self.session.execute(statement.returning(*(table.c[c] for c in returned)))]

    def notifications(self, login: str, *, unread_only: bool, limit: int) -> list[Notification]:
        """Those addressed to ``login``, newest first, at most ``limit``."""
        query = select(NotificationRow).where(NotificationRow.login == login)
        if unread_only:
            query = query.where(NotificationRow.read_at.is_(None))
        query = query.order_by(NotificationRow.at.desc(), NotificationRow.id.desc()).limit(limit)
        return [_notification(r) for r in self.session.exec(query)]

    def unread_count(self, login: str) -> int:
        """How many notifications addressed to ``login`` are unread (one indexed count)."""
        return self.session.exec(
            select(func.count())
            .select_from(NotificationRow)
            .where(NotificationRow.login == login, NotificationRow.read_at.is_(None))
        ).one()

    def notification_ids(self, login: str, ids: Iterable[int]) -> set[int]:
        """Those of ``ids`` that are notifications addressed to ``login``."""
        return set(
            self.session.exec(
                select(NotificationRow.id).where(NotificationRow.login == login, NotificationRow.id.in_(list(ids)))
            )
        )

    def mark_read(self, login: str, ids: Iterable[int] | None, at: datetime) -> int:
        """Set ``read_at`` on the unread notifications addressed to ``login`` (only ``ids``
        when given); returns how many were unread."""
        statement = (
            sa.update(NotificationRow)
            .where(NotificationRow.login == login, NotificationRow.read_at.is_(None))
            .values(read_at=at)
        )
        if ids is not None:
            statement = statement.where(NotificationRow.id.in_(list(ids)))
        return self.session.execute(statement).rowcount

    # -- outbox --------------------------------------------------------------------------

    def enqueue_all(self, rows: Sequence[dict[str, Any]]) -> int:
        """Insert outbox messages (:class:`OutboxRow` fields) unless their (event, address)
        exists; how many were inserted."""
        return len(self._insert_new(OutboxRow, rows, ("event", "address")))

    def release_stale(self, claimed_before: datetime) -> int:
        """Return messages claimed before ``claimed_before`` and never settled (their
        deliverer died) to ``pending``; returns how many."""
        return self.session.execute(
            sa.update(OutboxRow)
            .where(OutboxRow.status == MailState.SENDING.value, OutboxRow.claimed_at < claimed_before)
            .values(status=MailState.PENDING.value, claim=None, claimed_at=None)
        ).rowcount

    def due_ids(self, now: datetime, limit: int) -> list[int]:
        """Ids of pending messages whose next attempt is due at ``now``, oldest due first."""
        return list(
            self.session.exec(
                select(OutboxRow.id)
                .where(OutboxRow.status == MailState.PENDING.value, OutboxRow.next_attempt_at <= now)
                .order_by(OutboxRow.next_attempt_at, OutboxRow.id)
                .limit(limit)
            )
        )

    def claim(self, message_id: int, token: str, now: datetime) -> OutboxMessage | None:
        """Move message ``message_id`` from pending to sending under ``token``, in one
        conditional UPDATE; returns it, or None when another deliverer claimed it first
        (or it is no longer due)."""
        claimed = self.session.execute(
            sa.update(OutboxRow)
            .where(
                OutboxRow.id == message_id,
                OutboxRow.status == MailState.PENDING.value,
                OutboxRow.next_attempt_at <= now,
            )
            .values(status=MailState.SENDING.value, claim=token, claimed_at=now)
        ).rowcount
        if claimed != 1:
            return None
        return _message(self.session.get(OutboxRow, message_id, populate_existing=True))

    def settle(self, message_id: int, token: str, values: dict[str, Any]) -> bool:
        """Write the outcome of a send (``values``: status, attempts, … ) on a message
        still claimed under ``token``; the claim is cleared. False when the claim was lost
        (released as stale meanwhile)."""
        return (
            self.session.execute(
                sa.update(OutboxRow)
                .where(
                    OutboxRow.id == message_id, OutboxRow.claim == token, OutboxRow.status == MailState.SENDING.value
                )
                .values(claim=None, claimed_at=None, **values)
            ).rowcount
            == 1
        )

    def failed_ids(self, ids: Iterable[int] | None) -> set[int]:
        """Those of ``ids`` (default: all) that are failed messages."""
        query = select(OutboxRow.id).where(OutboxRow.status == MailState.FAILED.value)
        if ids is not None:
            query = query.where(OutboxRow.id.in_(list(ids)))
        return set(self.session.exec(query))

    def requeue(self, ids: Iterable[int], now: datetime) -> int:
        """Return failed messages ``ids`` to pending, due at ``now``, attempts from 0."""
        return self.session.execute(
            sa.update(OutboxRow)
            .where(OutboxRow.id.in_(list(ids)), OutboxRow.status == MailState.FAILED.value)
            .values(status=MailState.PENDING.value, attempts=0, next_attempt_at=now)
        ).rowcount

    def outbox_counts(self) -> dict[MailState, int]:
        """Messages by state (every state present, zero when none)."""
        counts = dict.fromkeys(MailState, 0)
        for status, count in self.session.exec(select(OutboxRow.status, func.count()).group_by(OutboxRow.status)):
            counts[MailState(status)] = count
        return counts

    def next_attempt_at(self) -> datetime | None:
        """When the earliest pending message is due, or None when none waits."""
        return self.session.exec(
            select(func.min(OutboxRow.next_attempt_at)).where(OutboxRow.status == MailState.PENDING.value)
        ).one()

    def messages(
        self, *, states: Sequence[MailState] | None = None, with_errors: bool = False, limit: int = 20
    ) -> list[OutboxMessage]:
        """Newest first (by id); only in ``states`` when given; only those with a last
        error when ``with_errors``."""
        query = select(OutboxRow).order_by(OutboxRow.id.desc()).limit(limit)
        if states is not None:
            query = query.where(OutboxRow.status.in_([s.value for s in states]))
        if with_errors:
            query = query.where(OutboxRow.last_error.is_not(None))
        return [_message(r) for r in self.session.exec(query)]
