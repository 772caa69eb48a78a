"""The plant's own files import whole: counts and sums equal what the sheets hold.

Expected values are read from the sheets here with plain openpyxl, never from the
importer.
"""

from __future__ import annotations

import openpyxl
import pytest

from millplan.core.importing.mills import import_mills
from millplan.core.importing.portfolio import import_portfolio


def test_mill_register_imports_every_mill_month_and_norm(import_store, shared_mills, xl):
    register, calendar = xl.read_register(shared_mills), xl.read_calendar(shared_mills)

    report = import_mills(import_store, shared_mills, login="planner")

    xl.assert_plant_equals_register(import_store, shared_mills)
    _, stored_calendar, _ = xl.stored_plant(import_store)
    assert sum(stored_calendar.values()) == pytest.approx(sum(calendar.values()))
    assert report.counts["mills"].created == len(register)
    assert report.counts["capacity"].created == len(calendar)
    assert report.counts["norms"].created == len(xl.read_norms(shared_mills))
    assert report.rejected == [] and report.rejects_file is None


def test_portfolio_imports_every_row_and_every_tonne(plant_store, shared_portfolio, xl):
    ws = openpyxl.load_workbook(shared_portfolio).active
    header_row, col = xl.portfolio_header(ws)
    rows = xl.portfolio_data_rows(ws)
    assert ws.cell(ws.max_row, 1).value == "Итого"  # the file does end in a totals row
    tonnes = sum(ws.cell(r, col["Количество, т"]).value for r in rows)
    produced = sum(ws.cell(r, col["Произведено, т"]).value or 0 for r in rows)
    deals = {ws.cell(r, col["№ сделки"]).value for r in rows}
    customers = {ws.cell(r, col["Клиент"]).value for r in rows}

    report = import_portfolio(plant_store, shared_portfolio, login="planner")

    with plant_store.unit_of_work() as repo:
        positions, stored_deals = repo.plant.positions(), repo.plant.deals()
    assert len(positions) == len(rows)
    assert sum(p.tonnes_ordered for p in positions) == pytest.approx(tonnes)
    assert sum(p.tonnes_produced for p in positions) == pytest.approx(produced)
    assert {d.number for d in stored_deals} == deals
    assert {d.customer for d in stored_deals} == customers
    assert report.rows_read == len(rows)
    assert report.counts["positions"].created == len(rows)
    assert report.tables["portfolio"] == f"sheet '{ws.title}', header row {header_row}"


def test_portfolio_values_equal_the_sheet_position_by_position(plant_store, shared_portfolio, sheet_positions, xl):
    import_portfolio(plant_store, shared_portfolio, login="planner")

    stored = xl.stored_positions(plant_store)
    assert stored.keys() == sheet_positions.keys()
    for key, expected in sheet_positions.items():
        assert stored[key] == expected, key


def test_acceptance_date_and_status_come_from_the_sheet(plant_store, shared_portfolio, xl):
    ws = openpyxl.load_workbook(shared_portfolio).active
    _, col = xl.portfolio_header(ws)
    accepted = {
        ws.cell(r, col["№ сделки"]).value: ws.cell(r, col["Дата акцепта"]).value
        for r in xl.portfolio_data_rows(ws)
        if ws.cell(r, col["Статус сделки"]).value == "Акцептована"
    }

    import_portfolio(plant_store, shared_portfolio, login="planner")

    with plant_store.unit_of_work() as repo:
        deals = {d.number: d for d in repo.plant.deals()}
    assert {n for n, d in deals.items() if d.status.value == "accepted"} == set(accepted)
    for number, day in accepted.items():
        assert deals[number].accepted_at.date() == day.date(), number


def test_importing_the_same_files_again_changes_nothing(
    plant_store, shared_mills, shared_portfolio, sheet_positions, xl
):
    import_portfolio(plant_store, shared_portfolio, login="planner")
    before = xl.store_counts(plant_store)

    mills_again = import_mills(plant_store, shared_mills, login="planner")
    portfolio_again = import_portfolio(plant_store, shared_portfolio, login="planner")

    after = xl.store_counts(plant_store)
    assert after["positions"] == before["positions"] == len(sheet_positions)
    assert {k: v for k, v in after.items() if k != "audit"} == {k: v for k, v in before.items() if k != "audit"}
    assert after["audit"] == before["audit"] + 2  # one "imported" entry per file, nothing "updated"
    assert (mills_again.counts["mills"].created, mills_again.counts["mills"].updated) == (0, 0)
    assert (mills_again.counts["capacity"].created, mills_again.counts["capacity"].updated) == (0, 0)
    counts = portfolio_again.counts["positions"]
    assert (counts.created, counts.updated, counts.unchanged) == (0, 0, len(sheet_positions))
