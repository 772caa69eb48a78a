"""Time the approval workflow's levers on synthetic plants; print the figures.

    .venv/bin/python benchmarks/levers_bench.py            # 500 and 5 000 positions
    .venv/bin/python benchmarks/levers_bench.py 5000       # one size

For each size, in a new SQLite file (an open store: no users, so every login may act):
import the plant (core.demo.generate), cut next month's hours to 40 % (so key accounts
fall short), plan it (which opens the conflicts), then
time listing the conflicts, a force-in dry run (one what-if solve of the conflict's line),
a force-in (solve and save), and a sales manager's raise request (what-if) granted
(re-plan). Each is a person waiting at a terminal: the target is what the month plan
takes, under 5 s for 5 000 positions on 2 cores.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.lean_plant import lean_plant  # noqa: E402
from millplan.core.planning import run as planning
from millplan.core.workflow import conflicts, request_answers, request_raising

SIZES = (500, 5_000)


def measure(positions: int) -> dict:
    figures: dict = {"positions": positions}
    with lean_plant(positions) as (store, month):

        def timed(name, action):
            started = time.perf_counter()
            result = action()
            figures[name] = round(time.perf_counter() - started, 2)
            return result

        timed("plan_s", lambda: planning.plan(store, month, login="bench", first_horizon=1))
        found = timed("list_s", lambda: conflicts.conflicts(store, unresolved_only=True))
        figures["conflicts"] = len(found)
        if len(found) >= 2:
            first, second = found[0], found[1]
            timed("dry_run_s", lambda: conflicts.force_in(store, first.id, login="bench", dry_run=True))
            timed("force_s", lambda: conflicts.force_in(store, first.id, login="bench"))
            ref = second.position_ref
            raised = timed(
                "raise_s", lambda: request_raising.request_priority(store, ref, raise_=True, login="bench", why="bench")
            )
            timed("grant_s", lambda: request_answers.grant(store, raised.request.id, login="bench"))
    return figures


def main(argv: list[str]) -> None:
    sizes = [int(a) for a in argv] or list(SIZES)
    columns = ("positions", "plan_s", "conflicts", "list_s", "dry_run_s", "force_s", "raise_s", "grant_s")
    print(" ".join(f"{c:>9}" for c in columns))
    for size in sizes:
        figures = measure(size)
        print(" ".join(f"{str(figures.get(c, '—')):>9}" for c in columns))
    print("seconds; plan opens the conflicts; dry run and raise are one what-if solve, force and grant a re-plan saved")


if __name__ == "__main__":
    main(sys.argv[1:])
