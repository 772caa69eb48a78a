"""A re-import of a file without an optional column leaves the stored values alone."""

from __future__ import annotations

import openpyxl

from millplan.core.importing.portfolio import import_portfolio


def _without_columns(source, target, headers: set[str]):
    book = openpyxl.load_workbook(source)
    sheet = book.active
    for column in sorted((c.column for c in sheet[3] if c.value in headers), reverse=True):
        sheet.delete_cols(column)
    book.save(target)
    return target


def test_slim_file_keeps_produced_tonnes_key_flags_and_priorities(plant_store, shared_portfolio, tmp_path):
    import_portfolio(plant_store, shared_portfolio, login="t")
    with plant_store.unit_of_work() as repo:
        before = {p.ref: (p.tonnes_produced, p.is_key_account, p.manual_priority) for p in repo.plant.positions()}
    assert any(produced > 0 for produced, _, _ in before.values())  # the sample has some
    assert any(key for _, key, _ in before.values()) and any(prio for _, _, prio in before.values())

    slim = _without_columns(
        shared_portfolio, tmp_path / "slim.xlsx", {"Произведено, т", "Ключевой клиент", "Приоритет"}
    )
    report = import_portfolio(plant_store, slim, login="t")

    with plant_store.unit_of_work() as repo:
        after = {p.ref: (p.tonnes_produced, p.is_key_account, p.manual_priority) for p in repo.plant.positions()}
    assert after == before
    assert report.counts["positions"].updated == 0 and report.counts["customers"].updated == 0
