"""The tables people look at, as data: column definitions and rows, no widgets.

The CLI renders a :class:`TableView` with Rich, the workstation with a DataTable, and an
Excel export can write it with its Russian headers — one definition behind all three.
Row values stay typed (float, Decimal, Month, date); :func:`cell_text` formats them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from millplan.core.domain.i18n import _
from millplan.core.domain.model import Assignment, Exclusion, MillLoad
from millplan.core.domain.months import Month
from millplan.core.domain.numbers import grouped
from millplan.core.planning.load import LoadReport
from millplan.core.workflow.deals import DealSummary


@dataclass(frozen=True)
class Column:
    """One column: row key, header label, unit shown after the label; numeric columns are
    right-aligned with ``places`` decimals; only ``wrap`` columns (free text) may wrap."""

    key: str
    label: str
    unit: str = ""
    numeric: bool = False
    places: int = 0
    wrap: bool = False

    @property
    def header(self) -> str:
        return f"{self.label}, {self.unit}" if self.unit else self.label


@dataclass(frozen=True)
class TableView:
    """A titled table: columns and rows (dicts keyed by column key; ``key`` identifies a row)."""

    title: str
    columns: tuple[Column, ...]
    rows: tuple[dict[str, Any], ...]


OVERLOAD = 1.005
"""Load above this share is over capacity (the margin absorbs rounding of hours)."""


def load_bar(load: float | None, width: int = 2) -> str:
    """A load share as a bar of ``width`` cells (eighths); over-full ends in ``!``, so
    the state reads without colour (16-colour terminals, screen readers)."""
    if load is None:
        return "—".ljust(width)
    if load > OVERLOAD:
        return "█" * (width - 1) + "!"
    full, part = divmod(round(min(load, 1.0) * width * 8), 8)
    return ("█" * full + (" ▏▎▍▌▋▊▉"[part] if part else "")).ljust(width)


def cell_text(value: Any, column: Column) -> str:
    """How a value reads in a table cell."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("yes") if value else ""
    if isinstance(value, (float, int, Decimal)) and column.numeric:
        return grouped(value, column.places)
    if isinstance(value, MillLoad):
        return load_cell(value)
    if isinstance(value, (Month, date)):
        return str(value)
    return str(value)


def load_cell(cell: MillLoad) -> str:
    """``"█▋  91%"`` — bar and percentage of one mill-month (7 characters)."""
    if cell.load is None:
        return _("no hrs").rjust(7)
    percent = f"{cell.load:.0%}" if cell.load < 10 else ">999%"
    return f"{load_bar(cell.load)}{percent:>5}"


def load_view(report: LoadReport) -> TableView:
    """Mills × months: load bar and %, then each mill's load horizon."""
    columns = (
        Column("mill", _("Mill")),
        *(Column(str(m), str(m)) for m in report.months),
        Column("horizon", _("Horizon")),
    )
    rows = []
    for mill in report.mills:
        row: dict[str, Any] = {"key": mill.code, "mill": mill.code}
        for month in report.months:
            row[str(month)] = report.cells[mill.code, month]
        until = report.horizons[mill.code].until
        row["horizon"] = until if until else _("beyond calendar")
        rows.append(row)
    return TableView(_("Mill load"), columns, tuple(rows))


def deals_view(summaries: list[DealSummary]) -> TableView:
    """Deals waiting for acceptance with what they would bring and load."""
    columns = (
        Column("deal", _("Deal")),
        Column("customer", _("Customer"), wrap=True),
        Column("key_account", _("Key")),
        Column("tonnes", _("Tonnes"), "t", True),
        Column("marginal_income", _("Marg. inc."), _("k RUB"), True),
        Column("months", _("Months")),
        Column("mills", _("Mills (h)"), wrap=True),
    )
    rows = []
    for s in summaries:
        months = (
            ""
            if s.months is None
            else (str(s.months[0]) if s.months[0] == s.months[1] else f"{s.months[0]}…{s.months[1]}")
        )
        mills = ", ".join(f"{code} {hours:.0f}" for code, hours in sorted(s.mill_hours.items()))
        if s.unplaceable:
            mills = (mills + "; " if mills else "") + _("{count} unplaceable").format(count=len(s.unplaceable))
        rows.append(
            {
                "key": s.deal.number,
                "deal": s.deal.number,
                "customer": s.deal.customer,
                "key_account": s.deal.is_key_account,
                "tonnes": s.tonnes,
                "marginal_income": s.marginal_income / 1000,
                "months": months,
                "mills": mills,
            }
        )
    return TableView(_("Deals waiting for acceptance"), columns, tuple(rows))


