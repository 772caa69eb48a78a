"""Real files are messy: the importer must read what the plant actually keeps in Excel.

Each test makes a copy of a shared workbook with one habit of the plant (a title and a
grouped header, renamed columns, blank rows, a totals row, formulas, thousands of
formatted empty rows, a hidden older sheet, months and numbers typed as text, …) and
checks that the store then holds exactly what the original sheet holds.
"""

from __future__ import annotations

import re
import zipfile
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from openpyxl.styles import Border, PatternFill, Side

from millplan.core.importing.mills import import_mills
from millplan.core.importing.portfolio import import_portfolio
from millplan.core.importing.problems import ImportRejected

NBSP = "\u00a0"
RU_MONTHS = (
    "январь",
    "февраль",
    "март",
    "апрель",
    "май",
    "июнь",
    "июль",
    "август",
    "сентябрь",
    "октябрь",
    "ноябрь",
    "декабрь",
)


def excel_serial(day: date) -> int:
    """Excel's day number (1900 date system) of ``day``."""
    return (day - date(1899, 12, 30)).days


def ru_number(value: float, thousands: str = NBSP) -> str:
    """``1610`` → ``"1 610,00"``: how a Russian Excel shows a number, pasted as text."""
    whole, _, fraction = f"{value:,.2f}".partition(".")
    return whole.replace(",", thousands) + "," + fraction


def rewrite_sheet_xml(path: Path, sheet_index: int, edit) -> None:
    """Replace the XML of the workbook's ``sheet_index``-th sheet (as openpyxl saves it)
    by ``edit(xml)``: for what only other programs write."""
    member = f"xl/worksheets/sheet{sheet_index + 1}.xml"
    with zipfile.ZipFile(path) as source:
        contents = {name: source.read(name) for name in source.namelist()}
    contents[member] = edit(contents[member].decode("utf-8")).encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in contents.items():
            target.writestr(name, data)


def cache_formula_results(path: Path, sheet_index: int, results: dict[str, object]) -> None:
    """Store each formula cell's result in the file, as Excel does when it saves.

    openpyxl writes formulas with an empty result (``<f>…</f><v />``); a workbook saved by
    Excel carries the computed value, which is what an importer reads.
    """

    def with_results(xml: str) -> str:
        for ref, value in results.items():
            xml, found = re.subn(rf'(<c r="{ref}"[^>]*>)(<f>[^<]*</f>)<v\s*/>', rf"\g<1>\g<2><v>{value}</v>", xml)
            assert found == 1, f"formula cell {ref} not found"
        return xml

    rewrite_sheet_xml(path, sheet_index, with_results)


