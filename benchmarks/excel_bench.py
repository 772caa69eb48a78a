"""Excel out on a big book; print times and peak memory.

    .venv/bin/python benchmarks/excel_bench.py            # 50 000 positions
    .venv/bin/python benchmarks/excel_bench.py 5000       # another size

For each size: a synthetic plant (core/demo.py ``generate``) imported into a new SQLite
store, then — timed, wall/CPU seconds — ``export portfolio`` (every position, the import's
layout), the positions table (``millplan positions --xlsx``: every position with its
attributes, the table read beforehand) written as a workbook, and the exported book imported again into the same store (nothing changes).
"""

from __future__ import annotations

import resource
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SIZES = (50_000,)
TODAY = date(2026, 11, 30)


def _timed(run) -> tuple[str, object]:
    started, cpu = time.perf_counter(), time.process_time()
    result = run()
    return f"{time.perf_counter() - started:.1f}/{time.process_time() - cpu:.1f}", result


def main(argv: list[str]) -> None:
    sys.path.insert(0, str(ROOT))
    from benchmarks.plan_bench import mills_for
    from millplan.core.demo import generate
    from millplan.core.importing.mills import import_mills
    from millplan.core.importing.portfolio import import_portfolio
    from millplan.core.views.excel import write_workbook
    from millplan.core.views.portfolio_book import export_portfolio
    from millplan.core.views.positions import attributes_view, position_attributes
    from millplan.storage.store import open_store

    sizes = [int(a) for a in argv] or list(SIZES)
    print(f"{'positions':>9} {'export s':>10} {'table s':>10} {'re-import s':>12} {'unchanged':>10} {'peak MB':>8}")
    for size in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            files = generate(folder / "plant", size, mills=mills_for(size), today=TODAY)
            store = open_store(f"sqlite:///{folder}/bench.sqlite")
            import_mills(store, files.mills, login="bench")
            import_portfolio(store, files.portfolio, login="bench")
            book = folder / "out.xlsx"
            export, _written = _timed(lambda: export_portfolio(store, book))
            view = attributes_view(position_attributes(store))
            table, _none = _timed(lambda: write_workbook(folder / "positions.xlsx", [view]))
            again, report = _timed(lambda: import_portfolio(store, book, login="bench"))
            store.dispose()
        unchanged = report.counts["positions"].unchanged
        peak = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
        print(f"{size:>9} {export:>10} {table:>10} {again:>12} {unchanged:>10} {peak:>8}")
    print("seconds wall/CPU; peak MB: this process's resident peak (the plant's generation and first import included)")


if __name__ == "__main__":
    main(sys.argv[1:])
