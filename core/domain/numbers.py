"""Numbers as the plant writes them: thousands separated by spaces (``1 234 567``)."""

from __future__ import annotations

from decimal import Decimal


def grouped(value: float | Decimal, places: int = 0) -> str:
    """``1234567.8`` → ``"1 234 568"``; ``places`` decimals, point as the decimal mark."""
    return f"{value:,.{places}f}".replace(",", " ")


def money(value: Decimal) -> str:
    """A sum of money for JSON: text with two decimals (``"1234.50"``), so no script meets a
    binary float."""
    return str(value.quantize(Decimal("0.01")))
