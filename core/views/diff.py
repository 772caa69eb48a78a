"""What changed between two revisions (:func:`millplan.core.planning.diff.revision_diff`)
as tables — by position, by mill — for ``millplan diff`` and the approval pane, as JSON,
and the marginal income each mill gains or loses as the approval pane's chart draws it
(:func:`income_bars`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from millplan.core.domain import glyphs
from millplan.core.domain.assignment import Assignment, MillLoad
from millplan.core.domain.i18n import _
from millplan.core.domain.months import month_text
from millplan.core.planning.diff import RevisionDiff
from millplan.core.views.tables import Column, TableView, json_rows


def diff_columns() -> tuple[Column, ...]:
    """The columns of :func:`diff_view` (also shown, with no rows, where there is nothing to compare)."""
    return (
        Column("position", _("Position")),
        Column("change", _("Change"), wrap=True),
        Column("tonnes_from", _("From"), _("t"), True, 1),
        Column("tonnes_to", _("To"), _("t"), True, 1),
        Column("tonnes_made", _("Made"), _("t"), True, 1),
        Column("mills", _("Mills"), wrap=True),
    )


def diff_view(diff: RevisionDiff) -> TableView:
    """One row per changed position: change, tonnes before and after, the part of them
    made in the month (a re-plan of the month in progress), mills before and after."""
    columns = diff_columns()

    def mills(by_mill: dict[str, float]) -> str:
        return "+".join(sorted(by_mill)) or str(glyphs.NONE)

    rows = tuple(
        {
            "key": c.position_ref,
            "position": c.position_ref,
            "change": c.text,
            "tonnes_from": c.tonnes_from,
            "tonnes_to": c.tonnes_to,
            "tonnes_made": c.tonnes_made,
            "mills": f"{mills(c.mills_from)} {glyphs.ARROW} {mills(c.mills_to)}",
        }
        for c in diff.positions
    )
    title = _("{month} {line}: revision {a} → {b}").format(
        month=month_text(diff.month), line=diff.product_line, a=diff.revision_from, b=diff.revision_to
    )
    return TableView(title, columns, rows)


def mills_view(diff: RevisionDiff, loads: Sequence[MillLoad] = ()) -> TableView:
    """One row per mill: tonnes and hours in each revision; given the later revision's
    ``loads`` (:attr:`Assignment.mill_loads`), its load too (over-full marked ``!``); and
    the marginal income the later revision gains or loses on it (RUB)."""
    columns = (
        Column("mill", _("Mill")),
        Column("tonnes_from", _("t before"), numeric=True, places=1),
        Column("tonnes_to", _("t after"), numeric=True, places=1),
        Column("hours_from", _("h before"), numeric=True, places=1),
        Column("hours_to", _("h after"), numeric=True, places=1),
        *((Column("load", _("Load")),) if loads else ()),
        Column("income_change", _("MI change"), _("RUB"), True, money=True),
    )
    load_of = {load.mill_code: load for load in loads}
    rows = tuple(
        {
            "key": m.mill_code,
            "mill": m.mill_code,
            "tonnes_from": m.tonnes_from,
            "tonnes_to": m.tonnes_to,
            "hours_from": m.hours_from,
            "hours_to": m.hours_to,
            "load": load_of.get(m.mill_code),
            "income_change": m.income_change,
        }
        for m in diff.mills
    )
    return TableView(_("By mill"), columns, rows)


def revision_mills_view(revision: Assignment | None) -> TableView:
    """The mills of one ``revision`` that has nothing to compare with (no approved revision of
    its month and line before it): per mill its tonnes, hours, load (over-full marked ``!``)
    and marginal income (RUB). ``None`` (not planned): the columns and no rows."""
    columns = (
        Column("mill", _("Mill")),
        Column("tonnes", _("Tonnes"), _("t"), True, 1),
        Column("hours", _("Hours"), _("h"), True, 1),
        Column("load", _("Load")),
        Column("income", _("Marg. inc."), _("RUB"), True, money=True),
    )
    if revision is None:
        return TableView(_("By mill"), columns, ())
    tonnes: dict[str, float] = {}
    income: dict[str, Decimal] = {}
    for line in revision.lines:
        tonnes[line.mill_code] = tonnes.get(line.mill_code, 0.0) + line.tonnes
        income[line.mill_code] = income.get(line.mill_code, Decimal(0)) + line.marginal_income
    rows = tuple(
        {
            "key": load.mill_code,
            "mill": load.mill_code,
            "tonnes": tonnes.get(load.mill_code, 0.0),
            "hours": load.booked_hours,
            "load": load,
            "income": income.get(load.mill_code, Decimal(0)),
        }
        for load in revision.mill_loads
    )
    title = _("{month} {line}: revision {n}, nothing approved before it").format(
        n=revision.revision, month=month_text(revision.month), line=revision.product_line
    )
    return TableView(title, columns, rows)


def diff_document(diff: RevisionDiff) -> dict[str, Any]:
    """The diff as JSON: tonnes in t (``tonnes_made`` the part of ``tonnes_to`` made in the
    month), by position and by mill (the rows of :func:`mills_view`, ``income_change`` in
    RUB as text)."""
    return {
        "month": str(diff.month),
        "product_line": diff.product_line,
        "from_revision": diff.revision_from,
        "to_revision": diff.revision_to,
        "positions": [
            {
                "position": c.position_ref,
                "change": c.change,
                "tonnes_from": round(c.tonnes_from, 3),
                "tonnes_to": round(c.tonnes_to, 3),
                "tonnes_made": round(c.tonnes_made, 3),
                "mills_from": {k: round(v, 3) for k, v in c.mills_from.items()},
                "mills_to": {k: round(v, 3) for k, v in c.mills_to.items()},
                "month_to": str(c.month_to) if c.month_to else None,
            }
            for c in diff.positions
        ],
        "mills": json_rows(mills_view(diff)),
    }


@dataclass(frozen=True)
class IncomeBars:
    """The marginal income each of ``labels`` (mill codes, or position refs) gains
    (``gains``, k RUB, ≥ 0) or loses (``losses``, k RUB, ≤ 0) from the earlier revision to
    the later, one of the two 0 for each; ``total`` the whole change, RUB; ``of`` how many
    there were to choose from (the positions charted are the biggest changes of ``of``)."""

    labels: tuple[str, ...]
    gains: tuple[float, ...]
    losses: tuple[float, ...]
    total: Decimal
    of: int = 0

    @property
    def changed(self) -> bool:
        """Some bar gains or loses marginal income."""
        return any(self.gains) or any(self.losses)


def _bars(changes: Sequence[tuple[str, Decimal]], total: Decimal, of: int) -> IncomeBars:
    k_rub = [float(change) / 1000 for _label, change in changes]
    return IncomeBars(
        tuple(label for label, _change in changes),
        tuple(max(c, 0.0) for c in k_rub),
        tuple(min(c, 0.0) for c in k_rub),
        total,
        of,
    )


def income_bars(diff: RevisionDiff) -> IncomeBars:
    """The mills' marginal income change in ``diff`` as a chart's bars (:class:`IncomeBars`)."""
    total = sum((m.income_change for m in diff.mills), Decimal(0))
    return _bars([(m.mill_code, m.income_change) for m in diff.mills], total, len(diff.mills))


def position_income_bars(diff: RevisionDiff, top: int) -> IncomeBars:
    """The ``top`` positions of ``diff`` whose marginal income changes most (either way) as a
    chart's bars, the biggest gain first and the biggest loss last (:class:`IncomeBars`;
    ``of`` counts the positions whose income changed, ``total`` is the whole change, RUB)."""
    changed = [(c.position_ref, c.income_change) for c in diff.positions if c.income_change]
    biggest = sorted(changed, key=lambda change: -abs(change[1]))[:top]
    total = sum((m.income_change for m in diff.mills), Decimal(0))
    return _bars(sorted(biggest, key=lambda change: -change[1]), total, len(changed))
