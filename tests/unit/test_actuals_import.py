"""``import_actuals`` on the shop's workbook and the MES export (../shared/data), in both
encodings, and every kind of bad row, each named by file, row and column, nothing written."""

from __future__ import annotations

import codecs
from datetime import date

import openpyxl
import pytest

from millplan.core.importing.actuals import import_actuals
from millplan.core.importing.portfolio import import_portfolio
from millplan.core.importing.problems import ImportRejected
from tests.actuals_data import (
    SAMPLE_TODAY,
    by_position,
    mes_rows,
    produced,
    shop_rows,
    shop_totals,
    stored_actuals,
    summed,
    write_mes,
)


@pytest.fixture(autouse=True)
def sample_today(monkeypatch):
    monkeypatch.setenv("MILLPLAN_TODAY", SAMPLE_TODAY)


@pytest.fixture
def book_store(plant_store, shared_portfolio):
    """The shared mill register and portfolio."""
    import_portfolio(plant_store, shared_portfolio, login="setup")
    return plant_store


def test_the_shops_workbook_is_read_as_the_shop_keeps_it(book_store, shared_data):
    path = shared_data / "actuals-2026-12.xlsx"
    rows = shop_rows(path)
    before = produced(book_store)

    report = import_actuals(book_store, path, login="planner")

    assert report.rows_read == len(rows)
    assert report.tables == {"actuals": "sheet 'Факт производства', header row 4"}
    by_day = summed(rows)
    assert stored_actuals(book_store) == pytest.approx(by_day)
    figures = report.figures
    assert figures["days"] == sorted({d.isoformat() for d, *_ in rows})
    assert figures["mills"] == sorted({m for _, m, *_ in rows})
    assert figures["tonnes_before"] == 0
    assert figures["tonnes_after"] == pytest.approx(sum(t for *_, t in rows))
    assert (report.counts["actuals"].created, figures["replaced_rows"]) == (len(by_day), 0)
    made = by_position(rows)
    after = produced(book_store)
    assert {c["position"] for c in figures["produced_changed"]} == set(made)
    for ref, tonnes in made.items():
        assert after[ref] == pytest.approx(before[ref] + tonnes)
    ignored = {c.header for c in report.columns if c.field is None}
    assert ignored == {"Смена", "Д, мм", "S, мм", "Марка стали"}
    notes = " ".join(report.notes)
    for header in ignored:
        assert f"'{header}': ignored" in notes
    totals = shop_totals(path)
    assert f"{len(totals)} totals rows ('Всего', 'Итого за сутки') passed over" in notes
    # the daily totals agree with their rows; "Всего" is a formula never computed
    assert "says" not in notes
    unsaved = [row for row, figure in totals.items() if not isinstance(figure, (int, float))]
    assert [f"row {row}: the totals row holds no figure" in notes for row in unsaved] == [True] * len(unsaved)


def test_the_mes_export_gives_the_same_actuals_and_a_second_import_replaces_never_adds(book_store, shared_data):
    xlsx, csv_file = shared_data / "actuals-2026-12.xlsx", shared_data / "actuals-2026-12.csv"
    assert summed(mes_rows(csv_file)) == pytest.approx(summed(shop_rows(xlsx)))
    import_actuals(book_store, xlsx, login="planner")
    before = produced(book_store)

    report = import_actuals(book_store, csv_file, login="planner")

    assert report.tables == {"actuals": "header row 1"}  # a CSV file has no sheets to name
    rows = mes_rows(csv_file)
    assert report.counts["actuals"].unchanged == len(summed(rows))
    assert report.figures["replaced_rows"] == len(summed(rows))
    said = " ".join(report.outcome)
    assert f"; {len(summed(rows))} stored rows unchanged" in said and "replaced" not in said  # nothing changed
    assert report.figures["tonnes_before"] == pytest.approx(report.figures["tonnes_after"])
    assert report.figures["produced_changed"] == []
    assert produced(book_store) == pytest.approx(before)


