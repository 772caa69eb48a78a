"""A demo plant and synthetic plants of any size, written as the plant's own Excel files.

The demo goes through the real importer, so what a new user sees first is the product
working on files shaped like the plant's (Russian headers, a title above the header, a
totals row). Months are relative to today, so the demo never goes stale. Synthetic
plants for the benchmarks come from the same generator with more positions and mills,
and the daily actuals of a plan from :func:`write_actuals` (the demo's month in progress,
the tests' and the benchmark's actuals files).
"""

from __future__ import annotations

import calendar
import csv
import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import openpyxl
import platformdirs
from openpyxl.styles import Font

from millplan.core.domain.assignment import AssignmentLine
from millplan.core.domain.months import Month, plant_today
from millplan.core.domain.stored_text import stored
from millplan.core.importing.actuals import import_actuals
from millplan.core.importing.mills import import_mills
from millplan.core.importing.portfolio import import_portfolio
from millplan.core.planning import run as planning
from millplan.core.planning.attributes import mass_per_metre_kg
from millplan.core.workflow import assignments
from millplan.storage.store import Store

# The demo plant's mills, modelled on a Russian pipe plant's register: code, name, shop,
# product line, product type, OD from/to mm, wall from/to mm, grades, standards, speed m/h,
# nominal hours per month, conversion cost RUB/t.
MILLS = (
    (
        "ЛДП-1420",
        "Стан 1420 (JCOE)",
        "Цех ТБД",
        "ТБД",
        "сварная прямошовная",
        508,
        1422,
        10,
        45,
        "К52, К56, К60, К65, X52, X60, X65, X70, X80",
        "ГОСТ 20295, API 5L, ТУ",
        94,
        620,
        9000,
    ),
    (
        "ТЭСЦ6-1020",
        "Стан 1020-1220",
        "ТЭСЦ-6",
        "ТБД",
        "сварная прямошовная",
        1020,
        1220,
        8,
        22,
        "К52, К56, К60, X60, X65, X70",
        "ГОСТ 20295, API 5L, ТУ",
        110,
        600,
        8000,
    ),
    (
        "ТЭСЦ6-530",
        "Стан 530-820",
        "ТЭСЦ-6",
        "ТБД",
        "сварная прямошовная",
        530,
        820,
        6,
        20,
        "К52, К56, X52, X60, X65, 09Г2С, 17Г1С",
        "ГОСТ 20295, ГОСТ 10704, API 5L",
        160,
        600,
        7500,
    ),
    (
        "ЭСА-114",
        "Стан ТЭСА 114-530",
        "ТЭСЦ-2",
        "ЭСТ",
        "электросварная",
        114,
        530,
        4,
        12,
        "20, 09Г2С, 17Г1С, К52, X52",
        "ГОСТ 10704, ГОСТ 10705, ГОСТ 20295",
        900,
        620,
        4500,
    ),
    (
        "ТПЦ1-ПИЛ",
        "Пилигримовый стан",
        "ТПЦ-1",
        "БШТ",
        "бесшовная горячедеформированная",
        273,
        426,
        8,
        40,
        "20, 09Г2С, 13ХФА, К52",
        "ГОСТ 8732, ТУ",
        100,
        560,
        14000,
    ),
    (
        "ТПЦ8-102",
        "Непрерывный стан 30-102",
        "ТПЦ-8",
        "БШТ",
        "бесшовная горячедеформированная",
        32,
        108,
        3,
        8,
        "10, 20, 09Г2С, 13ХФА",
        "ГОСТ 8732, API 5CT",
        7000,
        640,
        6000,
    ),
    (
        "ТПЦ-PQF",
        "Стан PQF 73-273",
        "ТПЦ-9",
        "БШТ",
        "бесшовная горячедеформированная",
        73,
        273,
        5,
        25,
        "20, 09Г2С, 13ХФА, J55, N80, L80, P110",
        "ГОСТ 8732, API 5CT, API 5L",
        1100,
        620,
        9000,
    ),
    (
        "ЦХП-ХПТ",
        "Станы ХПТ",
        "ЦХП",
        "ХДТ",
        "бесшовная холоднодеформированная",
        10,
        114,
        1,
        12,
        "10, 20, 12Х18Н10Т, 09Г2С",
        "ГОСТ 8734, ГОСТ 9941",
        250,
        580,
        25000,
    ),
)

