"""How well a plan keeps its time limit and how fast a cancel stops it, on the demo plant.

    .venv/bin/python benchmarks/solve_control_bench.py            # limits 2, 5, 10 s; cancels at 1–6 s
    .venv/bin/python benchmarks/solve_control_bench.py --quick    # one limit, two cancels

The demo plant (``millplan.core.demo.generate``, 700 positions, four product lines) planned for
next month with whole positions over six months — a MIP no solver proves in seconds:

* **limit**: the plan of all four lines with ``--time-limit``-style limits; prints the
  plan's wall time (read, solve, save) and the lines' solver seconds against the limit
  (target: within 10 %), and each line's status and gap;
* **default**: the same plan with core's default limit (:data:`DEFAULT_TIME_LIMIT`);
* **cancel**: the plan cancelled from another thread after a few seconds, with HiGHS and
  with CBC; prints the seconds from ``cancel()`` until the plan has raised ``Cancelled``
  (target: under 2 s) and checks nothing was written.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import threading
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from millplan.core.demo import DEMO_POSITIONS, generate  # noqa: E402
from millplan.core.domain.months import Month  # noqa: E402
from millplan.core.importing.mills import import_mills  # noqa: E402
from millplan.core.importing.portfolio import import_portfolio  # noqa: E402
from millplan.core.planning import run as planning  # noqa: E402
from millplan.core.planning.options import DEFAULT_TIME_LIMIT  # noqa: E402
from millplan.solver.control import Cancelled, Deadline  # noqa: E402
from millplan.storage.store import open_store  # noqa: E402

TODAY = date(2026, 11, 30)
MONTH = Month.of(TODAY) + 1
OPTIONS = {"whole": True, "horizon": 6}


def plant(folder: Path) -> Path:
    """The demo plant imported into an SQLite file (copied for each run: nothing planned)."""
    files = generate(folder, DEMO_POSITIONS, today=TODAY)
    path = folder / "template.sqlite"
    store = open_store(f"sqlite:///{path}")
    import_mills(store, files.mills, login="bench")
    import_portfolio(store, files.portfolio, login="bench")
    store.dispose()
    return path


def fresh(template: Path, name: str):
    path = template.with_name(name)
    shutil.copy(template, path)
    return open_store(f"sqlite:///{path}")


def limited(template: Path, limit: float | None, default: float | None = None) -> None:
    store = fresh(template, "limit.sqlite")
    started = time.monotonic()
    options = OPTIONS if limit is None else {**OPTIONS, "time_limit": limit}
    outcomes = planning.plan(store, MONTH, login="bench", options=options, default_time_limit=default, first_horizon=1)
    wall = time.monotonic() - started
    store.dispose()
    budget = limit if limit is not None else default
    solved = sum(o.seconds for o in outcomes)
    lines = ", ".join(
        f"{o.assignment.product_line} {o.solver_status}"
        + ("" if o.gap in (None, 0.0) else f" {o.gap * 100:.2g} %")
        + f" {o.seconds:.2f} s"
        for o in outcomes
    )
    label = f"limit {limit:g} s" if limit is not None else f"default {default:g} s"
    print(f"{label:>14}: plan {wall:6.2f} s ({wall / budget:4.0%} of it), solver {solved:6.2f} s  [{lines}]")


def cancelled(template: Path, solver: str, after: float) -> None:
    store = fresh(template, "cancel.sqlite")
    deadline = Deadline()
    ended: dict[str, float] = {}

    def work() -> None:
        try:
            planning.plan(
                store, MONTH, login="bench", options={**OPTIONS, "solver": solver}, deadline=deadline, first_horizon=1
            )
            ended["finished"] = time.monotonic()
        except Cancelled:
            ended["cancelled"] = time.monotonic()

    thread = threading.Thread(target=work)
    thread.start()
    time.sleep(after)
    asked = time.monotonic()
    deadline.cancel()
    thread.join()
    with store.reading() as repo:
        written = repo.assignments.assignment(MONTH, "ТБД") is not None
    store.dispose()
    how = "cancelled" if "cancelled" in ended else "finished first"
    print(
        f"{solver:>6} cancel at {after:3.1f} s: {how} {ended.popitem()[1] - asked:5.2f} s later, draft written: {written}"
    )


def main(argv: list[str]) -> None:
    quick = "--quick" in argv
    with tempfile.TemporaryDirectory() as folder:
        template = plant(Path(folder))
        for limit in (2.0,) if quick else (2.0, 5.0, 10.0):
            limited(template, limit)
        limited(template, None, DEFAULT_TIME_LIMIT)
        for solver in ("highs", "cbc"):
            for after in (2.0, 4.0) if quick else (1.0, 2.0, 3.0, 4.0, 5.0, 6.0):
                cancelled(template, solver, after)


if __name__ == "__main__":
    main(sys.argv[1:])
