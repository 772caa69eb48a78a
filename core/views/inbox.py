"""The user's notifications as a table (the workstation's inbox screen)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from millplan.core.domain import glyphs
from millplan.core.domain.i18n import _
from millplan.core.domain.months import Month
from millplan.core.domain.notices import About, Notification
from millplan.core.domain.workflow import key_label
from millplan.core.views.tables import Column, TableView
from millplan.storage.store import Store


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
            "about": key_label(n.object_key),
            "object_key": n.object_key,
            "refs": tuple(item.ref for item in n.items),
            "body": "\n".join(n.details),
        }
        for n in found
    )
    return TableView(_("Inbox"), columns, rows)


@dataclass(frozen=True)
class Target:
    """Where a notification leads in the workstation.

    ``pane`` is ``approval`` (``month``, ``line``, ``section`` and ``key``: the row of the
    item, its id as text; no key for a revision), ``assignment`` (``month``, ``line``;
    ``ref`` the position to highlight, if any) or ``deals`` (``ref`` a deal number)."""

    pane: str
    month: Month | None = None
    line: str | None = None
    section: str | None = None
    key: str | None = None
    ref: str | None = None


def target(store: Store, about: About, refs: tuple[str, ...] = ()) -> Target:
    """Where a notification about ``about`` listing positions ``refs`` leads: a conflict,
    request, escalation or review to its row in the approval pane (its month and line read
    from the store); a revision listing positions to the first of them in the assignment
    pane, one listing none to the approval pane; a month of a line to its assignment; a
    position or deal to its deal in the deals pane.

    Raises :class:`~millplan.core.domain.errors.NotFound` when the item is no longer stored."""
    if about.kind in ("conflict", "escalation", "request", "review"):
        with store.reading() as repo:
            reads = {
                "conflict": repo.workflow.conflict,
                "escalation": repo.workflow.escalation,
                "request": repo.workflow.request,
                "review": repo.workflow.review,
            }
            item = reads[about.kind](about.id)
        return Target("approval", item.month, item.product_line, f"{about.kind}s", str(item.id))
    if about.kind == "revision":
        month = Month.parse(about.month)
        if refs:
            return Target("assignment", month, about.line, ref=refs[0])
        return Target("approval", month, about.line, "diff")
    if about.kind == "month":
        return Target("assignment", Month.parse(about.month), about.line, ref=refs[0] if refs else None)
    return Target("deals", ref=about.ref.rpartition("#")[0] if about.kind == "position" else about.ref)


def inbox_document(login: str, unread: int, found: list[Notification]) -> dict[str, Any]:
    """A person's notifications (newest first) and how many of all of his are unread."""
    return {"login": login, "unread": unread, "notifications": [n.as_dict() for n in found]}


def marked_document(marked: int, unread: int) -> dict[str, Any]:
    """Notifications just marked read, and how many stay unread."""
    return {"marked_read": marked, "unread": unread}
