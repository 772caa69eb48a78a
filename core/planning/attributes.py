"""Attributes of every position: compatible mills, productivity, marginal income, high load.

Definitions (also in docs/attributes.md):

* **Compatible mill** — same product line; OD and wall within the mill's ranges
  (inclusive, mm); steel grade in the mill's list; standard allowed by the mill. Grades and
  standards are compared after folding Cyrillic/Latin look-alike letters (``Х70`` = ``X70``),
  case and spacing; a mill entry that names a family (``ТУ``, ``ГОСТ 20295``) allows every
  standard that starts with it (``ТУ 14-3Р-…``, ``ГОСТ 20295-85``).
* **Productivity** (t/h) — the mill's norm whose OD and wall band contain the position;
  else speed (m/h) × mass per metre (kg/m) / 1000, mass per metre
  ``(OD − wall) × wall × 0.02466`` (DESIGN.md; steel density 7.85 g/cm³).
* **Unit marginal income** (RUB/t) = price − metal cost − conversion cost: the cost of the
  mill's norm band that contains the position where the norms table gives one, else the
  mill's own — so the same position earns differently on different mills.
* **Marginal income per mill-hour** (RUB/h) = unit marginal income × productivity.
* **High mill load** — the position's hours per tonne on its best mill exceed
  :data:`HIGH_LOAD_FACTOR` times the median hours per tonne of the open positions that mill
  can make: the position eats capacity far faster than the mill's typical order.
"""

from __future__ import annotations

import functools
import re
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from millplan.core.domain.plant import Mill, Plant
from millplan.core.domain.portfolio import Position
from millplan.core.domain.stored_text import Figure, Joined, Message, say, stored

STEEL_KG_PER_M_FACTOR = 0.02466
"""kg/m per mm² of (OD − wall) × wall: π × 7.85 g/cm³ / 1000 (DESIGN.md)."""

HIGH_LOAD_FACTOR = 1.5
"""A position is "high mill load" above this multiple of the mill's median hours per tonne."""

# Cyrillic letters that look like Latin ones, folded so "Х70" (Cyrillic) matches "X70".
_LOOKALIKES = str.maketrans("АВЕКМНОРСТХУ", "ABEKMHOPCTXY")


@functools.lru_cache(maxsize=8192)  # the same few grade and standard names, folded per mill per position
def fold(text: str) -> str:
    """Comparison key for grades and standards: upper case, look-alikes folded, spaces collapsed."""
    text = text.replace("\u00a0", " ").upper().translate(_LOOKALIKES)
    return re.sub(r"\s+", " ", text).strip()


def mass_per_metre_kg(od_mm: float, wall_mm: float) -> float:
    """Steel mass of one metre of pipe, kg/m: ``(OD − wall) × wall × 0.02466`` (DESIGN.md)."""
    return (od_mm - wall_mm) * wall_mm * STEEL_KG_PER_M_FACTOR


def standard_allowed(standard: str, allowed: Iterable[str]) -> bool:
    """True if ``standard`` is one of ``allowed`` or starts with one followed by a space or '-'."""
    key = fold(standard)
    for entry in allowed:
        family = fold(entry)
        if key == family or key.startswith(family + " ") or key.startswith(family + "-"):
            return True
    return False


@functools.lru_cache(maxsize=65536)  # a book names few standards; each mill's list is judged once per name
def _standard_on(standard: str, allowed: tuple[str, ...]) -> bool:
    """:func:`standard_allowed`, remembered per (standard, mill's list)."""
    return standard_allowed(standard, allowed)


@functools.lru_cache(maxsize=1024)
def _grade_keys(grades: tuple[str, ...]) -> frozenset[str]:
    """A mill's steel grades, folded (:func:`fold`), to test a grade by one look-up."""
    return frozenset(fold(g) for g in grades)


def _takers(line_mills: Sequence[Mill], position: Position) -> list[Mill]:
    """The mills of ``line_mills`` whose grades and standards allow the position's (the
    limits of :func:`incompatibility` that do not depend on its size)."""
    grade = fold(position.steel_grade)
    return [
        m for m in line_mills if grade in _grade_keys(m.steel_grades) and _standard_on(position.standard, m.standards)
    ]


