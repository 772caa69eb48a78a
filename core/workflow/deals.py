"""Deal acceptance: what a waiting deal would bring and load, and accepting or rejecting it
(the deal's sales manager is told which, and by whom)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from millplan.core.access.permissions import Action, actor_in, require
from millplan.core.domain.errors import MillplanError, StateError
from millplan.core.domain.i18n import _
from millplan.core.domain.months import Month
from millplan.core.domain.portfolio import Deal, DealStatus, Position
from millplan.core.domain.states import state_label, state_said
from millplan.core.domain.stored_text import Text, stored
from millplan.core.mail.notify import notify
from millplan.core.mail.recipients import manager_login, person
from millplan.core.planning.attributes import describe
from millplan.storage.store import Store
from millplan.storage.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class DealSummary:
    """A deal as the acceptance pane shows it.

    ``tonnes`` t left to make; ``marginal_income`` RUB if each position is made on its best
    mill; ``mill_hours`` h it would book per mill (best mill of each position);
    ``unplaceable`` position refs that no mill can make; ``months`` requested (first, last).
    """

    deal: Deal
    positions: tuple[Position, ...]
    tonnes: float
    marginal_income: Decimal
    mill_hours: dict[str, float]
    unplaceable: tuple[str, ...]
    months: tuple[Month, Month] | None


def summaries(store: Store, status: DealStatus = DealStatus.PENDING) -> list[DealSummary]:
    """Every deal in ``status`` (default: waiting for acceptance), summarised, by number."""
    with store.reading() as repo:
        plant = repo.plant.whole()
        deals = repo.plant.deals(status)
        positions = repo.plant.positions(deal_status=status)
    by_deal: dict[str, list] = {}
    for attrs in describe(plant, positions):
        by_deal.setdefault(attrs.position.deal_number, []).append(attrs)
    result = []
    for deal in deals:
        described = by_deal.get(deal.number, [])
        hours: dict[str, float] = {}
        income = Decimal(0)
        for attrs in described:
            best = attrs.best
            if best is None:
                continue
            tonnes = attrs.position.remaining_tonnes
            hours[best.mill.code] = hours.get(best.mill.code, 0.0) + tonnes * best.hours_per_tonne
            income += Decimal(repr(tonnes)) * best.unit_margin
        months = sorted(a.position.requested_month for a in described)
        result.append(
            DealSummary(
                deal=deal,
                positions=tuple(a.position for a in described),
                tonnes=sum(a.position.remaining_tonnes for a in described),
                marginal_income=income.quantize(Decimal("0.01")),
                mill_hours=hours,
                unplaceable=tuple(a.position.ref for a in described if a.best is None),
                months=(months[0], months[-1]) if months else None,
            )
        )
    return result


def accept(store: Store, number: str, *, login: str) -> Deal:
    """Accept a deal waiting for acceptance: the plant commits to it (status, time, who).

    Raises :class:`~millplan.core.domain.errors.NotFound` for an unknown deal, :class:`Forbidden` unless
    ``login`` is the director or the product-line manager of one of its lines, and
    :class:`StateError` for a deal not waiting for acceptance.
    """
    with store.unit_of_work() as repo:
        deal = repo.plant.deal(number)
        _require_decider(repo, store, deal, login)
        if deal.status is not DealStatus.PENDING:
            raise StateError(_not_waiting(number, deal.status))
        accepted = repo.plant.set_deal_status(number, DealStatus.ACCEPTED, login)
        _tell(
            repo,
            accepted,
            login,
            stored(
                "{who} accepted deal {number} ({customer}): the plant commits to it, and its positions are planned from now on.",
                who=person(repo, login),
                number=number,
                customer=deal.customer,
            ),
        )
        return accepted


def _not_waiting(number: str, status: DealStatus) -> str:
    """Why deal ``number`` in ``status`` cannot be accepted or rejected, in the user's language."""
    return _("deal {number} is {state}, not waiting for acceptance").format(number=number, state=state_label(status))


def reject(store: Store, number: str, reason: str, *, login: str) -> Deal:
    """Reject a deal waiting for acceptance, with the reason the sales manager will read.

    Raises :class:`MillplanError` for an empty reason, :class:`Forbidden` as for
    :func:`accept`, :class:`StateError` for a deal not waiting for acceptance.
    """
    if not reason or not reason.strip():
        raise MillplanError(_("rejecting deal {number} needs a reason").format(number=number))
    with store.unit_of_work() as repo:
        deal = repo.plant.deal(number)
        _require_decider(repo, store, deal, login)
        if deal.status is not DealStatus.PENDING:
            raise StateError(_not_waiting(number, deal.status))
        rejected = repo.plant.set_deal_status(number, DealStatus.REJECTED, login, reason=reason.strip())
        _tell(
            repo,
            rejected,
            login,
            stored(
                "{who} rejected deal {number} ({customer}): {reason}",
                who=person(repo, login),
                number=number,
                customer=deal.customer,
                reason=reason.strip(),
            ),
        )
        return rejected


def _tell(repo: UnitOfWork, deal: Deal, login: str, body: Text) -> None:
    """Notify the deal's sales manager of its acceptance or rejection by ``login`` (once
    per outcome; not when he decided it himself)."""
    manager = manager_login(repo, deal.sales_manager)
    if not manager:
        return  # a deal without a sales manager: nobody to tell
    notify(
        repo,
        login=manager,
        by=login,
        event=f"deal {deal.number} {deal.status.value}",
        kind=f"deal_{deal.status.value}",
        subject=stored("Deal {number} {status}", number=deal.number, status=state_said(deal.status)),
        body=body,
        object_key=deal.number,
    )


def _require_decider(repo: UnitOfWork, store: Store, deal: Deal, login: str) -> None:
    """Raise :class:`~millplan.core.domain.errors.Forbidden` unless ``login`` is the director or the
    product-line manager of one of the deal's product lines."""
    who = actor_in(repo, login, store)
    lines = sorted({p.product_line for p in repo.plant.positions(deal_number=deal.number)})
    line = next((l for l in lines if who.owns_line(l)), lines[0] if lines else None)
    require(who, Action.DECIDE_DEAL, line=line, target=deal.number)
