"""Files that are not what they claim: missing, not a workbook, or the wrong workbook.
Each gives an ImportRejected naming the file, and the store is not touched."""

from __future__ import annotations

import zipfile

import openpyxl
import pytest

from core.importing.mills import import_mills
from core.importing.portfolio import import_portfolio
from core.importing.problems import ImportRejected

IMPORTS = {"portfolio": import_portfolio, "mills": import_mills}


def _not_workbooks(folder):
    """name → a file that is no .xlsx workbook, as planners send them."""
    csv = folder / "portfolio.csv"
    csv.write_text("№ сделки;Клиент\nС-1;ООО Ромашка\n", encoding="utf-8")
    xls = folder / "portfolio.xls"  # the old binary format: an OLE2 header
    xls.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504)
    text = folder / "renamed.xlsx"
    text.write_text("это не книга Excel", encoding="utf-8")
    other_zip = folder / "archive.xlsx"
    with zipfile.ZipFile(other_zip, "w") as z:
        z.writestr("readme.txt", "a zip, not a workbook")
    empty = folder / "empty.xlsx"
    empty.write_bytes(b"")
    return {"csv": csv, "xls": xls, "text": text, "zip": other_zip, "empty": empty, "folder": folder}


@pytest.mark.parametrize("kind", ["csv", "xls", "text", "zip", "empty", "folder"])
@pytest.mark.parametrize("what", sorted(IMPORTS))
def test_not_a_workbook_is_rejected_naming_the_file(plant_store, tmp_path, xl, kind, what):
    folder = tmp_path / "files"
    folder.mkdir()
    path = _not_workbooks(folder)[kind]
    dump = xl.store_dump(plant_store)

    with pytest.raises(ImportRejected) as rejected:
        IMPORTS[what](plant_store, path, login="planner")

    [problem] = rejected.value.problems
    assert problem.file == str(path) and rejected.value.path == str(path)
    assert "xlsx" in problem.why
    assert str(path) in str(rejected.value)
    assert xl.store_dump(plant_store) == dump


@pytest.mark.parametrize("name", ["missing.xlsx", "missing.xls"])
@pytest.mark.parametrize("what", sorted(IMPORTS))
def test_missing_file_is_rejected_naming_the_file(plant_store, tmp_path, name, what):
    path = tmp_path / name

    with pytest.raises(ImportRejected) as rejected:
        IMPORTS[what](plant_store, path, login="planner")

    [problem] = rejected.value.problems
    assert problem.why == "file not found"
    assert str(path) in str(rejected.value)


def test_missing_mapping_file_is_named(plant_store, shared_portfolio, tmp_path):
    mapping = tmp_path / "absent.toml"

    with pytest.raises(ImportRejected) as rejected:
        import_portfolio(plant_store, shared_portfolio, login="planner", mapping_path=mapping)

    assert str(mapping) in str(rejected.value)


def test_the_portfolio_given_as_the_mill_register_is_refused(import_store, shared_portfolio, xl):
    with pytest.raises(ImportRejected) as rejected:
        import_mills(import_store, shared_portfolio, login="planner")

    assert "Код агрегата" in str(rejected.value)
    assert xl.store_counts(import_store)["mills"] == 0


def test_a_broken_register_beside_good_norms_is_still_refused(import_store, shared_mills, tmp_path, xl):
    """A workbook of only a calendar or norms needs no register, but a register sheet
    with a misnamed column is reported, not skipped."""
    wb = openpyxl.load_workbook(shared_mills)
    wb["Агрегаты"]["D1"] = "Направление"  # was "Товарная линия"
    path = tmp_path / "mills-misnamed.xlsx"
    wb.save(path)

    with pytest.raises(ImportRejected) as rejected:
        import_mills(import_store, path, login="planner")

    [problem] = rejected.value.problems
    assert problem.sheet == "Агрегаты" and "Товарная линия" in problem.why
    assert xl.store_counts(import_store)["mills"] == 0


def test_an_empty_workbook_has_no_portfolio(plant_store, tmp_path):
    path = tmp_path / "blank.xlsx"
    openpyxl.Workbook().save(path)

    with pytest.raises(ImportRejected) as rejected:
        import_portfolio(plant_store, path, login="planner")

    assert "no visible sheet has the portfolio header" in str(rejected.value)
