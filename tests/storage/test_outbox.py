"""The e-mail outbox against a real SMTP server on localhost (aiosmtpd): sent once, marked
sent only when accepted, retried with back-off while the server is down or answers 4xx,
failed after repeated 5xx — on SQLite (and PostgreSQL where the dialects differ)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from millplan.core.domain.errors import InvalidInput, NotFound
from millplan.core.domain.notices import MailState
from millplan.core.mail import outbox
from millplan.core.mail.notify import message_id, notify
from millplan.storage.store import open_store
from millplan.storage.tables import OutboxRow
from tests.people import add_user
from tests.smtp_server import SmtpServer, free_port

ADDRESS = "ivanov@plant.example"
T0 = datetime(2027, 1, 10, 8, 0, tzinfo=UTC)


@pytest.fixture
def smtp():
    with SmtpServer() as server:
        yield server


def settings(port: int) -> outbox.SmtpSettings:
    return outbox.SmtpSettings(host="127.0.0.1", port=port, sender="millplan@plant.example", timeout=5)


@pytest.fixture
def queued(store):
    """A store whose user ivanov has an address and one notification queued for e-mail."""
    add_user(store, "ivanov", "Иванов А. С.", email=ADDRESS)
    add_notification(store, "2027-01/L/r1:7:position_removed", "D7#1 left out of the 2027-01 L assignment")
    return store


def add_notification(store, event: str, subject: str = "news") -> bool:
    with store.unit_of_work() as repo:
        return notify(
            repo,
            login="ivanov",
            event=event,
            kind="position_removed",
            subject=subject,
            body="Reason: M1 is full of key-account positions.",
            object_key="2027-01/L/r1",
            by=None,
        )


def rows(store):
    with store.engine.connect() as connection:
        return connection.execute(
            sa.select(
                OutboxRow.status, OutboxRow.attempts, OutboxRow.next_attempt_at, OutboxRow.last_error, OutboxRow.sent_at
            ).order_by(OutboxRow.id)
        ).all()


@pytest.mark.both_backends
def test_a_message_is_delivered_with_recipient_subject_and_message_id_then_marked_sent(queued, smtp):
    report = outbox.deliver(queued, settings(smtp.port), now=T0)
    assert (report.sent, report.deferred, report.failed) == (1, 0, 0)
    [(sender, recipients, message)] = smtp.received
    assert sender == "millplan@plant.example" and recipients == [ADDRESS]
    assert message["Subject"] == "D7#1 left out of the 2027-01 L assignment"
    assert message["Message-ID"] == message_id("2027-01/L/r1:7:position_removed", ADDRESS)
    assert "Reason: M1 is full of key-account positions." in message.get_content()
    [(state, attempts, _, error, sent_at)] = rows(queued)
    assert (state, attempts, error, sent_at) == ("sent", 0, None, T0)


def test_delivering_twice_sends_once(queued, smtp):
    outbox.deliver(queued, settings(smtp.port), now=T0)
    again = outbox.deliver(queued, settings(smtp.port), now=T0 + timedelta(hours=1))
    assert again.sent == 0 and len(smtp.received) == 1


@pytest.mark.both_backends
def test_server_down_keeps_the_message_pending_with_back_off_then_sends_it_once_back(queued):
    port = free_port()  # nothing listens here yet
    down = outbox.deliver(queued, settings(port), now=T0)
    assert (down.sent, down.deferred) == (0, 1)
    assert "cannot connect to 127.0.0.1" in down.errors[0]
    [(state, attempts, next_at, error, _)] = rows(queued)
    assert (state, attempts, next_at) == ("pending", 1, T0 + timedelta(minutes=1))
    assert "cannot connect" in error

    with SmtpServer(port) as server:  # the server comes back on the same port
        early = outbox.deliver(queued, settings(port), now=T0 + timedelta(seconds=30))
        assert early.sent == 0 and server.received == []  # back-off not over yet
        back = outbox.deliver(queued, settings(port), now=T0 + timedelta(minutes=1))
        assert back.sent == 1
        outbox.deliver(queued, settings(port), now=T0 + timedelta(minutes=5))
        assert len(server.received) == 1
    assert rows(queued)[0].status == "sent"


def test_back_off_doubles_up_to_an_hour():
    assert [outbox.backoff(n).total_seconds() / 60 for n in range(1, 10)] == [1, 2, 4, 8, 16, 32, 60, 60, 60]


def test_every_message_waits_while_the_server_is_down(queued):
    add_notification(queued, "second event")
    report = outbox.deliver(queued, settings(free_port()), now=T0)
    assert report.deferred == 2 and len(report.errors) == 1
    assert [(r.status, r.attempts) for r in rows(queued)] == [("pending", 1), ("pending", 1)]


@pytest.mark.both_backends
def test_temporary_refusal_is_retried_and_permanent_refusals_fail(queued, smtp):
    smtp.replies = ["451 4.3.0 try again later"]
    first = outbox.deliver(queued, settings(smtp.port), now=T0)
    assert first.deferred == 1 and "451" in first.errors[0]
    second = outbox.deliver(queued, settings(smtp.port), now=T0 + timedelta(minutes=1))
    assert second.sent == 1 and len(smtp.received) == 1

    add_notification(queued, "refused event")
    smtp.refused_recipients.add(ADDRESS)
    at = T0 + timedelta(minutes=2)
    for attempt in range(1, outbox.FAIL_AFTER + 1):
        report = outbox.deliver(queued, settings(smtp.port), now=at)
        assert "550" in report.errors[0]
        state, attempts, next_at, _, _ = rows(queued)[1]
        assert attempts == attempt
        if attempt < outbox.FAIL_AFTER:
            assert state == "pending" and report.deferred == 1
            at = next_at
        else:
            assert state == "failed" and report.failed == 1
    later = outbox.deliver(queued, settings(smtp.port), now=at + timedelta(days=1))
    assert later.sent == later.deferred == later.failed == 0  # not retried forever
    status = outbox.status(queued)
    assert status.counts[MailState.FAILED] == 1 and status.counts[MailState.SENT] == 1
    assert [m.event for m in status.problems] == ["refused event"]
    assert "550 5.1.1 no such mailbox" in status.problems[0].last_error


def test_a_rejected_message_body_with_550_fails_too(queued, smtp):
    smtp.replies = ["550 5.7.1 message content rejected"] * outbox.FAIL_AFTER
    at = T0
    for _ in range(outbox.FAIL_AFTER):
        outbox.deliver(queued, settings(smtp.port), now=at)
        at += timedelta(hours=1)
    assert rows(queued)[0].status == "failed" and smtp.received == []


def test_a_refused_sender_is_the_servers_setup_and_never_fails_a_message(queued, smtp):
    smtp.refused_senders.add("millplan@plant.example")
    at = T0
    for _ in range(outbox.FAIL_AFTER + 1):
        report = outbox.deliver(queued, settings(smtp.port), now=at)
        assert "refused the sender millplan@plant.example: 553" in report.errors[0]
        at += timedelta(hours=2)
    state, attempts, *_ = rows(queued)[0]
    assert (state, attempts) == ("pending", outbox.FAIL_AFTER + 1)


@pytest.mark.both_backends
def test_two_deliverers_at_once_send_each_message_exactly_once(store_url):
    store = open_store(store_url)
    add_user(store, "ivanov", "Иванов", email=ADDRESS)
    events = [f"event {n}" for n in range(12)]
    for event in events:
        add_notification(store, event, subject=event)
    with SmtpServer() as server:
        server.delay = 0.02  # each send takes a while, so both deliverers are busy together
        stores = [open_store(store_url) for _ in range(2)]
        start = threading.Barrier(2)
        reports = []

        def run(s):
            start.wait()
            reports.append(outbox.deliver(s, settings(server.port)))

        threads = [threading.Thread(target=run, args=(s,)) for s in stores]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        received = sorted(m["Subject"] for _, _, m in server.received)
    assert received == sorted(events)
    assert sum(r.sent for r in reports) == len(events)
    assert all(r.status == "sent" for r in rows(store))
    for s in [store, *stores]:
        s.dispose()


@pytest.mark.both_backends
def test_a_stale_claim_returns_to_pending_and_is_sent(queued, smtp):
    with queued.unit_of_work() as repo:  # a deliverer claimed it and died
        assert repo.mailbox.claim(1, "dead", T0) is not None
    assert outbox.deliver(queued, settings(smtp.port), now=T0 + timedelta(minutes=1)).sent == 0
    report = outbox.deliver(queued, settings(smtp.port), now=T0 + outbox.STALE_CLAIM + timedelta(seconds=1))
    assert (report.released, report.sent) == (1, 1) and len(smtp.received) == 1


def test_email_off_without_a_host_leaves_messages_queued(queued):
    assert outbox.SmtpSettings.from_env({}) is None
    report = outbox.deliver(queued, None, now=T0)
    assert report.enabled is False
    assert rows(queued)[0].status == "pending"
    assert outbox.status(queued).next_attempt_at is not None


def test_settings_from_environment():
    env = {
        "MILLPLAN_SMTP_HOST": "mail.plant.example",
        "MILLPLAN_SMTP_STARTTLS": "yes",
        "MILLPLAN_SMTP_FROM": "plan@plant.example",
        "MILLPLAN_SMTP_USER": "plan",
        "MILLPLAN_SMTP_PASSWORD": "secret",
    }
    s = outbox.SmtpSettings.from_env(env)
    assert (s.host, s.port, s.starttls, s.sender, s.user, s.password) == (
        "mail.plant.example",
        587,
        True,
        "plan@plant.example",
        "plan",
        "secret",
    )
    assert "secret" not in repr(s)
    assert outbox.SmtpSettings.from_env({"MILLPLAN_SMTP_HOST": "h", "MILLPLAN_SMTP_PORT": "2525"}).port == 2525
    with pytest.raises(InvalidInput, match="MILLPLAN_SMTP_PORT"):
        outbox.SmtpSettings.from_env({"MILLPLAN_SMTP_HOST": "h", "MILLPLAN_SMTP_PORT": "smtp"})
    with pytest.raises(InvalidInput, match="MILLPLAN_SMTP_STARTTLS"):
        outbox.SmtpSettings.from_env({"MILLPLAN_SMTP_HOST": "h", "MILLPLAN_SMTP_STARTTLS": "maybe"})


@pytest.mark.both_backends
def test_a_claimed_message_cannot_be_claimed_again(queued):
    with queued.unit_of_work() as repo:
        first = repo.mailbox.claim(1, "first", T0)
    with queued.unit_of_work() as repo:
        second = repo.mailbox.claim(1, "second", T0)
        assert repo.mailbox.settle(1, "second", {"status": "sent", "sent_at": T0}) is False
    assert first is not None and first.state is MailState.SENDING
    assert second is None
    assert rows(queued)[0].status == "sending"


@pytest.mark.both_backends
def test_failed_messages_can_be_queued_again(queued, smtp):
    smtp.refused_recipients.add(ADDRESS)
    at = T0
    for _ in range(outbox.FAIL_AFTER):
        outbox.deliver(queued, settings(smtp.port), now=at)
        at += timedelta(hours=2)
    assert rows(queued)[0].status == "failed"
    with pytest.raises(NotFound, match="outbox message 99 is not a failed message"):
        outbox.retry(queued, [1, 99], by="admin")
    assert rows(queued)[0].status == "failed"  # nothing queued by a refused call
    smtp.refused_recipients.clear()  # the mailbox exists now
    assert outbox.retry(queued, None, by="admin", now=at) == 1
    assert outbox.deliver(queued, settings(smtp.port), now=at).sent == 1
    assert len(smtp.received) == 1
    with queued.unit_of_work() as repo:
        [entry] = repo.audit.audit_entries("outbox/1")
    assert (entry.login, entry.action) == ("admin", "requeued")


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")  # localhost only
def test_a_refused_login_waits_for_the_right_password_and_fails_no_message(queued):
    with SmtpServer(login=("plan", "secret")) as server:
        wrong = outbox.SmtpSettings("127.0.0.1", server.port, user="plan", password="guess", timeout=5)
        at = T0
        for _ in range(outbox.FAIL_AFTER + 1):
            report = outbox.deliver(queued, wrong, now=at)
            assert report.deferred == 1 and "refused the session: 535" in report.errors[0]
            at += timedelta(hours=2)
        assert rows(queued)[0].status == "pending"
        right = outbox.SmtpSettings("127.0.0.1", server.port, user="plan", password="secret", timeout=5)
        assert outbox.deliver(queued, right, now=at).sent == 1
        assert len(server.received) == 1
