"""What went wrong in an input file, said with its exact place."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from millplan.core.domain.errors import MillplanError
from millplan.core.domain.field_text import value_text

DELIMITED_SUFFIXES = (".csv", ".txt")
"""Delimited text files (a CSV export): read as one table, they have no sheets."""


def sheet_place(file: str, sheet: str | None) -> list[str]:
    """``["sheet 'NAME'"]`` naming ``sheet`` of ``file`` in a place, or ``[]`` when there is
    no sheet to name: none given, or ``file`` is a CSV file (one table, no sheets — the sheet
    it was read into is named after the file only because a workbook needs one)."""
    if not sheet or Path(file).suffix.lower() in DELIMITED_SUFFIXES:
        return []
    return [f"sheet '{sheet}'"]


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
            place.append(f"row {self.row}")
        if self.column:
            place.append(f"column {self.column}" + (f" '{self.header}'" if self.header else ""))
        where = ", ".join(place)
        if self.value is not None and self.value != "" and not self.names_value:
            return f"{where}: {shown(self.value)} {self.why}"
        return f"{where}: {self.why}"  # an empty cell, a header, or a why naming the value: the why says it all

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
        tail = f"\n  … and {more} more" if more > 0 else ""
        hint = f"\n{self.hint}" if self.hint else ""
        return f"{self.path}: nothing imported, {len(self.problems)} problem(s):\n{shown}{tail}{hint}"
