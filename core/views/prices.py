"""Shadow prices of mill hours (RUB per mill-hour) by mill and month of a plan's horizon, as
a table (``millplan prices``)."""

from __future__ import annotations

from typing import Any

from millplan.core.domain.assignment import Assignment
from millplan.core.domain.i18n import _
from millplan.core.domain.months import month_text
from millplan.core.views.assignment import assignment_document
from millplan.core.views.tables import Column, TableView


def prices_view(assignment: Assignment) -> TableView:
    """Mills × months of the plan's horizon: what one more hour would earn, RUB/h."""
    months = sorted({p.month for p in assignment.shadow_prices})
    mills = sorted({p.mill_code for p in assignment.shadow_prices})
    price = {(p.mill_code, p.month): p.rub_per_hour for p in assignment.shadow_prices}
    columns = (
        Column("mill", _("Mill")),
        *(Column(str(m), month_text(m), _("RUB/h"), True, money=True) for m in months),
    )
    rows = []
    for code in mills:
        row: dict[str, Any] = {"key": code, "mill": code}
        row.update({str(m): price.get((code, m)) for m in months})
        rows.append(row)
    title = _("Shadow prices of mill hours — {month} {line}, revision {revision}").format(
        month=month_text(assignment.month), line=assignment.product_line, revision=assignment.revision
    )
    return TableView(title, columns, tuple(rows))


def prices_document(found: list[Assignment]) -> list[dict[str, Any]]:
    """The shadow prices of each plan (RUB per mill-hour), with its product line and revision."""
    return [
        {
            "product_line": a.product_line,
            "revision": a.revision,
            "shadow_prices": assignment_document(a)["shadow_prices"],
        }
        for a in found
    ]
