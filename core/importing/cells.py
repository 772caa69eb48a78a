"""Reading one Excel cell as the plant writes it.

Each parser takes the cell's value as openpyxl gives it (``str``, ``int``, ``float``,
``datetime``, ``None``) and returns a typed value, or raises :class:`CellError` whose text
says why in words a planner understands (the caller adds file, sheet, row and column).

Excel serial day numbers count from the workbook's date system (1900, or 1904 for books
from old Macs): the reader sets it for the parsers with :func:`date_system`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import Any

from openpyxl.utils.datetime import WINDOWS_EPOCH, from_excel

from millplan.core.domain.i18n import _
from millplan.core.domain.months import Month
from millplan.core.domain.numbers import grouped
from millplan.core.importing.headers import look_alike_readings


class CellError(ValueError):
    """A cell's value cannot be read as the column requires; ``str()`` says why."""


class AmbiguousNumber(CellError):
    """Text such as ``1,234`` or ``45.000``: one mark with three digits after it, which is a
    decimal mark to some and a thousands separator to others. ``mark`` is the mark
    (``","`` or ``"."``); :meth:`reading` gives the number under either meaning."""

    def __init__(self, digits: str, mark: str) -> None:
        self.digits, self.mark = digits, mark  # digits: the text without spaces, e.g. "1,234"
        as_decimals, as_thousands = self.reading(mark), self.reading("." if mark == "," else ",")
        super().__init__(
            _(
                "is ambiguous: {as_decimals} if '{mark}' is the decimal mark, or {as_thousands} if it separates "
                "thousands, and the column's other values do not settle it; type it as a number in Excel"
            ).format(as_decimals=_plain(as_decimals), as_thousands=grouped(as_thousands), mark=mark)
        )

    def reading(self, decimal_mark: str) -> Decimal:
        """The number when ``decimal_mark`` (``","`` or ``"."``) is the decimal mark."""
        if decimal_mark == self.mark:
            return Decimal(self.digits.replace(",", "."))
        return Decimal(self.digits.replace(self.mark, ""))


def _plain(number: Decimal) -> str:
    return format(number.normalize(), "f")


_EPOCH: ContextVar[datetime] = ContextVar("excel_epoch", default=WINDOWS_EPOCH)


@contextmanager
def date_system(epoch: datetime) -> Iterator[None]:
    """Within the block, serial day numbers count from ``epoch`` (a workbook's ``epoch``:
    openpyxl's ``WINDOWS_EPOCH`` or ``MAC_EPOCH``). A context variable, so imports running in
    other threads keep their own."""
    token = _EPOCH.set(epoch)
    try:
        yield
    finally:
        _EPOCH.reset(token)


def _from_serial(value: float) -> datetime:
    return from_excel(value, _EPOCH.get())


_SPACES = re.compile(r"[\s\u00a0\u202f\u2009\u2007]+")

