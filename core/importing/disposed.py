"""A portfolio re-import never silently revives what the stale-deal ledger disposed of: a
position whose remainder was cancelled, or which was closed as complete, stays so (the
importer never writes those fields), and the report says so for each such position the
file still orders."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from millplan.core.domain.i18n import _
from millplan.core.domain.months import plant_clock
from millplan.core.domain.numbers import grouped
from millplan.core.domain.portfolio import position_ref
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
        when = _(" on {at} by {who}").format(at=plant_clock(d.at), who=d.by) if d.at else ""
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
