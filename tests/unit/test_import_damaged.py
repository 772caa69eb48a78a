"""A damaged workbook is a bad file named as such, never a traceback: each file here is a
valid portfolio written with openpyxl, then one part of its zip rewritten or cut."""

from __future__ import annotations

import pytest

from millplan.core.importing.portfolio import import_portfolio
from millplan.core.importing.problems import ImportRejected
from tests.portfolio_files import (
    POSITIONS,
    SPELLED,
    position,
    protected_by_an_unknown_attribute,
    rewrite,
    write_portfolio,
)

SHEET = "xl/worksheets/sheet1.xml"


def _rows_cut_short(data: bytes) -> bytes:
    """The sheet's XML broken after its 40th row: the header reads, the data does not parse."""
    cut = data.index(b'<row r="41"')
    return data[:cut] + b'<row r="41"><c r="A41" t="inlineStr"><is><t>D-1</t></is></c></row</sheetData></worksheet>'


@pytest.mark.parametrize(
    "part, change, sheet",
    [
        ("xl/workbook.xml", protected_by_an_unknown_attribute, None),
        ("xl/workbook.xml", lambda data: data[: len(data) // 2], None),  # XML that ends mid-tag
        (SHEET, lambda data: data.replace(b"<sheetData>", b"<sheetData><row", 1), "Заказы"),  # no header row to read
        (SHEET, _rows_cut_short, "Заказы"),  # broken below the rows the header search reads
    ],
    ids=["unknown-attribute", "workbook-cut", "sheet-broken-at-top", "sheet-broken-below-header"],
)
def test_a_damaged_part_is_rejected_naming_the_file_and_the_part(plant_store, tmp_path, xl, part, change, sheet):
    rows = [position("Д-7", n, "ООО А", "да", 0) for n in range(1, 60)]
    valid = write_portfolio(tmp_path / "valid.xlsx", SPELLED, rows)
    path = tmp_path / "damaged.xlsx"
    rewrite(valid, path, part, change)
    dump = xl.store_dump(plant_store)

    with pytest.raises(ImportRejected) as rejected:
        import_portfolio(plant_store, path, login="planner")

    [problem] = rejected.value.problems
    assert (problem.file, problem.sheet) == (str(path), sheet)
    assert problem.why.startswith(f"is damaged or not a workbook millplan can read: its part {part} cannot be read (")
    assert str(path) in str(rejected.value)
    assert xl.store_dump(plant_store) == dump
    import_portfolio(plant_store, valid, login="planner")  # the same book undamaged reads


def test_a_truncated_zip_is_rejected_naming_the_file(plant_store, tmp_path):
    path = write_portfolio(tmp_path / "cut.xlsx", SPELLED, POSITIONS)
    path.write_bytes(path.read_bytes()[:3000])  # the zip's directory, at its end, is lost

    with pytest.raises(ImportRejected) as rejected:
        import_portfolio(plant_store, path, login="planner")

    [problem] = rejected.value.problems
    assert problem.file == str(path)
    assert problem.why.startswith("is damaged or not a workbook millplan can read (BadZipFile")
