"""The stale-deal ledger as a table (``millplan stale``, the Stale deals pane) and JSON, its
limits, and what a batch of dispositions did."""

from __future__ import annotations

from typing import Any

from millplan.core.domain.errors import InvalidInput
from millplan.core.domain.i18n import _, ngettext
from millplan.core.domain.months import plant_clock
from millplan.core.domain.names import short_name
from millplan.core.domain.numbers import grouped
from millplan.core.domain.portfolio import Position
from millplan.core.domain.stale import Disposition, StaleLimits
from millplan.core.domain.states import state_label
from millplan.core.views.tables import Column, TableView, iso, money
from millplan.core.workflow.stale import DisposedPosition, Ledger, StalePosition
from millplan.core.workflow.stale_actions import Disposal


def _columns(wide: bool) -> tuple[Column, ...]:
    narrow = (
        Column("position", _("Position")),
        Column("key_account", _("Key")),
        Column("why_brief", _("Why stale"), clip=True, width=12),
        Column("tonnes_left", _("Left"), _("t"), True),
        Column("margin_at_stake", _("MI"), _("kRUB"), True, money=True),
        Column("customer", _("Customer"), clip=True, width=10),
        Column("sales_manager", _("Manager"), clip=True, width=13),
        # after the clipped text: at 80 columns in Russian the reason, customer and manager
        # keep their room and the months late (also in the detail line) lie past the edge
        Column("months_overdue", _("Late"), _("mo"), True),
    )
    if not wide:
        return narrow
    return narrow + (
        Column("age_days", _("Age"), _("d"), True),
        Column("hours", _("Holds"), _("h"), True),
        Column("requested_month", _("Requested")),
        Column("accepted_at", _("Accepted")),
        Column("tonnes_ordered", _("Ordered"), _("t"), True),
        Column("tonnes_made", _("Made"), _("t"), True),
        Column("deal", _("Deal")),
        Column("why", _("All reasons"), wrap=True),
    )


SORT_KEYS = (
    "position",
    "deal",
    "customer",
    "key_account",
    "sales_manager",
    "accepted_at",
    "requested_month",
    "age_days",
    "months_overdue",
    "tonnes_ordered",
    "tonnes_made",
    "tonnes_left",
    "margin_at_stake",
    "hours",
    "why",
)
"""The columns the ledger sorts by (``--sort``)."""


def _row(s: StalePosition) -> dict[str, Any]:
    p = s.position
    return {
        "key": p.ref,
        "position": p.ref,
        "deal": p.deal_number,
        "customer": p.customer,
        "key_account": p.is_key_account,
        "sales_manager": short_name(p.sales_manager),
        "accepted_at": s.accepted_at.date() if s.accepted_at else None,
        "requested_month": p.requested_month,
        "age_days": s.age_days,
        "months_overdue": s.months_overdue,
        "tonnes_ordered": p.tonnes_ordered,
        "tonnes_made": p.tonnes_produced,
        "tonnes_left": s.tonnes_left,
        "margin_at_stake": None if s.margin_at_stake is None else s.margin_at_stake / 1000,
        "hours": s.hours,
        "why": ", ".join(r.words for r in s.reasons),
        "why_brief": s.reasons[0].words + (f" +{len(s.reasons) - 1}" if len(s.reasons) > 1 else ""),
    }


def _sort_value(s: StalePosition, key: str) -> Any:
    """The value the ledger sorts by in column ``key`` (``None``: empty)."""
    if key == "position":
        return (s.position.deal_number, s.position.position_no)
    if key == "margin_at_stake":
        return s.margin_at_stake
    return _row(s)[key]


def sorted_rows(ledger: Ledger, sort: str | None = None, descending: bool = False) -> list[StalePosition]:
    """The ledger's rows by column ``sort`` (one of :data:`SORT_KEYS`; default: deal and
    position number), descending if asked; empty values last either way. Raises
    :class:`InvalidInput` for another column."""
    if sort is None:
        return list(ledger.rows)
    if sort not in SORT_KEYS:
        raise InvalidInput(
            _("cannot sort by {column!r}: choose one of {columns}").format(column=sort, columns=", ".join(SORT_KEYS))
        )
    keyed = [(_sort_value(s, sort), s) for s in ledger.rows]
    present = sorted((k for k in keyed if k[0] is not None), key=lambda k: k[0], reverse=descending)
    return [s for _value, s in present] + [s for value, s in keyed if value is None]


