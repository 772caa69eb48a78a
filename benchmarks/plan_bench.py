"""Import and plan synthetic plants; print times and peak memory.

    .venv/bin/python benchmarks/plan_bench.py            # 500, 5 000 and 20 000 positions
    .venv/bin/python benchmarks/plan_bench.py 5000       # one size

Each size runs in a fresh process (so peak memory is that size's own) against a new
SQLite file: write the plant's Excel files (core.demo.generate), import the mill register
and the portfolio, then plan next month for every product line. Target (issue #2): the
5 000-position month plan solves in under 5 s on a 2-core machine.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SIZES = (500, 5_000, 20_000)


def mills_for(positions: int) -> int:
    """Plants grow with their books: 8 mills up to 3 200 positions, then one per 400, at most 30."""
    return min(30, max(8, positions // 400))


def measure(positions: int) -> dict:
    sys.path.insert(0, str(ROOT))
    from millplan.core.demo import generate
    from millplan.core.domain.months import Month
    from millplan.core.importing.mills import import_mills
    from millplan.core.importing.portfolio import import_portfolio
    from millplan.core.planning import run as planning
    from millplan.storage.store import open_store

    today = date(2026, 11, 30)
    with tempfile.TemporaryDirectory() as folder:
        files = generate(Path(folder), positions, mills=mills_for(positions), today=today)
        store = open_store(f"sqlite:///{folder}/bench.sqlite")
        started = time.perf_counter()
        import_mills(store, files.mills, login="bench")
        import_portfolio(store, files.portfolio, login="bench")
        imported = time.perf_counter() - started
        started = time.perf_counter()
        outcomes = planning.plan(store, Month.of(today) + 1, login="bench", first_horizon=1)
        planned = time.perf_counter() - started
        store.dispose()
    return {
        "positions": positions,
        "mills": files.mill_count,
        "import_s": round(imported, 2),
        "plan_s": round(planned, 2),
        "solver_s": round(sum(o.seconds for o in outcomes), 2),
        "considered": sum(o.considered for o in outcomes),
        "lines": sum(len(o.assignment.lines) for o in outcomes),
        "status": sorted({o.solver_status for o in outcomes}),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


def main(argv: list[str]) -> None:
    if argv[:1] == ["--one"]:
        print(json.dumps(measure(int(argv[1]))))
        return
    sizes = [int(a) for a in argv] or list(SIZES)
    print(
        f"{'positions':>9} {'mills':>5} {'import s':>9} {'plan s':>7} {'solver s':>9} {'considered':>10} {'lines':>6} {'peak MB':>8}  status"
    )
    for size in sizes:
        done = subprocess.run(
            [sys.executable, __file__, "--one", str(size)], capture_output=True, text=True, check=True
        )
        r = json.loads(done.stdout.strip().splitlines()[-1])
        print(
            f"{r['positions']:>9} {r['mills']:>5} {r['import_s']:>9} {r['plan_s']:>7} {r['solver_s']:>9} "
            f"{r['considered']:>10} {r['lines']:>6} {r['peak_rss_mb']:>8}  {','.join(r['status'])}"
        )
    print("plan s: whole month plan (read, build, solve, explain, save); solver s: model build + solve")


if __name__ == "__main__":
    main(sys.argv[1:])
