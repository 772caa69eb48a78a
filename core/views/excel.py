"""Tables out to Excel: each :class:`~millplan.core.views.tables.TableView` as one sheet of
an .xlsx workbook, from the same column specification the workstation and the CLI render
(XlsxWriter; openpyxl stays the reader).

Numbers stay numbers (formatted with the column's decimals, thousands grouped), dates are
dates, a yes/no column reads ``yes`` or blank; the header row is bold, frozen and filtered;
each sheet prints landscape, one page wide, its header repeated on every page.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import xlsxwriter

from millplan.core.domain.errors import InvalidInput
from millplan.core.domain.i18n import _
from millplan.core.views.tables import TableView, cell_text

SHEET_NAME = 31
"""Excel's longest sheet name, in characters."""

_NOT_IN_SHEET_NAMES = re.compile(r"[\[\]:*?/\\]")


def write_workbook(path: Path, views: Sequence[TableView]) -> None:
    """Write ``views`` to ``path`` (.xlsx), one sheet each, named by its title (cut to 31
    characters, made unique). Raises :class:`InvalidInput` naming the file when it cannot
    be written (a folder that does not exist, a file open in Excel)."""
    book = xlsxwriter.Workbook(str(path), {"remove_timezone": True})
    header = book.add_format({"bold": True, "bottom": 1, "text_wrap": True, "valign": "top"})
    day = book.add_format({"num_format": "yyyy-mm-dd"})
    numbers: dict[int, Any] = {}
    names: set[str] = set()
    for view in views:
        sheet = book.add_worksheet(_sheet_name(view.title, names))
        for col, column in enumerate(view.columns):
            sheet.write_string(0, col, column.header, header)
            sheet.set_column(col, col, max(len(column.header), column.width or 0, 8) + 1)
        for row_no, row in enumerate(view.rows, start=1):
            for col, column in enumerate(view.columns):
                value = row.get(column.key)
                if value is None or value is False:
                    continue
                if isinstance(value, (int, float, Decimal)) and column.numeric:
                    if column.places not in numbers:
                        numbers[column.places] = book.add_format(
                            {"num_format": "#,##0" + ("." + "0" * column.places if column.places else "")}
                        )
                    sheet.write_number(row_no, col, float(value), numbers[column.places])
                elif isinstance(value, (date, datetime)):
                    sheet.write_datetime(row_no, col, value, day)
                else:
                    sheet.write_string(row_no, col, cell_text(value, column))
        sheet.freeze_panes(1, 0)
        if view.columns:
            sheet.autofilter(0, 0, max(len(view.rows), 1), len(view.columns) - 1)
        sheet.set_landscape()
        sheet.fit_to_pages(1, 0)
        sheet.repeat_rows(0)
    try:
        book.close()
    except (OSError, xlsxwriter.exceptions.FileCreateError) as exc:
        raise InvalidInput(_("cannot write {path}: {reason}").format(path=path, reason=exc)) from None


def _sheet_name(title: str, taken: set[str]) -> str:
    """``title`` as a sheet name Excel accepts, unlike any in ``taken`` (which it joins)."""
    base = _NOT_IN_SHEET_NAMES.sub(" ", title)[:SHEET_NAME].strip() or _("Sheet")
    name, n = base, 2
    while name.lower() in taken:
        suffix = f" {n}"
        name, n = base[: SHEET_NAME - len(suffix)] + suffix, n + 1
    taken.add(name.lower())
    return name
