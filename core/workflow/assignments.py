"""The product-line manager's actions on a month's assignment, and its life cycle.

``draft → in_review → approved``: the product-line manager edits (lock, exclude) and
re-plans a draft, submits it for review, and approves it — or the director does, who
alone may approve over open conflicts or escalations, giving a reason. Approval freezes a
revision for good: a change after it (an edit here, or a re-plan) opens revision n + 1 in
``re_approval`` — a copy to edit, submitted and approved again — while the approved one
stays in force. A change to a revision in review sends it back to editing. Who may do
what is checked here, through :mod:`millplan.core.access.permissions`.
"""

from __future__ import annotations

from millplan.core.access.permissions import Action, actor_in, require
from millplan.core.domain.assignment import Assignment, AssignmentState
from millplan.core.domain.errors import InvalidInput, NotFound, StateError
from millplan.core.domain.i18n import _
from millplan.core.domain.months import Month, month_text, plant_today
from millplan.core.domain.notices import Item
from millplan.core.domain.people import Role
from millplan.core.domain.portfolio import parse_position_ref
from millplan.core.domain.states import state_label
from millplan.core.domain.stored_text import Figure, Joined, Text, lines, stored
from millplan.core.domain.workflow import key_label, key_said
from millplan.core.mail.notify import NewNotification, notify_all, notify_role
from millplan.core.mail.plan_news import item_lines, notify_changes
from millplan.core.mail.recipients import managers, person
from millplan.core.planning.inputs import booked_elsewhere
from millplan.core.planning.progress import made_so_far
from millplan.core.planning.run import with_hours
from millplan.core.workflow.open_items import end_rounds, open_issues, open_objections
from millplan.solver.prioritiser import MIN_TONNES
from millplan.storage.store import Store
from millplan.storage.unit_of_work import UnitOfWork

SUBMITTED_KIND = "to_review"
"""Notification kind of a revision submitted for the production planners' review."""


def _latest(repo: UnitOfWork, month: Month, product_line: str) -> Assignment:
    found = repo.assignments.assignment(month, product_line, for_update=True)
    if found is None:
        repo.plant.whole().check_line(product_line)
        raise NotFound(
            _("{month} has no assignment for product line {line}; run the prioritiser first").format(
                month=month_text(month), line=product_line
            )
        )
    return found


def _editable(repo: UnitOfWork, latest: Assignment, login: str) -> Assignment:
    """The revision an edit of ``latest`` goes to: ``latest`` itself, but an approved one
    is never edited, so a change to it opens the next revision (re-approval) as its copy."""
    if latest.state is AssignmentState.APPROVED:
        return repo.assignments.next_revision(latest, login, "changed after approval")
    return latest


def submit(
    store: Store, month: Month, product_line: str, *, login: str, seen: tuple[int, int] | None = None
) -> Assignment:
    """Send the latest revision of (month, line) — a draft, or a revision in re-approval —
    to review. ``seen`` as for :func:`approve`.

    Raises :class:`NotFound` without one, :class:`Forbidden` unless ``login`` is the
    line's product-line manager, :class:`ChangedMeanwhile`, and :class:`StateError` when it
    is already in review or approved, or is not ready (see :func:`approve`).
    """
    with store.unit_of_work() as repo:
        latest = _latest(repo, month, product_line)
        require(actor_in(repo, login, store), Action.SUBMIT, line=product_line, target=latest.key)
        if seen is not None:
            repo.assignments.check_unchanged(month, product_line, seen)
        if latest.state in (AssignmentState.IN_REVIEW, AssignmentState.APPROVED):
            raise StateError(
                _("{where} is already {state}").format(where=key_label(latest.key), state=state_label(latest.state))
            )
        _refuse_unready(repo, latest)
        submitted = repo.assignments.submit(latest, login)
        notify_role(
            repo,
            Role.PLANNER,
            line=None,
            event=f"{submitted.key} submitted",
            kind=SUBMITTED_KIND,
            subject=stored("{key} to review", key=key_said(submitted.key)),
            body=stored(
                "{who} submitted {key} for review: agree, or object to a line with a reason",
                who=person(repo, login),
                key=key_said(submitted.key),
            ),
            object_key=submitted.key,
            by=login,
        )
        return with_hours(submitted, repo.plant.whole())


