"""Finding a table in a workbook as people lay it out, and reading its data rows.

Real files hold a title and grouped header rows above the real header, blank rows, a
totals row, hidden sheets and thousands of formatted but empty rows below the data.
:func:`find_table` looks at the first :data:`HEADER_SCAN_ROWS` rows of every visible
sheet for the row that names every required field; :func:`data_rows` yields the rows
below it, skipping blank and totals rows.
"""

from __future__ import annotations

import tomllib
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.utils import get_column_letter
from openpyxl.workbook.workbook import Workbook

from core.importing import cells
from core.importing.file_kind import why_not_xlsx
from core.importing.headers import FieldSpec, normalise, recognise, split_unit
from core.importing.problems import ImportRejected, Problem

HEADER_SCAN_ROWS = 30
BLANK_RUN_END = 1000
"""After this many blank rows in a row the table is taken to have ended (formatted rows)."""

TOTALS_WORDS = ("итого", "всего", "total")


@dataclass(frozen=True)
class Mapping:
    """A user's mapping file: header text → field key, and table kind → sheet name."""

    columns: dict[str, str] = field(default_factory=dict)
    sheets: dict[str, str] = field(default_factory=dict)


def load_mapping(path: Path | None, fields: tuple[FieldSpec, ...]) -> Mapping:
    """Read a TOML mapping file::

        [columns]
        "Объём отгрузки, т" = "tonnes_ordered"
        [sheets]
        portfolio = "Лист1"

    Raises :class:`ImportRejected` naming the file for bad TOML or an unknown field key.
    """
    if path is None:
        return Mapping()
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ImportRejected(path, [Problem(str(path), None, None, None, None, None, f"cannot read: {exc}")]) from None
    known = {f.key for f in fields}
    problems = [
        Problem(str(path), None, None, None, header, key, f"maps to unknown field {key!r}; known: {', '.join(sorted(known))}")
        for header, key in data.get("columns", {}).items()
        if key not in known
    ]
    if problems:
        raise ImportRejected(path, problems)
    return Mapping(
        {normalise(h): k for h, k in data.get("columns", {}).items()},
        dict(data.get("sheets", {})),
    )


@dataclass(frozen=True)
class Table:
    """Where a table sits: sheet, Excel row of its (lowest) header row, the header text of
    every column, the recognised fields (key → 0-based column) and claimed extra columns
    (0-based column → value, e.g. the months of a capacity calendar)."""

    file: str
    sheet: str
    header_row: int
    headers: tuple[str | None, ...]
    columns: dict[str, int]
    extra: dict[int, Any] = field(default_factory=dict)

    def letter(self, column: int) -> str:
        return get_column_letter(column + 1)


@dataclass(frozen=True, slots=True)
class SourceRow:
    """One data row: its Excel row number and cell values (padded to the header width)."""

    number: int
    values: tuple[Any, ...]


def open_workbook(path: Path) -> Workbook:
    """Open ``path`` read-only with cached formula results.

    Raises :class:`ImportRejected` naming the file when it is missing or no .xlsx workbook,
    saying what it is instead (an old .xls, a password-protected book, …: see
    :mod:`core.importing.file_kind`)."""
    path = Path(path)
    # openpyxl judges the extension before looking for the file: check existence first.
    if not path.exists():
        why = "file not found"
    elif path.is_dir():
        why = "is a folder, not an Excel .xlsx workbook"
    elif (why := why_not_xlsx(path)) is None:
        try:
            workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
            for ws in workbook.worksheets:
                # Read-only sheets trust the file's <dimension>; some programs write a stale
                # one, which would cut rows and columns off silently. Read what is there.
                ws.reset_dimensions()
            return workbook
        except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
            why = f"not an Excel .xlsx workbook ({exc.__class__.__name__})"
    raise ImportRejected(path, [Problem(str(path), None, None, None, None, None, why)])


def _combined(parent: str | None, own: str) -> str:
    """``"Диаметр, мм"`` over ``"от"`` → ``"диаметр от, мм"``."""
    parent_name, parent_unit = split_unit(parent or "")
    own_name, own_unit = split_unit(own)
    unit = own_unit or parent_unit
    return f"{parent_name} {own_name}" + (f", {unit}" if unit else "")


@dataclass
class _Candidate:
    table: Table
    problems: list[Problem]  # wrong units, a field named twice, no extra columns
    missing: list[FieldSpec]

    @property
    def complete(self) -> bool:
        return not self.missing and not self.problems


