"""The user's notifications as a table (the workstation's inbox screen)."""

from __future__ import annotations

from typing import Any

from millplan.core.domain import glyphs
from millplan.core.domain.i18n import _
from millplan.core.domain.notices import Notification
from millplan.core.views.tables import Column, TableView


def inbox_view(found: list[Notification]) -> TableView:
    """Notifications, newest first: ● (:data:`~millplan.core.domain.glyphs.UNREAD`) while unread, when (plant time, as the history),
    subject, what it is about."""
    columns = (
        Column("unread", " "),
        Column("at", _("When (plant time)")),
        Column("subject", _("Subject"), wrap=True),
        Column("about", _("About")),
    )
    rows = tuple(
        {
            "key": str(n.id),
            "id": n.id,
            "unread": str(glyphs.UNREAD) if n.read_at is None else "",
            "at": n.at,
            "subject": n.subject,
            "about": n.object_key,
            "object_key": n.object_key,
            "body": "\n".join(n.details),
        }
        for n in found
    )
    return TableView(_("Inbox"), columns, rows)


def inbox_document(login: str, unread: int, found: list[Notification]) -> dict[str, Any]:
    """A person's notifications (newest first) and how many of all of his are unread."""
    return {"login": login, "unread": unread, "notifications": [n.as_dict() for n in found]}


def marked_document(marked: int, unread: int) -> dict[str, Any]:
    """Notifications just marked read, and how many stay unread."""
    return {"marked_read": marked, "unread": unread}
