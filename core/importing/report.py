"""The outcome of an import, and the rejects file written with ``--skip-invalid``."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.styles import Font

from millplan.core.domain import glyphs
from millplan.core.domain.field_text import value_text
from millplan.core.domain.i18n import _, ngettext
from millplan.core.domain.upserts import StoredChange, UpsertCounts
from millplan.core.importing.headers import FieldSpec, normalise
from millplan.core.importing.problems import Problem
from millplan.core.importing.workbook import SourceRow, Table

ERROR_HEADER = "Ошибка"
RANKS = frozenset({"manual_priority"})
"""Fields where 1 is the highest: a smaller number raises them."""
EXAMPLE_CHARACTERS = 40
"""The first value of a column without a header is shown up to this length."""
SHOWN_CHANGES = 10
"""Objects named per changed field in a note; ``changes`` in the JSON has them all."""


@dataclass(frozen=True)
class ColumnUse:
    """One column of a header row and what the import read it as.

    ``table`` is the table kind (``portfolio``, ``mills``, ``capacity``, ``norms``),
    ``column`` the Excel letter; ``header`` its header text (``None``: a column with values
    but no header); ``field`` the field key (``None``: the column is ignored),
    or for a capacity calendar's month column the month ``YYYY-MM``; ``label`` the
    field's own header (``None`` if ignored or a month). A column without a header also
    says how many ``values`` it holds and the first of them, ``example``.
    """

    table: str
    sheet: str
    column: str
    header: str | None
    field: str | None
    label: str | None
    values: int | None = None
    example: str | None = None

    @property
    def renamed(self) -> bool:
        """Read as a field whose own header reads otherwise (``Произв., т`` as ``Произведено, т``)."""
        return self.label is not None and normalise(self.header) != normalise(self.label)

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def column_uses(
    kind: str, table: Table, fields: tuple[FieldSpec, ...], unheaded: dict[int, tuple[int, Any]] | None = None
) -> list[ColumnUse]:
    """Every column of ``table``'s header row with a header text, and every one without
    that holds values (``unheaded``: 0-based column → (count, first value), as
    :attr:`millplan.core.importing.workbook.Reading.unheaded`), in column order: the field it is
    read as, the month it holds, or ignored. Empty columns without a header are not listed."""
    by_column = {column: spec for spec in fields if (column := table.columns.get(spec.key)) is not None}
    unheaded = unheaded or {}
    uses = []
    for column in sorted({c for c, header in enumerate(table.headers) if header is not None} | set(unheaded)):
        if column in unheaded:
            count, first = unheaded[column]
            example = value_text(first)
            if len(example) > EXAMPLE_CHARACTERS:
                example = example[:EXAMPLE_CHARACTERS] + "…"
            uses.append(ColumnUse(kind, table.sheet, table.letter(column), None, None, None, count, example))
            continue
        spec = by_column.get(column)
        read_as = spec.key if spec else (str(table.extra[column]) if column in table.extra else None)
        uses.append(
            ColumnUse(
                kind, table.sheet, table.letter(column), table.headers[column], read_as, spec.label if spec else None
            )
        )
    return uses


@dataclass(frozen=True)
class MissingField:
    """An optional field that drives the plan and that the file has no column for, and
    what the import takes instead (``taken_as``, from :attr:`FieldSpec.absent`)."""

    table: str
    field: str
    label: str
    taken_as: str

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def missing_fields(kind: str, table: Table, fields: tuple[FieldSpec, ...]) -> list[MissingField]:
    """The plan-driving optional fields (those with an ``absent`` text) ``table`` lacks."""
    return [MissingField(kind, f.key, f.label, _(f.absent)) for f in fields if f.absent and f.key not in table.columns]


@dataclass(frozen=True)
class ReimportChange:
    """A re-import changing a plan-driving field of a stored object.

    ``object_type`` is ``customer``, ``deal``, ``position`` or ``mill``; ``object`` its
    name, number, ``deal#position`` or code; ``before``/``after`` the values (t, h, flags,
    dates, priorities; ``None`` for none).
    """

    object_type: str
    object: str
    field: str
    label: str
    before: Any
    after: Any

    @classmethod
    def of(cls, change: StoredChange, label: str) -> ReimportChange:
        """A change the store reports (see ``PlantRepository.upsert_portfolio``), labelled."""
        return cls(change.object_type, change.object_key, change.field, label, change.before, change.after)

    @property
    def direction(self) -> str:
        """``turned off``/``turned on`` (flags), ``lowered``/``raised`` (numbers; for a
        rank of :data:`RANKS` in its own terms: priority 3 → 1 is raised),
        ``set``/``cleared`` (from or to none), or ``changed``."""
        if self.before is None:
            return "set"
        if self.after is None:
            return "cleared"
        if isinstance(self.before, bool):
            return "turned on" if self.after else "turned off"
        if isinstance(self.before, (int, float)) and isinstance(self.after, (int, float)):
            higher = self.after > self.before
            if self.field in RANKS:
                higher = not higher
            return "raised" if higher else "lowered"
        return "changed"

    def as_dict(self) -> dict[str, object]:
        return {
            "object_type": self.object_type,
            "object": self.object,
            "field": self.field,
            "label": self.label,
            "before": _plain(self.before),
            "after": _plain(self.after),
            "direction": self.direction,
        }


def _plain(value: Any) -> Any:
    """A value for JSON and notes: dates as ISO dates, the rest as it is."""
    return (
        value.date().isoformat()
        if isinstance(value, datetime)
        else value.isoformat()
        if isinstance(value, date)
        else value
    )


def _shown(value: Any) -> str:
    """A value in a note, as the history shows it (:func:`millplan.core.domain.field_text.value_text`)."""
    return _("none") if value is None else value_text(value)


def _changed(direction: str) -> str:
    """The note of a field changed one way, whole (the direction is part of the sentence)."""
    return {
        "turned off": _("'{label}' turned off on {count} {objects}: {which}"),
        "turned on": _("'{label}' turned on on {count} {objects}: {which}"),
        "lowered": _("'{label}' lowered on {count} {objects}: {which}"),
        "raised": _("'{label}' raised on {count} {objects}: {which}"),
        "set": _("'{label}' set on {count} {objects}: {which}"),
        "cleared": _("'{label}' cleared on {count} {objects}: {which}"),
        "changed": _("'{label}' changed on {count} {objects}: {which}"),
    }[direction]


def _objects(object_type: str, count: int) -> str:
    return {
        "customer": ngettext("customer", "customers", count),
        "deal": ngettext("deal", "deals", count),
        "position": ngettext("position", "positions", count),
        "mill": ngettext("mill", "mills", count),
    }[object_type]


def _ignored(column: ColumnUse) -> str:
    if column.header is None:
        return ngettext(
            "sheet '{sheet}', column {column} (no header, {count} value, e.g. '{example}'): ignored; "
            "give it a header millplan reads, or delete it",
            "sheet '{sheet}', column {column} (no header, {count} values, e.g. '{example}'): ignored; "
            "give it a header millplan reads, or delete it",
            column.values,
        ).format(sheet=column.sheet, column=column.column, count=column.values, example=column.example)
    return _("sheet '{sheet}', column {column} '{header}': ignored, millplan reads no field of that name").format(
        sheet=column.sheet, column=column.column, header=column.header
    )


def report_notes(columns: list[ColumnUse], missing: list[MissingField], changes: list[ReimportChange]) -> list[str]:
    """The sentences an import's report says about its columns and changes: each ignored
    column, each plan-driving field not found and what it is taken as, and per changed
    field and direction how many objects and which (the first :data:`SHOWN_CHANGES`),
    before → after."""
    notes = [_ignored(c) for c in columns if c.field is None]
    notes += [
        _("'{label}': not found, taken as {taken_as}").format(label=m.label, taken_as=m.taken_as) for m in missing
    ]
    groups: dict[tuple[str, str, str], list[ReimportChange]] = defaultdict(list)
    for change in changes:
        groups[change.label, change.direction, change.object_type].append(change)
    for (label, direction, object_type), items in groups.items():
        which = ", ".join(
            f"{c.object} ({_shown(c.before)} {glyphs.ARROW} {_shown(c.after)})" for c in items[:SHOWN_CHANGES]
        )
        more = len(items) - SHOWN_CHANGES
        if more > 0:
            which += " " + _("and {count} more").format(count=more)
        notes.append(
            _changed(direction).format(
                label=label,
                count=len(items),
                objects=_objects(object_type, len(items)),
                which=which,
            )
        )
    return notes


@dataclass(frozen=True)
class ImportReport:
    """What an import found and wrote.

    ``tables`` maps each table kind to where it was found; ``counts`` maps each kind of
    object to rows created / updated / unchanged / removed (removed: stored rows a file
    replacing whole days took out — the actuals; 0 for the other imports); ``rejected`` lists the problems of rows
    left out under ``--skip-invalid`` (written to ``rejects_file``); ``notes`` are things
    the planner should know, as sentences (ignored columns, plan-driving fields not found,
    plan-driving fields changed on stored objects — see :func:`report_notes` — and e.g. a
    deal kept accepted although the file says pending); ``columns``, ``missing`` and
    ``changes`` are the first three in detail. ``outcome`` says in sentences what the
    import wrote beyond the counts, and ``figures`` the same as plain data for JSON (an
    actuals import: days, mills, tonnes before and after, positions whose produced tonnes
    changed and positions now complete; see :mod:`millplan.core.importing.actuals`).
    """

    file: str
    tables: dict[str, str]
    rows_read: int
    counts: dict[str, UpsertCounts]
    rejected: list[Problem] = field(default_factory=list)
    rejects_file: str | None = None
    notes: list[str] = field(default_factory=list)
    columns: list[ColumnUse] = field(default_factory=list)
    missing: list[MissingField] = field(default_factory=list)
    changes: list[ReimportChange] = field(default_factory=list)
    outcome: list[str] = field(default_factory=list)
    figures: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, object]:
        return {
            "file": self.file,
            "tables": self.tables,
            "rows_read": self.rows_read,
            "counts": {k: asdict(v) for k, v in self.counts.items()},
            "rejected": [p.as_dict() for p in self.rejected],
            "rejects_file": self.rejects_file,
            "notes": self.notes,
            "columns": [c.as_dict() for c in self.columns],
            "missing": [m.as_dict() for m in self.missing],
            "changes": [c.as_dict() for c in self.changes],
            "outcome": self.outcome,
            "figures": self.figures,
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
        for _table, row, problems in items:
            why = "; ".join(f"{p.column} {p.header or ''}: {p.why}".strip() if p.column else p.why for p in problems)
            ws.append([*row.values, why, row.number])
    workbook.save(path)
    return path