def _evaluate_row(
    file: str,
    sheet: str,
    number: int,
    row: tuple[Any, ...],
    above: tuple[Any, ...],
    fields: tuple[FieldSpec, ...],
    mapping: Mapping,
    claim: Callable[[Any], Any] | None,
) -> _Candidate:
    width = max(len(row), len(above))
    row = row + (None,) * (width - len(row))
    above = above + (None,) * (width - len(above))
    parent: str | None = None
    headers: list[str | None] = []
    columns: dict[str, int] = {}
    extra: dict[int, Any] = {}
    problems: list[Problem] = []
    for c in range(width):
        own, up = cells.text(row[c]), cells.text(above[c])
        parent = up or parent  # a merged group title spans the columns to its right
        candidates = [own, _combined(parent, own)] if own else ([up] if up else [])
        header, found = own or up, None
        for candidate in candidates:
            found = recognise(candidate, fields, mapping.columns)
            if found:
                header = candidate
                break
        headers.append(header)
        if found is None:
            claimed = claim(row[c]) if claim and own else None
            if claimed is not None:
                extra[c] = claimed
            continue
        letter = get_column_letter(c + 1)
        if found.unit_problem:
            problems.append(Problem(file, sheet, number, letter, header, None, f"column {found.unit_problem}"))
        elif found.field.key in columns:
            first = get_column_letter(columns[found.field.key] + 1)
            problems.append(
                Problem(
                    file, sheet, number, letter, header, None,
                    f"column also looks like '{found.field.label}' (as column {first}); "
                    "name the right one in a mapping file",
                )
            )
        else:
            columns[found.field.key] = c
    missing = [f for f in fields if f.required and f.key not in columns]
    table = Table(file, sheet, number, tuple(headers), columns, extra)
    return _Candidate(table, problems, missing)


def find_table(
    workbook: Workbook,
    path: Path,
    kind: str,
    fields: tuple[FieldSpec, ...],
    mapping: Mapping,
    *,
    claim: Callable[[Any], Any] | None = None,
    need_extra: str | None = None,
    required: bool = True,
) -> Table | None:
    """The sheet and header row holding table ``kind`` (e.g. ``"portfolio"``).

    Visible sheets are searched (a sheet named in the mapping file is used even if
    hidden). ``claim`` maps an unrecognised header cell to an extra-column value (or
    ``None``); ``need_extra`` (what they are, e.g. ``"month"``) requires at least one. Returns ``None`` when
    no sheet holds the table and ``required`` is false; otherwise raises
    :class:`ImportRejected` naming the missing columns by their header text, before any
    row is read.
    """
    file = str(path)
    named = mapping.sheets.get(kind)
    if named is not None and named not in workbook.sheetnames:
        raise ImportRejected(path, [Problem(file, named, None, None, None, None, f"no such sheet (mapping file names it for {kind})")])
    sheets = [workbook[named]] if named else [ws for ws in workbook.worksheets if ws.sheet_state == "visible"]
    complete: list[_Candidate] = []
    best: _Candidate | None = None  # the nearest miss, to say what is missing
    for ws in sheets:
        above: tuple[Any, ...] = ()
        for number, row in enumerate(ws.iter_rows(max_row=HEADER_SCAN_ROWS, values_only=True), start=1):
            candidate = _evaluate_row(file, ws.title, number, tuple(row), above, fields, mapping, claim)
            above = tuple(row)
            if need_extra and not candidate.table.extra and candidate.table.columns:
                candidate.problems.append(
                    Problem(file, ws.title, number, None, None, None, f"no {need_extra} columns in the header row")
                )
            if candidate.complete:
                complete.append(candidate)
            elif best is None or len(candidate.table.columns) > len(best.table.columns):
                best = candidate
    if complete:
        # The first sheet that has the table; on it, the row naming most fields, the lower
        # one on a tie (a header row under a group-title row).
        sheet = complete[0].table.sheet
        chosen = max(
            (c for c in complete if c.table.sheet == sheet),
            key=lambda c: (len(c.table.columns) + len(c.table.extra), c.table.header_row),
        )
        return chosen.table
    if not required and (best is None or len(best.table.columns) < 2):
        return None
    return _reject_header(path, kind, fields, best)