def stale_view(ledger: Ledger, sort: str | None = None, descending: bool = False, *, wide: bool = False) -> TableView:
    """The stale positions, sorted (:func:`sorted_rows`), each row on one line of 80
    columns: position, key flag, why (the first reason, ``+N`` more), tonnes left, MI at
    stake (k RUB), months late, customer and manager (surname and initials) cut with ``…``.
    ``wide`` adds the age (days), hours held, acceptance, tonnes ordered and made, the deal
    and every reason (the workstation scrolls; ``--json`` and its detail line have them all)."""
    rows = tuple(_row(s) for s in sorted_rows(ledger, sort, descending))
    title = _("Stale deals: {count} (late > {months} mo, unplanned > {days} d, idle ≥ {idle} d)").format(
        count=grouped(len(rows)),
        months=ledger.limits.months_overdue,
        days=ledger.limits.accepted_days,
        idle=ledger.limits.idle_days,
    )
    return TableView(title, _columns(wide), rows)


def stale_document(ledger: Ledger, sort: str | None = None, descending: bool = False) -> dict[str, Any]:
    """``millplan stale --json``: ``today``, ``limits`` and ``positions``, each with the
    ledger's columns (tonnes t, ``margin_at_stake_rub`` money text or null,
    ``mill_hours`` h by mill, ``hours`` h in all, ``reasons`` stable codes)."""
    return {
        "today": ledger.today.isoformat(),
        "limits": limits_document(ledger.limits),
        "positions": [_position_document(s) for s in sorted_rows(ledger, sort, descending)],
    }


def _position_document(s: StalePosition) -> dict[str, Any]:
    p = s.position
    return {
        "position": p.ref,
        "deal": p.deal_number,
        "customer": p.customer,
        "key_account": p.is_key_account,
        "sales_manager": p.sales_manager,
        "product_line": p.product_line,
        "accepted_at": iso(s.accepted_at),
        "requested_month": str(p.requested_month),
        "age_days": s.age_days,
        "months_overdue": s.months_overdue,
        "tonnes_ordered": round(p.tonnes_ordered, 3),
        "tonnes_made": round(p.tonnes_produced, 3),
        "tonnes_left": round(s.tonnes_left, 3),
        "margin_at_stake_rub": None if s.margin_at_stake is None else money(s.margin_at_stake),
        "mill_hours": {code: round(h, 3) for code, h in sorted(s.mill_hours.items())},
        "hours": round(s.hours, 3),
        "last_made": s.last_made.isoformat() if s.last_made else None,
        "reasons": [r.value for r in s.reasons],
        "why": [r.words for r in s.reasons],
    }


def _disposed_row(d: DisposedPosition) -> dict[str, Any]:
    p, done = d.position, d.disposed
    return {
        "key": p.ref,
        "position": p.ref,
        "state": state_label(d.state),
        "tonnes_cancelled": done.tonnes_cancelled,
        "tonnes_made": p.tonnes_produced,
        "at": plant_clock(done.at) if done.at else None,
        "by": short_name(d.who) if d.who else None,
        "customer": p.customer,
    }


def disposed_view(rows: tuple[DisposedPosition, ...]) -> TableView:
    """The cancelled and closed positions (``millplan stale --disposed``, the pane's
    "cancelled/closed" filter): state, tonnes cancelled and made (t), when (plant time)
    and by whom — what ``restore`` brings back. Fits 80 columns, a row to a line."""
    columns = (
        Column("position", _("Position"), width=13),
        Column("state", _("State")),
        Column("tonnes_cancelled", _("Canc."), _("t"), True),
        Column("tonnes_made", _("Made"), _("t"), True),
        Column("at", _("When")),
        Column("by", _("By")),
        Column("customer", _("Customer"), clip=True, width=12),
    )
    return TableView(
        _("Cancelled or closed: {count} (millplan stale restore POS --reason … brings one back)").format(
            count=len(rows)
        ),
        columns,
        tuple(_disposed_row(d) for d in rows),
    )


