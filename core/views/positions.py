"""Positions with their attributes, for the CLI's ``positions`` command and the panes."""

from __future__ import annotations

from typing import Any

from millplan.core.domain import glyphs
from millplan.core.domain.assignment import Assignment
from millplan.core.domain.i18n import _
from millplan.core.domain.numbers import grouped
from millplan.core.domain.portfolio import DealStatus, Position
from millplan.core.planning.attributes import PositionAttributes, describe
from millplan.core.views.assignment import short_reason
from millplan.core.views.tables import Column, TableView, money
from millplan.storage.store import Store


def position_attributes(
    store: Store, *, deal_number: str | None = None, product_line: str | None = None
) -> list[PositionAttributes]:
    """Attributes of the positions asked for; the high-load flag is judged against the
    whole open book of each mill (accepted and waiting deals), not only the positions shown."""
    with store.reading() as repo:
        plant = repo.plant.whole()
        book = [
            p
            for status in (DealStatus.ACCEPTED, DealStatus.PENDING)
            for p in repo.plant.positions(deal_status=status, open_only=True)
        ]
        asked = repo.plant.positions(deal_number=deal_number, product_line=product_line)
    flagged = {a.position.id: a.high_mill_load for a in describe(plant, book)}
    return [
        PositionAttributes(a.position, a.options, a.refusals, flagged.get(a.position.id, False))
        for a in describe(plant, asked)
    ]


def attributes_document(attrs: PositionAttributes) -> dict[str, Any]:
    """One position and its attributes as JSON (money as text with two decimals)."""
    p = attrs.position
    return {
        "position": p.ref,
        "customer": p.customer,
        "key_account": p.is_key_account,
        "deal_status": p.deal_status.value,
        "product_line": p.product_line,
        "od_mm": p.od_mm,
        "wall_mm": p.wall_mm,
        "steel_grade": p.steel_grade,
        "standard": p.standard,
        "tonnes_ordered": p.tonnes_ordered,
        "tonnes_remaining": p.remaining_tonnes,
        "tonnes_cancelled": p.tonnes_cancelled,
        "completed": p.completed,
        "requested_month": str(p.requested_month),
        "manual_priority": p.manual_priority,
        "high_mill_load": attrs.high_mill_load,
        "no_mill_reason": attrs.no_mill_reason if not attrs.options else None,
        "mills": [
            {
                "mill": o.mill.code,
                "tonnes_per_hour": round(o.tonnes_per_hour, 4),
                "hours_per_tonne": round(o.hours_per_tonne, 5),
                "unit_marginal_income_rub_per_t": money(o.unit_margin),
                "marginal_income_rub_per_hour": money(o.margin_per_hour),
            }
            for o in attrs.options
        ],
    }


def attributes_view(described: list[PositionAttributes]) -> TableView:
    """One row per position: key flag, tonnes left, best mill with t/h, unit marginal
    income (RUB/t) and per mill-hour (RUB/h), high-load flag, other compatible mills.
    A position no mill can make carries the reason in ``no_mill_reason``, a cancelled
    remainder or a position closed as complete says so in ``disposed`` (too long for a
    cell: the fronts show both under the table)."""
    columns = (
        Column("position", _("Position")),
        Column("key_account", _("Key")),
        Column("tonnes", _("Left"), _("t"), True, 1),
        Column("mill", _("Best mill")),
        Column("tph", _("t/h"), numeric=True, places=2),
        Column("margin", _("RUB/t"), numeric=True, money=True),
        Column("margin_hour", _("RUB/h"), numeric=True, money=True),
        Column("high_load", _("High")),
        Column("other", _("Other mills"), wrap=True),
    )
    rows = []
    for a in described:
        best = a.best
        rows.append(
            {
                "key": a.position.ref,
                "position": a.position.ref,
                "key_account": a.position.is_key_account,
                "tonnes": a.position.remaining_tonnes,
                "mill": best.mill.code if best else str(glyphs.NONE),
                "tph": best.tonnes_per_hour if best else None,
                "margin": best.unit_margin if best else None,
                "margin_hour": best.margin_per_hour if best else None,
                "high_load": a.high_mill_load,
                "other": ", ".join(o.mill.code for o in a.options[1:]),
                "no_mill_reason": None if best else a.no_mill_reason,
                "disposed": _disposed(a.position),
            }
        )
    return TableView(_("Positions"), columns, tuple(rows))


def _disposed(p: Position) -> str | None:
    """What the stale-deal ledger did to ``p``, if anything: closed, or its remainder cancelled."""
    if p.completed:
        return _("closed as complete (millplan stale restore brings it back)")
    if p.tonnes_cancelled > 0:
        return _("remainder of {tonnes} t cancelled (millplan stale restore brings it back)").format(
            tonnes=grouped(p.tonnes_cancelled)
        )
    return None


def positions_view(assignment: Assignment, mine: frozenset[str] = frozenset()) -> TableView:
    """Every position of a revision, planned or left out: tonnes planned and left out
    (t), marginal income planned (k RUB) and why tonnes were left out — the rows a
    reviewer objects to or a sales manager asks about. ``Key`` is known from the planned
    lines; a position wholly left out shows it blank. Refs in ``mine`` (a sales manager's
    own) come first, marked :data:`~millplan.core.domain.glyphs.KEY_ACCOUNT` (◆)."""
    columns = (
        Column("position", _("Position")),
        Column("key_account", _("Key")),
        Column("planned", _("Planned"), _("t"), True, 1),
        Column("left_out", _("Left out"), _("t"), True, 1),
        Column("margin", _("Marg. inc."), _("k RUB"), True, money=True),
        Column("why", _("Why left out"), wrap=True),
    )
    rows: dict[str, dict[str, Any]] = {}
    for line in assignment.lines:
        row = rows.setdefault(
            line.position_ref,
            {
                "key": line.position_ref,
                "position": line.position_ref,
                "key_account": line.is_key_account,
                "planned": 0.0,
                "left_out": 0.0,
                "margin": 0.0,
                "why": "",
            },
        )
        row["planned"] += line.tonnes
        row["margin"] += float(line.marginal_income) / 1000
    for e in assignment.exclusions:
        row = rows.setdefault(
            e.position_ref,
            {
                "key": e.position_ref,
                "position": e.position_ref,
                "key_account": None,
                "planned": 0.0,
                "left_out": 0.0,
                "margin": 0.0,
                "why": "",
            },
        )
        row["left_out"] += e.tonnes_left_out
        row["why"] = short_reason(e)
    for ref in mine & rows.keys():
        rows[ref]["position"] = f"{ref} {glyphs.KEY_ACCOUNT}"
    return TableView(
        _("Positions"), columns, tuple(rows[ref] for ref in sorted(rows, key=lambda r: (r not in mine, r)))
    )
