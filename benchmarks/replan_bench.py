"""Re-plan the month in progress on a synthetic plant; print times.

    .venv/bin/python benchmarks/replan_bench.py          # 5 000 positions
    .venv/bin/python benchmarks/replan_bench.py 20000    # another size

A synthetic plant (core.demo.generate) as of 1 March 2027: its March is planned and
approved on the 1st; actuals for days 1 to 14 are written straight through
``repo.actuals.replace`` (each approved line made at its pro-rata pace, 14/31 of its
tonnes, one row per day); then, with the plant's date set to the 15th, March is re-planned
— only the hours left and the tonnes not made — by the calendar basis and by the actuals
basis, and the mill load monitor is read. Target (issue 9): the re-plan of 5 000
positions in under 2 s on a 2-core machine.
"""

from __future__ import annotations

import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.plan_bench import mills_for  # noqa: E402
from millplan.core.demo import generate  # noqa: E402
from millplan.core.domain.actuals import ActualRecord  # noqa: E402
from millplan.core.domain.months import Month, today_set  # noqa: E402
from millplan.core.importing.mills import import_mills  # noqa: E402
from millplan.core.importing.portfolio import import_portfolio  # noqa: E402
from millplan.core.planning import load  # noqa: E402
from millplan.core.planning import run as planning  # noqa: E402
from millplan.core.workflow import assignments  # noqa: E402
from millplan.storage.store import open_store  # noqa: E402

FIRST = date(2027, 3, 1)
MADE_DAYS = 14
TODAY = date(2027, 3, MADE_DAYS + 1)


def measure(positions: int) -> None:
    month = Month.of(FIRST)
    with tempfile.TemporaryDirectory() as folder:
        files = generate(Path(folder), positions, mills=mills_for(positions), today=FIRST)
        store = open_store(f"sqlite:///{folder}/bench.sqlite")
        import_mills(store, files.mills, login="bench")
        import_portfolio(store, files.portfolio, login="bench")
        with today_set(FIRST):
            started = time.perf_counter()
            approved = planning.plan(store, month, login="bench")
            first_plan = time.perf_counter() - started
            for outcome in approved:
                assignments.submit(store, month, outcome.assignment.product_line, login="bench")
                assignments.approve(store, month, outcome.assignment.product_line, login="bench")
        records = [
            ActualRecord(date(month.year, month.month, day), line.mill_code, line.position_id, line.tonnes / month.days)
            for outcome in approved
            for line in outcome.assignment.lines
            for day in range(1, MADE_DAYS + 1)
        ]
        started = time.perf_counter()
        with store.unit_of_work() as repo:
            repo.actuals.replace(records, "bench", "replan_bench")
        written = time.perf_counter() - started
        with today_set(TODAY):
            figures = {}
            for basis in ("calendar", "actuals"):
                started = time.perf_counter()
                outcomes = planning.plan(store, month, login="bench", options={"progress_hours": basis})
                figures[basis] = (time.perf_counter() - started, outcomes)
            started = time.perf_counter()
            report = load.mill_load(store)
            monitored = time.perf_counter() - started
        store.dispose()
    made_t = sum(r.tonnes for r in records)
    print(f"plant: {positions} positions, {files.mill_count} mills; {month} planned on {FIRST} in {first_plan:.2f} s")
    print(f"actuals: {len(records)} rows (days 1-{MADE_DAYS}), {made_t:,.0f} t, written in {written:.2f} s")
    for basis, (seconds, outcomes) in figures.items():
        lines = [l for o in outcomes for l in o.assignment.lines]
        made = sum(1 for l in lines if l.tonnes_made)
        new_t = sum(l.tonnes - l.tonnes_made for l in lines)
        solver = sum(o.seconds for o in outcomes)
        verdict = "ok" if seconds < 2 else "OVER the 2 s target"
        print(
            f"re-plan on {TODAY} ({basis:8}): {seconds:.2f} s (solver {solver:.2f} s) — "
            f"{sum(o.considered for o in outcomes)} positions considered, {len(lines)} lines, "
            f"{made} kept as made, {new_t:,.0f} t planned on top  [{verdict}]"
        )
    current = sum(c.booked_hours for (code, m), c in report.cells.items() if m == month)
    print(f"load monitor: {monitored:.2f} s; {month} books {current:,.0f} h still to make")


if __name__ == "__main__":
    for size in [int(a) for a in sys.argv[1:]] or [5_000]:
        measure(size)