class MessyPortfolio:
    """A copy of the shared portfolio made messy one habit at a time, then saved.

    Column labels are the original ones (the header may have been renamed since); cells
    are tracked as openpyxl cell objects, so inserted rows do not lose them.
    """

    def __init__(self, source: Path, folder: Path, xl) -> None:
        self.folder = folder
        self.wb = openpyxl.load_workbook(source)
        self.ws = self.wb.active
        header_row, self.col = xl.portfolio_header(self.ws)
        self.header = {label: self.ws.cell(header_row, c) for label, c in self.col.items()}
        self.rows = [
            [self.ws.cell(r, c) for c in range(1, self.ws.max_column + 1)] for r in xl.portfolio_data_rows(self.ws)
        ]
        self.totals = self.ws.cell(self.ws.max_row, 1)
        self.cached: dict[object, object] = {}  # formula cell → its result

    def cell(self, index: int, label: str):
        return self.rows[index][self.col[label] - 1]

    def rewrite(self, label: str, how) -> MessyPortfolio:
        """Replace every value of column ``label`` by ``how(value, row index)``."""
        for index in range(len(self.rows)):
            cell = self.cell(index, label)
            cell.value = how(cell.value, index)
        return self

    def rename(self, renames: dict[str, str]) -> MessyPortfolio:
        for label, new in renames.items():
            self.header[label].value = new
        return self

    def group_row(self) -> MessyPortfolio:
        """Insert a merged "Сделка" / "Позиция" row above the header, whose two "№"
        columns then only make sense under their group title."""
        row = self.header["№ сделки"].row
        self.ws.insert_rows(row)
        last = self.ws.max_column
        self.ws.cell(row, 1, "Сделка")
        self.ws.cell(row, self.col["№ поз."], "Позиция")
        self.ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=self.col["№ поз."] - 1)
        self.ws.merge_cells(start_row=row, start_column=self.col["№ поз."], end_row=row, end_column=last)
        return self.rename({"№ сделки": "№", "№ поз.": "№"})

    def blank_rows(self, before: tuple[int, ...], count: int = 2) -> MessyPortfolio:
        """Insert ``count`` empty rows before each data row index in ``before``."""
        for index in sorted(before, reverse=True):
            self.ws.insert_rows(self.rows[index][0].row, count)
        return self

    def formulas(self, label: str, every: int) -> MessyPortfolio:
        """Every ``every``-th value of ``label`` becomes ``=(value-1)+1``, result saved."""
        for index in range(0, len(self.rows), every):
            cell = self.cell(index, label)
            self.cached[cell] = cell.value
            cell.value = f"=({cell.value}-1)+1"
        return self

    def formatted_empty_rows(self, down_to: int) -> MessyPortfolio:
        """Borders and a fill on every cell below the data down to row ``down_to``."""
        fill = PatternFill("solid", start_color="FFFFF2CC")
        border = Border(bottom=Side(style="thin"))
        width = self.ws.max_column
        for row in range(self.totals.row + 1, down_to + 1):
            for column in range(1, width + 1):
                cell = self.ws.cell(row, column)
                cell.fill, cell.border = fill, border
        return self

    def hidden_copy_first(self, title: str, deal_prefix: str) -> MessyPortfolio:
        """A hidden sheet before the real one, with the same header and other deals."""
        decoy = self.wb.create_sheet(title, 0)
        decoy.append([c.value for c in self.ws[self.header["Клиент"].row]])
        for index in range(5):
            values = [c.value for c in self.rows[index]]
            values[self.col["№ сделки"] - 1] = f"{deal_prefix}-{index}"
            decoy.append(values)
        decoy.sheet_state = "hidden"
        self.wb.active = self.wb.worksheets.index(self.ws)
        return self

    def save(self, name: str = "messy.xlsx") -> Path:
        path = self.folder / name
        self.wb.save(path)
        if self.cached:
            cache_formula_results(
                path, self.wb.worksheets.index(self.ws), {c.coordinate: v for c, v in self.cached.items()}
            )
        return path


@pytest.fixture
def messy(shared_portfolio, tmp_path, xl):
    return lambda: MessyPortfolio(shared_portfolio, tmp_path, xl)


def assert_imports_as_the_shared_sheet(store, path: Path, sheet_positions, xl):
    report = import_portfolio(store, path, login="planner")
    stored = xl.stored_positions(store)
    assert stored.keys() == sheet_positions.keys()
    for key, expected in sheet_positions.items():
        assert stored[key] == expected, key
    assert report.rows_read == len(sheet_positions)
    assert report.rejected == []
    return report


# -- the portfolio ------------------------------------------------------------------------


def month_as(value: datetime, index: int):
    """The requested month written five ways in turn: date, serial, "январь 2027",
    "01.2027", "01.01.2027"."""
    return [
        value,
        excel_serial(value.date()),
        f"{RU_MONTHS[value.month - 1]} {value.year}",
        f"{value.month:02d}.{value.year}",
        f"{value.day:02d}.{value.month:02d}.{value.year}",
    ][index % 5]


def number_as(value, index: int):
    """A number written four ways in turn: as is, "1 610,00" (NBSP), "1 610,00" (space),
    "1610,5" (decimal comma, no thousands)."""
    if value is None:
        return None
    return [value, ru_number(value), ru_number(value, " "), str(value).replace(".", ",")][index % 4]


def flag_as(value: str, index: int):
    """да/нет written as the plant does: да, Да, 1 (number), "1"; нет, 0, "0", empty, НЕТ."""
    yes, no = ["да", "Да", 1, "1"], ["нет", 0, "0", None, "НЕТ"]
    return yes[index % 4] if value == "да" else no[index % 5]


HEADER_VARIANTS = {
    "Клиент": "Контрагент",
    "Ключевой клиент": "КЛЮЧЕВОЙ  КЛИЕНТ",
    "Менеджер": " Ответственный менеджер ",
    "Статус сделки": "Статус",
    "Диаметр, мм": f"Диаметр,{NBSP}мм",
    "Стенка, мм": "Толщина стенки, мм",
    "Длина, м": "Длина,м",
    "Количество, т": "Кол-во, тн",
    "Произведено, т": f"Произведено,{NBSP}{NBSP}тн",
    "Цена, руб/т": "Цена, руб./т",
    "Перем. затраты (металл), руб/т": "Перем. затраты (металл), руб./т",
    "Месяц поставки": "Срок\nпоставки",
}


