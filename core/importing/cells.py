"""Reading one Excel cell as the plant writes it.

Each parser takes the cell's value as openpyxl gives it (``str``, ``int``, ``float``,
``datetime``, ``None``) and returns a typed value, or raises :class:`CellError` whose text
says why in words a planner understands (the caller adds file, sheet, row and column).
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timezone
from decimal import Decimal, InvalidOperation
from typing import Any

from openpyxl.utils.datetime import from_excel

from core.months import Month


class CellError(ValueError):
    """A cell's value cannot be read as the column requires; ``str()`` says why."""


_SPACES = re.compile(r"[\s\u00a0\u202f\u2009\u2007]+")

RU_MONTHS = {
    "январь": 1, "января": 1, "янв": 1,
    "февраль": 2, "февраля": 2, "фев": 2, "февр": 2,
    "март": 3, "марта": 3, "мар": 3,
    "апрель": 4, "апреля": 4, "апр": 4,
    "май": 5, "мая": 5,
    "июнь": 6, "июня": 6, "июн": 6,
    "июль": 7, "июля": 7, "июл": 7,
    "август": 8, "августа": 8, "авг": 8,
    "сентябрь": 9, "сентября": 9, "сен": 9, "сент": 9,
    "октябрь": 10, "октября": 10, "окт": 10,
    "ноябрь": 11, "ноября": 11, "ноя": 11, "нояб": 11,
    "декабрь": 12, "декабря": 12, "дек": 12,
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3,
    "april": 4, "apr": 4, "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7,
    "august": 8, "aug": 8, "september": 9, "sep": 9, "sept": 9, "october": 10, "oct": 10,
    "november": 11, "nov": 11, "december": 12, "dec": 12,
}

# Excel serial day numbers between 1954 and 2119: a bare number in a month column.
_SERIAL_RANGE = (20_000, 80_000)


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not _SPACES.sub("", value))


def text(value: Any) -> str | None:
    """Cell as trimmed text with runs of (non-breaking) spaces collapsed; blank is ``None``.

    Whole floats print without ``.0`` so a grade typed as the number 20 reads ``"20"``.
    """
    if is_blank(value):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        return value.date().isoformat()
    return _SPACES.sub(" ", str(value)).strip()


def decimal(value: Any) -> Decimal | None:
    """A number: Excel numbers, or text with decimal comma and space/NBSP thousands
    (``"1 234,5"``); blank is ``None``. Raises :class:`CellError` for anything else."""
    if is_blank(value):
        return None
    if isinstance(value, bool):
        raise CellError(f"{value!r} is a yes/no value, not a number")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, Decimal):
        return value
    if isinstance(value, (datetime, date)):
        raise CellError("is a date, not a number")
    raw = _SPACES.sub("", str(value)).replace("\u2212", "-")
    if "," in raw and "." in raw:  # the later mark is the decimal one: 1.234,5 or 1,234.5
        if raw.rindex(",") > raw.rindex("."):
            raw = raw.replace(".", "").replace(",", ".")
        else:
            raw = raw.replace(",", "")
    elif raw.count(",") == 1:
        raw = raw.replace(",", ".")
    elif raw.count(",") > 1:
        raw = raw.replace(",", "")
    try:
        number = Decimal(raw)
    except InvalidOperation:
        raise CellError("is not a number") from None
    if not number.is_finite():
        raise CellError("is not a number")
    return number


def money(value: Any) -> Decimal | None:
    """:func:`decimal` rounded to kopecks (RUB, two places)."""
    result = decimal(value)
    return None if result is None else result.quantize(Decimal("0.01"))


def number(value: Any) -> float | None:
    """:func:`decimal` as a float (tonnes, millimetres, hours)."""
    result = decimal(value)
    return None if result is None else float(result)


def integer(value: Any) -> int | None:
    """A whole number (``3``, ``3.0``, ``"3"``); raises :class:`CellError` for ``3.5``."""
    result = decimal(value)
    if result is None:
        return None
    if result != result.to_integral_value():
        raise CellError("is not a whole number")
    return int(result)


def flag(value: Any) -> bool:
    """Yes/no: ``да``/``нет``, ``yes``/``no``, ``1``/``0``, ``+``/``-``, ``x``; blank is no."""
    if is_blank(value):
        return False
    if isinstance(value, bool):
        return value
    key = text(value).lower().rstrip(".")
    if key in {"да", "д", "yes", "y", "1", "true", "истина", "+", "x", "х", "v", "✓"}:
        return True
    if key in {"нет", "н", "no", "n", "0", "false", "ложь", "-", "—"}:
        return False
    raise CellError("is not a yes/no value (да/нет, 1/0)")


def month(value: Any) -> Month | None:
    """A month from an Excel date, an Excel serial number, or text such as ``январь 2027``,
    ``янв. 2027 г.``, ``01.2027``, ``01.01.2027``, ``2027-01`` or ``January 2027``."""
    if is_blank(value):
        return None
    if isinstance(value, (datetime, date)):
        return Month.of(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if _SERIAL_RANGE[0] <= value <= _SERIAL_RANGE[1]:
            return Month.of(from_excel(value))
        raise CellError("is a number, not a month")
    raw = text(value).lower().replace("ё", "е")
    raw = re.sub(r"\s*(г|гг|год|года)\.?$", "", raw).strip()
    try:
        found = re.fullmatch(r"(\d{1,2})[./](\d{4})", raw)
        if found:
            return Month(int(found[2]), int(found[1]))
        found = re.fullmatch(r"(\d{1,2})[./](\d{1,2})[./](\d{4})", raw)
        if found:
            return Month.of(date(int(found[3]), int(found[2]), int(found[1])))
        found = re.fullmatch(r"(\d{4})-(\d{1,2})(?:-(\d{1,2}))?", raw)
        if found:
            return Month(int(found[1]), int(found[2]))
        found = re.fullmatch(r"([a-zа-я]+)\.?[\s\-]*(\d{4}|\d{2})", raw)
        if found and found[1] in RU_MONTHS:
            year = int(found[2]) if len(found[2]) == 4 else 2000 + int(found[2])
            return Month(year, RU_MONTHS[found[1]])
    except ValueError:
        pass
    raise CellError("is not a month (expected e.g. 01.2027, январь 2027 or an Excel date)")


def timestamp(value: Any) -> datetime | None:
    """A date (Excel date or ``DD.MM.YYYY`` / ``YYYY-MM-DD`` text) as midnight UTC."""
    if is_blank(value):
        return None
    if isinstance(value, datetime):
        return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)
    if isinstance(value, date):
        return datetime.combine(value, time(), timezone.utc)
    if isinstance(value, (int, float)) and _SERIAL_RANGE[0] <= value <= _SERIAL_RANGE[1]:
        return from_excel(value).replace(tzinfo=timezone.utc)
    raw = text(value)
    for pattern in ("%d.%m.%Y", "%Y-%m-%d", "%d.%m.%y", "%d/%m/%Y"):
        try:
            return datetime.strptime(raw, pattern).replace(tzinfo=timezone.utc)
        except ValueError:
            continue
    raise CellError("is not a date (expected e.g. 18.09.2026 or an Excel date)")


def items(value: Any) -> tuple[str, ...]:
    """A list written in one cell, separated by commas, semicolons or new lines."""
    if is_blank(value):
        return ()
    parts = re.split(r"[,;\n]+", str(value))
    return tuple(clean for part in parts if (clean := text(part)))
