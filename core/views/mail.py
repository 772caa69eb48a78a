"""The e-mail outbox, as data: delivery and outbox documents (for scripts) and the
messages with errors as a table (for people)."""

from __future__ import annotations

from typing import Any

from millplan.core.domain import glyphs
from millplan.core.domain.i18n import _
from millplan.core.domain.months import plant_clock
from millplan.core.domain.notices import MailState
from millplan.core.mail.outbox import DeliveryReport, MailStatus, SmtpSettings
from millplan.core.views.tables import Column, TableView


def delivery_document(report: DeliveryReport, status: MailStatus) -> dict[str, Any]:
    """What a delivery run did, and when the outbox's next attempt is due (ISO 8601, ``null``: none waits)."""
    return {**report.as_dict(), "next_attempt_at": status.as_dict()["next_attempt_at"]}


def outbox_document(settings: SmtpSettings | None, status: MailStatus) -> dict[str, Any]:
    """The SMTP server (``host:port``; ``null``: e-mail is off) and the outbox at a glance."""
    return {"smtp": settings.server if settings else None, **status.as_dict()}


def requeued_document(queued: int) -> dict[str, Any]:
    """How many failed messages were queued again."""
    return {"requeued": queued}


def mail_state_word(state: MailState) -> str:
    """Where an outbox message stands, in the user's language (``pending`` → waiting)."""
    return {
        MailState.PENDING: _("waiting"),
        MailState.SENDING: _("sending"),
        MailState.SENT: _("sent"),
        MailState.FAILED: _("failed"),
    }[state]


def problems_view(status: MailStatus) -> TableView:
    """The messages with errors: recipient, state, tries, the next try of a pending one
    (plant time) and the last error met."""
    columns = (
        Column("id", "#"),
        Column("to", _("To")),
        Column("state", _("State")),
        Column("tries", _("Tries")),
        Column("next_try", _("Next try")),
        Column("last_error", _("Last error"), wrap=True),
    )
    rows = tuple(
        {
            "key": str(m.id),
            "id": str(m.id),
            "to": m.address,
            "state": mail_state_word(m.state),
            "tries": str(m.attempts),
            "next_try": (plant_clock(m.next_attempt_at) if m.next_attempt_at else str(glyphs.NONE))
            if m.state is MailState.PENDING
            else "",
            "last_error": m.last_error or "",
        }
        for m in status.problems
    )
    return TableView(_("Messages with errors"), columns, rows)
