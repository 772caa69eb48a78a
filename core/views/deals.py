"""Deals: those waiting for acceptance as a table (``millplan deals``, the deals pane) and
JSON, and a deal's state after a decision."""

from __future__ import annotations

from typing import Any

from millplan.core.domain import glyphs
from millplan.core.domain.i18n import _, ngettext
from millplan.core.domain.months import month_text
from millplan.core.domain.numbers import grouped, listed
from millplan.core.domain.portfolio import Deal
from millplan.core.views.tables import Column, TableView, money
from millplan.core.workflow.deals import DealSummary


def deals_view(summaries: list[DealSummary]) -> TableView:
    """Deals waiting for acceptance with what they would bring and load."""
    columns = (
        Column("deal", _("Deal")),
        Column("customer", _("Customer"), wrap=True),
        Column("key_account", _("Key")),
        Column("tonnes", _("Tonnes"), _("t"), True),
        Column("marginal_income", _("Marg. inc."), _("k RUB"), True, money=True),
        Column("months", _("Months")),
        Column("mills", _("Mills (h)"), wrap=True),
    )
    rows = []
    for s in summaries:
        months = (
            ""
            if s.months is None
            else (
                month_text(s.months[0])
                if s.months[0] == s.months[1]
                else f"{month_text(s.months[0])}{glyphs.ELLIPSIS}{month_text(s.months[1])}"
            )
        )
        mills = listed(f"{code} {grouped(hours)}" for code, hours in sorted(s.mill_hours.items()))
        if s.unplaceable:
            mills = (mills + "; " if mills else "") + ngettext(
                "{count} unplaceable", "{count} unplaceable", len(s.unplaceable)
            ).format(count=len(s.unplaceable))
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


def deal_document(summary: DealSummary) -> dict[str, Any]:
    """A deal waiting for acceptance with what it would bring and load."""
    deal = summary.deal
    return {
        "deal": deal.number,
        "customer": deal.customer,
        "key_account": deal.is_key_account,
        "sales_manager": deal.sales_manager,
        "status": deal.status.value,
        "positions": len(summary.positions),
        "tonnes": round(summary.tonnes, 3),
        "marginal_income_rub": money(summary.marginal_income),
        "mill_hours": {code: round(h, 3) for code, h in sorted(summary.mill_hours.items())},
        "unplaceable": list(summary.unplaceable),
        "months": [str(m) for m in summary.months] if summary.months else [],
    }


def deal_state_document(deal: Deal) -> dict[str, Any]:
    """A deal's state after a decision: status, when and by whom accepted, why rejected."""
    return {
        "deal": deal.number,
        "customer": deal.customer,
        "status": deal.status.value,
        "accepted_at": deal.accepted_at.isoformat() if deal.accepted_at else None,
        "accepted_by": deal.accepted_by,
        "rejection_reason": deal.rejection_reason,
    }
