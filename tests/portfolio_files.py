"""Small portfolio workbooks written with openpyxl, headers spelled as people type them."""

from __future__ import annotations

import zipfile
from pathlib import Path

import openpyxl

# Headers as a person might type them; the field each is read as (None: ignored).
SPELLED = {
    "№ сделки": "deal_number",
    "Kлиент": "customer",  # Latin K
    "Ключ. клиент (да/нет)": "is_key_account",
    "Менеджер": "sales_manager",
    "Ст. сделки": "deal_status",
    "№ поз.": "position_no",
    "Товарная линия": "product_line",
    "Д нар., мм": "od_mm",
    "Стенка, мм": "wall_mm",
    "Мaрка стали": "steel_grade",  # Latin a
    "НТД": "standard",
    "Кол., т": "tonnes_ordered",
    "Произв., т": "tonnes_produced",
    "Цена, руб/т": "price",
    "Перем. затраты (металл), руб/т": "metal_cost",
    "Месяц поставки": "requested_month",
    "Вагоны": None,
    "Комментарий логиста": None,
}


def position(deal, no, customer, key, produced, **more):
    """One accepted ЭСТ position of 100 t by field key (cells as a file holds them)."""
    row = {
        "deal_number": deal,
        "customer": customer,
        "is_key_account": key,
        "sales_manager": "Петрова",
        "deal_status": "Акцептована",
        "position_no": no,
        "product_line": "ЭСТ",
        "od_mm": 219,
        "wall_mm": 6,
        "steel_grade": "К52",
        "standard": "ГОСТ 10704",
        "tonnes_ordered": 100,
        "tonnes_produced": produced,
        "price": 90000,
        "metal_cost": 60000,
        "requested_month": "02.2027",
    }
    return {**row, **more}


POSITIONS = [
    position("Д-1", 1, "ООО А", "да", 40),
    position("Д-1", 2, "ООО А", "да", 40),
    position("Д-2", 1, "ООО Б", "нет", 0),
]


def write_portfolio(path: Path, headers: dict[str, str | None], rows: list[dict]) -> Path:
    """A portfolio sheet under a title row: ``headers`` (text → field key or None) and one
    row per position (field key → cell; ignored columns get a filler)."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Заказы"
    sheet.append(["Портфель на январь"])
    sheet.append(list(headers))
    for row in rows:
        sheet.append([row.get(key) if key else "x" for key in headers.values()])
    book.save(path)
    return path


def rewrite(source, target, part: str, change) -> None:
    """Copy the zip ``source`` to ``target`` with ``part``'s bytes passed through ``change``."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for item in old.infolist():
            data = old.read(item.filename)
            new.writestr(item, change(data) if item.filename == part else data)


def protected_by_an_unknown_attribute(data: bytes) -> bytes:
    """A workbook part with an attribute openpyxl does not know (it fails with a TypeError)."""
    return data.replace(b"<sheets>", b'<workbookProtection foo="1"/><sheets>', 1)
