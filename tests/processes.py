"""Processes a test starts, killed however the test ends (a pytest plugin: tests/conftest.py
loads it; tests/unit/test_started_processes.py proves it).

``start_process(command, **popen_args)`` is :class:`subprocess.Popen` in a session of its
own; when the test ends — passed, failed, or interrupted by Ctrl+C (pytest tears fixtures
down on KeyboardInterrupt too) — every process of that session, the children it started
included (CBC under a plan), is killed with SIGKILL and the started one reaped. Only a
pytest killed by SIGKILL itself leaves them behind.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
from collections.abc import Callable, Iterator

import pytest


def kill_session(process: subprocess.Popen) -> None:
    """Kill every process in the session ``process`` leads (started with
    ``start_new_session=True``) — whether or not it has ended itself, its children may live
    on — then reap it and close its pipes."""
    with contextlib.suppress(ProcessLookupError):  # nobody left in the session
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    for stream in (process.stdin, process.stdout, process.stderr):
        if stream is not None:
            stream.close()


@pytest.fixture
def start_process() -> Iterator[Callable[..., subprocess.Popen]]:
    """``start_process(command, **popen_args)`` → a started :class:`subprocess.Popen`, killed
    with its children at the test's end whatever happens (see the module's docstring)."""
    started: list[subprocess.Popen] = []

    def start(command: list[str], **popen_args: object) -> subprocess.Popen:
        process = subprocess.Popen(command, start_new_session=True, **popen_args)
        started.append(process)
        return process

    try:
        yield start
    finally:
        for process in started:
            kill_session(process)
