"""What went wrong in an input file, said with its exact place."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from millplan.core.domain.errors import MillplanError


@dataclass(frozen=True, slots=True)
class Problem:
    """One bad cell or row: file, sheet, Excel row number, column letter and header, the
    value found and why it cannot be taken. ``row``/``column`` are ``None`` for a
    problem of the whole sheet (a missing column)."""

    file: str
    sheet: str | None
    row: int | None
    column: str | None
    header: str | None
    value: object
    why: str

    def __str__(self) -> str:
        place = [self.file]
        if self.sheet:
            place.append(f"sheet '{self.sheet}'")
        if self.row is not None:
            place.append(f"row {self.row}")
        if self.column:
            place.append(f"column {self.column}" + (f" '{self.header}'" if self.header else ""))
        where = ", ".join(place)
        if self.value is not None and self.value != "":
            return f"{where}: {self.value!r} {self.why}"
        return f"{where}: {self.why}"  # an empty cell, or a header: the why says it all

    def as_dict(self) -> dict[str, object]:
        return {
            "file": self.file,
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "header": self.header,
            "value": None if self.value is None else str(self.value),
            "why": self.why,
        }


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
