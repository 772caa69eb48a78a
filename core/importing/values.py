"""Checks on a column's values taken together: a value far off the others is likely a slip
(tonnes typed in kilograms, roubles per kilogram in a RUB/t column, a separator misread)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from statistics import median

from millplan.core.domain.i18n import _
from millplan.core.domain.numbers import grouped

FAR_OFF = 1000
"""A value this many times above or below its column's median is worth a second look."""

MIN_VALUES = 3
"""Fewer non-zero values give no median worth comparing with."""


def far_off(numbers: Sequence[float | Decimal | None]) -> dict[int, str]:
    """Index → why, for each of ``numbers`` :data:`FAR_OFF` times or more above or below the
    median of the column's non-zero values (by size; zeros and ``None`` are not compared)."""
    sizes = [abs(float(n)) if n else 0.0 for n in numbers]
    compared = [size for size in sizes if size]
    if len(compared) < MIN_VALUES:
        return {}
    middle = median(compared)
    if FAR_OFF * min(compared) > middle and max(compared) < FAR_OFF * middle:
        return {}  # the usual case, told without a second pass
    found = {}
    for index, size in enumerate(sizes):
        if not size:
            continue
        if size >= FAR_OFF * middle:
            found[index] = _("is {times}× the column's median ({median}); check the unit and the separators").format(
                times=grouped(size / middle), median=_shown(middle)
            )
        elif size * FAR_OFF <= middle:
            found[index] = _(
                "is 1/{times} of the column's median ({median}); check the unit and the separators"
            ).format(times=grouped(middle / size), median=_shown(middle))
    return found


def _shown(number: float) -> str:
    return grouped(number, 0 if number >= 100 or number == int(number) else 2)
