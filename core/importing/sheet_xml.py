"""What only a sheet's own XML tells: merged ranges, formulas whose result was never saved,
and which rows hold anything.

openpyxl's fast read-only mode gives a formula cell's saved result, and ``None`` both for
an empty cell and for a formula no program ever computed (a file written by a script and
never opened in Excel); it does not give merged ranges at all. Both are read here from the
sheet's XML in one streamed pass of regular expressions over the raw bytes, a block of
whole rows at a time (no XML parse, never the whole sheet in memory: a 50 000-row sheet
costs a few tens of milliseconds). A formula's result follows it in the cell
(``<c r="B7"><f>…</f><v>…</v></c>``, ECMA-376 §18.3.1.4); one without is unsaved. An
empty result of a text formula (``t="str"`` with ``<v></v>``) is a saved empty text.
The same pass notes each row holding a value, so rows far below where the reader stops
(:data:`millplan.core.importing.workbook.BLANK_RUN_END`) are counted without parsing them.
"""

from __future__ import annotations

import re
import zipfile
from array import array
from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache
from html import unescape
from pathlib import Path

from openpyxl.utils.cell import column_index_from_string, range_boundaries

_ROOT = re.compile(rb"<(\w+:)?worksheet[\s>]")
CHUNK = 1 << 20
"""Bytes read from the compressed part at a time."""


@dataclass(frozen=True)
class MergedRange:
    """A merged range in Excel numbers: rows and columns 1-based, both ends included."""

    min_row: int
    min_col: int
    max_row: int
    max_col: int


@dataclass(frozen=True)
class SheetFacts:
    """``unsaved``: (Excel row, 0-based column) of each formula cell without a saved result;
    ``unplaced``: how many such cells the file wrote without a cell reference (so their
    place is unknown); ``merged``: the merged ranges."""

    unsaved: frozenset[tuple[int, int]] = frozenset()
    unplaced: int = 0
    merged: tuple[MergedRange, ...] = ()
    filled: array = field(default_factory=lambda: array("l"))
    """Excel numbers of the rows holding a value or an unsaved formula, ascending, each
    followed by the 0-based column of its first such cell (0 when the file names none)."""
    totals: frozenset[int] = frozenset()
    """Rows whose first value is a text the caller's ``is_totals`` takes for a totals label."""

    def filled_after(self, row: int, width: int) -> list[int]:
        """Excel numbers of the rows below ``row`` holding something in the first ``width``
        columns, totals rows left out."""
        rows = self.filled[0::2]
        start = bisect_right(rows, row)
        return [
            number
            for number, column in zip(rows[start:], self.filled[2 * start + 1 :: 2])
            if column < width and number not in self.totals
        ]


@cache
def _patterns(prefix: bytes) -> tuple[re.Pattern[bytes], ...]:
    """The unsaved-formula, merged-range, row-opening and value patterns for tags written
    ``<prefix:tag>`` (some writers put the main namespace under a prefix such as ``x:``)."""
    p = re.escape(prefix)
    unsaved = re.compile(
        rb"<" + p + rb"f\b[^>]*?(?:/>|>[^<]*</" + p + rb"f>)\s*"  # the formula
        rb"(<" + p + rb"v\s*/>|<" + p + rb"v\s*>\s*</" + p + rb"v>)?\s*"  # an empty result, or none
        rb"</" + p + rb"c>"
    )
    merged = re.compile(rb"<" + p + rb'mergeCell\s[^>]*?ref="([A-Z]+\d+(?::[A-Z]+\d+)?)"')
    row = re.compile(rb"<" + p + rb"row\b([^>]*)>")
    value = re.compile(rb"<" + p + rb"v>([^<]+)<|<" + p + rb"is>(.*?)</" + p + rb"is>", re.S)
    return unsaved, merged, row, value


_REFERENCE = re.compile(rb'\sr="([A-Z]+)(\d+)"')
_ROW_NUMBER = re.compile(rb'\sr="(\d+)"')
_TEXT_TYPE = re.compile(rb'\st="str"')
_TYPE = re.compile(rb'\st="(\w+)"')
_INLINE_TEXT = re.compile(rb"<(?:\w+:)?t\b[^>]*>([^<]*)<")


