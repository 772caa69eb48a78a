"""The plant: pipe mills, their capacity calendar and productivity norms.

Units: millimetres (mm), hours (h), tonnes per hour (t/h), roubles per tonne (RUB/t); money is
``Decimal``; months are :class:`~millplan.core.domain.months.Month`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from millplan.core.domain import glyphs
from millplan.core.domain.errors import NotFound
from millplan.core.domain.i18n import _
from millplan.core.domain.months import Month


@dataclass(frozen=True, slots=True)
class Mill:
    """A pipe mill: what sizes, grades and standards it can make, and at what cost.

    ``speed_m_per_h`` (m/h) gives productivity where no norm matches; ``nominal_hours``
    (h/month) is the capacity of a month the calendar does not list;
    ``conversion_cost`` (RUB/t) is the mill's variable conversion cost.
    """

    id: int
    code: str
    name: str
    shop: str
    product_line: str
    product_type: str
    od_min_mm: float
    od_max_mm: float
    wall_min_mm: float
    wall_max_mm: float
    steel_grades: tuple[str, ...]
    standards: tuple[str, ...]
    speed_m_per_h: float
    nominal_hours: float
    conversion_cost: Decimal


@dataclass(frozen=True, slots=True)
class ProductivityNorm:
    """Tonnes per hour a mill makes in one OD band × wall band (bounds inclusive, mm), and
    the conversion cost (RUB/t) of that size band where the norms table gives one
    (``None``: the mill's own)."""

    mill_code: str
    od_min_mm: float
    od_max_mm: float
    wall_min_mm: float
    wall_max_mm: float
    tonnes_per_hour: float
    conversion_cost: Decimal | None = None

    def covers(self, od_mm: float, wall_mm: float) -> bool:
        return self.od_min_mm <= od_mm <= self.od_max_mm and self.wall_min_mm <= wall_mm <= self.wall_max_mm


@dataclass(frozen=True, slots=True)
class Plant:
    """Mills with their capacity calendar (h per month) and productivity norms."""

    mills: tuple[Mill, ...]
    capacity: dict[tuple[str, Month], float] = field(default_factory=dict)
    norms: dict[str, tuple[ProductivityNorm, ...]] = field(default_factory=dict)

    def mill(self, code: str) -> Mill:
        for mill in self.mills:
            if mill.code == code:
                return mill
        raise KeyError(code)

    def hours(self, mill: Mill, month: Month) -> float:
        """Available hours of ``mill`` in ``month``: the calendar's, else the nominal fund."""
        return self.capacity.get((mill.code, month), mill.nominal_hours)

    @property
    def product_lines(self) -> list[str]:
        return sorted({m.product_line for m in self.mills})

    def check_line(self, line: str) -> None:
        """Return if some mill makes product line ``line``; else raise :class:`NotFound`
        naming the plant's lines (a mistyped line is not "not planned yet")."""
        if line not in self.product_lines:
            raise NotFound(
                _("there is no product line {line}: the lines are {lines}").format(
                    line=line, lines=", ".join(self.product_lines) or glyphs.NONE
                )
            )
