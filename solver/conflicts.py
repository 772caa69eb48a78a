"""Why an input has no plan, in a planner's terms, computed from the data.

Only locked and mandatory lines can make the model infeasible (everything else may be left
out). Each check is a necessary condition for a plan, so whatever it finds is a real
conflict; it names the demands and the ``(mill, period)`` cells involved:

* a lock on a mill that cannot make the demand, or outside the horizon;
* locks (and a mandatory demand's tonnes) beyond the demand's tonnes, or a mandatory demand
  locked into a later period;
* a mandatory demand no mill can make in the plan month (no option with hours, or every
  option's minimum lot above its tonnes; whole: no mill with the hours for all of it);
* for a group of mills, the hours that locked lines and the mandatory demands that only
  those mills can make need at the least (each at its fastest mill) beyond their hours —
  every group of up to :data:`MAX_GROUP_MILLS` mills, and all mills together, are tried,
  so a full mill, and mills full together, are both found.

Each conflict's text names its demands and ``(mill, period)`` cells once, for the front to
name. When none of these finds the conflict (whole positions that fit in hours but not in
pieces), :func:`residual_conflict` names every mandatory and locked demand and their cells.
"""

from __future__ import annotations

from itertools import combinations

from millplan.solver.problem import ROUND_OFF, Conflict, Demand, Problem, hours_room, locked_lines

MAX_GROUP_MILLS = 4
MANY_MILLS = 12
"""Largest group of mills tried together; groups grow combinatorially with the mills, so
beyond :data:`MANY_MILLS` mills only single mills, pairs and all of them are tried."""


def find_conflicts(problem: Problem) -> list[Conflict]:
    """The conflicts found in ``problem``'s locks and mandatory demands (empty if none)."""
    conflicts = []
    for d in problem.demands:
        conflicts += _demand_conflicts(problem, d)
    if conflicts:
        return conflicts  # the hours checks below assume each lock is on one of its mills
    return _hours_conflicts(problem)


def residual_conflict(problem: Problem) -> Conflict:
    """All mandatory and locked demands and their possible cells: the set that has no plan."""
    demands, cells = [], set()
    for d in problem.demands:
        if d.mandatory or d.locked:
            demands.append(d.id)
            cells |= {(lock.mill, lock.period) for lock in d.locked}
            if d.mandatory:
                cells |= {(o.mill, 0) for o in d.options}
    text = (
        f"demands {_ids(demands)} (mandatory or locked) cannot all be placed"
        f"{' whole' if problem.settings.whole else ''} within the hours of {_cells(cells)}"
    )
    return Conflict(tuple(demands), tuple(sorted(cells)), text)


def _demand_conflicts(problem: Problem, d: Demand) -> list[Conflict]:
    s = problem.settings
    options = {o.mill: o for o in d.options}
    found = []
    for lock in d.locked:
        cell = (lock.mill, lock.period)
        if lock.mill not in options:
            found.append(
                Conflict((d.id,), (cell,), f"demand {d.id} is locked on {_cells([cell])}, which cannot make it")
            )
        elif not 0 <= lock.period < s.periods:
            found.append(
                Conflict(
                    (d.id,),
                    (cell,),
                    f"demand {d.id} is locked on {_cells([cell])}, outside the horizon of {s.periods} months",
                )
            )
        elif d.mandatory and lock.period != 0:
            found.append(
                Conflict((d.id,), (cell,), f"demand {d.id} is mandatory this month but locked on {_cells([cell])}")
            )
    locked = sum(lock.tonnes for lock in d.locked)
    if locked > d.tonnes + ROUND_OFF:
        cells = tuple(sorted((lock.mill, lock.period) for lock in d.locked))
        found.append(
            Conflict(
                (d.id,),
                cells,
                f"demand {d.id} has {locked:g} t locked on {_cells(cells)} but only {d.tonnes:g} t to make",
            )
        )
    if d.mandatory:
        usable = [
            o
            for o in d.options
            if problem.hours.get((o.mill, 0), 0.0) > 0
            and (d.tonnes >= s.min_lot.get(o.mill, 0.0) or _locked_on(d, o.mill))
        ]
        if not usable and not (s.whole and d.locked):
            cells = tuple((o.mill, 0) for o in d.options)
            staffed = [o.mill for o in d.options if problem.hours.get((o.mill, 0), 0.0) > 0]
            if not d.options:
                why = "there is no mill that can make it"
            elif not staffed:
                why = f"none of mills {_ids(o.mill for o in d.options)} has hours in period 0"
            else:
                why = f"its {d.tonnes:g} t are below the minimum lot of mills {_ids(staffed)}"
            found.append(Conflict((d.id,), cells, f"demand {d.id} is mandatory this month but {why}"))
        elif (
            s.whole
            and not d.locked
            and not any(d.tonnes * o.hours_per_tonne <= problem.hours.get((o.mill, 0), 0.0) + ROUND_OFF for o in usable)
        ):
            cells = tuple((o.mill, 0) for o in usable)
            found.append(
                Conflict(
                    (d.id,),
                    cells,
                    f"demand {d.id} is mandatory and whole but none of mills {_ids(o.mill for o in usable)} has the hours for all {d.tonnes:g} t in period 0",
                )
            )
        elif s.whole and d.locked and abs(locked - d.tonnes) > ROUND_OFF:
            cells = tuple(sorted((lock.mill, lock.period) for lock in d.locked))
            found.append(
                Conflict(
                    (d.id,),
                    cells,
                    f"demand {d.id} is mandatory and whole but only {locked:g} of {d.tonnes:g} t is locked, on {_cells(cells)}",
                )
            )
    return found


