"""Mill load by month, and each mill's load horizon: the table (``millplan load``, the
workstation's load pane), the JSON document, and one mill's months as the load pane's
chart draws them (:func:`load_bars`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from millplan.core.domain.i18n import _
from millplan.core.domain.months import Month, month_text
from millplan.core.planning.load import LoadReport
from millplan.core.views.tables import Column, TableView, overloaded


def load_view(report: LoadReport, months: int | None = None) -> TableView:
    """Mills × months: load bar and %, then each mill's load horizon. ``months``: only the
    first that many of the report's months (a narrow screen keeps the horizon whole); ``None``: all."""
    shown = report.months if months is None else report.months[:months]
    columns = (
        Column("mill", _("Mill")),
        *(Column(str(m), month_text(m)) for m in shown),
        Column("horizon", _("Horizon")),
    )
    rows = []
    for mill in report.mills:
        row: dict[str, Any] = {"key": mill.code, "mill": mill.code}
        for month in shown:
            row[str(month)] = report.cells[mill.code, month]
        until = report.horizons[mill.code].until
        row["horizon"] = until if until else _("beyond calendar")
        rows.append(row)
    return TableView(_("Mill load"), columns, tuple(rows))


def load_document(report: LoadReport) -> dict[str, Any]:
    """Mill load by month and each mill's load horizon; the current month's
    ``available_hours`` are those left from today, its ``booked_hours`` what is still to make."""
    return {
        "today": report.today.isoformat(),
        "months": [str(m) for m in report.months],
        "unplaceable_tonnes": round(report.unplaceable_tonnes, 3),
        "mills": [
            {
                "mill": mill.code,
                "product_line": mill.product_line,
                "months": [
                    {
                        "month": str(month),
                        "available_hours": round(report.cells[mill.code, month].available_hours, 3),
                        "booked_hours": round(report.cells[mill.code, month].booked_hours, 3),
                        "load": None
                        if report.cells[mill.code, month].load is None
                        else round(report.cells[mill.code, month].load, 4),
                    }
                    for month in report.months
                ],
                "booked_hours": round(report.horizons[mill.code].booked_hours, 3),
                "horizon": report.horizons[mill.code].until.isoformat() if report.horizons[mill.code].until else None,
            }
            for mill in report.mills
        ],
    }


@dataclass(frozen=True)
class LoadBars:
    """One mill's load by month, split for a chart: ``within`` the % of capacity up to
    100 % and ``over`` the % above it (0 unless over capacity by more than round-off), one
    per month of ``months`` (a month with no hours available is drawn at 0 %: the table
    and the detail say "no hrs").
    ``horizon`` the load horizon (``None``: beyond the calendar) and ``horizon_x`` where it
    falls on the months' axis — month *i* (1-based) spans *i* − ½ to *i* + ½ and a day
    stands at its middle, so the 16th of a 31-day second month is 2.0 — or ``None`` when it
    falls after the last month."""

    mill_code: str
    months: tuple[Month, ...]
    within: tuple[float, ...]
    over: tuple[float, ...]
    horizon: date | None
    horizon_x: float | None

    @property
    def top(self) -> float:
        """The highest load, %, and never below 100 (the capacity line stays in sight)."""
        return max(100.0, *(w + o for w, o in zip(self.within, self.over, strict=True)))


def load_bars(report: LoadReport, mill_code: str) -> LoadBars:
    """The months of mill ``mill_code`` in ``report`` as a chart's bars (:class:`LoadBars`).
    Raises ``KeyError`` for a mill not in the report."""
    within, over = [], []
    for month in report.months:
        load = report.cells[mill_code, month].load or 0.0
        within.append(min(load, 1.0) * 100)
        over.append((load - 1.0) * 100 if overloaded(load) else 0.0)
    until = report.horizons[mill_code].until
    x = None
    if until is not None and Month.of(until) in report.months:
        month = Month.of(until)
        x = report.months.index(month) + 0.5 + (until.day - 0.5) / month.days
    return LoadBars(mill_code, report.months, tuple(within), tuple(over), until, x)
