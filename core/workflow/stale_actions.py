"""What the product-line manager does with stale positions, in batches: extend (a new
requested month, the client's confirmation noted), change the manual priority, cancel the
remainder, close as complete, and restore (undo a cancel or a close).

Each batch is one transaction: every position is resolved and checked (who may, what state
it is in) before anything is written, so one refusal or unknown reference changes nothing.
Each change is audited on its position (``stale_<action>``, with the reason and the
confirmation), and each sales manager concerned gets one notification listing his
positions. A cancelled remainder stays on record (``tonnes_cancelled``) and leaves the
order book, the plan's inputs and the load at once; nothing is deleted.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from millplan.core.access.permissions import Action, actor_in, require
from millplan.core.domain.errors import InvalidInput, NotFound, StateError
from millplan.core.domain.i18n import _
from millplan.core.domain.months import Month, month_text
from millplan.core.domain.notices import Item
from millplan.core.domain.portfolio import Position, parse_position_ref
from millplan.core.domain.stale import Disposition, disposition_verb
from millplan.core.domain.stored_text import Figure, Message, lines, stored
from millplan.core.mail.notify import NewNotification, notify_all
from millplan.core.mail.recipients import managers, person
from millplan.core.planning.capacity import mark_and_tell
from millplan.storage.store import Store
from millplan.storage.unit_of_work import UnitOfWork

PRIORITIES = (1, 2, 3)
"""Manual priorities, 1 the highest (``None``: no manual priority)."""


def parse_priority(text: str) -> int | None:
    """A manual priority as typed: ``1``, ``2``, ``3``, or ``none`` (also ``-`` or empty)
    for none. Raises :class:`InvalidInput` for anything else."""
    word = text.strip().lower()
    if word in ("none", "-", ""):
        return None
    if word in {str(p) for p in PRIORITIES}:
        return int(word)
    raise InvalidInput(_("priority must be 1, 2, 3 or none, not {value!r}").format(value=text))


@dataclass(frozen=True)
class Disposal:
    """One batch done: ``disposition`` with ``reason`` on ``positions`` (as they are now),
    the client's ``confirmation`` of an extension, the logins told, and the revisions
    (``YYYY-MM/LINE/rN``) marked stale because they plan a cancelled or closed position."""

    disposition: Disposition
    reason: str
    positions: tuple[Position, ...]
    told: tuple[str, ...]
    confirmation: str | None = None
    stale: tuple[str, ...] = ()


def extend(
    store: Store, targets: Sequence[str], to: Month, *, login: str, reason: str, confirmation: str | None = None
) -> Disposal:
    """Give the positions ``targets`` (``DEAL#NO``, or a deal number for all its open
    positions) the new requested month ``to``, not before the current month; the client's
    ``confirmation`` is kept in the audit and told to the sales manager. Errors: see
    :func:`dispose`; :class:`InvalidInput` for a month in the past."""
    if to < Month.current():
        raise InvalidInput(
            _("cannot extend to {month}: it is past (the current month is {current})").format(
                month=month_text(to), current=month_text(Month.current())
            )
        )
    return dispose(
        store, Disposition.EXTEND, targets, login=login, reason=reason, to_month=to, confirmation=confirmation
    )


def prioritise(store: Store, targets: Sequence[str], priority: int | None, *, login: str, reason: str) -> Disposal:
    """Set the manual priority (1 highest … 3, ``None``: none) of the positions ``targets``.
    Errors: see :func:`dispose`; :class:`InvalidInput` for another priority."""
    if priority is not None and priority not in PRIORITIES:
        raise InvalidInput(_("priority must be 1, 2, 3 or none, not {value}").format(value=priority))
    return dispose(store, Disposition.PRIORITY, targets, login=login, reason=reason, priority=priority)


def cancel(store: Store, targets: Sequence[str], *, login: str, reason: str) -> Disposal:
    """Cancel the remainder of the positions ``targets``: what is left to make becomes
    cancelled tonnes (kept on record), out of the order book, the plan and the load.
    Errors: see :func:`dispose`."""
    return dispose(store, Disposition.CANCEL, targets, login=login, reason=reason)


def close(store: Store, targets: Sequence[str], *, login: str, reason: str) -> Disposal:
    """Close the positions ``targets`` as complete: nothing more is to be made of them.
    Errors: see :func:`dispose`."""
    return dispose(store, Disposition.CLOSE, targets, login=login, reason=reason)


def restore(store: Store, targets: Sequence[str], *, login: str, reason: str) -> Disposal:
    """Undo a cancel or a close of the positions ``targets`` (a deal number: those of its
    positions cancelled or closed): their remainder is to make again. Errors: see
    :func:`dispose`."""
    return dispose(store, Disposition.RESTORE, targets, login=login, reason=reason)


def dispose(
    store: Store,
    disposition: Disposition,
    targets: Sequence[str],
    *,
    login: str,
    reason: str,
    to_month: Month | None = None,
    priority: int | None = None,
    confirmation: str | None = None,
) -> Disposal:
    """Apply ``disposition`` to every position ``targets`` names, all or nothing.

    Raises :class:`InvalidInput` for no target or an empty reason, :class:`NotFound` for a
    reference or deal number not stored (or a deal with no position it applies to),
    :class:`~millplan.core.domain.errors.Forbidden` unless ``login`` is the product-line
    manager of every position's line, :class:`StateError` for a position with nothing left
    to make (a restore: one neither cancelled nor closed). The message names the position.
    """
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(
            _("a reason is needed to {action} a position (--reason)").format(action=disposition_verb(disposition))
        )
    if not targets:
        raise InvalidInput(_("name at least one position (DEAL#NO) or deal"))
    with store.unit_of_work() as repo:
        who = actor_in(repo, login, store)
        positions = _resolve(repo, disposition, targets)
        for p in positions:
            require(who, Action.DISPOSE_STALE, line=p.product_line, target=p.ref)
        for p in positions:
            _check_state(p, disposition)
        noted = {"confirmation": confirmation.strip()} if confirmation and confirmation.strip() else None
        for p in positions:
            values = _values(p, disposition, to_month, priority)
            repo.dispositions.apply(p.id, disposition, values, login, reason, noted)
        after = tuple(repo.plant.positions(ids=[p.id for p in positions]))
        stale = _mark_plans(repo, disposition, positions, login, reason)
        told = _tell(repo, disposition, positions, after, login, reason, noted)
        return Disposal(disposition, reason, after, told, noted["confirmation"] if noted else None, stale)


def _resolve(repo: UnitOfWork, disposition: Disposition, targets: Sequence[str]) -> list[Position]:
    """The positions ``targets`` name, each once, in the order named."""
    found: dict[int, Position] = {}
    for target in targets:
        text = target.strip()
        if "#" in text:
            position = repo.plant.position(*parse_position_ref(text))
            found.setdefault(position.id, position)
            continue
        of_deal = repo.plant.positions(deal_number=text)
        if not of_deal:
            raise NotFound(_("{target} is neither a position (DEAL#NO) nor a deal in the store").format(target=text))
        if disposition is Disposition.RESTORE:
            chosen = [p for p in of_deal if p.completed or p.tonnes_cancelled > 0]
        else:
            chosen = [p for p in of_deal if p.remaining_tonnes > 0]
        if not chosen:
            raise NotFound(
                _("deal {deal} has no position to {action}").format(deal=text, action=disposition_verb(disposition))
            )
        for p in chosen:
            found.setdefault(p.id, p)
    return list(found.values())


def applies(p: Position, disposition: Disposition) -> bool:
    """Whether ``disposition`` can act on ``p`` as it stands: restore only a cancelled or
    closed position, the others only one with tonnes left to make (what a front offers)."""
    if disposition is Disposition.RESTORE:
        return p.completed or p.tonnes_cancelled > 0
    return p.remaining_tonnes > 0


def _check_state(p: Position, disposition: Disposition) -> None:
    if applies(p, disposition):
        return
    if disposition is Disposition.RESTORE:
        raise StateError(_("{ref} is neither cancelled nor closed: nothing to restore").format(ref=p.ref))
    state = _("closed as complete") if p.completed else _("has nothing left to make")
    raise StateError(
        _("{ref} {state}: cannot {action} it (millplan stale restore brings a cancelled or closed one back)").format(
            ref=p.ref, state=state, action=disposition_verb(disposition)
        )
    )


def _values(p: Position, disposition: Disposition, to_month: Month | None, priority: int | None) -> dict[str, Any]:
    """The position fields ``disposition`` sets."""
    if disposition is Disposition.EXTEND:
        return {"requested_month": str(to_month)}
    if disposition is Disposition.PRIORITY:
        return {"manual_priority": priority}
    if disposition is Disposition.CANCEL:
        return {"tonnes_cancelled": p.tonnes_cancelled + p.remaining_tonnes}
    if disposition is Disposition.CLOSE:
        return {"completed_at": datetime.now(UTC)}
    return {"tonnes_cancelled": 0.0, "completed_at": None}


def _mark_plans(
    repo: UnitOfWork, disposition: Disposition, positions: list[Position], login: str, reason: str
) -> tuple[str, ...]:
    """After a cancel or a close: mark stale every unapproved latest revision of the current
    month or later that plans some of ``positions`` (it must be re-planned without them),
    telling the line's managers; the keys of the revisions marked."""
    if disposition not in (Disposition.CANCEL, Disposition.CLOSE):
        return ()
    by_id = {p.id: p for p in positions}
    marked = []
    for (month, line), ids in sorted(repo.assignments.latest_holding(list(by_id), Month.current()).items()):
        refs = ", ".join(sorted(by_id[i].ref for i in ids))
        change = (
            stored("re-plan: {refs}'s remainder was cancelled", refs=refs)
            if disposition is Disposition.CANCEL
            else stored("re-plan: {refs} was closed as complete", refs=refs)
        )
        marked += [a.key for a in mark_and_tell(repo, month, line, [change], login, reason)]
    return tuple(marked)


