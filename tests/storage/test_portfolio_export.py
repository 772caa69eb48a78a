"""``export portfolio`` writes the layout ``import portfolio`` reads: a round trip keeps the store as it was."""

from __future__ import annotations

from datetime import UTC, datetime

import openpyxl
from typer.testing import CliRunner

from millplan import cli
from millplan.core.importing.portfolio import FIELDS, import_portfolio
from millplan.core.views.portfolio_book import export_portfolio
from millplan.storage.store import open_store
from tests.plants import PLAN_MONTH, build, deal, mill, position

MILLS = [mill("M1", ["20", "09Г2С"], 100, 1000), mill("M2", ["20"], 40, 2000)]
NORMS = {"M1": 10.0, "M2": 5.0}


def _plant(store):
    accepted = deal("D1", "Key Co")
    accepted["accepted_at"] = datetime(2026, 11, 3, tzinfo=UTC)
    build(
        store,
        mills=MILLS,
        norms=NORMS,
        customers={"Key Co": True, "Other Co": False},
        deals=[accepted, deal("D2", "Other Co", sales_manager="Петров П. П."), deal("D4", "Key Co", status="pending")],
        positions=[
            position("D1", 1, "20", 700.5, 50_000, tonnes_opening=120.25, manual_priority=1, note="срочно"),
            position("D1", 2, "09Г2С", 600, 80_000, length_m=None, pipe_type="", od_mm=219.1, wall_mm=8.18),
            position("D2", 1, "20", 100, 40_000, metal=31_250, requested_month=str(PLAN_MONTH + 1)),
            position("D4", 1, "20", 500, 90_000),
        ],
    )


def _state(store):
    """Everything an import sets: customers with their flag, deals, positions by reference."""
    with store.reading() as repo:
        deals = {
            d.number: (d.customer, d.is_key_account, d.sales_manager, d.status, d.accepted_at)
            for d in repo.plant.deals()
        }
        positions = {
            p.ref: (
                p.customer,
                p.product_line,
                p.pipe_type,
                p.od_mm,
                p.wall_mm,
                p.steel_grade,
                p.standard,
                p.length_m,
                p.tonnes_ordered,
                p.tonnes_produced,
                p.price,
                p.metal_cost,
                p.requested_month,
                p.manual_priority,
                p.note,
            )
            for p in repo.plant.positions()
        }
    return deals, positions


def test_an_exported_portfolio_imports_into_a_fresh_store_as_it_was(tmp_path):
    source = open_store(f"sqlite:///{tmp_path / 'a.sqlite'}")
    _plant(source)
    book = tmp_path / "portfolio.xlsx"
    assert export_portfolio(source, book) == 4
    sheet = openpyxl.load_workbook(book).active
    assert [c.value for c in sheet[3]] == [f.label for f in FIELDS]  # the import's own headers
    fresh = open_store(f"sqlite:///{tmp_path / 'b.sqlite'}")
    build(fresh, mills=MILLS, norms=NORMS, customers={}, deals=[], positions=[])
    import_portfolio(fresh, book, login="plm")
    assert _state(fresh) == _state(source)
    before = _state(fresh)
    again = tmp_path / "again.xlsx"
    export_portfolio(fresh, again)
    report = import_portfolio(fresh, again, login="plm")  # re-imported into the same store: nothing changes
    assert _state(fresh) == before
    assert not report.changes
    assert (
        all(c.created == c.updated == 0 for c in report.counts.values()) and report.counts["positions"].unchanged == 4
    )
    source.dispose()
    fresh.dispose()


def test_export_portfolio_command_names_the_file(tmp_path):
    url = f"sqlite:///{tmp_path / 'a.sqlite'}"
    store = open_store(url)
    _plant(store)
    store.dispose()
    book = tmp_path / "out.xlsx"
    result = CliRunner().invoke(cli.app, ["--db", url, "export", "portfolio", str(book)])
    assert result.exit_code == 0, result.stderr
    assert f"4 positions written to {book}" in result.stderr
    sheet = openpyxl.load_workbook(book).active
    rows = {r[0].value + "#" + str(r[6].value): r for r in sheet.iter_rows(min_row=3)}
    assert rows["D1#1"][5].is_date and rows["D1#1"][5].value == datetime(2026, 11, 3)
    assert rows["D1#1"][14].value == 700.5 and rows["D1#1"][14].number_format == "#,##0.000"
