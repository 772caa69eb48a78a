"""Conflicts (a key account's position short of its month) as a table (``millplan conflict
list``, the approval pane) and as JSON: tonnes t, money a string with two decimals (RUB)."""

from __future__ import annotations

from typing import Any

from millplan.core.domain.i18n import _
from millplan.core.domain.months import month_text
from millplan.core.domain.states import state_label
from millplan.core.domain.workflow import Conflict
from millplan.core.views.assignment import assignment_document
from millplan.core.views.tables import Column, TableView, iso, money
from millplan.core.views.whatif import effect_document
from millplan.core.workflow.conflicts import Forced


def conflict_document(conflict: Conflict) -> dict[str, Any]:
    """One conflict: position, tonnes short, margin at stake, state and resolution."""
    return {
        "id": conflict.id,
        "month": str(conflict.month),
        "product_line": conflict.product_line,
        "revision": conflict.revision,
        "position": conflict.position_ref,
        "customer": conflict.customer,
        "sales_manager": conflict.sales_manager,
        "requested_month": str(conflict.requested_month),
        "tonnes_short": round(conflict.tonnes_short, 3),
        "margin_at_stake_rub": money(conflict.margin_at_stake),
        "state": conflict.state.value,
        "opened_at": iso(conflict.opened_at),
        "agreed_month": str(conflict.agreed_month) if conflict.agreed_month else None,
        "resolution": conflict.resolution,
        "resolved_by": conflict.resolved_by,
        "resolved_at": iso(conflict.resolved_at),
        "version": conflict.version,
    }


def conflicts_view(found: list[Conflict]) -> TableView:
    """One row per conflict: state, month and line, position, customer, tonnes short (t),
    margin at stake (k RUB) and how it was resolved."""
    columns = (
        Column("id", _("No.")),
        Column("state", _("State")),
        Column("month", _("Month")),
        Column("position", _("Position")),
        Column("customer", _("Customer"), wrap=True),
        Column("short", _("Short"), _("t"), True, 1),
        Column("margin", _("At stake"), _("k RUB"), True, money=True),
        Column("resolution", _("Resolution"), wrap=True),
    )
    rows = tuple(
        {
            "key": c.id,
            "id": c.id,
            "state": state_label(c.state),
            "month": f"{month_text(c.month)} {c.product_line}",
            "position": c.position_ref,
            "customer": c.customer,
            "short": c.tonnes_short,
            "margin": c.margin_at_stake / 1000,
            "resolution": (f"{month_text(c.agreed_month)}: " if c.agreed_month else "") + (c.resolution or ""),
        }
        for c in found
    )
    return TableView(_("Conflicts"), columns, rows)


def forced_document(forced: Forced, dry_run: bool) -> dict[str, Any]:
    """A conflict forced in (or, ``dry_run``, what forcing it would do): the conflict and
    revision as saved (``null`` for a dry run) and the effect on the month."""
    return {
        "dry_run": dry_run,
        "conflict": conflict_document(forced.conflict) if forced.conflict else None,
        "effect": effect_document(forced.effect),
        "assignment": assignment_document(forced.assignment) if forced.assignment else None,
    }