def _item(disposition: Disposition, before: Position, after: Position) -> Message:
    """One line saying what happened to a position, to store (said in each reader's language)."""
    if disposition is Disposition.EXTEND:
        return stored(
            "{ref}: requested month {old} → {new}", ref=after.ref, old=before.requested_month, new=after.requested_month
        )
    if disposition is Disposition.PRIORITY:
        return stored(
            "{ref}: priority {old} → {new}",
            ref=after.ref,
            old=before.manual_priority or "—",
            new=after.manual_priority or "—",
        )
    if disposition is Disposition.CANCEL:
        return stored("{ref}: remainder of {tonnes} t cancelled", ref=after.ref, tonnes=Figure(before.remaining_tonnes))
    if disposition is Disposition.CLOSE:
        return stored(
            "{ref}: closed as complete ({tonnes} t were left)", ref=after.ref, tonnes=Figure(before.remaining_tonnes)
        )
    return stored("{ref}: restored, {tonnes} t to make again", ref=after.ref, tonnes=Figure(after.remaining_tonnes))


def _subject(disposition: Disposition, who: str, count: int) -> Message:
    """A notification's subject: ``who`` did ``disposition`` to ``count`` of the reader's positions."""
    if disposition is Disposition.EXTEND:
        return stored("{who} extended {count} of your positions", who=who, count=count)
    if disposition is Disposition.PRIORITY:
        return stored("{who} changed the priority of {count} of your positions", who=who, count=count)
    if disposition is Disposition.CANCEL:
        return stored("{who} cancelled the remainder of {count} of your positions", who=who, count=count)
    if disposition is Disposition.CLOSE:
        return stored("{who} closed {count} of your positions as complete", who=who, count=count)
    return stored("{who} restored {count} of your positions", who=who, count=count)


