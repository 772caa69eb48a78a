"""A month's plan options as the product-line manager edits them (the options themselves
are :class:`~millplan.core.planning.options.PlanOptions`): mandatory positions and positions
locked to a mill and month. They are kept with the month's latest revision (an
approved one opens the next, as every edit does) and the next re-plan plans with them.
"""

from __future__ import annotations

from millplan.core.access.permissions import Action, actor_in, require
from millplan.core.domain.assignment import Assignment
from millplan.core.domain.errors import StateError
from millplan.core.domain.i18n import _
from millplan.core.domain.months import Month, month_text
from millplan.core.domain.portfolio import parse_position_ref
from millplan.core.planning.inputs import saved_options
from millplan.core.planning.options import MonthLock
from millplan.core.planning.run import with_hours
from millplan.core.workflow.assignments import _editable, _latest
from millplan.storage.store import Store


def _edit(store: Store, month: Month, product_line: str, ref: str, login: str, action: str, change) -> Assignment:
    """Apply ``change(options, position) → (options, what)`` to the latest revision's
    options; ``what`` (mill, month, tonnes it holds the position to) goes to the audit log."""
    deal, number = parse_position_ref(ref)
    with store.unit_of_work() as repo:
        who = actor_in(repo, login, store)
        latest = _latest(repo, month, product_line)
        require(who, Action.EDIT_ASSIGNMENT, line=product_line, target=latest.key)
        position = repo.plant.position(deal, number)
        if position.product_line != product_line:
            raise StateError(
                _("{ref} belongs to product line {line}, not {wanted}").format(
                    ref=position.ref, line=position.product_line, wanted=product_line
                )
            )
        options, what = change(saved_options(latest), position)
        target = _editable(repo, latest, login)
        edit = {"position": position.ref, **what}
        return with_hours(
            repo.assignments.set_options(target, options.as_dict(), login, action, edit), repo.plant.whole()
        )


def set_mandatory(
    store: Store, month: Month, product_line: str, ref: str, mandatory: bool, *, login: str
) -> Assignment:
    """Make position ``ref`` mandatory in ``month`` (all its open tonnes in the month's
    assignment at the next re-plan), or optional again.

    Raises :class:`NotFound` for an unplanned month or unknown position,
    :class:`Forbidden` unless ``login`` is the line's product-line manager, and
    :class:`StateError` when it is already so, or belongs to another line.
    """

    def change(options, position):
        ref = position.ref
        if (ref in options.mandatory) == mandatory:
            said = (
                _("{ref} is already mandatory in {month} {line}")
                if mandatory
                else _("{ref} is already not mandatory in {month} {line}")
            )
            raise StateError(said.format(ref=ref, month=month_text(month), line=product_line))
        kept = tuple(r for r in options.mandatory if r != ref)
        what = {"month": str(month), "tonnes": position.remaining_tonnes} if mandatory else {}
        return options.changed(mandatory=kept + ((ref,) if mandatory else ())), what

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

    def change(options, position):
        ref = position.ref
        if mill is not None:
            kept = tuple(
                l for l in options.locks if not (l.position == ref and l.mill == mill and l.month == lock_month)
            )
            what = {
                "mill": [mill],
                "month": str(lock_month),
                "tonnes": position.remaining_tonnes if tonnes is None else tonnes,
            }
            return options.changed(locks=kept + (MonthLock(ref, mill, lock_month, tonnes),)), what
        released = [l for l in options.locks if l.position == ref and lock_month in (None, l.month)]
        if not released:
            said = (
                _("{ref} has no month lock in {lock_month} in {month} {line}")
                if lock_month
                else _("{ref} has no month lock in {month} {line}")
            )
            raise StateError(
                said.format(
                    ref=ref,
                    lock_month=month_text(lock_month) if lock_month else None,
                    month=month_text(month),
                    line=product_line,
                )
            )
        what = {"mill": sorted({l.mill for l in released}), "month": sorted({str(l.month) for l in released})}
        return options.changed(locks=tuple(l for l in options.locks if l not in released)), what

    return _edit(store, month, product_line, ref, login, "locked to month" if mill else "month lock released", change)
