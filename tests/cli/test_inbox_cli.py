"""`millplan inbox` and `millplan mail …` through typer's CliRunner, against a real SMTP
server on localhost; `mail send --loop` as a real process."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from millplan import cli
from millplan.core.mail import outbox
from millplan.core.mail.inbox import inbox
from millplan.core.mail.notify import notify
from millplan.storage.store import open_store
from tests.identity import act_as
from tests.people import add_user
from tests.smtp_server import SmtpServer

ROOT = Path(__file__).resolve().parents[2]
ADDRESS = "ivanov@plant.example"


@pytest.fixture
def db(tmp_path, monkeypatch) -> str:
    """A store with users ivanov (with an e-mail address) and petrov (without), acting as ivanov."""
    url = f"sqlite:///{tmp_path / 'inbox.sqlite'}"
    store = open_store(url)
    add_user(store, "ivanov", "Иванов А. С.", email=ADDRESS)
    add_user(store, "petrov", "Петров")
    store.dispose()
    act_as(monkeypatch, "ivanov")
    for name in ("HOST", "PORT", "FROM", "USER", "PASSWORD", "STARTTLS"):
        monkeypatch.delenv(f"MILLPLAN_SMTP_{name}", raising=False)
    return url


def add_notification(
    db: str, event: str, login: str = "ivanov", subject: str = "D3#1 left out of the 2027-01 L assignment"
) -> None:
    store = open_store(db)
    with store.unit_of_work() as repo:
        notify(
            repo,
            login=login,
            event=event,
            kind="position_removed",
            subject=subject,
            body=f"{subject}.\nReason: M1 is full of key-account positions.",
            object_key="2027-01/L/r1",
            by=None,
        )
    store.dispose()


def run(db: str, *args: str):
    return CliRunner().invoke(cli.app, ["--db", db, *args])


def test_inbox_lists_unread_with_reasons_and_marks_read(db):
    add_notification(db, "e1")
    add_notification(db, "e2", subject="D2#1: 100 t of 500 t kept in the 2027-01 L assignment")
    add_notification(db, "e3", login="petrov", subject="not for ivanov")
    listed = run(db, "inbox")
    assert listed.exit_code == 0, listed.stderr
    assert "D3#1 left out of the 2027-01 L assignment" in listed.stdout
    assert "D2#1: 100 t of 500 t kept" in listed.stdout
    assert "Reason: M1 is full of key-account positions." in listed.stdout
    assert "not for ivanov" not in listed.stdout
    assert "2 unread of ivanov" in listed.stderr

    document = json.loads(run(db, "inbox", "--json").stdout)
    assert document["unread"] == 2 and document["login"] == "ivanov"
    newest, oldest = document["notifications"]
    assert newest["subject"].startswith("D2#1") and oldest["kind"] == "position_removed"

    read = run(db, "inbox", "read", str(oldest["id"]))
    assert read.exit_code == 0 and "1 marked read, 1 unread" in read.stdout
    unread_only = json.loads(run(db, "inbox", "--json").stdout)["notifications"]
    assert [n["id"] for n in unread_only] == [newest["id"]]
    everything = json.loads(run(db, "inbox", "--all", "--limit", "5", "--json").stdout)["notifications"]
    assert [n["id"] for n in everything] == [newest["id"], oldest["id"]] and everything[1]["read_at"]

    assert json.loads(run(db, "inbox", "read", "--all", "--json").stdout) == {"marked_read": 1, "unread": 0}
    assert "No unread notifications for ivanov." in run(db, "inbox").stderr


def test_inbox_times_are_the_plants_as_in_the_history(db, monkeypatch):
    monkeypatch.setenv("MILLPLAN_TIMEZONE", "Asia/Yekaterinburg")  # UTC+5 all year
    add_notification(db, "e1")
    [stored] = json.loads(run(db, "inbox", "--json").stdout)["notifications"]
    at = datetime.fromisoformat(stored["at"])
    assert at.utcoffset() == timedelta(0)  # scripts read the instant in UTC
    listed = run(db, "inbox").stdout
    assert f"{at + timedelta(hours=5):%Y-%m-%d %H:%M}" in listed and "UTC" not in listed


def test_reading_a_notification_of_someone_else_is_refused(db):
    add_notification(db, "e1", login="petrov")
    assert json.loads(run(db, "inbox", "--json").stdout)["notifications"] == []  # ivanov sees none of petrov's
    store = open_store(db)
    [petrovs] = inbox(store, "petrov")
    store.dispose()
    refused = run(db, "inbox", "read", str(petrovs.id), "--json")
    assert refused.exit_code == 1
    assert json.loads(refused.stdout)["message"] == f"notification {petrovs.id} is not in the inbox of ivanov"
    usage = run(db, "inbox", "read")
    assert usage.exit_code == 2 and "give notification numbers or --all" in usage.stderr


def test_mail_send_and_status_with_email_off(db):
    add_notification(db, "e1")
    off = run(db, "mail", "send", "--json")
    assert off.exit_code == 1
    assert "e-mail is off: set MILLPLAN_SMTP_HOST" in json.loads(off.stdout)["message"]
    status = run(db, "mail", "status")
    assert "e-mail is off" in status.stdout and "pending 1" in status.stdout
    assert json.loads(run(db, "mail", "status", "--json").stdout)["smtp"] is None


def test_mail_send_through_a_real_server(db, monkeypatch):
    add_notification(db, "e1")
    add_notification(db, "e2", login="petrov")  # no address: inbox only
    with SmtpServer() as server:
        monkeypatch.setenv("MILLPLAN_SMTP_HOST", "127.0.0.1")
        monkeypatch.setenv("MILLPLAN_SMTP_PORT", str(server.port))
        monkeypatch.setenv("MILLPLAN_SMTP_FROM", "millplan@plant.example")
        sent = run(db, "mail", "send", "--json")
        assert sent.exit_code == 0, sent.stderr
        assert json.loads(sent.stdout) == {
            "enabled": True,
            "sent": 1,
            "deferred": 0,
            "failed": 0,
            "skipped": 0,
            "released": 0,
            "errors": [],
            "next_attempt_at": None,
        }
        [(_, recipients, message)] = server.received
    assert recipients == [ADDRESS] and message["Subject"] == "D3#1 left out of the 2027-01 L assignment"
    status = json.loads(run(db, "mail", "status", "--json").stdout)
    assert status["counts"] == {"pending": 0, "sending": 0, "sent": 1, "failed": 0}
    assert status["smtp"].startswith("127.0.0.1:")


def test_mail_send_reports_a_server_that_is_down(db, monkeypatch):
    add_notification(db, "e1")
    monkeypatch.setenv("MILLPLAN_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("MILLPLAN_SMTP_PORT", "1")  # nothing listens on port 1
    down = run(db, "mail", "send")
    assert down.exit_code == 1  # a cron job must see the server is down; the message waits
    assert "sent 0, deferred 1" in down.stderr and "cannot connect to 127.0.0.1:1" in down.stderr
    status = run(db, "mail", "status")
    assert "pending 1" in status.stdout and "cannot connect" in status.stdout


def test_mail_send_loop_keeps_sending_until_interrupted(db, start_process):
    add_notification(db, "e1")
    with SmtpServer() as server:
        env = {"PATH": "/usr/bin:/bin", "MILLPLAN_SMTP_HOST": "127.0.0.1", "MILLPLAN_SMTP_PORT": str(server.port)}
        command = [
            sys.executable,
            "-c",
            "from cli import main; main()",
            "--db",
            db,
            "mail",
            "send",
            "--loop",
            "--interval",
            "0.2",
        ]
        process = start_process(  # killed at the test's end, whatever happens
            command,
            cwd=ROOT,
            env={**env, "PYTHONPATH": str(ROOT)},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        deadline = time.monotonic() + 30
        while not server.received and time.monotonic() < deadline:
            time.sleep(0.1)
        add_notification(db, "e2", subject="second news")  # queued while the loop runs
        while len(server.received) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=30)
    assert process.returncode == 0, stderr
    assert [m["Subject"] for _, _, m in server.received] == ["D3#1 left out of the 2027-01 L assignment", "second news"]
    assert "sent 1" in stderr and "stopped" in stderr


def test_mail_status_shows_a_failed_message_and_retry_queues_it(db):
    add_notification(db, "e1")
    store = open_store(db)
    with SmtpServer() as server:
        server.refused_recipients.add(ADDRESS)
        at = datetime.now(UTC)
        for _ in range(outbox.FAIL_AFTER):
            outbox.deliver(store, outbox.SmtpSettings("127.0.0.1", server.port), now=at)
            at += timedelta(hours=2)
    store.dispose()
    status = run(db, "mail", "status")
    assert "failed 1" in status.stdout and "550 5.1.1" in status.stdout and "no such mailbox" in status.stdout
    assert run(db, "mail", "retry", "42").exit_code == 1
    assert run(db, "mail", "retry").exit_code == 2
    retried = run(db, "mail", "retry", "--all", "--json")
    assert retried.exit_code == 0 and json.loads(retried.stdout) == {"requeued": 1}
    assert json.loads(run(db, "mail", "status", "--json").stdout)["counts"]["pending"] == 1


def test_a_plan_run_by_a_batch_account_names_the_acting_user_and_lists_every_position(tmp_path, monkeypatch):
    # the batch runs under the OS account "root", acting as plm: the message names plm
    # by his user name; the inbox shows the one message's five positions within 80 columns
    from tests.crowded import crowded_plant
    from tests.plants import PLAN_MONTH

    url = f"sqlite:///{tmp_path / 'crowded.sqlite'}"
    store = open_store(url)
    crowded_plant(store)
    add_user(store, "root", "Администратор", role="admin")  # --as is an admin's
    store.dispose()
    act_as(monkeypatch, "root")
    planned = run(url, "--as", "plm", "plan", "--month", str(PLAN_MONTH), "--line", "L")
    assert planned.exit_code == 0, planned.output
    shown = run(url, "--as", "ivanov", "inbox")
    assert shown.exit_code == 0, shown.output
    as_json = json.loads(run(url, "--as", "ivanov", "inbox", "--json").stdout)
    [message] = as_json["notifications"]
    refs = [item["ref"] for item in message["items"]]
    assert len(refs) >= 4 and all(
        set(item) == {"ref", "kind", "text", "reason"} and item["reason"] for item in message["items"]
    )
    lines = shown.stdout.splitlines()
    assert all(len(line) <= 80 for line in lines)
    subject = f"{len(refs)} of your positions left out, cut or moved — {PLAN_MONTH} L draft r1, proposed"
    assert subject in " ".join(shown.stdout.split())  # wherever the line wraps
    listed = [line for line in lines if line.startswith("    • ")]
    assert [line.split()[1] for line in listed] == refs
    assert "Planned by Петрова Е. В." in shown.stdout and "root" not in shown.stdout
