"""Plan a synthetic plant over 1, 3 and 12 months, and promise a waiting deal; print times.

    .venv/bin/python benchmarks/promise_bench.py          # 5 000 positions
    .venv/bin/python benchmarks/promise_bench.py 20000

One SQLite file per run: write the plant's Excel files (core.demo.generate), import them,
then plan next month with each horizon (the month's draft re-planned each time) and
work out capable-to-promise for the largest deal waiting for acceptance.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.plan_bench import mills_for  # noqa: E402
from millplan.core.demo import generate  # noqa: E402
from millplan.core.domain.months import Month  # noqa: E402
from millplan.core.importing.mills import import_mills  # noqa: E402
from millplan.core.importing.portfolio import import_portfolio  # noqa: E402
from millplan.core.planning import promise
from millplan.core.planning import run as planning
from millplan.core.workflow import deals  # noqa: E402
from millplan.storage.store import open_store  # noqa: E402


def main(argv: list[str]) -> None:
    positions = int(argv[0]) if argv else 5_000
    today = date(2026, 11, 30)
    month = Month.of(today) + 1
    with tempfile.TemporaryDirectory() as folder:
        files = generate(Path(folder), positions, mills=mills_for(positions), today=today)
        store = open_store(f"sqlite:///{folder}/bench.sqlite")
        import_mills(store, files.mills, login="bench")
        import_portfolio(store, files.portfolio, login="bench")
        for horizon in (1, 3, 12):
            started = time.perf_counter()
            outcomes = planning.plan(store, month, login="bench", options={"horizon": horizon})
            print(
                json.dumps(
                    {
                        "positions": positions,
                        "horizon": horizon,
                        "plan_s": round(time.perf_counter() - started, 2),
                        "solver_s": round(sum(o.seconds for o in outcomes), 2),
                        "status": sorted({o.solver_status for o in outcomes}),
                        "lines": sum(len(o.assignment.lines) for o in outcomes),
                        "forecast_lines": sum(len(o.assignment.forecast) for o in outcomes),
                    }
                ),
                flush=True,
            )
        waiting = max(deals.summaries(store), key=lambda s: s.tonnes, default=None)
        if waiting is not None:
            started = time.perf_counter()
            answer = promise.promise_deal(store, waiting.deal.number, month=month, horizon=6)
            print(
                json.dumps(
                    {
                        "promise": waiting.deal.number,
                        "tonnes": answer.tonnes,
                        "earliest": str(answer.earliest),
                        "displaced": len(answer.displaced),
                        "promise_s": round(time.perf_counter() - started, 2),
                    }
                ),
                flush=True,
            )
        store.dispose()


if __name__ == "__main__":
    main(sys.argv[1:])
