"""A headless Chromium for the browser tests, driven over its DevTools protocol with aiohttp (which
textual-serve brings): open a page, wait until it says it is ready, keep what it received over
its websockets, take a screenshot; and a reader of the screenshot's pixels.

``CHROMIUM`` is Debian's ``chromium`` (``apt-get install chromium``; ``.ci/run`` installs it).
"""

from __future__ import annotations

import asyncio
import base64
import json
import re
import shutil
import struct
import subprocess
import zlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
"""The browser's executable, or ``None`` where it is not installed."""

_ESCAPE = re.compile(r"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[@-_])")


@dataclass
class Visit:
    """What a page showed: its screenshot (PNG bytes), the text it received over websockets
    (binary frames decoded as UTF-8, terminal escape sequences removed) and the URL of every
    request it made."""

    png: bytes
    frames: list[bytes] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    @property
    def received_text(self) -> str:
        return terminal_text(self.frames)


def terminal_text(frames: list[bytes]) -> str:
    """What websocket ``frames`` of terminal output say: UTF-8, escape sequences removed."""
    return _ESCAPE.sub("", b"".join(frames).decode("utf-8", "replace"))


class _DevTools:
    """One page's DevTools connection: ``call`` a method and get its result, while the
    websocket frames the page receives and the URLs it requests are collected."""

    def __init__(self, socket: aiohttp.ClientWebSocketResponse) -> None:
        self.socket = socket
        self.next_id = 0
        self.frames: list[bytes] = []
        self.requests: list[str] = []

    async def call(self, method: str, **params: object) -> dict:
        self.next_id += 1
        await self.socket.send_json({"id": self.next_id, "method": method, "params": params})
        async for message in self.socket:
            reply = json.loads(message.data)
            if reply.get("method") == "Network.webSocketFrameReceived":
                frame = reply["params"]["response"]
                data = frame["payloadData"]
                self.frames.append(base64.b64decode(data) if frame["opcode"] == 2 else data.encode())
            elif reply.get("method") == "Network.requestWillBeSent":
                self.requests.append(reply["params"]["request"]["url"])
            elif reply.get("id") == self.next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply["result"]
        raise RuntimeError(f"the browser closed the DevTools connection during {method}")


async def visit(
    start_process: Callable[..., subprocess.Popen],
    url: str,
    profile: Path,
    *,
    ready: str,
    shows: str,
    size: tuple[int, int] = (1024, 640),
    settle: float = 1.5,
    timeout: float = 90.0,
) -> Visit:
    """Open ``url`` in a headless Chromium (its profile in ``profile``), wait until the JavaScript
    expression ``ready`` is true and the page has received the text ``shows``, then ``settle`` s
    more for the page to paint it, and screenshot it.

    Raises :class:`TimeoutError` when that does not happen within ``timeout`` s."""
    profile.mkdir(parents=True, exist_ok=True)
    start_process(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",  # root in a container has no user namespace for the sandbox
            f"--user-data-dir={profile}",
            "--remote-debugging-port=0",
            f"--window-size={size[0]},{size[1]}",
            "about:blank",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    async with asyncio.timeout(timeout):
        port_file = profile / "DevToolsActivePort"  # the port Chromium chose, once it listens
        while not port_file.exists() or len(port_file.read_text().split()) < 2:
            await asyncio.sleep(0.1)
        port = port_file.read_text().split()[0]
        async with aiohttp.ClientSession() as http:
            async with http.get(f"http://127.0.0.1:{port}/json/list") as response:
                page = next(target for target in await response.json() if target["type"] == "page")
            async with http.ws_connect(page["webSocketDebuggerUrl"], max_msg_size=0) as socket:
                tools = _DevTools(socket)
                await tools.call("Network.enable")
                await tools.call("Page.navigate", url=url)
                while not (
                    (await tools.call("Runtime.evaluate", expression=ready, returnByValue=True))["result"].get("value")
                    and shows in terminal_text(tools.frames)
                ):
                    await asyncio.sleep(0.25)
                await asyncio.sleep(settle)
                shot = await tools.call("Page.captureScreenshot", format="png")
                await tools.call("Runtime.evaluate", expression="1")  # the frames that came meanwhile
                return Visit(base64.b64decode(shot["data"]), tools.frames, tools.requests)


def colours(png: bytes) -> Counter[bytes]:
    """How many pixels of each colour an 8-bit RGB or RGBA, non-interlaced PNG (as Chromium
    writes its screenshots) has."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    position, idat = 8, b""
    while position < len(png):
        length, kind = struct.unpack(">I4s", png[position : position + 8])
        body = png[position + 8 : position + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour_type, _c, _f, interlace = struct.unpack(">IIBBBBB", body)
            assert depth == 8 and colour_type in (2, 6) and not interlace, "a PNG this reader does not read"
        elif kind == b"IDAT":
            idat += body
        position += 12 + length
    step = 3 if colour_type == 2 else 4
    raw, stride, counts = zlib.decompress(idat), width * step, Counter()
    previous = bytearray(stride)
    for y in range(height):
        kind, row = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        for x in range(stride) if kind else ():
            a = row[x - step] if x >= step else 0
            b, c = previous[x], previous[x - step] if x >= step else 0
            if kind == 1:
                row[x] = (row[x] + a) & 255
            elif kind == 2:
                row[x] = (row[x] + b) & 255
            elif kind == 3:
                row[x] = (row[x] + (a + b) // 2) & 255
            else:  # Paeth
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                row[x] = (row[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        counts.update(bytes(row[x : x + 3]) for x in range(0, stride, step))
        previous = row
    return counts
