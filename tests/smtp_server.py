"""A real SMTP server on localhost for the e-mail tests (aiosmtpd in a thread).

``SmtpServer(port)`` listens on 127.0.0.1:``port`` once started; it records every message
it accepts, and answers each DATA with the next reply of ``replies`` (e.g. ``"451 …"``)
while any are queued, else ``250``. ``free_port()`` finds a port nothing listens on, so a
test can point millplan at a server that is down and start it there later.
"""

from __future__ import annotations

import asyncio
import socket
import threading
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _Handler:
    def __init__(self, server: SmtpServer) -> None:
        self.server = server

    async def handle_MAIL(self, server, session, envelope, address, mail_options):  # noqa: ANN001
        if address in self.server.refused_senders:
            return "553 5.7.1 sender not allowed"
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: ANN001
        if address in self.server.refused_recipients:
            return "550 5.1.1 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: ANN001
        if self.server.delay:
            await asyncio.sleep(self.server.delay)  # hold the session, so two deliverers overlap
        with self.server.lock:
            if self.server.replies:
                return self.server.replies.pop(0)
            self.server.received.append(
                (envelope.mail_from, list(envelope.rcpt_tos), message_from_bytes(envelope.content, policy=default))
            )
        return "250 OK: queued"


class SmtpServer:
    """An aiosmtpd server on 127.0.0.1:``port``; use as a context manager or start/stop.

    With ``login`` = (user, password) it demands AUTH (over plain text: a test on
    localhost) and accepts only that pair."""

    def __init__(self, port: int | None = None, login: tuple[str, str] | None = None) -> None:
        self.port = port or free_port()
        self.received: list[tuple[str, list[str], EmailMessage]] = []
        self.replies: list[str] = []
        self.refused_recipients: set[str] = set()
        self.refused_senders: set[str] = set()
        self.delay = 0.0
        self.lock = threading.Lock()
        auth = {}
        if login is not None:

            def authenticator(server, session, envelope, mechanism, data):  # noqa: ANN001
                given = (data.login.decode(), data.password.decode()) if isinstance(data, LoginPassword) else None
                return AuthResult(success=given == login, handled=False)  # not handled: the server answers 535

            auth = {"authenticator": authenticator, "auth_required": True, "auth_require_tls": False}
        self._controller = Controller(_Handler(self), hostname="127.0.0.1", port=self.port, **auth)

    def start(self) -> SmtpServer:
        self._controller.start()
        return self

    def stop(self) -> None:
        self._controller.stop()

    def __enter__(self) -> SmtpServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
