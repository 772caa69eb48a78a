"""A synthetic plant whose next month is lean, shared by the workflow benchmarks.

Next month's hours are cut to :data:`HOURS_SHARE` of the calendar's, so key accounts fall
short and the month's plan opens conflicts.
"""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.plan_bench import mills_for  # noqa: E402
from millplan.core.demo import generate  # noqa: E402
from millplan.core.domain.months import Month  # noqa: E402
from millplan.core.importing.mills import import_mills  # noqa: E402
from millplan.core.importing.portfolio import import_portfolio  # noqa: E402
from millplan.storage.store import Store, open_store  # noqa: E402

TODAY = date(2026, 11, 30)
HOURS_SHARE = 0.4
"""Next month's hours are cut to this share of the calendar's, so key accounts fall short."""


@contextmanager
def lean_plant(positions: int) -> Iterator[tuple[Store, Month]]:
    """An open store (no users) in a temporary SQLite file holding a plant of ``positions``
    positions with next month's hours cut, and that month; nothing planned yet."""
    with tempfile.TemporaryDirectory() as folder:
        files = generate(Path(folder), positions, mills=mills_for(positions), today=TODAY)
        store = open_store(f"sqlite:///{folder}/bench.sqlite")
        import_mills(store, files.mills, login="bench")
        import_portfolio(store, files.portfolio, login="bench")
        month = Month.of(TODAY) + 1
        with store.unit_of_work() as repo:
            plant = repo.plant.whole()
            repo.plant.upsert_capacity(
                [(m.code, month, plant.hours(m, month) * HOURS_SHARE) for m in plant.mills], "bench", "bench"
            )
        try:
            yield store, month
        finally:
            store.dispose()
