"""Numbers as people read them, in the user's language, said once for every table, message and
report; JSON keeps plain numbers and :func:`money` text.

English: thousands separated by spaces, a decimal point (``1 234 567.8``). Russian: thousands
separated by a NON-BREAKING space (U+00A0, so a figure never wraps inside) and a decimal comma
(``1 234 567,8``), as CLDR's ``ru`` locale (Babel's ``format_decimal``) writes them. Each
function reads the language when it is called (:func:`millplan.core.domain.i18n.language`),
so a switch of language applies to the next table drawn.

Python's own formatting and two ``str.replace`` are used rather than Babel: a table formats
tens of thousands of cells, and this is about eight times faster for the same text
(``benchmarks/number_format_bench.py``; ``str.translate`` is slower still).
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from millplan.core.domain.i18n import language

NBSP = "\u00a0"
"""The Russian thousands separator: a space a line never breaks at."""

_DECIMAL_MARK = {"en": ".", "ru": ","}

LIST_SEPARATOR = "; "
"""Between the items of a list whose items may end in a figure (``ЛДП-1420 29; ТЭСЦ6-1020 8``):
a comma there reads as a Russian decimal comma (``29, 8``)."""


def listed(items: Iterable[str]) -> str:
    """``items`` as one list, :data:`LIST_SEPARATOR` between them (``"ЛДП-1420 29; ТЭСЦ6-530 13"``)."""
    return LIST_SEPARATOR.join(items)


def grouped(value: float | Decimal, places: int = 0) -> str:
    """``1234567.8`` → ``"1 234 568"``; ``places`` decimals, in the current language's marks
    (English ``1 234.5``, Russian ``1 234,5`` with a non-breaking space)."""
    text = f"{value:,.{places}f}"
    if language() == "ru":
        return text.replace(",", NBSP).replace(".", ",")
    return text.replace(",", " ")


def plain(value: float | Decimal) -> str:
    """The shortest form of a measure (``:g``: ``530``, ``12.5``) with the current language's
    decimal mark (Russian ``12,5``); no grouping — for sizes in mm and the like."""
    return f"{value:g}".replace(".", _DECIMAL_MARK[language()])


def percent(share: float, places: int = 0) -> str:
    """A share as a percentage: ``0.914`` → ``"91%"`` (``places`` decimals, the current
    language's decimal mark: Russian ``91,4%``)."""
    return f"{share:.{places}%}".replace(".", _DECIMAL_MARK[language()])


def decimal_mark() -> str:
    """The current language's decimal mark: ``"."`` (English) or ``","`` (Russian)."""
    return _DECIMAL_MARK[language()]


def money(value: Decimal) -> str:
    """A sum of money for JSON: text with two decimals (``"1234.50"``), so no script meets a
    binary float. People read money through :func:`grouped` (RUB, k RUB)."""
    return str(value.quantize(Decimal("0.01")))


def size(od_mm: float, wall_mm: float) -> str:
    """A pipe's size, OD x wall in mm: ``530x10`` (Russian ``530x10,5``) — a plain ``x``, never
    ``×``, which some terminals draw two cells wide."""
    return f"{plain(od_mm)}x{plain(wall_mm)}"
