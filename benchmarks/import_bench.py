"""Import synthetic order books; print times and peak memory of the portfolio import.

    .venv/bin/python benchmarks/import_bench.py            # 20 000 and 50 000 positions
    .venv/bin/python benchmarks/import_bench.py 5000       # one size

Times are wall-clock and CPU seconds (CPU is the steadier figure on a shared machine).
Each size runs in a fresh process against a new SQLite file (the workbooks are written
beforehand by this process, so the child's peak memory is the import's own): the mill
register, then the portfolio three times — into an empty store, again unchanged, and a
book of the same deals with other values (another seed: every position updated, its
produced tonnes, priorities and key flags compared for the report).
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
SIZES = (20_000, 50_000)
TODAY = date(2026, 11, 30)


def measure(folder: Path) -> dict:
    sys.path.insert(0, str(ROOT))
    from millplan.core.importing.mills import import_mills
    from millplan.core.importing.portfolio import import_portfolio
    from millplan.storage.store import open_store

    store = open_store(f"sqlite:///{folder}/bench.sqlite")
    import_mills(store, folder / "a" / "mills.xlsx", login="bench")
    times = {}
    for name, book in (("new", "a"), ("same", "a"), ("changed", "b")):
        started, cpu = time.perf_counter(), time.process_time()
        report = import_portfolio(store, folder / book / "portfolio.xlsx", login="bench")
        times[name] = f"{time.perf_counter() - started:.1f}/{time.process_time() - cpu:.1f}"
    store.dispose()
    return {
        **times,
        "changes": len(report.changes),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


def main(argv: list[str]) -> None:
    if argv[:1] == ["--one"]:
        print(json.dumps(measure(Path(argv[1]))))
        return
    sys.path.insert(0, str(ROOT))
    from benchmarks.plan_bench import mills_for
    from millplan.core.demo import generate

    sizes = [int(a) for a in argv] or list(SIZES)
    print(f"{'positions':>9} {'new s':>10} {'same s':>10} {'changed s':>10} {'changes':>8} {'peak MB':>8}")
    for size in sizes:
        with tempfile.TemporaryDirectory() as folder:
            for book, seed in (("a", 7), ("b", 8)):
                generate(Path(folder) / book, size, mills=mills_for(size), today=TODAY, seed=seed)
            done = subprocess.run(
                [sys.executable, __file__, "--one", folder], capture_output=True, text=True, check=True
            )
        r = json.loads(done.stdout.strip().splitlines()[-1])
        print(f"{size:>9} {r['new']:>10} {r['same']:>10} {r['changed']:>10} {r['changes']:>8} {r['peak_rss_mb']:>8}")
    print(
        "seconds of the portfolio import, wall/CPU (the mill register beforehand); peak MB: the importing process's resident peak"
    )


if __name__ == "__main__":
    main(sys.argv[1:])
