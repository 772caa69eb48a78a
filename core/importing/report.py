"""The outcome of an import, and the rejects file written with ``--skip-invalid``."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path

import openpyxl
from openpyxl.styles import Font

from core.importing.problems import Problem
from core.importing.workbook import SourceRow, Table
from core.model import UpsertCounts

ERROR_HEADER = "Ошибка"


@dataclass(frozen=True)
class ImportReport:
    """What an import found and wrote.

    ``tables`` maps each table kind to where it was found; ``counts`` maps each kind of
    object to rows created / updated / unchanged; ``rejected`` lists the problems of rows
    left out under ``--skip-invalid`` (written to ``rejects_file``); ``notes`` are things
    the planner should know (e.g. a deal kept accepted although the file says pending).
    """

    file: str
    tables: dict[str, str]
    rows_read: int
    counts: dict[str, UpsertCounts]
    rejected: list[Problem] = field(default_factory=list)
    rejects_file: str | None = None
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {
            "file": self.file,
            "tables": self.tables,
            "rows_read": self.rows_read,
            "counts": {k: asdict(v) for k, v in self.counts.items()},
            "rejected": [p.as_dict() for p in self.rejected],
            "rejects_file": self.rejects_file,
            "notes": self.notes,
        }


def default_rejects_path(source: Path) -> Path:
    """``portfolio.xlsx`` → ``portfolio.rejects.xlsx`` beside it."""
    return source.with_name(f"{source.stem}.rejects.xlsx")


def write_rejects(path: Path, rejected: list[tuple[Table, SourceRow, list[Problem]]]) -> Path:
    """Write rejected rows to ``path``: per source sheet, its header, the rows as they were
    and an "Ошибка" column saying what is wrong — fix the cells and import the file again."""
    by_sheet: dict[str, list[tuple[Table, SourceRow, list[Problem]]]] = defaultdict(list)
    for item in rejected:
        by_sheet[item[0].sheet].append(item)
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for sheet, items in by_sheet.items():
        ws = workbook.create_sheet(sheet[:31])
        table = items[0][0]
        ws.append([*(h or "" for h in table.headers), ERROR_HEADER, "Строка исходного файла"])
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for _, row, problems in items:
            why = "; ".join(f"{p.column} {p.header or ''}: {p.why}".strip() if p.column else p.why for p in problems)
            ws.append([*row.values, why, row.number])
    workbook.save(path)
    return path
