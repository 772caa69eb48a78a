"""Sending the outbox's e-mails through an SMTP server, and reporting on it.

Guarantees (the outbox table is the only queue):

- **never lost** — a message is marked ``sent`` only after the server accepted it (the
  SMTP ``sendmail`` returned without an exception); any failure leaves it ``pending``.
- **retried with back-off** while the server is down or answers 4xx: the n-th failed
  attempt waits ``min(2**(n-1), 60)`` minutes (1, 2, 4, … 60).
- **never twice for one event** — one outbox row per (event, address); a deliverer
  claims a row (a conditional UPDATE ``pending → sending``) before talking to the server,
  so two deliverers running at once cannot both send it. A claim older than
  :data:`STALE_CLAIM` (its deliverer died mid-send) returns to ``pending``; that message
  may then reach the server a second time, with the same Message-ID (derived from the
  event), which mail clients use to show it once.
- a message the server refuses permanently (5xx for its recipient or content) on
  :data:`FAIL_AFTER` attempts becomes ``failed`` and is not retried any more; it stays
  visible in ``millplan mail status`` (``millplan mail retry`` queues it again).
  Server-wide trouble (cannot connect; HELO, STARTTLS, login or the From address
  refused) never fails a message — it waits for the server.

E-mail is off when ``MILLPLAN_SMTP_HOST`` is unset: messages stay queued, the inbox works.
"""

from __future__ import annotations

import os
import smtplib
import ssl
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime
from typing import Any

from millplan.core.domain.errors import InvalidInput, MillplanError, NotFound
from millplan.core.domain.i18n import _, ngettext
from millplan.core.domain.notices import MailState, OutboxMessage
from millplan.storage.store import Store

ENV_PREFIX = "MILLPLAN_SMTP_"
FAIL_AFTER = 3
"""Attempts after which a permanent (5xx) refusal of a message makes it ``failed``."""
MAX_BACKOFF_MINUTES = 60
STALE_CLAIM = timedelta(minutes=10)
"""A claim this old belongs to a deliverer that died: far above one send's timeouts."""
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"", "0", "false", "no", "off"}


@dataclass(frozen=True)
class SmtpSettings:
    """How to reach the SMTP server: ``host``, ``port`` (25, or 587 with STARTTLS),
    envelope and From address ``sender``, optional ``user``/``password`` for AUTH,
    ``starttls`` to encrypt the connection, ``timeout`` (s) per network operation."""

    host: str
    port: int = 25
    sender: str = "millplan@localhost"
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    starttls: bool = False
    timeout: float = 30.0

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> SmtpSettings | None:
        """Settings from ``MILLPLAN_SMTP_HOST``, ``_PORT``, ``_FROM``, ``_USER``,
        ``_PASSWORD``, ``_STARTTLS`` (``1``/``true``/``yes``); ``None`` when the host is
        unset (e-mail off). Raises :class:`InvalidInput` naming a variable that cannot be
        read."""
        env = os.environ if environ is None else environ
        host = env.get(ENV_PREFIX + "HOST", "").strip()
        if not host:
            return None
        starttls_text = env.get(ENV_PREFIX + "STARTTLS", "").strip().lower()
        if starttls_text not in _TRUE | _FALSE:
            raise InvalidInput(
                _("{name}={value!r}: use 1 or 0 (true/false, yes/no)").format(
                    name=ENV_PREFIX + "STARTTLS", value=starttls_text
                )
            )
        starttls = starttls_text in _TRUE
        port_text = env.get(ENV_PREFIX + "PORT", "").strip()
        if port_text and not (port_text.isdigit() and 0 < int(port_text) < 65536):
            raise InvalidInput(
                _("{name}={value!r} is not a TCP port (1-65535)").format(name=ENV_PREFIX + "PORT", value=port_text)
            )
        return cls(
            host=host,
            port=int(port_text) if port_text else (587 if starttls else 25),
            sender=env.get(ENV_PREFIX + "FROM", "").strip() or cls.sender,
            user=env.get(ENV_PREFIX + "USER") or None,
            password=env.get(ENV_PREFIX + "PASSWORD") or None,
            starttls=starttls,
        )

    @property
    def server(self) -> str:
        return f"{self.host}:{self.port}"


@dataclass(frozen=True)
class DeliveryReport:
    """What one delivery run did: messages ``sent``, ``deferred`` (to be retried later),
    ``failed`` (given up), ``skipped`` (claimed by another deliverer first), stale claims
    ``released``, and the ``errors`` met (one line each). ``enabled`` is False when no
    SMTP server is configured (nothing was tried)."""

    enabled: bool
    sent: int = 0
    deferred: int = 0
    failed: int = 0
    skipped: int = 0
    released: int = 0
    errors: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {
            "enabled": self.enabled,
            "sent": self.sent,
            "deferred": self.deferred,
            "failed": self.failed,
            "skipped": self.skipped,
            "released": self.released,
            "errors": list(self.errors),
        }


