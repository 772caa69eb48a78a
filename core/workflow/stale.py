"""The stale-deal ledger (DESIGN.md, "Stale accepted deals control"): accepted positions
with tonnes left to make that have waited too long, why, and what they hold.

A position of an accepted deal with tonnes left (``remaining_tonnes`` at least
:data:`~millplan.core.domain.stale.NEGLIGIBLE_TONNES`, half a tonne: less reads as 0 t left)
is stale for each of these that holds (all are listed):

* ``overdue`` — its requested month is more than ``months_overdue`` months before the
  current one;
* ``unplanned`` — it is due (its requested month is the current one or earlier), its deal
  was accepted more than ``accepted_days`` days ago, and no approved revision of any month
  has a line of it;
* ``idle`` — production started (an actual exists) and nothing was made for it for
  ``idle_days`` days or more;
* ``no_mill`` — no mill can make it (the planner's compatibility rule,
  :mod:`millplan.core.planning.attributes`).

The limits are settings (:class:`~millplan.core.domain.stale.StaleLimits`), shown and set
with :func:`limits` and :func:`set_limits`.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from millplan.core.access.permissions import Action, actor_in, require
from millplan.core.domain.errors import NotFound
from millplan.core.domain.i18n import _
from millplan.core.domain.months import Month, plant_today
from millplan.core.domain.plant import Plant
from millplan.core.domain.portfolio import DealStatus, Position
from millplan.core.domain.stale import (
    ACCEPTED_DAYS_KEY,
    IDLE_DAYS_KEY,
    MONTHS_OVERDUE_KEY,
    NEGLIGIBLE_TONNES,
    Disposed,
    DisposedState,
    StaleLimits,
    StaleReason,
)
from millplan.core.planning.load import read_bookings
from millplan.core.planning.open_book import described_open_book
from millplan.storage.store import Store
from millplan.storage.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class StalePosition:
    """One line of the ledger: the position (with its deal's customer, key flag and sales
    manager), when its deal was accepted (UTC, ``None`` if unknown), its age in days since
    acceptance, whole months past its requested month (0 when not past), tonnes left (t),
    the marginal income at stake (RUB: tonnes left × its best mill's unit marginal income;
    ``None`` when no mill can make it), the mill hours it holds on the load horizon (h, by
    mill code: its lines in assignments in force, the rest on its best mill), the last day
    anything was made for it, and why it is stale."""

    position: Position
    accepted_at: datetime | None
    age_days: int | None
    months_overdue: int
    tonnes_left: float
    margin_at_stake: Decimal | None
    mill_hours: dict[str, float]
    last_made: date | None
    reasons: tuple[StaleReason, ...]

    @property
    def hours(self) -> float:
        """All mill hours it holds (h)."""
        return sum(self.mill_hours.values())


@dataclass(frozen=True)
class Ledger:
    """The stale positions (filtered) as of ``today`` under ``limits``."""

    today: date
    limits: StaleLimits
    rows: tuple[StalePosition, ...]


def limits_in(repo: UnitOfWork) -> StaleLimits:
    """The limits stored in the settings (each default where none is stored)."""
    default = StaleLimits()
    return StaleLimits(
        int(repo.settings.get(MONTHS_OVERDUE_KEY, default.months_overdue)),
        int(repo.settings.get(ACCEPTED_DAYS_KEY, default.accepted_days)),
        int(repo.settings.get(IDLE_DAYS_KEY, default.idle_days)),
    )


def limits(store: Store) -> StaleLimits:
    """The ledger's limits as stored (:func:`limits_in`)."""
    with store.reading() as repo:
        return limits_in(repo)


def set_limits(
    store: Store,
    *,
    login: str,
    months_overdue: int | None = None,
    accepted_days: int | None = None,
    idle_days: int | None = None,
) -> StaleLimits:
    """Change the limits given (``None`` keeps one); each change audited as a setting.

    Raises :class:`~millplan.core.domain.errors.Forbidden` unless ``login`` is a
    product-line manager or an admin, :class:`~millplan.core.domain.errors.InvalidInput`
    for a negative or non-whole limit. Returns the limits now in force.
    """
    with store.unit_of_work() as repo:
        require(actor_in(repo, login, store), Action.SET_STALE_LIMITS, target="stale limits")
        current = limits_in(repo)
        wanted = StaleLimits(
            current.months_overdue if months_overdue is None else months_overdue,
            current.accepted_days if accepted_days is None else accepted_days,
            current.idle_days if idle_days is None else idle_days,
        )
        for key, value in wanted.as_settings().items():
            if value != current.as_settings()[key]:
                repo.settings.put(key, value, login, "millplan stale settings")
        return wanted


def reasons_of(
    position: Position,
    *,
    today: date,
    limits: StaleLimits,
    accepted_at: datetime | None,
    planned: bool,
    last_made: date | None,
    makeable: bool,
) -> tuple[StaleReason, ...]:
    """Why ``position`` is stale as of ``today`` under ``limits`` (empty: it is not), in
    :class:`StaleReason` order. ``planned``: an approved revision has a line of it;
    ``last_made``: the last day an actual was made for it (``None``: never);
    ``makeable``: some mill can make it. A remainder below :data:`NEGLIGIBLE_TONNES` is
    never stale."""
    if position.deal_status is not DealStatus.ACCEPTED or position.remaining_tonnes < NEGLIGIBLE_TONNES:
        return ()
    found = []
    if Month.of(today) - position.requested_month > limits.months_overdue:
        found.append(StaleReason.OVERDUE)
    due = position.requested_month <= Month.of(today)
    if due and accepted_at is not None and not planned and (today - accepted_at.date()).days > limits.accepted_days:
        found.append(StaleReason.UNPLANNED)
    if last_made is not None and (today - last_made).days >= limits.idle_days:
        found.append(StaleReason.IDLE)
    if not makeable:
        found.append(StaleReason.NO_MILL)
    return tuple(found)


