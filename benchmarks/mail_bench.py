"""Notify sales managers of a month's first drafts and e-mail them; print the figures.

    .venv/bin/python benchmarks/mail_bench.py            # 5 000 positions
    .venv/bin/python benchmarks/mail_bench.py 20000

Builds a synthetic plant (core.demo.generate) in a new SQLite file, registers the
product-line manager who plans, plans next month for every product line — the plan
notifies the sales managers in its own transaction, under their names — registers one user with an e-mail address per sales
manager and times ``hand_waiting`` handing them that news (one UPDATE each, e-mails
queued); then, the inbox and outbox emptied, times ``notify_changes`` over the drafts
once more, as from scratch (inbox rows + queued e-mails: one message per manager and
line, listing his positions), and one ``deliver`` run of
the whole outbox to an SMTP server on localhost (aiosmtpd, from the ``test`` extra).
Needs no network beyond 127.0.0.1.
"""

from __future__ import annotations

import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from millplan.core.demo import generate  # noqa: E402
from millplan.core.domain.months import Month  # noqa: E402
from millplan.core.domain.people import Role, User
from millplan.core.importing.mills import import_mills  # noqa: E402
from millplan.core.importing.portfolio import import_portfolio  # noqa: E402
from millplan.core.mail import outbox
from millplan.core.mail.plan_news import notify_changes
from millplan.core.mail.recipients import hand_waiting
from millplan.core.planning import run as planning
from millplan.storage.store import open_store  # noqa: E402
from millplan.storage.tables import NotificationNewsRow, NotificationRow, OutboxRow  # noqa: E402
from tests.people import add_user  # noqa: E402
from tests.smtp_server import SmtpServer  # noqa: E402


def main(positions: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        files = generate(Path(folder), positions, mills=min(30, max(8, positions // 400)), today=date.today())
        store = open_store(f"sqlite:///{folder}/bench.sqlite")
        import_mills(store, files.mills, login="bench")
        import_portfolio(store, files.portfolio, login="bench")
        with store.unit_of_work() as repo:
            managers = sorted({p.sales_manager for p in repo.plant.positions()})
            repo.users.save_user(
                User("bench", "Bench", Role.LINE_MANAGER, tuple(repo.plant.whole().product_lines)), by="bench"
            )
        started = time.perf_counter()
        drafts = [o.assignment for o in planning.plan(store, Month.current() + 1, login="bench", first_horizon=1)]
        plan_seconds = time.perf_counter() - started
        for n, name in enumerate(managers):  # registered now: the plan's news waits under their names
            add_user(store, f"sm{n}", name, email=f"sm{n}@plant.example")

        started = time.perf_counter()
        with store.unit_of_work() as repo:  # as adding a user does: the news waiting under his name is his
            handed = hand_waiting(repo)
        hand_seconds = time.perf_counter() - started
        with store.unit_of_work() as repo:  # then all again, as from scratch
            for table in (NotificationRow, NotificationNewsRow, OutboxRow):
                repo.session.execute(sa.delete(table))

        started = time.perf_counter()
        with store.unit_of_work() as repo:
            written = sum(notify_changes(repo, None, draft, by="bench") for draft in drafts)
        with store.reading() as repo:
            told = [
                m
                for n in range(len(managers))
                for m in repo.mailbox.notifications(f"sm{n}", unread_only=False, limit=written)
            ]
        listed = sum(len(message.items) for message in told)
        notify_seconds = time.perf_counter() - started

        with SmtpServer() as server:
            settings = outbox.SmtpSettings(host="127.0.0.1", port=server.port)
            started = time.perf_counter()
            report = outbox.deliver(store, settings, limit=written)
            deliver_seconds = time.perf_counter() - started
        store.dispose()
    print(f"{positions} positions, {len(managers)} sales managers, {len(drafts)} drafts")
    print(f"plan, every line, notifying as it saves: {plan_seconds:.2f} s")
    print(
        f"hand_waiting: {handed} notifications waiting under the managers' names handed to them + e-mails queued in {hand_seconds:.3f} s"
    )
    print(
        f"notify_changes: {written} notifications (one per manager and line, {listed} positions listed) + e-mails queued in {notify_seconds:.2f} s"
    )
    print(f"deliver: {report.sent} e-mails sent in {deliver_seconds:.2f} s ({report.sent / deliver_seconds:.0f}/s)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5_000)