@dataclass(frozen=True)
class MailStatus:
    """The outbox at a glance: messages by state, when the next pending one is due
    (``None``: none waits), and the newest messages that met an error and are not sent."""

    counts: dict[MailState, int]
    next_attempt_at: datetime | None
    problems: list[OutboxMessage]

    def as_dict(self) -> dict[str, Any]:
        return {
            "counts": {state.value: count for state, count in self.counts.items()},
            "next_attempt_at": self.next_attempt_at.isoformat() if self.next_attempt_at else None,
            "problems": [m.as_dict() for m in self.problems],
        }


class _ServerTrouble(Exception):
    """The server cannot be used now (connect, HELO, STARTTLS, login or a dropped link)."""


def backoff(attempts: int) -> timedelta:
    """Wait after the ``attempts``-th failed attempt (≥ 1): 1, 2, 4, … minutes, at most 60."""
    return timedelta(minutes=min(2 ** (max(attempts, 1) - 1), MAX_BACKOFF_MINUTES))


def email_of(message: OutboxMessage, sender: str) -> EmailMessage:
    """The e-mail for an outbox message: From ``sender``, To its address, its subject,
    stable Message-ID and Date (when it was queued), plain UTF-8 text."""
    email = EmailMessage()
    email["From"] = sender
    email["To"] = message.address
    email["Subject"] = message.subject
    email["Date"] = format_datetime(message.created_at)
    email["Message-ID"] = message.message_id
    email["X-Millplan-Event"] = message.event
    email.set_content(message.body)
    return email


def _connect(settings: SmtpSettings) -> smtplib.SMTP:
    try:
        connection = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
    except (OSError, smtplib.SMTPException) as exc:
        raise _ServerTrouble(
            _("cannot connect to {server}: {error}").format(server=settings.server, error=_describe(exc))
        ) from None
    try:
        if settings.starttls:
            connection.ehlo()
            connection.starttls(context=ssl.create_default_context())
            connection.ehlo()
        if settings.user:
            connection.login(settings.user, settings.password or "")
    except (OSError, smtplib.SMTPException) as exc:
        connection.close()
        raise _ServerTrouble(
            _("{server} refused the session: {error}").format(server=settings.server, error=_describe(exc))
        ) from None
    return connection


def _describe(exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPResponseException):
        text = exc.smtp_error.decode(errors="replace") if isinstance(exc.smtp_error, bytes) else str(exc.smtp_error)
        return f"{exc.smtp_code} {text}"
    return str(exc) or type(exc).__name__


def _dropped(settings: SmtpSettings, exc: BaseException) -> str:
    return _("{server} dropped the connection: {error}").format(server=settings.server, error=_describe(exc))


