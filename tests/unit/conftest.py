"""Fixtures for the importer tests: the plant's shared workbooks, fresh stores, and an
independent reading of the shared sheets (plain openpyxl, none of core.importing) that
the tests compare the store against.

Fixture names differ from those of tests/conftest.py, so none is shadowed for other
unit tests. The stores here are SQLite files: "exactly as before" compares their dumps.
"""

from __future__ import annotations

import shutil
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import openpyxl
import pytest

from millplan.core.importing.mills import import_mills
from millplan.storage.store import open_store

DATA = Path(__file__).resolve().parents[3] / "shared" / "data"  # ../shared/data beside the repository
MILLS_XLSX = DATA / "mills.xlsx"
PORTFOLIO_XLSX = DATA / "portfolio-2026-12.xlsx"

PORTFOLIO_HEADER_FIRST = "№ сделки"
STATUS_WORDS = {"Акцептована": "accepted", "На акцепте": "pending"}


@pytest.fixture(scope="session")
def shared_mills() -> Path:
    assert MILLS_XLSX.is_file(), f"shared mill register missing: {MILLS_XLSX}"
    return MILLS_XLSX


@pytest.fixture(scope="session")
def shared_portfolio() -> Path:
    assert PORTFOLIO_XLSX.is_file(), f"shared portfolio missing: {PORTFOLIO_XLSX}"
    return PORTFOLIO_XLSX


@pytest.fixture
def import_store(tmp_path, migrated_sqlite):
    """An empty store in a SQLite file of its own (a copy of the migrated one, tests/conftest.py)."""
    file = tmp_path / "import.sqlite"
    shutil.copyfile(migrated_sqlite, file)
    store = open_store(f"sqlite:///{file}")
    yield store
    store.dispose()


@pytest.fixture
def plant_store(import_store, shared_mills):
    """A store holding the shared mill register (the portfolio's product lines need it)."""
    import_mills(import_store, shared_mills, login="setup")
    return import_store


# -- reading the shared portfolio independently -----------------------------------------


@dataclass(frozen=True)
class SheetPosition:
    """One portfolio row as the sheet holds it, in the store's units."""

    customer: str
    is_key_account: bool
    sales_manager: str
    deal_status: str
    product_line: str
    od_mm: float
    wall_mm: float
    steel_grade: str
    standard: str
    length_m: float | None
    tonnes_ordered: float
    tonnes_produced: float
    price: Decimal
    metal_cost: Decimal
    requested_month: str
    manual_priority: int | None
    note: str | None


def portfolio_header(ws) -> tuple[int, dict[str, int]]:
    """Excel row of the header (its first cell reads "№ сделки") and label → 1-based column."""
    for row in ws.iter_rows(max_row=30):
        if row[0].value == PORTFOLIO_HEADER_FIRST:
            return row[0].row, {c.value: c.column for c in row if c.value}
    raise AssertionError("no portfolio header in the first 30 rows")


def portfolio_data_rows(ws) -> list[int]:
    """Excel rows holding positions: below the header, non-blank, not the totals row."""
    header_row, columns = portfolio_header(ws)
    rows = []
    for number in range(header_row + 1, ws.max_row + 1):
        first = ws.cell(number, columns[PORTFOLIO_HEADER_FIRST]).value
        if first is None or str(first).strip().lower().startswith("итого"):
            continue
        rows.append(number)
    return rows


