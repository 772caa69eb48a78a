"""A big book for the workstation benchmark: 50 000 positions and five years of approved
assignments, built once into a SQLite file and reused.

    .venv/bin/python benchmarks/big_book.py /tmp/big.sqlite            # 50 000 positions, 60 months
    .venv/bin/python benchmarks/big_book.py /tmp/big.sqlite 5000 12    # smaller

The plant comes from :func:`millplan.core.demo.generate` through the real importers. The
five years behind it are written straight through the repository (no solver: sixty months
of every line would take hours): for each of the sixty months before :data:`TODAY`'s, and
that month itself, each product line gets one approved revision whose lines are a draw of
the line's positions as large as a month's share of the book (1 / ``BOOK_MONTHS``), each on
one of the line's mills, all its remaining tonnes. Next month stays unplanned.
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.plan_bench import mills_for  # noqa: E402
from millplan.core.demo import BOOK_MONTHS, generate  # noqa: E402
from millplan.core.domain.assignment import AssignmentLine  # noqa: E402
from millplan.core.domain.months import Month  # noqa: E402
from millplan.core.importing.mills import import_mills  # noqa: E402
from millplan.core.importing.portfolio import import_portfolio  # noqa: E402
from millplan.storage.store import open_store  # noqa: E402

TODAY = date(2026, 11, 30)
POSITIONS = 50_000
MONTHS = 60
LOGIN = "bench"


def build(path: Path, positions: int = POSITIONS, months: int = MONTHS, *, seed: int = 11) -> None:
    """Write the big book into a new SQLite file ``path`` (an existing file is refused)."""
    if path.exists():
        raise SystemExit(f"{path} exists: the benchmark reuses it as it is")
    rng = random.Random(seed)
    started = time.perf_counter()
    store = open_store(f"sqlite:///{path}")
    with tempfile.TemporaryDirectory() as folder:
        files = generate(Path(folder), positions, mills=mills_for(positions), today=TODAY)
        print(f"workbooks written {time.perf_counter() - started:.0f} s", file=sys.stderr)
        import_mills(store, files.mills, login=LOGIN)
        import_portfolio(store, files.portfolio, login=LOGIN)
    print(f"imported {time.perf_counter() - started:.0f} s", file=sys.stderr)
    with store.reading() as repo:
        plant = repo.plant.whole()
        book = repo.plant.positions()
    by_line: dict[str, list] = {}
    for p in book:
        by_line.setdefault(p.product_line, []).append(p)
    mills = {line: [m for m in plant.mills if m.product_line == line] for line in by_line}
    current = Month.of(TODAY)
    for month in (current - months + i for i in range(months + 1)):
        with store.unit_of_work() as repo:
            for line, line_positions in sorted(by_line.items()):
                drawn = rng.sample(line_positions, max(1, round(len(line_positions) / BOOK_MONTHS)))
                lines = []
                for p in drawn:
                    tonnes = max(p.tonnes_ordered - p.tonnes_produced, 1.0)
                    lines.append(
                        AssignmentLine(
                            position_id=p.id,
                            position_ref=p.ref,
                            mill_code=rng.choice(mills[line]).code,
                            tonnes=tonnes,
                            hours=tonnes / rng.uniform(20, 80),
                            marginal_income=(p.price - p.metal_cost) * Decimal(str(round(tonnes, 3))),
                            is_key_account=p.is_key_account,
                        )
                    )
                draft = repo.assignments.save_draft(
                    month, line, lines, (), login=LOGIN, solver_status="Optimal", solver_name="bench", solve_seconds=0
                )
                repo.assignments.approve(repo.assignments.submit(draft, LOGIN), LOGIN, "bench: history")
        print(f"{month} approved {time.perf_counter() - started:.0f} s", file=sys.stderr)
    store.dispose()


if __name__ == "__main__":
    args = sys.argv[1:]
    if not args:
        raise SystemExit(__doc__)
    build(Path(args[0]), *(int(a) for a in args[1:3]))
