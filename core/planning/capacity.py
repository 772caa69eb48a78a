"""The production planner's change of a mill's hours in a month (maintenance, extra shifts)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from millplan.core.access.permissions import Action, actor_in, require
from millplan.core.domain.assignment import Assignment
from millplan.core.domain.errors import InvalidInput, NotFound
from millplan.core.domain.i18n import _
from millplan.core.domain.months import Month, month_text
from millplan.core.domain.people import Role
from millplan.core.domain.plant import Plant
from millplan.core.domain.stored_text import Figure, Joined, Text, stored
from millplan.core.domain.workflow import key_said
from millplan.core.mail.notify import notify_role
from millplan.core.mail.recipients import person
from millplan.storage.store import Store
from millplan.storage.unit_of_work import UnitOfWork

STALE_KIND = "stale"
"""Notification kind of a revision a change made stale (a mill's hours, a cancelled or closed position)."""


@dataclass(frozen=True)
class CapacityChange:
    """``mill_code``'s hours in ``month`` went from ``before`` to ``after`` (h); ``stale``
    are the revisions this marked stale (the line's unapproved latest revision of the
    month, if any): they must be re-planned before approval."""

    mill_code: str
    month: Month
    before: float
    after: float
    stale: tuple[Assignment, ...]


def set_hours(store: Store, mill_code: str, month: Month, hours: float, *, login: str, reason: str) -> CapacityChange:
    """Set the available hours (h) of mill ``mill_code`` in ``month``, with the reason
    (audited under ``MILL/YYYY-MM``). The latest revision of that month for the mill's
    product line, unless approved, is marked stale — approval refused until re-planned;
    an approved one stays in force (a re-plan opens the next revision).

    Raises :class:`InvalidInput` for negative hours or an empty reason, :class:`NotFound`
    for an unknown mill, :class:`Forbidden` unless ``login`` is a production planner.
    """
    if hours < 0:
        raise InvalidInput(
            _("hours of {mill} in {month} cannot be negative ({hours})").format(
                mill=mill_code, month=month_text(month), hours=hours
            )
        )
    if not (reason and reason.strip()):
        raise InvalidInput(
            _("changing the hours of {mill} in {month} needs a reason (e.g. maintenance)").format(
                mill=mill_code, month=month_text(month)
            )
        )
    with store.unit_of_work() as repo:
        require(actor_in(repo, login, store), Action.SET_CAPACITY, target=f"{mill_code}/{month}")
        plant = repo.plant.whole()
        try:
            mill = plant.mill(mill_code)
        except KeyError:
            raise NotFound(
                _("mill {mill} is not in the register (known: {known})").format(
                    mill=mill_code, known=", ".join(m.code for m in plant.mills)
                )
            ) from None
        before = plant.hours(mill, month)
        repo.plant.upsert_capacity([(mill_code, month, float(hours))], login, reason.strip())
        stale = mark_stale(repo, plant, [(mill_code, month, float(hours))], login, reason.strip())
        return CapacityChange(mill_code, month, before, float(hours), tuple(stale))


def mark_stale(
    repo: UnitOfWork, before: Plant, hours: Iterable[tuple[str, Month, float]], login: str, why: str
) -> list[Assignment]:
    """Mark stale the unapproved latest revision of each (month, line) whose mill's hours
    change from ``before`` to the given ``(mill code, month, hours)``; mills new to the
    register are skipped. The product-line managers of each marked revision's line are
    told (not ``login`` himself). Returns the revisions marked (see ``AssignmentRepository.mark_stale``)."""
    reasons: dict[tuple[Month, str], list[Text]] = {}
    for code, month, new in hours:
        try:
            mill = before.mill(code)
        except KeyError:
            continue
        old = before.hours(mill, month)
        if abs(old - new) > 1e-9:
            reasons.setdefault((month, mill.product_line), []).append(
                stored(
                    "{mill} hours in {month} changed from {old} h to {new} h",
                    mill=code,
                    month=month,
                    old=Figure(old),
                    new=Figure(new),
                )
            )
    stale: list[Assignment] = []
    for (month, line), changes in sorted(reasons.items()):
        stale += mark_and_tell(repo, month, line, changes, login, why)
    return stale


def mark_and_tell(
    repo: UnitOfWork, month: Month, line: str, changes: Iterable[str | Text], login: str, why: str
) -> list[Assignment]:
    """Mark the unapproved latest revision of (``month``, ``line``) stale (if any) for the
    ``changes`` (short sentences, best messages to store) ``login`` made and ``why`` (as
    typed, or a file's name), and tell the line's product-line managers (not ``login``
    himself) it must be re-planned. Returns the revisions marked."""
    changed = Joined("; ", tuple(changes))
    marked = repo.assignments.mark_stale(
        month,
        line,
        stored("{changes} by {person} ({why})", changes=changed, person=person(repo, login), why=why),
        login,
    )
    for revision in marked:
        notify_role(
            repo,
            Role.LINE_MANAGER,
            line=line,
            event=f"{revision.key} stale v{revision.version}",
            kind=STALE_KIND,
            subject=stored("{key} is stale: re-plan it", key=key_said(revision.key)),
            body=stored(
                "{changes} by {who} ({why}): the {key} revision cannot be submitted or approved until re-planned.",
                who=person(repo, login),
                changes=changed,
                why=why,
                key=key_said(revision.key),
            ),
            object_key=revision.key,
            by=login,
        )
    return marked