def read_sheet_positions(path: Path) -> dict[tuple[str, int], SheetPosition]:
    """(deal number, position number) → the row's values, read with plain openpyxl."""
    ws = openpyxl.load_workbook(path).active
    _, col = portfolio_header(ws)
    found = {}
    for number in portfolio_data_rows(ws):

        def cell(label):
            return ws.cell(number, col[label]).value

        month: datetime = cell("Месяц поставки")
        found[str(cell("№ сделки")), int(cell("№ поз."))] = SheetPosition(
            customer=cell("Клиент"),
            is_key_account=cell("Ключевой клиент") == "да",
            sales_manager=cell("Менеджер"),
            deal_status=STATUS_WORDS[cell("Статус сделки")],
            product_line=cell("Товарная линия"),
            od_mm=float(cell("Диаметр, мм")),
            wall_mm=float(cell("Стенка, мм")),
            steel_grade=str(cell("Марка стали")),
            standard=cell("НТД"),
            length_m=None if cell("Длина, м") is None else float(cell("Длина, м")),
            tonnes_ordered=float(cell("Количество, т")),
            tonnes_produced=float(cell("Произведено, т") or 0),
            price=Decimal(str(cell("Цена, руб/т"))),
            metal_cost=Decimal(str(cell("Перем. затраты (металл), руб/т"))),
            requested_month=f"{month.year:04d}-{month.month:02d}",
            manual_priority=cell("Приоритет"),
            note=cell("Примечание"),
        )
    return found


def stored_positions(store) -> dict[tuple[str, int], SheetPosition]:
    """The store's positions in the same shape as :func:`read_sheet_positions`."""
    with store.unit_of_work() as repo:
        positions = repo.plant.positions()
    return {
        (p.deal_number, p.position_no): SheetPosition(
            customer=p.customer,
            is_key_account=p.is_key_account,
            sales_manager=p.sales_manager,
            deal_status=p.deal_status.value,
            product_line=p.product_line,
            od_mm=p.od_mm,
            wall_mm=p.wall_mm,
            steel_grade=p.steel_grade,
            standard=p.standard,
            length_m=p.length_m,
            tonnes_ordered=p.tonnes_ordered,
            tonnes_produced=p.tonnes_produced,
            price=p.price,
            metal_cost=p.metal_cost,
            requested_month=str(p.requested_month),
            manual_priority=p.manual_priority,
            note=p.note,
        )
        for p in positions
    }


@pytest.fixture(scope="session")
def sheet_positions(shared_portfolio) -> dict[tuple[str, int], SheetPosition]:
    return read_sheet_positions(shared_portfolio)


# -- reading the shared mill register independently ---------------------------------------


def read_register(path: Path) -> dict[str, dict[str, object]]:
    """Mill code → the register row (header label → value), sheet "Агрегаты"."""
    ws = openpyxl.load_workbook(path)["Агрегаты"]
    header = [c.value for c in ws[1]]
    return {row[0]: dict(zip(header, row)) for row in ws.iter_rows(min_row=2, values_only=True) if row[0]}


def read_calendar(path: Path) -> dict[tuple[str, str], float]:
    """(mill code, "YYYY-MM") → hours, sheet "Фонд времени" (months are Excel dates there)."""
    ws = openpyxl.load_workbook(path)["Фонд времени"]
    months = [c.value for c in ws[1]][1:]
    assert all(isinstance(m, datetime) for m in months)
    return {
        (row[0], f"{m.year:04d}-{m.month:02d}"): float(hours)
        for row in ws.iter_rows(min_row=2, values_only=True)
        if row[0]
        for m, hours in zip(months, row[1:])
        if hours is not None
    }


def read_norms(path: Path) -> list[tuple[str, float, float, float, float, float]]:
    """Sorted (mill code, OD from, OD to, wall from, wall to, t/h), sheet "Нормы производительности"."""
    ws = openpyxl.load_workbook(path)["Нормы производительности"]
    return sorted((row[0], *map(float, row[1:6])) for row in ws.iter_rows(min_row=2, values_only=True) if row[0])


def stored_plant(store) -> tuple[dict, dict[tuple[str, str], float], list[tuple]]:
    """The store's mills (code → Mill), calendar and norms in the shapes of the readers above."""
    with store.unit_of_work() as repo:
        plant = repo.plant.whole()
    calendar = {(code, str(month)): hours for (code, month), hours in plant.capacity.items()}
    norms = sorted(
        (n.mill_code, n.od_min_mm, n.od_max_mm, n.wall_min_mm, n.wall_max_mm, n.tonnes_per_hour)
        for items in plant.norms.values()
        for n in items
    )
    return {m.code: m for m in plant.mills}, calendar, norms