def approve(
    store: Store,
    month: Month,
    product_line: str,
    *,
    login: str,
    seen: tuple[int, int] | None = None,
    reason: str | Text | None = None,
) -> Assignment:
    """Approve the revision of (month, line) in review, freezing it.

    ``seen`` is the ``(id, version)`` of the revision the approver looked at; if it
    changed since (a re-plan, an edit, someone else's approval), :class:`ChangedMeanwhile`
    ("changed by X at T — reload") is raised and nothing approved. ``reason`` (typed, or a
    message millplan writes, e.g. the demo's) is kept with the approval; the director must give one to approve over open conflicts or escalations.

    Raises :class:`NotFound` when the month has no assignment; :class:`Forbidden` unless
    ``login`` is the line's product-line manager or the director (only the director when
    a sales manager's re-approval round pulled him in); :class:`StateError` when the
    revision is not in review, is stale (a mill's hours changed: re-plan), holds positions
    let back in since its last plan, holds tonnes other months' assignments already hold,
    or has open conflicts or escalations (unless the director gives a reason), and
    :class:`InvalidInput` for the director's override without a reason, or an approval
    over a reviewer's unanswered objection without one.
    """
    if isinstance(reason, str):
        reason = reason.strip() or None
    with store.unit_of_work() as repo:
        latest = _latest(repo, month, product_line)
        who = actor_in(repo, login, store)
        require(who, Action.APPROVE, line=product_line, target=latest.key)
        if latest.needs_director:
            require(who, Action.APPROVE_DIRECTOR_CHAIN, line=product_line, target=latest.key)
        if seen is not None:
            repo.assignments.check_unchanged(month, product_line, seen)
        where = key_label(latest.key)
        if latest.state is not AssignmentState.IN_REVIEW:
            hint = (
                _("{where} is {state}, not in review: submit it for review first (millplan submit)")
                if latest.state.editable
                else _("{where} is {state}, not in review: run the prioritiser to open the next revision")
            )
            raise StateError(hint.format(where=where, state=state_label(latest.state)))
        _refuse_unready(repo, latest)
        blocking = open_issues(repo, latest)
        if blocking:
            issues = "; ".join(blocking)
            if not who.may(Action.APPROVE_OVER_OPEN, line=product_line):
                raise StateError(
                    _(
                        "{where} has {issues}: resolve them first — only the director may approve over them, with a reason"
                    ).format(where=where, issues=issues)
                )
            if reason is None:
                raise InvalidInput(
                    _("{where} has {issues}: approving over them needs a reason (--reason)").format(
                        where=where, issues=issues
                    )
                )
        objections = open_objections(repo, latest)
        if objections and reason is None:
            raise InvalidInput(
                _(
                    "{where} has unanswered objections — {objections}: answer them, or approve with a reason (--reason)"
                ).format(where=where, objections="; ".join(objections))
            )
        approved = repo.assignments.approve(latest, login, reason)
        if latest.needs_director:
            end_rounds(repo, approved, login=login)
        _announce(repo, approved, reason)
        return with_hours(approved, repo.plant.whole())


