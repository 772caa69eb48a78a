"""The Excel-era planning rule, kept as the baseline the prioritiser is measured against.

**Not for planning.** Before millplan the commercial department filled the month's
assignment by hand in a fixed order: key accounts first, then the positions paying the
most marginal income per tonne, each poured into its compatible mills in the mills' order
until their hours ran out. The rule never weighs a tonne against the mill-hours it costs,
so a well-paying but slow position can crowd out more income than it brings
(benchmarks/horizon_bench.py prints by how much on synthetic plants).

It reads the same :class:`~solver.problem.Problem` as the prioritiser and answers in the
same shape as :attr:`Solution.tonnes <solver.problem.Solution>`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from millplan.solver.problem import Demand, Problem

MIN_TONNES = 0.01
"""Less than ten kilograms left of a position or of a mill's hours is not worth a line."""


@dataclass(frozen=True, slots=True)
class GreedyPlan:
    """What the rule planned, in the prioritiser's terms (:class:`~solver.problem.Solution`):
    ``tonnes`` maps ``(demand id, mill, period)`` to t (positive entries only);
    ``key_account_tonnes``: key-account t made by their due month; ``gross_margin`` RUB
    = Σ t × margin per tonne; ``lateness_cost`` RUB = Σ t × months late × the settings'
    lateness penalty; ``margin`` = ``gross_margin − lateness_cost``."""

    tonnes: dict[tuple[int, int, int], float] = field(default_factory=dict)
    key_account_tonnes: float = 0.0
    gross_margin: float = 0.0
    lateness_cost: float = 0.0

    @property
    def margin(self) -> float:
        return self.gross_margin - self.lateness_cost


def plan(problem: Problem) -> GreedyPlan:
    """Fill the mills by the Excel-era rule.

    Locked lines are booked first, exactly as locked (a whole demand with locks gets
    nothing more). Then, period by period (0 .. ``settings.periods − 1``), the demands
    that are due by then — or within ``settings.early_months`` after it — and still have
    tonnes left are taken in the order: key accounts first, then by their best margin per tonne (RUB/t) on any mill,
    highest first (ties by id). Each goes into its mills in ascending mill order, as many
    tonnes as the mill's free hours (h) allow; with ``settings.whole`` a demand goes only
    whole, to the first mill with hours for all of it; a mill's minimum lot
    (``settings.min_lot``, t) is never undercut. Non-key tonnes are not planned where they
    would lose money (negative margin per tonne). Mandatory demands get no special care:
    the rule never had any.
    """
    settings = problem.settings
    free = dict(problem.hours)
    left = {d.id: d.tonnes for d in problem.demands}
    tonnes: dict[tuple[int, int, int], float] = {}

    def book(demand: Demand, mill: int, period: int, amount: float, hours_per_tonne: float) -> None:
        key = (demand.id, mill, period)
        tonnes[key] = tonnes.get(key, 0.0) + amount
        free[mill, period] = free.get((mill, period), 0.0) - amount * hours_per_tonne
        left[demand.id] -= amount

    placed = set()  # whole demands with locks: the planner has placed them, nothing more of them
    for demand in problem.demands:
        hours_per_tonne = {o.mill: o.hours_per_tonne for o in demand.options}
        for lock in demand.locked:
            if lock.mill in hours_per_tonne:  # a lock on a mill that cannot make it is no line
                book(demand, lock.mill, lock.period, lock.tonnes, hours_per_tonne[lock.mill])
        if settings.whole and demand.locked:
            placed.add(demand.id)

    order = sorted(problem.demands, key=_rank)
    for period in range(settings.periods):
        for demand in order:
            if demand.due > period + settings.early_months or left[demand.id] < MIN_TONNES or demand.id in placed:
                continue
            for option in sorted(demand.options, key=lambda o: o.mill):
                if option.margin_per_tonne < 0 and not demand.key_account:
                    continue
                room = (
                    free.get((option.mill, period), 0.0) / option.hours_per_tonne
                    if option.hours_per_tonne > 0
                    else float("inf")
                )
                if settings.whole:
                    amount = left[demand.id] if room >= left[demand.id] else 0.0
                else:
                    amount = min(room, left[demand.id])
                if amount < max(MIN_TONNES, settings.min_lot.get(option.mill, 0.0)):
                    continue
                book(demand, option.mill, period, amount, option.hours_per_tonne)
                if settings.whole or left[demand.id] < MIN_TONNES:
                    break

    due = {d.id: max(d.due, 0) for d in problem.demands}  # an overdue demand's past lateness is sunk
    key_accounts = {d.id for d in problem.demands if d.key_account}
    margins = {(d.id, o.mill): o.margin_per_tonne for d in problem.demands for o in d.options}
    return GreedyPlan(
        tonnes=tonnes,
        key_account_tonnes=sum(t for (d, _, p), t in tonnes.items() if d in key_accounts and p <= due[d]),
        gross_margin=sum(t * margins[d, m] for (d, m, _), t in tonnes.items()),
        lateness_cost=sum(t * max(0, p - due[d]) for (d, _, p), t in tonnes.items()) * settings.lateness_penalty,
    )


def _rank(demand: Demand) -> tuple[bool, float, int]:
    best = max((o.margin_per_tonne for o in demand.options), default=0.0)
    return (not demand.key_account, -best, demand.id)
