"""Stored values as people read them: one formatter for the history (:mod:`millplan.core.views.history`)
and the import report (:mod:`millplan.core.importing.report`), so a field reads the same in both."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any

from millplan.core.domain.i18n import _
from millplan.core.domain.months import plant_clock
from millplan.core.domain.numbers import grouped

MAX_PLACES = 3
"""Decimals shown at most (t, h and RUB need no more)."""


def value_text(value: Any) -> str:
    """``None`` → ``—``; a flag → yes/no; a number with thousands grouped by spaces and
    its own decimals, at most :data:`MAX_PLACES` (``50000.0`` → ``50 000``, ``12.5``);
    a date ``YYYY-MM-DD``; a time (UTC; naive ones are UTC too) in plant time
    ``YYYY-MM-DD HH:MM``, or as its date when it is midnight UTC, which is how imports
    store a date; anything else as text."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, (int, float, Decimal)):
        return _number(Decimal(str(value)))
    if isinstance(value, datetime):
        value = value if value.tzinfo else value.replace(tzinfo=UTC)
        if value.astimezone(UTC).timetz() == time(tzinfo=UTC):
            return value.date().isoformat()
        return plant_clock(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _number(number: Decimal) -> str:
    if not number.is_finite():
        return str(number)
    places = 0 if number == number.to_integral_value() else min(-number.normalize().as_tuple().exponent, MAX_PLACES)
    text = grouped(number, places)
    return text.rstrip("0").rstrip(".") if "." in text else text
