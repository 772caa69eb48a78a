"""A what-if (what a request, a forced conflict or a decision would do to the line) as a
table of the positions it moves and as JSON: money a string with two decimals (RUB)."""

from __future__ import annotations

from typing import Any

from millplan.core.domain.i18n import _
from millplan.core.domain.months import month_text
from millplan.core.domain.numbers import grouped
from millplan.core.planning.whatif import Shift, WhatIf
from millplan.core.views.tables import Column, TableView, money


def _shift(shift: Shift) -> dict[str, Any]:
    return {
        "position": shift.position_ref,
        "key_account": shift.key_account,
        "tonnes_before": shift.tonnes_before,
        "tonnes_after": shift.tonnes_after,
        "margin_change_rub": money(shift.margin_change),
    }


def effect_document(effect: WhatIf) -> dict[str, Any]:
    """A what-if: the line's marginal income and key tonnes before and after, and the
    positions displaced and gained."""
    return {
        "month": str(effect.month),
        "product_line": effect.product_line,
        "margin_before_rub": money(effect.margin_before),
        "margin_after_rub": money(effect.margin_after),
        "margin_change_rub": money(effect.margin_change),
        "key_account_tonnes_before": effect.key_tonnes_before,
        "key_account_tonnes_after": effect.key_tonnes_after,
        "displaced": [_shift(s) for s in effect.displaced],
        "gained": [_shift(s) for s in effect.gained],
    }


def effect_view(effect: WhatIf) -> TableView:
    """The positions a change moves: tonnes before → after and margin change."""
    columns = (
        Column("position", _("Position")),
        Column("key_account", _("Key")),
        Column("before", _("Before"), _("t"), True, 1),
        Column("after", _("After"), _("t"), True, 1),
        Column("margin", _("Marg. inc. change"), _("k RUB"), True, money=True),
    )
    rows = tuple(
        {
            "key": s.position_ref,
            "position": s.position_ref,
            "key_account": s.key_account,
            "before": s.tonnes_before,
            "after": s.tonnes_after,
            "margin": s.margin_change / 1000,
        }
        for s in (*effect.displaced, *effect.gained)
    )
    return TableView(
        _("{month} {line}: marginal income {before} → {after} RUB").format(
            month=month_text(effect.month),
            line=effect.product_line,
            before=grouped(effect.margin_before),
            after=grouped(effect.margin_after),
        ),
        columns,
        rows,
    )
