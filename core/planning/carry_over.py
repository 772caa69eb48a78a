"""Carry-over: tonnes a month's approved assignment planned for a position that its mills
did not make in the month (DESIGN.md, "The month's loop"); they are the next month's
overdue demand once the month is closed."""

from __future__ import annotations

from collections.abc import Iterable

from millplan.core.domain.actuals import Actual
from millplan.core.domain.assignment import AssignmentLine

MIN_CARRY_TONNES = 0.05
"""Less than this (t) left of a position's planned tonnes is rounding, not carry-over."""


def carry_over(planned: Iterable[AssignmentLine], made: Iterable[Actual]) -> dict[int, float]:
    """Position id → t planned and not made: per position, the planned tonnes (all mills)
    less every tonne made for it in the month on any mill, where at least
    :data:`MIN_CARRY_TONNES` is left. ``made`` must be the month's actuals only."""
    left: dict[int, float] = {}
    for line in planned:
        left[line.position_id] = left.get(line.position_id, 0.0) + line.tonnes
    for actual in made:
        if actual.position_id in left:
            left[actual.position_id] -= actual.tonnes
    return {pid: round(t, 3) for pid, t in left.items() if t >= MIN_CARRY_TONNES}
