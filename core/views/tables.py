"""The tables people look at, as data: the generic part — column specification, table,
cell text. Each table's columns and rows live in the module of its subject
(:mod:`millplan.core.views.load`, ``deals``, ``assignment``, …).

The CLI renders a :class:`TableView` with Rich, the workstation with a DataTable, and an
Excel export can write it with its headers and number formats — one definition behind all.
Row values stay typed (float, Decimal, Month, date, datetime); :func:`cell_text` formats them
in the user's language (``1 234,5``, ``янв 2027``, ``05.12.2026``) and draws symbols from
:mod:`millplan.core.domain.glyphs`.
JSON documents write money with :func:`money` (said once, in the domain's numbers).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from millplan.core.domain import glyphs
from millplan.core.domain.assignment import MillLoad
from millplan.core.domain.i18n import _
from millplan.core.domain.months import Month, date_text, month_text, plant_clock
from millplan.core.domain.numbers import grouped, money, percent

TEXT_WIDTH = 22
"""Width hint of a free-text column (customer, reason): the workstation cuts it there (its
detail line has it all); Rich wraps it."""


@dataclass(frozen=True)
class Column:
    """One column's specification, the same for the workstation, Rich, JSON and Excel.

    ``key`` names the value in each row dict (and in a JSON document listing the rows);
    ``label`` is the header text, already through ``_`` (views are built at the point they
    are shown), ``unit`` is shown after it (``Tonnes, t``; translated by :attr:`header`). Number format: ``numeric``
    columns are right-aligned with ``places`` decimals; ``money`` marks a sum of money
    (its unit says RUB or k RUB). ``wrap``: free text, the only kind that may wrap.
    ``width`` is the width hint in characters: by default :data:`TEXT_WIDTH` for free text
    (the workstation cuts there) and the header's width for a number (Rich never squeezes
    a figure below it); ``None``: as wide as the content.
    """

    key: str
    label: str
    unit: str = ""
    numeric: bool = False
    places: int = 0
    wrap: bool = False
    money: bool = False
    width: int | None = None
    clip: bool = False

    def __post_init__(self) -> None:
        if self.width is None:
            hint = TEXT_WIDTH if self.wrap or self.clip else len(self.header) if self.numeric else None
            object.__setattr__(self, "width", hint)  # frozen: the default depends on the header

    @property
    def header(self) -> str:
        """The header as shown: ``label, unit``, the unit in the user's language (``Тонны, т``):
        a unit is its own message (``t``, ``h``, ``RUB``, ``k RUB``, ``t/h``, ``RUB/t``, ``RUB/h``,
        ``t·mo``, ``mm``, ``%``), translated here whether or not the view passed it through ``_``."""
        return f"{self.label}, {_(self.unit)}" if self.unit else self.label


@dataclass(frozen=True)
class TableView:
    """A titled table: columns and rows (dicts keyed by column key; ``key`` identifies a row).
    ``context``: what the table is about beyond its title (a revision and its state), under
    the title of its Excel sheet."""

    title: str
    columns: tuple[Column, ...]
    rows: tuple[dict[str, Any], ...]
    context: str = ""


OVERLOAD = 1.005
"""Load above this share is over capacity (the margin absorbs rounding of hours)."""

OVERLOAD_STYLE = "bold reverse"
"""How a screen shows an over-full mill-month besides its ``!``: reverse video reads in 16
colours and in monochrome alike."""


def overloaded(load: float | None) -> bool:
    """Whether a load share (booked / available hours) is over capacity."""
    return load is not None and load > OVERLOAD


def cell_style(value: Any) -> str:
    """The style a screen (the workstation, the CLI on a terminal) gives a cell holding
    ``value``: :data:`OVERLOAD_STYLE` for an over-full mill-month, else none."""
    return OVERLOAD_STYLE if isinstance(value, MillLoad) and overloaded(value.load) else ""


def load_bar(load: float | None, width: int = 2) -> str:
    """A load share as a bar of ``width`` cells (eighths; :func:`~millplan.core.domain.glyphs.bar`);
    over-full ends in ``!``, so the state reads without colour (16-colour terminals, screen readers)."""
    if load is None:
        return str(glyphs.NONE).ljust(width)
    if overloaded(load):
        return str(glyphs.FULL) * (width - 1) + "!"
    return glyphs.bar(round(min(load, 1.0) * width * 8), width)


def iso(at: datetime | None) -> str | None:
    """A time for JSON: ISO 8601 (UTC as stored), ``None`` for none."""
    return at.isoformat() if at else None


def json_rows(view: TableView) -> list[dict[str, Any]]:
    """A table's rows for a JSON document, keyed by column key (the widgets' row ``key`` left
    out): floats (t, h) rounded to 3 decimals, money (Decimal) as :func:`money` text, other
    values as they are. For tables whose cells hold the plain figures — not k RUB, bars or
    labels made for people."""
    return [{c.key: _json_value(row.get(c.key)) for c in view.columns} for row in view.rows]


def _json_value(value: Any) -> Any:
    if isinstance(value, float):
        return round(value, 3)
    if isinstance(value, Decimal):
        return money(value)
    return value


def cell_text(value: Any, column: Column) -> str:
    """How a value reads in a table cell, in the user's language: a number of a ``numeric``
    column grouped with its ``places`` (``1 234,5``), a month ``янв 2027`` / ``2027-01``, a
    date ``05.12.2026`` / ``2026-12-05``, a time on the plant's clock, a mill-month's load
    :func:`load_cell`; ``""`` for ``None``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("yes") if value else ""
    if isinstance(value, (float, int, Decimal)) and column.numeric:
        return grouped(value, column.places)
    if isinstance(value, Month):
        return month_text(value)
    if isinstance(value, datetime):  # before date: a datetime is a date too
        return plant_clock(value)
    if isinstance(value, date):
        return date_text(value)
    if isinstance(value, MillLoad):
        return load_cell(value)
    return str(value)


def load_cell(cell: MillLoad) -> str:
    """``"█▋  91%"`` — bar and percentage of one mill-month (7 characters); over-full
    ``"█! 140%"``."""
    if cell.load is None:
        return _("no hrs").rjust(7)
    share = percent(cell.load) if cell.load < 10 else ">999%"
    return f"{load_bar(cell.load)}{share:>5}"
