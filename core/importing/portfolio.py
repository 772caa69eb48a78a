"""Import of the order portfolio (``millplan import portfolio FILE``).

The commercial department's workbook: one row per position, deal-level columns (deal
number, customer, key-account flag, sales manager, status, acceptance date) repeated on
every position of the deal. Deal number + position number identify a position, so a
re-import updates rows in place and never duplicates them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from millplan.core.access.permissions import Action, actor, require
from millplan.core.domain.audit import IMPORT_REASON
from millplan.core.domain.field_text import value_text
from millplan.core.domain.i18n import _
from millplan.core.domain.numbers import grouped
from millplan.core.domain.portfolio import DealStatus
from millplan.core.importing import cells
from millplan.core.importing.disposed import kept_dispositions
from millplan.core.importing.headers import N_, FieldSpec
from millplan.core.importing.problems import ImportRejected, Problem, table_place
from millplan.core.importing.report import (
    SHOWN_CHANGES,
    ImportReport,
    ReimportChange,
    column_uses,
    default_rejects_path,
    missing_fields,
    report_notes,
    write_rejects,
)
from millplan.core.importing.workbook import (
    Record,
    find_table,
    load_mapping,
    open_workbook,
    problem_at,
    read_records,
)
from millplan.storage.store import Store
from millplan.storage.unit_of_work import UnitOfWork

_STATUS_WORDS = {
    DealStatus.ACCEPTED: ("акцептована", "акцептовано", "акцептован", "акцепт", "accepted"),
    DealStatus.PENDING: ("на акцепте", "ожидает акцепта", "на согласовании", "новая", "pending", "waiting"),
    DealStatus.REJECTED: ("отклонена", "отклонено", "отказ", "rejected"),
    DealStatus.CANCELLED: ("отменена", "отменено", "аннулирована", "cancelled", "canceled"),
    DealStatus.CLOSED: ("закрыта", "выполнена", "исполнена", "closed", "done"),
}
_STATUS = {word: status for status, words in _STATUS_WORDS.items() for word in words}


def status_word(status: DealStatus) -> str:
    """How a portfolio file writes ``status`` (``Акцептована``): the first word
    :func:`deal_status` reads for it."""
    return _STATUS_WORDS[status][0].capitalize()


def deal_status(value: Any) -> DealStatus | None:
    """A deal status as the file writes it (``Акцептована``, ``На акцепте``, …)."""
    label = cells.text(value)
    if label is None:
        return None
    found = _STATUS.get(label.lower().replace("ё", "е"))
    if found is None:
        known = ", ".join(words[0] for words in _STATUS_WORDS.values())
        raise cells.CellError(_("is not a deal status ({known})").format(known=known))
    return found


_T, _MM, _M, _RUB_T = frozenset({"т"}), frozenset({"мм"}), frozenset({"м"}), frozenset({"руб/т"})

FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("deal_number", "№ сделки", ("номер сделки", "сделка", "deal", "deal no", "deal number"), cells.text),
    FieldSpec(
        "customer",
        "Клиент",
        ("контрагент", "заказчик", "покупатель", "грузополучатель", "customer", "client"),
        cells.text,
    ),
    FieldSpec(
        "is_key_account",
        "Ключевой клиент",
        (
            "ключевой",
            "кк",
            "признак ключевого клиента",
            "признак кк",
            "ключевой контрагент",
            "ключевой заказчик",
            "ключевой покупатель",
            "key account",
            "key customer",
            "key client",
            "key",
        ),
        cells.flag,
        required=False,
        absent=N_("no for new customers; stored key-account flags are kept"),
    ),
    FieldSpec(
        "sales_manager",
        "Менеджер",
        ("менеджер по продажам", "ответственный менеджер", "ответственный", "sales manager", "manager"),
        cells.text,
    ),
    FieldSpec("deal_status", "Статус сделки", ("статус", "status", "deal status"), deal_status),
    FieldSpec(
        "accepted_at",
        "Дата акцепта",
        ("акцепт", "дата акцептования", "дата акцептации", "дата подтверждения", "accepted at", "acceptance date"),
        cells.timestamp,
        required=False,
        absent=N_("no date for deals accepted by this file; stored dates are kept"),
    ),
    FieldSpec(
        "position_no",
        "№ поз.",
        ("№ позиции", "позиция", "поз", "номер позиции", "position", "position no", "item"),
        cells.integer,
    ),
    FieldSpec("product_line", "Товарная линия", ("тл", "линия", "product line", "line"), cells.text),
    FieldSpec(
        "pipe_type", "Вид трубы", ("тип трубы", "вид продукции", "pipe type", "type"), cells.text, required=False
    ),
    FieldSpec(
        "od_mm",
        "Диаметр, мм",
        ("наружный диаметр", "диаметр наружный", "dн", "дн", "d", "od", "outside diameter", "diameter"),
        cells.number,
        units=_MM,
    ),
    FieldSpec(
        "wall_mm", "Стенка, мм", ("толщина стенки", "стенка", "s", "wall", "wall thickness"), cells.number, units=_MM
    ),
    FieldSpec("steel_grade", "Марка стали", ("марка", "сталь", "steel grade", "grade"), cells.text),
    FieldSpec("standard", "НТД", ("стандарт", "гост/ту", "гост ту", "нормативный документ", "standard"), cells.text),
    FieldSpec("length_m", "Длина, м", ("длина", "length"), cells.number, required=False, units=_M),
    FieldSpec(
        "tonnes_ordered",
        "Количество, т",
        ("количество", "кол-во", "кол во", "объем", "заказано", "тоннаж", "quantity", "qty", "tonnes", "ordered"),
        cells.number,
        units=_T,
    ),
    FieldSpec(
        "tonnes_produced",
        "Произведено, т",
        (
            "произведено",
            "изготовлено",
            "выпущено",
            "выполнено",
            "фактически произведено",
            "произведено факт",
            "факт производства",
            "фактический выпуск",
            "produced",
            "made",
        ),
        cells.number,
        required=False,
        units=_T,
        absent=N_("0 t for new positions; stored produced tonnes are kept"),
    ),
    FieldSpec("price", "Цена, руб/т", ("цена", "цена без ндс", "цена реализации", "price"), cells.money, units=_RUB_T),
    FieldSpec(
        "metal_cost",
        "Перем. затраты (металл), руб/т",
        (
            "перем затраты металл",
            "переменные затраты металл",
            "затраты на металл",
            "стоимость металла",
            "металл",
            "metal cost",
        ),
        cells.money,
        units=_RUB_T,
    ),
    FieldSpec(
        "requested_month",
        "Месяц поставки",
        (
            "срок поставки",
            "период поставки",
            "месяц отгрузки",
            "срок отгрузки",
            "месяц",
            "requested month",
            "delivery month",
            "due month",
        ),
        cells.month,
    ),
    FieldSpec(
        "manual_priority",
        "Приоритет",
        ("ручной приоритет", "приоритет ручной", "приоритетность", "очередность", "priority", "manual priority"),
        cells.integer,
        required=False,
        absent=N_("none for new positions; stored priorities are kept"),
    ),
    FieldSpec("note", "Примечание", ("комментарий", "прим", "note", "comment"), cells.text, required=False),
)

_DEAL_FIELDS = ("customer", "sales_manager", "deal_status")


def _row_problems(table, record: Record, product_lines: set[str]) -> list[Problem]:
    """Rules a single row must keep, beyond its cells being readable."""
    v, row = record.values, record.source
    found = []

    def bad(key: str, why: str) -> None:
        found.append(problem_at(table, row, key, why))

    if v["tonnes_ordered"] <= 0:
        bad(
            "tonnes_ordered",
            _("is negative; tonnes must be more than 0")
            if v["tonnes_ordered"] < 0
            else _("is zero; tonnes must be more than 0"),
        )
    if v.get("tonnes_produced") is not None and v["tonnes_produced"] < 0:
        bad("tonnes_produced", _("is negative; produced tonnes cannot be below 0"))
    for key in ("od_mm", "wall_mm", "price", "metal_cost", "length_m"):
        if v.get(key) is not None and v[key] <= 0 and key not in ("price", "metal_cost"):
            bad(key, _("must be more than 0"))
        elif v.get(key) is not None and v[key] < 0:
            bad(key, _("is negative"))
    if v["od_mm"] > 0 and v["wall_mm"] > 0 and 2 * v["wall_mm"] >= v["od_mm"]:
        bad("wall_mm", _("is half the diameter ({od} mm) or more: not a pipe").format(od=f"{v['od_mm']:g}"))
    if v.get("manual_priority") is not None and v["manual_priority"] not in (1, 2, 3):
        bad("manual_priority", _("is not a priority 1-3"))
    if v["position_no"] < 1:
        bad("position_no", _("is not a position number (1 or more)"))
    if v["product_line"] not in product_lines:
        known = ", ".join(sorted(product_lines)) or _("none: import the mill register first")
        bad("product_line", _("is not a product line of any mill (known: {known})").format(known=known))
    return found


def _price_warning(table, record: Record) -> Problem | None:
    """A price below the metal cost sells the pipe for less than its steel: possible (a
    clearance deal) but more often the two columns swapped or a price per kilogram."""
    v = record.values
    if v["price"] < v["metal_cost"]:
        return problem_at(
            table,
            record.source,
            "price",
            _("is below the metal cost ({cost}); check the price and its unit").format(
                cost=grouped(v["metal_cost"], 2)
            ),
        )
    return None


def _cross_row_problems(table, records: list[Record]) -> dict[int, list[Problem]]:
    """Duplicated positions and deal or customer columns that disagree between rows.

    Returns problems by Excel row number; the first row of a deal or customer sets the
    reference and later disagreeing rows are the ones reported.
    """
    found: dict[int, list[Problem]] = {}
    seen_positions: dict[tuple[str, int], int] = {}
    deal_first: dict[str, Record] = {}
    customer_first: dict[str, Record] = {}
    for record in records:
        v, row = record.values, record.source
        key = (v["deal_number"], v["position_no"])
        if key in seen_positions:
            found.setdefault(row.number, []).append(
                problem_at(
                    table,
                    row,
                    "position_no",
                    _("repeats deal {deal} position {position} of row {row}").format(
                        deal=key[0], position=key[1], row=seen_positions[key]
                    ),
                )
            )
            continue
        seen_positions[key] = row.number
        first = deal_first.setdefault(v["deal_number"], record)
        for field in _DEAL_FIELDS:
            if v[field] != first.values[field]:
                shown = (
                    first.values[field].value if isinstance(first.values[field], DealStatus) else first.values[field]
                )
                found.setdefault(row.number, []).append(
                    problem_at(
                        table,
                        row,
                        field,
                        _("differs from row {row} of the same deal ({value!r})").format(
                            row=first.source.number, value=shown
                        ),
                    )
                )
        client = customer_first.setdefault(v["customer"], record)
        if "is_key_account" in v and v["is_key_account"] != client.values.get("is_key_account", False):
            found.setdefault(row.number, []).append(
                problem_at(
                    table,
                    row,
                    "is_key_account",
                    _("differs from row {row} for the same customer").format(row=client.source.number),
                )
            )
    return found


@dataclass(frozen=True)
class _DealDecision:
    status: DealStatus
    accepted_at: datetime | None
    accepted_by: str | None
    note: str | None


def _decide_deal(number: str, in_file: DealStatus, file_date: datetime | None, stored: tuple | None) -> _DealDecision:
    """Status the deal takes: the file's, except that a decision made in millplan
    (accepted, rejected, …) is not undone by a file still saying "pending"."""
    if stored is None:
        return _DealDecision(in_file, file_date if in_file is DealStatus.ACCEPTED else None, None, None)
    status, accepted_at, accepted_by = stored
    if in_file is DealStatus.PENDING and status is not DealStatus.PENDING:
        return _DealDecision(
            status,
            accepted_at,
            accepted_by,
            _("deal {number}: kept '{status}' as decided in millplan; the file still says pending").format(
                number=number, status=status.value
            ),
        )
    if in_file is status:
        kept = accepted_at and file_date and accepted_at != file_date
        note = (
            _("deal {number}: kept the acceptance date {stored} stored; the file says {in_file}").format(
                number=number, stored=value_text(accepted_at), in_file=value_text(file_date)
            )
            if kept
            else None
        )
        return _DealDecision(status, accepted_at or file_date, accepted_by, note)
    return _DealDecision(in_file, file_date if in_file is DealStatus.ACCEPTED else None, None, None)


def import_portfolio(
    store: Store,
    path: Path,
    *,
    login: str,
    mapping_path: Path | None = None,
    skip_invalid: bool = False,
    rejects_path: Path | None = None,
) -> ImportReport:
    """Import the order portfolio at ``path`` into ``store`` in one transaction.

    Raises :class:`~millplan.core.domain.errors.Forbidden` when ``login`` may not import it (see
    :mod:`millplan.core.access.permissions`), :class:`ImportRejected` (nothing written) when a required column is missing,
    or when any row is bad and ``skip_invalid`` is false. With ``skip_invalid`` the good
    rows are imported and the bad ones written to ``rejects_path`` (default
    ``<file>.rejects.xlsx``). The mill register must be imported first: product lines
    are checked against it.
    """
    path = Path(path)
    require(actor(store, login), Action.IMPORT_PORTFOLIO, target=path.name)
    mapping = load_mapping(mapping_path, FIELDS)
    workbook = open_workbook(path)
    try:
        table = find_table(workbook, path, "portfolio", FIELDS, mapping)
        reading = read_records(workbook, path, table, FIELDS)
    finally:
        workbook.close()
    records = reading.records
    with store.unit_of_work() as repo:
        product_lines = {m.product_line for m in repo.plant.whole().mills}
        by_row = _validate(table, records, reading.problems, product_lines)
        problems = [p for number in sorted(by_row) for p in by_row[number]]
        if problems and not skip_invalid:
            raise ImportRejected(path, problems, hint=_("Fix the rows, or import the good ones with --skip-invalid."))
        good = [r for r in records if r.source.number not in by_row]
        deal_states = repo.plant.deal_states()
        customers, deals, positions, notes = _store_records(good, deal_states)
        notes += _keep_produced_from_actuals(repo, good, positions)
        warnings = reading.warnings + [w for r in good if (w := _price_warning(table, r))]
        notes += [
            str(w) for w in warnings if not (w.sheet == table.sheet and w.row in by_row)
        ]  # rejected rows say enough
        notes += kept_dispositions(repo, positions)
        written = repo.plant.upsert_portfolio(
            customers, deals, positions, login, f"{IMPORT_REASON}{path.name}", watch=_LABELS.keys()
        )
        repo.audit.write(
            login, "imported", "file", path.name, after={"positions": len(positions), "rejected_rows": len(by_row)}
        )
    rejects_file = None
    if by_row:
        rejected = [(table, r.source, by_row[r.source.number]) for r in records if r.source.number in by_row]
        rejects_file = str(write_rejects(rejects_path or default_rejects_path(path), rejected))
    columns, missing = (
        column_uses("portfolio", table, FIELDS, reading.unheaded),
        missing_fields("portfolio", table, FIELDS),
    )
    changes = [
        ReimportChange.of(replace(c, field=_FILE_KEYS.get(c.field, c.field)), _LABELS[c.field]) for c in written.changes
    ]
    return ImportReport(
        file=str(path),
        tables={"portfolio": table_place(table.file, table.sheet, table.header_row)},
        rows_read=len(records),
        counts=written.counts,
        rejected=problems,
        rejects_file=rejects_file,
        notes=report_notes(columns, missing, changes) + notes,
        columns=columns,
        missing=missing,
        changes=changes,
    )


def _validate(
    table, records: list[Record], cell_problems: list[Problem], product_lines: set[str]
) -> dict[int, list[Problem]]:
    """Every problem of the file by Excel row: unreadable cells, broken row rules, and
    disagreements between rows (checked among rows that are otherwise good)."""
    by_row: dict[int, list[Problem]] = {}
    for p in cell_problems:
        by_row.setdefault(p.row, []).append(p)
    for record in records:
        if record.source.number not in by_row:
            for p in _row_problems(table, record, product_lines):
                by_row.setdefault(record.source.number, []).append(p)
    good = [r for r in records if r.source.number not in by_row]
    for number, found in _cross_row_problems(table, good).items():
        by_row.setdefault(number, []).extend(found)
    return by_row


def _keep_produced_from_actuals(repo: UnitOfWork, good: list[Record], positions: list[dict[str, Any]]) -> list[str]:
    """The opening-balance rule (README "Daily actuals"): the file's produced tonnes set a
    position's opening balance only while the position has no daily actuals. For the
    positions that have some, ``tonnes_opening`` is taken out of their ``positions``
    records (the stored balance stays), and a note names each whose figure in the file
    differs from millplan's produced tonnes (opening balance + actuals)."""
    with_actuals = repo.actuals.made_span()
    if not with_actuals:
        return []
    stored = {(p.deal_number, p.position_no): p for p in repo.plant.positions(ids=with_actuals.keys())}
    in_file = {(r.values["deal_number"], r.values["position_no"]): r.values.get("tonnes_produced") for r in good}
    differ = []
    for record in positions:
        key = (record["deal_number"], record["position_no"])
        position = stored.get(key)
        if position is None or "tonnes_opening" not in record:
            continue
        del record["tonnes_opening"]
        said = in_file.get(key)
        if said is not None and abs(said - position.tonnes_produced) > PRODUCED_TOLERANCE:
            differ.append(
                _("{position} (the file {file} t, millplan {produced} t)").format(
                    position=position.ref, file=grouped(said, 1), produced=grouped(position.tonnes_produced, 1)
                )
            )
    if not differ:
        return []
    which = ", ".join(differ[:SHOWN_CHANGES])
    if len(differ) > SHOWN_CHANGES:
        which += " " + _("and {count} more").format(count=len(differ) - SHOWN_CHANGES)
    return [
        _(
            "'{label}' differs from millplan's produced tonnes on {count} positions with daily actuals: "
            "{which}; produced tonnes come from the daily actuals; the file's figure is not used"
        ).format(label=_PRODUCED_LABEL, count=len(differ), which=which)
    ]


