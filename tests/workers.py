"""Functions run in separate processes by the concurrency tests (importable by name, as
multiprocessing's forkserver start method needs). Each opens its own store, waits at the
barrier so all act at once, and puts what happened on the queue."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from millplan.core.domain.errors import ChangedMeanwhile, MillplanError
from millplan.core.domain.months import Month
from millplan.core.planning import run as planning
from millplan.core.workflow import assignments
from millplan.storage.store import open_store


def _act(url: str, barrier: Any, results: Any, action: Callable) -> None:
    store = open_store(url)
    try:
        barrier.wait(timeout=60)
        action(store)
        results.put(("done", ""))
    except ChangedMeanwhile as exc:
        results.put(("changed", str(exc)))
    except MillplanError as exc:
        results.put(("refused", f"{type(exc).__name__}: {exc}"))
    except Exception as exc:  # reported to the test, which fails on it with the text
        results.put(("error", f"{type(exc).__name__}: {exc}"))
    finally:
        store.dispose()


def approve(url: str, month: str, login: str, seen: tuple[int, int], barrier: Any, results: Any) -> None:
    """Approve (month, line L) as ``login``, having seen revision ``seen``."""
    _act(
        url, barrier, results, lambda store: assignments.approve(store, Month.parse(month), "L", login=login, seen=seen)
    )


def exclude(url: str, month: str, login: str, ref: str, barrier: Any, results: Any) -> None:
    """Exclude ``ref`` from (month, line L) by hand as ``login``."""
    _act(
        url,
        barrier,
        results,
        lambda store: assignments.set_excluded(
            store, Month.parse(month), "L", ref, True, login=login, reason=f"{login} asks"
        ),
    )


def plan_month(url: str, month: str, login: str, barrier: Any, results: Any) -> None:
    """Run the prioritiser for ``month`` (line L) as ``login``."""
    _act(
        url,
        barrier,
        results,
        lambda store: planning.plan(store, Month.parse(month), login=login, product_line="L", first_horizon=1),
    )


def reopen(url: str, month: str, login: str, ref: str, barrier: Any, results: Any) -> None:
    """Lock ``ref`` in (month, line L) as ``login`` — on an approved revision, opening the next."""
    _act(
        url,
        barrier,
        results,
        lambda store: assignments.set_locked(store, Month.parse(month), "L", ref, True, login=login),
    )
