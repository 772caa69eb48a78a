"""Closing a month, for people and scripts: what a close did (per line: closed by whom, the
carry-over by position, who was told) and where each line's month stands (closed or not,
its approved revision, the days without actuals) — ``millplan month close`` and
``millplan month status``.

Tonnes are t; days in documents are ISO dates, times ISO 8601 UTC.
"""

from __future__ import annotations

from typing import Any

from millplan.core.domain import glyphs
from millplan.core.domain.actuals import MonthClose
from millplan.core.domain.i18n import _
from millplan.core.domain.months import Month, day_ranges, month_over, month_text, plant_clock
from millplan.core.views.tables import Column, TableView
from millplan.core.workflow.month_close import LineClosed, LineStatus


def closed_heading(closed: LineClosed) -> str:
    """``2027-01 L closed by plm at 2027-02-01 09:00`` (``, incomplete: REASON`` when so)."""
    close = closed.close
    return (
        _("{month} {line} closed by {who} at {at}, incomplete: {reason}")
        if close.incomplete
        else _("{month} {line} closed by {who} at {at}")
    ).format(
        month=month_text(close.month),
        line=close.product_line,
        who=closed.closer,
        at=plant_clock(close.closed_at),
        reason=close.reason,
    )


def carry_over_view(close: MonthClose) -> TableView:
    """The close's carry-over, largest first: tonnes (t) each position's approved plan held
    and its mills did not make, due in the next month at the latest."""
    columns = (Column("position", _("Position")), Column("tonnes", _("Carried over"), _("t"), True, 1))
    rows = tuple(
        {"key": c.position_ref, "position": c.position_ref, "tonnes": c.tonnes}
        for c in sorted(close.carry_over, key=lambda c: -c.tonnes)
    )
    return TableView(_("Carry-over to {next}").format(next=month_text(close.month + 1)), columns, rows)


def close_document(close: MonthClose, told: tuple[str, ...] = ()) -> dict[str, Any]:
    """One line's close: month, line, who and when, ``incomplete`` and ``reason``, the
    frozen ``figures``, ``carry_over`` (position, tonnes) and the sales managers ``told``."""
    return {
        "month": str(close.month),
        "product_line": close.product_line,
        **_who_closed(close),
        "figures": close.figures,
        "carry_over": [{"position": c.position_ref, "tonnes": round(c.tonnes, 3)} for c in close.carry_over],
        "told": list(told),
    }


def _who_closed(close: MonthClose) -> dict[str, Any]:
    return {
        "closed_at": close.closed_at.isoformat(),
        "closed_by": close.closed_by,
        "incomplete": close.incomplete,
        "reason": close.reason,
        "carry_over_t": round(sum(c.tonnes for c in close.carry_over), 3),
    }


def closes_document(closed: list[LineClosed]) -> dict[str, Any]:
    """What ``millplan month close`` did: one :func:`close_document` per line closed."""
    return {"closed": [close_document(c.close, c.told) for c in closed]}


def status_view(month: Month, statuses: list[LineStatus]) -> TableView:
    """Each product line's ``month``: approved revision, closed by whom and when ("open"
    for a past month not closed, "in progress" for the current month or one to come), why
    it closed incomplete (``—`` when complete or open), days without actuals."""
    columns = (
        Column("line", _("Line")),
        Column("approved", _("Approved")),
        Column("closed", _("Closed")),
        Column("incomplete", _("Incomplete because"), wrap=True),
        Column("missing", _("Days without actuals"), wrap=True),
    )
    rows = tuple(
        {
            "key": s.product_line,
            "line": s.product_line,
            "approved": _("revision {revision}").format(revision=s.approved_revision)
            if s.approved_revision
            else str(glyphs.NONE),
            "closed": (_("open") if month_over(month) else _("in progress"))
            if s.close is None
            else _("by {who} at {at}").format(who=s.closer, at=plant_clock(s.close.closed_at)),
            "incomplete": s.close.reason if s.close is not None and s.close.incomplete else str(glyphs.NONE),
            "missing": day_ranges(s.missing) or str(glyphs.NONE),
        }
        for s in statuses
    )
    return TableView(_("Month {month}").format(month=month_text(month)), columns, rows)


def status_document(month: Month, statuses: list[LineStatus]) -> dict[str, Any]:
    """``millplan month status --json``: per line its approved revision, ``closed`` (with
    who, when, ``incomplete``, ``reason``, ``carry_over_t``; ``null`` while open) and the
    ``missing_days`` (ISO dates)."""
    return {
        "month": str(month),
        "lines": [
            {
                "product_line": s.product_line,
                "approved_revision": s.approved_revision,
                "closed": None if s.close is None else _who_closed(s.close),
                "missing_days": [d.isoformat() for d in s.missing],
            }
            for s in statuses
        ],
    }