MILL_HEADERS = (
    "Код агрегата",
    "Наименование",
    "Цех",
    "Товарная линия",
    "Вид продукции",
    "Диаметр от, мм",
    "Диаметр до, мм",
    "Стенка от, мм",
    "Стенка до, мм",
    "Марки стали",
    "НТД",
    "Скорость, м/ч",
    "Фонд времени (номинал), ч/мес",
    "Затраты передела (перем.), руб/т",
)
NORM_HEADERS = (
    "Код агрегата",
    "Диаметр от, мм",
    "Диаметр до, мм",
    "Стенка от, мм",
    "Стенка до, мм",
    "Производительность, т/ч",
)
PORTFOLIO_HEADERS = (
    "№ сделки",
    "Клиент",
    "Ключевой клиент",
    "Менеджер",
    "Статус сделки",
    "Дата акцепта",
    "№ поз.",
    "Товарная линия",
    "Вид трубы",
    "Диаметр, мм",
    "Стенка, мм",
    "Марка стали",
    "НТД",
    "Длина, м",
    "Количество, т",
    "Произведено, т",
    "Цена, руб/т",
    "Перем. затраты (металл), руб/т",
    "Месяц поставки",
    "Приоритет",
    "Примечание",
)

_PIPE_TYPE = {"ТБД": "ДСП", "ЭСТ": "ЭСП", "БШТ": "Б/Ш г/д", "ХДТ": "Б/Ш х/д"}
# Per line: price range RUB/t and metal cost as a share of price.
_LINE_ECONOMICS = {
    "ТБД": ((90_000, 130_000), (0.60, 0.72)),
    "ЭСТ": ((70_000, 100_000), (0.65, 0.78)),
    "БШТ": ((110_000, 190_000), (0.55, 0.70)),
    "ХДТ": ((160_000, 320_000), (0.45, 0.62)),
}
BOOK_MONTHS = 3.2
"""The order book holds this many months of every mill's nominal hours."""
_MONTH_WEIGHTS = {-4: 0.03, -1: 0.07, 0: 0.25, 1: 0.30, 2: 0.20, 3: 0.15}
"""Share of deals by requested month relative to today's: a few long overdue (stale), some overdue, most soon."""
_MANAGERS = (
    "Иванов А. С.",
    "Петрова Е. В.",
    "Соколов Д. Н.",
    "Кузнецова М. А.",
    "Морозова О. Г.",
    "Волков И. П.",
    "Новикова Т. Р.",
    "Лебедев С. Ю.",
)
_CUSTOMER_STEMS = (
    "СтальРесурс",
    "ГазТрансНефть",
    "СибНефтеПровод",
    "ТеплоСеть-Сервис",
    "ВодоКанал-Проект",
    "ПромТрубКомплект",
    "Нефтяник-Снаб",
    "АрктикГазПроект",
    "ТехноМетСнаб",
    "ГазоСетьСтрой",
    "УралЭнергоСтрой",
    "КамаНефтеСервис",
    "БурСервис",
    "ТрансМагистраль",
    "ЮграНефтеГаз",
    "ТрубМаркет",
    "КотлоМаш",
    "ХимМашСборка",
    "Северный металлоцентр",
    "МонтажСпецСтрой",
)
_FORMS = ("ООО", "АО", "ПАО")


@dataclass(frozen=True)
class PlantFiles:
    """Paths of a generated mill register and order portfolio, and the sizes written."""

    mills: Path
    portfolio: Path
    mill_count: int
    position_count: int


def _mills(count: int, rng: random.Random) -> list[tuple]:
    """The demo mills, cloned with varied speed and cost up to ``count`` mills."""
    mills = [tuple(m) for m in MILLS[:count]]
    n = 2
    while len(mills) < count:
        for base in MILLS:
            if len(mills) == count:
                break
            clone = list(base)
            clone[0], clone[1] = f"{base[0]}-{n}", f"{base[1]} №{n}"
            clone[11] = round(base[11] * rng.uniform(0.8, 1.2))
            clone[13] = round(base[13] * rng.uniform(0.85, 1.15), -2)
            mills.append(tuple(clone))
        n += 1
    return mills


def _position(mill: tuple, rng: random.Random) -> tuple:
    """A pipe size, grade and standard that ``mill`` (usually) can make."""
    od = round(rng.uniform(mill[5], mill[6]))
    wall = round(rng.uniform(mill[7], min(mill[8], od / 4)), 1)
    if rng.random() < 0.01:  # now and then an order no mill can make: the planner must see why
        od = mill[6] + 100
    grades = [g.strip() for g in mill[9].split(",")]
    standards = [s.strip() for s in mill[10].split(",")]
    return od, wall, rng.choice(grades), rng.choice(standards)


