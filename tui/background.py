"""Core calls that solve, run by the workstation in threads of their own, not in
Textual's worker pool.

The app's exit waits for every thread of that pool, and a solve cancelled as the
workstation closes can take a second or more to notice inside HiGHS (a sub-MIP heuristic
is not interrupted). Every worker that may run the solver — a plan, a what-if or re-plan
of the approval levers, a promise — awaits :func:`in_thread` instead: the call runs under
a :class:`~solver.control.Deadline` of its own in a daemon thread
(:func:`millplan.solver.control.start`), and when the worker is cancelled (its pane unmounted, the
app quitting) the deadline is cancelled, so the solver stops (CBC killed) and nothing of
the call is saved. The app closes at once; the CLI then gives such a thread
:data:`millplan.solver.control.GRACE` s (:func:`millplan.solver.control.wind_down`).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from typing import TypeVar

from millplan.solver.control import Deadline, start

T = TypeVar("T")


async def in_thread(call: Callable[[], T]) -> T:
    """Await ``call()`` run under a deadline of its own in a daemon thread; its result, or
    its exception. Cancelling the awaiting worker cancels the deadline (the call then
    raises :class:`~solver.control.Cancelled` in its thread, which nobody awaits)."""
    loop = asyncio.get_running_loop()
    future: asyncio.Future[T] = loop.create_future()
    deadline = Deadline()

    def settle(ok: bool, value) -> None:  # noqa: ANN001 — the result or the exception
        if not future.done():  # the awaiting worker was cancelled: nobody wants it
            future.set_result(value) if ok else future.set_exception(value)

    def handed(ok: bool, value) -> None:  # noqa: ANN001 — as settle
        with contextlib.suppress(RuntimeError):  # the app's loop is closed: it has gone
            loop.call_soon_threadsafe(settle, ok, value)

    start(call, deadline, handed)
    try:
        return await future
    except asyncio.CancelledError:
        deadline.cancel()  # the worker is gone (pane unmounted, app quitting): stop the solver
        raise
