"""One plan's clock and stop switch, shared by all its product lines and stages.

A front makes a :class:`Deadline` when the user asks for a plan; the plan's time limit
counts from then on the monotonic clock, each product line and each stage solves in its
share of the time still left, and :meth:`Deadline.cancel` — from any thread — stops the
solve running now: HiGHS at its next interrupt callback, CBC by killing its process
(:mod:`millplan.solver.engines`). A cancelled plan raises :class:`Cancelled` and saves nothing.

The solves of a plan find their deadline through :func:`current`, set by
:meth:`Deadline.watching` around them, so the prioritiser's stages need not pass it on.

The fronts run every call that solves through :func:`start` — a daemon thread of its own,
watching a deadline — and on leaving (quit, Ctrl+C) cancel it and :func:`wind_down` for
at most :data:`GRACE` s: HiGHS can take a second or more to notice a cancel inside a
sub-MIP heuristic, and the cancelled call saves nothing whenever it stops.
"""

from __future__ import annotations

import contextlib
import contextvars
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any


class Cancelled(Exception):
    """The plan was stopped before it finished (the workstation closed, Ctrl+C on the
    command line): nothing of it is saved."""

    def __init__(self) -> None:
        super().__init__("the plan was cancelled before it finished: nothing was saved")


class Deadline:
    """A plan's time limit and stop switch.

    ``Deadline(seconds=None)`` starts the clock now; ``seconds`` is the limit (``None``:
    none), which :meth:`limit` may tighten. Thread-safe: any thread may :meth:`cancel`.
    """

    def __init__(self, seconds: float | None = None) -> None:
        self.started = time.monotonic()
        self.seconds = seconds
        self._cancelled = threading.Event()
        self._lock = threading.Lock()
        self._processes: list[subprocess.Popen] = []

    def limit(self, seconds: float | None) -> None:
        """End the plan at most ``seconds`` after the clock started (``None`` leaves it)."""
        if seconds is not None:
            self.seconds = seconds if self.seconds is None else min(self.seconds, seconds)

    def extend(self, seconds: float) -> None:
        """Give the plan ``seconds`` more than its limit (none: nothing changes)."""
        if self.seconds is not None:
            self.seconds += seconds

    def elapsed(self) -> float:
        """Seconds since the clock started."""
        return time.monotonic() - self.started

    def left(self) -> float | None:
        """Seconds left until the limit (0 once past it); ``None`` without a limit."""
        return None if self.seconds is None else max(0.0, self.seconds - self.elapsed())

    def share(self, weight: float, rest: float, keep: float = 0.0) -> float | None:
        """The part of the time left, less ``keep`` s kept back for what follows the
        solves, due to work of ``weight`` when ``rest`` (its own weight included) is still
        to do; ``None`` without a limit."""
        left = self.left()
        return None if left is None else max(0.0, left - keep) * weight / max(rest, weight, 1e-9)

    @property
    def cancelled(self) -> bool:
        """Whether :meth:`cancel` was called."""
        return self._cancelled.is_set()

    def cancel(self) -> None:
        """Stop the plan: the running solve stops (its solver processes killed) and the
        plan raises :class:`Cancelled`."""
        self._cancelled.set()
        with self._lock:
            processes, self._processes = self._processes, []
        for process in processes:
            _kill(process)

    def check(self) -> None:
        """Raise :class:`Cancelled` once :meth:`cancel` was called."""
        if self.cancelled:
            raise Cancelled()

    def adopt(self, process: subprocess.Popen) -> None:
        """Kill ``process`` (a solver run for this plan) when the plan is cancelled — at
        once if it already is. Finished processes are forgotten."""
        with self._lock:
            self._processes = [p for p in self._processes if p.poll() is None]
            self._processes.append(process)
        if self.cancelled:
            self.cancel()

    @contextlib.contextmanager
    def watching(self) -> Iterator[Deadline]:
        """Make this the :func:`current` deadline of the solves run inside (this thread)."""
        token = _current.set(self)
        try:
            yield self
        finally:
            _current.reset(token)


_current: contextvars.ContextVar[Deadline | None] = contextvars.ContextVar("deadline", default=None)


def current() -> Deadline | None:
    """The deadline the running plan watches, if any."""
    return _current.get()


GRACE = 1.0
"""Seconds a front, leaving, waits for a cancelled call's solver to stop."""

_running: set[threading.Thread] = set()
_lock = threading.Lock()


def start(call: Callable[[], Any], deadline: Deadline, settle: Callable[[bool, Any], None]) -> threading.Thread:
    """Run ``call()`` under ``deadline`` (:meth:`Deadline.watching`) in a daemon thread
    of its own — the process may leave without it — and hand ``settle(True, result)`` or
    ``settle(False, exception)`` (any, :class:`Cancelled` included) to the caller from
    that thread. Returns the started thread."""

    def work() -> None:
        try:
            with deadline.watching():
                done = (True, call())
        except BaseException as exc:  # noqa: BLE001 — handed to the caller
            done = (False, exc)
        finally:
            with _lock:
                _running.discard(threading.current_thread())
        settle(*done)

    thread = threading.Thread(target=work, name="solve", daemon=True)
    with _lock:
        _running.add(thread)
    thread.start()
    return thread


def wind_down(seconds: float = GRACE) -> bool:
    """Wait up to ``seconds`` for the threads of :func:`start` to end; whether one still
    runs (then the process must leave by ``os._exit``: a normal exit aborts — "terminate
    called without an active exception" — while HiGHS's own threads run)."""
    end = time.monotonic() + seconds
    with _lock:
        threads = list(_running)
    for thread in threads:
        thread.join(max(0.0, end - time.monotonic()))
    return any(thread.is_alive() for thread in threads)


def _kill(process: subprocess.Popen) -> None:
    """Kill a solver process and reap it (a killed CBC dies at once)."""
    with contextlib.suppress(OSError):
        process.kill()
    with contextlib.suppress(subprocess.TimeoutExpired, OSError):
        process.wait(timeout=1)
