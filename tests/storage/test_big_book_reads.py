"""The big book's fast reads give what the plain definitions give, on a built plant (the
benchmark's book, small: 1 500 positions, seven months approved, some of the current month
made, a few positions cancelled or closed): the load monitor's figures are the ones read
before the reads were made faster, positions and assignment lines are those the tables
hold, each position's compatible mills those the rules name, in their order.

``big_book_load.json`` is ``millplan --today 2026-11-30 load --json`` on :func:`built_book`
as the load monitor read it before (i10-perf2's base). Regenerate it only for a change of the
load rules or the demo plant, never for a change of speed:
``.venv/bin/python -m tests.storage.test_big_book_reads FILE``.
"""

from __future__ import annotations

import gc
import json
import sys
import threading
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from sqlmodel import select
from typer.testing import CliRunner

from benchmarks.big_book import build
from millplan import cli
from millplan.core.domain.actuals import ActualRecord
from millplan.core.domain.assignment import AssignmentLine
from millplan.core.domain.months import Month
from millplan.core.domain.portfolio import DealStatus, Position
from millplan.core.domain.stale import Disposition
from millplan.core.planning.attributes import describe, incompatibility, mill_option
from millplan.core.planning.open_book import MANY_NEW_OBJECTS, collector_paused
from millplan.storage.store import Store, open_store
from millplan.storage.tables import AssignmentLineRow, CustomerRow, DealRow, MillRow, PositionRow

GOLDEN = Path(__file__).with_name("big_book_load.json")
TODAY = date(2026, 11, 30)


def built_book(path: Path) -> Store:
    """The benchmark's book, small, at ``path``; of the current month's first approved
    revision, the first 40 lines half made on the 15th on their mill; six positions'
    remainders cancelled, three closed as complete."""
    build(path, 1_500, 6)
    store = open_store(f"sqlite:///{path}")
    with store.reading() as repo:
        current = repo.assignments.assignments_in_force([Month.of(TODAY)])[0]
        open_book = repo.plant.positions(deal_status=DealStatus.ACCEPTED, open_only=True)
    made = [ActualRecord(date(2026, 11, 15), l.mill_code, l.position_id, l.tonnes / 2) for l in current.lines[:40]]
    with store.unit_of_work() as repo:
        repo.actuals.replace(made, "bench", "test")
        for p in open_book[100:106]:
            cancelled = {"tonnes_cancelled": p.remaining_tonnes}
            repo.dispositions.apply(p.id, Disposition.CANCEL, cancelled, "bench", "test")
        for p in open_book[200:203]:
            repo.dispositions.apply(
                p.id, Disposition.CLOSE, {"completed_at": datetime(2026, 11, 20, tzinfo=UTC)}, "bench", "test"
            )
    return store


@pytest.fixture(scope="module")
def book(tmp_path_factory) -> Store:
    store = built_book(tmp_path_factory.mktemp("big") / "book.sqlite")
    yield store
    store.dispose()


def load_json(store: Store) -> str:
    result = CliRunner().invoke(cli.app, ["--db", str(store.url), "--today", str(TODAY), "load", "--json"])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_the_load_monitor_shows_the_figures_it_showed_before(book):
    assert json.loads(load_json(book)) == json.loads(GOLDEN.read_text(encoding="utf-8"))


def test_positions_are_read_as_the_tables_hold_them(book):
    with (
        book.unit_of_work() as repo
    ):  # every field its own value somewhere, so a swapped pick shows (none a load figure)
        row = repo.session.get(PositionRow, 7)
        row.note, row.manual_priority, row.length_m, row.tonnes_opening = "a note", 2, 11.5, 3.25
    with book.reading() as repo:
        fast = repo.plant.positions()
        rows = repo.session.exec(
            select(PositionRow, DealRow, CustomerRow)
            .join(DealRow, PositionRow.deal_id == DealRow.id)
            .join(CustomerRow, DealRow.customer_id == CustomerRow.id)
            .order_by(DealRow.number, PositionRow.position_no)
        ).all()
        plain = [
            Position(
                id=p.id,
                deal_number=d.number,
                position_no=p.position_no,
                customer=c.name,
                is_key_account=c.is_key_account,
                sales_manager=d.sales_manager,
                deal_status=DealStatus(d.status),
                product_line=p.product_line,
                pipe_type=p.pipe_type,
                od_mm=p.od_mm,
                wall_mm=p.wall_mm,
                steel_grade=p.steel_grade,
                standard=p.standard,
                length_m=p.length_m,
                tonnes_ordered=p.tonnes_ordered,
                tonnes_produced=p.tonnes_produced,
                price=Decimal(p.price),
                metal_cost=Decimal(p.metal_cost),
                requested_month=Month.parse(p.requested_month),
                manual_priority=p.manual_priority,
                note=p.note,
                tonnes_opening=p.tonnes_opening,
                tonnes_cancelled=p.tonnes_cancelled,
                completed=p.completed_at is not None,
            )
            for p, d, c in rows
        ]
    assert len(fast) == 1_500 and fast == plain
    assert sum(p.completed for p in fast) == 3 and any(p.note == "a note" for p in fast)