@pytest.mark.parametrize("bom", [b"", codecs.BOM_UTF8], ids=["utf-8", "utf-8 with BOM"])
def test_a_utf8_export_reads_as_the_cp1251_one(book_store, shared_data, tmp_path, bom):
    cp1251 = shared_data / "actuals-2026-12.csv"
    utf8 = tmp_path / "mes-utf8.csv"
    utf8.write_bytes(bom + cp1251.read_bytes().decode("cp1251").encode("utf-8"))

    report = import_actuals(book_store, utf8, login="planner")

    assert report.figures["tonnes_after"] == pytest.approx(sum(t for *_, t in mes_rows(cp1251)))
    assert stored_actuals(book_store) == pytest.approx(summed(mes_rows(cp1251)))


def test_every_bad_row_is_named_and_nothing_is_written(book_store, shared_data, tmp_path):
    ref = next(ref for _, mill, ref, _ in mes_rows(shared_data / "actuals-2026-12.csv") if mill == "ТПЦ8-102")
    deal, number = ref.split("#")
    with book_store.reading() as repo:
        seamless = repo.plant.position(deal, int(number))
    deal = seamless.deal_number
    good = (date(2026, 12, 1), "ТПЦ8-102", seamless.ref, 10.0)
    rows = [
        good,
        (date(2026, 12, 1), "СТАН-99", seamless.ref, 5.0),  # row 3: unknown mill
        (date(2026, 12, 1), "ТПЦ8-102", f"{deal}#99", 5.0),  # row 4: no such position
        (date(2026, 12, 1), "ТПЦ8-102", "Х-00/0000#1", 5.0),  # row 5: no such deal
        (date(2026, 12, 1), "ЛДП-1420", seamless.ref, 5.0),  # row 6: a mill of another line
        (date(2026, 12, 6), "ТПЦ8-102", seamless.ref, 5.0),  # row 7: after today
        (date(2026, 12, 1), "ТПЦ8-102", seamless.ref, "-5,0"),  # row 8: negative
        ("", "ТПЦ8-102", seamless.ref, 5.0),  # row 9: no date
        (date(2026, 12, 1), "", seamless.ref, 5.0),  # row 10: no mill
        (date(2026, 12, 1), "ТПЦ8-102", "", 5.0),  # row 11: no position
        (date(2026, 12, 1), "ТПЦ8-102", seamless.ref, ""),  # row 12: no tonnes
        (date(2026, 12, 1), "ТПЦ8-102", "С-26/3277-2", 5.0),  # row 13: not DEAL#NO
        ("32.12.2026", "ТПЦ8-102", seamless.ref, 5.0),  # row 14: not a date
        (date(2026, 12, 1), "ТПЦ8-102", seamless.ref, "пять"),  # row 15: not a number
    ]
    path = write_mes(tmp_path / "bad.csv", rows)

    with pytest.raises(ImportRejected) as caught:
        import_actuals(book_store, path, login="planner")

    found = {(p.row, p.column): p for p in caught.value.problems}
    assert {row for row, _ in found} == set(range(3, 16))
    assert all(p.file == str(path) and p.sheet == "bad" for p in found.values())
    assert "is not a mill of the register" in found[3, "B"].why
    assert f"position 99 of deal {deal} is not in the portfolio (the deal has 1" in found[4, "C"].why
    assert "deal Х-00/0000 is not in the portfolio" in found[5, "C"].why
    assert f"cannot make position {seamless.ref}: product line ТБД, not БШТ" in found[6, "B"].why
    assert "is after today (2026-12-05)" in found[7, "A"].why
    assert "is negative" in found[8, "D"].why
    assert "row 8, column D 'Факт, т': -5 is negative" in str(caught.value)
    assert "row 5, column C 'Позиция': deal Х-00/0000 is not in the portfolio" in str(caught.value)
    assert "is empty; the column is required" in found[9, "A"].why
    assert found[9, "A"].header == "Дата"
    assert "is empty; the column is required" in found[10, "B"].why
    assert "is empty; the column is required" in found[11, "C"].why
    assert "is empty; the column is required" in found[12, "D"].why
    assert "is not a position written DEAL#NO" in found[13, "C"].why
    assert "is not a date" in found[14, "A"].why
    assert "is not a number" in found[15, "D"].why
    assert "row 6, column B 'Агрегат'" in str(caught.value)
    assert f"{path}, row 3, column B 'Агрегат'" in str(caught.value)  # a CSV file: no sheet to name
    assert "sheet" not in str(caught.value) and found[3, "B"].as_dict()["sheet"] is None
    assert stored_actuals(book_store) == {}


