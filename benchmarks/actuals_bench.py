"""Import a month of daily actuals; print times and peak memory (target: under 5 s each).

    .venv/bin/python benchmarks/actuals_bench.py              # 20 000 positions, 30 mills, 31 days
    .venv/bin/python benchmarks/actuals_bench.py 5000 10      # positions, mills

A synthetic plant (``core.demo.generate``) is imported, and each open position put on its
best mill as a plan would (:func:`millplan.core.planning.attributes.mill_options`); the
mills work through that plan for the 31 days of December 2026
(:func:`millplan.core.demo.write_actuals`: each mill-day makes its share of its queue,
some positions on several days), written as the shop's workbook and as the MES export.
Each import runs in a fresh process on a copy of the same store, so its peak memory is
its own: the workbook into a store without actuals, the same workbook again (every day
and mill replaced), and the CSV export into a store without actuals. Times are wall-clock
and CPU seconds.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MONTH_START = date(2026, 12, 1)
DAYS = [MONTH_START + timedelta(days=n) for n in range(31)]
TODAY = "2027-01-01"  # every day of December lies behind it
POSITIONS, MILLS = 20_000, 30


def measure(folder: Path, file: str, times: int) -> dict:
    sys.path.insert(0, str(ROOT))
    from millplan.core.importing.actuals import import_actuals
    from millplan.storage.store import open_store

    store = open_store(f"sqlite:///{folder}/run.sqlite")
    for _ in range(times):
        started, cpu = time.perf_counter(), time.process_time()
        report = import_actuals(store, folder / file, login="bench")
        wall, used = time.perf_counter() - started, time.process_time() - cpu
    store.dispose()
    return {
        "seconds": f"{wall:.1f}/{used:.1f}",
        "rows": report.figures["rows"],
        "positions": len(report.figures["produced_changed"]),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


def prepare(folder: Path, positions: int, mills: int) -> int:
    """The plant in ``folder/base.sqlite`` and its actuals files; returns the rows written."""
    sys.path.insert(0, str(ROOT))
    from millplan.core.demo import generate, write_actuals
    from millplan.core.domain.assignment import AssignmentLine
    from millplan.core.importing.mills import import_mills
    from millplan.core.importing.portfolio import import_portfolio
    from millplan.core.planning.attributes import mill_options
    from millplan.storage.store import open_store

    files = generate(folder, positions, mills=mills, today=MONTH_START)
    store = open_store(f"sqlite:///{folder}/base.sqlite")
    import_mills(store, files.mills, login="bench")
    import_portfolio(store, files.portfolio, login="bench")
    with store.reading() as repo:
        plant, book = repo.plant.whole(), repo.plant.positions(open_only=True)
    store.dispose()
    lines = []
    for p in book:
        options, _ = mill_options(plant, p)
        if options:
            lines.append(AssignmentLine(p.id, p.ref, options[0].mill.code, p.remaining_tonnes, 0.0, Decimal(0)))
    write_actuals(folder / "actuals.csv", lines, DAYS)
    sizes = {p.ref: (p.od_mm, p.wall_mm, p.steel_grade) for p in book}
    return len(write_actuals(folder / "actuals.xlsx", lines, DAYS, sizes=sizes))


def main(argv: list[str]) -> None:
    if argv[:1] == ["--one"]:
        print(json.dumps(measure(Path(argv[1]), argv[2], int(argv[3]))))
        return
    positions, mills = (int(argv[0]), int(argv[1])) if len(argv) == 2 else (POSITIONS, MILLS)
    env = {**os.environ, "MILLPLAN_TODAY": TODAY}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        rows = prepare(folder, positions, mills)
        print(f"{positions} positions, {mills} mills, {len(DAYS)} days: {rows} rows of actuals")
        print(f"{'import':<28} {'seconds':>10} {'rows':>7} {'positions':>9} {'peak MB':>8}")
        for name, file, times in (
            ("workbook, no actuals yet", "actuals.xlsx", 1),
            ("workbook again (replaces)", "actuals.xlsx", 2),
            ("MES csv, no actuals yet", "actuals.csv", 1),
        ):
            shutil.copyfile(folder / "base.sqlite", folder / "run.sqlite")
            done = subprocess.run(
                [sys.executable, __file__, "--one", str(folder), file, str(times)],
                capture_output=True,
                text=True,
                check=True,
                env=env,
            )
            r = json.loads(done.stdout.strip().splitlines()[-1])
            print(f"{name:<28} {r['seconds']:>10} {r['rows']:>7} {r['positions']:>9} {r['peak_rss_mb']:>8}")
    print("seconds wall/CPU of one import (the second, for 'again'); peak MB: the importing process's resident peak")


if __name__ == "__main__":
    main(sys.argv[1:])
