"""``millplan serve``: the workstation in a browser. The server runs in a process of its own on a
free port; a session is driven over its websocket as the browser page would, and a headless
Chromium shows the first pane (its screenshot kept in ``.pytest-artifacts/``)."""

from __future__ import annotations

import asyncio
import io
import json
import os
import pwd
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import aiohttp
import openpyxl
import pytest
from typer.testing import CliRunner

from millplan.cli import app
from millplan.core.access.proxy import PROXY_LOGIN_ENV
from millplan.core.access.users import add_user
from millplan.core.domain import i18n
from millplan.core.domain.people import Role
from millplan.storage.engine import ENV_URL
from millplan.storage.store import open_store
from tests.browser import CHROMIUM, Visit, colours, visit
from tests.identity import act_as
from tests.plants import tiny_plant

ARTIFACTS = Path(__file__).resolve().parents[2] / ".pytest-artifacts"
PROXY = ["--trusted-user-header", "X-Remote-User"]
SERVER_LOGIN = pwd.getpwuid(os.getuid()).pw_name
"""Who the server's process is: the OS account running the suite (no test can replace it there)."""


@pytest.fixture
def plant_db(tmp_path) -> Path:
    """A tiny plant (mills M1 and M2) whose users are the server's account (admin) and alice (planner)."""
    path = tmp_path / "plant.sqlite"
    store = open_store(f"sqlite:///{path}")
    add_user(store, SERVER_LOGIN, "Server Account", Role.ADMIN, by=SERVER_LOGIN)
    add_user(store, "alice", "Alice Planner", Role.PLANNER, by=SERVER_LOGIN)
    tiny_plant(store)
    store.dispose()
    return path