def ledger(
    store: Store,
    *,
    today: date | None = None,
    customer: str | None = None,
    manager: str | None = None,
    line: str | None = None,
    key_account: bool | None = None,
    reasons: Collection[StaleReason] = (),
    text: str | None = None,
) -> Ledger:
    """The stale positions of the accepted book, by deal and position number, filtered:
    ``customer`` and ``manager`` match a part of the name (case aside), ``line`` the product
    line exactly, ``key_account`` the customer's flag, ``reasons`` keep positions stale for
    any of them, ``text`` a part of the customer, the sales manager or the position's
    reference. Read in one transaction. Raises :class:`NotFound` for a ``line`` the plant
    does not have (the message names the known lines)."""
    today = today or plant_today()
    with store.reading() as repo:
        stale_limits = limits_in(repo)
        plant = repo.plant.whole()
        _check_line(repo, plant, line)
        accepted = {number: at for number, (_status, at, _by) in repo.plant.deal_states().items()}
        planned = repo.assignments.approved_positions()
        spans = repo.actuals.made_span()
        described = described_open_book(repo, line)
        booked = read_bookings(repo, described, today)
    hours: dict[int, dict[str, float]] = {}
    for b in booked.items:
        held = hours.setdefault(b.position_id, {})
        held[b.mill_code] = held.get(b.mill_code, 0.0) + b.hours
    rows = []
    for attrs in described:
        p = attrs.position
        accepted_at = accepted.get(p.deal_number)
        last_made = spans[p.id][1] if p.id in spans else None
        why = reasons_of(
            p,
            today=today,
            limits=stale_limits,
            accepted_at=accepted_at,
            planned=p.id in planned,
            last_made=last_made,
            makeable=attrs.best is not None,
        )
        if not why or not _kept(p, why, customer, manager, line, key_account, reasons, text):
            continue
        left = p.remaining_tonnes
        rows.append(
            StalePosition(
                position=p,
                accepted_at=accepted_at,
                age_days=(today - accepted_at.date()).days if accepted_at else None,
                months_overdue=max(0, Month.of(today) - p.requested_month),
                tonnes_left=left,
                margin_at_stake=None
                if attrs.best is None
                else (Decimal(repr(left)) * attrs.best.unit_margin).quantize(Decimal("0.01")),
                mill_hours=hours.get(p.id, {}),
                last_made=last_made,
                reasons=why,
            )
        )
    return Ledger(today, stale_limits, tuple(rows))


@dataclass(frozen=True)
class DisposedPosition:
    """A position the ledger's actions took out of the book: its remainder cancelled or the
    position closed as complete (``disposed``: tonnes cancelled, when closed, and the last
    ``stale_cancel``/``stale_close`` audit entry's time and login) — what ``restore`` undoes;
    ``who`` is that login for people (the user's name, else the login; ``None``: no audit entry)."""

    position: Position
    disposed: Disposed
    who: str | None = None

    @property
    def state(self) -> DisposedState:
        """Closed as complete, or its remainder cancelled."""
        return DisposedState.CLOSED if self.disposed.completed_at is not None else DisposedState.CANCELLED


def disposed(
    store: Store,
    *,
    customer: str | None = None,
    manager: str | None = None,
    line: str | None = None,
    key_account: bool | None = None,
    text: str | None = None,
) -> tuple[DisposedPosition, ...]:
    """The cancelled and closed positions, by deal and position number, filtered as the
    ledger is (:func:`ledger`). Raises :class:`NotFound` for an unknown ``line``."""
    with store.reading() as repo:
        _check_line(repo, repo.plant.whole(), line)
        found = repo.dispositions.disposed()
        positions = repo.plant.positions(ids=list(found)) if found else []
        names = repo.users.display_names(d.by for d in found.values() if d.by)
    return tuple(
        DisposedPosition(p, found[p.id], names.get(found[p.id].by or ""))
        for p in sorted(positions, key=lambda p: (p.deal_number, p.position_no))
        if _kept(p, (), customer, manager, line, key_account, (), text)
    )


def _check_line(repo: UnitOfWork, plant: Plant, line: str | None) -> None:
    """Raise :class:`NotFound` for a product line neither a mill nor a position has (the
    positions no mill can make have a line all the same)."""
    if line is None or line in plant.product_lines:
        return
    known = sorted({*plant.product_lines, *repo.plant.position_lines()})
    if line not in known:
        raise NotFound(
            _("product line {line} is not in the plant (known: {known})").format(
                line=line, known=", ".join(known) or _("none")
            )
        )


def _kept(
    p: Position,
    why: tuple[StaleReason, ...],
    customer: str | None,
    manager: str | None,
    line: str | None,
    key_account: bool | None,
    reasons: Collection[StaleReason],
    text: str | None,
) -> bool:
    """Whether a stale position passes the ledger's filters (see :func:`ledger`)."""
    if customer and customer.casefold() not in p.customer.casefold():
        return False
    if manager and manager.casefold() not in p.sales_manager.casefold():
        return False
    if line and p.product_line != line:
        return False
    if key_account is not None and p.is_key_account != key_account:
        return False
    if reasons and not set(reasons) & set(why):
        return False
    if text:
        needle = text.casefold()
        return any(needle in field.casefold() for field in (p.customer, p.sales_manager, p.ref))
    return True
