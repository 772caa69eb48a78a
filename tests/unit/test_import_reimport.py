"""Re-importing updates in place: deal number + position number identify a position, and
every change is audited with its before and after values."""

from __future__ import annotations

from decimal import Decimal

import openpyxl
import pytest

from millplan.core.importing.mills import import_mills
from millplan.core.importing.portfolio import import_portfolio


@pytest.fixture
def imported(plant_store, shared_portfolio):
    import_portfolio(plant_store, shared_portfolio, login="first")
    return plant_store


def _keys(sheet_positions, count):
    """The first ``count`` positions of different deals, in sheet order."""
    chosen, deals = [], set()
    for deal, position in sheet_positions:
        if deal not in deals:
            chosen.append((deal, position))
            deals.add(deal)
        if len(chosen) == count:
            return chosen
    raise AssertionError("not enough deals")


def test_changed_values_update_their_positions_and_are_audited(imported, portfolio_copy, sheet_positions, xl):
    (deal_a, pos_a), (deal_b, pos_b) = _keys(sheet_positions, 2)
    old_a, old_b = sheet_positions[deal_a, pos_a], sheet_positions[deal_b, pos_b]
    new_tonnes = old_a.tonnes_ordered + 55
    new_price = old_b.price + 1000
    new_month = "2027-05" if old_b.requested_month != "2027-05" else "2027-06"
    year, month = map(int, new_month.split("-"))
    path = portfolio_copy(
        {
            (deal_a, pos_a, "Количество, т"): new_tonnes,
            (deal_b, pos_b, "Цена, руб/т"): float(new_price),
            (deal_b, pos_b, "Месяц поставки"): f"{month:02d}.{year}",
        }
    )
    audit_before = xl.store_counts(imported)["audit"]

    report = import_portfolio(imported, path, login="second")

    stored = xl.stored_positions(imported)
    assert len(stored) == len(sheet_positions)  # updated, not duplicated
    assert stored[deal_a, pos_a].tonnes_ordered == new_tonnes
    assert stored[deal_b, pos_b].price == new_price
    assert stored[deal_b, pos_b].requested_month == new_month
    unchanged = {k: v for k, v in stored.items() if k not in {(deal_a, pos_a), (deal_b, pos_b)}}
    assert unchanged == {k: v for k, v in sheet_positions.items() if k in unchanged}
    counts = report.counts["positions"]
    assert (counts.created, counts.updated, counts.unchanged) == (0, 2, len(sheet_positions) - 2)

    with imported.unit_of_work() as repo:
        [entry_a] = [e for e in repo.audit.audit_entries(f"{deal_a}#{pos_a}") if e.login == "second"]
        [entry_b] = [e for e in repo.audit.audit_entries(f"{deal_b}#{pos_b}") if e.login == "second"]
    assert (entry_a.action, entry_a.object_type) == ("updated", "position")
    assert entry_a.before == {"tonnes_ordered": old_a.tonnes_ordered}
    assert entry_a.after == {"tonnes_ordered": new_tonnes}
    assert path.name in entry_a.reason
    assert Decimal(entry_b.before["price"]) == old_b.price and Decimal(entry_b.after["price"]) == new_price
    assert (entry_b.before["requested_month"], entry_b.after["requested_month"]) == (old_b.requested_month, new_month)
    # Two position updates and the "imported" record of the file; nothing else changed.
    assert xl.store_counts(imported)["audit"] == audit_before + 3


def test_rows_in_another_order_still_match_their_positions(imported, shared_portfolio, sheet_positions, tmp_path, xl):
    wb = openpyxl.load_workbook(shared_portfolio)
    ws = wb.active
    rows = xl.portfolio_data_rows(ws)
    values = [[c.value for c in ws[r]] for r in rows]
    for r, row in zip(rows, reversed(values)):
        for column, value in enumerate(row, start=1):
            ws.cell(r, column).value = value
    path = tmp_path / "reversed.xlsx"
    wb.save(path)

    report = import_portfolio(imported, path, login="second")

    assert xl.stored_positions(imported) == sheet_positions
    assert report.counts["positions"].unchanged == len(sheet_positions)


def test_a_changed_deal_column_updates_the_deal(imported, shared_portfolio, sheet_positions, tmp_path, xl):
    deal = next(iter(sheet_positions))[0]
    edits = {(d, p, "Менеджер"): "Новиков А. П." for d, p in sheet_positions if d == deal}
    path = xl.edit_portfolio(shared_portfolio, tmp_path / "manager.xlsx", edits)

    report = import_portfolio(imported, path, login="second")

    with imported.unit_of_work() as repo:
        stored = repo.plant.deal(deal)
        [entry] = [e for e in repo.audit.audit_entries(deal) if e.action == "updated"]
    assert stored.sales_manager == "Новиков А. П."
    assert entry.before == {"sales_manager": sheet_positions[next(iter(edits))[:2]].sales_manager}
    assert entry.after == {"sales_manager": "Новиков А. П."}
    assert (report.counts["deals"].updated, report.counts["positions"].updated) == (1, 0)


def test_changed_capacity_updates_that_month_and_is_audited(import_store, shared_mills, tmp_path, xl):
    import_mills(import_store, shared_mills, login="first")
    calendar = xl.read_calendar(shared_mills)
    wb = openpyxl.load_workbook(shared_mills)
    ws = wb["Фонд времени"]
    code, month_cell, hours_cell = ws["A3"].value, ws["C1"], ws["C3"]
    month = f"{month_cell.value.year:04d}-{month_cell.value.month:02d}"
    old_hours = calendar[code, month]
    hours_cell.value = old_hours - 120  # a maintenance stop planned
    path = tmp_path / "mills-maintenance.xlsx"
    wb.save(path)

    report = import_mills(import_store, path, login="planner")

    _, stored, _ = xl.stored_plant(import_store)
    assert stored == {**calendar, (code, month): old_hours - 120}
    assert (report.counts["capacity"].updated, report.counts["capacity"].created) == (1, 0)
    with import_store.unit_of_work() as repo:
        [entry] = repo.audit.audit_entries(f"{code}/{month}")[:1]
    assert (entry.action, entry.login) == ("updated", "planner")
    assert (entry.before, entry.after) == ({"hours": old_hours}, {"hours": old_hours - 120})


def test_changed_norm_replaces_the_mills_norms_and_is_audited(import_store, shared_mills, tmp_path, xl):
    import_mills(import_store, shared_mills, login="first")
    norms = xl.read_norms(shared_mills)
    wb = openpyxl.load_workbook(shared_mills)
    ws = wb["Нормы производительности"]
    code, old_rate = ws["A2"].value, ws["F2"].value
    ws["F2"].value = old_rate + 1.5
    path = tmp_path / "mills-norm.xlsx"
    wb.save(path)

    import_mills(import_store, path, login="planner")

    _, _, stored = xl.stored_plant(import_store)
    changed = (code, *map(float, (ws["B2"].value, ws["C2"].value, ws["D2"].value, ws["E2"].value)))
    assert stored == sorted([n for n in norms if n != (*changed, old_rate)] + [(*changed, old_rate + 1.5)])
    with import_store.unit_of_work() as repo:
        [entry] = [e for e in repo.audit.audit_entries(code) if e.object_type == "norms" and e.login == "planner"]
    assert sorted(tuple(n) for n in entry.before["norms"]) == [n[1:] for n in norms if n[0] == code]
    assert (*changed[1:], old_rate + 1.5) in [tuple(n) for n in entry.after["norms"]]
