"""Plain data in and out of the prioritiser: no database, no domain objects.

Mills and demands are identified by integers chosen by the caller (the store's ids, say),
so variable and constraint names stay ASCII and collision-free whatever the plant calls
its mills.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Option:
    """One mill that can make a demand: hours per tonne (h/t) and margin per tonne (RUB/t)."""

    mill: int
    hours_per_tonne: float
    margin_per_tonne: float


@dataclass(frozen=True, slots=True)
class Demand:
    """Tonnes (t) wanted of one position, which mills can make them, and its standing.

    ``priority`` is a tie-break weight (higher is preferred; 0 for none). ``locked`` lists
    ``(mill, tonnes)`` that must be planned exactly as given.
    """

    id: int
    tonnes: float
    key_account: bool
    options: tuple[Option, ...]
    priority: int = 0
    locked: tuple[tuple[int, float], ...] = ()


@dataclass(frozen=True, slots=True)
class Problem:
    """One month of one product line: demands and each mill's available hours (h)."""

    demands: tuple[Demand, ...]
    hours: dict[int, float]


@dataclass(frozen=True, slots=True)
class Solution:
    """What the prioritiser planned.

    ``status`` is ``"optimal"``, ``"infeasible"`` or ``"error"`` (with ``message``);
    ``tonnes`` maps ``(demand id, mill)`` to planned tonnes (t, only positive entries);
    ``key_account_tonnes`` t and ``margin`` RUB are the objective values reached;
    ``seconds`` is wall time of model building and solving.
    """

    status: str
    solver: str
    seconds: float
    tonnes: dict[tuple[int, int], float] = field(default_factory=dict)
    key_account_tonnes: float = 0.0
    margin: float = 0.0
    message: str = ""

    @property
    def ok(self) -> bool:
        return self.status == "optimal"