def test_title_and_merged_group_row_above_the_header(plant_store, messy, sheet_positions, xl):
    path = messy().group_row().save()

    report = assert_imports_as_the_shared_sheet(plant_store, path, sheet_positions, xl)

    assert report.tables["portfolio"].endswith("header row 4")


def test_header_variants(plant_store, messy, sheet_positions, xl):
    path = messy().rename(HEADER_VARIANTS).save()

    assert_imports_as_the_shared_sheet(plant_store, path, sheet_positions, xl)


def test_table_that_does_not_start_in_column_a(plant_store, messy, sheet_positions, xl):
    book = messy()
    book.ws.insert_cols(1)
    path = book.save()

    assert_imports_as_the_shared_sheet(plant_store, path, sheet_positions, xl)


def test_blank_rows_in_the_middle_are_skipped(plant_store, messy, sheet_positions, xl):
    path = messy().blank_rows(before=(1, 2, 100, 350, 699), count=3).save()

    assert_imports_as_the_shared_sheet(plant_store, path, sheet_positions, xl)


def test_rows_after_blank_rows_are_reported_at_their_own_excel_row(plant_store, messy, xl):
    book = messy().blank_rows(before=(10, 20), count=4)
    bad = book.cell(30, "Количество, т")
    bad.value = "много"
    path = book.save()

    with pytest.raises(ImportRejected) as rejected:
        import_portfolio(plant_store, path, login="planner")

    [problem] = rejected.value.problems
    assert (problem.row, problem.column, problem.value) == (bad.row, bad.column_letter, "много")
    assert bad.row == book.header["Количество, т"].row + 30 + 1 + 8  # 8 blank rows inserted above it


def test_totals_row_and_formula_cells_with_saved_results(plant_store, messy, sheet_positions, xl):
    book = messy().formulas("Количество, т", every=7).formulas("Цена, руб/т", every=11)
    book.totals.value = "ИТОГО:"
    path = book.save()
    assert openpyxl.load_workbook(path).active[book.cell(7, "Количество, т").coordinate].value.startswith("=")

    assert_imports_as_the_shared_sheet(plant_store, path, sheet_positions, xl)


def test_totals_row_labelled_beside_its_sums(plant_store, messy, sheet_positions, xl):
    """Planners often put "Итого:" in the cell left of the first sum, not in column A."""
    book = messy()
    book.totals.value = None
    book.ws.cell(book.totals.row, book.col["Количество, т"] - 1, "Итого:")
    path = book.save()

    assert_imports_as_the_shared_sheet(plant_store, path, sheet_positions, xl)


def test_formula_without_a_saved_result_is_named_not_taken_as_empty(plant_store, messy):
    book = messy()
    cell = book.cell(5, "Количество, т")
    cell.value = "=100+110"  # a file written by a program and never opened in Excel
    path = book.save()

    with pytest.raises(ImportRejected) as rejected:
        import_portfolio(plant_store, path, login="planner")

    [problem] = rejected.value.problems
    assert (problem.row, problem.column) == (cell.row, cell.column_letter)
    assert "formula" in problem.why and "save" in problem.why


def test_formatted_empty_rows_down_to_row_5000(plant_store, messy, sheet_positions, xl):
    path = messy().formatted_empty_rows(down_to=5000).save()
    assert openpyxl.load_workbook(path, read_only=True).active.max_row == 5000

    assert_imports_as_the_shared_sheet(plant_store, path, sheet_positions, xl)


@pytest.mark.parametrize("dimension", ["A1:U10", "A1:C10"])
def test_a_stale_sheet_size_in_the_file_cuts_nothing_off(plant_store, messy, sheet_positions, xl, dimension):
    """Some programs write a wrong <dimension>; the rows and columns are there all the same."""
    path = messy().save()
    rewrite_sheet_xml(
        path, 0, lambda xml: re.sub(r'<dimension ref="[^"]*"\s*/>', f'<dimension ref="{dimension}"/>', xml)
    )
    assert openpyxl.load_workbook(path, read_only=True).active.max_row == 10

    assert_imports_as_the_shared_sheet(plant_store, path, sheet_positions, xl)