_PRODUCED_LABEL = next(f.label for f in FIELDS if f.key == "tonnes_produced")
PRODUCED_TOLERANCE = 0.05
"""Tonnes by which the file's produced figure may differ from millplan's unremarked (rounding)."""


_OPTIONAL_POSITION_FIELDS = {
    "pipe_type": "",
    "length_m": None,
    "tonnes_opening": 0.0,
    "manual_priority": None,
    "note": None,
}
"""Optional position columns and the value an empty cell means. A column the file does not
have at all leaves the stored value alone: a re-import of a slimmer file must not wipe
produced tonnes or priorities set by an earlier one."""


def _store_records(
    good: list[Record], deal_states: dict[str, tuple]
) -> tuple[dict[str, bool | None], list[dict[str, Any]], list[dict[str, Any]], list[str]]:
    """Customers (name → key flag, ``None`` when the file has no such column), deal and
    position records for the store, and notes."""
    customers: dict[str, bool | None] = {}
    deals: dict[str, dict[str, Any]] = {}
    positions = []
    notes = []
    for record in good:
        v = record.values
        customers[v["customer"]] = v.get("is_key_account")
        if v["deal_number"] not in deals:
            decision = _decide_deal(
                v["deal_number"], v["deal_status"], v.get("accepted_at"), deal_states.get(v["deal_number"])
            )
            if decision.note:
                notes.append(decision.note)
            deals[v["deal_number"]] = {
                "number": v["deal_number"],
                "customer": v["customer"],
                "sales_manager": v["sales_manager"],
                "status": decision.status.value,
                "accepted_at": decision.accepted_at,
                "accepted_by": decision.accepted_by,
            }
        position = {
            "deal_number": v["deal_number"],
            "position_no": v["position_no"],
            "product_line": v["product_line"],
            "od_mm": v["od_mm"],
            "wall_mm": v["wall_mm"],
            "steel_grade": v["steel_grade"],
            "standard": v["standard"],
            "tonnes_ordered": v["tonnes_ordered"],
            "price": v["price"],
            "metal_cost": v["metal_cost"],
            "requested_month": str(v["requested_month"]),
        }
        for key, empty in _OPTIONAL_POSITION_FIELDS.items():
            key_in_file = _FILE_KEYS.get(key, key)
            if key_in_file in v:  # the file has the column (read_records keeps blank cells as None)
                position[key] = empty if v[key_in_file] is None else v[key_in_file]
        positions.append(position)
    return customers, list(deals.values()), positions, notes


_FILE_KEYS = {"tonnes_opening": "tonnes_produced"}
_STORED_KEYS = {v: k for k, v in _FILE_KEYS.items()}
"""Stored fields read from a column of another name: the file's produced tonnes are the
position's opening balance (produced = opening + actuals, DESIGN.md "The month's loop")."""

_LABELS = {_STORED_KEYS.get(f.key, f.key): f.label for f in FIELDS if f.absent}
"""The optional fields that drive the plan (key-account flag, acceptance date, produced
tonnes, manual priority), whose changes on stored customers, deals and positions the
report lists, by the file's own column names."""
