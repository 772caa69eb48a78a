"""The portfolio out to Excel in the layout ``millplan import portfolio`` reads: one row per
position, the columns headed by the import's own headers (:data:`millplan.core.importing.portfolio.FIELDS`,
Russian as the plant writes them), so that the book re-imports to the same customers, deals
and positions.

Numbers stay numbers (t, mm, m, RUB/t), the acceptance date is a date (UTC, as the import
reads a date without a zone), the delivery month reads ``YYYY-MM``, the key-account flag
``да``/``нет``, the deal status as the file writes it (``Акцептована``), produced tonnes are
millplan's (the opening balance plus the daily actuals).
"""

from __future__ import annotations

from datetime import UTC
from pathlib import Path
from typing import Any

from millplan.core.importing.portfolio import FIELDS, status_word
from millplan.core.views.excel import write_workbook
from millplan.core.views.tables import Column, TableView
from millplan.storage.store import Store

SHEET = "Портфель"
"""The sheet's title (the import finds the table on any sheet)."""

_PLACES = {
    "position_no": 0,
    "manual_priority": 0,
    "od_mm": 1,
    "wall_mm": 2,
    "length_m": 2,
    "tonnes_ordered": 3,
    "tonnes_produced": 3,
}
"""Decimals shown per number column (the cell holds the full figure whatever is shown)."""

_MONEY = {"price", "metal_cost"}


def portfolio_view(store: Store) -> TableView:
    """Every position of the store, by deal and position number, as the import's columns."""
    with store.reading() as repo:
        deals = {d.number: d for d in repo.plant.deals()}
        positions = sorted(repo.plant.positions(), key=lambda p: (p.deal_number, p.position_no))
    columns = tuple(
        Column(
            f.key,
            f.label,
            numeric=f.key in _PLACES or f.key in _MONEY,
            places=2 if f.key in _MONEY else _PLACES.get(f.key, 0),
            money=f.key in _MONEY,
        )
        for f in FIELDS
    )
    rows = []
    for p in positions:
        accepted = deals[p.deal_number].accepted_at
        values: dict[str, Any] = {
            "key": p.ref,
            "deal_number": p.deal_number,
            "customer": p.customer,
            "is_key_account": "да" if p.is_key_account else "нет",
            "sales_manager": p.sales_manager,
            "deal_status": status_word(p.deal_status),
            # a naive time is UTC to the import; the workbook writes it as it is
            "accepted_at": accepted.astimezone(UTC).replace(tzinfo=None) if accepted else None,
            "position_no": p.position_no,
            "product_line": p.product_line,
            "pipe_type": p.pipe_type or None,
            "od_mm": p.od_mm,
            "wall_mm": p.wall_mm,
            "steel_grade": p.steel_grade,
            "standard": p.standard,
            "length_m": p.length_m,
            "tonnes_ordered": p.tonnes_ordered,
            "tonnes_produced": p.tonnes_produced,
            "price": p.price,
            "metal_cost": p.metal_cost,
            "requested_month": str(p.requested_month),
            "manual_priority": p.manual_priority,
            "note": p.note,
        }
        rows.append(values)
    return TableView(SHEET, columns, tuple(rows))


def export_portfolio(store: Store, path: Path) -> int:
    """Write the store's portfolio to ``path`` (.xlsx) for ``millplan import portfolio``;
    returns the number of positions written. Raises :class:`~millplan.core.domain.errors.InvalidInput`
    when the file cannot be written."""
    view = portfolio_view(store)
    write_workbook(path, [view])
    return len(view.rows)