def lines_view(assignment: Assignment) -> TableView:
    """The assignment's lines, by mill."""
    columns = (
        Column("mill", _("Mill")),
        Column("position", _("Position")),
        Column("key_account", _("Key")),
        Column("tonnes", _("Tonnes"), "t", True, 1),
        Column("hours", _("Hours"), "h", True, 1),
        Column("marginal_income", _("Marg. inc."), _("k RUB"), True),
        Column("locked", _("Locked")),
    )
    rows = tuple(
        {
            "key": f"{line.position_ref}@{line.mill_code}",
            "position_ref": line.position_ref,
            "mill": line.mill_code,
            "position": line.position_ref,
            "key_account": line.is_key_account,
            "tonnes": line.tonnes,
            "hours": line.hours,
            "marginal_income": line.marginal_income / 1000,
            "locked": line.locked,
        }
        for line in sorted(assignment.lines, key=lambda l: (l.mill_code, not l.is_key_account, l.position_ref))
    )
    return TableView(_("Lines"), columns, rows)


def short_reason(exclusion: Exclusion) -> str:
    """The reason in a few words, for a table cell; the full sentence is ``reason``."""
    mill = exclusion.mill_code or ""
    return {
        "no_compatible_mill": _("no compatible mill"),
        "no_hours": _("no hours on {mill}").format(mill=mill),
        "negative_margin": _("negative margin"),
        "capacity_key_accounts": _("{mill} full: key accounts").format(mill=mill),
        "capacity_better_paying": _("{mill} full: better paid").format(mill=mill),
        "manual": _("excluded by hand"),
        "late": _("planned later"),
        "min_lot": _("below minimum lot"),
        "whole": _("does not fit whole"),
        "reserved": _("{mill} held by locks").format(mill=mill),
        "stability": _("kept for stability"),
        "locked": _("capped by its locks"),
        "replan": _("let in: re-plan"),
    }.get(exclusion.reason_code, exclusion.reason_code)


def exclusions_view(assignment: Assignment, whole_reasons: bool = False) -> TableView:
    """Positions left out (wholly or partly), with the reason in short — or in full with
    ``whole_reasons`` (every row holds both, ``short_reason`` and ``reason``)."""
    columns = (
        Column("position", _("Position")),
        Column("tonnes", _("Left out"), "t", True, 1),
        Column("reason", _("Reason"), wrap=True) if whole_reasons else Column("short_reason", _("Why"), wrap=True),
    )
    rows = tuple(
        {
            "key": e.position_ref,
            "position_ref": e.position_ref,
            "position": e.position_ref + (" ✋" if e.manual else ""),
            "manual": e.manual,
            "tonnes": e.tonnes_left_out,
            "short_reason": short_reason(e),
            "reason": e.reason,
        }
        for e in assignment.exclusions
    )
    return TableView(_("Excluded"), columns, rows)


def mill_loads_view(assignment: Assignment) -> TableView:
    """Available and booked hours of each mill in the assignment's month."""
    columns = (
        Column("mill", _("Mill")),
        Column("available", _("Available"), "h", True),
        Column("booked", _("Booked"), "h", True, 1),
        Column("load", _("Load")),
    )
    rows = tuple(
        {
            "key": load.mill_code,
            "mill": load.mill_code,
            "available": load.available_hours,
            "booked": load.booked_hours,
            "load": load,
        }
        for load in assignment.mill_loads
    )
    return TableView(_("Mill load"), columns, rows)
