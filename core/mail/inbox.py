"""A user's inbox: his notifications, how many are unread, and marking them read."""

from __future__ import annotations

from datetime import UTC, datetime

from millplan.core.domain.errors import InvalidInput, NotFound
from millplan.core.domain.i18n import _
from millplan.core.domain.notices import Notification
from millplan.storage.store import Store


def inbox(store: Store, login: str, *, unread_only: bool = False, limit: int = 50) -> list[Notification]:
    """The notifications of ``login``, newest first, at most ``limit`` (only unread ones
    with ``unread_only``). Raises :class:`InvalidInput` for a limit below 1."""
    if limit < 1:
        raise InvalidInput(_("--limit {limit}: show at least one notification").format(limit=limit))
    with store.reading() as repo:
        return repo.mailbox.notifications(login, unread_only=unread_only, limit=limit)


def unread_count(store: Store, login: str) -> int:
    """How many notifications of ``login`` are unread (the workstation's badge): one
    indexed count."""
    with store.reading() as repo:
        return repo.mailbox.unread_count(login)


def mark_read(store: Store, login: str, ids: list[int] | None) -> int:
    """Mark notifications of ``login`` read: those numbered ``ids``, or all with ``None``.

    Returns how many were unread. Raises :class:`NotFound` naming any id that is not a
    notification of ``login`` (nothing is marked then).
    """
    with store.unit_of_work() as repo:
        mailbox = repo.mailbox
        if ids is not None:
            missing = sorted(set(ids) - mailbox.notification_ids(login, ids))
            if missing:
                raise NotFound(
                    _("notification {ids} is not in the inbox of {login}").format(
                        ids=", ".join(str(i) for i in missing), login=login
                    )
                )
        return mailbox.mark_read(login, ids, datetime.now(UTC))
