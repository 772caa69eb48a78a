"""The workstation in a browser: textual-serve starting one ``millplan tui`` process per browser session.

textual-serve runs the command it is given under a web driver and relays the terminal over
a websocket; an Excel export (``App.deliver_binary``) reaches the browser through its
``/download/{key}`` route. What millplan adds is who acts (:mod:`millplan.core.access.proxy`):
with a trusted proxy, every request must come from the proxy with a registered login in its
header, and that login goes to the session's process in an environment variable only this
server sets.
"""

from __future__ import annotations

import asyncio
import shlex
import signal
import socket
import sys
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from pathlib import Path

import aiohttp_jinja2
import textual_serve.server
from aiohttp import web
from textual_serve.app_service import AppService
from textual_serve.server import Server

from millplan.core.access.identity import registered_login
from millplan.core.access.proxy import PROXY_LOGIN_ENV, ProxyTrust, vouched_login
from millplan.core.domain import i18n
from millplan.core.domain.errors import UnknownIdentity
from millplan.core.domain.i18n import _
from millplan.storage.store import Store

_session_login: ContextVar[str | None] = ContextVar("millplan_session_login", default=None)
"""The proxy's login for the request being handled (the websocket that starts a session)."""

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

PAGE = Path(__file__).parent / "web_page"
"""The folder of the page's template (``app_index.html``): textual-serve's own, with its
font served from textual-serve's static files instead of fonts.googleapis.com (a plant
network may have no internet) and its words in the server's language."""


def page_words() -> dict[str, str]:
    """The words of the page around the terminal, in the current language."""
    return {
        "language": i18n.language(),
        "start": _("Start"),
        "ended": _("Session ended."),
        "restart": _("Restart"),
    }


class _SessionService(AppService):
    """textual-serve's session process with the vouched-for login in its environment (or none:
    a login the server itself was started with never passes on)."""

    def _build_environment(self, width: int = 80, height: int = 24) -> dict[str, str]:
        environment = super()._build_environment(width=width, height=height)
        environment.pop(PROXY_LOGIN_ENV, None)
        if login := _session_login.get():
            environment[PROXY_LOGIN_ENV] = login
        return environment


# the websocket handler builds its session with the AppService its module names; this is that hook
textual_serve.server.AppService = _SessionService


def session_command() -> str:
    """The shell command each browser session runs: this Python's ``millplan tui`` (the store,
    plant date and language reach it through the environment the server passes on)."""
    return shlex.join([sys.executable, "-m", "millplan", "tui"])


def listening_socket(host: str, port: int) -> socket.socket:
    """A TCP socket bound to ``host:port`` (the first address ``host`` resolves to), ready for
    the server to listen on. Raises :class:`OSError`: ``errno.EADDRINUSE`` when the port is
    taken, ``errno.EADDRNOTAVAIL`` for an address this machine does not have, ``EACCES`` for a
    privileged port; ``socket.gaierror`` when ``host`` does not resolve."""
    family, kind, protocol, _name, address = socket.getaddrinfo(
        host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
    )[0]
    listening = socket.socket(family, kind, protocol)
    try:
        listening.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as aiohttp's own sites do
        listening.bind(address)
    except OSError:
        listening.close()
        raise
    return listening


class WorkstationServer(Server):
    """textual-serve's server for the workstation, its page asking nothing of other hosts
    (:data:`PAGE`).

    ``trust`` ``None``: every session runs as the server's user. Otherwise each request must
    come from a trusted proxy naming a registered user of ``store`` (else HTTP 403 with the
    reason), and the session started by its websocket acts as that user. ``public_url`` is
    the address browsers use (the proxy's ``https://…``), from which the page builds its
    websocket address; default ``http://host:port``."""

    def __init__(
        self,
        store: Store,
        *,
        host: str,
        port: int,
        trust: ProxyTrust | None = None,
        public_url: str | None = None,
    ) -> None:
        address = f"[{host}]" if ":" in host else host  # an IPv6 address in a URL
        public_url = public_url or f"http://{address}:{port}"
        super().__init__(
            session_command(), host=host, port=port, title="millplan", public_url=public_url, templates_path=PAGE
        )
        self.store = store
        self.trust = trust

    def serve(self, debug: bool = False) -> None:
        """Listen on ``host:port``, then announce and serve until Ctrl+C or SIGTERM.

        The socket is bound before anything is said, so a port that is taken (or an address
        this machine lacks) raises :class:`OSError` (``socket.gaierror`` for a name that does
        not resolve) with nothing announced. textual-serve's own ``serve`` binds only after its
        start-up signal, which is where the announcement is printed."""
        listening = listening_socket(self.host, self.port)
        self.debug = debug
        self.initialize_logging()
        loop = asyncio.new_event_loop()
        for stop in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(stop, self.request_exit)
        web.run_app(self._make_app(), sock=listening, handle_signals=False, loop=loop, print=lambda *args: None)

    async def _make_app(self) -> web.Application:
        app = await super()._make_app()
        aiohttp_jinja2.get_env(app).globals["words"] = page_words()

        @web.middleware  # a new-style middleware (aiohttp marks the function, so not the bound method)
        async def vouched(request: web.Request, handler: Handler) -> web.StreamResponse:
            return await self._vouched(request, handler)

        app.middlewares.append(vouched)
        return app

    async def _vouched(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        """Let ``request`` through as the proxy's login, or answer 403 saying why."""
        if self.trust is None:
            return await handler(request)
        try:
            login = vouched_login(self.trust, request.remote, request.headers)
            await asyncio.to_thread(registered_login, self.store, login)
        except UnknownIdentity as exc:
            raise web.HTTPForbidden(text=str(exc)) from None
        token = _session_login.set(login)
        try:
            return await handler(request)
        finally:
            _session_login.reset(token)

    async def on_startup(self, app: web.Application) -> None:
        if self.trust:
            text = _("Serving the workstation on {url}; each session acts as the login in {header}. Ctrl+C stops it.")
        else:
            text = _(
                "Serving the workstation on {url}; every session acts as the user who started it. Ctrl+C stops it."
            )
        self.console.print(
            text.format(url=self.public_url, header=self.trust.header if self.trust else ""), highlight=False
        )