def _announce(repo: UnitOfWork, approved: Assignment, reason: str | Text | None) -> None:
    """Tell each sales manager with positions in ``approved`` that it is approved — final
    now — listing his positions planned and left out (with the reasons), once per revision
    and manager; and the line's other product-line managers (the director may approve his
    line) and the production planners."""
    tonnes: dict[int, float] = {}
    for line in approved.lines:
        tonnes[line.position_id] = tonnes.get(line.position_id, 0.0) + line.tonnes
    left_out = {e.position_id: e for e in approved.exclusions if e.reason_code != "replan"}
    positions = repo.plant.positions(ids=set(tonnes) | set(left_out)) if tonnes or left_out else []
    whose = managers(repo)
    by_manager: dict[str, list[Item]] = {}
    for p in sorted(positions, key=lambda p: p.ref):
        login = whose.login(p.sales_manager)
        if not login:
            continue  # a deal without a sales manager: nobody to tell
        out = left_out.get(p.id)
        values = {
            "customer": p.customer,
            "tonnes": Figure(tonnes.get(p.id, 0.0), 1),
            "out": Figure(out.tonnes_left_out if out else 0.0, 1),
        }
        if out is None:
            item = Item(p.ref, "planned", stored("{customer}: {tonnes} t planned", **values))
        elif p.id in tonnes:
            item = Item(
                p.ref,
                "planned",
                stored("{customer}: {tonnes} t planned, {out} t left out (final)", **values),
                out.said or out.reason,
            )
        else:
            item = Item(
                p.ref, "left_out", stored("{customer}: left out (final), {out} t", **values), out.said or out.reason
            )
        by_manager.setdefault(login, []).append(item)
    where = Joined(" ", (approved.month, approved.product_line))
    subject = stored("The {where} assignment is approved (revision {n}): final", where=where, n=approved.revision)
    approver = person(repo, approved.approved_by)
    by = (
        stored("Approved by {who}: {reason}", who=approver, reason=reason)
        if reason
        else stored("Approved by {who}", who=approver)
    )
    event = f"{approved.key}:approved"
    notify_all(
        repo,
        [
            NewNotification(
                login,
                event,
                "approved",
                subject,
                lines(Joined("", (subject, ".")), stored("Your positions in it:"), *item_lines(items), by),
                approved.key,
                tuple(items),
            )
            for login, items in sorted(by_manager.items())
        ],
        by=approved.approved_by,
    )
    for role in (Role.LINE_MANAGER, Role.PLANNER):
        notify_role(
            repo,
            role,
            line=approved.product_line,
            event=event,
            kind="approved",
            subject=subject,
            body=lines(Joined("", (subject, ".")), by),
            object_key=approved.key,
            by=approved.approved_by,
        )


def _refuse_unready(repo: UnitOfWork, revision: Assignment) -> None:
    """Raise :class:`StateError` for a revision that must be re-planned first: stale, with
    positions let back in since its last plan, or holding tonnes made twice."""
    where = key_label(revision.key)
    if revision.stale:
        raise StateError(
            _("{where} is stale — {why}: re-run the prioritiser first").format(where=where, why=revision.stale_reason)
        )
    waiting = [e.position_ref for e in revision.exclusions if e.reason_code == "replan"]
    if waiting:
        raise StateError(
            _("{refs} let back in since the last plan: re-run the prioritiser for {month} {line} first").format(
                refs=", ".join(waiting), month=month_text(revision.month), line=revision.product_line
            )
        )
    _refuse_double_booking(repo, revision)


def _refuse_double_booking(repo: UnitOfWork, draft: Assignment) -> None:
    """Raise :class:`StateError` naming the positions whose tonnes in ``draft`` and in other
    months' assignments add up to more than is left to make (in the month in progress,
    ``draft`` holds only what it has not made yet: what was made is off the tonnes left)."""
    made = made_so_far(repo, draft.month, plant_today())
    here: dict[int, float] = {}
    for line in draft.lines:
        here[line.position_id] = here.get(line.position_id, 0.0) + line.tonnes
    here = {pid: max(0.0, t - made.get(pid, 0.0)) for pid, t in here.items()}
    current = Month.current()
    elsewhere = booked_elsewhere(repo, current.range(max(draft.month - current, 0) + 13), draft.month)
    over = [
        p
        for p in repo.plant.positions(ids=here)
        if here[p.id] + elsewhere.get(p.id, 0.0) > p.remaining_tonnes + MIN_TONNES
    ]
    disposed = [p for p in over if p.completed or p.tonnes_cancelled > 0]
    if disposed:
        said = "; ".join(
            (_("{ref} was closed as complete") if p.completed else _("{ref}'s remainder was cancelled")).format(
                ref=p.ref
            )
            for p in disposed
        )
        raise StateError(
            _("{said}: nothing of it is left to make — re-run the prioritiser for {month} {line} first").format(
                said=said, month=month_text(draft.month), line=draft.product_line
            )
        )
    twice = [p.ref for p in over]
    if twice:
        raise StateError(
            _(
                "{refs} would be made twice: other months' assignments already hold their tonnes; "
                "re-run the prioritiser for {month} {line} first"
            ).format(refs=", ".join(twice), month=month_text(draft.month), line=draft.product_line)
        )


