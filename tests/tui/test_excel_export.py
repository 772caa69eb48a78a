"""Ctrl+E in any pane or screen: the tables it shows, every row, to an .xlsx file, named in a notification."""

from __future__ import annotations

from decimal import Decimal

import openpyxl

from millplan.core.planning import run as planning
from millplan.tui import export
from millplan.tui.app import MillplanApp
from millplan.tui.widgets.assignment.pane import AssignmentPane
from millplan.tui.widgets.load_pane import LoadPane
from millplan.tui.widgets.view_table import ViewTable
from tests.plants import PLAN_MONTH, staff, tiny_plant
from tests.tui.pilot import SIZE, messages, settle


def _book(folder):
    files = list(folder.glob("*.xlsx"))
    assert len(files) == 1, files
    return files[0], openpyxl.load_workbook(files[0])


async def _export(pilot, folder):
    pilot.app.export_folder = folder
    await pilot.press("ctrl+e")
    await pilot.pause()


async def test_ctrl_e_exports_the_load_pane_and_names_the_file(sqlite_store, tmp_path):
    tiny_plant(sqlite_store)
    app = MillplanApp(sqlite_store, "plm", month=PLAN_MONTH)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await _export(pilot, tmp_path)
        file, book = _book(tmp_path)
        assert file.name.startswith("millplan-load-") and f"Excel file saved: {file}" in messages(app)
    sheet = book["Mill load"]
    assert sheet["A1"].value == "Mill load"
    assert sheet["A2"].value.startswith("report of ")
    header = [c.value for c in sheet[3]]
    assert header[0] == "Mill"
    assert {row[0].value for row in sheet.iter_rows(min_row=4)} == {"M1", "M2"}
    assert sheet.freeze_panes == "A4"


async def test_ctrl_e_in_the_assignment_pane_writes_lines_and_exclusions_with_the_revision(sqlite_store, tmp_path):
    tiny_plant(sqlite_store)
    planning.plan(sqlite_store, PLAN_MONTH, login="plm")
    app = MillplanApp(sqlite_store, "plm", month=PLAN_MONTH)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f4")
        await settle(pilot)
        await _export(pilot, tmp_path)
    _, book = _book(tmp_path)
    assert book.sheetnames[:2] == ["Lines", "Excluded"]
    lines = book["Lines"]
    assert "revision 1 · draft · report of " in lines["A2"].value and str(PLAN_MONTH) in lines["A2"].value
    tonnes = [c.value for c in lines[3]].index("Tonnes, t")
    assert isinstance(lines.cell(4, tonnes + 1).value, (int, float))
    assert lines.cell(4, tonnes + 1).number_format == "#,##0.0"


async def test_ctrl_e_in_the_inbox_exports_its_table_with_times_as_dates(sqlite_store, tmp_path):
    tiny_plant(sqlite_store)
    staff(sqlite_store)
    planning.plan(sqlite_store, PLAN_MONTH, login="plm")  # the sales manager hears of the plan
    app = MillplanApp(sqlite_store, "ivanov", month=PLAN_MONTH)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("i")
        await settle(pilot)
        await _export(pilot, tmp_path)
    file, book = _book(tmp_path)
    assert file.name.startswith("millplan-inboxscreen-")
    sheet = book["Inbox"]
    when = [c.value for c in sheet[3]].index("When (plant time)") + 1
    assert sheet.cell(4, when).is_date and sheet.cell(4, when).number_format == "dd.mm.yyyy hh:mm"


async def test_nothing_shown_nothing_written(sqlite_store, tmp_path):
    app = MillplanApp(sqlite_store, "plm", month=PLAN_MONTH)  # an empty plant: the deals pane lists none
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f3")
        await settle(pilot)
        app.query_one("#deals-table").blank()
        await _export(pilot, tmp_path)
        assert "No table shown to export." in messages(app)
    assert not list(tmp_path.glob("*.xlsx"))


def test_a_terminal_export_goes_to_xdg_download_dir_when_set(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DOWNLOAD_DIR", str(tmp_path / "dl"))
    assert export.downloads_folder() == tmp_path / "dl"
    monkeypatch.delenv("XDG_DOWNLOAD_DIR")
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "cfg"))  # no user-dirs.dirs there
    assert export.downloads_folder() == tmp_path / "Downloads"


def _contents(book) -> dict[str, list[tuple]]:
    """Every sheet's cells from the header down (the title rows carry the report's time)."""
    return {name: [tuple(c.value for c in row) for row in book[name].iter_rows(min_row=3)] for name in book.sheetnames}


async def test_the_export_is_the_same_at_any_width_every_month_whole(sqlite_store, tmp_path, russian):
    """The screen may leave months out; the file holds the pane's every column."""
    tiny_plant(sqlite_store)
    books = []
    for width, folder in ((56, tmp_path / "narrow"), (140, tmp_path / "wide")):
        app = MillplanApp(sqlite_store, "plm", month=PLAN_MONTH)
        async with app.run_test(size=(width, 24)) as pilot:
            await settle(pilot)
            await _export(pilot, folder)
            months = [str(m) for m in app.query_one(LoadPane).report.months]
            shown = [c.key for c in app.query_one("#load-table", ViewTable).view.columns][1:-1]
        books.append(_contents(_book(folder)[1]))
        if width == 56:
            assert len(shown) < len(months)  # the screen shortened
    assert books[0] == books[1]
    header = books[0]["Загрузка агрегатов"][0]
    assert len(header) == len(months) + 2  # the mill, every month, the horizon


async def test_the_assignment_export_holds_whole_reasons_and_exact_roubles(sqlite_store, tmp_path):
    tiny_plant(sqlite_store)
    outcome = planning.plan(sqlite_store, PLAN_MONTH, login="plm")
    app = MillplanApp(sqlite_store, "plm", month=PLAN_MONTH)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f4")
        await settle(pilot)
        assignment = app.query_one(AssignmentPane).assignment
        await _export(pilot, tmp_path)
    _, book = _book(tmp_path)
    excluded = book["Excluded"]
    assert [c.value for c in excluded[3]] == ["Position", "Left out, t", "Reason"]
    reasons = {row[0].value: row[2].value for row in excluded.iter_rows(min_row=4)}
    assert assignment.exclusions and outcome
    assert reasons == {e.position_ref: e.reason for e in assignment.exclusions}  # the sentence, not its short form
    lines = book["Lines"]
    header = [c.value for c in lines[3]]
    income = header.index("Marg. inc., RUB")
    mill, position = header.index("Mill"), header.index("Position")
    cells = {(row[mill].value, row[position].value): row[income] for row in lines.iter_rows(min_row=4)}
    for line in assignment.lines:
        cell = cells[line.mill_code, line.position_ref]
        assert Decimal(str(cell.value)) == line.marginal_income and cell.number_format == '#,##0 "₽"'