def serve(start_process, tmp_path: Path, db: Path, *options: str) -> str:
    """Start ``millplan --db DB serve`` on a free port with ``options``; its URL once it listens."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    log = tmp_path / "serve.log"
    with log.open("wb") as output:
        process = start_process(
            [sys.executable, "-m", "millplan", "--db", str(db), "serve", "--port", str(port), *options],
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"millplan serve ended with {process.returncode}: {log.read_text()}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return f"http://127.0.0.1:{port}"
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"millplan serve did not listen on {port} within 60 s: {log.read_text()}")


async def get(url: str, headers: dict[str, str] | None = None) -> tuple[int, str]:
    async with aiohttp.ClientSession() as http, http.get(url, headers=headers) as response:
        return response.status, await response.text()


def test_the_server_answers_with_the_workstation_page(start_process, tmp_path, plant_db):
    url = serve(start_process, tmp_path, plant_db)
    status, page = asyncio.run(get(url + "/"))
    assert status == 200
    assert 'class="textual-terminal"' in page
    assert f'data-session-websocket-url="{url.replace("http", "ws")}/ws"' in page


def test_the_page_asks_nothing_of_other_hosts(start_process, tmp_path, plant_db):
    """A plant network may have no internet: the page's styles, scripts and font all come from
    the server itself (textual-serve's own page asks fonts.googleapis.com for its font)."""
    url = serve(start_process, tmp_path, plant_db)
    _status, page = asyncio.run(get(url + "/"))
    addresses = re.findall(r'(?:href|src)="([^"]+)"|url\("?([^")]+)', page)
    fetched = [href or css for href, css in addresses]
    assert "googleapis" not in page
    assert fetched and all(address.startswith(url + "/static/") for address in fetched), fetched
    font = next(address for address in fetched if address.endswith(".ttf"))
    assert f'<link\n      rel="preload"\n      href="{font}"' in page  # measured by the terminal as it opens
    with urllib.request.urlopen(font) as response:  # served here
        assert response.status == 200 and len(response.read()) > 10_000
    assert '<html lang="en">' in page and "Session ended." in page


def test_a_network_bind_without_a_trusted_proxy_is_refused_with_how_to_configure_one(plant_db):
    result = CliRunner().invoke(app, ["--db", str(plant_db), "serve", "--host", "0.0.0.0"])
    assert result.exit_code == 2
    assert "refusing to serve the workstation on 0.0.0.0" in result.output
    assert "--trusted-user-header X-Remote-User" in result.output


def test_a_port_already_taken_is_said_plainly_and_nothing_is_announced(start_process, tmp_path, plant_db):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        process = start_process(
            [sys.executable, "-m", "millplan", "--db", str(plant_db), "serve", "--port", str(port)],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        output = process.communicate(timeout=60)[0].decode()
    assert process.returncode == 2
    assert f"port {port} is taken on 127.0.0.1" in output and "--port" in output
    assert "Serving" not in output and "address already in use" not in output


def test_a_port_taken_is_said_in_russian(plant_db, russian, monkeypatch):
    for name in (ENV_URL, i18n.LANG_ENV):  # serve passes them on to its sessions: restored after the test
        monkeypatch.setenv(name, os.environ.get(name, ""))
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = CliRunner().invoke(app, ["--db", str(plant_db), "serve", "--port", str(port)])
    assert result.exit_code == 2
    assert f"порт {port} на 127.0.0.1 занят" in result.output
    assert "открыт" not in result.output and "taken" not in result.output


@pytest.mark.parametrize(("port", "reason"), [("99999", "не больше 65535"), ("0", "не меньше 1")])
def test_a_port_out_of_range_is_a_usage_error_before_anything_starts(plant_db, russian, port, reason):
    result = CliRunner().invoke(app, ["--db", str(plant_db), "serve", "--port", port])
    assert result.exit_code == 2
    assert "--port" in result.output and reason in result.output
    assert "открыт" not in result.output and "Traceback" not in result.output


def test_only_an_admin_account_may_vouch_for_a_proxys_logins(plant_db, monkeypatch):
    act_as(monkeypatch, "alice")
    result = CliRunner().invoke(app, ["--db", str(plant_db), "serve", *PROXY])
    assert result.exit_code == 5
    assert "act as another user" in result.output


def test_the_sessions_variable_is_no_way_around_the_rules_for_anyone_else(plant_db, monkeypatch):
    act_as(monkeypatch, "alice")  # a planner who sets the variable herself, to act as the admin
    monkeypatch.setenv(PROXY_LOGIN_ENV, SERVER_LOGIN)
    result = CliRunner().invoke(app, ["--db", str(plant_db), "whoami"])
    assert result.exit_code == 5
    assert "act as another user" in result.output


class Session:
    """A workstation session driven over the websocket as textual-serve's page drives it."""

    def __init__(self, socket: aiohttp.ClientWebSocketResponse) -> None:
        self.socket = socket
        self.screen = b""

    async def until(self, done, seconds: float = 60) -> object:
        """Read until ``done(text message or None)`` gives a value, keeping the terminal's bytes."""
        async with asyncio.timeout(seconds):
            async for message in self.socket:
                if message.type == aiohttp.WSMsgType.BINARY:
                    self.screen += message.data
                    found = done(None)
                else:
                    found = done(json.loads(message.data))
                if found:
                    return found
        raise AssertionError(f"the session closed; it showed {self.screen[-2000:]!r}")

    async def type(self, text: str) -> None:
        await self.socket.send_json(["stdin", text])
        await asyncio.sleep(1)


async def proxied_session(url: str) -> tuple[bytes, str, bytes]:
    """As alice through the proxy: what the workstation showed, then the load pane's Excel
    export (Ctrl+E) downloaded as the page downloads it — its Content-Disposition and bytes."""
    headers = {"X-Remote-User": "alice"}
    async with aiohttp.ClientSession(headers=headers) as http:
        async with http.ws_connect(url.replace("http", "ws") + "/ws?width=100&height=30") as socket:
            session = Session(socket)
            await session.until(lambda _message: b"M2" in session.screen and b"Alice Planner" in session.screen)
            shown = session.screen
            await session.type("\x05")  # Ctrl+E: the pane's tables to Excel
            key = await session.until(lambda m: m and m[0] == "deliver_file_start" and m[1])
            # as the page does, while the session lives: its process sends the file as it is read
            async with http.get(f"{url}/download/{key}") as response:
                assert response.status == 200
                delivered = response.headers["Content-Disposition"], await response.read()
            await session.until(lambda _message: b"Excel file saved" in session.screen)  # the app heard it arrived
            return shown, *delivered


def test_behind_a_trusted_proxy_each_session_is_the_headers_user_and_excel_downloads_to_the_browser(
    start_process, tmp_path, plant_db
):
    url = serve(start_process, tmp_path, plant_db, *PROXY)
    assert asyncio.run(get(url + "/")) == (
        403,
        "the proxy sent no login in X-Remote-User: it must authenticate you first",
    )
    status, text = asyncio.run(get(url + "/", {"X-Remote-User": "mallory"}))
    assert (status, "mallory is not a millplan user" in text) == (403, True)
    assert asyncio.run(get(url + "/", {"X-Remote-User": "alice"}))[0] == 200

    shown, disposition, delivered = asyncio.run(proxied_session(url))
    assert f"· {SERVER_LOGIN} ·".encode() not in shown
    assert disposition.startswith("attachment; filename=millplan-load-") and disposition.endswith(".xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(delivered)).active
    assert {"M1", "M2"} <= {cell.value for row in sheet.iter_rows() for cell in row}
    store = open_store(f"sqlite:///{plant_db}")
    with store.reading() as repo:
        acted = [(e.login, e.after) for e in repo.audit.audit_entries("user alice") if e.action == "acted_as"]
    store.dispose()
    assert acted == [(SERVER_LOGIN, {"as_login": "alice", "command": "tui"})]  # the session, under the server's login


def keep(visit_: Visit, tmp_path: Path, name: str) -> Path:
    """The screenshot in the test's folder and, to look at after the run, in ``.pytest-artifacts/``."""
    shot = tmp_path / name
    shot.write_bytes(visit_.png)
    ARTIFACTS.mkdir(exist_ok=True)
    shutil.copy(shot, ARTIFACTS / name)
    return shot


def test_a_headless_chromium_shows_the_first_pane(start_process, tmp_path, plant_db):
    if CHROMIUM is None:
        if os.environ.get("CI") == "true":
            pytest.fail("chromium is not installed: .ci/run installs it (apt-get install chromium)")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    url = serve(start_process, tmp_path, plant_db)
    shown = asyncio.run(
        visit(
            start_process,
            url + "/",
            tmp_path / "chromium-profile",
            ready="document.body.classList.contains('-first-byte')",  # the page hid its intro for the terminal
            shows="M2",  # the load pane's rows came
        )
    )
    keep(shown, tmp_path, "serve-first-pane.png")
    assert shown.requests and all(request.startswith((url, "ws://127.0.0.1")) for request in shown.requests), (
        shown.requests
    )  # nothing from the internet: a plant network may have none
    text = shown.received_text
    assert "F2 Mill load" in text and "Horizon" in text and "M1" in text  # the load pane: its tab, table, a mill
    pixels = colours(shown.png)
    commonest = pixels.most_common(1)[0][1]
    assert len(pixels) > 50 and commonest < 0.9 * sum(pixels.values())  # drawn text and panes, not a blank page