def incompatibility(position: Position, mill: Mill) -> str | None:
    """Why ``mill`` cannot make ``position`` (the first failing limit) in the user's
    language, or ``None`` if it can."""
    why = refusal(position, mill)
    return None if why is None else say(why)


def refusal(position: Position, mill: Mill) -> Message | None:
    """:func:`incompatibility` as a message to store (said in each reader's language)."""
    if position.product_line != mill.product_line:
        return stored("product line {line}, not {wanted}", line=mill.product_line, wanted=position.product_line)
    if not mill.od_min_mm <= position.od_mm <= mill.od_max_mm:
        return stored(
            "OD {od} mm outside {low}–{high} mm",
            od=Figure(position.od_mm, None),
            low=Figure(mill.od_min_mm, None),
            high=Figure(mill.od_max_mm, None),
        )
    if not mill.wall_min_mm <= position.wall_mm <= mill.wall_max_mm:
        return stored(
            "wall {wall} mm outside {low}–{high} mm",
            wall=Figure(position.wall_mm, None),
            low=Figure(mill.wall_min_mm, None),
            high=Figure(mill.wall_max_mm, None),
        )
    if fold(position.steel_grade) not in _grade_keys(mill.steel_grades):
        return stored("steel grade {grade} not made", grade=position.steel_grade)
    if not _standard_on(position.standard, mill.standards):
        return stored("standard {standard} not certified", standard=position.standard)
    return None


def _norm_figures(plant: Plant, mill: Mill, od_mm: float, wall_mm: float) -> tuple[float, Decimal]:
    """(t/h, RUB/t) of ``mill`` for a pipe of this size, from one pass over its norms:
    :func:`productivity` and :func:`conversion_cost`."""
    rate: float | None = None
    cost: Decimal | None = None
    for norm in plant.norms.get(mill.code, ()):
        if norm.covers(od_mm, wall_mm):
            if rate is None:
                rate = norm.tonnes_per_hour
            if norm.conversion_cost is not None:
                cost = norm.conversion_cost
                break
    if rate is None:
        rate = mill.speed_m_per_h * mass_per_metre_kg(od_mm, wall_mm) / 1000.0
    return rate, mill.conversion_cost if cost is None else cost


def productivity(plant: Plant, mill: Mill, od_mm: float, wall_mm: float) -> float:
    """Tonnes per hour of ``mill`` for a pipe of this size: the norm, else speed × mass/m."""
    return _norm_figures(plant, mill, od_mm, wall_mm)[0]


def conversion_cost(plant: Plant, mill: Mill, od_mm: float, wall_mm: float) -> Decimal:
    """RUB/t to convert a pipe of this size on ``mill``: its norm band's cost, else the mill's."""
    return _norm_figures(plant, mill, od_mm, wall_mm)[1]


@dataclass(frozen=True, slots=True)
class MillOption:
    """How one compatible mill would make one position.

    ``tonnes_per_hour`` t/h; ``hours_per_tonne`` h/t; ``unit_margin`` RUB/t;
    ``margin_per_hour`` RUB per mill-hour.
    """

    mill: Mill
    tonnes_per_hour: float
    unit_margin: Decimal

    @property
    def hours_per_tonne(self) -> float:
        """h/t; 0 when the mill has no productivity for the size (it cannot make it)."""
        return 1.0 / self.tonnes_per_hour if self.tonnes_per_hour > 0 else 0.0

    @property
    def margin_per_hour(self) -> Decimal:
        return self.unit_margin * Decimal(repr(self.tonnes_per_hour))


@dataclass(frozen=True, slots=True)
class PositionAttributes:
    """Everything the planner sees about one position besides its own fields.

    ``options`` are the compatible mills, best first (most marginal income per hour);
    ``refusals`` maps each mill of the position's product line that cannot make it to the
    failing limit, a message (empty when there are options or no mill of that line exists).
    """

    position: Position
    options: tuple[MillOption, ...]
    refusals: dict[str, Message]
    high_mill_load: bool = False

    @property
    def best(self) -> MillOption | None:
        return self.options[0] if self.options else None

    @property
    def no_mill_reason(self) -> str:
        """One sentence saying why no mill can make the position, in the user's language."""
        return say(self.no_mill_said)

    @property
    def no_mill_said(self) -> Message:
        """:attr:`no_mill_reason` as a message to store (said in each reader's language)."""
        if not self.refusals:
            return stored("no mill of product line {line}", line=self.position.product_line)
        return stored(
            "no compatible mill: {refusals}",
            refusals=Joined("; ", tuple(Joined(": ", (code, why)) for code, why in sorted(self.refusals.items()))),
        )


