"""The stale-deal ledger on a big book; print times.

    nice .venv/bin/python benchmarks/stale_bench.py            # 50 000 positions (target: under 5 s)
    .venv/bin/python benchmarks/stale_bench.py 5000            # one size

A synthetic plant (:func:`millplan.core.demo.generate`) is imported into a new SQLite file,
its deals accepted by the file, a tenth of its positions given an actual a month later;
the ledger is then read as of five months after the book's
date, so most positions are overdue or were never planned. Figures: the whole ledger
(every position read, each mill option, each booking), the ledger filtered to one reason,
a batch cancel of 500 positions (one transaction, audited, sales managers told) and the
ledger again. Times are wall-clock and CPU seconds.
"""

from __future__ import annotations

import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from millplan.core.demo import generate  # noqa: E402
from millplan.core.domain.actuals import ActualRecord  # noqa: E402
from millplan.core.domain.months import today_set  # noqa: E402
from millplan.core.domain.stale import StaleReason  # noqa: E402
from millplan.core.importing.mills import import_mills  # noqa: E402
from millplan.core.importing.portfolio import import_portfolio  # noqa: E402
from millplan.core.workflow import stale, stale_actions  # noqa: E402
from millplan.storage.store import open_store  # noqa: E402

TODAY = date(2026, 11, 30)
LATER = TODAY + timedelta(days=150)
SIZES = (50_000,)
TARGET_SECONDS = 5.0


def timed(call):
    started, cpu = time.perf_counter(), time.process_time()
    result = call()
    return result, time.perf_counter() - started, time.process_time() - cpu


def _produce(store, count: int) -> None:
    """An actual of 1 t, a month after the book's date, for ``count`` positions (they are
    idle five months later), on a mill of each one's line."""
    with store.unit_of_work() as repo:
        mills = {m.product_line: m.code for m in repo.plant.whole().mills}
        chosen = repo.plant.positions(open_only=True)[:count]
        day = TODAY + timedelta(days=30)
        repo.actuals.replace(
            [ActualRecord(day, mills[p.product_line], p.id, 1.0) for p in chosen], "bench", "stale_bench"
        )


def run(positions: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        files = generate(Path(folder), positions, today=TODAY)
        store = open_store(f"sqlite:///{folder}/bench.sqlite")
        import_mills(store, files.mills, login="bench")
        _, import_s, _ = timed(lambda: import_portfolio(store, files.portfolio, login="bench"))
        print(f"{positions} positions, {files.mill_count} mills: portfolio imported in {import_s:.1f} s")
        _produce(store, positions // 10)
        with today_set(LATER):
            ledger, wall, cpu = timed(lambda: stale.ledger(store))
            verdict = "ok" if wall < TARGET_SECONDS else "OVER TARGET"
            print(f"  ledger: {len(ledger.rows)} stale positions in {wall:.2f} s (cpu {cpu:.2f} s) — {verdict}")
            counts = {r.value: sum(r in row.reasons for row in ledger.rows) for r in StaleReason}
            print(f"  by reason: {counts}")
            one, wall, cpu = timed(lambda: stale.ledger(store, reasons=[StaleReason.NO_MILL]))
            print(f"  ledger, no_mill only: {len(one.rows)} in {wall:.2f} s (cpu {cpu:.2f} s)")
            refs = [row.position.ref for row in ledger.rows[:500]]
            done, wall, cpu = timed(lambda: stale_actions.cancel(store, refs, login="bench", reason="benchmark"))
            print(f"  cancel {len(done.positions)} positions: {wall:.2f} s (cpu {cpu:.2f} s), {len(done.told)} told")
            again, wall, cpu = timed(lambda: stale.ledger(store))
            print(f"  ledger after the cancel: {len(again.rows)} in {wall:.2f} s (cpu {cpu:.2f} s)")
        store.dispose()


if __name__ == "__main__":
    for size in [int(a) for a in sys.argv[1:]] or SIZES:
        run(size)
