"""Tables out to Excel: each :class:`~millplan.core.views.tables.TableView` as one sheet of
an .xlsx workbook, from the same column specification the workstation and the CLI render
(XlsxWriter; openpyxl stays the reader).

Each sheet: a title row (the table's title), a context row (what the table is about — month,
product line, revision, state, the filters asked for — and when the report was made), then
the header (the column headers in the user's language, units in them), bold, frozen, filtered
and repeated on every printed page. The screen may shorten, the file holds the whole figure:
numbers stay numbers at their full value (a float's binary noise dropped), shown with the
column's decimals (thousands grouped; hours with at least one decimal), money in roubles with
``₽`` — a column the screen shows in thousands of roubles is written in roubles, exact, its
header saying ``RUB`` —; a share in % as a percentage), dates are dates (``dd.mm.yyyy``, times at the plant's clock, a month its first
day shown ``mmm yyyy``), a yes/no column reads ``yes`` or blank, a mill-month's load is its
share. Each sheet prints A4 landscape, one page wide.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, BinaryIO

import xlsxwriter

from millplan.core.domain.assignment import MillLoad
from millplan.core.domain.errors import InvalidInput
from millplan.core.domain.i18n import _
from millplan.core.domain.months import Month, plant_clock, plant_time
from millplan.core.views.tables import Column, TableView, cell_text

SHEET_NAME = 31
"""Excel's longest sheet name, in characters."""

A4 = 9
"""XlsxWriter's paper code for A4."""

WIDEST = 60
"""Widest column, in characters: longer text wraps in Excel rather than widening the sheet."""

SAMPLE = 2000
"""Rows read to size the columns (a 50 000-position book needs no more to judge widths)."""

DATE = "dd.mm.yyyy"
TIME = "dd.mm.yyyy hh:mm"
MONTH = "mmm yyyy"
PERCENT = "0%"

_NOT_IN_SHEET_NAMES = re.compile(r"[\[\]:*?/\\]")

_ROUBLE_UNITS = {"RUB", "руб.", "RUB/h", "руб./ч"}
"""Units of money in whole roubles (not thousands), in English and Russian, whose cells carry the ``₽`` sign."""

_THOUSAND_ROUBLE_UNITS = {"k RUB", "тыс. руб.", "kRUB", "тыс.р"}
"""Units of money in thousands of roubles, in English and Russian: written in roubles (:func:`in_roubles`)."""

NOISE = 9
"""Decimals a float is rounded to in a cell: a sum of floats (360.3000000000002) is 360.3,
and no figure people enter or a plan makes is finer."""


def in_roubles(column: Column) -> Column:
    """``column`` as the file holds it: a money column in thousands of roubles becomes one
    in roubles (``RUB``: :func:`cell_value` multiplies its figures by 1 000); any other as it is."""
    if column.money and column.unit in _THOUSAND_ROUBLE_UNITS:
        return replace(column, unit=_("RUB"))
    return column


def cell_value(value: int | float | Decimal, column: Column) -> float:
    """The figure a numeric cell holds — the whole value, not the screen's rounding: a figure
    in thousands of roubles ×1 000 (the exact roubles of a Decimal), a float without its
    binary noise (:data:`NOISE`)."""
    if column.money and column.unit in _THOUSAND_ROUBLE_UNITS:
        value = value * 1000
    return round(float(value), NOISE)


def number_format(column: Column) -> str:
    """Excel's number format of a ``numeric`` column (as :func:`in_roubles` makes it):
    thousands grouped, ``places`` decimals (``#,##0.0`` — Russian Excel shows ``1 234,5``),
    hours at least one, ``₽`` after roubles."""
    places = max(column.places, 1) if column.unit and _(column.unit) == _("h") else column.places
    code = "#,##0" + ("." + "0" * places if places else "")
    if column.money and column.unit in _ROUBLE_UNITS:
        code += ' "₽"'
    return code


def write_workbook(
    target: Path | BinaryIO, views: Sequence[TableView], context: str = "", made: datetime | None = None
) -> None:
    """Write ``views`` to ``target`` (an .xlsx path or a binary file), one sheet each, named
    by its title (cut to 31 characters, made unique); every sheet is headed under its title by
    what it is about — the table's own context if it has one, else ``context`` (e.g.
    ``ТБД · янв 2027``) — and when the report was made (``made``, UTC; default now) at the
    plant's clock. Raises :class:`InvalidInput` naming the file when it cannot be written (a
    folder that does not exist, a file open in Excel)."""
    book = xlsxwriter.Workbook(target if not isinstance(target, Path) else str(target), {"remove_timezone": True})
    styles = _Styles(book)
    names: set[str] = set()
    stamp = _("report of {time}").format(time=plant_clock(made or datetime.now(UTC)))
    for view in views:
        said = " · ".join(part for part in (view.context or context, stamp) if part)  # the table's own is more precise
        _write_sheet(book.add_worksheet(_sheet_name(view.title, names)), view, said, styles)
    try:
        book.close()
    except (OSError, xlsxwriter.exceptions.FileCreateError) as exc:
        raise InvalidInput(_("cannot write {path}: {reason}").format(path=target, reason=exc)) from None