def generate(
    folder: Path, positions: int, *, mills: int = len(MILLS), today: date | None = None, seed: int = 7
) -> PlantFiles:
    """Write ``mills.xlsx`` and ``portfolio.xlsx`` for a plant of ``positions`` positions
    and ``mills`` mills into ``folder``; requested months lie from four months back
    (a few, for the stale-deal ledger) to three ahead of ``today``'s month. Deterministic for a given seed and date."""
    rng = random.Random(seed)
    today = today or plant_today()
    start = Month.of(today)
    folder.mkdir(parents=True, exist_ok=True)
    plant = _mills(mills, rng)
    mills_path = folder / "mills.xlsx"
    _write_mills(mills_path, plant, start, rng)
    portfolio_path = folder / "portfolio.xlsx"
    _write_portfolio(portfolio_path, plant, positions, start, today, rng)
    return PlantFiles(mills_path, portfolio_path, len(plant), positions)


def _write_mills(path: Path, plant: list[tuple], start: Month, rng: random.Random) -> None:
    book = openpyxl.Workbook()
    register = book.active
    register.title = "Агрегаты"
    register.append(MILL_HEADERS)
    for mill in plant:
        register.append(mill)
    calendar = book.create_sheet("Фонд времени")
    months = start.range(7)
    calendar.append(["Код агрегата", *(datetime(m.year, m.month, 1) for m in months)])
    for mill in plant:
        # one planned maintenance stop per mill somewhere in the half-year
        stop = rng.randrange(1, 7)
        calendar.append(
            [mill[0], *(mill[12] if i != stop else round(mill[12] * rng.uniform(0.4, 0.7)) for i in range(7))]
        )
    for cell in calendar[1][1:]:
        cell.number_format = "mmm yyyy"
    norms = book.create_sheet("Нормы производительности")
    norms.append(NORM_HEADERS)
    for mill in plant:
        if mill[0].startswith("ТПЦ1-ПИЛ"):
            mid = round((mill[5] + mill[6]) / 2)
            norms.append((mill[0], mill[5], mid, mill[7], 15, 9.5))
            norms.append((mill[0], mill[5], mid, 15.01, mill[8], 14))
            norms.append((mill[0], mid + 1, mill[6], mill[7], 15, 13))
            norms.append((mill[0], mid + 1, mill[6], 15.01, mill[8], 21))
    book.save(path)