def test_a_mill_of_the_line_that_cannot_make_the_size_is_refused(book_store, tmp_path):
    with book_store.reading() as repo:
        positions = repo.plant.positions()
    big = next(p for p in positions if p.product_line == "БШТ" and p.od_mm >= 273)  # too big for ТПЦ8-102 (32–108)
    path = write_mes(tmp_path / "size.csv", [(date(2026, 12, 2), "ТПЦ8-102", big.ref, 12.5)])

    with pytest.raises(ImportRejected) as caught:
        import_actuals(book_store, path, login="planner")

    (problem,) = caught.value.problems
    assert (problem.row, problem.column) == (2, "B")
    assert f"cannot make position {big.ref}: OD {big.od_mm:g} mm outside" in problem.why


def test_skip_invalid_stores_the_good_rows_and_writes_the_bad_ones_aside(book_store, shared_data, tmp_path):
    rows = mes_rows(shared_data / "actuals-2026-12.csv")
    bad = (date(2026, 12, 2), "СТАН-99", rows[0][2], 1.0)
    path = write_mes(tmp_path / "some-bad.csv", [*rows[:5], bad])

    report = import_actuals(book_store, path, login="planner", skip_invalid=True)

    assert stored_actuals(book_store) == pytest.approx(summed(rows[:5]))
    assert [(p.row, p.column) for p in report.rejected] == [(7, "B")]
    rejects = openpyxl.load_workbook(report.rejects_file).active
    assert [c.value for c in rejects[2]][:3] == ["02.12.2026", "СТАН-99", rows[0][2]]


def test_a_daily_total_that_disagrees_with_its_rows_is_said_and_the_rows_are_taken(book_store, shared_data, tmp_path):
    path = tmp_path / "shop.xlsx"
    book = openpyxl.load_workbook(shared_data / "actuals-2026-12.xlsx")
    sheet = book.active
    first_total = min(shop_totals(shared_data / "actuals-2026-12.xlsx"))
    rows = shop_rows(shared_data / "actuals-2026-12.xlsx")
    first_day = sum(t for d, *_, t in rows if d == date(2026, 12, 1))
    sheet.cell(first_total, 9).value = 1000.0
    book.save(path)

    report = import_actuals(book_store, path, login="planner")

    notes = " ".join(report.notes)
    assert f"row {first_total}: the totals row says 1 000.0 t" in notes.replace("\u00a0", " ")
    assert f"since the last totals row sum to {first_day:,.1f}".replace(",", " ") in notes.replace("\u00a0", " ")
    assert report.figures["tonnes_after"] == pytest.approx(sum(t for *_, t in rows))


def test_a_file_without_a_position_column_is_refused_naming_the_headers(book_store, tmp_path):
    path = write_mes(
        tmp_path / "nopos.csv",
        [(date(2026, 12, 1), "ТПЦ8-102", "x", 1.0)],
        header=("Дата", "Агрегат", "Заказ", "Факт, т"),
    )

    with pytest.raises(ImportRejected, match="no position column") as caught:
        import_actuals(book_store, path, login="planner")

    assert "'Заказ'" in caught.value.problems[0].why


def test_a_workbook_named_csv_is_refused_as_such(book_store, shared_data, tmp_path):
    renamed = tmp_path / "actuals.csv"
    renamed.write_bytes((shared_data / "actuals-2026-12.xlsx").read_bytes())

    with pytest.raises(ImportRejected, match="is an Excel workbook, not a CSV file"):
        import_actuals(book_store, renamed, login="planner")


