"""Finding a table in a workbook as people lay it out, and reading its data rows.

Real files hold a title and grouped header rows above the real header, blank rows, a
totals row, hidden sheets and thousands of formatted but empty rows below the data.
:func:`find_table` looks at the first :data:`HEADER_SCAN_ROWS` rows of every visible
sheet for the row that names every required field; :func:`read_records` reads the rows
below it (:class:`DataRows`), skipping blank and totals rows.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.utils import get_column_letter
from openpyxl.workbook.workbook import Workbook

from millplan.core.domain.i18n import _, ngettext
from millplan.core.importing import cells
from millplan.core.importing.damage import reading
from millplan.core.importing.file_kind import why_not_xlsx
from millplan.core.importing.headers import FieldSpec, normalise, recognise, split_unit
from millplan.core.importing.problems import ImportRejected, Problem, table_name
from millplan.core.importing.sheet_xml import MergedRange, SheetFacts, sheet_facts
from millplan.core.importing.values import far_off

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
        raise ImportRejected(
            path, [Problem(str(path), None, None, None, None, None, _("cannot read: {error}").format(error=exc))]
        ) from None
    known = {f.key for f in fields}
    problems = [
        Problem(
            str(path),
            None,
            None,
            None,
            header,
            key,
            _("maps to unknown field {key!r}; known: {known}").format(key=key, known=", ".join(sorted(known))),
        )
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
    others: tuple[tuple[str, int], ...] = ()
    """Further visible sheets holding the same header, not read: (sheet, header row)."""

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
    :mod:`millplan.core.importing.file_kind`), or damaged (:mod:`millplan.core.importing.damage`)."""
    path = Path(path)
    # openpyxl judges the extension before looking for the file: check existence first.
    if not path.exists():
        why = _("file not found")
    elif path.is_dir():
        why = _("is a folder, not an Excel .xlsx workbook")
    else:
        try:
            why = why_not_xlsx(path)
        except OSError as exc:
            why = _("cannot be read: {reason}").format(reason=exc.strerror or exc)
        if why is None:
            with reading(path):
                workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
            for ws in workbook.worksheets:
                # Read-only sheets trust the file's <dimension>; some programs write a stale
                # one, which would cut rows and columns off silently. Read what is there.
                ws.reset_dimensions()
            return workbook
    raise ImportRejected(path, [Problem(str(path), None, None, None, None, None, why)])


