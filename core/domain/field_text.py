"""Stored values as people read them: one formatter for the history (:mod:`millplan.core.views.history`)
and the import report (:mod:`millplan.core.importing.report`), so a field reads the same in both."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any

from millplan.core.domain.i18n import _
from millplan.core.domain.months import date_text, plant_clock
from millplan.core.domain.numbers import decimal_mark, grouped

MAX_PLACES = 3
"""Decimals shown at most (t, h and RUB need no more)."""


def value_text(value: Any) -> str:
    """``None`` → ``—``; a flag → yes/no; a number grouped as the user's language writes it
    (:func:`~millplan.core.domain.numbers.grouped`) with its own decimals, at most
    :data:`MAX_PLACES` (``50000.0`` → ``50 000``, ``12.5``; Russian ``12,5``); a date
    (:func:`~millplan.core.domain.months.date_text`: ``2026-12-05``, ``05.12.2026``); a time
    (UTC; naive ones are UTC too) on the plant's clock
    (:func:`~millplan.core.domain.months.plant_clock`), or as its date when it is midnight
    UTC, which is how imports store a date; anything else as text."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, (int, float, Decimal)):
        return _number(Decimal(str(value)))
    if isinstance(value, datetime):
        value = value if value.tzinfo else value.replace(tzinfo=UTC)
        if value.astimezone(UTC).timetz() == time(tzinfo=UTC):
            return date_text(value.date())
        return plant_clock(value)
    if isinstance(value, date):
        return date_text(value)
    return str(value)


def _number(number: Decimal) -> str:
    if not number.is_finite():
        return str(number)
    places = 0 if number == number.to_integral_value() else min(-number.normalize().as_tuple().exponent, MAX_PLACES)
    text = grouped(number, places)
    mark = decimal_mark()
    return text.rstrip("0").rstrip(mark) if mark in text else text
