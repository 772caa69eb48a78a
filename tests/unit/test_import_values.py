"""Cell values an import must not misread: formulas never computed, merged cells, the
1904 date system, numbers whose separator may mean thousands or decimals, flags written
as words or ticks, rows far below a blank run, a second sheet with the same header, and
values far off their column. Each test builds a small workbook with openpyxl and imports
it into a store holding the shared mill register (its product line ЭСТ)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import CALENDAR_MAC_1904

from millplan.core.importing.mills import import_mills
from millplan.core.importing.portfolio import FIELDS, import_portfolio
from millplan.core.importing.problems import ImportRejected
from millplan.core.importing.workbook import BLANK_RUN_END, Mapping, find_table, open_workbook, read_records

HEADER = (
    "№ сделки",
    "Клиент",
    "Ключевой клиент",
    "Менеджер",
    "Статус сделки",
    "Дата акцепта",
    "№ поз.",
    "Товарная линия",
    "Диаметр, мм",
    "Стенка, мм",
    "Марка стали",
    "НТД",
    "Длина, м",
    "Количество, т",
    "Цена, руб/т",
    "Перем. затраты (металл), руб/т",
    "Месяц поставки",
    "Примечание",
)


def letter(label: str) -> str:
    """The column letter of ``label`` in :data:`HEADER` (the table starts in column A, row 1)."""
    return get_column_letter(HEADER.index(label) + 1)


def position(deal: str, number: int, changes: dict[str, object] | None = None) -> dict[str, object]:
    """A good portfolio row of product line ЭСТ (a mill of the shared register makes it),
    with ``changes`` (header label → value) made."""
    row = {
        "№ сделки": deal,
        "Клиент": f"Клиент {deal}",
        "Ключевой клиент": "нет",
        "Менеджер": "Кузнецова М. А.",
        "Статус сделки": "Акцептована",
        "Дата акцепта": datetime(2026, 9, 18),
        "№ поз.": number,
        "Товарная линия": "ЭСТ",
        "Диаметр, мм": 168,
        "Стенка, мм": 5,
        "Марка стали": "К52",
        "НТД": "ГОСТ 10704",
        "Длина, м": 12,
        "Количество, т": 170,
        "Цена, руб/т": 96000,
        "Перем. затраты (металл), руб/т": 67470,
        "Месяц поставки": datetime(2027, 2, 1),
        "Примечание": None,
    }
    return row | (changes or {})


def portfolio_book(rows: list[dict[str, object]]) -> openpyxl.Workbook:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Портфель"
    ws.append(HEADER)
    for row in rows:
        ws.append([row[h] for h in HEADER])
    return wb


def save(wb: openpyxl.Workbook, folder: Path, name: str = "book.xlsx") -> Path:
    path = folder / name
    wb.save(path)
    return path


def positions(store) -> dict[tuple[str, int], object]:
    with store.unit_of_work() as repo:
        return {(p.deal_number, p.position_no): p for p in repo.plant.positions()}


def rejected_cells(call) -> set[tuple[int, str]]:
    with pytest.raises(ImportRejected) as rejected:
        call()
    return {(p.row, p.column) for p in rejected.value.problems}


def three_deals(third: dict[str, object] | None = None) -> list[dict[str, object]]:
    """Rows 2–4: deals С-1, С-2, С-3 of one position each, ``third`` changed in the last."""
    return [position("С-1", 1), position("С-2", 1), position("С-3", 1, third)]


# -- formulas whose result was never saved ------------------------------------------------


def test_a_formula_with_no_saved_result_is_an_error_in_any_column(plant_store, tmp_path, xl):
    rows = three_deals()
    rows[0]["Длина, м"] = "=6*2"  # optional column
    rows[1]["Количество, т"] = "=100+70"  # required column
    rows[2]["Примечание"] = '=""&"срочно"'  # optional text column
    path = save(portfolio_book(rows), tmp_path)
    dump = xl.store_dump(plant_store)

    with pytest.raises(ImportRejected) as rejected:
        import_portfolio(plant_store, path, login="planner")

    problems = rejected.value.problems
    assert {(p.row, p.column) for p in problems} == {
        (2, letter("Длина, м")),
        (3, letter("Количество, т")),
        (4, letter("Примечание")),
    }
    assert all("formula whose result was never saved" in p.why for p in problems)
    assert xl.store_dump(plant_store) == dump


def test_a_row_of_formulas_only_is_not_skipped_as_blank(plant_store, tmp_path):
    wb = portfolio_book(three_deals())
    wb.active.append(["=A2"] + [f"={get_column_letter(c)}2" for c in range(2, len(HEADER) + 1)])
    path = save(wb, tmp_path)

    cells = rejected_cells(lambda: import_portfolio(plant_store, path, login="planner"))

    assert cells == {(5, letter(h)) for h in HEADER}  # every column, the optional ones too


def test_unsaved_formulas_in_the_mill_register_and_calendar_are_named(import_store, tmp_path):
    path = save(mill_book(calendar_cell="=600-20", nominal_hours="=31*20"), tmp_path, "mills.xlsx")

    with pytest.raises(ImportRejected) as rejected:
        import_mills(import_store, path, login="planner")

    found = {(p.sheet, p.row, p.column) for p in rejected.value.problems}
    assert found == {("Агрегаты", 4, "M"), ("Фонд времени", 3, "C")}
    assert all("never saved" in p.why for p in rejected.value.problems)


# -- merged cells ------------------------------------------------------------------------------


def test_merged_cells_give_every_row_their_first_cells_value(plant_store, tmp_path):
    rows = [position("С-7", n, {"Количество, т": 100 + n}) for n in (1, 2, 3)] + [position("С-8", 1)]
    wb = portfolio_book(rows)
    ws = wb.active
    for label in ("№ сделки", "Клиент", "Менеджер", "Статус сделки"):
        column = HEADER.index(label) + 1
        for row in (3, 4):
            ws.cell(row, column).value = None  # what Excel keeps under a merged range
        ws.merge_cells(start_row=2, start_column=column, end_row=4, end_column=column)
    path = save(wb, tmp_path)

    report = import_portfolio(plant_store, path, login="planner")

    stored = positions(plant_store)
    assert sorted(stored) == [("С-7", 1), ("С-7", 2), ("С-7", 3), ("С-8", 1)]
    assert {stored["С-7", n].customer for n in (1, 2, 3)} == {"Клиент С-7"}
    assert [stored["С-7", n].tonnes_ordered for n in (1, 2, 3)] == [101, 102, 103]
    assert report.rejected == []


def test_a_merged_shop_spans_the_mills_of_the_register(import_store, tmp_path):
    wb = mill_book()
    register = wb["Агрегаты"]
    register["C3"] = None
    register.merge_cells("C2:C3")
    path = save(wb, tmp_path, "mills.xlsx")

    import_mills(import_store, path, login="planner")

    with import_store.unit_of_work() as repo:
        shops = {m.code: m.shop for m in repo.plant.whole().mills}
    assert shops == {"ТЭСА-1": "ТЭСЦ-2", "ТЭСА-2": "ТЭСЦ-2", "ТЭСА-3": "ТЭСЦ-5"}


# -- the 1904 date system -------------------------------------------------------------------


def serial_1904(day: date) -> int:
    return (day - date(1904, 1, 1)).days


def test_a_1904_workbook_reads_serial_dates_as_excel_shows_them(plant_store, tmp_path):
    rows = three_deals()
    rows[0]["Месяц поставки"] = serial_1904(date(2027, 3, 1))  # a bare serial number
    rows[0]["Дата акцепта"] = serial_1904(date(2026, 10, 5))
    rows[1]["Месяц поставки"] = datetime(2027, 4, 1)  # a date cell: openpyxl writes its 1904 serial
    wb = portfolio_book(rows)
    wb.epoch = CALENDAR_MAC_1904
    path = save(wb, tmp_path)
    assert openpyxl.load_workbook(path).epoch == CALENDAR_MAC_1904

    import_portfolio(plant_store, path, login="planner")

    stored = positions(plant_store)
    assert str(stored["С-1", 1].requested_month) == "2027-03"
    assert str(stored["С-2", 1].requested_month) == "2027-04"
    with plant_store.unit_of_work() as repo:
        deal = next(d for d in repo.plant.deals() if d.number == "С-1")
    assert deal.accepted_at == datetime(2026, 10, 5, tzinfo=UTC)


def test_a_1904_mill_calendar_reads_its_serial_months(import_store, tmp_path):
    wb = mill_book()
    for cell, month in ((wb["Фонд времени"]["B1"], date(2027, 1, 1)), (wb["Фонд времени"]["C1"], date(2027, 2, 1))):
        cell.value, cell.number_format = serial_1904(month), "General"  # a bare number, not a date cell
    wb.epoch = CALENDAR_MAC_1904
    path = save(wb, tmp_path, "mills.xlsx")

    import_mills(import_store, path, login="planner")

    with import_store.unit_of_work() as repo:
        months = {str(month) for _, month in repo.plant.whole().capacity}
    assert months == {"2027-01", "2027-02"}


# -- a separator that may be thousands or decimals ----------------------------------------------


@pytest.mark.parametrize(
    "text, as_decimals, as_thousands",
    [("1,234", "1.234", "1 234"), ("45.000", "45", "45 000"), ("45,000", "45", "45 000")],
)
def test_an_ambiguous_number_is_refused_naming_both_readings(plant_store, tmp_path, text, as_decimals, as_thousands):
    path = save(portfolio_book(three_deals({"Количество, т": text})), tmp_path)

    with pytest.raises(ImportRejected) as rejected:
        import_portfolio(plant_store, path, login="planner")

    [problem] = rejected.value.problems
    assert (problem.row, problem.column) == (4, letter("Количество, т"))
    assert (
        f"{as_decimals} if '{text[-4]}' is the decimal mark, or {as_thousands} if it separates thousands" in problem.why
    )


@pytest.mark.parametrize(
    "other, expected",
    [
        ("12,75", 1.234),  # a comma with two decimals: the column writes decimal commas
        ("1 234,5", 1.234),
        ("2.5", 1234.0),  # a decimal point: the comma separates thousands
        ("2,500,000", 1234.0),  # commas twice: thousands
    ],
)
def test_the_columns_other_values_settle_an_ambiguous_number(plant_store, tmp_path, other, expected):
    rows = three_deals({"Количество, т": "1,234"})
    rows[0]["Количество, т"] = other
    path = save(portfolio_book(rows), tmp_path)

    import_portfolio(plant_store, path, login="planner")

    assert positions(plant_store)["С-3", 1].tonnes_ordered == expected


def test_a_column_using_both_marks_settles_nothing(plant_store, tmp_path):
    rows = three_deals({"Количество, т": "1,234"})
    rows[0]["Количество, т"], rows[1]["Количество, т"] = "12,75", "12.75"
    path = save(portfolio_book(rows), tmp_path)

    assert rejected_cells(lambda: import_portfolio(plant_store, path, login="planner")) == {
        (4, letter("Количество, т"))
    }


def test_mill_costs_and_norms_settle_by_their_own_columns(import_store, tmp_path):
    wb = mill_book()
    wb["Агрегаты"]["N2"], wb["Агрегаты"]["N3"] = "8,000", "7 500,50"  # a decimal comma: 8,000 is 8
    wb["Нормы производительности"]["F2"] = "12,500"  # the other norms are Excel numbers: unsettled
    path = save(wb, tmp_path, "mills.xlsx")

    with pytest.raises(ImportRejected) as rejected:
        import_mills(import_store, path, login="planner")

    [problem] = rejected.value.problems
    assert (problem.sheet, problem.row, problem.column) == ("Нормы производительности", 2, "F")
    assert "12.5 if ',' is the decimal mark, or 12 500 if it separates thousands" in problem.why

    wb["Нормы производительности"]["F3"] = "9,75"
    path = save(wb, tmp_path, "mills.xlsx")
    import_mills(import_store, path, login="planner")
    with import_store.unit_of_work() as repo:
        plant = repo.plant.whole()
    assert {m.code: m.conversion_cost for m in plant.mills}["ТЭСА-1"] == Decimal("8.00")
    assert sorted(n.tonnes_per_hour for n in plant.norms["ТЭСА-1"]) == [9.75, 12.5]


# -- yes/no flags ---------------------------------------------------------------------------


@pytest.mark.parametrize("word", ["ключевой", "Ключевой", "key", "KEY", "✔", "Ключевой клиент"])
def test_key_account_flags_written_as_words_or_ticks(plant_store, tmp_path, word):
    path = save(portfolio_book(three_deals({"Ключевой клиент": word})), tmp_path)

    import_portfolio(plant_store, path, login="planner")

    stored = positions(plant_store)
    assert stored["С-3", 1].is_key_account is True
    assert stored["С-1", 1].is_key_account is False


def test_a_flag_column_takes_its_own_header_word_for_yes(plant_store, tmp_path):
    wb = portfolio_book(three_deals({"Ключевой клиент": "VIP"}))
    wb.active[f"{letter('Ключевой клиент')}1"] = "VIP"
    path = save(wb, tmp_path)
    mapping = tmp_path / "map.toml"
    mapping.write_text('[columns]\n"VIP" = "is_key_account"\n', encoding="utf-8")

    import_portfolio(plant_store, path, login="planner", mapping_path=mapping)

    assert {k: p.is_key_account for k, p in positions(plant_store).items()} == {
        ("С-1", 1): False,
        ("С-2", 1): False,
        ("С-3", 1): True,
    }


# -- rows far below a long blank run ----------------------------------------------------------


def test_rows_beyond_a_long_blank_run_are_counted_in_the_report(plant_store, tmp_path):
    wb = portfolio_book(three_deals())
    ws = wb.active
    for number, row in ((1010, position("С-9", 1)), (1200, position("С-9", 2))):
        for column, label in enumerate(HEADER, start=1):
            ws.cell(number, column, row[label])
    ws.cell(1300, 1, "Итого")  # the foot of a long template is no data
    path = save(wb, tmp_path)

    report = import_portfolio(plant_store, path, login="planner")

    assert sorted(positions(plant_store)) == [("С-1", 1), ("С-2", 1), ("С-3", 1)]
    [note] = [n for n in report.notes if "not read" in n]
    assert "2 non-empty rows below row 4 were not read (rows 1010–1200)" in note
    assert "after 1000 blank rows" in note


def test_reading_stops_at_a_long_blank_run_and_the_rows_below_are_counted_from_the_sheet_xml(tmp_path):
    wb = portfolio_book(three_deals())
    ws = wb.active
    row = position("С-9", 1)
    for column, label in enumerate(HEADER, start=1):
        ws.cell(5000, column, row[label])
    ws.cell(5001, len(HEADER) + 3, "a note beside the table")  # beyond its columns: not one of its rows
    ws.cell(60_000, 2, "  Итого:")  # the foot of a long template
    path = save(wb, tmp_path)
    book = open_workbook(path)
    table = find_table(book, path, "portfolio", FIELDS, Mapping())
    sheet, parsed = book[table.sheet], []
    every_row = sheet.iter_rows

    def counted(**bounds):
        for values in every_row(**bounds):
            parsed.append(values)
            yield values

    sheet.iter_rows = counted
    reading = read_records(book, path, table, FIELDS)

    assert len(reading.records) == 3
    assert len(parsed) == 3 + BLANK_RUN_END  # openpyxl parsed nothing below the blank run
    [note] = [str(w) for w in reading.warnings if "not read" in w.why]
    assert "row 5000" in note and "1 non-empty row below row 4 was not read" in note


def test_rows_after_a_shorter_blank_run_are_read(plant_store, tmp_path):
    wb = portfolio_book(three_deals())
    row = position("С-9", 1)
    for column, label in enumerate(HEADER, start=1):
        wb.active.cell(900, column, row[label])
    path = save(wb, tmp_path)

    report = import_portfolio(plant_store, path, login="planner")

    assert ("С-9", 1) in positions(plant_store)
    assert not [n for n in report.notes if "not read" in n]


# -- another visible sheet with the same header --------------------------------------------


def test_a_second_visible_sheet_with_the_header_is_named(plant_store, tmp_path):
    wb = portfolio_book(three_deals())
    older = wb.copy_worksheet(wb.active)
    older.title = "Портфель (ноябрь)"
    older["A2"] = "С-старая"
    path = save(wb, tmp_path)

    report = import_portfolio(plant_store, path, login="planner")

    assert ("С-старая", 1) not in positions(plant_store)
    [note] = [n for n in report.notes if "Портфель (ноябрь)" in n]
    assert "also has this table's header and was not read (only sheet 'Портфель' was)" in note


def test_a_second_visible_calendar_is_named(import_store, tmp_path):
    wb = mill_book()
    wb.copy_worksheet(wb["Фонд времени"]).title = "Фонд времени (копия)"
    path = save(wb, tmp_path, "mills.xlsx")

    report = import_mills(import_store, path, login="planner")

    assert any("sheet 'Фонд времени (копия)'" in n and "was not read" in n for n in report.notes)


# -- values far off their column, a price below the metal cost --------------------------------


def test_a_value_far_off_its_column_and_a_price_below_metal_cost_are_warnings(plant_store, tmp_path):
    rows = [position(f"С-{n}", 1) for n in range(1, 6)]
    rows[2]["Количество, т"] = 170_000  # kilograms in a tonnes column
    rows[3]["Цена, руб/т"] = 60_000  # below its metal cost 67 470
    path = save(portfolio_book(rows), tmp_path)

    report = import_portfolio(plant_store, path, login="planner")

    assert len(positions(plant_store)) == 5  # warnings, not errors
    far = [n for n in report.notes if "median" in n]
    assert (
        len(far) == 1
        and f"row 4, column {letter('Количество, т')}" in far[0]
        and "1 000× the column's median (170)" in far[0]
    )
    cheap = [n for n in report.notes if "below the metal cost" in n]
    assert len(cheap) == 1 and f"row 5, column {letter('Цена, руб/т')}" in cheap[0] and "67 470.00" in cheap[0]


def test_a_mill_speed_far_off_the_others_is_a_warning(import_store, tmp_path):
    wb = mill_book()
    wb["Агрегаты"]["L4"] = 0.09  # km/h typed in a m/h column: the others are ~100
    path = save(wb, tmp_path, "mills.xlsx")

    report = import_mills(import_store, path, login="planner")

    [note] = [n for n in report.notes if "median" in n]
    assert "sheet 'Агрегаты', row 4, column L" in note and "1/1 111 of the column's median (100)" in note


# -- the mill register used above -----------------------------------------------------------------


MILL_HEADER = (
    "Код агрегата",
    "Наименование",
    "Цех",
    "Товарная линия",
    "Вид продукции",
    "Диаметр от, мм",
    "Диаметр до, мм",
    "Стенка от, мм",
    "Стенка до, мм",
    "Марки стали",
    "НТД",
    "Скорость, м/ч",
    "Фонд времени (номинал), ч/мес",
    "Затраты передела (перем.), руб/т",
)


def mill_book(calendar_cell: object = 580, nominal_hours: object = 600) -> openpyxl.Workbook:
    """Three mills of line ЭСТ (A…N: speed in L, nominal hours in M, cost in N;
    ``nominal_hours`` is ТЭСА-3's, row 4), a calendar of two months (``calendar_cell`` is
    ТЭСА-2's February, row 3 column C) and two norms of ТЭСА-1."""
    wb = openpyxl.Workbook()
    register = wb.active
    register.title = "Агрегаты"
    register.append(MILL_HEADER)
    register.append(["ТЭСА-1", "Стан 1", "ТЭСЦ-2", "ЭСТ", "", 57, 219, 3, 8, "К52", "ГОСТ 10704", 100, 620, 8000])
    register.append(["ТЭСА-2", "Стан 2", "ТЭСЦ-2", "ЭСТ", "", 57, 219, 3, 8, "К52", "ГОСТ 10704", 110, 620, 7500])
    register.append(
        ["ТЭСА-3", "Стан 3", "ТЭСЦ-5", "ЭСТ", "", 114, 426, 4, 12, "К52", "ГОСТ 10704", 90, nominal_hours, 7000]
    )
    calendar = wb.create_sheet("Фонд времени")
    calendar.append(["Код агрегата", datetime(2027, 1, 1), datetime(2027, 2, 1)])
    calendar.append(["ТЭСА-1", 600, 600])
    calendar.append(["ТЭСА-2", 600, calendar_cell])
    norms = wb.create_sheet("Нормы производительности")
    norms.append(
        [
            "Код агрегата",
            "Диаметр от, мм",
            "Диаметр до, мм",
            "Стенка от, мм",
            "Стенка до, мм",
            "Производительность, т/ч",
        ]
    )
    norms.append(["ТЭСА-1", 57, 219, 3, 5, 12.5])
    norms.append(["ТЭСА-1", 57, 219, 5.01, 8, 9.5])
    return wb


def test_calendar_hours_settle_by_their_month_column(import_store, tmp_path):
    wb = mill_book(calendar_cell="580,5")
    calendar = wb["Фонд времени"]
    calendar["C2"] = "600,000"  # February: "580,5" beside it writes a decimal comma
    calendar["B2"] = "600,000"  # January: only Excel numbers beside it
    path = save(wb, tmp_path, "mills.xlsx")

    with pytest.raises(ImportRejected) as rejected:
        import_mills(import_store, path, login="planner")

    [problem] = rejected.value.problems
    assert (problem.sheet, problem.row, problem.column) == ("Фонд времени", 2, "B")
    assert "600 if ',' is the decimal mark, or 600 000 if it separates thousands" in problem.why

    calendar["B2"] = 600
    import_mills(import_store, save(wb, tmp_path, "mills.xlsx"), login="planner")
    with import_store.unit_of_work() as repo:
        capacity = {(code, str(month)): hours for (code, month), hours in repo.plant.whole().capacity.items()}
    assert capacity["ТЭСА-1", "2027-02"] == 600.0 and capacity["ТЭСА-2", "2027-02"] == 580.5
