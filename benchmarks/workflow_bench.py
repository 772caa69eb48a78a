"""Time the approval workflow on a synthetic plant; print the figures.

    .venv/bin/python benchmarks/workflow_bench.py          # 5 000 positions
    .venv/bin/python benchmarks/workflow_bench.py 20000

On a new SQLite file: import and plan next month (not timed), then time submitting and
approving every product line, a hand exclusion after approval (which copies the
approved revision into revision 2), the diff of each line's two revisions, a backup
while nothing else runs, and a restore of it (check, copy in, upgrade).
"""

from __future__ import annotations

import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main(argv: list[str]) -> None:
    sys.path.insert(0, str(ROOT))
    from benchmarks.plan_bench import mills_for
    from millplan.core import database
    from millplan.core.demo import generate
    from millplan.core.domain.months import Month
    from millplan.core.importing.mills import import_mills
    from millplan.core.importing.portfolio import import_portfolio
    from millplan.core.planning import run as planning
    from millplan.core.planning.diff import revision_diff
    from millplan.core.workflow import assignments
    from millplan.storage.store import open_store

    positions = int(argv[0]) if argv else 5_000
    today = date(2026, 11, 30)
    month = Month.of(today) + 1
    with tempfile.TemporaryDirectory() as folder:
        files = generate(Path(folder), positions, mills=mills_for(positions), today=today)
        url = f"sqlite:///{folder}/bench.sqlite"
        store = open_store(url)
        import_mills(store, files.mills, login="bench")
        import_portfolio(store, files.portfolio, login="bench")
        outcomes = planning.plan(store, month, login="bench", first_horizon=1)
        lines = [o.assignment.product_line for o in outcomes]
        figures: dict[str, float] = {}

        def timed(name: str, action) -> None:  # noqa: ANN001 - a callable
            started = time.perf_counter()
            action()
            figures[name] = time.perf_counter() - started

        timed(
            "submit + approve, every line",
            lambda: [
                (
                    assignments.submit(store, month, line, login="bench"),
                    assignments.approve(store, month, line, login="bench"),
                )
                for line in lines
            ],
        )
        refs = {o.assignment.product_line: o.assignment.lines[0].position_ref for o in outcomes if o.assignment.lines}
        timed(
            "exclusion after approval (copies into revision 2), every line",
            lambda: [
                assignments.set_excluded(store, month, line, ref, True, login="bench", reason="bench")
                for line, ref in refs.items()
            ],
        )
        timed("diff revision 1 → 2, every line", lambda: [revision_diff(store, month, line) for line in refs])
        copy = Path(folder) / "copy.sqlite"
        timed("db backup", lambda: database.backup(url, copy))
        store.dispose()
        timed("db restore (check, copy in, upgrade)", lambda: database.restore(url, copy))
        size_mb = copy.stat().st_size / 1e6
        assignment_lines = sum(len(o.assignment.lines) for o in outcomes)
    print(
        f"{positions} positions, {len(lines)} product lines, {assignment_lines} assignment lines, database {size_mb:.1f} MB"
    )
    for name, seconds in figures.items():
        print(f"  {name:<62} {seconds:6.2f} s")


if __name__ == "__main__":
    main(sys.argv[1:])