def _tell(
    repo: UnitOfWork,
    disposition: Disposition,
    before: list[Position],
    after: tuple[Position, ...],
    login: str,
    reason: str,
    noted: dict[str, str] | None,
) -> tuple[str, ...]:
    """One notification per sales manager listing his positions of the batch; the logins told."""
    now = {p.id: p for p in after}
    who = managers(repo)
    by_login: dict[str, list[Item]] = {}
    for p in before:
        manager = who.login(p.sales_manager)
        if manager:
            by_login.setdefault(manager, []).append(
                Item(p.ref, f"stale_{disposition.value}", _item(disposition, p, now[p.id]), reason)
            )
    stamp = datetime.now(UTC).isoformat()
    batch = hashlib.sha256(("\n".join(sorted(p.ref for p in before)) + stamp).encode()).hexdigest()[:16]
    name = person(repo, login)
    notes = []
    for manager, items in sorted(by_login.items()):
        said = [i.text for i in items] + [stored("Reason: {reason}", reason=reason)]
        if noted:
            said.append(stored("Client's confirmation: {text}", text=noted["confirmation"]))
        notes.append(
            NewNotification(
                login=manager,
                event=f"stale_{disposition.value}:{batch}",
                kind=f"stale_{disposition.value}",
                subject=_subject(disposition, name, len(items)),
                body=lines(*said),
                object_key=items[0].ref if len(items) == 1 else items[0].ref.rpartition("#")[0],
                items=tuple(items),
            )
        )
    notify_all(repo, notes, by=login)
    return tuple(n.login for n in notes if n.login != login)