def workbook_bytes(views: Sequence[TableView], context: str = "", made: datetime | None = None) -> bytes:
    """:func:`write_workbook` into memory: the .xlsx file's bytes (for the workstation's download)."""
    buffer = io.BytesIO()
    write_workbook(buffer, views, context, made)
    return buffer.getvalue()


class _Styles:
    """The book's cell formats, each made once (XlsxWriter keeps every format it is given)."""

    def __init__(self, book: xlsxwriter.Workbook) -> None:
        self.book = book
        self.title = book.add_format({"bold": True, "font_size": 13})
        self.context = book.add_format({"italic": True})
        self.header = book.add_format({"bold": True, "bottom": 1, "text_wrap": True, "valign": "top"})
        self.date = book.add_format({"num_format": DATE})
        self.time = book.add_format({"num_format": TIME})
        self.month = book.add_format({"num_format": MONTH, "align": "left"})
        self.percent = book.add_format({"num_format": PERCENT})
        self.wrap = book.add_format({"text_wrap": True, "valign": "top"})
        self._numbers: dict[str, Any] = {}

    def number(self, column: Column) -> Any:
        code = number_format(column)
        if code not in self._numbers:
            self._numbers[code] = self.book.add_format({"num_format": code})
        return self._numbers[code]


def _write_sheet(sheet: Any, view: TableView, said: str, styles: _Styles) -> None:
    """One table on ``sheet``: title, what it is about (``said``), header, rows; frozen, filtered, print set up."""
    sheet.write_string(0, 0, view.title, styles.title)
    sheet.write_string(1, 0, said, styles.context)
    head = 2
    for col, column in enumerate(view.columns):
        sheet.write_string(head, col, in_roubles(column).header, styles.header)
        width = _width(view, column)
        sheet.set_column(col, col, width, styles.wrap if column.wrap and width >= WIDEST else None)
    filed = [in_roubles(column) for column in view.columns]
    for row_no, row in enumerate(view.rows, start=head + 1):
        for col, (column, as_filed) in enumerate(zip(view.columns, filed, strict=True)):
            _write_cell(sheet, row_no, col, row.get(column.key), column, as_filed, styles)
    sheet.freeze_panes(head + 1, 0)
    if view.columns:
        sheet.autofilter(head, 0, head + max(len(view.rows), 1), len(view.columns) - 1)
    sheet.set_landscape()
    sheet.set_paper(A4)
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(head)


def _write_cell(sheet: Any, row: int, col: int, value: Any, column: Column, filed: Column, styles: _Styles) -> None:
    """One cell: ``column`` as the view says it, ``filed`` as the file holds it (:func:`in_roubles`)."""
    if value is None or value is False:
        return
    if isinstance(value, MillLoad):
        if value.load is None:
            sheet.write_string(row, col, cell_text(value, column).strip())
        else:
            sheet.write_number(row, col, value.load, styles.percent)
    elif isinstance(value, (int, float, Decimal)) and column.numeric:
        sheet.write_number(row, col, cell_value(value, column), styles.number(filed))
    elif isinstance(value, Month):  # a date Excel sorts and filters by, read as the month
        sheet.write_datetime(row, col, value.first_day, styles.month)
    elif isinstance(value, datetime):  # stored UTC; people read the plant's clock
        sheet.write_datetime(row, col, plant_time(value).replace(tzinfo=None) if value.tzinfo else value, styles.time)
    elif isinstance(value, date):
        sheet.write_datetime(row, col, value, styles.date)
    else:
        sheet.write_string(row, col, cell_text(value, column))


def _width(view: TableView, column: Column) -> int:
    """A column's width in characters: its header's longest word, its longest cell among the
    first :data:`SAMPLE` rows and its width hint, at most :data:`WIDEST`."""
    longest = max((len(cell_text(row.get(column.key), column)) for row in view.rows[:SAMPLE]), default=0)
    if column.numeric:
        longest += 6 if column.money and column.unit in _THOUSAND_ROUBLE_UNITS else 2  # Excel's grouping, ₽, roubles
    header = max((len(word) for word in column.header.split()), default=0)
    return min(max(longest, header, min(len(column.header), 16), column.width or 0, 6) + 2, WIDEST)


def _sheet_name(title: str, taken: set[str]) -> str:
    """``title`` as a sheet name Excel accepts, unlike any in ``taken`` (which it joins)."""
    base = _NOT_IN_SHEET_NAMES.sub(" ", title)[:SHEET_NAME].strip() or _("Sheet")
    name, n = base, 2
    while name.lower() in taken:
        suffix = f" {n}"
        name, n = base[: SHEET_NAME - len(suffix)] + suffix, n + 1
    taken.add(name.lower())
    return name
