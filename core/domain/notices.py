"""Plain objects of the inbox and the e-mail outbox, as they leave the store.

Times are timezone-aware UTC. :mod:`millplan.core.mail.notify` writes notifications,
:mod:`millplan.core.mail.inbox` reads them, :mod:`millplan.core.mail.outbox` sends the e-mail copies.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from millplan.core.domain.stored_text import Text, say, shown, texts_of


@dataclass(frozen=True, slots=True)
class Item:
    """One thing a notification lists — usually a position: its ``ref`` (``D-1#2``),
    ``kind`` (``position_removed``, ``tonnes_cut``, ``moved_later``, ``conflict``,
    ``planned``, ``left_out``…), ``text`` (one line saying what happened to it) and
    ``reason`` (why; empty when there is none) — as written, best messages to store
    (:mod:`millplan.core.domain.stored_text`); as read, said in the reader's language.
    ``key`` names the piece of news for the once-only check
    (``2027-01/L/r2:117:position_removed``); it is not stored."""

    ref: str
    kind: str
    text: str | Text
    reason: str | Text = ""
    key: str = ""

    def as_dict(self) -> dict[str, str]:
        """For ``--json``: ref, kind, text, reason (in the current language)."""
        return {"ref": self.ref, "kind": self.kind, "text": say(self.text), "reason": say(self.reason)}

    def stored_dict(self) -> dict[str, Any]:
        """For storage: :meth:`as_dict` and, for a text or reason millplan wrote, its
        message under ``texts`` (said in the reader's language by :meth:`from_dict`)."""
        sentences, texts = texts_of(text=self.text, reason=self.reason)
        return {"ref": self.ref, "kind": self.kind, **sentences} | ({"texts": texts} if texts else {})

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Item:
        """The item :meth:`stored_dict` (or an older millplan's :meth:`as_dict`) stored."""
        texts = data.get("texts")
        return cls(
            str(data.get("ref", "")),
            str(data.get("kind", "")),
            shown(texts, "text", str(data.get("text", ""))),
            shown(texts, "reason", str(data.get("reason", ""))),
        )


WORKFLOW_KINDS = ("conflict", "escalation", "request", "review")
"""Workflow items a notification may be about, named in its object key as ``conflict 12``."""

_REVISION = re.compile(r"^(?P<month>\d{4}-\d{2})/(?P<line>.+)/r(?P<revision>\d+)$")
_MONTH_LINE = re.compile(r"^(?P<month>\d{4}-\d{2}) (?P<line>.+)$")
_ITEM = re.compile(rf"^(?P<kind>{'|'.join(WORKFLOW_KINDS)}) (?P<id>\d+)$")


@dataclass(frozen=True, slots=True)
class About:
    """What a notification's object key names, read back from the key.

    ``kind`` is one of :data:`WORKFLOW_KINDS` (``id`` its number), ``revision``
    (``month`` ``YYYY-MM``, ``line``, ``revision``), ``month`` (a month of a line, as a
    month close names it: ``month``, ``line``), ``position`` (``ref`` ``D-1#2``) or ``deal``
    (``ref`` its number)."""

    kind: str
    id: int | None = None
    month: str | None = None
    line: str | None = None
    revision: int | None = None
    ref: str | None = None

    @classmethod
    def parse(cls, object_key: str) -> About:
        """Read ``object_key`` (as the audit log writes it); anything not a workflow item,
        a revision or a month is a position (with ``#``) or a deal."""
        key = object_key.strip()
        if found := _ITEM.match(key):
            return cls(found["kind"], id=int(found["id"]))
        if found := _REVISION.match(key):
            return cls("revision", month=found["month"], line=found["line"], revision=int(found["revision"]))
        if found := _MONTH_LINE.match(key):
            return cls("month", month=found["month"], line=found["line"])
        return cls("position" if "#" in key else "deal", ref=key)


@dataclass(frozen=True, slots=True)
class Notification:
    """One message in a user's inbox.

    ``kind`` is stable for scripts (``position_removed``, ``tonnes_cut``, ``moved_later``,
    ``request_answered``, ``conflict``, ``approved``, …; one listing positions of several
    kinds is ``assignment_changed``); ``object_key`` names what it is about the way the
    audit log does (e.g. ``2027-01/ТБД/r2``); ``read_at`` is ``None`` while unread;
    ``items`` are the positions it lists (one message per person per event), each also a
    line of ``body``.
    """

    id: int
    at: datetime
    kind: str
    subject: str
    body: str
    object_key: str
    read_at: datetime | None = None
    items: tuple[Item, ...] = ()

    @property
    def about(self) -> About:
        """What the notification is about, read from ``object_key``."""
        return About.parse(self.object_key)

    @property
    def details(self) -> list[str]:
        """The body's lines for a reader who has the subject: a first line repeating the
        subject is left out."""
        lines = self.body.splitlines()
        return lines[1:] if lines and lines[0].rstrip(".") == self.subject.rstrip(".") else lines

    def as_dict(self) -> dict[str, Any]:
        """For ``--json``: the fields with times in ISO 8601."""
        return {
            "id": self.id,
            "at": self.at.isoformat(),
            "kind": self.kind,
            "subject": self.subject,
            "body": self.body,
            "object_key": self.object_key,
            "read_at": self.read_at.isoformat() if self.read_at else None,
            "items": [item.as_dict() for item in self.items],
        }


class MailState(str, enum.Enum):
    """Where an outbox message stands: waiting (``pending``), claimed by a deliverer that
    is talking to the server (``sending``), accepted by the server (``sent``), or given up
    after repeated permanent refusals (``failed``)."""

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class OutboxMessage:
    """One e-mail of the outbox: to ``address`` (the user ``login``), caused by ``event``.

    ``message_id`` is derived from the event and address, so a copy sent again after a
    crash carries the same Message-ID and a mail client shows it once. ``attempts``
    counts tries that failed; ``next_attempt_at`` is when a deliverer may try again.
    """

    id: int
    created_at: datetime
    event: str
    login: str
    address: str
    subject: str
    body: str
    message_id: str
    state: MailState
    attempts: int
    next_attempt_at: datetime
    sent_at: datetime | None = None
    last_error: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """For ``--json``: what a person checks about a message (not its body)."""
        return {
            "id": self.id,
            "event": self.event,
            "login": self.login,
            "address": self.address,
            "subject": self.subject,
            "message_id": self.message_id,
            "state": self.state.value,
            "attempts": self.attempts,
            "next_attempt_at": self.next_attempt_at.isoformat(),
            "sent_at": self.sent_at.isoformat() if self.sent_at else None,
            "last_error": self.last_error,
        }
