"""core/views/excel.py: any TableView to a workbook — sheet names, cell types and formats, context."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import openpyxl

from millplan.core.domain.assignment import MillLoad
from millplan.core.domain.months import Month
from millplan.core.views.excel import SHEET_NAME, write_workbook
from millplan.core.views.tables import Column, TableView

COLUMNS = (
    Column("mill", "Mill"),
    Column("tonnes", "Tonnes", "t", True, 1),
    Column("penalty", "Penalty", "RUB", True, money=True),
    Column("due", "Due"),
    Column("at", "When"),
    Column("load", "Load"),
    Column("key", "Key"),
)
ROW = {
    "key": True,
    "mill": "M1",
    "tonnes": 1234.5,
    "penalty": Decimal("98765"),
    "due": date(2027, 1, 15),
    "at": datetime(2026, 12, 5, 9, 30, tzinfo=UTC),
    "load": MillLoad("M1", Month(2027, 1), 100.0, 91.0),
}


def test_cells_keep_their_types_and_formats(tmp_path, monkeypatch):
    monkeypatch.setenv("MILLPLAN_TIMEZONE", "Asia/Yekaterinburg")  # UTC+5: times read at the plant's clock
    file = tmp_path / "t.xlsx"
    made = datetime(2026, 12, 5, 15, 4, tzinfo=UTC)
    write_workbook(file, [TableView("Table", COLUMNS, (ROW,), "L · 2027-01 · revision 2 · approved")], "2027-01", made)
    sheet = openpyxl.load_workbook(file)["Table"]
    # the table's own context wins; the report's time at the plant's clock
    assert sheet["A2"].value == "L · 2027-01 · revision 2 · approved · report of 2026-12-05 20:04"
    assert [c.value for c in sheet[3]] == ["Mill", "Tonnes, t", "Penalty, RUB", "Due", "When", "Load", "Key"]
    mill, tonnes, penalty, due, at, load, key = sheet[4]
    assert (tonnes.value, tonnes.number_format) == (1234.5, "#,##0.0")
    assert (penalty.value, penalty.number_format) == (98765, '#,##0 "₽"')
    assert due.is_date and due.value == datetime(2027, 1, 15) and due.number_format == "dd.mm.yyyy"
    assert at.value == datetime(2026, 12, 5, 14, 30) and at.number_format == "dd.mm.yyyy hh:mm"
    assert (load.value, load.number_format) == (0.91, "0%")
    assert key.value == "yes"
    assert (sheet.freeze_panes, sheet.auto_filter.ref) == ("A4", "A3:G4")


def test_sheet_names_are_what_excel_accepts_and_unique(tmp_path):
    file = tmp_path / "t.xlsx"
    title = "Plan [by mill]: a/b\\c? * and a very long tail indeed"
    write_workbook(file, [TableView(title, COLUMNS[:1], ()), TableView(title, COLUMNS[:1], ())])
    names = openpyxl.load_workbook(file).sheetnames
    assert len(set(names)) == 2 and all(len(n) <= SHEET_NAME for n in names)
    assert not any(ch in n for n in names for ch in "[]:*?/\\")
    assert names[1].endswith(" 2")


def test_a_table_without_context_still_says_when_the_report_was_made(tmp_path, monkeypatch):
    monkeypatch.setenv("MILLPLAN_TIMEZONE", "UTC")
    file = tmp_path / "t.xlsx"
    made = datetime(2026, 12, 5, 9, 30, tzinfo=UTC)
    write_workbook(file, [TableView("Table", COLUMNS[:2], ({"mill": "M1", "tonnes": 5.0},))], "ТБД · stale 30", made)
    sheet = openpyxl.load_workbook(file)["Table"]
    assert sheet["A2"].value == "ТБД · stale 30 · report of 2026-12-05 09:30"
    assert [c.value for c in sheet[3]] == ["Mill", "Tonnes, t"] and sheet.freeze_panes == "A4"
    assert sheet.print_title_rows == "$3:$3"


def test_the_file_holds_whole_figures_money_in_exact_roubles(tmp_path, russian):
    columns = (
        Column("month", "Month"),
        Column("margin", "At stake", "k RUB", True, money=True),
        Column("hours", "Hours", "h", True, 1),
        Column("available", "Available", "h", True),
    )
    file = tmp_path / "t.xlsx"
    row = {
        "month": Month(2027, 2),
        "margin": Decimal("2121000.37") / 1000,
        "hours": 360.3000000000002,
        "available": 0.46,
    }
    write_workbook(file, [TableView("T", columns, (row,))])
    sheet = openpyxl.load_workbook(file)["T"]
    month, margin, hours, available = sheet[4]
    assert month.is_date and month.value == datetime(2027, 2, 1) and month.number_format == "mmm yyyy"
    # the screen's thousands of roubles are roubles in the file, to the kopeck
    assert sheet["B3"].value == "At stake, руб."
    assert Decimal(str(margin.value)) == Decimal("2121000.37") and margin.number_format == '#,##0 "₽"'
    assert (hours.value, hours.number_format) == (360.3, "#,##0.0")  # a float's noise dropped, not its decimals
    assert (available.value, available.number_format) == (0.46, "#,##0.0")  # hours: one decimal at least