def sheet_rows(path: Path | str, ws: Any, **bounds: int) -> Iterator[tuple[Any, ...]]:
    """The values of ``ws``'s rows within ``bounds`` (``min_row``, ``max_row``) as
    ``iter_rows`` gives them; a sheet openpyxl cannot parse is rejected naming its part."""
    # a sheet built in memory (a CSV file read as a sheet) has no part of a file to name
    with reading(path, part=getattr(ws, "_worksheet_path", None), sheet=ws.title):
        yield from ws.iter_rows(values_only=True, **bounds)


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
        if found.problem:
            problems.append(
                Problem(file, sheet, number, letter, header, None, _("column {problem}").format(problem=found.problem))
            )
        elif found.field.key in columns:
            first = get_column_letter(columns[found.field.key] + 1)
            problems.append(
                Problem(
                    file,
                    sheet,
                    number,
                    letter,
                    header,
                    None,
                    _(
                        "column also looks like '{label}' (as column {first}); name the right one in a mapping file"
                    ).format(label=found.field.label, first=first),
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
    hidden); the first that has the table is read, and the others that have it are kept
    in :attr:`Table.others` to be named in the report. ``claim`` maps an unrecognised
    header cell to an extra-column value (or ``None``); ``need_extra`` (what they are,
    e.g. ``"month"``) requires at least one. Returns ``None`` when
    no sheet holds the table and ``required`` is false; otherwise raises
    :class:`ImportRejected` naming the missing columns by their header text, before any
    row is read.
    """
    file = str(path)
    named = mapping.sheets.get(kind)
    if named is not None and named not in workbook.sheetnames:
        raise ImportRejected(
            path,
            [
                Problem(
                    file,
                    named,
                    None,
                    None,
                    None,
                    None,
                    _("no such sheet (mapping file names it for the {table})").format(table=table_name(kind)),
                )
            ],
        )
    sheets = [workbook[named]] if named else [ws for ws in workbook.worksheets if ws.sheet_state == "visible"]
    complete: list[_Candidate] = []
    best: _Candidate | None = None  # the nearest miss, to say what is missing
    with cells.date_system(workbook.epoch):  # claim may read months written as serials
        for ws in sheets:
            above: tuple[Any, ...] = ()
            for number, row in enumerate(sheet_rows(file, ws, max_row=HEADER_SCAN_ROWS), start=1):
                candidate = _evaluate_row(file, ws.title, number, tuple(row), above, fields, mapping, claim)
                above = tuple(row)
                if need_extra and not candidate.table.extra and candidate.table.columns:
                    candidate.problems.append(
                        Problem(
                            file,
                            ws.title,
                            number,
                            None,
                            None,
                            None,
                            _("no {what} columns in the header row").format(what=_extra_name(need_extra)),
                        )
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
        others: dict[str, int] = {}
        for c in complete:
            if c.table.sheet != sheet:
                others.setdefault(c.table.sheet, c.table.header_row)
        return replace(chosen.table, others=tuple(others.items()))
    if not required and (best is None or len(best.table.columns) < 2):
        return None
    return _reject_header(path, kind, fields, best)


def _extra_name(what: str) -> str:
    """The extra columns a table needs (``month``), as people name them."""
    return {"month": _("month")}.get(what, what)


def _reject_header(path: Path, kind: str, fields: tuple[FieldSpec, ...], best: _Candidate | None) -> None:
    file = str(path)
    if best is None or not best.table.columns:
        labels = ", ".join(f"'{f.label}'" for f in fields if f.required)
        raise ImportRejected(
            path,
            [
                Problem(
                    file,
                    None,
                    None,
                    None,
                    None,
                    None,
                    _("no visible sheet has the {table} header (columns {labels})").format(
                        table=table_name(kind), labels=labels
                    ),
                )
            ],
            hint=_(
                "If the headers are named differently, map them with --mapping FILE (see `millplan import fields`)."
            ),
        )
    table = best.table
    problems = list(best.problems)
    seen = ", ".join(f"'{h}'" for h in table.headers if h)
    for spec in best.missing:
        problems.append(
            Problem(
                file,
                table.sheet,
                table.header_row,
                None,
                None,
                None,
                _(
                    "required column '{label}' not found in the header row (a mapping file names it {key}); "
                    "headers seen: {seen}"
                ).format(label=spec.label, key=spec.key, seen=seen),
            )
        )
    raise ImportRejected(
        path, problems, hint=_("Rename the column, or map it with --mapping FILE (see `millplan import fields`).")
    )


def _is_totals(values: tuple[Any, ...]) -> bool:
    """The row's first filled cell says "Итого"/"Всего"/"Total": wherever it sits, since
    planners often label the sums in the cell just left of the first sum (a totals row at
    the foot of a long blank template is no data either)."""
    for value in values:
        label = cells.text(value)
        if label:
            return _is_totals_label(label)
    return False


_TOTALS_INITIALS = frozenset("ивbtт")
"""First letters of the totals words, and their look-alikes in the other alphabet."""


def _is_totals_label(text: str) -> bool:
    # Nearly every label is a deal number or a name: rule those out before the costly normalise.
    first = next((c for c in text if c.isalnum()), "")
    return first.lower() in _TOTALS_INITIALS and normalise(text).startswith(TOTALS_WORDS)


class _MergedFill:
    """Gives every cell of a merged range its first cell's value, row by row (Excel keeps
    the value in the first cell only; a deal's customer is often merged down its positions).
    Ranges starting at or above the header row are titles, not data: left alone."""

    def __init__(self, ranges: tuple[MergedRange, ...], header_row: int, width: int) -> None:
        # latest first, so the next range to start is popped off the end
        self.waiting = sorted(
            (r for r in ranges if r.min_row > header_row and r.min_col <= width), key=lambda r: -r.min_row
        )
        self.active: list[tuple[MergedRange, Any]] = []  # with the first cell's value

    def __call__(self, number: int, values: tuple[Any, ...]) -> tuple[Any, ...]:
        if not self.waiting and not self.active:
            return values
        self.active = [(r, value) for r, value in self.active if r.max_row >= number]
        while self.waiting and self.waiting[-1].min_row == number:
            first = self.waiting.pop()
            self.active.append((first, values[first.min_col - 1]))
        if not self.active:
            return values
        filled = list(values)
        for merged, value in self.active:
            filled[merged.min_col - 1 : merged.max_col] = [value] * (
                min(merged.max_col, len(filled)) - merged.min_col + 1
            )
        return tuple(filled)


class DataRows:
    """The rows under a table's header, as an iterable of :class:`SourceRow`.

    Blank rows and totals rows are skipped; merged ranges give their first cell's value to
    all their cells; a cell holding a formula with no saved result is not blank. After
    :data:`BLANK_RUN_END` blank rows running the table is taken to have ended (formatted
    but empty rows far below, often down to row 1 048 576) and reading stops; once
    iterated, ``unread`` holds the Excel numbers of the non-empty rows below, as the
    sheet's XML pass found them (:meth:`SheetFacts.filled_after`), and ``stopped_after``
    the last row read; ``totals`` the totals rows passed over, for a caller that checks
    them against the rows above. ``unheaded`` holds, for each column with no header text (inside the
    header row, or right of it) that has values in the rows read, how many and the first
    (0-based column → (count, value)), so that no column of data goes unmentioned.
    """

    def __init__(self, workbook: Workbook, table: Table, facts: SheetFacts) -> None:
        self.ws, self.table, self.facts = workbook[table.sheet], table, facts
        self.unread: list[int] = []
        self.stopped_after: int | None = None
        self.totals: list[SourceRow] = []
        self.unheaded: dict[int, tuple[int, Any]] = {}

    def __iter__(self) -> Iterator[SourceRow]:
        width, start = len(self.table.headers), self.table.header_row + 1
        unsaved_rows = {r for r, c in self.facts.unsaved if c < width}
        fill = _MergedFill(self.facts.merged, self.table.header_row, width)
        headless = [c for c, header in enumerate(self.table.headers) if header is None]
        blank_run, last = 0, self.table.header_row
        for number, row in enumerate(sheet_rows(self.table.file, self.ws, min_row=start), start=start):
            values = fill(number, tuple(row[:width]) + (None,) * (width - len(row)))
            if number not in unsaved_rows and all(cells.is_blank(v) for v in values):
                blank_run += 1
                if blank_run == BLANK_RUN_END:
                    self.stopped_after = last
                    self.unread = self.facts.filled_after(number, width)
                    return
                if len(row) > width:  # a note beside the table on an otherwise empty row
                    self._note_unheaded(row, width, ())
                continue
            blank_run, last = 0, number
            if _is_totals(values):
                self.totals.append(SourceRow(number, values))
                continue
            if headless or len(row) > width:
                self._note_unheaded(row, width, headless)
            yield SourceRow(number, values)

    def _note_unheaded(self, row: tuple[Any, ...], width: int, headless: list[int] | tuple[()]) -> None:
        for column in (*headless, *range(width, len(row))):
            value = row[column]
            if not cells.is_blank(value):
                count, first = self.unheaded.get(column, (0, value))
                self.unheaded[column] = (count + 1, first)


@dataclass
class Record:
    """One data row read into field values (key → parsed value), with its source row, and
    the values of the table's claimed extra columns (0-based column → parsed value, e.g. a
    capacity calendar's hours by month column)."""

    source: SourceRow
    values: dict[str, Any]
    extra: dict[int, Any] = field(default_factory=dict)

    def set(self, key: str | int, value: Any) -> None:
        """Set field ``key`` or, for a column number, that extra column's value."""
        (self.values if isinstance(key, str) else self.extra)[key] = value


@dataclass
class Reading:
    """What :func:`read_records` found in one table: a record per data row (fields that
    failed to read are absent from its values), a problem per cell that cannot be read,
    and warnings for the report (values far off their column, rows not read, another
    sheet with the same header)."""

    records: list[Record]
    problems: list[Problem]
    warnings: list[Problem]
    unheaded: dict[int, tuple[int, Any]] = field(default_factory=dict)
    """Columns with values but no header text (see :attr:`DataRows.unheaded`)."""
    totals: list[SourceRow] = field(default_factory=list)
    """The totals rows ("Итого", "Всего") passed over, as they are (see :attr:`DataRows.totals`)."""


def problem_in(table: Table, row: SourceRow, column: int, why: str) -> Problem:
    """A :class:`Problem` for the cell of ``row`` in 0-based ``column``, naming its header."""
    return Problem(
        table.file, table.sheet, row.number, table.letter(column), table.headers[column], row.values[column], why
    )


def problem_at(table: Table, row: SourceRow, key: str, why: str) -> Problem:
    """A :class:`Problem` for field ``key`` of ``row``, naming its column and header."""
    return problem_in(table, row, table.columns[key], why)


def _unsaved_formula() -> str:
    return _("is a formula whose result was never saved; open the file in Excel and save it")


def _as_is(value: Any) -> Any:
    return value


def _column_parser(spec: FieldSpec, header: str | None) -> Callable[[Any], Any]:
    """The parser of one column: a yes/no column also takes its own header word for yes."""
    if spec.parse is cells.flag:
        return partial(cells.flag, also_yes=cells.header_words(header))
    return spec.parse


def read_records(
    workbook: Workbook,
    path: Path,
    table: Table,
    fields: tuple[FieldSpec, ...],
    *,
    extra: Callable[[Any], Any] = _as_is,
    facts: SheetFacts | None = None,
) -> Reading:
    """Parse every data row of ``table`` (see :class:`DataRows`) into a :class:`Reading`;
    ``extra`` parses the claimed extra columns' cells (e.g. :func:`cells.number` for a
    calendar's hours; by default they are kept as they are) into :attr:`Record.extra`.

    A problem is a cell that cannot be read: an empty required cell, text in a number, a
    formula with no saved result (in any field's column or claimed extra column), an
    ambiguous number such as ``1,234`` that the column's other values do not settle
    (:func:`millplan.core.importing.cells.settle`). Serial dates count from the workbook's date
    system. ``facts`` are the sheet's :class:`SheetFacts` when the caller knows them (a
    sheet built in memory from a CSV file has no merged cells or formulas: ``SheetFacts()``);
    by default they are read from the sheet's XML. Raises :class:`ImportRejected` if the
    sheet's part is missing or damaged.
    """
    if facts is None:
        part = workbook[table.sheet]._worksheet_path  # the part openpyxl reads
        with reading(path, part=part, sheet=table.sheet):
            facts = sheet_facts(path, part, shared_strings=workbook.shared_strings, is_totals=_is_totals_label)
    rows = DataRows(workbook, table, facts)
    parsers = [
        (spec, column, _column_parser(spec, table.headers[column]))
        for spec in fields
        if (column := table.columns.get(spec.key)) is not None
    ]
    readers = [*parsers, *((None, column, extra) for column in table.extra)]
    unsaved_rows = {r for r, _ in facts.unsaved}
    records: list[Record] = []
    problems: list[Problem] = []
    ambiguous: dict[int, list[tuple[Record, str | int, Callable, cells.AmbiguousNumber]]] = {}
    with cells.date_system(workbook.epoch):
        for row in rows:
            record = Record(row, {})
            unsaved = row.number in unsaved_rows
            for spec, column, parse in readers:
                key = spec.key if spec else column
                if unsaved and (row.number, column) in facts.unsaved:
                    problems.append(problem_in(table, row, column, _unsaved_formula()))
                    continue
                try:
                    value = parse(row.values[column])
                except cells.AmbiguousNumber as exc:
                    ambiguous.setdefault(column, []).append((record, key, parse, exc))
                    continue
                except cells.CellError as exc:
                    problems.append(problem_in(table, row, column, str(exc)))
                    continue
                if spec and spec.required and (value is None or value == ()):
                    problems.append(problem_in(table, row, column, _("is empty; the column is required")))
                    continue
                record.set(key, value)
            records.append(record)
    for column, found in ambiguous.items():
        problems.extend(_settle_column(table, column, records, found))
    warnings = [*_other_sheets(table), *_unread(table, rows, facts), *_far_off(table, records, parsers)]
    return Reading(records, problems, warnings, rows.unheaded, rows.totals)


def _far_off(table: Table, records: list[Record], parsers: list[tuple[FieldSpec, int, Callable]]) -> list[Problem]:
    """A warning for each measured value (tonnes, mm, RUB/t, …; not counts) far off its column."""
    found = []
    for spec, column, _parse in parsers:
        key = spec.key
        sample = next((v for r in records if (v := r.values.get(key)) is not None), None)
        if not isinstance(sample, (float, Decimal)):
            continue  # a column of text, dates or counts
        for index, why in far_off([r.values.get(key) for r in records]).items():
            found.append(problem_in(table, records[index].source, column, why))
    return found


def _settle_column(
    table: Table,
    column: int,
    records: list[Record],
    found: list[tuple[Record, str | int, Callable, cells.AmbiguousNumber]],
) -> list[Problem]:
    """Read the ambiguous numbers ``found`` in ``column`` with the decimal mark the column's
    other values use, into their records (a field, or for a number the extra column); a problem for each when they do not settle it
    (or the number then read breaks the field, e.g. ``1,5`` for a whole number)."""
    mark = cells.settle(r.source.values[column] for r in records)
    problems = []
    for record, key, parse, ambiguity in found:
        if mark is None:
            problems.append(problem_in(table, record.source, column, str(ambiguity)))
            continue
        try:
            record.set(key, parse(ambiguity.reading(mark)))
        except cells.CellError as exc:
            problems.append(problem_in(table, record.source, column, str(exc)))
    return problems


def _other_sheets(table: Table) -> list[Problem]:
    return [
        Problem(
            table.file,
            sheet,
            header_row,
            None,
            None,
            None,
            _(
                "also has this table's header and was not read (only sheet '{sheet}' was); "
                "hide or delete the sheet that is not current, or name the sheet in a mapping file"
            ).format(sheet=table.sheet),
        )
        for sheet, header_row in table.others
    ]


def _unread(table: Table, rows: DataRows, facts: SheetFacts) -> list[Problem]:
    found = []
    if rows.unread:
        found.append(
            Problem(
                table.file,
                table.sheet,
                rows.unread[0],
                None,
                None,
                None,
                ngettext(
                    "{count} non-empty row below row {last} was not read (row {first}): reading stopped after "
                    "{blank} blank rows; delete the blank rows if it belongs to the table",
                    "{count} non-empty rows below row {last} were not read (rows {first}–{end}): reading stopped after "
                    "{blank} blank rows; delete the blank rows if they belong to the table",
                    len(rows.unread),
                ).format(
                    count=len(rows.unread),
                    last=rows.stopped_after,
                    first=rows.unread[0],
                    end=rows.unread[-1],
                    blank=BLANK_RUN_END,
                ),
            )
        )
    if facts.unplaced:
        found.append(
            Problem(
                table.file,
                table.sheet,
                None,
                None,
                None,
                None,
                ngettext(
                    "holds {count} formula whose result was never saved, at a place the file does not name; "
                    "it reads as empty: open the file in Excel and save it",
                    "holds {count} formulas whose result was never saved, at places the file does not name; "
                    "they read as empty: open the file in Excel and save it",
                    facts.unplaced,
                ).format(count=facts.unplaced),
            )
        )
    return found