def assert_plant_equals_register(store, path: Path) -> None:
    """Every mill, calendar month and norm of the shared register ``path`` is in ``store``."""
    register = read_register(path)
    mills, calendar, norms = stored_plant(store)
    assert sorted(mills) == sorted(register)
    for code, row in register.items():
        mill = mills[code]
        assert mill.name == row["Наименование"] and mill.shop == row["Цех"], code
        assert mill.product_line == row["Товарная линия"], code
        assert (mill.od_min_mm, mill.od_max_mm) == (row["Диаметр от, мм"], row["Диаметр до, мм"]), code
        assert (mill.wall_min_mm, mill.wall_max_mm) == (row["Стенка от, мм"], row["Стенка до, мм"]), code
        assert mill.steel_grades == tuple(g.strip() for g in str(row["Марки стали"]).split(",")), code
        assert mill.standards == tuple(s.strip() for s in row["НТД"].split(",")), code
        assert mill.speed_m_per_h == row["Скорость, м/ч"], code
        assert mill.nominal_hours == row["Фонд времени (номинал), ч/мес"], code
        assert mill.conversion_cost == row["Затраты передела (перем.), руб/т"], code
    assert calendar == read_calendar(path)
    assert norms == read_norms(path)


# -- editing a copy of the shared portfolio ----------------------------------------------


def edit_portfolio(source: Path, target: Path, edits: dict[tuple[str, int, str], object]) -> Path:
    """Copy the portfolio at ``source`` to ``target`` with cells replaced:
    ``{(deal number, position number, header label): new value}``."""
    wb = openpyxl.load_workbook(source)
    ws = wb.active
    _, col = portfolio_header(ws)
    rows = {
        (str(ws.cell(r, col["№ сделки"]).value), int(ws.cell(r, col["№ поз."]).value)): r
        for r in portfolio_data_rows(ws)
    }
    for (deal, position, label), value in edits.items():
        ws.cell(rows[deal, position], col[label]).value = value
    wb.save(target)
    return target


@pytest.fixture
def portfolio_copy(shared_portfolio, tmp_path):
    """``portfolio_copy(edits, name=...)``: the shared portfolio with cells replaced."""

    def make(edits: dict[tuple[str, int, str], object], name: str = "edited.xlsx") -> Path:
        return edit_portfolio(shared_portfolio, tmp_path / name, edits)

    return make


# -- the store as a whole ----------------------------------------------------------------


def store_dump(store) -> list[str]:
    """Every row of every table, as SQL text: "the store is exactly as before" compares these."""
    database = store.engine.url.database
    with sqlite3.connect(database) as connection:
        return list(connection.iterdump())


def store_counts(store) -> dict[str, int]:
    """What a planner sees: positions, deals, mills, norms, capacity entries, audit entries."""
    with store.unit_of_work() as repo:
        plant = repo.plant.whole()
        return {
            "positions": len(repo.plant.positions()),
            "deals": len(repo.plant.deals()),
            "mills": len(plant.mills),
            "capacity": len(plant.capacity),
            "norms": sum(len(n) for n in plant.norms.values()),
            "audit": len(repo.audit.audit_entries(limit=10**9)),
        }


@pytest.fixture(scope="session")
def xl():
    """The helpers above for test modules (a conftest is not imported by name)."""
    return SimpleNamespace(
        portfolio_header=portfolio_header,
        portfolio_data_rows=portfolio_data_rows,
        read_sheet_positions=read_sheet_positions,
        stored_positions=stored_positions,
        edit_portfolio=edit_portfolio,
        store_dump=store_dump,
        store_counts=store_counts,
        read_register=read_register,
        read_calendar=read_calendar,
        read_norms=read_norms,
        stored_plant=stored_plant,
        assert_plant_equals_register=assert_plant_equals_register,
    )