def test_hidden_sheet_with_the_same_header_first_is_ignored(plant_store, messy, sheet_positions, xl):
    book = messy().hidden_copy_first("Портфель (ноябрь)", deal_prefix="СТАРАЯ")
    book.wb.create_sheet("Пояснения", 1).append(["Портфель выгружен из 1С; не править вручную"])
    path = book.save()

    report = assert_imports_as_the_shared_sheet(plant_store, path, sheet_positions, xl)

    assert report.tables["portfolio"].startswith(f"sheet '{book.ws.title}'")


def test_months_as_dates_serials_and_text(plant_store, messy, sheet_positions, xl):
    path = messy().rewrite("Месяц поставки", month_as).save()

    assert_imports_as_the_shared_sheet(plant_store, path, sheet_positions, xl)


def test_numbers_as_text_with_decimal_comma_and_thousands_spaces(plant_store, messy, sheet_positions, xl):
    book = messy()
    for label in (
        "Количество, т",
        "Произведено, т",
        "Цена, руб/т",
        "Перем. затраты (металл), руб/т",
        "Длина, м",
        "Стенка, мм",
    ):
        book.rewrite(label, number_as)
    path = book.save()
    assert book.cell(1, "Количество, т").value == ru_number(
        sheet_positions[book.cell(1, "№ сделки").value, 2].tonnes_ordered
    )

    assert_imports_as_the_shared_sheet(plant_store, path, sheet_positions, xl)


def test_yes_no_flags_as_written(plant_store, messy, sheet_positions, xl):
    path = messy().rewrite("Ключевой клиент", flag_as).save()

    assert_imports_as_the_shared_sheet(plant_store, path, sheet_positions, xl)


def test_all_habits_at_once(plant_store, messy, sheet_positions, xl):
    book = (
        messy()
        .rewrite("Месяц поставки", month_as)
        .rewrite("Количество, т", number_as)
        .rewrite("Цена, руб/т", number_as)
        .rewrite("Ключевой клиент", flag_as)
        .formulas("Произведено, т", every=5)
        .hidden_copy_first("Портфель (ноябрь)", deal_prefix="СТАРАЯ")  # keeps the plain header
        .rename(HEADER_VARIANTS)
        .group_row()
        .blank_rows(before=(3, 333), count=2)
        .formatted_empty_rows(down_to=5000)
    )
    path = book.save()

    assert_imports_as_the_shared_sheet(plant_store, path, sheet_positions, xl)


# -- naming columns and sheets ------------------------------------------------------------


def test_mapping_file_names_unknown_columns_and_the_sheet(plant_store, messy, sheet_positions, xl, tmp_path):
    book = messy().rename({"Количество, т": "Объём отгрузки (тонн)", "Клиент": "Плательщик"})
    book.ws.title = "Факт"
    # A visible sheet with the same header comes first; the mapping file says which to take.
    visible_decoy = book.hidden_copy_first("План", deal_prefix="ПЛАН").wb["План"]
    visible_decoy.sheet_state = "visible"
    path = book.save()
    mapping = tmp_path / "mapping.toml"
    mapping.write_text(
        '[columns]\n"Объём отгрузки (тонн)" = "tonnes_ordered"\n"Плательщик" = "customer"\n'
        '[sheets]\nportfolio = "Факт"\n',
        encoding="utf-8",
    )

    report = import_portfolio(plant_store, path, login="planner", mapping_path=mapping)

    assert xl.stored_positions(plant_store) == sheet_positions
    assert report.tables["portfolio"].startswith("sheet 'Факт'")


def test_mapping_file_with_an_unknown_field_is_refused_by_name(plant_store, shared_portfolio, tmp_path):
    mapping = tmp_path / "mapping.toml"
    mapping.write_text('[columns]\n"Тоннаж" = "tonnage"\n', encoding="utf-8")

    with pytest.raises(ImportRejected) as rejected:
        import_portfolio(plant_store, shared_portfolio, login="planner", mapping_path=mapping)

    assert str(mapping) in str(rejected.value) and "tonnage" in str(rejected.value)


def test_missing_required_column_is_named_before_any_row_is_read(plant_store, messy, xl):
    book = messy().rename({"Количество, т": "Вес нетто"})
    book.cell(3, "Цена, руб/т").value = "дорого"  # a bad row that must not even be looked at
    path = book.save()
    counts = xl.store_counts(plant_store)

    with pytest.raises(ImportRejected) as rejected:
        import_portfolio(plant_store, path, login="planner")

    [problem] = rejected.value.problems
    assert "Количество, т" in problem.why and "tonnes_ordered" in problem.why
    assert (problem.sheet, problem.row, problem.column) == (book.ws.title, book.header["Клиент"].row, None)
    assert "Вес нетто" in problem.why  # the headers seen, to spot the misnamed one
    assert "дорого" not in str(rejected.value)
    assert xl.store_counts(plant_store) == counts


