"""Files that are not what they claim: missing, not a workbook, or the wrong workbook.
Each gives an ImportRejected naming the file, and the store is not touched."""

from __future__ import annotations

import zipfile

import openpyxl
import pytest

from millplan.core.importing.mills import import_mills
from millplan.core.importing.portfolio import import_portfolio
from millplan.core.importing.problems import ImportRejected

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
    assert "xlsx" in problem.why or "not a workbook millplan can read" in problem.why  # the zip: no workbook part
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


# -- what the file really is ------------------------------------------------------------

FREE, END, FAT_SECTOR = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD


def compound_file(streams: dict[str, bytes]) -> bytes:
    """An OLE2 compound file ([MS-CFB] version 3, 512-byte sectors) holding ``streams`` in
    its root storage, as Excel 97–2003 and Office encryption write them. Streams are padded
    to 4 096 bytes so they all live in ordinary sectors (no mini stream to write)."""
    import struct

    sector = 512
    names = list(streams)
    entries = 1 + len(names)
    directory_sectors = -(-entries * 128 // sector)
    fat = [FAT_SECTOR] + [n + 2 for n in range(directory_sectors - 1)] + [END]
    data_sectors, contents = [], []
    for name in names:
        body = streams[name].ljust(max(4096, len(streams[name])), b"\0")
        count = -(-len(body) // sector)
        first = len(fat)
        fat += [first + n + 1 for n in range(count - 1)] + [END]
        data_sectors.append((first, len(body)))
        contents.append(body.ljust(count * sector, b"\0"))
    assert len(fat) <= sector // 4, "one FAT sector is enough for these small files"
    fat += [FREE] * (sector // 4 - len(fat))

    def entry(name: str, kind: int, child: int, right: int, start: int, size: int) -> bytes:
        encoded = (name + "\0").encode("utf-16-le")
        return (
            encoded.ljust(64, b"\0")
            + struct.pack("<HBB", len(encoded), kind, 1)
            + struct.pack("<III", FREE, right, child)
            + b"\0" * 36
            + struct.pack("<IQ", start, size)
        )

    directory = entry("Root Entry", 5, 1 if names else FREE, FREE, END, 0)
    for index, (name, (start, size)) in enumerate(zip(names, data_sectors), start=1):
        directory += entry(name, 2, FREE, index + 1 if index < len(names) else FREE, start, size)
    directory = directory.ljust(directory_sectors * sector, b"\0")
    header = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + b"\0" * 16
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + b"\0" * 6
        + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, END, 0, END, 0)
        + struct.pack("<109I", 0, *[FREE] * 108)
    )
    return header + struct.pack(f"<{sector // 4}I", *fat) + directory + b"".join(contents)


def biff_book(password: bool) -> bytes:
    """The start of an .xls "Workbook" stream: a BOF record, then FILEPASS if it has a password to open."""
    import struct

    bof = struct.pack("<HH", 0x0809, 16) + b"\x00\x06\x05\x00" + b"\0" * 12
    filepass = struct.pack("<HH", 0x002F, 6) + b"\x01\x00\x01\x00\x01\x00" if password else b""
    return bof + filepass + struct.pack("<HH", 0x00E1, 0)


def _disguised(folder, kind):
    """name → (file, words its refusal must say)."""
    encrypted = compound_file({"EncryptionInfo": b"\x04\x00\x04\x00", "EncryptedPackage": b"\x10" * 5000})
    old = compound_file({"Workbook": biff_book(password=False)})
    files = {
        "encrypted xlsx": ("secret.xlsx", encrypted, "password-protected workbook"),
        "xls": ("old.xls", old, "old Excel 97–2003 .xls workbook;"),
        "xls renamed xlsx": ("old.xlsx", old, ".xls workbook renamed '.xlsx'"),
        "xls with a password": (
            "old.xls",
            compound_file({"Workbook": biff_book(password=True)}),
            ".xls workbook with a password",
        ),
        "word document": ("letter.xlsx", compound_file({"WordDocument": b"\0" * 10}), "another kind"),
        "random bytes": ("noise.xlsx", bytes(range(256)) * 40, "neither .xlsx nor .xls"),
        "web page": (
            "export.xls",
            b"\xef\xbb\xbf<html><body><table><tr><td>1</td></tr></table></body></html>",
            "web page",
        ),
    }
    name, content, words = files[kind]
    path = folder / name
    path.write_bytes(content)
    return path, words


@pytest.mark.parametrize(
    "kind",
    ["encrypted xlsx", "xls", "xls renamed xlsx", "xls with a password", "word document", "random bytes", "web page"],
)
@pytest.mark.parametrize("what", sorted(IMPORTS))
def test_a_file_is_named_for_what_it_really_is(plant_store, tmp_path, xl, kind, what):
    path, words = _disguised(tmp_path, kind)
    dump = xl.store_dump(plant_store)

    with pytest.raises(ImportRejected) as rejected:
        IMPORTS[what](plant_store, path, login="planner")

    [problem] = rejected.value.problems
    assert problem.file == str(path)
    assert words in problem.why
    assert xl.store_dump(plant_store) == dump


def test_an_xlsx_named_xls_is_told_to_be_renamed(plant_store, shared_portfolio, tmp_path):
    path = tmp_path / "portfolio.xls"
    path.write_bytes(shared_portfolio.read_bytes())

    with pytest.raises(ImportRejected) as rejected:
        import_portfolio(plant_store, path, login="planner")

    assert "is an .xlsx workbook named '.xls'; rename it to .xlsx" in str(rejected.value)