class _Scan:
    """The state of one pass over a sheet's rows, fed blocks of whole rows."""

    def __init__(self, prefix: bytes, shared_strings: Sequence[str], is_totals: Callable[[str], bool]) -> None:
        self.unsaved_pattern, _, self.row_pattern, self.value_pattern = _patterns(prefix)
        self.cell_start = b"<" + prefix + b"c"
        self.shared_strings, self.is_totals = shared_strings, is_totals
        self.unsaved: set[tuple[int, int]] = set()
        self.unplaced = 0
        self.filled = array("l")
        self.totals: set[int] = set()
        self.row = 0  # the last row seen: a row without r="" is the next one

    def feed(self, block: bytes) -> None:
        unsaved_rows: dict[int, int] = {}
        for found in self.unsaved_pattern.finditer(block):
            opening = self._opening(block, found.start())
            if found[1] is not None and _TEXT_TYPE.search(opening):
                continue  # a text formula whose saved result is empty text
            reference = _REFERENCE.search(opening)
            if reference is None:
                self.unplaced += 1
                continue
            place = (int(reference[2]), column_index_from_string(reference[1].decode()) - 1)
            self.unsaved.add(place)
            unsaved_rows[place[0]] = min(place[1], unsaved_rows.get(place[0], place[1]))
        openings = list(self.row_pattern.finditer(block))
        for index, opening in enumerate(openings):
            number = _ROW_NUMBER.search(opening[1])
            self.row = int(number[1]) if number else self.row + 1
            if opening[1].endswith(b"/"):
                continue  # <row r="9"/>: nothing in it
            end = openings[index + 1].start() if index + 1 < len(openings) else len(block)
            value = self.value_pattern.search(block, opening.end(), end)
            column = self._first_value(block, value) if value else None
            if self.row in unsaved_rows:
                column = min(unsaved_rows[self.row], column if column is not None else unsaved_rows[self.row])
            if column is not None:
                self.filled.extend((self.row, column))

    def _opening(self, block: bytes, before: int) -> bytes:
        start = block.rfind(self.cell_start, 0, before)
        return block[start : block.find(b">", start) + 1]

    def _first_value(self, block: bytes, value: re.Match[bytes]) -> int:
        """The 0-based column of the cell holding ``value``; notes the row as a totals row
        when that first value is a text taken for a totals label."""
        opening = self._opening(block, value.start())
        reference = _REFERENCE.search(opening)
        kind = _TYPE.search(opening)
        kind = kind[1] if kind else b"n"
        if kind == b"s" and value[1] is not None and value[1].strip().isdigit():
            index = int(value[1])
            text = self.shared_strings[index] if index < len(self.shared_strings) else ""
        elif kind == b"inlineStr" and value[2] is not None:
            text = "".join(t.decode() for t in _INLINE_TEXT.findall(value[2]))
        elif kind == b"str" and value[1] is not None:
            text = value[1].decode()
        else:
            text = ""
        if text and self.is_totals(unescape(text) if kind != b"s" else text):
            self.totals.add(self.row)
        return column_index_from_string(reference[1].decode()) - 1 if reference else 0


def sheet_facts(
    path: Path, part: str, *, shared_strings: Sequence[str] = (), is_totals: Callable[[str], bool] = lambda text: False
) -> SheetFacts:
    """Read the facts of the worksheet stored at ``part`` (e.g. ``xl/worksheets/sheet1.xml``)
    in the .xlsx file ``path``, streaming it; ``shared_strings`` are the workbook's (to read
    a row's first text), ``is_totals`` says whether such a text labels a totals row.
    Raises ``KeyError`` if the part is missing."""
    with zipfile.ZipFile(path) as archive, archive.open(part) as stream:
        tail = b""  # bytes not yet scanned: an unfinished row, or all after the rows
        while (root := _ROOT.search(tail, 0, 65_536)) is None and len(tail) < 65_536 and (chunk := stream.read(CHUNK)):
            tail += chunk
        prefix = (root[1] or b"") if root else b""
        scan = _Scan(prefix, shared_strings, is_totals)
        row_end, data_end = b"</" + prefix + b"row>", b"</" + prefix + b"sheetData>"
        while True:
            end = tail.find(data_end)
            if end >= 0:
                scan.feed(tail[:end])
                tail = tail[end:] + stream.read()  # the rest: merged ranges and page setup
                break
            cut = tail.rfind(row_end) + len(row_end)
            if cut >= len(row_end):
                scan.feed(tail[:cut])
                tail = tail[cut:]
            chunk = stream.read(CHUNK)
            if not chunk:
                break  # no end of the rows: a broken part, read as far as it goes
            tail += chunk
    merged = []
    for found in _patterns(prefix)[1].finditer(tail):
        min_col, min_row, max_col, max_row = range_boundaries(found[1].decode())
        merged.append(MergedRange(min_row, min_col, max_row, max_col))
    return SheetFacts(frozenset(scan.unsaved), scan.unplaced, tuple(merged), scan.filled, frozenset(scan.totals))
