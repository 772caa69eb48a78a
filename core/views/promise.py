"""Capable-to-promise for people: one paragraph and the displaced positions as a table."""

from __future__ import annotations

from typing import Any

from millplan.core.domain.i18n import _, ngettext
from millplan.core.domain.months import month_text
from millplan.core.domain.numbers import grouped
from millplan.core.planning.promise import Promise
from millplan.core.views.tables import Column, TableView, money


def promise_text(answer: Promise) -> str:
    """What the planner reads first: whether the requested month can be met (on free hours,
    earlier, or by displacing), else the earliest month or why none, and the money."""
    tonnes = grouped(answer.tonnes, 1)
    if answer.earliest is None:
        head = ngettext(
            "{subject}: not all {tonnes} t by the requested {requested}, nor within {months} month from {month}; "
            "at most {made} t",
            "{subject}: not all {tonnes} t by the requested {requested}, nor within {months} months from {month}; "
            "at most {made} t",
            answer.horizon,
        ).format(
            subject=answer.subject,
            tonnes=tonnes,
            requested=month_text(answer.requested),
            months=answer.horizon,
            month=month_text(answer.plan_month),
            made=grouped(answer.made, 1),
        )
    elif answer.on_free_hours and answer.earliest < answer.requested:
        head = _(
            "{subject}: all {tonnes} t by {month}, earlier than the requested {requested}, on hours the plan leaves free; nothing displaced"
        ).format(
            subject=answer.subject,
            tonnes=tonnes,
            month=month_text(answer.earliest),
            requested=month_text(answer.requested),
        )
    elif answer.on_free_hours:
        head = _(
            "{subject}: the requested {requested} can be met: all {tonnes} t on hours the plan leaves free; nothing displaced"
        ).format(subject=answer.subject, tonnes=tonnes, requested=month_text(answer.requested))
    elif answer.meets_request:
        head = _("{subject}: the requested {requested} can be met: all {tonnes} t; {displacing}").format(
            subject=answer.subject,
            tonnes=tonnes,
            requested=month_text(answer.requested),
            displacing=_displacing(answer),
        )
    else:
        head = _(
            "{subject}: the requested {requested} cannot be met; the earliest month for all {tonnes} t is {month}; {displacing}"
        ).format(
            subject=answer.subject,
            requested=month_text(answer.requested),
            tonnes=tonnes,
            month=month_text(answer.earliest),
            displacing=_displacing(answer),
        )
    lines = [head]
    if answer.by_month:
        lines.append(
            _("planned: {months}").format(
                months=", ".join(
                    _("{month} {tonnes} t").format(month=month_text(m), tonnes=grouped(t, 1))
                    for m, t in answer.by_month.items()
                )
            )
        )
    if answer.unplaceable:
        lines.append(_("cannot be made: {refs}").format(refs=", ".join(answer.unplaceable)))
    out = sum(d.out_tonnes for d in answer.displaced)
    lines.append(
        (
            _(
                "marginal income {sign}{change} RUB, net of {penalty} RUB of lateness caused and {lost} RUB of "
                "marginal income of {out} t pushed out of the horizon (not made within it: charged no lateness); "
                "key accounts are not moved; nothing saved"
            )
            if out
            else _(
                "marginal income {sign}{change} RUB, net of {penalty} RUB of lateness caused; "
                "key accounts are not moved; nothing saved"
            )
        ).format(
            sign="+" if answer.margin_change >= 0 else "",
            change=grouped(answer.margin_change),
            penalty=grouped(answer.lateness_penalty),
            lost=grouped(answer.margin_lost),
            out=grouped(out, 1),
        )
    )
    if answer.margin_loss is not None:
        lines.append(
            _("warning: accepting it would lower the plant's marginal income by {loss} RUB").format(
                loss=grouped(answer.margin_loss)
            )
        )
    return "\n".join(lines)


def _displacing(answer: Promise) -> str:
    if not answer.displaced:
        return _("nothing displaced")
    count = len(answer.displaced)
    return ngettext("displaces {count} position", "displaces {count} positions", count).format(count=count)


def displaced_view(answer: Promise) -> TableView:
    """The positions the promise pushes back or out: key flag, tonnes no longer made by
    their month, the month the current plan has them in ("not planned": not in it) and
    the last they go to ("out of the horizon": none), the lateness caused, the tonnes
    pushed out of the horizon and the marginal income lost with them, and the sales
    manager (free text last, so that the figures fit the workstation's 80 columns)."""
    columns = (
        Column("position", _("Position")),
        Column("key_account", _("Key")),
        Column("tonnes", _("Tonnes"), _("t"), True, 1),
        Column("before", _("Before")),
        Column("after", _("After")),
        Column("late", _("Late"), _("t·mo"), True, 1),
        Column("penalty", _("Penalty"), _("RUB"), True, money=True),
        Column("out", _("Out"), _("t"), True, 1),
        Column("lost", _("Lost"), _("RUB"), True, money=True),
        Column("sales_manager", _("Sales manager"), wrap=True),
    )
    rows = tuple(
        {
            "key": d.position,
            "position": d.position,
            "key_account": d.key_account,
            "sales_manager": d.sales_manager,
            "tonnes": d.tonnes,
            "before": d.before or _("not planned"),
            "after": d.after or _("out of the horizon"),
            "late": d.late_tonne_months,
            "penalty": d.lateness_penalty,
            "out": d.out_tonnes,
            "lost": d.margin_lost,
        }
        for d in answer.displaced
    )
    return TableView(_("Displaced"), columns, rows)


def promise_document(answer: Promise) -> dict[str, Any]:
    """Capable-to-promise: the requested month and whether it can be met, the earliest
    month (``null``: not within the horizon), whether on free hours alone, the new tonnes
    by month, what is displaced (key flag, sales manager, the month the current plan has
    it in — ``null``: not planned —, lateness caused, tonnes pushed out of the horizon and
    the marginal income lost with them) and the change in marginal income, net of both;
    ``lowers_marginal_income_by_rub`` when accepting it would lower it (else ``null``)."""
    return {
        "subject": answer.subject,
        "plan_month": str(answer.plan_month),
        "horizon": answer.horizon,
        "requested": str(answer.requested),
        "meets_request": answer.meets_request,
        "tonnes": answer.tonnes,
        "earliest": str(answer.earliest) if answer.earliest else None,
        "on_free_hours": answer.on_free_hours,
        "made": answer.made,
        "by_month": {str(m): round(t, 3) for m, t in answer.by_month.items()},
        "displaced": [
            {
                "position": d.position,
                "deal": d.deal,
                "key_account": d.key_account,
                "sales_manager": d.sales_manager,
                "tonnes": d.tonnes,
                "before": str(d.before) if d.before else None,
                "after": str(d.after) if d.after else None,
                "late_tonne_months": d.late_tonne_months,
                "lateness_penalty_rub": money(d.lateness_penalty),
                "out_of_horizon_tonnes": d.out_tonnes,
                "margin_lost_rub": money(d.margin_lost),
            }
            for d in answer.displaced
        ],
        "margin_change_rub": money(answer.margin_change),
        "lateness_penalty_rub": money(answer.lateness_penalty),
        "margin_lost_rub": money(answer.margin_lost),
        "lowers_marginal_income_by_rub": money(answer.margin_loss) if answer.margin_loss is not None else None,
        "unplaceable": list(answer.unplaceable),
        "saved": False,
    }
