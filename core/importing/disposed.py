"""What an import says of the positions the stale-deal ledger disposed of (a remainder
cancelled, or closed as complete). A portfolio re-import never silently revives them: they
stay so (the importer never writes those fields), and the report says so for each such
position the file still orders. An actuals import records what the mills made of them all
the same, and says so for each."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from millplan.core.domain.field_text import value_text
from millplan.core.domain.i18n import _
from millplan.core.domain.months import plant_clock
from millplan.core.domain.numbers import grouped
from millplan.core.domain.portfolio import position_ref
from millplan.core.domain.stale import Disposed
from millplan.storage.unit_of_work import UnitOfWork


def kept_dispositions(repo: UnitOfWork, positions: Iterable[dict[str, Any]]) -> list[str]:
    """A report note for each position record (``deal_number``, ``position_no``) that is
    stored as cancelled or closed: what was done, when and by whom, that it stays so, and how
    to bring it back."""
    disposed = {d.position_ref: d for d in repo.dispositions.disposed().values()}
    if not disposed:
        return []
    notes = []
    for record in positions:
        d = disposed.get(position_ref(record["deal_number"], record["position_no"]))
        if d is None:
            continue
        when = _when(d)
        if d.completed_at is not None:
            done = _("{ref}: was closed as complete{when}; the file still orders it — it stays closed")
        else:
            done = _(
                "{ref}: its remainder of {tonnes} t was cancelled{when}; the file still orders it — it stays cancelled"
            )
        notes.append(
            done.format(ref=d.position_ref, tonnes=grouped(d.tonnes_cancelled), when=when)
            + _("; `millplan stale restore {ref} --reason …` brings it back").format(ref=d.position_ref)
        )
    return notes


def made_all_the_same(repo: UnitOfWork, made: dict[int, float]) -> list[str]:
    """A report note for each position of ``made`` (position id → t an actuals file records
    for it) whose remainder is cancelled or which is closed as complete: the tonnes are
    recorded all the same (the mill did make them), and restoring it brings it back."""
    ids = repo.dispositions.disposed_ids() & made.keys()  # one query, however many positions the file names
    if not ids:
        return []
    notes = []
    for d in sorted(repo.dispositions.disposed(ids).values(), key=lambda d: d.position_ref):
        if d.completed_at is not None:
            done = _("{ref}: was closed as complete{when}")
        else:
            done = _("{ref}: its remainder was cancelled{when}")
        notes.append(
            done.format(ref=d.position_ref, when=_when(d))
            + _(
                " — {tonnes} t made all the same are recorded; restore it (millplan stale restore {ref} --reason …) "
                "if the client takes them"
            ).format(tonnes=value_text(round(made[d.position_id], 3)), ref=d.position_ref)
        )
    return notes


def _when(d: Disposed) -> str:
    """`` on 2027-01-05 10:00 by plm`` (plant time), or nothing when the audit has no entry."""
    return _(" on {at} by {who}").format(at=plant_clock(d.at), who=d.by) if d.at else ""
