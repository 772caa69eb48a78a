"""Capable-to-promise for people: one paragraph and the displaced positions as a table."""

from __future__ import annotations

from core.i18n import _
from core.numbers import grouped
from core.promise import Promise
from core.views import Column, TableView


def promise_text(answer: Promise) -> str:
    """What the planner reads first: the month, or why none, and the money."""
    if answer.earliest is not None:
        head = _("{subject}: all {tonnes} t by {month}").format(subject=answer.subject, tonnes=grouped(answer.tonnes, 1), month=answer.earliest)
    else:
        head = _("{subject}: not all {tonnes} t within {months} month(s) from {month}; at most {made} t").format(
            subject=answer.subject, tonnes=grouped(answer.tonnes, 1), months=answer.horizon, month=answer.plan_month, made=grouped(answer.made, 1)
        )
    lines = [head]
    if answer.by_month:
        lines.append(_("planned: {months}").format(months=", ".join(f"{m} {grouped(t, 1)} t" for m, t in answer.by_month.items())))
    if answer.unplaceable:
        lines.append(_("cannot be made: {refs}").format(refs=", ".join(answer.unplaceable)))
    lines.append(
        _("marginal income {sign}{change} RUB; displaces {count} position(s); key accounts are not moved; nothing saved").format(
            sign="+" if answer.margin_change >= 0 else "", change=grouped(answer.margin_change), count=len(answer.displaced)
        )
    )
    return "\n".join(lines)


def displaced_view(answer: Promise) -> TableView:
    """The positions the promise pushes back or out, with their sales managers."""
    columns = (
        Column("position", _("Position")),
        Column("sales_manager", _("Sales manager"), wrap=True),
        Column("tonnes", _("Tonnes"), "t", True, 1),
        Column("before", _("Before")),
        Column("after", _("After")),
    )
    rows = tuple(
        {
            "key": d.position,
            "position": d.position,
            "sales_manager": d.sales_manager,
            "tonnes": d.tonnes,
            "before": d.before or "—",
            "after": d.after or _("out"),
        }
        for d in answer.displaced
    )
    return TableView(_("Displaced"), columns, rows)