def _refusal(exc: smtplib.SMTPException) -> tuple[int, str]:
    """(SMTP code, text) of a refusal of one message."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        code, text = min(exc.recipients.values())
        return code, f"{code} {text.decode(errors='replace') if isinstance(text, bytes) else text}"
    assert isinstance(exc, smtplib.SMTPResponseException)
    return exc.smtp_code, _describe(exc)


def deliver(
    store: Store, settings: SmtpSettings | None, *, now: datetime | None = None, limit: int = 100
) -> DeliveryReport:
    """Send up to ``limit`` due outbox messages through the server of ``settings``.

    Each message is claimed in its own transaction before it is sent and settled in
    another right after (sent / deferred with back-off / failed), so a crash loses no
    outcome but the one message in flight. ``now`` (UTC-aware) fixes the clock, for
    tests and catch-up runs; by default the real time is read at each step. With
    ``settings`` ``None`` (e-mail off) nothing is tried. Raises nothing for SMTP
    trouble — that is reported and retried; a database failure propagates.
    """
    if settings is None:
        return DeliveryReport(enabled=False)

    def clock() -> datetime:
        return now or datetime.now(UTC)

    with store.unit_of_work() as repo:
        released = repo.mailbox.release_stale(clock() - STALE_CLAIM)
    with store.unit_of_work() as repo:
        due = repo.mailbox.due_ids(clock(), limit)
    token = uuid.uuid4().hex
    counts = {"sent": 0, "deferred": 0, "failed": 0, "skipped": 0}
    errors: list[str] = []
    connection: smtplib.SMTP | None = None
    trouble: str | None = None  # once the server is unusable, the rest of the run waits too
    try:
        for message_id in due:
            with store.unit_of_work() as repo:
                message = repo.mailbox.claim(message_id, token, clock())
            if message is None:
                counts["skipped"] += 1
                continue
            outcome, error = "sent", None
            if trouble is None:
                try:
                    if connection is None:
                        connection = _connect(settings)
                    connection.sendmail(
                        settings.sender, [message.address], email_of(message, settings.sender).as_bytes(policy=SMTP)
                    )
                except _ServerTrouble as exc:
                    trouble = str(exc)
                except smtplib.SMTPSenderRefused as exc:  # our From, so every message: the server's setup
                    trouble = _("{server} refused the sender {sender}: {error}").format(
                        server=settings.server, sender=settings.sender, error=_describe(exc)
                    )
                except (smtplib.SMTPRecipientsRefused, smtplib.SMTPResponseException) as exc:
                    code, text = _refusal(exc)
                    error = _("{server} refused {address}: {error}").format(
                        server=settings.server, address=message.address, error=text
                    )
                    permanent = 500 <= code < 600 and message.attempts + 1 >= FAIL_AFTER
                    outcome = "failed" if permanent else "deferred"
                except smtplib.SMTPException as exc:  # e.g. an extension the message needs is missing
                    if isinstance(exc, smtplib.SMTPServerDisconnected):
                        trouble = _dropped(settings, exc)
                    else:
                        outcome, error = "deferred", f"{settings.server}: {_describe(exc)}"
                except OSError as exc:  # after SMTPException, itself an OSError: the network's own
                    trouble = _dropped(settings, exc)
            if trouble is not None:
                outcome, error = "deferred", trouble
            counts[outcome] += _settle(store, message, token, outcome, error, clock())
            if error and error not in errors:
                errors.append(error)
    finally:
        if connection is not None:
            try:
                connection.quit()
            except OSError:  # the messages are settled; a failed goodbye changes nothing
                connection.close()
    return DeliveryReport(True, released=released, errors=tuple(errors), **counts)


def _settle(store: Store, message: OutboxMessage, token: str, outcome: str, error: str | None, at: datetime) -> int:
    """Write a send's outcome; 1 if written, 0 if the claim was lost meanwhile."""
    if outcome == "sent":
        values = {"status": MailState.SENT.value, "sent_at": at}
    else:
        attempts = message.attempts + 1
        state = MailState.FAILED if outcome == "failed" else MailState.PENDING
        values = {
            "status": state.value,
            "attempts": attempts,
            "last_error": error,
            "next_attempt_at": at + backoff(attempts),
        }
    with store.unit_of_work() as repo:
        return int(repo.mailbox.settle(message.id, token, values))


def status(store: Store, *, problems: int = 10) -> MailStatus:
    """Counts by state, the next due time, and up to ``problems`` unsent messages with errors."""
    with store.reading() as repo:
        mailbox = repo.mailbox
        return MailStatus(
            mailbox.outbox_counts(),
            mailbox.next_attempt_at(),
            mailbox.messages(states=(MailState.PENDING, MailState.FAILED), with_errors=True, limit=problems),
        )


def retry(store: Store, ids: list[int] | None, *, by: str, now: datetime | None = None) -> int:
    """Queue failed messages again (those numbered ``ids``, or every failed one with
    ``None``): pending, due now, attempts counted from 0 — e.g. after the recipient's
    address was corrected at the server. Recorded in the audit log as done by ``by``.
    Returns how many. Raises :class:`NotFound` naming any id that is not a failed
    message (nothing is queued then)."""
    with store.unit_of_work() as repo:
        mailbox = repo.mailbox
        failed = mailbox.failed_ids(ids)
        missing = sorted(set(ids or ()) - failed)
        if missing:
            raise NotFound(
                ngettext(
                    "outbox message {ids} is not a failed message",
                    "outbox messages {ids} are not failed messages",
                    len(missing),
                ).format(ids=", ".join(str(i) for i in missing))
            )
        for message_id in sorted(failed):
            repo.audit.write(
                by,
                "requeued",
                "mail",
                f"outbox/{message_id}",
                {"status": MailState.FAILED.value},
                {"status": MailState.PENDING.value},
            )
        return mailbox.requeue(failed, now or datetime.now(UTC))


def sending_settings() -> SmtpSettings:
    """The SMTP settings from the environment (:meth:`SmtpSettings.from_env`) for sending
    the outbox; :class:`MillplanError` saying how to turn e-mail on when it is off (the
    messages stay queued)."""
    settings = SmtpSettings.from_env()
    if settings is None:
        raise MillplanError(
            _(
                "e-mail is off: set MILLPLAN_SMTP_HOST (and _PORT, _FROM, _USER, _PASSWORD, _STARTTLS); messages stay queued meanwhile"
            )
        )
    return settings