def set_locked(store: Store, month: Month, product_line: str, ref: str, locked: bool, *, login: str) -> Assignment:
    """Lock (or unlock) position ``ref`` (``deal#no``) on its planned mills, so every
    re-plan keeps its tonnes there. On an approved revision this opens the next one.
    Raises :class:`NotFound` if it has no line, :class:`Forbidden` unless ``login`` is
    the line's product-line manager."""
    deal, number = parse_position_ref(ref)
    with store.unit_of_work() as repo:
        who = actor_in(repo, login, store)
        latest = _latest(repo, month, product_line)
        require(who, Action.EDIT_ASSIGNMENT, line=product_line, target=latest.key)
        position = repo.plant.position(deal, number)
        if not any(line.position_id == position.id for line in latest.lines):
            raise NotFound(
                _("{position} has no line in {revision} to lock").format(
                    position=position.ref, revision=key_label(latest.key)
                )
            )
        updated = repo.assignments.set_locked(_editable(repo, latest, login), position, locked, login)
        return with_hours(updated, repo.plant.whole())


def set_excluded(
    store: Store, month: Month, product_line: str, ref: str, excluded: bool, *, login: str, reason: str | None = None
) -> Assignment:
    """Exclude position ``ref`` from the assignment by hand, with a reason (it stays out of
    every re-plan until let back in), or let a hand-excluded position back in. On an
    approved revision this opens the next one.

    Raises :class:`InvalidInput` for an exclusion without a reason, :class:`Forbidden`
    unless ``login`` is the line's product-line manager, :class:`NotFound` for a position
    the revision does not hold, and :class:`StateError` for one already excluded by hand,
    or — when letting in — one that was not excluded by hand (the prioritiser's own
    exclusions are undone by locking or re-planning, not here).
    """
    deal, number = parse_position_ref(ref)
    if excluded and not (reason and reason.strip()):
        raise InvalidInput(_("excluding {ref} needs a reason (the sales manager will read it)").format(ref=ref))
    with store.unit_of_work() as repo:
        who = actor_in(repo, login, store)
        latest = _latest(repo, month, product_line)
        require(who, Action.EDIT_ASSIGNMENT, line=product_line, target=latest.key)
        position = repo.plant.position(deal, number)
        planned = any(line.position_id == position.id for line in latest.lines)
        exclusion = next((e for e in latest.exclusions if e.position_id == position.id), None)
        where = key_label(latest.key)
        if not planned and exclusion is None:
            raise NotFound(
                _("{ref} is not in {where}: only its planned or left-out positions can be excluded").format(
                    ref=ref, where=where
                )
            )
        hand_excluded = exclusion is not None and exclusion.manual
        if excluded and hand_excluded:
            raise StateError(_("{ref} is already excluded from {where}").format(ref=ref, where=where))
        if not excluded and not hand_excluded:
            raise StateError(
                _("{ref} was not excluded by hand from {where}; nothing to let back in").format(ref=ref, where=where)
            )
        reason = reason.strip() if reason else None
        name = person(repo, login)  # the sales manager reads who it was
        note = (
            (
                stored("excluded by {who}: {reason}", who=name, reason=reason)
                if reason
                else stored("excluded by {who}", who=name)
            )
            if excluded
            else stored("let back in by {who}; re-run the prioritiser to plan it", who=name)
        )
        updated = repo.assignments.set_excluded(_editable(repo, latest, login), position, excluded, login, reason, note)
        notify_changes(repo, latest, updated, by=login)  # a position left out by hand: its manager hears why
        return with_hours(updated, repo.plant.whole())