def _deal_and_number_workbook(path, rows):
    """A one-header workbook naming positions in two columns, D '№ сделки' and E '№ поз.'."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Дата", "Агрегат", "Смена", "№ сделки", "№ поз.", "Произведено, т"])
    for row in rows:
        sheet.append(list(row))
    book.save(path)
    return path


def test_an_unknown_deal_is_told_in_the_deal_column_and_an_unknown_position_in_the_position_column(
    book_store, shared_data, tmp_path
):
    ref = next(ref for _, mill, ref, _ in mes_rows(shared_data / "actuals-2026-12.csv") if mill == "ТПЦ8-102")
    deal, number = ref.split("#")
    with book_store.reading() as repo:
        numbers = sorted(p.position_no for p in repo.plant.positions() if p.deal_number == deal)
    path = _deal_and_number_workbook(
        tmp_path / "two-columns.xlsx",
        [
            (date(2026, 12, 1), "ТПЦ8-102", 1, deal, int(number), 10.0),  # row 2: good
            (date(2026, 12, 1), "ТПЦ8-102", 1, "С-26/0000", 2, 5.0),  # row 3: no such deal
            (date(2026, 12, 1), "ТПЦ8-102", 1, deal, 99, 5.0),  # row 4: the deal has no position 99
            (date(2026, 12, 1), "ТПЦ8-102", 2, deal, int(number), -5.0),  # row 5: negative
        ],
    )

    with pytest.raises(ImportRejected) as caught:
        import_actuals(book_store, path, login="planner")

    found = {(p.row, p.column): p for p in caught.value.problems}
    assert set(found) == {(3, "D"), (4, "E"), (5, "F")}
    text = str(caught.value)
    assert "row 3, column D '№ сделки': deal С-26/0000 is not in the portfolio: import the portfolio first" in text
    shown = ", ".join(map(str, numbers))
    assert (
        f"row 4, column E '№ поз.': position 99 of deal {deal} is not in the portfolio (the deal has {shown})" in text
    )
    assert "row 5, column F 'Произведено, т': -5 is negative" in text
    assert found[3, "D"].value == "С-26/0000"  # the JSON still holds the cell's value
    assert stored_actuals(book_store) == {}


def test_a_day_imported_again_with_fewer_rows_says_which_stored_rows_it_removed(book_store, shared_data, tmp_path):
    refs = list(
        dict.fromkeys(ref for _, mill, ref, _ in mes_rows(shared_data / "actuals-2026-12.csv") if mill == "ТПЦ8-102")
    )
    kept, lost = refs[0], refs[1]
    day, other = date(2026, 12, 1), date(2026, 12, 2)
    both = [(day, "ТПЦ8-102", kept, 10.0), (day, "ТПЦ8-102", lost, 188.8), (other, "ТПЦ8-102", kept, 7.0)]
    import_actuals(book_store, write_mes(tmp_path / "both.csv", both), login="planner")

    report = import_actuals(book_store, write_mes(tmp_path / "one-shift.csv", [both[0], both[2]]), login="planner")

    counts = report.counts["actuals"]
    # the changed day reads as changed: its remaining row updated, the other removed; the other day unchanged
    assert (counts.created, counts.updated, counts.unchanged, counts.removed) == (0, 1, 1, 1)
    figures = report.figures
    assert (figures["replaced_rows"], figures["removed_rows"]) == (2, 1)
    assert figures["removed"] == [{"day": "2026-12-01", "mill": "ТПЦ8-102", "position": lost, "tonnes": 188.8}]
    said = " ".join(report.outcome)
    assert "stored rows: 2 replaced by the file's, 1 removed" in said
    assert "REMOVED 1 stored row not in the file" in said
    assert f"2026-12-01 ТПЦ8-102: {lost} 188.8 t" in said
    assert stored_actuals(book_store) == pytest.approx({(day, "ТПЦ8-102", kept): 10.0, (other, "ТПЦ8-102", kept): 7.0})


def test_the_same_file_again_is_unchanged_and_removes_nothing(book_store, shared_data):
    csv_file = shared_data / "actuals-2026-12.csv"
    import_actuals(book_store, csv_file, login="planner")

    report = import_actuals(book_store, csv_file, login="planner")

    counts = report.counts["actuals"]
    assert (counts.created, counts.updated, counts.removed) == (0, 0, 0)
    assert counts.unchanged == len(summed(mes_rows(csv_file)))
    assert report.figures["removed"] == []
    assert "REMOVED" not in " ".join(report.outcome)
