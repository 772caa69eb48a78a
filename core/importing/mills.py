"""Import of the mill register (``millplan import mills FILE``).

One workbook, three tables found by their headers wherever they sit: the register of
mills (required unless the workbook holds only a calendar or norms, as a rejects file
may), the capacity calendar (mill × month → hours; optional) and the
productivity norms (mill × OD band × wall band → t/h; optional). Mills are identified by
code; a re-import updates them, sets the calendar's hours month by month and replaces
the norms of every mill the norms sheet lists.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from millplan.core.access.permissions import Action, actor, require
from millplan.core.domain.audit import IMPORT_REASON
from millplan.core.domain.i18n import _
from millplan.core.domain.months import Month
from millplan.core.importing import cells
from millplan.core.importing.headers import N_, FieldSpec
from millplan.core.importing.problems import ImportRejected, Problem, table_place
from millplan.core.importing.report import (
    ImportReport,
    ReimportChange,
    column_uses,
    default_rejects_path,
    missing_fields,
    report_notes,
    write_rejects,
)
from millplan.core.importing.workbook import (
    Reading,
    Record,
    Table,
    find_table,
    load_mapping,
    open_workbook,
    problem_at,
    problem_in,
    read_records,
)
from millplan.core.planning.capacity import mark_stale
from millplan.storage.store import Store

MAX_MONTH_HOURS = 31 * 24

_MM = frozenset({"мм"})


def _month_header(value: Any) -> Month | None:
    try:
        return cells.month(value)
    except cells.CellError:
        return None


CODE = FieldSpec(
    "code", "Код агрегата", ("код", "агрегат", "код стана", "стан", "mill", "mill code", "code"), cells.text
)
OD_MIN = FieldSpec(
    "od_min_mm",
    "Диаметр от, мм",
    ("диаметр мин", "мин диаметр", "диаметр min", "dmin", "d от", "od min", "od from"),
    cells.number,
    units=_MM,
)
OD_MAX = FieldSpec(
    "od_max_mm",
    "Диаметр до, мм",
    ("диаметр макс", "макс диаметр", "диаметр max", "dmax", "d до", "od max", "od to"),
    cells.number,
    units=_MM,
)
WALL_MIN = FieldSpec(
    "wall_min_mm",
    "Стенка от, мм",
    ("толщина стенки от", "стенка мин", "стенка min", "smin", "s от", "wall min", "wall from"),
    cells.number,
    units=_MM,
)
WALL_MAX = FieldSpec(
    "wall_max_mm",
    "Стенка до, мм",
    ("толщина стенки до", "стенка макс", "стенка max", "smax", "s до", "wall max", "wall to"),
    cells.number,
    units=_MM,
)

NOMINAL_HOURS = FieldSpec(
    "nominal_hours",
    "Фонд времени (номинал), ч/мес",
    (
        "фонд времени номинал",
        "фонд времени",
        "номинальный фонд времени",
        "номинальный фонд",
        "nominal hours",
        "hours per month",
    ),
    cells.number,
    required=False,
    units=frozenset({"ч/мес", "ч"}),
    absent=N_("0 h/month for new mills (only the calendar's months have hours); stored hours are kept"),
)

MILL_FIELDS: tuple[FieldSpec, ...] = (
    CODE,
    FieldSpec("name", "Наименование", ("название", "наименование агрегата", "name"), cells.text, required=False),
    FieldSpec("shop", "Цех", ("подразделение", "shop"), cells.text, required=False),
    FieldSpec("product_line", "Товарная линия", ("тл", "линия", "product line", "line"), cells.text),
    FieldSpec("product_type", "Вид продукции", ("продукция", "product type"), cells.text, required=False),
    OD_MIN,
    OD_MAX,
    WALL_MIN,
    WALL_MAX,
    FieldSpec("steel_grades", "Марки стали", ("марка стали", "марки", "steel grades", "grades"), cells.items),
    FieldSpec("standards", "НТД", ("стандарты", "нормативная документация", "standards"), cells.items),
    FieldSpec(
        "speed_m_per_h",
        "Скорость, м/ч",
        ("скорость", "скорость стана", "speed"),
        cells.number,
        units=frozenset({"м/ч"}),
    ),
    NOMINAL_HOURS,
    FieldSpec(
        "conversion_cost",
        "Затраты передела (перем.), руб/т",
        (
            "затраты передела перем",
            "затраты передела",
            "переменные затраты передела",
            "стоимость передела",
            "conversion cost",
        ),
        cells.money,
        units=frozenset({"руб/т"}),
    ),
)

NORM_FIELDS: tuple[FieldSpec, ...] = (
    CODE,
    OD_MIN,
    OD_MAX,
    WALL_MIN,
    WALL_MAX,
    FieldSpec(
        "tonnes_per_hour",
        "Производительность, т/ч",
        ("производительность", "норма производительности", "норма", "productivity", "t/h"),
        cells.number,
        units=frozenset({"т/ч"}),
    ),
    # optional: the conversion cost of the size band, where it differs from the mill's
    FieldSpec(
        "band_conversion_cost",
        "Перем. затраты на передел, руб/т",
        (
            "перем затраты на передел",
            "переменные затраты на передел",
            "затраты на передел",
            "затраты передела перем",
            "затраты передела",
            "conversion cost",
        ),
        cells.money,
        required=False,
        units=frozenset({"руб/т"}),
        absent=N_("the mill's conversion cost in every size band of the mills the sheet lists"),
    ),
)

CAPACITY_FIELDS: tuple[FieldSpec, ...] = (CODE,)

ALL_FIELDS = tuple({f.key: f for f in MILL_FIELDS + NORM_FIELDS}.values())


def _range_problems(table: Table, record: Record, low: str, high: str) -> list[Problem]:
    v = record.values
    found = [problem_at(table, record.source, k, _("must be more than 0")) for k in (low, high) if v[k] <= 0]
    if not found and v[low] > v[high]:
        found.append(
            problem_at(table, record.source, high, _("is below the lower bound {low}").format(low=f"{v[low]:g}"))
        )
    return found


def _mill_problems(table: Table, record: Record, first_row: dict[str, int]) -> list[Problem]:
    v, row = record.values, record.source
    found = _range_problems(table, record, "od_min_mm", "od_max_mm") + _range_problems(
        table, record, "wall_min_mm", "wall_max_mm"
    )
    if v["speed_m_per_h"] <= 0:
        found.append(problem_at(table, row, "speed_m_per_h", _("must be more than 0")))
    if v.get("nominal_hours") is not None and not 0 <= v["nominal_hours"] <= MAX_MONTH_HOURS:
        found.append(problem_at(table, row, "nominal_hours", _hours_out_of_range()))
    if v["conversion_cost"] < 0:
        found.append(problem_at(table, row, "conversion_cost", _("is negative")))
    if v["code"] in first_row:
        found.append(
            problem_at(table, row, "code", _("repeats the mill of row {row}").format(row=first_row[v["code"]]))
        )
    return found


def _hours_out_of_range() -> str:
    return _("must be 0-{most} hours").format(most=MAX_MONTH_HOURS)


def _unknown_mill(code: str, rejected_mills: dict[str, int]) -> str:
    """Why a calendar or norms row names no usable mill: a typo, or a register row refused."""
    if code in rejected_mills:
        return _("is a mill whose register row {row} is rejected; fix that row first").format(row=rejected_mills[code])
    return _("is an unknown mill (not in the register)")


def _norm_problems(table: Table, record: Record, mills: set[str], rejected_mills: dict[str, int]) -> list[Problem]:
    found = _range_problems(table, record, "od_min_mm", "od_max_mm") + _range_problems(
        table, record, "wall_min_mm", "wall_max_mm"
    )
    if record.values["code"] not in mills:
        found.append(problem_at(table, record.source, "code", _unknown_mill(record.values["code"], rejected_mills)))
    if record.values["tonnes_per_hour"] <= 0:
        found.append(problem_at(table, record.source, "tonnes_per_hour", _("must be more than 0 t/h")))
    cost = record.values.get("band_conversion_cost")
    if cost is not None and cost < 0:
        found.append(problem_at(table, record.source, "band_conversion_cost", _("is negative")))
    return found


def _capacity(
    table: Table, records: list[Record], mills: set[str], rejected_mills: dict[str, int]
) -> tuple[list[tuple[str, Month, float]], dict[int, list[Problem]]]:
    """Hours by (mill, month) from the calendar rows (their cells read by
    :func:`read_records`); problems by Excel row."""
    entries = []
    by_row: dict[int, list[Problem]] = {}
    for record in records:
        row, code = record.source, record.values.get("code")
        if code is None:
            continue
        if code not in mills:
            by_row.setdefault(row.number, []).append(
                problem_at(table, row, "code", _unknown_mill(code, rejected_mills))
            )
            continue
        for column, month in table.extra.items():
            hours = record.extra.get(column)
            if hours is None:
                continue  # no entry: the mill's nominal fund applies
            if not 0 <= hours <= MAX_MONTH_HOURS:
                by_row.setdefault(row.number, []).append(problem_in(table, row, column, _hours_out_of_range()))
                continue
            entries.append((code, month, hours))
    return entries, by_row


def _find_register(workbook, path: Path, mapping, others: set[str]) -> Table | None:
    """The register table; ``None`` when the workbook has none but holds a calendar or
    norms (on the sheets ``others``), as the rejects file of those rows does."""
    try:
        return find_table(workbook, path, "mills", MILL_FIELDS, mapping)
    except ImportRejected as exc:
        # The nearest miss sits on the calendar or norms sheet: that is no broken register.
        if others and all(p.sheet is None or p.sheet in others for p in exc.problems):
            return None
        raise


def _keep_norms_whole(table: Table, records: list[Record], norms: dict[str, list], rejected: dict, reject) -> None:
    """A mill's norms are replaced whole, so one rejected row of a mill must not leave the
    others to replace its stored norms: they are rejected with it (and so come back
    together when the rejects file is fixed and imported)."""
    bad_rows = {r.source.number: r.values.get("code") for r in records if (table.sheet, r.source.number) in rejected}
    for record in records:
        code = record.values.get("code")
        if code in norms and code in bad_rows.values() and record.source.number not in bad_rows:
            first_bad = min(n for n, c in bad_rows.items() if c == code)
            why = _("left out with row {row} of the same mill: a mill's norms are imported whole").format(row=first_bad)
            reject(table, record, [problem_at(table, record.source, "code", why)])
    for code in set(bad_rows.values()):
        norms.pop(code, None)


def import_mills(
    store: Store,
    path: Path,
    *,
    login: str,
    mapping_path: Path | None = None,
    skip_invalid: bool = False,
    rejects_path: Path | None = None,
) -> ImportReport:
    """Import the mill register, capacity calendar and norms at ``path`` in one transaction.

    Raises :class:`~millplan.core.domain.errors.Forbidden` when ``login`` may not import it (see
    :mod:`millplan.core.access.permissions`), :class:`ImportRejected` (nothing written) when the register's header lacks a
    required column, or when any row is bad (unknown mill, negative hours, text in a
    number, …) and ``skip_invalid`` is false. With ``skip_invalid`` good rows are imported
    and bad ones written to ``rejects_path`` (default ``<file>.rejects.xlsx``).
    """
    path = Path(path)
    require(actor(store, login), Action.IMPORT_MILLS, target=path.name)
    mapping = load_mapping(mapping_path, ALL_FIELDS)
    workbook = open_workbook(path)
    try:
        calendar = find_table(
            workbook,
            path,
            "capacity",
            CAPACITY_FIELDS,
            mapping,
            claim=_month_header,
            need_extra="month",
            required=False,
        )
        norms_table = find_table(workbook, path, "norms", NORM_FIELDS, mapping, required=False)
        register = _find_register(workbook, path, mapping, {t.sheet for t in (calendar, norms_table) if t})
        readings = [
            read_records(workbook, path, table, fields, extra=cells.number) if table else Reading([], [], [])
            for table, fields in ((register, MILL_FIELDS), (calendar, CAPACITY_FIELDS), (norms_table, NORM_FIELDS))
        ]
    finally:
        workbook.close()
    (mill_records, problems), (calendar_records, calendar_problems), (norm_records, norm_problems) = (
        (r.records, r.problems) for r in readings
    )

    rejected: dict[tuple[str, int], tuple[Table, Any, list[Problem]]] = {}

    def reject(table: Table, record: Record, found: list[Problem]) -> None:
        rejected.setdefault((table.sheet, record.source.number), (table, record.source, []))[2].extend(found)

    def index(table: Table | None, records: list[Record], found: list[Problem]) -> None:
        rows = {r.source.number: r for r in records}
        for p in found:
            reject(table, rows[p.row], [p])

    index(register, mill_records, problems)
    first_row: dict[str, int] = {}
    good_mills = []
    for record in mill_records:
        if (register.sheet, record.source.number) in rejected:
            continue
        found = _mill_problems(register, record, first_row)
        first_row.setdefault(record.values["code"], record.source.number)
        if found:
            reject(register, record, found)
        else:
            good_mills.append(record)

    rejected_mills = {
        r.values["code"]: r.source.number
        for r in mill_records
        if r.values.get("code") and (register.sheet, r.source.number) in rejected
    }
    with store.unit_of_work() as repo:
        known = (repo.plant.mill_codes() - set(rejected_mills)) | {r.values["code"] for r in good_mills}
        if calendar:
            index(calendar, calendar_records, calendar_problems)
            clean = [r for r in calendar_records if (calendar.sheet, r.source.number) not in rejected]
            capacity, calendar_by_row = _capacity(calendar, clean, known, rejected_mills)
            rows = {r.source.number: r for r in calendar_records}
            for number, found in calendar_by_row.items():
                reject(calendar, rows[number], found)
            capacity = [e for e in capacity if not _rejected_code(e[0], calendar, calendar_records, rejected)]
        else:
            capacity = []
        norms: dict[str, list[dict[str, float]]] = {}
        if norms_table:
            index(norms_table, norm_records, norm_problems)
            for record in norm_records:
                if (norms_table.sheet, record.source.number) in rejected:
                    continue
                found = _norm_problems(norms_table, record, known, rejected_mills)
                if found:
                    reject(norms_table, record, found)
                    continue
                v = record.values
                band = {k: v[k] for k in ("od_min_mm", "od_max_mm", "wall_min_mm", "wall_max_mm", "tonnes_per_hour")}
                norms.setdefault(v["code"], []).append({**band, "conversion_cost": v.get("band_conversion_cost")})

        all_problems = [p for key in sorted(rejected) for p in rejected[key][2]]
        if all_problems and not skip_invalid:
            raise ImportRejected(
                path, all_problems, hint=_("Fix the rows, or import the good ones with --skip-invalid.")
            )
        if norms_table:
            _keep_norms_whole(norms_table, norm_records, norms, rejected, reject)
            all_problems = [p for key in sorted(rejected) for p in rejected[key][2]]
        source = f"{IMPORT_REASON}{path.name}"
        plant_before = repo.plant.whole()
        stored_hours = {m.code: m.nominal_hours for m in plant_before.mills}
        mill_values = [_mill_values(r.values, stored=r.values["code"] in stored_hours) for r in good_mills]
        changes = [
            ReimportChange(
                "mill", v["code"], "nominal_hours", NOMINAL_HOURS.label, stored_hours[v["code"]], v["nominal_hours"]
            )
            for v in mill_values
            if "nominal_hours" in v and v["code"] in stored_hours and stored_hours[v["code"]] != v["nominal_hours"]
        ]
        counts = {
            "mills": repo.plant.upsert_mills(mill_values, login, source),
            "capacity": repo.plant.upsert_capacity(capacity, login, source),
        }
        # the register's mills come with their whole norm table; any other mill only with bands
        counts["norms"] = repo.plant.set_norms(norms, login, source, whole={r.values["code"] for r in good_mills})
        repo.audit.write(
            login,
            "imported",
            "file",
            path.name,
            after={"mills": len(good_mills), "capacity": len(capacity), "norms": sum(len(b) for b in norms.values())},
        )
        mark_stale(repo, plant_before, capacity, login, source)  # drafts planned on the old hours

    rejects_file = None
    if rejected:
        rejects_file = str(
            write_rejects(rejects_path or default_rejects_path(path), [rejected[k] for k in sorted(rejected)])
        )
    tables = {"mills": table_place(register.file, register.sheet, register.header_row)} if register else {}
    notes = [] if register else [_("no mill register sheet; the calendar and norms are of mills already stored")]
    for kind, table in (("capacity", calendar), ("norms", norms_table)):
        if table:
            tables[kind] = table_place(table.file, table.sheet, table.header_row)
        else:
            notes.append(
                _("no capacity sheet found; nominal hours apply to every month")
                if kind == "capacity"
                else _("no norms sheet found; productivity comes from speed × mass per metre")
            )
    found = [
        (kind, t, f, r)
        for kind, t, f, r in zip(
            ("mills", "capacity", "norms"),
            (register, calendar, norms_table),
            (MILL_FIELDS, CAPACITY_FIELDS, NORM_FIELDS),
            readings,
        )
        if t
    ]
    columns = [c for kind, t, f, r in found for c in column_uses(kind, t, f, r.unheaded)]
    missing = [m for kind, t, f, _r in found for m in missing_fields(kind, t, f)]
    notes += [
        str(w) for r in readings for w in r.warnings if (w.sheet, w.row) not in rejected
    ]  # rejected rows say enough
    return ImportReport(
        file=str(path),
        tables=tables,
        rows_read=len(mill_records) + len(calendar_records) + len(norm_records),
        counts=counts,
        rejected=all_problems,
        rejects_file=rejects_file,
        notes=report_notes(columns, missing, changes) + notes,
        columns=columns,
        missing=missing,
        changes=changes,
    )


def _rejected_code(code: str, table: Table, records: list[Record], rejected: dict) -> bool:
    """True if a calendar row of ``code`` was rejected: its other months are left out too,
    so a mill's calendar is never half-imported."""
    return any((table.sheet, r.source.number) in rejected for r in records if r.values.get("code") == code)


def _mill_values(v: dict[str, Any], *, stored: bool) -> dict[str, Any]:
    """A register row as the store's mill record; a file with no nominal hours column
    leaves a ``stored`` mill's hours alone (a new mill gets 0: only its calendar counts)."""
    values = {
        "code": v["code"],
        "name": v.get("name") or v["code"],
        "shop": v.get("shop") or "",
        "product_line": v["product_line"],
        "product_type": v.get("product_type") or "",
        "od_min_mm": v["od_min_mm"],
        "od_max_mm": v["od_max_mm"],
        "wall_min_mm": v["wall_min_mm"],
        "wall_max_mm": v["wall_max_mm"],
        "steel_grades": list(v["steel_grades"]),
        "standards": list(v["standards"]),
        "speed_m_per_h": v["speed_m_per_h"],
        "nominal_hours": v.get("nominal_hours") or 0.0,
        "conversion_cost": v["conversion_cost"],
    }
    if stored and "nominal_hours" not in v:
        del values["nominal_hours"]
    return values
