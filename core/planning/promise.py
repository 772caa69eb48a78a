"""Capable-to-promise: whether a new deal (or a position typed in by hand) can be made
by its requested month, and if not the earliest month that can; what it would displace,
and what that does to marginal income net of the lateness it causes.

For each product line of the new positions, the line is planned as :func:`millplan.core.planning.run.plan`
would (its latest revision's options, locks, hand exclusions; other months' assignments
taken off), over ``horizon`` months from the plan month (widened to reach the requested
month), without the new positions: the *baseline*. The search for the earliest month
against it is :mod:`millplan.core.planning.promise_search`; what the answer displaces and
what that costs, :mod:`millplan.core.planning.displacement`. Nothing is saved.

A promise runs under a :class:`~solver.control.Deadline` (given, else the caller's
:func:`millplan.solver.control.current`, else its own): cancelled, its solver stops and it raises
:class:`~solver.control.Cancelled`; its time limit (:data:`TIME_LIMIT` by default) holds for
all its solves together, and a solve cut short by it fails the promise rather than answer
from a plan not proven best.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal

from millplan.core.domain.errors import InvalidInput, NotFound, StateError
from millplan.core.domain.i18n import _
from millplan.core.domain.months import Month, month_text
from millplan.core.domain.numbers import plain, size
from millplan.core.domain.portfolio import DealStatus, Position
from millplan.core.planning.displacement import Displaced
from millplan.core.planning.inputs import line_inputs, plant_with_mills
from millplan.core.planning.options import horizon_refused
from millplan.core.planning.promise_search import line_promise
from millplan.solver import control, prioritiser
from millplan.solver.control import Deadline
from millplan.solver.problem import MAX_PERIODS, report_tonnes
from millplan.storage.store import Store

PROMISE_HORIZON = 6
"""Months a promise looks ahead from the plan month by default."""

TIME_LIMIT = 30.0
"""Seconds a promise gets, all its solves together, unless the caller gives another."""


@dataclass(frozen=True)
class Promise:
    """The answer for one deal or typed-in position.

    ``requested``: the month asked for (a deal's latest requested month, not before the
    plan month). ``earliest``: the first month by which all ``tonnes`` t can be made
    (``None``: not within the horizon, when ``made`` t at most can be); ``on_free_hours``:
    made on hours the plan leaves free, nothing displaced. ``by_month`` the new tonnes per
    month in that plan; ``displaced`` what it pushes back or out; ``margin_change`` RUB,
    net of ``lateness_penalty`` (RUB, the displaced positions' lateness caused) and of
    ``margin_lost`` (RUB, the marginal income of their tonnes pushed out of the horizon);
    ``unplaceable``: the new positions no mill can make, each with why.
    """

    subject: str
    plan_month: Month
    horizon: int
    requested: Month
    tonnes: float
    earliest: Month | None
    made: float
    by_month: dict[Month, float]
    on_free_hours: bool
    displaced: tuple[Displaced, ...]
    margin_change: Decimal
    lateness_penalty: Decimal
    margin_lost: Decimal = Decimal(0)
    unplaceable: tuple[str, ...] = ()

    @property
    def meets_request(self) -> bool:
        """All tonnes by the requested month (or earlier)."""
        return self.earliest is not None and self.earliest <= self.requested

    @property
    def margin_loss(self) -> Decimal | None:
        """RUB by which accepting it would lower the plant's marginal income (``None``:
        it does not)."""
        return -self.margin_change if self.margin_change < 0 else None


def promise_deal(
    store: Store,
    number: str,
    *,
    month: Month | None = None,
    horizon: int = PROMISE_HORIZON,
    time_limit: float = TIME_LIMIT,
    deadline: Deadline | None = None,
) -> Promise:
    """The promise for deal ``number`` (its positions with tonnes left) for its latest
    requested month, planned from ``month`` (default: next month), in at most
    ``time_limit`` s under ``deadline`` (see the module). Raises :class:`NotFound` for an
    unknown deal, :class:`StateError` for one with nothing left to make,
    :class:`MillplanError` when the time limit cuts a solve short, and
    :class:`~solver.control.Cancelled` when the deadline is cancelled."""
    with store.reading() as repo:
        repo.plant.deal(number)
        positions = [p for p in repo.plant.positions(deal_number=number) if p.remaining_tonnes > prioritiser.MIN_TONNES]
    if not positions:
        raise StateError(_("deal {number} has nothing left to make").format(number=number))
    requested = max(p.requested_month for p in positions)
    return _promise(
        store,
        _("deal {number}").format(number=number),
        positions,
        month,
        requested,
        horizon,
        _limited(deadline, time_limit),
    )


def promise_position(
    store: Store,
    *,
    product_line: str,
    od_mm: float,
    wall_mm: float,
    steel_grade: str,
    standard: str,
    tonnes: float,
    price: Decimal,
    metal_cost: Decimal,
    key_account: bool = False,
    month: Month | None = None,
    requested: Month | None = None,
    horizon: int = PROMISE_HORIZON,
    time_limit: float = TIME_LIMIT,
    deadline: Deadline | None = None,
) -> Promise:
    """The promise for one position typed in by hand (OD, wall mm; tonnes t; price and
    metal cost RUB/t) wanted by ``requested`` (default: the plan month ``month``, itself
    next month by default), in at most ``time_limit`` s under ``deadline`` as for
    :func:`promise_deal`. Raises :class:`InvalidInput` for non-positive sizes or tonnes,
    and as :func:`promise_deal` does for time and cancelling."""
    if min(od_mm, wall_mm, tonnes) <= 0 or wall_mm * 2 >= od_mm:
        raise InvalidInput(
            _(
                "a pipe {size} mm of {tonnes} t cannot be made: sizes and tonnes must be positive, wall under half the OD"
            ).format(size=size(od_mm, wall_mm), tonnes=plain(tonnes))
        )
    wanted = requested or month or Month.current() + 1
    typed = Position(
        id=0,
        deal_number="typed",
        position_no=1,
        customer="",
        is_key_account=key_account,
        sales_manager="",
        deal_status=DealStatus.PENDING,
        product_line=product_line,
        pipe_type="",
        od_mm=od_mm,
        wall_mm=wall_mm,
        steel_grade=steel_grade,
        standard=standard,
        length_m=None,
        tonnes_ordered=tonnes,
        tonnes_produced=0.0,
        price=price,
        metal_cost=metal_cost,
        requested_month=wanted,
    )
    subject = _("{size} {grade} {standard}, {tonnes} t").format(
        size=size(od_mm, wall_mm), grade=steel_grade, standard=standard, tonnes=plain(tonnes)
    )
    return _promise(store, subject, [typed], month, wanted, horizon, _limited(deadline, time_limit))


def _limited(deadline: Deadline | None, time_limit: float) -> Deadline:
    """The promise's deadline (``deadline``, else the caller's current one, else its own),
    held to ``time_limit`` s."""
    deadline = deadline or control.current() or Deadline()
    deadline.limit(time_limit)
    return deadline


def _promise(
    store: Store,
    subject: str,
    new: list[Position],
    month: Month | None,
    requested: Month,
    horizon: int,
    deadline: Deadline,
) -> Promise:
    if not 1 <= horizon <= MAX_PERIODS:
        raise InvalidInput(horizon_refused(horizon))
    current = Month.current()
    month = month or current + 1
    if month < current:
        raise InvalidInput(
            _("{month} is past: promise from the current month or a later one").format(month=month_text(month))
        )
    requested = max(requested, month)  # overdue already: as soon as possible
    if requested - month >= MAX_PERIODS:
        raise InvalidInput(
            _(
                "{subject} is wanted in {requested}, beyond {most} months from {month}: promise from a later month"
            ).format(subject=subject, requested=month_text(requested), most=MAX_PERIODS, month=month_text(month))
        )
    horizon = max(horizon, requested - month + 1)
    lines = sorted({p.product_line for p in new})
    with store.reading() as repo:
        plant = plant_with_mills(repo, None)
        missing = [l for l in lines if l not in plant.product_lines]
        if missing:
            raise NotFound(
                _("product line {line} has no mills (known: {known})").format(
                    line=", ".join(missing), known=", ".join(plant.product_lines)
                )
            )
        inputs, elsewhere = line_inputs(repo, plant, month, lines, current, {"horizon": horizon})
    # month locks beyond the promise's horizon do not bind within it
    inputs = [
        replace(
            inp, options=inp.options.changed(locks=tuple(l for l in inp.options.locks if l.month - month < horizon))
        )
        for inp in inputs
    ]
    with deadline.watching():
        answers = [
            line_promise(
                plant, month, requested - month, inp, elsewhere, [p for p in new if p.product_line == inp.product_line]
            )
            for inp in inputs
        ]
    by_month: dict[Month, float] = {}
    for answer in answers:
        for m, t in answer.made.items():
            by_month[m] = by_month.get(m, 0.0) + t
    earliest = [a.earliest for a in answers]
    displaced = tuple(d for a in answers for d in a.displaced)
    return Promise(
        subject=subject,
        plan_month=month,
        horizon=horizon,
        requested=requested,
        tonnes=report_tonnes(sum(p.remaining_tonnes for p in new)),
        earliest=None if None in earliest else max(earliest),
        made=report_tonnes(sum(by_month.values())),
        by_month=dict(sorted(by_month.items())),
        on_free_hours=all(a.on_free_hours for a in answers),
        displaced=displaced,
        margin_change=sum((a.margin_change for a in answers), Decimal(0)),
        lateness_penalty=sum((d.lateness_penalty for d in displaced), Decimal(0)),
        margin_lost=sum((d.margin_lost for d in displaced), Decimal(0)),
        unplaceable=tuple(ref for a in answers for ref in a.unplaceable),
    )