def disposed_document(rows: tuple[DisposedPosition, ...]) -> dict[str, Any]:
    """``millplan stale --disposed --json``: ``positions``, each with ``position``, ``deal``,
    ``customer``, ``sales_manager``, ``product_line``, ``state`` (``cancelled``/``closed``),
    ``tonnes_cancelled`` and ``tonnes_made`` (t), ``completed_at`` and ``at`` (ISO UTC or
    null: when closed, when the last cancel or close was done) and ``by`` (login or null)."""
    return {
        "positions": [
            {
                "position": d.position.ref,
                "deal": d.position.deal_number,
                "customer": d.position.customer,
                "sales_manager": d.position.sales_manager,
                "product_line": d.position.product_line,
                "state": d.state.value,
                "tonnes_cancelled": round(d.disposed.tonnes_cancelled, 3),
                "tonnes_made": round(d.position.tonnes_produced, 3),
                "completed_at": iso(d.disposed.completed_at),
                "at": iso(d.disposed.at),
                "by": d.disposed.by,
            }
            for d in rows
        ]
    }


def limits_document(limits: StaleLimits) -> dict[str, int]:
    """The limits for JSON: ``months_overdue``, ``accepted_days``, ``idle_days``."""
    return {
        "months_overdue": limits.months_overdue,
        "accepted_days": limits.accepted_days,
        "idle_days": limits.idle_days,
    }


def limits_view(limits: StaleLimits) -> TableView:
    """The limits as a table of setting, value and meaning."""
    columns = (
        Column("setting", _("Setting")),
        Column("value", _("Value"), numeric=True),
        Column("meaning", _("Meaning")),
    )
    rows = (
        {
            "key": "months_overdue",
            "setting": "--months",
            "value": limits.months_overdue,
            "meaning": _("overdue: more months than this past the requested month"),
        },
        {
            "key": "accepted_days",
            "setting": "--days",
            "value": limits.accepted_days,
            "meaning": _("unplanned: accepted more days ago than this, no approved plan"),
        },
        {
            "key": "idle_days",
            "setting": "--idle",
            "value": limits.idle_days,
            "meaning": _("idle: nothing made for this many days after production started"),
        },
    )
    return TableView(_("Stale-deal ledger limits"), columns, rows)


def _state(p: Position) -> dict[str, Any]:
    return {
        "position": p.ref,
        "requested_month": str(p.requested_month),
        "manual_priority": p.manual_priority,
        "tonnes_cancelled": round(p.tonnes_cancelled, 3),
        "completed": p.completed,
        "tonnes_left": round(p.remaining_tonnes, 3),
    }


def disposal_document(done: Disposal) -> dict[str, Any]:
    """What a batch did: ``action``, ``reason``, ``confirmation``, ``positions`` as they are
    now, ``told`` (logins notified), ``stale_revisions`` (``YYYY-MM/LINE/rN`` marked stale:
    they planned a position now cancelled or closed and must be re-planned)."""
    return {
        "action": done.disposition.value,
        "reason": done.reason,
        "confirmation": done.confirmation,
        "positions": [_state(p) for p in done.positions],
        "told": list(done.told),
        "stale_revisions": list(done.stale),
    }


def disposition_word(disposition: Disposition) -> str:
    """What was done to a batch of stale positions, in the user's language (a title's first word)."""
    return {
        Disposition.EXTEND: _("Extended"),
        Disposition.PRIORITY: _("Re-prioritised"),
        Disposition.CANCEL: _("Cancelled"),
        Disposition.CLOSE: _("Closed"),
        Disposition.RESTORE: _("Restored"),
    }[disposition]


def disposal_view(done: Disposal) -> TableView:
    """The positions of a batch as they are now."""
    columns = (
        Column("position", _("Position")),
        Column("requested_month", _("Requested")),
        Column("manual_priority", _("Priority"), numeric=True),
        Column("tonnes_cancelled", _("Cancelled"), _("t"), True),
        Column("completed", _("Closed")),
        Column("tonnes_left", _("Left"), _("t"), True),
    )
    rows = tuple({"key": p.ref, **_state(p), "requested_month": p.requested_month} for p in done.positions)
    return TableView(
        ngettext("{action}: {count} position ({reason})", "{action}: {count} positions ({reason})", len(rows)).format(
            action=disposition_word(done.disposition), count=len(rows), reason=done.reason
        ),
        columns,
        rows,
    )
