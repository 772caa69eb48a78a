"""Format table cells as people read them; print microseconds per cell in English and Russian,
against Babel's ``format_decimal`` for the same Russian text (why numbers.py formats with
Python and one ``str.translate``), and a 50 000-row, 6-number table's worth in seconds.

    .venv/bin/python benchmarks/number_format_bench.py            # 300 000 cells
    .venv/bin/python benchmarks/number_format_bench.py 1000000    # cells
"""

from __future__ import annotations

import random
import sys
import time
from datetime import date

from babel.numbers import format_decimal

from millplan.core.domain import i18n
from millplan.core.domain.months import Month
from millplan.core.views.tables import Column, cell_text

TONNES = Column("tonnes", "Tonnes", "t", numeric=True, places=1)
MONTH = Column("month", "Month")


def per_cell(label: str, values: list, call) -> float:  # noqa: ANN001 - any formatting function
    start = time.perf_counter()
    for value in values:
        call(value)
    seconds = time.perf_counter() - start
    print(f"{label:<42} {seconds / len(values) * 1e6:6.2f} µs a cell")
    return seconds / len(values)


def main(cells: int) -> None:
    rng = random.Random(10)
    numbers = [rng.uniform(-1e6, 1e7) for _ in range(cells)]
    months = [Month(2026, 1) + rng.randrange(60) for _ in range(cells)]
    days = [date(2026, 1, 1).fromordinal(date(2026, 1, 1).toordinal() + rng.randrange(1800)) for _ in range(cells)]
    print(f"{cells} cells of each kind")
    i18n.use("en")
    per_cell("number, English (cell_text)", numbers, lambda v: cell_text(v, TONNES))
    i18n.use("ru")
    russian = per_cell("number, Russian (cell_text)", numbers, lambda v: cell_text(v, TONNES))
    babel = per_cell(
        "number, Russian (Babel format_decimal)", numbers, lambda v: format_decimal(v, "#,##0.0", locale="ru")
    )
    per_cell("month, Russian (cell_text)", months, lambda v: cell_text(v, MONTH))
    per_cell("date, Russian (cell_text)", days, lambda v: cell_text(v, MONTH))
    i18n.use("en")
    print(f"Babel / cell_text for Russian numbers: {babel / russian:.1f}x")
    print(f"a 50 000-row table of 6 numbers in Russian: {russian * 300_000:.2f} s")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 300_000)
