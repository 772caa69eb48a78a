"""What following the store costs: the change-counter read each workstation makes every
:data:`millplan.tui.app.FOLLOW_SECONDS`, on a big book; print times.

    nice .venv/bin/python benchmarks/follow_bench.py                 # 50 000 positions, SQLite
    .venv/bin/python benchmarks/follow_bench.py 5000                 # one size
    .venv/bin/python benchmarks/follow_bench.py 5000 postgresql+psycopg://postgres@127.0.0.1:5432/DB

A synthetic plant (:func:`millplan.core.demo.generate`) is imported into a new SQLite file
(or the empty PostgreSQL database named). Figures: one read of the counter
(:func:`millplan.core.database.change_count`: a session, one primary-key read), mean and
worst of :data:`READS`; and a one-row change (a setting put) with the counter moved
as it commits, mean of :data:`WRITES` — the price every change pays for being followed.
The counter does not grow with the book: the read is the same on 5 000 or 50 000 positions.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from millplan.core.database import change_count  # noqa: E402
from millplan.core.demo import generate  # noqa: E402
from millplan.core.importing.mills import import_mills  # noqa: E402
from millplan.core.importing.portfolio import import_portfolio  # noqa: E402
from millplan.storage.store import open_store  # noqa: E402

READS, WRITES = 1000, 200
TARGET_MS = 5.0
"""A read of the counter should cost a workstation no more than this (it runs every 2 s)."""


def timed_ms(call, times: int) -> list[float]:
    spent = []
    for _ in range(times):
        started = time.perf_counter()
        call()
        spent.append((time.perf_counter() - started) * 1000)
    return spent


def run(positions: int, url: str | None) -> None:
    with tempfile.TemporaryDirectory() as folder:
        files = generate(Path(folder), positions)
        store = open_store(url or f"sqlite:///{folder}/bench.sqlite")
        import_mills(store, files.mills, login="bench")
        import_portfolio(store, files.portfolio, login="bench")
        print(f"{positions} positions, {files.mill_count} mills on {store.engine.dialect.name}")
        reads = timed_ms(lambda: change_count(store), READS)
        verdict = "ok" if statistics.mean(reads) < TARGET_MS else "OVER TARGET"
        print(
            f"  change counter read: mean {statistics.mean(reads):.2f} ms, "
            f"worst {max(reads):.2f} ms over {READS} — {verdict}"
        )
        before = change_count(store)

        def change() -> None:
            with store.unit_of_work() as repo:
                repo.settings.put("bench.follow", time.time(), "bench")

        writes = timed_ms(change, WRITES)
        moved = change_count(store) - before
        print(f"  one-row change with the counter moved: mean {statistics.mean(writes):.2f} ms; moved {moved}")
        store.dispose()


if __name__ == "__main__":
    size = int(sys.argv[1]) if len(sys.argv) > 1 else 50_000
    run(size, sys.argv[2] if len(sys.argv) > 2 else None)