def _locked_on(d: Demand, mill: int) -> bool:
    return any(lock.mill == mill and lock.period == 0 for lock in d.locked)


def _hours_conflicts(problem: Problem) -> list[Conflict]:
    """Groups of mills whose fixed needs exceed their hours, period by period."""
    # fixed needs by period: (demand, mills it may use, least hours it needs there)
    needs: dict[int, list[tuple[int, frozenset[int], float]]] = {}
    for d in problem.demands:
        options = {o.mill: o for o in d.options}
        for lock in d.locked:
            if lock.tonnes > 0:
                needs.setdefault(lock.period, []).append(
                    (d.id, frozenset((lock.mill,)), lock.tonnes * options[lock.mill].hours_per_tonne)
                )
        if d.mandatory and not (problem.settings.whole and d.locked):
            rest = d.tonnes - sum(lock.tonnes for lock in d.locked)
            mills = frozenset(o.mill for o in d.options if problem.hours.get((o.mill, 0), 0.0) > 0)
            if rest > ROUND_OFF and mills:
                fastest = min(options[m].hours_per_tonne for m in mills)
                needs.setdefault(0, []).append((d.id, mills, rest * fastest))
    locked = locked_lines(problem)
    found = []
    for period, items in sorted(needs.items()):
        mills = sorted(set().union(*(m for _, m, _ in items)))
        reported: list[frozenset[int]] = []
        largest = MAX_GROUP_MILLS if len(mills) <= MANY_MILLS else 2
        groups = [frozenset(g) for size in range(1, min(len(mills), largest) + 1) for g in combinations(mills, size)]
        if len(mills) > largest:
            groups.append(frozenset(mills))  # all of them together, as the last resort
        for group in groups:
            if any(r <= group for r in reported):
                continue  # a smaller group inside it already says it
            inside = [(d, h) for d, m, h in items if m <= group]
            need = sum(h for _, h in inside)
            have = sum(hours_room(problem.hours.get((m, period), 0.0), locked.get((m, period), ())) for m in group)
            if need > have + ROUND_OFF:
                reported.append(group)
                cells = tuple((m, period) for m in sorted(group))
                demands = tuple(sorted({d for d, _ in inside}))
                text = (
                    f"locked and mandatory lines of demands {_ids(demands)} need at least {need:,.1f} h "
                    f"on {_cells(cells)} but there are {have:,.1f} h"
                )
                found.append(Conflict(demands, cells, text))
    return found


def _ids(ids) -> str:
    return ", ".join(str(i) for i in sorted(set(ids)))


def _cells(cells) -> str:
    return ", ".join(f"mill {m} in period {t}" for m, t in sorted(cells))
