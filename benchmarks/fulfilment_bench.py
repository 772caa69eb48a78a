"""Speed of plan against actual on a month of a big plant.

    nice .venv/bin/python benchmarks/fulfilment_bench.py            # 20 000 positions, 30 mills (target: < 5 s)
    .venv/bin/python benchmarks/fulfilment_bench.py --positions 2000  # a smoke run

The plant comes from the demo generator (seeded) through the importers. The month's
approved assignment is written straight through the repository, not solved: every
accepted position's remaining tonnes on its best compatible mill, one revision per
product line, submitted and approved. The actuals are written straight through
``repo.actuals.replace``: every planned position made on 1–4 days of the 31, at 60–115 % of
its plan, one in ten on another mill of its line than planned — about 43 000 rows on
30 mills. Measured: ``month_fulfilment`` of the whole month (every line), and of it the
``--json`` document as well; wall clock, best of three.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.plan_bench import mills_for
from millplan.core.demo import generate
from millplan.core.domain.actuals import ActualRecord
from millplan.core.domain.assignment import AssignmentLine
from millplan.core.domain.months import Month, today_set
from millplan.core.domain.portfolio import DealStatus
from millplan.core.importing.mills import import_mills
from millplan.core.importing.portfolio import import_portfolio
from millplan.core.planning.attributes import describe
from millplan.core.planning.fulfilment import month_fulfilment
from millplan.core.views.actuals import fulfilment_document
from millplan.storage.store import Store, open_store

MONTH = Month(2027, 1)
TODAY = date(2027, 2, 3)
"""The plant's date while measuring: January is over (and not closed)."""

TARGET_SECONDS = 5.0


def approve_month(store: Store) -> int:
    """Every accepted position's remaining tonnes on its best mill, approved per line; lines written."""
    with store.reading() as repo:
        plant = repo.plant.whole()
        positions = repo.plant.positions(deal_status=DealStatus.ACCEPTED, open_only=True)
    by_line: dict[str, list[AssignmentLine]] = {}
    for attrs in describe(plant, positions):
        best, p = attrs.best, attrs.position
        if best is None or p.remaining_tonnes <= 0:
            continue
        tonnes = round(p.remaining_tonnes, 3)
        by_line.setdefault(p.product_line, []).append(
            AssignmentLine(
                p.id,
                p.ref,
                best.mill.code,
                tonnes,
                tonnes * best.hours_per_tonne,
                (Decimal(repr(tonnes)) * best.unit_margin).quantize(Decimal("0.01")),
                is_key_account=p.is_key_account,
            )
        )
    with store.unit_of_work() as repo:
        for line, lines in by_line.items():
            draft = repo.assignments.save_draft(
                MONTH, line, lines, [], login="bench", solver_status="optimal", solver_name="bench", solve_seconds=0.0
            )
            repo.assignments.approve(repo.assignments.submit(draft, "bench"), "bench")
    return sum(len(lines) for lines in by_line.values())


def make_actuals(store: Store, rng: random.Random) -> int:
    """Actuals of the month for every approved line (see the module's docstring); rows written."""
    with store.reading() as repo:
        plant = repo.plant.whole()
        approved = repo.assignments.approved_in_force(MONTH)
    mills_of = {line: [m.code for m in plant.mills if m.product_line == line] for line in plant.product_lines}
    records = []
    for revision in approved:
        for line in revision.lines:
            made = line.tonnes * rng.uniform(0.6, 1.15)
            days = rng.sample(range(1, MONTH.days + 1), rng.randint(1, 4))
            mill = line.mill_code if rng.random() > 0.1 else rng.choice(mills_of[revision.product_line])
            for day in days:
                records.append(
                    ActualRecord(date(MONTH.year, MONTH.month, day), mill, line.position_id, made / len(days))
                )
    with store.unit_of_work() as repo:
        repo.actuals.replace(records, "bench", "bench")
    return len(records)


def best_of(runs: int, call) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(runs):
        started = time.perf_counter()
        result = call()
        best = min(best, time.perf_counter() - started)
    return best, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--positions", type=int, default=20_000)
    args = parser.parse_args()
    rng = random.Random(11)
    with tempfile.TemporaryDirectory() as folder, today_set(TODAY):
        started = time.perf_counter()
        files = generate(Path(folder), args.positions, mills=mills_for(args.positions), today=MONTH.first_day)
        store = open_store(f"sqlite:///{folder}/bench.sqlite")
        import_mills(store, files.mills, login="bench")
        import_portfolio(store, files.portfolio, login="bench")
        planned = approve_month(store)
        rows = make_actuals(store, rng)
        print(
            f"plant: {args.positions} positions, {files.mill_count} mills; approved lines {planned}; "
            f"actual rows {rows} (set up in {time.perf_counter() - started:.1f} s)"
        )
        seconds, report = best_of(3, lambda: month_fulfilment(store, MONTH))
        with_json, _document = best_of(3, lambda: fulfilment_document(month_fulfilment(store, MONTH)))
        totals = report.totals
        print(
            f"plan vs actual {MONTH}: {len(report.lines)} lines, "
            f"{sum(len(l.mills) for l in report.lines)} mills, {sum(len(l.positions) for l in report.lines)} positions; "
            f"planned {totals.planned_t:,.0f} t, actual {totals.actual_t:,.0f} t, "
            f"fulfilment {totals.fulfilment_pct:.1f} %"
        )
        print(
            f"month_fulfilment: {seconds:.2f} s; with the --json document: {with_json:.2f} s (target < {TARGET_SECONDS:.0f} s)"
        )
        store.dispose()


if __name__ == "__main__":
    main()
