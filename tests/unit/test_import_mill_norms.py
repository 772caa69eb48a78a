"""Norms of the mill register: whole tables from a register, single bands from elsewhere;
messages that point at the real culprit."""

from __future__ import annotations

import openpyxl
import pytest

from millplan.core.importing.mills import import_mills
from millplan.core.importing.problems import ImportRejected


def _stored_norms(store) -> dict[str, list[tuple]]:
    with store.unit_of_work() as repo:
        return {
            code: sorted((n.od_min_mm, n.od_max_mm, n.wall_min_mm, n.wall_max_mm, n.tonnes_per_hour) for n in norms)
            for code, norms in repo.plant.whole().norms.items()
        }


def _sheet_norms(path) -> list[tuple]:
    sheet = openpyxl.load_workbook(path)["Нормы производительности"]
    return sorted(tuple(row[1:6]) for row in sheet.iter_rows(min_row=2, values_only=True) if row[0])


def test_reimporting_the_register_counts_its_norms_unchanged(import_store, shared_mills):
    first = import_mills(import_store, shared_mills, login="t")
    again = import_mills(import_store, shared_mills, login="t")
    bands = len(_sheet_norms(shared_mills))
    assert (first.counts["norms"].created, again.counts["norms"].created, again.counts["norms"].unchanged) == (
        bands,
        0,
        bands,
    )


def test_fixed_rejects_row_adds_its_band_without_dropping_the_others(import_store, shared_mills, tmp_path):
    book = openpyxl.load_workbook(shared_mills)
    norms = book["Нормы производительности"]
    norms["A5"] = "ЗЗЗ"  # the last band of ТПЦ1-ПИЛ, with a typo in the mill code
    bad = tmp_path / "mills_bad.xlsx"
    book.save(bad)
    report = import_mills(import_store, bad, login="t", skip_invalid=True)
    assert [p.row for p in report.rejected] == [5]
    rejects = openpyxl.load_workbook(report.rejects_file)
    sheet = rejects["Нормы производительности"]
    sheet["A2"] = "ТПЦ1-ПИЛ"
    fixed = tmp_path / "fixed.xlsx"
    rejects.save(fixed)
    import_mills(import_store, fixed, login="t")
    assert _stored_norms(import_store)["ТПЦ1-ПИЛ"] == _sheet_norms(shared_mills)


def test_register_drops_bands_it_no_longer_lists(import_store, shared_mills, tmp_path):
    import_mills(import_store, shared_mills, login="t")
    book = openpyxl.load_workbook(shared_mills)
    book["Нормы производительности"].delete_rows(5)
    fewer = tmp_path / "fewer.xlsx"
    book.save(fewer)
    import_mills(import_store, fewer, login="t")
    assert _stored_norms(import_store)["ТПЦ1-ПИЛ"] == _sheet_norms(fewer)
    assert len(_sheet_norms(fewer)) == len(_sheet_norms(shared_mills)) - 1


def test_calendar_rows_of_a_refused_mill_point_at_its_register_row(import_store, shared_mills, tmp_path):
    book = openpyxl.load_workbook(shared_mills)
    book["Агрегаты"]["L2"] = -5  # ЛДП-1420's speed
    bad = tmp_path / "bad_speed.xlsx"
    book.save(bad)
    with pytest.raises(ImportRejected) as caught:
        import_mills(import_store, bad, login="t")
    calendar = [p for p in caught.value.problems if p.sheet == "Фонд времени"]
    assert calendar and all("register row 2 is rejected" in p.why for p in calendar)
    assert not any("unknown mill" in p.why for p in caught.value.problems)
