"""Actuals files for the tests: the shared samples read independently (plain openpyxl and
csv, none of core.importing), and small MES-shaped CSV files written row by row."""

from __future__ import annotations

import csv
from datetime import date, datetime
from pathlib import Path

import openpyxl

SAMPLE_TODAY = "2026-12-05"
"""A plant date after every day of the shared samples (December 1–4, 2026)."""
MES_HEADER = ("Дата", "Агрегат", "Позиция", "Факт, т")


def shop_rows(path: Path) -> list[tuple[date, str, str, float]]:
    """(day, mill, DEAL#NO, t) of each data row of the shop's workbook: rows with a date
    under the two-row header (totals rows have none)."""
    ws = openpyxl.load_workbook(path).active
    rows = []
    for values in ws.iter_rows(min_row=5, values_only=True):
        if isinstance(values[0], datetime):
            tonnes = values[8] if not isinstance(values[8], str) else float(values[8].replace(",", "."))
            rows.append((values[0].date(), values[2], f"{values[3]}#{values[4]}", float(tonnes)))
    return rows


def shop_totals(path: Path) -> dict[int, object]:
    """Excel row → figure of each totals row ("Итого за сутки", "Всего") of the shop's workbook."""
    ws = openpyxl.load_workbook(path).active
    return {
        row[0].row: row[8].value
        for row in ws.iter_rows(min_row=5)
        if isinstance(row[2].value, str) and row[2].value.startswith(("Итого", "Всего"))
    }


def mes_rows(path: Path, encoding: str = "cp1251") -> list[tuple[date, str, str, float]]:
    """(day, mill, DEAL#NO, t) of each row of an MES export."""
    with open(path, encoding=encoding, newline="") as handle:
        reader = csv.reader(handle, delimiter=";")
        next(reader)
        return [
            (datetime.strptime(d, "%d.%m.%Y").date(), mill, ref, float(t.replace(",", ".")))
            for d, mill, ref, t in reader
        ]


def write_mes(path: Path, rows: list[tuple], *, encoding: str = "cp1251", header=MES_HEADER) -> Path:
    """An MES export of ``rows`` (day as ``date`` or text, mill, position, tonnes as a number
    or text), written as the MES writes it: ``;``, dates ``DD.MM.YYYY``, decimal comma."""
    with open(path, "w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(header)
        for day, mill, ref, tonnes in rows:
            shown_day = f"{day:%d.%m.%Y}" if isinstance(day, date) else day
            shown_tonnes = f"{tonnes:.3f}".replace(".", ",") if isinstance(tonnes, float) else tonnes
            writer.writerow((shown_day, mill, ref, shown_tonnes))
    return path


def by_position(rows: list[tuple[date, str, str, float]]) -> dict[str, float]:
    """Tonnes made by position (DEAL#NO), summed over days and mills."""
    made: dict[str, float] = {}
    for _day, _mill, ref, tonnes in rows:
        made[ref] = made.get(ref, 0.0) + tonnes
    return made


def stored_actuals(store) -> dict[tuple[date, str, str], float]:
    """(day, mill, DEAL#NO) → t of every stored actual."""
    with store.reading() as repo:
        return {
            (a.day, a.mill_code, a.position_ref): a.tonnes
            for a in repo.actuals.between(date(2000, 1, 1), date(2100, 1, 1))
        }


def summed(rows: list[tuple[date, str, str, float]]) -> dict[tuple[date, str, str], float]:
    """Rows summed by (day, mill, DEAL#NO), as the store keeps them (shifts added up)."""
    found: dict[tuple[date, str, str], float] = {}
    for day, mill, ref, tonnes in rows:
        found[day, mill, ref] = found.get((day, mill, ref), 0.0) + tonnes
    return found


def produced(store) -> dict[str, float]:
    """DEAL#NO → produced t of every stored position."""
    with store.reading() as repo:
        return {p.ref: p.tonnes_produced for p in repo.plant.positions()}
