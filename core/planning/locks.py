"""What a plan of one product line must keep: the locked lines carried over from the month's
latest revision (cut to what is left to make), positions forced in whole, and the
mandatory positions and month locks of the options — each checked against the hours the
mills have, so that a plan that cannot keep them is refused naming why.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from millplan.core.domain.assignment import Assignment, Exclusion
from millplan.core.domain.errors import InfeasiblePlan, InvalidInput, StateError
from millplan.core.domain.i18n import _
from millplan.core.domain.months import Month, month_text
from millplan.core.domain.numbers import grouped
from millplan.core.domain.portfolio import Position
from millplan.core.planning.attributes import PositionAttributes
from millplan.core.planning.options import MonthLock, PlanOptions
from millplan.solver import prioritiser
from millplan.solver.problem import REPORTED_TONNES, ROUND_OFF, hours_room, report_tonnes


def carried_locks(
    previous: Assignment | None, eligible: dict[int, Position], open_tonnes: dict[int, float]
) -> tuple[dict[int, dict[str, float]], list[str]]:
    """Locked tonnes by position and mill from the latest revision, less any part of a line
    already made. Locks of positions no longer eligible (deal no longer accepted, fully
    produced, moved later) are dropped; a lock holding more than is left to make
    (production reported since) is cut down to it, in proportion on each mill."""
    locks: dict[int, dict[str, float]] = {}
    refs: dict[int, str] = {}
    notes = []
    for line in previous.lines if previous else ():
        if not line.locked:
            continue
        if line.position_id not in eligible:
            notes.append(
                _("lock of {ref} on {mill} dropped: the position is no longer eligible").format(
                    ref=line.position_ref, mill=line.mill_code
                )
            )
            continue
        if line.tonnes - line.tonnes_made < prioritiser.MIN_TONNES:
            continue  # made already: a made line is kept as made, not locked again
        locks.setdefault(line.position_id, {})[line.mill_code] = line.tonnes - line.tonnes_made
        refs[line.position_id] = line.position_ref
    for pid, by_mill in locks.items():
        locked, left = sum(by_mill.values()), open_tonnes[pid]
        if locked > left + prioritiser.MIN_TONNES:
            for code in by_mill:
                by_mill[code] = report_tonnes(by_mill[code] * left / locked)
            notes.append(
                _("lock of {ref} cut from {locked} t to {left} t: only that is left to make").format(
                    ref=refs[pid], locked=grouped(locked, 1), left=grouped(left, 1)
                )
            )
    return locks, notes


def forced_lock(
    attrs: PositionAttributes,
    tonnes: float,
    locks: dict[int, dict[str, float]],
    attributes: dict[int, PositionAttributes],
    hours: dict[str, float],
    month: Month,
) -> dict[str, float]:
    """Tonnes by mill that put all ``tonnes`` (t) of a position into the plan: its mills
    best first, each filled up to the hours the other positions' locks leave free.

    Raises :class:`InfeasiblePlan` when no mill can make it or the locks leave too little
    room (naming how much would fit).
    """
    p = attrs.position
    if not attrs.options:
        raise InfeasiblePlan(
            _("{ref} cannot be forced into {month}: {why}").format(
                ref=p.ref, month=month_text(month), why=attrs.no_mill_reason
            )
        )
    used: dict[str, float] = {}
    for position_id, by_mill in locks.items():
        if position_id == p.id:
            continue
        rates = (
            {o.mill.code: o.hours_per_tonne for o in attributes[position_id].options}
            if position_id in attributes
            else {}
        )
        for code, locked in by_mill.items():
            used[code] = used.get(code, 0.0) + locked * rates.get(code, 0.0)
    lock: dict[str, float] = {}
    left = tonnes
    for option in attrs.options:
        room = max(0.0, hours[option.mill.code] - used.get(option.mill.code, 0.0)) / option.hours_per_tonne
        take = report_tonnes(min(left, room) - REPORTED_TONNES / 2) if min(left, room) < left else report_tonnes(left)
        if take >= prioritiser.MIN_TONNES:
            lock[option.mill.code] = take
            left = report_tonnes(left - take)
        if left < prioritiser.MIN_TONNES:
            return lock
    fits = grouped(tonnes - left, 1)
    raise InfeasiblePlan(
        _(
            "{ref} cannot be forced into {month}: the other locked lines leave room for {fits} t of its {tonnes} t "
            "on {mills} — unlock one of them first, or agree a later month"
        ).format(
            ref=p.ref,
            month=month_text(month),
            fits=fits,
            tonnes=grouped(tonnes, 1),
            mills=", ".join(o.mill.code for o in attrs.options),
        )
    )


def check_locks(
    locks: dict[int, dict[str, float]],
    attributes: dict[int, PositionAttributes],
    hours: dict[str, float],
    month: Month,
    line: str,
) -> None:
    """Raise :class:`InfeasiblePlan` naming the locks a mill cannot make or hold."""
    booked: dict[str, list[tuple[str, float]]] = {}
    problems = []
    for position_id, by_mill in locks.items():
        attrs = attributes[position_id]
        rates = {o.mill.code: o for o in attrs.options}
        for code, tonnes in by_mill.items():
            if code not in rates:
                problems.append(
                    _("{ref} is locked on {mill}, which can no longer make it").format(
                        ref=attrs.position.ref, mill=code
                    )
                )
                continue
            booked.setdefault(code, []).append((attrs.position.ref, tonnes, rates[code].hours_per_tonne))
    for code, items in sorted(booked.items()):
        total = sum(t * rate for _, t, rate in items)
        if total > hours_room(hours[code], ((t, rate) for _, t, rate in items)) + ROUND_OFF:
            refs = ", ".join(
                _("{ref} ({hours} h)").format(ref=ref, hours=grouped(t * rate, 1)) for ref, t, rate in items
            )
            problems.append(
                _("locked lines on {mill} need {need} h but {month} has {hours} h: {refs}").format(
                    mill=code, need=grouped(total, 1), month=month_text(month), hours=grouped(hours[code], 1), refs=refs
                )
            )
    if problems:
        raise InfeasiblePlan(
            _("{month} {line}: the locked lines cannot all be kept — {problems}").format(
                month=month_text(month), line=line, problems="; ".join(problems)
            )
        )


@dataclass(frozen=True)
class Held:
    """Positions the options hold: mandatory ones (ids) and month locks by position id."""

    mandatory: frozenset[int]
    locks: Mapping[int, tuple[MonthLock, ...]]


def held_positions(
    options: PlanOptions,
    attributes: dict[int, PositionAttributes],
    manual: Mapping[int, Exclusion],
    by_id: dict[int, Position],
    months: list[Month],
    line: str,
) -> Held:
    """The options' mandatory positions and locks, by position id.

    Raises :class:`StateError` for a position that is not open over the horizon or is
    excluded by hand, :class:`InvalidInput` for a lock outside the horizon or on a mill of
    another line, :class:`InfeasiblePlan` for one no mill of the line can make.
    """
    by_ref = {p.ref: p.id for p in by_id.values()}
    where = f"{months[0]} {line}"

    def held(ref: str, locked: bool) -> int:
        values = {"ref": ref, "where": where}
        if ref not in by_ref:
            closed = (
                _(
                    "{ref} cannot be locked in {where}: only positions of accepted deals with tonnes left, "
                    "requested by {month}, can"
                )
                if locked
                else _(
                    "{ref} cannot be mandatory in {where}: only positions of accepted deals with tonnes left, "
                    "requested by {month}, can"
                )
            )
            raise StateError(closed.format(month=month_text(months[-1]), **values))
        pid = by_ref[ref]
        if pid in manual:
            raise StateError(
                _("{ref} is excluded by hand from {where}: let it back in first (millplan assignment include)").format(
                    **values
                )
            )
        if not attributes[pid].options:
            unmade = (
                _("{ref} cannot be locked in {where}: {why}")
                if locked
                else _("{ref} cannot be mandatory in {where}: {why}")
            )
            raise InfeasiblePlan(unmade.format(why=attributes[pid].no_mill_reason, **values))
        return pid

    mandatory = frozenset(held(ref, False) for ref in options.mandatory)
    locks: dict[int, list[MonthLock]] = {}
    for lock in options.locks:
        if lock.month not in months:
            raise InvalidInput(
                _("lock of {ref} in {month} is outside the horizon {first}…{last}").format(
                    ref=lock.position,
                    month=month_text(lock.month),
                    first=month_text(months[0]),
                    last=month_text(months[-1]),
                )
            )
        locks.setdefault(held(lock.position, True), []).append(lock)
    return Held(mandatory, {pid: tuple(items) for pid, items in locks.items()})
