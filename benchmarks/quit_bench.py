"""How long the workstation takes to close while it plans (target: under 2 s).

    .venv/bin/python benchmarks/quit_bench.py             # HiGHS and CBC, quit 2–6 s into the plan

The demo plant's month after next, kept options whole positions over six months with a 60 s
limit, is planned from the Assignment pane (F5) in a real process running the workstation
headless; a few seconds in, the app quits as ``q`` does and the process ends as
``millplan tui`` does (``cli.main``: a cancelled solve still running after
:data:`millplan.solver.control.GRACE` s is left behind). Prints the seconds from the quit to the end of
the process, whether the solve had to be left behind, and that nothing was saved.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.solve_control_bench import MONTH as NEXT_MONTH  # noqa: E402
from benchmarks.solve_control_bench import OPTIONS, plant  # noqa: E402
from millplan.core.domain.people import Role, User
from millplan.core.planning import run as planning  # noqa: E402
from millplan.core.planning.options import PlanOptions  # noqa: E402
from millplan.storage.store import open_store  # noqa: E402

MONTH = NEXT_MONTH + 1
"""The month after next: its whole-position plan over six months takes HiGHS 15 s and more."""


def prepare(folder: Path, solver: str) -> Path:
    """The demo plant planned once; its month's options now name ``solver`` and 60 s."""
    path = plant(folder / solver)
    store = open_store(f"sqlite:///{path}")
    with store.unit_of_work() as repo:
        repo.users.save_user(
            User("bench", "Bench", Role.LINE_MANAGER, tuple(repo.plant.whole().product_lines)), by="bench"
        )
    planning.plan(
        store, MONTH, login="bench", product_line="БШТ", options={**OPTIONS, "time_limit": 1.0}, first_horizon=1
    )
    with store.unit_of_work() as repo:
        latest = repo.assignments.assignment(MONTH, "БШТ")
        options = PlanOptions.from_dict(latest.options).changed(solver=solver, time_limit=60.0)
        repo.assignments.set_options(
            latest, options.as_dict(), "bench", "options set", {"position": latest.lines[0].position_ref}
        )
    store.dispose()
    return path


def child(path: str, after: float) -> None:
    """Run the workstation on ``path``, plan, quit ``after`` s later, end as the CLI does."""
    from millplan.solver import control
    from millplan.tui.app import MillplanApp

    store = open_store(f"sqlite:///{path}")
    app = MillplanApp(store, "bench", month=MONTH)

    async def pilot(p) -> None:  # noqa: ANN001 — textual's Pilot
        await p.press("f4")
        await p.pause(0.5)
        while app.query_one("#assignment-pane").line != "БШТ":  # the line that takes longest
            await p.press("l")
        app.query_one("#assignment-pane").action_plan()  # F5's action: a key may land before the pane has focus
        await asyncio.sleep(after)
        if not app.query_one("#assignment-pane").planning:
            raise SystemExit("the plan is not running: nothing to measure")
        Path(path + ".quit").write_text(str(time.time()))
        await app.action_quit()

    app.run(headless=True, auto_pilot=pilot)
    if control.wind_down():
        Path(path + ".left").write_text("left behind")
        os._exit(0)


def revisions(path: Path) -> int:
    store = open_store(f"sqlite:///{path}")
    with store.reading() as repo:
        count = len(repo.assignments.revisions(MONTH, "БШТ"))
    store.dispose()
    return count


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        for solver in ("highs", "cbc"):
            path = prepare(Path(folder), solver)
            before = revisions(path)
            for after in (2.0, 3.0, 4.0, 5.0, 6.0):
                Path(f"{path}.left").unlink(missing_ok=True)
                subprocess.run(
                    [sys.executable, __file__, "--child", str(path), str(after)], check=True, stdout=subprocess.DEVNULL
                )
                ended = time.time()
                quit_at = float(Path(f"{path}.quit").read_text())
                left = " (solve left behind)" if Path(f"{path}.left").exists() else ""
                saved = revisions(path) - before
                print(
                    f"{solver:>6} quit {after:.0f} s into the plan: process ended {ended - quit_at:4.2f} s later{left}; revisions saved: {saved}"
                )


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        child(sys.argv[2], float(sys.argv[3]))
    else:
        main()