def test_assignment_lines_are_read_as_the_tables_hold_them(book):
    with book.unit_of_work() as repo:
        row = repo.session.exec(select(AssignmentLineRow).limit(1)).one()
        row.locked, row.tonnes_made = True, 1.5
    with book.reading() as repo:
        revisions = repo.assignments.assignments_in_force((Month.of(TODAY) - 6).range(7))
        for revision in revisions:
            rows = repo.session.exec(
                select(AssignmentLineRow, PositionRow, DealRow, CustomerRow, MillRow)
                .join(PositionRow, AssignmentLineRow.position_id == PositionRow.id)
                .join(DealRow, PositionRow.deal_id == DealRow.id)
                .join(CustomerRow, DealRow.customer_id == CustomerRow.id)
                .join(MillRow, AssignmentLineRow.mill_id == MillRow.id)
                .where(AssignmentLineRow.assignment_id == revision.id)
            ).all()
            plain = {
                AssignmentLine(
                    position_id=l.position_id,
                    position_ref=f"{d.number}#{p.position_no}",
                    mill_code=m.code,
                    tonnes=l.tonnes,
                    hours=l.hours,
                    marginal_income=Decimal(l.marginal_income),
                    locked=l.locked,
                    is_key_account=c.is_key_account,
                    tonnes_made=l.tonnes_made,
                )
                for l, p, d, c, m in rows
            }
            assert len(revision.lines) == len(plain) > 0 and set(revision.lines) == plain
    assert sum(l.locked for r in revisions for l in r.lines) == 1


def test_each_position_has_the_mills_the_rules_name_in_their_order(book):
    with book.reading() as repo:
        plant, positions = repo.plant.whole(), repo.plant.positions()
    described = describe(plant, positions)

    def by_definition(position: Position) -> tuple:
        made = [mill_option(plant, m, position) for m in plant.mills if incompatibility(position, m) is None]
        able = [o for o in made if o.tonnes_per_hour > 0]
        return tuple(sorted(able, key=lambda o: (-o.margin_per_hour, o.hours_per_tonne, o.mill.code)))

    assert [a.options for a in described] == [by_definition(p) for p in positions]
    assert sum(len(a.options) > 1 for a in described) > 200  # the order is put to the test


def test_the_collector_is_held_off_until_the_last_reader_ends_then_collects():
    assert gc.isenabled()
    inside, other_started, other_may_end = [], threading.Event(), threading.Event()

    def other_reader() -> None:
        with collector_paused():
            other_started.set()
            other_may_end.wait(5)

    thread = threading.Thread(target=other_reader)
    with collector_paused():
        inside.append(gc.isenabled())
        thread.start()
        other_started.wait(5)
    inside.append(gc.isenabled())  # the other reader still reads
    other_may_end.set()
    thread.join(5)
    assert inside == [False, False] and gc.isenabled()
    full = gc.get_stats()[2]["collections"]
    with collector_paused():  # a big read: the whole heap collected once at its end, not at the next key press
        kept = [[] for _ in range(MANY_NEW_OBJECTS + 1_000)]
    assert gc.get_stats()[2]["collections"] == full + 1 and len(kept) > MANY_NEW_OBJECTS
    with collector_paused():  # a small one: left to the collector's own pace
        kept = [[] for _ in range(100)]
    assert gc.get_stats()[2]["collections"] == full + 1
    gc.disable()  # held off by someone else before: left so
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


if __name__ == "__main__":  # the golden figures: run on the code whose figures they are
    held = built_book(Path(sys.argv[1]).with_suffix(".sqlite"))
    Path(sys.argv[1]).write_text(load_json(held), encoding="utf-8")
    held.dispose()
