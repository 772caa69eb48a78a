"""Plan against actual of a month (DESIGN.md, "The month's loop"): what each product line's
approved assignment in force planned, against what the mills made by the daily actuals.

Definitions (tonnes t, hours h, money RUB as ``Decimal``):

* **planned** — tonnes of the approved revision in force on that mill (and position);
* **actual** — tonnes the actuals of the month's days record;
* **credited** — per mill *and* position, the actual tonnes up to the planned tonnes there:
  a position made on a mill it was not planned on, or made beyond its plan, earns no credit;
* **off-plan** — actual less credited: made where it was not planned, or beyond the plan;
* **fulfilment %** — credited / planned × 100 (none where nothing was planned);
* **hours used** — actual tonnes / the mill's productivity for the position's size
  (:func:`~millplan.core.planning.attributes.productivity`), against the mill's **hours
  available** in the month (capacity calendar, else the nominal fund);
* **marginal income planned** — the revision's lines' marginal income; **earned** — actual
  tonnes × the unit marginal income of the position on the mill that made them
  (:func:`~millplan.core.planning.attributes.mill_option`), to the kopeck per mill and
  position;
* **to date** (the month in progress only): the days up to *yesterday* count, as today's
  report is not in yet — planned-to-date is the planned tonnes pro rata by calendar days
  (days before today / days of the month), actual-to-date the actuals of those days;
* **carry-over** — planned tonnes not made in the month, by position
  (:func:`~millplan.core.planning.carry_over.carry_over`).

A line whose month is closed shows the figures frozen at its close
(:mod:`millplan.core.planning.fulfilment_figures`), never recomputed.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from decimal import Decimal

from millplan.core.domain.actuals import Actual, CarryOver
from millplan.core.domain.assignment import Assignment
from millplan.core.domain.errors import NotFound
from millplan.core.domain.fulfilment import (
    Figures,
    LineFulfilment,
    MillFulfilment,
    MonthFulfilment,
    PositionFulfilment,
    summed,
)
from millplan.core.domain.i18n import _
from millplan.core.domain.months import Month, plant_today
from millplan.core.domain.plant import Plant
from millplan.core.domain.portfolio import Position
from millplan.core.planning.attributes import mill_option
from millplan.core.planning.carry_over import carry_over
from millplan.core.planning.fulfilment_figures import from_figures
from millplan.storage.store import Store
from millplan.storage.unit_of_work import UnitOfWork

_ZERO = Decimal(0)


def month_fulfilment(store: Store, month: Month, product_line: str | None = None) -> MonthFulfilment:
    """Plan against actual of ``month`` for ``product_line`` (every line of the plant, of an
    approved revision or with actuals, when ``None``). A read: anyone may look.

    Raises :class:`NotFound` for a product line the plant does not know.
    """
    with store.reading() as repo:
        return MonthFulfilment(month, tuple(read_lines(repo, month, product_line)))


def read_lines(repo: UnitOfWork, month: Month, product_line: str | None = None) -> list[LineFulfilment]:
    """Each line's :class:`LineFulfilment` of ``month`` (one, for ``product_line``), read in
    ``repo``'s unit of work — the month close calls it inside its own. Closed lines give
    the figures frozen at their close."""
    plant = repo.plant.whole()
    approved = {a.product_line: a for a in repo.assignments.approved_in_force(month)}
    if product_line is not None and product_line not in plant.product_lines and product_line not in approved:
        raise NotFound(
            _("product line {line} is not in the plant (known: {known})").format(
                line=product_line, known=", ".join(plant.product_lines) or _("none")
            )
        )
    actuals = repo.actuals.between(month.first_day, month.last_day, product_line=product_line)
    ids = {a.position_id for a in actuals}
    positions = {p.id: p for p in repo.plant.positions(ids=ids, product_line=product_line)} if ids else {}
    made: dict[str, list[Actual]] = {}
    for actual in actuals:
        made.setdefault(positions[actual.position_id].product_line, []).append(actual)
    names = [product_line] if product_line is not None else sorted({*plant.product_lines, *approved, *made})
    closes = {c.product_line: c for c in repo.closes.closes(month=month, product_line=product_line)}
    today = plant_today()
    in_progress = today if month.first_day <= today <= month.last_day else None
    disposed = repo.dispositions.disposed_ids()
    closers = repo.users.display_names(c.closed_by for c in closes.values())
    return [
        from_figures(closes[name], closers[closes[name].closed_by])
        if name in closes
        else line_fulfilment(
            plant, month, name, approved.get(name), made.get(name, []), positions, in_progress, disposed
        )
        for name in names
    ]


def line_fulfilment(
    plant: Plant,
    month: Month,
    product_line: str,
    revision: Assignment | None,
    made: list[Actual],
    positions: dict[int, Position],
    today: date | None = None,
    disposed: Collection[int] = frozenset(),
) -> LineFulfilment:
    """Plan against actual of one line from its approved ``revision`` (or none) and the
    month's actuals of its positions ``made``; ``positions`` by id hold every position
    made; ``today`` the plant's date while the month is in progress. Positions in
    ``disposed`` (a remainder cancelled, or closed as complete, in the stale-deal ledger)
    carry nothing over: nothing of them is left to make. Pure: no store."""
    planned: dict[tuple[str, int], float] = {}
    mi_planned: dict[tuple[str, int], Decimal] = {}
    refs: dict[int, tuple[str, bool]] = {}
    for line in revision.lines if revision else ():
        pair = (line.mill_code, line.position_id)
        planned[pair] = planned.get(pair, 0.0) + line.tonnes
        mi_planned[pair] = mi_planned.get(pair, _ZERO) + line.marginal_income
        refs[line.position_id] = (line.position_ref, line.is_key_account)
    days_to_date = (today - month.first_day).days if today else 0
    actual: dict[tuple[str, int], float] = {}
    by_day: dict[str, list[float]] = {}
    to_date: dict[str, float] = {}
    for a in made:
        pair = (a.mill_code, a.position_id)
        actual[pair] = actual.get(pair, 0.0) + a.tonnes
        by_day.setdefault(a.mill_code, [0.0] * month.days)[a.day.day - 1] += a.tonnes
        if a.day.day <= days_to_date:
            to_date[a.mill_code] = to_date.get(a.mill_code, 0.0) + a.tonnes
        refs.setdefault(a.position_id, (a.position_ref, positions[a.position_id].is_key_account))
    by_code = {m.code: m for m in plant.mills}
    pairs: dict[tuple[str, int], Figures] = {}
    hours: dict[str, float] = {}
    for pair in planned.keys() | actual.keys():
        code, pid = pair
        tonnes, plan = actual.get(pair, 0.0), planned.get(pair, 0.0)
        earned = _ZERO
        if tonnes:
            option = mill_option(plant, by_code[code], positions[pid])
            earned = (Decimal(repr(round(tonnes, 3))) * option.unit_margin).quantize(Decimal("0.01"))
            hours[code] = hours.get(code, 0.0) + tonnes * option.hours_per_tonne
        pairs[pair] = Figures(plan, tonnes, min(tonnes, plan), mi_planned.get(pair, _ZERO), earned)
    per_mill: dict[str, list[Figures]] = {m.code: [] for m in plant.mills if m.product_line == product_line}
    planned_by_mill: dict[str, float] = {}
    for (code, _pid), f in pairs.items():
        per_mill.setdefault(code, []).append(f)
        planned_by_mill[code] = planned_by_mill.get(code, 0.0) + f.planned_t
    mills = tuple(
        MillFulfilment(
            code,
            summed(per_mill[code]),
            hours.get(code, 0.0),
            plant.hours(by_code[code], month),
            # pro rata by calendar days: the days before today of the month's days
            planned_to_date_t=None if today is None else planned_by_mill.get(code, 0.0) * days_to_date / month.days,
            actual_to_date_t=None if today is None else to_date.get(code, 0.0),
            actual_by_day=tuple(by_day.get(code, [0.0] * month.days)),
        )
        for code in sorted(per_mill)
    )
    left = {pid: t for pid, t in carry_over(revision.lines if revision else (), made).items() if pid not in disposed}
    return LineFulfilment(
        month,
        product_line,
        revision.revision if revision else None,
        revision.approved_at if revision else None,
        revision.approved_by if revision else None,
        mills,
        _by_position(pairs, refs, left),
        tuple(CarryOver(pid, refs[pid][0], t) for pid, t in sorted(left.items(), key=lambda i: refs[i[0]][0])),
        today,
    )


def _by_position(
    pairs: dict[tuple[str, int], Figures], refs: dict[int, tuple[str, bool]], left: dict[int, float]
) -> tuple[PositionFulfilment, ...]:
    """Each position's figures over its mills, the largest shortfall (planned − credited) first."""
    by_id: dict[int, list[tuple[str, Figures]]] = {}
    for (code, pid), f in pairs.items():
        by_id.setdefault(pid, []).append((code, f))
    rows = [
        PositionFulfilment(
            refs[pid][0],
            refs[pid][1],
            summed(f for _, f in found),
            tuple(sorted(code for code, f in found if f.planned_t > 0)),
            tuple(sorted(code for code, f in found if f.actual_t > 0)),
            left.get(pid, 0.0),
        )
        for pid, found in by_id.items()
    ]
    rows.sort(key=lambda p: (-(p.figures.planned_t - p.figures.credited_t), -p.figures.off_plan_t, p.position_ref))
    return tuple(rows)
