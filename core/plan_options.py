"""The product-line manager's edits of a month's plan options: mandatory positions and
positions locked to a mill and month. They are kept with the month's latest revision (an
approved one opens the next, as every edit does) and the next re-plan plans with them.
"""

from __future__ import annotations

from core.assignments import _editable, _latest
from core.errors import StateError
from core.horizon import MonthLock
from core.model import Assignment, parse_position_ref
from core.months import Month
from core.permissions import Action, actor_in, require
from core.planning import saved_options, with_hours
from storage.store import Store


def _edit(store: Store, month: Month, product_line: str, ref: str, login: str, action: str, change) -> Assignment:
    """Apply ``change(options, position) → options`` to the latest revision's options."""
    deal, number = parse_position_ref(ref)
    with store.unit_of_work() as repo:
        who = actor_in(repo, login, store)
        latest = _latest(repo, month, product_line)
        require(who, Action.EDIT_ASSIGNMENT, line=product_line, target=latest.key)
        position = repo.position(deal, number)
        if position.product_line != product_line:
            raise StateError(f"{position.ref} belongs to product line {position.product_line}, not {product_line}")
        options = change(saved_options(latest), position.ref)
        target = _editable(repo, latest, login)
        return with_hours(repo.set_options(target, options.as_dict(), login, action, position.ref), repo.plant())


def set_mandatory(store: Store, month: Month, product_line: str, ref: str, mandatory: bool, *, login: str) -> Assignment:
    """Make position ``ref`` mandatory in ``month`` (all its open tonnes in the month's
    assignment at the next re-plan), or optional again.

    Raises :class:`NotFound` for an unplanned month or unknown position,
    :class:`Forbidden` unless ``login`` is the line's product-line manager, and
    :class:`StateError` when it is already so, or belongs to another line.
    """
    def change(options, ref):
        if (ref in options.mandatory) == mandatory:
            raise StateError(f"{ref} is already {'mandatory' if mandatory else 'not mandatory'} in {month} {product_line}")
        kept = tuple(r for r in options.mandatory if r != ref)
        return options.changed(mandatory=kept + ((ref,) if mandatory else ()))

    return _edit(store, month, product_line, ref, login, "made mandatory" if mandatory else "made optional", change)


def set_month_lock(
    store: Store,
    month: Month,
    product_line: str,
    ref: str,
    *,
    login: str,
    mill: str | None = None,
    lock_month: Month | None = None,
    tonnes: float | None = None,
) -> Assignment:
    """Lock position ``ref`` on ``mill`` in ``lock_month`` (a month of the horizon; its
    open tonnes, or ``tonnes`` t) for the next re-plan — or, without ``mill``, release
    its month locks (only those in ``lock_month`` when given).

    Raises as :func:`set_mandatory` does, and :class:`StateError` when there is no month
    lock to release.
    """
    def change(options, ref):
        if mill is not None:
            kept = tuple(l for l in options.locks if not (l.position == ref and l.mill == mill and l.month == lock_month))
            return options.changed(locks=kept + (MonthLock(ref, mill, lock_month, tonnes),))
        kept = tuple(l for l in options.locks if not (l.position == ref and lock_month in (None, l.month)))
        if len(kept) == len(options.locks):
            raise StateError(f"{ref} has no month lock{' in ' + str(lock_month) if lock_month else ''} in {month} {product_line}")
        return options.changed(locks=kept)

    return _edit(store, month, product_line, ref, login, "locked to month" if mill else "month lock released", change)