RU_MONTHS = {
    "январь": 1,
    "января": 1,
    "янв": 1,
    "февраль": 2,
    "февраля": 2,
    "фев": 2,
    "февр": 2,
    "март": 3,
    "марта": 3,
    "мар": 3,
    "апрель": 4,
    "апреля": 4,
    "апр": 4,
    "май": 5,
    "мая": 5,
    "июнь": 6,
    "июня": 6,
    "июн": 6,
    "июль": 7,
    "июля": 7,
    "июл": 7,
    "август": 8,
    "августа": 8,
    "авг": 8,
    "сентябрь": 9,
    "сентября": 9,
    "сен": 9,
    "сент": 9,
    "октябрь": 10,
    "октября": 10,
    "окт": 10,
    "ноябрь": 11,
    "ноября": 11,
    "ноя": 11,
    "нояб": 11,
    "декабрь": 12,
    "декабря": 12,
    "дек": 12,
    "january": 1,
    "jan": 1,
    "february": 2,
    "feb": 2,
    "march": 3,
    "mar": 3,
    "april": 4,
    "apr": 4,
    "may": 5,
    "june": 6,
    "jun": 6,
    "july": 7,
    "jul": 7,
    "august": 8,
    "aug": 8,
    "september": 9,
    "sep": 9,
    "sept": 9,
    "october": 10,
    "oct": 10,
    "november": 11,
    "nov": 11,
    "december": 12,
    "dec": 12,
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
    (``"1 234,5"``), or with the marks of :func:`decimal_mark`; blank is ``None``.

    Raises :class:`AmbiguousNumber` for ``1,234``-like text (settle it with the column's
    other values, :func:`settle`), :class:`CellError` for anything else."""
    if is_blank(value):
        return None
    if isinstance(value, bool):
        raise CellError(_("{value!r} is a yes/no value, not a number").format(value=value))
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, Decimal):
        return value
    if isinstance(value, (datetime, date)):
        raise CellError(_("is a date, not a number"))
    raw = _number_text(str(value))
    mark = _mark(raw)
    if mark is None and _AMBIGUOUS.fullmatch(raw):
        raise AmbiguousNumber(raw, "," if "," in raw else ".")
    if mark == ",":
        raw = raw.replace(".", "").replace(",", ".")
    elif mark == ".":
        raw = raw.replace(",", "")
    try:
        number = Decimal(raw)
    except InvalidOperation:
        raise CellError(_("is not a number")) from None
    if not number.is_finite():
        raise CellError(_("is not a number"))
    return number


# One mark and three digits: "1,234", "45.000", "-1.500" (not "0,500": no thousands start with 0).
_AMBIGUOUS = re.compile(r"-?[1-9]\d{0,2}[.,]\d{3}")
_NUMBER_TEXT = re.compile(r"-?\d[\d.,]*")


def decimal_mark(value: Any) -> str | None:
    """The decimal mark (``","`` or ``"."``) that number text ``value`` shows it uses, or
    ``None`` when it shows none (no mark, not text, not a number, or :class:`AmbiguousNumber`).

    ``1 234,5``, ``12,75``, ``1.234,5``, ``1.234.567`` and ``0,500`` use a comma;
    ``12.75``, ``1,234.5`` and ``1,234,567`` a point: a mark written twice, or before
    the other mark, separates thousands; a lone mark is a decimal one unless three digits
    follow it after one to three others (``45,000``: ambiguous).
    """
    return _mark(_number_text(value)) if isinstance(value, str) else None


def _number_text(value: str) -> str:
    """Number text without spaces of any kind, the minus sign as ``-``."""
    return _SPACES.sub("", value).replace("\u2212", "-")


def _mark(raw: str) -> str | None:
    """:func:`decimal_mark` of text already through :func:`_number_text`."""
    if not _NUMBER_TEXT.fullmatch(raw):
        return None
    commas, points = raw.count(","), raw.count(".")
    if commas and points:
        return "," if raw.rindex(",") > raw.rindex(".") else "."
    if commas + points == 0:
        return None
    mark = "," if commas else "."
    if commas + points > 1:
        return "." if mark == "," else ","
    return None if _AMBIGUOUS.fullmatch(raw) else mark


def settle(values: Iterable[Any]) -> str | None:
    """The decimal mark the number texts ``values`` of one column agree on, or ``None``
    when they show none or disagree."""
    marks = {mark for value in values if (mark := decimal_mark(value))}
    return marks.pop() if len(marks) == 1 else None


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
        raise CellError(_("is not a whole number"))
    return int(result)


_YES_WORDS = ("да", "yes", "1", "+", "x", "✔", "ключевой", "key")
_NO_WORDS = ("нет", "no", "0", "-")
_YES = frozenset({*_YES_WORDS, "д", "y", "true", "истина", "х", "v", "✓", "✔️", "☑"})
_NO = frozenset({*_NO_WORDS, "н", "n", "false", "ложь", "—"})


def flag(value: Any, *, also_yes: frozenset[str] = frozenset()) -> bool:
    """Yes/no: ``да``/``нет``, ``yes``/``no``, ``1``/``0``, ``+``/``-``, ``x``, ``✔``,
    ``ключевой``/``key``; blank is no. ``also_yes``: further words meaning yes, as
    :func:`header_words` gives them (the column's own header word). Look-alike letters
    of the other alphabet read as meant (``дa`` with a Latin ``a``, ``HET`` all Latin).

    Raises :class:`CellError` for anything else, listing what is taken."""
    if is_blank(value):
        return False
    if isinstance(value, bool):
        return value
    for key in look_alike_readings(text(value).rstrip(".")):
        if key in _YES or key in also_yes:
            return True
        if key in _NO:
            return False
    yes = ", ".join((*_YES_WORDS, *sorted(also_yes)))
    raise CellError(
        _("is not a yes/no value: yes is {yes}; no is {no} or an empty cell").format(yes=yes, no=", ".join(_NO_WORDS))
    )


def header_words(header: str | None) -> frozenset[str]:
    """A flag column's header and its first word, lower case, look-alike letters in the
    word's alphabet: a planner marks the key accounts in a column "Ключевой клиент" or
    "VIP" by writing the header word in the cell."""
    if not header:
        return frozenset()
    name = look_alike_readings(_SPACES.sub(" ", header).strip().rstrip("."))[0]
    first = re.split(r"[\s\-,.:;/]+", name)[0]
    return frozenset(w for w in (name, first) if w and w not in _NO)


def month(value: Any) -> Month | None:
    """A month from an Excel date, an Excel serial number, or text such as ``январь 2027``,
    ``янв. 2027 г.``, ``01.2027``, ``01.01.2027``, ``2027-01`` or ``January 2027``."""
    if is_blank(value):
        return None
    if isinstance(value, (datetime, date)):
        return Month.of(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if _SERIAL_RANGE[0] <= value <= _SERIAL_RANGE[1]:
            return Month.of(_from_serial(value))
        raise CellError(_("is a number, not a month"))
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
    raise CellError(_("is not a month (expected e.g. 01.2027, январь 2027 or an Excel date)"))


def timestamp(value: Any) -> datetime | None:
    """A date (Excel date or ``DD.MM.YYYY`` / ``YYYY-MM-DD`` text) as midnight UTC."""
    if is_blank(value):
        return None
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    if isinstance(value, date):
        return datetime.combine(value, time(), UTC)
    if isinstance(value, (int, float)) and _SERIAL_RANGE[0] <= value <= _SERIAL_RANGE[1]:
        return _from_serial(value).replace(tzinfo=UTC)
    raw = text(value)
    for pattern in ("%d.%m.%Y", "%Y-%m-%d", "%d.%m.%y", "%d/%m/%Y"):
        try:
            return datetime.strptime(raw, pattern).replace(tzinfo=UTC)
        except ValueError:
            continue
    raise CellError(_("is not a date (expected e.g. 18.09.2026 or an Excel date)"))


def items(value: Any) -> tuple[str, ...]:
    """A list written in one cell, separated by commas, semicolons or new lines."""
    if is_blank(value):
        return ()
    parts = re.split(r"[,;\n]+", str(value))
    return tuple(clean for part in parts if (clean := text(part)))
