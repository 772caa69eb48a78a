"""The horizon plan's tables, as data: later months' lines (the forecast) and the shadow
price of every mill-month (RUB per mill-hour)."""

from __future__ import annotations

from millplan.core.domain.assignment import Assignment
from millplan.core.domain.errors import NotFound
from millplan.core.domain.i18n import _
from millplan.core.domain.months import Month, month_text
from millplan.core.views.assignment import revision_context
from millplan.core.views.tables import Column, TableView
from millplan.storage.store import Store


def last_plans(store: Store, month: Month, product_line: str | None = None) -> list[Assignment]:
    """The latest revision of ``month`` for ``product_line`` (or for every line planned).

    Raises :class:`NotFound` when none is planned.
    """
    with store.reading() as repo:
        lines = [product_line] if product_line else repo.plant.whole().product_lines
        found = [a for a in (repo.assignments.assignment(month, line) for line in lines) if a is not None]
    if not found:
        raise NotFound(
            (
                _("{month} has no plan for product line {line}; run the prioritiser first")
                if product_line
                else _("{month} has no plan; run the prioritiser first")
            ).format(month=month_text(month), line=product_line)
        )
    return found


def forecast_view(assignment: Assignment) -> TableView:
    """The plan's lines in the months after the plan month, by month and mill."""
    columns = (
        Column("month", _("Month")),
        Column("mill", _("Mill")),
        Column("position", _("Position")),
        Column("key_account", _("Key")),
        Column("tonnes", _("Tonnes"), _("t"), True, 1),
        Column("hours", _("Hours"), _("h"), True, 1),
    )
    rows = tuple(
        {
            "key": f"{f.position_ref}@{f.mill_code}@{f.month}",
            "month": f.month,
            "mill": f.mill_code,
            "position": f.position_ref,
            "key_account": f.is_key_account,
            "tonnes": f.tonnes,
            "hours": f.hours,
        }
        for f in assignment.forecast
    )
    return TableView(_("Forecast (later months of the horizon)"), columns, rows, revision_context(assignment))