def _reject_header(path: Path, kind: str, fields: tuple[FieldSpec, ...], best: _Candidate | None) -> None:
    file = str(path)
    if best is None or not best.table.columns:
        labels = ", ".join(f"'{f.label}'" for f in fields if f.required)
        raise ImportRejected(
            path,
            [Problem(file, None, None, None, None, None, f"no visible sheet has the {kind} header (columns {labels})")],
            hint="If the headers are named differently, map them with --mapping FILE (see `millplan import fields`).",
        )
    table = best.table
    problems = list(best.problems)
    seen = ", ".join(f"'{h}'" for h in table.headers if h)
    for spec in best.missing:
        problems.append(
            Problem(
                file, table.sheet, table.header_row, None, None, None,
                f"required column '{spec.label}' ({spec.key}) not found in the header row; headers seen: {seen}",
            )
        )
    raise ImportRejected(
        path, problems, hint="Rename the column, or map it with --mapping FILE (see `millplan import fields`)."
    )


def _is_totals(values: tuple[Any, ...]) -> bool:
    """The row's first filled cell says "Итого"/"Всего"/"Total": wherever it sits, since
    planners often label the sums in the cell just left of the first sum."""
    for value in values:
        label = cells.text(value)
        if label:
            return normalise(label).startswith(TOTALS_WORDS)
    return False


def data_rows(workbook: Workbook, table: Table) -> Iterator[SourceRow]:
    """Rows under the header: blank rows and totals rows skipped; stops after
    :data:`BLANK_RUN_END` blank rows running (formatted but empty rows far below)."""
    ws = workbook[table.sheet]
    width = len(table.headers)
    blank_run = 0
    for number, row in enumerate(ws.iter_rows(min_row=table.header_row + 1, values_only=True), start=table.header_row + 1):
        values = tuple(row[:width]) + (None,) * (width - len(row))
        if all(cells.is_blank(v) for v in values):
            blank_run += 1
            if blank_run >= BLANK_RUN_END:
                return
            continue
        blank_run = 0
        if _is_totals(values):
            continue
        yield SourceRow(number, values)


def uncomputed_formulas(path: Path, sheet: str, places: set[tuple[int, int]]) -> set[tuple[int, int]]:
    """Of ``places`` (Excel row, 0-based column) that read empty, those holding a formula
    whose result was never saved (a file written by a program, not recalculated in Excel)."""
    if not places:
        return set()
    workbook = openpyxl.load_workbook(path, read_only=True, data_only=False)
    try:
        rows = {r for r, _ in places}
        found = set()
        for number, row in enumerate(workbook[sheet].iter_rows(min_row=min(rows), max_row=max(rows), values_only=True), start=min(rows)):
            for r, c in places:
                if r == number and c < len(row) and isinstance(row[c], str) and row[c].startswith("="):
                    found.add((r, c))
        return found
    finally:
        workbook.close()


@dataclass
class Record:
    """One data row read into field values (key → parsed value), with its source row."""

    source: SourceRow
    values: dict[str, Any]


def problem_at(table: Table, row: SourceRow, key: str, why: str) -> Problem:
    """A :class:`Problem` for field ``key`` of ``row``, naming its column and header."""
    column = table.columns[key]
    return Problem(
        table.file, table.sheet, row.number, table.letter(column), table.headers[column], row.values[column], why
    )


def read_records(
    workbook: Workbook, path: Path, table: Table, fields: tuple[FieldSpec, ...]
) -> tuple[list[Record], list[Problem]]:
    """Parse every data row of ``table``: a record per row (fields that failed to read are
    absent from its values) and a problem for every cell that cannot be read (an empty
    required cell, text in a number, …)."""
    records: list[Record] = []
    problems: list[Problem] = []
    empty_required: dict[tuple[int, int], Problem] = {}
    for row in data_rows(workbook, table):
        values: dict[str, Any] = {}
        row_problems: list[Problem] = []
        for spec in fields:
            column = table.columns.get(spec.key)
            if column is None:
                continue
            try:
                value = spec.parse(row.values[column])
            except cells.CellError as exc:
                row_problems.append(problem_at(table, row, spec.key, str(exc)))
                continue
            if spec.required and (value is None or value == ()):
                found = problem_at(table, row, spec.key, "is empty; the column is required")
                empty_required[row.number, column] = found
                row_problems.append(found)
                continue
            values[spec.key] = value
        problems.extend(row_problems)
        records.append(Record(row, values))
    formulas = uncomputed_formulas(path, table.sheet, set(empty_required))
    for place in formulas:
        old = empty_required[place]
        problems[problems.index(old)] = Problem(
            old.file, old.sheet, old.row, old.column, old.header, old.value,
            "is a formula whose result was never saved; open the file in Excel and save it",
        )
    return records, problems
