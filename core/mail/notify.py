"""Writing notifications: one per (user, event) into his inbox, and the e-mail copy queued with it.

A notification is written once per (user, event): ``event`` is a deterministic string
naming what happened (e.g. ``2027-01/ТБД/r2:117:position_removed``), so running the same
comparison or action again never notifies twice. When the user has an e-mail address, the
same transaction queues one outbox message per (event, address); :mod:`millplan.core.mail.outbox`
sends it. Both writes are ``INSERT … ON CONFLICT DO NOTHING`` on unique constraints, safe
when two sessions race on one event.

The workflow calls :func:`notify` and :func:`notify_role` for what someone must act on or
know; every writer says who acts (``by``), and :func:`notify_all` — the one place all
notifications pass — never tells him of his own action, whatever else he is (a line manager
who is also a deal's sales manager hears nothing of the plan he made).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any, NamedTuple

from millplan.core.domain.notices import Item, MailState
from millplan.core.domain.people import Role
from millplan.core.domain.stored_text import Joined, Text, stored, texts_of
from millplan.storage.unit_of_work import UnitOfWork

EVENT_MAX, KIND_MAX, OBJECT_KEY_MAX, SUBJECT_MAX = 300, 32, 200, 300


class NewNotification(NamedTuple):
    """One notification for one login, ready for :func:`notify_all`; ``items`` are the
    positions it lists (each also a line of ``body``). ``subject`` and ``body`` are best
    messages (:func:`millplan.core.domain.stored_text.stored`), kept to say in the reader's
    language; plain text is stored and shown as it is."""

    login: str
    event: str
    kind: str
    subject: str | Text
    body: str | Text
    object_key: str
    items: tuple[Item, ...] = ()


def message_id(event: str, address: str) -> str:
    """The Message-ID header of the e-mail for ``event`` to ``address``:
    ``<sha256(event, address)[:32]@millplan>``, the same every time it is derived."""
    digest = hashlib.sha256(f"{event}\n{address.lower()}".encode()).hexdigest()[:32]
    return f"<{digest}@millplan>"


def _mail_body(body: str | Text) -> Joined:
    footer = stored("millplan: `millplan inbox` lists this and your other notifications.")
    return Joined("", (body, "\n\n-- \n", footer))


def notify(
    repo: UnitOfWork,
    *,
    login: str,
    event: str,
    kind: str,
    subject: str | Text,
    body: str | Text,
    object_key: str,
    by: str | None,
) -> bool:
    """Write one inbox notification for ``login`` unless one for the same ``event`` exists
    or ``login`` is ``by``, the one who acts (``None``: nobody, e.g. a timer), and — when the
    user has an e-mail address — queue one e-mail for it, in the caller's unit of work
    (both or neither are kept).

    ``kind`` is a stable code (``position_removed``, ``tonnes_cut``, ``moved_later``,
    ``request_answered``, ``conflict``, ``approved``…); ``object_key`` names the object
    as the audit log does; ``subject`` and ``body`` best messages, said in the reader's
    language when read (the e-mail's when it is sent). A subject longer than 300 characters
    is stored shortened.
    Returns True when the notification is new. Raises ``ValueError`` for an empty event,
    login or kind, or an event, kind or object key longer than its column (300, 32, 200
    characters) — a programming error.
    """
    return notify_all(repo, [NewNotification(login, event, kind, subject, body, object_key)], by=by) == 1


def _checked(note: NewNotification) -> NewNotification:
    if not (note.event and note.login and note.kind):
        raise ValueError("a notification needs a login, an event and a kind")
    for name, value, most in (
        ("event", note.event, EVENT_MAX),
        ("kind", note.kind, KIND_MAX),
        ("object key", note.object_key, OBJECT_KEY_MAX),
    ):
        if len(value) > most:
            raise ValueError(f"{name} {value[:40]!r}… is longer than {most} characters")
    return note


def _columns(subject: str | Text, body: str | Text) -> dict[str, Any]:
    """The subject, body and texts columns of a notification or e-mail (the subject's
    sentence shortened to its column's 300 characters)."""
    sentences, texts = texts_of(subject=subject, body=body)
    if len(sentences["subject"]) > SUBJECT_MAX:
        sentences["subject"] = sentences["subject"][: SUBJECT_MAX - 1] + "…"
    return {**sentences, "texts": texts}


def notify_all(repo: UnitOfWork, notes: Iterable[NewNotification], *, by: str | None) -> int:
    """:func:`notify` for many at once, in a few statements (a month's first draft brings
    thousands of pieces of news): the notifications, then the e-mails of those that are
    new. A notification for ``by``, the one who acts, is dropped: he knows what he did. Returns
    how many notifications are new. Raises ``ValueError`` as :func:`notify`."""
    # one per (login, event)
    checked = {(c.login, c.event): c for c in map(_checked, notes) if c.login != by}
    if not checked:
        return 0
    now = datetime.now(UTC)
    mailbox = repo.mailbox
    new = mailbox.add_notifications(
        [
            {
                "at": now,
                "login": c.login,
                "event": c.event,
                "kind": c.kind,
                **_columns(c.subject, c.body),
                "object_key": c.object_key,
                "items": [item.stored_dict() for item in c.items],
            }
            for c in checked.values()
        ]
    )
    addresses = mailbox.emails_of({login for login, _event in new})
    mailbox.enqueue_all(
        [
            mail_row(c.login, addresses[c.login], c.event, c.subject, c.body, now)
            for key, c in checked.items()
            if key in new and addresses.get(c.login)
        ]
    )
    return len(new)


def mail_row(
    login: str, address: str, event: str, subject: str | Text, body: str | Text, now: datetime
) -> dict[str, Any]:
    """The outbox row of the e-mail copy of notification ``event`` to ``login`` (at
    ``now``, UTC), as :meth:`millplan.storage.mailbox.MailboxRepository.enqueue_all` takes it;
    its words are said in the language of the process that sends it."""
    return {
        "created_at": now,
        "event": event,
        "login": login,
        "address": address,
        **_columns(subject, _mail_body(body)),
        "message_id": message_id(event, address),
        "status": MailState.PENDING.value,
        "attempts": 0,
        "next_attempt_at": now,
    }


def notify_role(
    repo: UnitOfWork,
    role: Role,
    *,
    line: str | None,
    event: str,
    kind: str,
    subject: str | Text,
    body: str | Text,
    object_key: str,
    by: str | None,
) -> int:
    """Tell every user of ``role`` — for product-line managers, those who own ``line`` —
    what waits for them or concerns them (a request or objection to answer, an escalation
    to decide, a revision to review, a draft gone stale, an approval), in the caller's unit
    of work; once per ``event`` each, never the acting ``by`` himself (:func:`notify_all`).
    Returns how many notifications are new."""
    logins = [
        u.login for u in repo.users.all() if u.role is role and (role is not Role.LINE_MANAGER or line in u.lines)
    ]
    return notify_all(repo, [NewNotification(login, event, kind, subject, body, object_key) for login in logins], by=by)