def _write_portfolio(
    path: Path, plant: list[tuple], positions: int, start: Month, today: date, rng: random.Random
) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Портфель"
    sheet.append([f"Портфель заказов на {start + 1} (состояние на {today:%d.%m.%Y})"])
    sheet["A1"].font = Font(bold=True)
    sheet.append([])
    sheet.append(PORTFOLIO_HEADERS)
    customers = [f"{rng.choice(_FORMS)} «{stem}»" for stem in _CUSTOMER_STEMS]
    customers += [f"{rng.choice(_FORMS)} «Клиент-{i}»" for i in range(max(0, positions // 20 - len(customers)))]
    key_accounts = set(rng.sample(customers, max(1, len(customers) // 4)))
    mean_hours = BOOK_MONTHS * sum(m[12] for m in plant) / positions
    written, deal_no = 0, 0
    while written < positions:
        deal_no += 1
        customer = rng.choice(customers)
        manager = rng.choice(_MANAGERS)
        pending = rng.random() < 0.14
        accepted_at = None if pending else datetime(today.year, today.month, 1) - timedelta(days=rng.randrange(5, 120))
        line = rng.choice(plant)[3]  # lines in proportion to their mills
        line_mills = [m for m in plant if m[3] == line]
        offset = rng.choices(list(_MONTH_WEIGHTS), weights=list(_MONTH_WEIGHTS.values()))[0]
        month = start + (offset if not pending else max(offset, 1))
        for number in range(1, rng.randrange(1, 5) + 1):
            if written == positions:
                break
            mill = rng.choice(line_mills)
            od, wall, grade, standard = _position(mill, rng)
            (p_low, p_high), (m_low, m_high) = _LINE_ECONOMICS[line]
            tonnes_per_hour = mill[11] * mass_per_metre_kg(od, wall) / 1000
            tonnes = max(1, round(rng.uniform(0.2, 1.8) * mean_hours * tonnes_per_hour))
            price = round(rng.uniform(p_low, p_high), -2)
            produced = round(tonnes * rng.choice((0, 0, 0, 0, 0, 0.25, 0.5))) if not pending else 0
            sheet.append(
                [
                    f"Д-{start.year % 100:02d}/{deal_no:04d}",
                    customer,
                    "да" if customer in key_accounts else "нет",
                    manager,
                    "На акцепте" if pending else "Акцептована",
                    accepted_at,
                    number,
                    line,
                    _PIPE_TYPE[line],
                    od,
                    wall,
                    grade,
                    standard,
                    rng.choice((9, 10.5, 11.5, 12, 18)),
                    tonnes,
                    produced,
                    price,
                    round(price * rng.uniform(m_low, m_high), -1),
                    datetime(month.year, month.month, 1),
                    rng.choice((None, None, None, 1, 2, 3)),
                    None,
                ]
            )
            written += 1
    last = sheet.max_row
    sheet.append(["Итого", *([None] * 13), f"=SUM(O4:O{last})", f"=SUM(P4:P{last})"])
    for row in sheet.iter_rows(min_row=4, max_row=last, min_col=19, max_col=19):
        row[0].number_format = "mmmm yyyy"
    book.save(path)


DEMO_POSITIONS = 700


def demo_paths() -> tuple[Path, Path]:
    """The demo's own SQLite file and the folder for its Excel files, in the user's data
    folder — apart from the real database, so the demo never mixes with plant data."""
    root = Path(platformdirs.user_data_dir("millplan", appauthor=False)) / "demo"
    return root / "demo.sqlite", root / "files"


def demo_built(store: Store) -> bool:
    """True once the demo plant's mills are in the store (``millplan demo --reset`` rebuilds)."""
    with store.reading() as repo:
        return bool(repo.plant.mill_codes())


def build_demo(store: Store, folder: Path, *, login: str, today: date | None = None) -> PlantFiles:
    """Fill an empty store with the demo plant: write its Excel files into ``folder``,
    import them as a planner would, plan the current month and approve it, write the
    actuals of its days up to yesterday (``actuals.xlsx`` as the shop keeps them and
    ``actuals.csv`` as the MES exports them, from that plan) and import the workbook, so
    the month is in progress; then plan next month, so every pane has work in it. The store
    must be open (no users): the demo's login plans and approves every line."""
    today = today or plant_today()
    files = generate(folder, DEMO_POSITIONS, today=today)
    import_mills(store, files.mills, login=login)
    import_portfolio(store, files.portfolio, login=login)
    current = Month.of(today)
    approved = [
        _approve(store, outcome.assignment.product_line, current, login)
        for outcome in planning.plan(store, current, login=login)
    ]
    days = [date(today.year, today.month, day) for day in range(1, today.day)]
    if days:
        lines = [line for a in approved for line in a.lines]
        with store.reading() as repo:
            sizes = {p.ref: (p.od_mm, p.wall_mm, p.steel_grade) for p in repo.plant.positions()}
        write_actuals(folder / "actuals.csv", lines, days)
        write_actuals(folder / "actuals.xlsx", lines, days, sizes=sizes)
        import_actuals(store, folder / "actuals.xlsx", login=login)
    planning.plan(store, current + 1, login=login)
    return files


def _approve(store: Store, product_line: str, month: Month, login: str):
    """Submit and approve the month's draft of the line, over its open conflicts (the
    demo's login may: the store is open)."""
    assignments.submit(store, month, product_line, login=login)
    return assignments.approve(store, month, product_line, login=login, reason=stored("demo: the month in progress"))


SHOP_TITLE = "Суточный рапорт о производстве труб, {month}"
SHOP_GROUPS = ("Дата", "Смена", "Стан", "Сделка", None, "Размер", None, "Марка стали", "Выпуск")
SHOP_HEADERS = (None, None, None, "№ сделки", "№ поз.", "Д, мм", "S, мм", None, "Принято ОТК, т")
MES_HEADERS = ("Дата", "Агрегат", "Позиция", "Факт, т")
DAY_SHARE = (0.8, 1.1)
"""A mill-day makes this share (drawn) of its daily share of the month's plan."""


def actuals_of_plan(
    lines: Iterable[AssignmentLine], days: Sequence[date], *, seed: int = 7
) -> list[tuple[date, str, str, float]]:
    """What the mills make on ``days`` (of one month) if they work through the plan
    ``lines``: (day, mill, position, t) rows, by day and mill.

    Each mill makes its planned positions one after the other, in the plan's order, at the
    month's mean daily rate (its planned tonnes / the month's calendar days) times a share
    drawn per mill and day from :data:`DAY_SHARE`: a day makes the part of the queue
    falling in it, a little under or over the plan. Deterministic for a given ``seed``."""
    if not days:
        return []
    rng = random.Random(seed)
    month_days = calendar.monthrange(days[0].year, days[0].month)[1]
    queues: dict[str, list[tuple[str, float]]] = {}
    for line in lines:
        if line.tonnes > 0:
            queues.setdefault(line.mill_code, []).append((line.position_ref, line.tonnes))
    rows = []
    for day in sorted(days):
        for mill in sorted(queues):
            queue = queues[mill]
            rate = sum(t for _, t in queue) / month_days
            start, end = (day.day - 1) * rate, day.day * rate
            share = rng.uniform(*DAY_SHARE)
            at = 0.0
            for ref, tonnes in queue:
                made = min(end, at + tonnes) - max(start, at)
                at += tonnes
                if made > 0.05:
                    rows.append((day, mill, ref, round(made * share, 1)))
                if at >= end:
                    break
    return rows


def write_actuals(
    path: Path,
    lines: Iterable[AssignmentLine],
    days: Sequence[date],
    *,
    sizes: Mapping[str, tuple[float, float, str]] | None = None,
    seed: int = 7,
    encoding: str = "cp1251",
) -> list[tuple[date, str, str, float]]:
    """Write the actuals of ``days`` made along the plan ``lines`` (see
    :func:`actuals_of_plan`) to ``path``: an ``.xlsx`` as the shop keeps it (a title, a
    two-row header with merged groups, a shift column, pipe size and grade from ``sizes``
    — position → (OD mm, wall mm, grade) — an "Итого за сутки" row under each day and a
    "Всего" row), anything else as the MES exports it (CSV, ``;``, decimal comma, one
    ``Позиция`` column ``DEAL#NO``, in ``encoding``). Returns the rows written (day, mill,
    position, t)."""
    rows = actuals_of_plan(lines, days, seed=seed)
    if Path(path).suffix.lower() == ".xlsx":
        _write_shop_actuals(Path(path), rows, sizes or {})
    else:
        with open(path, "w", encoding=encoding, newline="") as handle:
            writer = csv.writer(handle, delimiter=";")
            writer.writerow(MES_HEADERS)
            for day, mill, ref, tonnes in rows:
                writer.writerow((f"{day:%d.%m.%Y}", mill, ref, f"{tonnes:.3f}".replace(".", ",")))
    return rows


def _write_shop_actuals(path: Path, rows: list[tuple[date, str, str, float]], sizes: Mapping) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Факт производства"
    month = Month.of(rows[0][0]) if rows else None
    sheet.append([SHOP_TITLE.format(month=month)])
    sheet["A1"].font = Font(bold=True)
    sheet.append([])
    sheet.append(SHOP_GROUPS)
    sheet.append(SHOP_HEADERS)
    sheet.merge_cells("D3:E3")
    sheet.merge_cells("F3:G3")
    day_total, grand_total, last_day = 0.0, 0.0, None
    for number, (day, mill, ref, tonnes) in enumerate(rows):
        if last_day is not None and day != last_day:
            sheet.append([None, None, "Итого за сутки", *([None] * 5), round(day_total, 1)])
            day_total = 0.0
        deal, _sep, position_no = ref.rpartition("#")
        od, wall, grade = sizes.get(ref, (None, None, None))
        sheet.append(
            [
                datetime(day.year, day.month, day.day),
                1 + number % 2,
                mill,
                deal,
                int(position_no),
                od,
                wall,
                grade,
                tonnes,
            ]
        )
        sheet.cell(sheet.max_row, 1).number_format = "dd.mm.yyyy"
        day_total += tonnes
        grand_total += tonnes
        last_day = day
    if rows:
        sheet.append([None, None, "Итого за сутки", *([None] * 5), round(day_total, 1)])
    sheet.append([])
    sheet.append([None, None, "Всего", *([None] * 5), round(grand_total, 1)])
    book.save(path)


def remove_demo(database: Path) -> None:
    """Delete the demo's SQLite file ``database`` with its write-ahead log files, so the
    next ``millplan demo`` builds the plant afresh (``--reset``); absent files are no error."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
