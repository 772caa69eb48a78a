"""Mill load by month, and each mill's load horizon: the table (``millplan load``, the
workstation's load pane) and the JSON document."""

from __future__ import annotations

from typing import Any

from millplan.core.domain.i18n import _
from millplan.core.domain.months import month_text
from millplan.core.planning.load import LoadReport
from millplan.core.views.tables import Column, TableView


def load_view(report: LoadReport) -> TableView:
    """Mills × months: load bar and %, then each mill's load horizon."""
    columns = (
        Column("mill", _("Mill")),
        *(Column(str(m), month_text(m)) for m in report.months),
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