def test_column_in_a_wrong_unit_is_refused(plant_store, messy):
    path = messy().rename({"Количество, т": "Количество, кг"}).save()

    with pytest.raises(ImportRejected) as rejected:
        import_portfolio(plant_store, path, login="planner")

    assert any(p.header == "Количество, кг" and "кг" in p.why for p in rejected.value.problems)


# -- the mill register --------------------------------------------------------------------


def _merged_two_row_header(ws, groups: dict[str, tuple[str, str]], title: str) -> None:
    """Rewrite row 1's header as a title row and a two-row header: every column titled in
    a vertically merged cell, except ``groups`` (first column's label → group title, and
    the two sub-labels) whose group title is merged over its two columns."""
    header = [c.value for c in ws[1]]
    ws.insert_rows(1, 2)
    ws.cell(1, 1, title)
    column = 1
    while column <= len(header):
        label = header[column - 1]
        if label in groups:
            group, (low, high) = groups[label][0], groups[label][1:]
            ws.cell(2, column, group)
            ws.cell(3, column, low)
            ws.cell(3, column + 1, high)
            ws.merge_cells(start_row=2, start_column=column, end_row=2, end_column=column + 1)
            column += 2
        else:
            ws.cell(2, column, label)
            ws.cell(3, column).value = None
            ws.merge_cells(start_row=2, start_column=column, end_row=3, end_column=column)
            column += 1


BANDS = {
    "Диаметр от, мм": ("Диаметр, мм", "от", "до"),
    "Стенка от, мм": ("Стенка, мм", "от", "до"),
}


def messy_mills(source: Path, target: Path) -> Path:
    """The shared register with titles, merged "Диаметр, мм" / "Стенка, мм" groups over
    "от"/"до", calendar months written as text, dates and serials, a blank and a totals
    row in the calendar, and last year's calendar hidden before it."""
    wb = openpyxl.load_workbook(source)
    old = wb.copy_worksheet(wb["Фонд времени"])
    old.title, old.sheet_state = "Фонд времени (старый)", "hidden"
    for row in old.iter_rows(min_row=2, min_col=2):
        for cell in row:
            cell.value = 1  # would show if the hidden sheet were read
    wb.move_sheet(old, offset=-wb.index(old))
    _merged_two_row_header(wb["Агрегаты"], BANDS, "Реестр агрегатов на 01.12.2026")
    _merged_two_row_header(wb["Нормы производительности"], BANDS, "Нормы производительности, т/ч")
    calendar = wb["Фонд времени"]
    for cell in calendar[1][1:]:
        month: datetime = cell.value
        cell.value = [
            f"{RU_MONTHS[month.month - 1].capitalize()} {month.year} г.",
            f"{month.month:02d}.{month.year}",
            f"01.{month.month:02d}.{month.year}",
            month,
            excel_serial(month.date()),
            f"{month.year}-{month.month:02d}",
        ][cell.column % 6]
    calendar.insert_rows(1, 2)
    calendar.cell(1, 1, "Фонд рабочего времени, ч")
    calendar.insert_rows(6)  # a blank row inside the calendar
    last = calendar.max_row
    calendar.append(["Итого", *[f"=SUM({c.column_letter}4:{c.column_letter}{last})" for c in calendar[3][1:]]])
    for row in calendar.iter_rows(min_row=4, min_col=2):
        for cell in row[::3]:
            if isinstance(cell.value, int):
                cell.value = ru_number(cell.value)
    wb.save(target)
    return target


def test_mill_register_with_titles_merged_group_headers_and_text_months(import_store, shared_mills, tmp_path, xl):
    path = messy_mills(shared_mills, tmp_path / "mills-messy.xlsx")
    written = openpyxl.load_workbook(path)
    assert "F2:G2" in {str(r) for r in written["Агрегаты"].merged_cells.ranges}
    assert written.worksheets[0].title == "Фонд времени (старый)" and written.worksheets[0].sheet_state == "hidden"

    report = import_mills(import_store, path, login="planner")

    xl.assert_plant_equals_register(import_store, shared_mills)
    assert report.tables["mills"] == "sheet 'Агрегаты', header row 3"
    assert report.tables["norms"] == "sheet 'Нормы производительности', header row 3"
    assert report.tables["capacity"] == "sheet 'Фонд времени', header row 3"
    assert report.rejected == []
