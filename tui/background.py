"""Solves run in threads of their own, not in Textual's worker pool.

The app's exit waits for every thread of that pool, and a solve cancelled as the
workstation closes can take a few seconds to notice inside HiGHS (a sub-MIP heuristic is
not interrupted). A thread of its own lets the app close at once; :func:`wind_down` then
gives such a thread a moment and says whether one still runs, so that the process can
leave without it (the cancelled plan saves nothing, whenever it stops).
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

_running: set[threading.Thread] = set()
_lock = threading.Lock()


async def in_thread(call: Callable[[], T]) -> T:
    """Await ``call()`` run in a daemon thread of its own; its result, or its exception."""
    loop = asyncio.get_running_loop()
    future: asyncio.Future[T] = loop.create_future()

    def settle(ok: bool, value) -> None:  # noqa: ANN001 — the result or the exception
        if not future.done():  # the awaiting worker was cancelled: nobody wants it
            future.set_result(value) if ok else future.set_exception(value)

    def work() -> None:
        try:
            done = (True, call())
        except BaseException as exc:  # noqa: BLE001 — handed to the awaiting coroutine
            done = (False, exc)
        finally:
            with _lock:
                _running.discard(threading.current_thread())
        with contextlib.suppress(RuntimeError):  # the app's loop is closed: it has gone
            loop.call_soon_threadsafe(settle, *done)

    thread = threading.Thread(target=work, name="solve", daemon=True)
    with _lock:
        _running.add(thread)
    thread.start()
    return await future


def wind_down(seconds: float) -> bool:
    """Wait up to ``seconds`` for the solve threads to end; whether one still runs."""
    end = time.monotonic() + seconds
    with _lock:
        threads = list(_running)
    for thread in threads:
        thread.join(max(0.0, end - time.monotonic()))
    return any(thread.is_alive() for thread in threads)
