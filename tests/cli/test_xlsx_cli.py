"""``--xlsx FILE`` on the report commands: the tables shown, every row, one sheet each, in the
user's language, numbers as numbers, dates as dates, frozen, filtered, printed A4 landscape."""

from __future__ import annotations

import openpyxl
import pytest
from typer.testing import CliRunner

from millplan import cli
from millplan.core.domain.i18n import _
from millplan.core.domain.months import month_text
from millplan.core.planning import run as planning
from millplan.storage.store import open_store
from tests.plants import PLAN_MONTH, tiny_plant

MONTH = str(PLAN_MONTH)


@pytest.fixture
def db(tmp_path) -> str:
    url = f"sqlite:///{tmp_path / 'xlsx.sqlite'}"
    store = open_store(url)
    tiny_plant(store)
    planning.plan(store, PLAN_MONTH, login="plm")
    store.dispose()
    return url


def _run(db, *args):
    result = CliRunner().invoke(cli.app, ["--db", db, *args])
    assert result.exit_code == 0, result.stderr
    return result


def test_assignment_show_writes_each_table_with_title_context_formats_and_print_setup(db, tmp_path):
    file = tmp_path / "assignment.xlsx"
    result = _run(db, "assignment", "show", "-m", MONTH, "-l", "L", "--xlsx", str(file))
    assert f"tables written to {file}" in result.stderr
    book = openpyxl.load_workbook(file)
    assert book.sheetnames[:3] == ["Mill load", "Lines", "Excluded"]
    lines = book["Lines"]
    assert lines["A1"].value == "Lines" and lines["A2"].value.startswith(
        f"L · {MONTH} · revision 1 · draft · report of "
    )
    header = [c.value for c in lines[3]]
    assert header == ["Mill", "Position", "Key", "Tonnes, t", "Made, t", "Hours, h", "Marg. inc., RUB", "Locked"]
    assert lines.freeze_panes == "A4"
    assert lines.auto_filter.ref == f"A3:H{3 + sum(1 for _ in lines.iter_rows(min_row=4))}"
    tonnes = lines.cell(4, 4)
    assert isinstance(tonnes.value, (int, float)) and tonnes.number_format == "#,##0.0"
    assert lines.page_setup.orientation == "landscape" and lines.page_setup.paperSize == 9
    # one page wide (1 is Excel's default width, left unwritten), as many pages tall as it takes
    assert lines.sheet_properties.pageSetUpPr.fitToPage and (lines.page_setup.fitToWidth or 1) == 1
    assert lines.page_setup.fitToHeight == 0
    assert lines.print_title_rows == "$3:$3"  # the header repeated on every page


def test_load_deals_and_history_write_their_tables(db, tmp_path):
    for args, sheet, first in (
        (["load"], "Mill load", "Mill"),
        (["deals"], "Deals waiting for acceptance", "Deal"),
        (["history"], "History", "When (plant time)"),
        (["positions"], "Positions", None),
    ):
        file = tmp_path / f"{args[0]}.xlsx"
        _run(db, *args, "--xlsx", str(file))
        book = openpyxl.load_workbook(file)
        assert sheet in book.sheetnames, book.sheetnames
        if first:
            assert book[sheet].cell(3, 1).value == first
        assert book[sheet]["A2"].value.startswith("report of ")  # every sheet says when it was made
    history = openpyxl.load_workbook(tmp_path / "history.xlsx")["History"]
    assert history.cell(4, 1).is_date and history.cell(4, 1).number_format == "dd.mm.yyyy hh:mm"


def test_a_book_names_the_line_month_and_filters_asked_for(db, tmp_path, russian):
    file = tmp_path / "history.xlsx"
    _run(db, "history", "--limit", "5", "--xlsx", str(file))
    assert openpyxl.load_workbook(file).active["A2"].value.startswith("отбор: --limit 5 · отчёт от ")
    file = tmp_path / "actuals.xlsx"
    _run(db, "actuals", "-m", MONTH, "-l", "L", "--all", "--xlsx", str(file))
    said = f"L · {month_text(PLAN_MONTH)} · отбор: --all · отчёт от "
    assert all(sheet["A2"].value.startswith(said) for sheet in openpyxl.load_workbook(file))


def test_headers_in_russian(db, tmp_path, russian):
    file = tmp_path / "ru.xlsx"
    _run(db, "assignment", "show", "-m", MONTH, "-l", "L", "--xlsx", str(file))
    book = openpyxl.load_workbook(file)
    lines = book[_("Lines")]
    assert lines["A1"].value == _("Lines")
    assert [c.value for c in lines[3]][:2] == [_("Mill"), _("Position")]
    assert lines.cell(3, 4).value == "{label}, {unit}".format(label=_("Tonnes"), unit=_("t"))
    assert _("t") == "т" and lines.cell(3, 4).value != "Tonnes, t"  # the catalogue speaks Russian here
    assert lines["A2"].value.startswith(f"L · {month_text(PLAN_MONTH)} · редакция 1 · черновик · отчёт от ")


def test_a_books_month_option_heads_its_sheets_as_russian_writes_months(db, tmp_path, russian):
    file = tmp_path / "ru.xlsx"
    _run(db, "actuals", "-m", MONTH, "-l", "L", "--xlsx", str(file))
    sheet = openpyxl.load_workbook(file).worksheets[0]
    assert sheet["A2"].value.startswith(f"L · {month_text(PLAN_MONTH)} · отчёт от ")  # янв 2027, not 2027-01


def test_roubles_carry_their_sign():
    from millplan.core.views.excel import in_roubles, number_format
    from millplan.core.views.tables import Column

    assert number_format(Column("p", "Penalty", "RUB", True, money=True)) == '#,##0 "₽"'
    assert number_format(Column("p", "Price", "RUB/h", True, 2, money=True)) == '#,##0.00 "₽"'
    # thousands of roubles on screen are roubles in the file
    assert number_format(in_roubles(Column("m", "MI", "k RUB", True, money=True))) == '#,##0 "₽"'
    assert number_format(in_roubles(Column("m", "MI", "kRUB", True, money=True))) == '#,##0 "₽"'  # the stale ledger's


def test_xlsx_with_json_is_refused_and_sheet_names_are_unique(db, tmp_path):
    result = CliRunner().invoke(cli.app, ["--db", db, "load", "--json", "--xlsx", str(tmp_path / "x.xlsx")])
    assert result.exit_code != 0 and "--json" in result.stderr
    file = tmp_path / "plan.xlsx"
    _run(db, "plan", "-m", MONTH, "--xlsx", str(file))
    names = openpyxl.load_workbook(file).sheetnames
    assert len(names) == len(set(names)) and all(len(n) <= 31 for n in names)
