"""Import of the daily actuals (``millplan import actuals FILE``): what each mill made, by
day and position.

Two layouts are read, by their headers: the shop's workbook (a title row, a two-row header
``Сделка`` → ``№ сделки``/``№ поз.``, a shift column, an "Итого за сутки" row under each day
and a "Всего" row at the foot) and the MES/1C export (CSV, ``;``, one ``Позиция`` column
written ``DEAL#NO``; see :mod:`millplan.core.importing.delimited`). Rows of one day, mill and
position (the shifts) are summed. Storing a file replaces every stored row of the (day,
mill) pairs it holds, so a day imported again is never counted twice; the positions'
produced tonnes follow at once (opening balance + actuals, ``storage/actuals.py``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from millplan.core.access.permissions import Action, actor, require
from millplan.core.domain import glyphs
from millplan.core.domain.actuals import Actual, ActualRecord, ActualsWrite
from millplan.core.domain.audit import IMPORT_REASON
from millplan.core.domain.i18n import _, ngettext
from millplan.core.domain.months import Month, month_text, plant_today
from millplan.core.domain.numbers import grouped
from millplan.core.domain.plant import Mill, Plant
from millplan.core.domain.portfolio import Position
from millplan.core.domain.upserts import UpsertCounts
from millplan.core.importing import cells
from millplan.core.importing.delimited import open_book
from millplan.core.importing.disposed import made_all_the_same
from millplan.core.importing.headers import FieldSpec, look_alike_readings
from millplan.core.importing.problems import ImportRejected, Problem, sheet_place, table_place
from millplan.core.importing.report import (
    ImportReport,
    column_uses,
    default_rejects_path,
    report_notes,
    write_rejects,
)
from millplan.core.importing.workbook import Reading, Record, Table, find_table, load_mapping, problem_at
from millplan.core.importing.workbook import read_records as read_table
from millplan.core.planning.attributes import incompatibility, productivity
from millplan.storage.store import Store
from millplan.storage.unit_of_work import UnitOfWork

TOTALS_TOLERANCE = 0.05
"""Tonnes a totals row may differ from the sum of its rows by (rounding to 0.1 t)."""
SHOWN = 10
"""Positions named in a sentence of the report; the JSON figures hold them all."""


def day(value: Any) -> date | None:
    """A production day: an Excel date, or ``DD.MM.YYYY`` / ``YYYY-MM-DD`` text, with or
    without the time an export may add (``01.12.2026 0:00:00``)."""
    if isinstance(value, str) and " " in value.strip():
        value = value.strip().split(" ", 1)[0]
    found = cells.timestamp(value)
    return None if found is None else found.date()


_T = frozenset({"т"})

FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("day", "Дата", ("дата производства", "дата выпуска", "дата смены", "сутки", "date", "day"), day),
    FieldSpec(
        "mill_code",
        "Агрегат",
        ("стан", "код агрегата", "код стана", "агрегат код", "оборудование", "mill", "mill code"),
        cells.text,
    ),
    FieldSpec(
        "deal_number",
        "№ сделки",
        ("номер сделки", "сделка", "deal", "deal no", "deal number"),
        cells.text,
        required=False,
    ),
    FieldSpec(
        "position_no", "№ поз.", ("№ позиции", "поз", "номер позиции", "position no"), cells.integer, required=False
    ),
    FieldSpec(
        "position",
        "Позиция",
        ("позиция сделки", "позиция заказа", "сделка позиция", "position", "item"),
        cells.text,
        required=False,
    ),
    FieldSpec(
        "tonnes",
        "Произведено, т",
        (
            "факт",
            "факт т",
            "произведено",
            "изготовлено",
            "выпущено",
            "выпуск",
            "принято отк",
            "сдано отк",
            "фактически произведено",
            "факт производства",
            "фактический выпуск",
            "вес",
            "produced",
            "made",
            "actual",
            "tonnes",
        ),
        cells.number,
        units=_T,
    ),
)


def import_actuals(
    store: Store,
    path: Path,
    *,
    login: str,
    mapping_path: Path | None = None,
    skip_invalid: bool = False,
    rejects_path: Path | None = None,
) -> ImportReport:
    """Import the daily actuals at ``path`` (.xlsx, or .csv as the MES exports it) into
    ``store`` in one transaction, replacing the stored rows of every (day, mill) the file
    holds.

    Raises :class:`~millplan.core.domain.errors.Forbidden` unless ``login`` is a production
    planner or an admin (checked before the file is read); :class:`ImportRejected`
    (nothing written) when a column is missing or, unless ``skip_invalid``, when any row is
    bad: a cell that cannot be read, an unknown mill or position, a mill that cannot make
    the position, a day after today (:func:`plant_today`) or in a month closed for the
    position's product line, negative tonnes. With ``skip_invalid`` the good rows are stored
    and the bad ones written to ``rejects_path`` (default ``<file>.rejects.xlsx``). The
    report's ``outcome`` and ``figures`` say which days and mills, the tonnes stored for
    them before and after, and the positions whose produced tonnes changed or that are now
    complete (produced ≥ ordered); its notes name the columns not used and the totals rows
    passed over, and any that disagrees with the rows above it.
    """
    path = Path(path)
    require(actor(store, login), Action.IMPORT_ACTUALS, target=path.name)
    mapping = load_mapping(mapping_path, FIELDS)
    workbook, facts = open_book(path)
    try:
        table = find_table(workbook, path, "actuals", FIELDS, mapping)
        _require_position_columns(path, table)
        reading = read_table(workbook, path, table, FIELDS, facts=facts)
    finally:
        workbook.close()
    with store.unit_of_work() as repo:
        book = _Book.of(repo, {r.values["day"] for r in reading.records if r.values.get("day")})
        by_row: dict[int, list[Problem]] = {}
        for p in reading.problems:
            by_row.setdefault(p.row, []).append(p)
        rows: list[tuple[Record, ActualRecord]] = []
        for record in reading.records:
            if record.source.number in by_row:
                continue
            found, problems = book.check(table, record)
            if problems:
                by_row[record.source.number] = problems
            else:
                rows.append((record, found))
        problems = [p for number in sorted(by_row) for p in by_row[number]]
        if problems and not skip_invalid:
            raise ImportRejected(path, problems, hint=_("Fix the rows, or import the good ones with --skip-invalid."))
        records = [r for _, r in rows]
        disposed_notes = made_all_the_same(repo, _by_position(records))
        stored = _stored(repo, records)
        written = repo.actuals.replace(records, login, f"{IMPORT_REASON}{path.name}")
        repo.audit.write(
            login,
            "imported",
            "file",
            path.name,
            after={"actuals": len(records), "tonnes": round(written.tonnes_after, 3), "rejected_rows": len(by_row)},
        )
    rejects_file = None
    if by_row:
        rejected = [(table, r.source, by_row[r.source.number]) for r in reading.records if r.source.number in by_row]
        rejects_file = str(write_rejects(rejects_path or default_rejects_path(path), rejected))
    columns = column_uses("actuals", table, FIELDS, reading.unheaded)
    figures = _figures(written, records, stored, book.positions.values())
    counts = _counts(records, stored)
    notes = report_notes(columns, [], []) + disposed_notes
    notes += _totals_notes(table, reading, None if by_row else [r for r, _ in rows])
    notes += [str(w) for w in reading.warnings if not (w.sheet == table.sheet and w.row in by_row)]
    return ImportReport(
        file=str(path),
        tables={"actuals": table_place(table.file, table.sheet, table.header_row)},
        rows_read=len(reading.records),
        counts={"actuals": counts},
        rejected=problems,
        rejects_file=rejects_file,
        notes=notes,
        columns=columns,
        outcome=_outcome(figures, counts),
        figures=figures,
    )


def _require_position_columns(path: Path, table: Table) -> None:
    """A position is named by one ``Позиция`` column (``DEAL#NO``) or by ``№ сделки`` and
    ``№ поз.``: raise :class:`ImportRejected` when the header has neither."""
    if "position" in table.columns or {"deal_number", "position_no"} <= table.columns.keys():
        return
    seen = ", ".join(f"'{h}'" for h in table.headers if h)
    raise ImportRejected(
        path,
        [
            Problem(
                table.file,
                table.sheet,
                table.header_row,
                None,
                None,
                None,
                _(
                    "no position column: name the position in one column 'Позиция' (DEAL#NO) or in two, "
                    "'№ сделки' and '№ поз.'; headers seen: {seen}"
                ).format(seen=seen),
            )
        ],
        hint=_("Rename the column, or map it with --mapping FILE (see `millplan import fields actuals`)."),
    )


@lru_cache(maxsize=65536)  # the same codes and deal numbers, row after row
def _key(text: str) -> str:
    """Text as compared with the register's codes and the portfolio's deal numbers: lower
    case, look-alike Latin letters read as Cyrillic (``C-26`` typed with a Latin C)."""
    return look_alike_readings(text.replace(" ", ""))[1]


class _Book:
    """What the rows are checked against: mills by code, positions by deal and number, the
    product lines closed in each month of the file, and today."""

    def __init__(self, plant: Plant, positions: list[Position], closed: dict[Month, set[str]], today: date) -> None:
        self.plant, self.closed, self.today = plant, closed, today
        self.mills = {_key(m.code): m for m in plant.mills}
        self.positions = {(_key(p.deal_number), p.position_no): p for p in positions}
        self.deals: dict[str, list[int]] = {}
        for deal, number in self.positions:
            self.deals.setdefault(deal, []).append(number)
        self._cannot: dict[tuple[int, str], str | None] = {}

    @classmethod
    def of(cls, repo: UnitOfWork, days: set[date]) -> _Book:
        months = {Month.of(d) for d in days}
        closed = {m: lines for m in months if (lines := repo.closes.closed_lines(m))}
        return cls(repo.plant.whole(), repo.plant.positions(), closed, plant_today())

    def check(self, table: Table, record: Record) -> tuple[ActualRecord | None, list[Problem]]:
        """The row as an actual to store, or the problems that keep it out."""
        v, row = record.values, record.source
        found: list[Problem] = []

        def bad(key: str, why: str) -> None:
            found.append(problem_at(table, row, key, why))

        mill = self.mills.get(_key(v["mill_code"]))
        if mill is None:
            known = ", ".join(sorted(m.code for m in self.plant.mills)) or _("none: import the mill register first")
            bad("mill_code", _("is not a mill of the register (known: {known})").format(known=known))
        position = self._position(table, record, found)
        if v["day"] > self.today:
            bad("day", _("is after today ({today}): actuals are for days gone by").format(today=self.today))
        if v["tonnes"] < 0:
            bad("tonnes", _("is negative; tonnes made cannot be below 0"))
        if position is not None:
            if position.product_line in self.closed.get(Month.of(v["day"]), ()):
                bad(
                    "day",
                    _(
                        "falls in {month}, closed for product line {line}: a closed month's actuals cannot change"
                    ).format(month=month_text(Month.of(v["day"])), line=position.product_line),
                )
            why = self._cannot_make(position, mill) if mill is not None else None
            if why is not None:
                bad(
                    "mill_code",
                    _("cannot make position {position}: {why}").format(position=position.ref, why=why),
                )
        if found:
            return None, found
        return ActualRecord(v["day"], mill.code, position.id, v["tonnes"]), []

    def _position(self, table: Table, record: Record, found: list[Problem]) -> Position | None:
        """The row's position, from ``№ сделки`` and ``№ поз.`` or from ``Позиция``
        (``DEAL#NO``, or the position number beside a deal column). A position not found is
        a problem of the deal's column when the deal is unknown, else of the position's."""
        v, row = record.values, record.source
        if {"deal_number", "position_no"} <= table.columns.keys():
            deal_at, number_at, deal, number = "deal_number", "position_no", v.get("deal_number"), v.get("position_no")
            for key in ("deal_number", "position_no"):
                if v.get(key) is None:
                    found.append(problem_at(table, row, key, _("is empty; the position needs it")))
            if deal is None or number is None:
                return None
        else:
            text = v.get("position")
            deal_at = number_at = "position"
            deal, _sep, number_text = (text or "").rpartition("#")
            if not deal and v.get("deal_number") and (text or "").isdigit():
                deal, number_text, deal_at = v["deal_number"], text, "deal_number"
            try:
                number = cells.integer(number_text) if deal else None
            except cells.CellError:
                number = None
            if number is None:
                found.append(
                    problem_at(
                        table,
                        row,
                        "position",
                        _("is empty; the column is required")
                        if text is None
                        else _("is not a position written DEAL#NO (e.g. С-26/3277#2)"),
                    )
                )
                return None
        position = self.positions.get((_key(deal), number))
        if position is None:
            numbers = self.deals.get(_key(deal))
            if numbers:
                at, why = (
                    number_at,
                    _("position {number} of deal {deal} is not in the portfolio (the deal has {numbers})").format(
                        number=number, deal=deal, numbers=_numbers(numbers)
                    ),
                )
            else:
                at, why = (
                    deal_at,
                    _("deal {deal} is not in the portfolio: import the portfolio first").format(deal=deal),
                )
            found.append(replace(problem_at(table, row, at, why), names_value=True))
        return position

    def _cannot_make(self, position: Position, mill: Mill) -> str | None:
        """Why ``mill`` cannot make ``position`` (the planner's own rule, see
        :func:`millplan.core.planning.attributes.incompatibility`), or ``None``."""
        key = (position.id, mill.code)
        if key not in self._cannot:
            why = incompatibility(position, mill)
            if why is None and productivity(self.plant, mill, position.od_mm, position.wall_mm) <= 0:
                why = _("productivity is zero for this size")
            self._cannot[key] = why
        return self._cannot[key]


def _numbers(numbers: list[int]) -> str:
    """A deal's position numbers in a sentence: ``1, 2, 3``, the first :data:`SHOWN` and ``…``."""
    ordered = sorted(numbers)
    return ", ".join(str(n) for n in ordered[:SHOWN]) + (", …" if len(ordered) > SHOWN else "")


def _stored(repo: UnitOfWork, records: list[ActualRecord]) -> dict[tuple[date, str, int], Actual]:
    """The actuals stored for the (day, mill) pairs of ``records``, by day, mill and position id."""
    if not records:
        return {}
    pairs = {(r.day, r.mill_code) for r in records}
    days = [r.day for r in records]
    return {
        (a.day, a.mill_code, a.position_id): a
        for a in repo.actuals.between(min(days), max(days))
        if (a.day, a.mill_code) in pairs
    }


def _summed(records: list[ActualRecord]) -> dict[tuple[date, str, int], float]:
    """Tonnes of ``records`` by day, mill and position id (the shifts added up)."""
    summed: dict[tuple[date, str, int], float] = {}
    for r in records:
        key = (r.day, r.mill_code, r.position_id)
        summed[key] = summed.get(key, 0.0) + r.tonnes
    return summed


def _by_position(records: list[ActualRecord]) -> dict[int, float]:
    """Tonnes of ``records`` by position id."""
    made: dict[int, float] = {}
    for r in records:
        made[r.position_id] = made.get(r.position_id, 0.0) + r.tonnes
    return made


def _counts(records: list[ActualRecord], stored: dict[tuple[date, str, int], Actual]) -> UpsertCounts:
    """Rows by day, mill and position: ``created`` (none was stored), ``removed`` (stored,
    and the file's day and mill no longer hold it), ``unchanged`` (the same tonnes, in a day
    and mill the file leaves as they were) and ``updated`` (the rest: other tonnes, or the
    same tonnes in a day and mill that gained or lost a row), so a changed day never
    reads as unchanged."""
    summed = _summed(records)
    removed = [key for key in stored if key not in summed]
    changed_pairs = {(d, m) for d, m, _pid in removed}
    changed_pairs |= {
        (d, m)
        for (d, m, pid), t in summed.items()
        if (d, m, pid) not in stored or abs(stored[d, m, pid].tonnes - t) > 1e-9
    }
    created = sum(key not in stored for key in summed)
    unchanged = sum(key in stored and (key[0], key[1]) not in changed_pairs for key in summed)
    return UpsertCounts(created, len(summed) - created - unchanged, unchanged, removed=len(removed))


def _figures(
    written: ActualsWrite,
    records: list[ActualRecord],
    stored: dict[tuple[date, str, int], Actual],
    positions: Iterable[Position],
) -> dict[str, Any]:
    """What the import stored, as plain data (the JSON report's ``figures``): days and mills
    replaced, rows read and stored, the stored rows the file's rows replaced and those it
    removed (stored for a day and mill of the file, not in it: day, mill, position, t),
    tonnes of those days and mills before and after, the positions whose produced tonnes
    changed (t before → after) and those now complete.

    ``positions`` are as read before the import and ``stored`` the actuals the import
    replaced: a position's produced tonnes after it are those before, less its replaced
    actuals, plus the file's (produced = opening balance + actuals, and only the actuals of
    the file's days and mills changed)."""
    delta: dict[int, float] = {}
    for actual in stored.values():
        delta[actual.position_id] = delta.get(actual.position_id, 0.0) - actual.tonnes
    for r in records:
        delta[r.position_id] = delta.get(r.position_id, 0.0) + r.tonnes
    changed, complete = [], []
    for p in sorted((p for p in positions if p.id in written.positions), key=lambda p: p.ref):
        after = p.tonnes_produced + delta.get(p.id, 0.0)
        if abs(after - p.tonnes_produced) > 1e-9:
            changed.append({"position": p.ref, "before": round(p.tonnes_produced, 3), "after": round(after, 3)})
        if after >= p.tonnes_ordered > p.tonnes_produced:
            complete.append(p.ref)
    summed = _summed(records)
    removed = sorted(
        (a for key, a in stored.items() if key not in summed), key=lambda a: (a.day, a.mill_code, a.position_ref)
    )
    return {
        "days": [d.isoformat() for d in written.days],
        "mills": list(written.mills),
        "rows": len(records),
        "stored_rows": written.written,
        "replaced_rows": written.replaced - len(removed),
        "removed_rows": len(removed),
        "removed": [
            {"day": a.day.isoformat(), "mill": a.mill_code, "position": a.position_ref, "tonnes": round(a.tonnes, 3)}
            for a in removed
        ],
        "tonnes_before": round(written.tonnes_before, 3),
        "tonnes_after": round(written.tonnes_after, 3),
        "produced_changed": changed,
        "now_complete": complete,
    }


def _outcome(figures: dict[str, Any], counts: UpsertCounts) -> list[str]:
    """The figures as sentences for a person; ``counts`` say whether anything changed (when
    nothing did, the stored rows are said unchanged, not replaced)."""
    if not figures["days"]:
        return [_("no actuals in the file: nothing stored")]
    days = figures["days"]
    span = days[0] if len(days) == 1 else f"{days[0]} – {days[-1]}"
    said = [
        ngettext(
            "{days} day ({span}), {mills} mills: {rows} rows read, {stored} stored",
            "{days} days ({span}), {mills} mills: {rows} rows read, {stored} stored",
            len(days),
        ).format(
            days=len(days),
            span=span,
            mills=len(figures["mills"]),
            rows=figures["rows"],
            stored=figures["stored_rows"],
        ),
        (
            _(
                "tonnes of those days and mills: {before} t before, {after} t now; stored rows: {replaced} replaced "
                "by the file's, {removed} removed"
            )
            if counts.created or counts.updated or counts.removed
            else ngettext(
                "tonnes of those days and mills: {before} t before, {after} t now; {unchanged} stored row unchanged",
                "tonnes of those days and mills: {before} t before, {after} t now; {unchanged} stored rows unchanged",
                counts.unchanged,
            )
        ).format(
            before=grouped(figures["tonnes_before"], 1),
            after=grouped(figures["tonnes_after"], 1),
            replaced=figures["replaced_rows"],
            removed=figures["removed_rows"],
            unchanged=counts.unchanged,
        ),
    ]
    if figures["removed"]:
        said.append(_removed_sentence(figures["removed"]))
    changed = figures["produced_changed"]
    if changed:
        which = ", ".join(
            f"{c['position']} ({grouped(c['before'], 1)} {glyphs.ARROW} {grouped(c['after'], 1)})"
            for c in changed[:SHOWN]
        )
        if len(changed) > SHOWN:
            which += " " + _("and {count} more").format(count=len(changed) - SHOWN)
        said.append(
            ngettext(
                "produced tonnes changed on {count} position: {which}",
                "produced tonnes changed on {count} positions: {which}",
                len(changed),
            ).format(count=len(changed), which=which)
        )
    complete = figures["now_complete"]
    if complete:
        which = ", ".join(complete[:SHOWN]) + (
            " " + _("and {count} more").format(count=len(complete) - SHOWN) if len(complete) > SHOWN else ""
        )
        said.append(
            ngettext(
                "{count} position now complete (produced ≥ ordered): {which}",
                "{count} positions now complete (produced ≥ ordered): {which}",
                len(complete),
            ).format(count=len(complete), which=which)
        )
    return said


def _removed_sentence(removed: list[dict[str, Any]]) -> str:
    """The stored rows an import removed, by day × mill: the first :data:`SHOWN` named with
    their tonnes, and why they went."""
    by_pair: dict[tuple[str, str], list[str]] = {}
    for row in removed[:SHOWN]:
        by_pair.setdefault((row["day"], row["mill"]), []).append(
            _("{position} {tonnes} t").format(position=row["position"], tonnes=grouped(row["tonnes"], 1))
        )
    which = "; ".join(f"{day} {mill}: {', '.join(rows)}" for (day, mill), rows in by_pair.items())
    if len(removed) > SHOWN:
        which += " " + _("and {count} more").format(count=len(removed) - SHOWN)
    return ngettext(
        "REMOVED {count} stored row not in the file (a file replaces the whole day of each mill it holds, "
        "every shift): {which}",
        "REMOVED {count} stored rows not in the file (a file replaces the whole day of each mill it holds, "
        "every shift): {which}",
        len(removed),
    ).format(count=len(removed), which=which)


def _totals_notes(table: Table, reading: Reading, good: list[Record] | None) -> list[str]:
    """Notes on the totals rows passed over: how many, and each whose figure is neither the
    sum of the rows since the totals row before it (a day's total) nor of all rows above it
    (the grand total). ``good`` are the file's rows; ``None`` when some were rejected, and
    the totals cannot be checked."""
    if not reading.totals:
        return []
    column = table.columns["tonnes"]
    labels = sorted({cells.text(next(v for v in t.values if not cells.is_blank(v))) for t in reading.totals})
    notes = [
        ngettext(
            "{count} totals row ({labels}) passed over: totals are not actuals",
            "{count} totals rows ({labels}) passed over: totals are not actuals",
            len(reading.totals),
        ).format(count=len(reading.totals), labels=", ".join(f"'{label}'" for label in labels))
    ]
    if good is None:
        return notes
    previous = table.header_row
    for total in reading.totals:
        where = ", ".join([*sheet_place(table.file, table.sheet), _("row {row}").format(row=total.number)])
        since = sum(r.values["tonnes"] for r in good if previous < r.source.number < total.number)
        above = sum(r.values["tonnes"] for r in good if r.source.number < total.number)
        previous = total.number
        try:
            figure = cells.number(total.values[column])
        except cells.CellError:
            figure = None
        if figure is None:
            notes.append(
                _("{where}: the totals row holds no figure (a formula never computed?): not checked").format(
                    where=where
                )
            )
        elif min(abs(figure - since), abs(figure - above)) > TOTALS_TOLERANCE:
            notes.append(
                _(
                    "{where}: the totals row says {figure} t, but the rows since the last totals "
                    "row sum to {since} t and all rows above to {above} t; the rows are imported, the total is not"
                ).format(
                    where=where,
                    figure=grouped(figure, 1),
                    since=grouped(since, 1),
                    above=grouped(above, 1),
                )
            )
    return notes
