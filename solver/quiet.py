"""Keep native solver libraries off the process's standard output.

HiGHS prints its copyright banner from C++ straight to file descriptor 1 when the first
``Highs`` object of a process is built, before any option can turn output off
(ERGO-Code/HiGHS#1932). On the workstation that would land on the terminal; with
``--json`` it would corrupt the document. So the process's first ``Highs`` object is built
once with descriptor 1 pointed at the null device (:func:`banner_spent`), and solves leave
descriptor 1 alone: a solve still running in a thread while the command writes its
``--json`` error document (Ctrl+C) must not send that document to the null device.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
from collections.abc import Iterator

_lock = threading.Lock()
_spent = threading.Event()


@contextlib.contextmanager
def stdout_silenced() -> Iterator[None]:
    """Point descriptor 1 at the null device for the duration; restores it on exit.

    Serialised by a lock because descriptors are process-wide.
    """
    with _lock:
        sys.stdout.flush()
        saved = os.dup(1)
        try:
            with open(os.devnull, "wb") as null:
                os.dup2(null.fileno(), 1)
            yield
        finally:
            with contextlib.suppress(ValueError, OSError):
                sys.stdout.flush()
            os.dup2(saved, 1)
            os.close(saved)


def banner_spent() -> None:
    """Have HiGHS print its banner, once per process, to the null device (without highspy:
    nothing to do). Every solve calls it first; after the first, it costs an ``is_set``."""
    if _spent.is_set():
        return
    try:
        import highspy
    except ImportError:
        _spent.set()
        return
    with stdout_silenced():
        if not _spent.is_set():
            highspy.Highs()
            _spent.set()