def mill_option(plant: Plant, mill: Mill, position: Position) -> MillOption:
    """How ``mill`` makes ``position`` — its t/h and unit marginal income (RUB/t) there —
    whether or not the mill is compatible (what a mill made is costed so, even off its
    register); the t/h is 0 where neither a norm nor the mill's speed gives one."""
    rate, cost = _norm_figures(plant, mill, position.od_mm, position.wall_mm)
    return MillOption(mill, rate, position.price - position.metal_cost - cost)


def mill_options(plant: Plant, position: Position) -> tuple[tuple[MillOption, ...], dict[str, str]]:
    """Compatible mills of ``position`` (best first) and, per refusing mill of its line, why."""
    line_mills = [m for m in plant.mills if m.product_line == position.product_line]
    return _options_among(plant, line_mills, _takers(line_mills, position), position)


def _options_among(
    plant: Plant, line_mills: Sequence[Mill], takers: Sequence[Mill], position: Position
) -> tuple[tuple[MillOption, ...], dict[str, str]]:
    """:func:`mill_options`, given the mills of the position's product line (``line_mills``,
    in the plant's order) and those of them that take its grade and standard (``takers``,
    :func:`_takers`)."""
    od, wall = position.od_mm, position.wall_mm
    gross = position.price - position.metal_cost  # RUB/t before conversion (mill_option's sum, inlined)
    options: list[MillOption] = []
    for mill in takers:
        if mill.od_min_mm <= od <= mill.od_max_mm and mill.wall_min_mm <= wall <= mill.wall_max_mm:
            rate, cost = _norm_figures(plant, mill, od, wall)
            if rate > 0:
                options.append(MillOption(mill, rate, gross - cost))
    if options:
        if len(options) > 1:
            options.sort(key=_rank)
        return tuple(options), {}
    # no mill: word each refusal (rare, so the common case above skips the wording)
    zero = stored("productivity is zero for this size")
    return (), {mill.code: refusal(position, mill) or zero for mill in line_mills}


def _rank(option: MillOption) -> tuple[Decimal, float, str]:
    """Sort key of compatible mills, best first: most marginal income per hour, then fewest
    hours per tonne, then the code (``tonnes_per_hour`` > 0: the properties' figures, inlined)."""
    rate = option.tonnes_per_hour
    return -(option.unit_margin * Decimal(repr(rate))), 1.0 / rate, option.mill.code


def describe(plant: Plant, positions: Iterable[Position]) -> list[PositionAttributes]:
    """Attributes of each position, with the high-mill-load flag judged against its peers.

    The median for each mill is taken over the given positions that the mill can make, so
    pass the whole open book (not a page of it) for a meaningful flag.
    """
    by_line: dict[str, list[Mill]] = {}
    for mill in plant.mills:
        by_line.setdefault(mill.product_line, []).append(mill)
    takers: dict[tuple[str, str, str], list[Mill]] = {}  # a book names few grade × standard pairs per line
    described = []
    for position in positions:
        line_mills = by_line.get(position.product_line, [])
        key = (position.product_line, position.steel_grade, position.standard)
        if key not in takers:
            takers[key] = _takers(line_mills, position)
        options, refusals = _options_among(plant, line_mills, takers[key], position)
        described.append(PositionAttributes(position, options, refusals))
    per_mill: dict[str, list[float]] = {}
    for attrs in described:
        for option in attrs.options:
            per_mill.setdefault(option.mill.code, []).append(option.hours_per_tonne)
    medians = {code: statistics.median(values) for code, values in per_mill.items()}
    result = []
    for attrs in described:
        best = attrs.best
        high = best is not None and best.hours_per_tonne > HIGH_LOAD_FACTOR * medians[best.mill.code]
        result.append(PositionAttributes(attrs.position, attrs.options, attrs.refusals, True) if high else attrs)
    return result
