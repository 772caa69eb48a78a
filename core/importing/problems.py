"""What went wrong in an input file, said with its exact place."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from millplan.core.domain.errors import MillplanError
from millplan.core.domain.field_text import value_text
from millplan.core.domain.i18n import _, ngettext

DELIMITED_SUFFIXES = (".csv", ".txt")
"""Delimited text files (a CSV export): read as one table, they have no sheets."""


def sheet_place(file: str, sheet: str | None) -> list[str]:
    """``["sheet 'NAME'"]`` naming ``sheet`` of ``file`` in a place, or ``[]`` when there is
    no sheet to name: none given, or ``file`` is a CSV file (one table, no sheets — the sheet
    it was read into is named after the file only because a workbook needs one)."""
    if not sheet or Path(file).suffix.lower() in DELIMITED_SUFFIXES:
        return []
    return [_("sheet '{sheet}'").format(sheet=sheet)]


def table_place(file: str, sheet: str | None, header_row: int) -> str:
    """Where a table was found, for the report: ``sheet 'NAME', header row N`` (a CSV file
    names no sheet: :func:`sheet_place`)."""
    return ", ".join([*sheet_place(file, sheet), _("header row {row}").format(row=header_row)])


def table_name(kind: str) -> str:
    """A table kind (``portfolio``, ``mills``, ``capacity``, ``norms``, ``actuals``) as
    people name it, in the user's language; another kind as it is."""
    return {
        "portfolio": _("portfolio"),
        "mills": _("mill register"),
        "capacity": _("capacity calendar"),
        "norms": _("productivity norms"),
        "actuals": _("daily actuals"),
    }.get(kind, kind)


@dataclass(frozen=True, slots=True)
class Problem:
    """One bad cell or row: file, sheet (not said of a CSV file), Excel row number, column letter and header, the
    value found and why it cannot be taken. ``row``/``column`` are ``None`` for a
    problem of the whole sheet (a missing column). ``names_value``: the why names the
    value itself (``deal С-26/0000 is not in the portfolio``), so it is not put before it."""

    file: str
    sheet: str | None
    row: int | None
    column: str | None
    header: str | None
    value: object
    why: str
    names_value: bool = False

    def __str__(self) -> str:
        place = [self.file, *sheet_place(self.file, self.sheet)]
        if self.row is not None:
            place.append(_("row {row}").format(row=self.row))
        if self.column:
            column = _("column {column} '{header}'") if self.header else _("column {column}")
            place.append(column.format(column=self.column, header=self.header))
        where = ", ".join(place)
        if self.value is not None and self.value != "" and not self.names_value:
            return _("{where}: {value} {why}").format(where=where, value=shown(self.value), why=self.why)
        # an empty cell, a header, or a why naming the value: the why says it all
        return _("{where}: {why}").format(where=where, why=self.why)

    def as_dict(self) -> dict[str, object]:
        return {
            "file": self.file,
            "sheet": self.sheet if sheet_place(self.file, self.sheet) else None,  # a CSV file has no sheets
            "row": self.row,
            "column": self.column,
            "header": self.header,
            "value": None if self.value is None else str(self.value),
            "why": self.why,
        }


def shown(value: object) -> str:
    """A cell's value as the plant reads it: a number as written, without trailing zeros
    (``Decimal('-5.000')`` → ``-5``, ``1234.5`` → ``1 234.5``), a date ``YYYY-MM-DD``, text
    in quotes (``'пять'``)."""
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return value_text(value)
    if isinstance(value, datetime) and value.time() == datetime.min.time():
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return repr(value)


class ImportRejected(MillplanError):
    """The file cannot be imported as it is; nothing was written.

    ``problems`` lists every bad row or column found (not just the first).
    """

    def __init__(self, path: Path | str, problems: list[Problem], hint: str = "") -> None:
        self.path = str(path)
        self.problems = problems
        self.hint = hint
        super().__init__(self._message())

    def _message(self) -> str:
        shown = "\n".join(f"  {p}" for p in self.problems[:50])
        more = len(self.problems) - 50
        if more > 0:
            shown += "\n  " + _("… and {count} more").format(count=more)
        head = ngettext(
            "{file}: nothing imported, {count} problem:",
            "{file}: nothing imported, {count} problems:",
            len(self.problems),
        ).format(file=self.path, count=len(self.problems))
        return "\n".join([head, shown, *([self.hint] if self.hint else [])])
