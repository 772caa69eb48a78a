"""Reading merged ranges and unsaved formulas from a sheet's raw XML (core.importing.sheet_xml),
on sheets written as Excel, openpyxl and other programs write them."""

from __future__ import annotations

import zipfile

from millplan.core.importing.sheet_xml import MergedRange, sheet_facts

PART = "xl/worksheets/sheet1.xml"


def sheet(tmp_path, rows: str, after: str = "", prefix: str = ""):
    """A file holding only a worksheet part with ``rows`` inside its sheetData."""
    p = f"{prefix}:" if prefix else ""
    ns = f'xmlns{":" + prefix if prefix else ""}="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    xml = f'<?xml version="1.0"?>\n<{p}worksheet {ns}><{p}sheetData>{rows}</{p}sheetData>{after}</{p}worksheet>'
    path = tmp_path / "book.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(PART, xml)
    return path


def test_formulas_without_a_saved_result_are_found_with_their_cells(tmp_path):
    path = sheet(
        tmp_path,
        '<row r="2"><c r="A2"><f>1+2</f><v>3</v></c>'  # saved, as Excel writes it
        '<c r="B2"><f>1+2</f><v /></c>'  # openpyxl: an empty result
        '<c r="C2"><f>1+2</f></c>'  # no result at all
        '<c r="D2" t="str"><f>""</f><v></v></c>'  # a text formula whose saved result is empty text
        '<c r="E2" t="str"><f>A1&amp;"x"</f></c></row>'  # a text formula never computed
        '<row r="3"><c r="AB3"><f t="shared" si="0" ref="AB3:AB4">A3*2</f><v></v></c></row>'
        '<row r="4"><c r="AB4"><f t="shared" si="0"/></c><c r="AC4" s="1"/><c r="AD4"><v>7</v></c></row>',
    )

    facts = sheet_facts(path, PART)

    assert facts.unsaved == {(2, 1), (2, 2), (2, 4), (3, 27), (4, 27)}
    assert facts.unplaced == 0 and facts.merged == ()


def test_prefixed_tags_and_cells_without_a_reference(tmp_path):
    path = sheet(
        tmp_path,
        '<x:row r="5"><x:c r="B5"><x:f>1</x:f></x:c><x:c><x:f>2</x:f></x:c><x:c r="D5"><x:f>3</x:f><x:v>3</x:v></x:c></x:row>',
        '<x:mergeCells count="1"><x:mergeCell ref="A6:C8"/></x:mergeCells>',
        prefix="x",
    )

    facts = sheet_facts(path, PART)

    assert facts.unsaved == {(5, 1)}
    assert facts.unplaced == 1  # written without r: its place is unknown
    assert facts.merged == (MergedRange(min_row=6, min_col=1, max_row=8, max_col=3),)


def test_merged_ranges_after_the_data_and_a_single_merged_cell(tmp_path):
    path = sheet(
        tmp_path,
        '<row r="1"><c r="A1" t="s"><v>0</v></c></row>',
        '<mergeCells count="2"><mergeCell ref="B2:B40"/><mergeCell ref="D3"/></mergeCells>',
    )

    assert sheet_facts(path, PART).merged == (MergedRange(2, 2, 40, 2), MergedRange(3, 4, 3, 4))


ROWS = (
    '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>'
    '<row r="2"><c r="A2" s="3"/><c r="C2"><v>12.5</v></c></row>'  # a formatted blank, then a number
    '<row r="3" spans="1:4"/>'  # formatted, nothing in it
    '<row r="4"><c r="B4"><v/></c><c r="D4"><f>1+1</f></c></row>'  # only an unsaved formula, in D
    "<row><c><v>7</v></c></row>"  # no references at all: the row after 4
    '<row r="9"><c r="A9" t="inlineStr"><is><t>Итого</t></is></c><c r="B9"><v>99</v></c></row>'
    '<row r="12"><c r="F12" t="str"><f>"x"</f><v>x</v></c></row>'  # a saved text formula, in F
    '<row r="20"><c r="B20" t="s"><v>2</v></c></row>'  # "  Всего:" from the shared strings
)
SHARED = ("№ сделки", "Клиент", "  Всего:")


def totals(text: str) -> bool:
    return text.strip().lower().startswith(("итого", "всего"))


def test_rows_holding_a_value_are_noted_with_their_first_column_and_totals_labels(tmp_path):
    facts = sheet_facts(sheet(tmp_path, ROWS), PART, shared_strings=SHARED, is_totals=totals)

    assert list(facts.filled) == [1, 0, 2, 2, 4, 3, 5, 0, 9, 0, 12, 5, 20, 1]
    assert facts.totals == {9, 20}
    assert facts.filled_after(1, 4) == [2, 4, 5]  # row 12's value lies beyond 4 columns; totals left out
    assert facts.filled_after(4, 8) == [5, 12]
    assert facts.filled_after(20, 8) == []


def test_the_sheet_is_read_in_blocks_that_split_rows_anywhere(tmp_path, monkeypatch):
    """A block boundary inside a tag or a cell changes nothing (the XML is streamed)."""
    merged = '<mergeCells count="1"><mergeCell ref="A30:B31"/></mergeCells>'
    for prefix in ("", "x"):
        rows, after = (
            (ROWS, merged)
            if not prefix
            else (ROWS.replace("<", "<x:").replace("<x:/", "</x:"), merged.replace("<", "<x:").replace("<x:/", "</x:"))
        )
        path = sheet(tmp_path, rows, after, prefix=prefix)
        whole = sheet_facts(path, PART, shared_strings=SHARED, is_totals=totals)
        assert whole.unsaved == {(4, 3)} and whole.merged == (MergedRange(30, 1, 31, 2),) and whole.totals == {9, 20}
        for size in (1, 7, 64):
            monkeypatch.setattr("millplan.core.importing.sheet_xml.CHUNK", size)
            streamed = sheet_facts(path, PART, shared_strings=SHARED, is_totals=totals)
            assert (streamed.unsaved, streamed.merged, list(streamed.filled), streamed.totals) == (
                whole.unsaved,
                whole.merged,
                list(whole.filled),
                whole.totals,
            )
        monkeypatch.undo()
