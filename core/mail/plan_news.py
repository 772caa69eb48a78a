"""What sales managers hear of a plan: their positions that a new draft or revision of a
month's assignment removes, cuts or moves to a later month.

:func:`changes_for_managers` finds the news, :func:`notify_changes` tells it: one message per
person per plan, listing all his positions (:func:`tell`; each piece of news told once).
Messages name the acting person by his user name (:func:`millplan.core.mail.recipients.person`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from typing import NamedTuple

from millplan.core.domain.assignment import Assignment
from millplan.core.domain.months import Month
from millplan.core.domain.notices import Item
from millplan.core.domain.portfolio import Position
from millplan.core.domain.states import state_said
from millplan.core.domain.stored_text import Figure, Joined, Message, Text, lines, stored, stored_n
from millplan.core.mail.notify import EVENT_MAX, NewNotification, notify_all
from millplan.core.mail.recipients import Managers, managers, person
from millplan.solver.prioritiser import MIN_TONNES
from millplan.storage.unit_of_work import UnitOfWork

POSITION_REMOVED = "position_removed"
TONNES_CUT = "tonnes_cut"
MOVED_LATER = "moved_later"
CHANGED = "assignment_changed"
"""Kind of a notification listing positions of several kinds (left out, cut, moved, short)."""

LATER_MONTHS = 12
"""How many months after an assignment's month are searched for a removed position."""


class News(NamedTuple):
    """One piece of news for ``login``: an :class:`Item` whose ``key`` names it, told at
    most once (see :func:`tell`)."""

    login: str
    item: Item


def tell(
    repo: UnitOfWork,
    news: Iterable[News],
    *,
    event: str,
    object_key: str,
    compose: Callable[[list[Item]], tuple[str | Text, str | Text]],
    by: str | None,
) -> int:
    """One notification per login listing its pieces of ``news`` not told to him before —
    a plan that leaves out 14 of one manager's positions gives him one message listing
    the 14. ``compose`` makes (subject, body) from the items to tell; the kind is theirs
    when they share one, else ``assignment_changed``. The event is ``event`` plus a digest
    of the items' keys. Each piece is recorded told in the caller's unit of work (a racing
    writer finds it told); news for ``by``, who made it, counts as told though no message
    goes to him (see :func:`~millplan.core.mail.notify.notify_all`). Returns how many
    notifications are new. Raises ``ValueError`` for an item without a key or with one
    longer than 300 characters, and as :func:`~millplan.core.mail.notify.notify` —
    programming errors."""
    wanted: dict[str, dict[str, Item]] = {}
    for login, item in news:
        if not item.key or len(item.key) > EVENT_MAX:
            raise ValueError(f"a piece of news about {item.ref!r} needs a key of 1 to {EVENT_MAX} characters")
        wanted.setdefault(login, {}).setdefault(item.key, item)
    if not wanted:
        return 0
    now = datetime.now(UTC)
    fresh = repo.mailbox.add_news(
        [{"login": login, "key": key, "at": now} for login, items in wanted.items() for key in items]
    )
    notes = []
    for login, items in sorted(wanted.items()):
        told = [item for key, item in items.items() if (login, key) in fresh]
        if not told:
            continue
        digest = hashlib.sha256("\n".join(sorted(i.key for i in told)).encode()).hexdigest()[:16]
        kinds = {i.kind for i in told}
        subject, body = compose(told)
        notes.append(
            NewNotification(
                login,
                f"{event}:{digest}",
                kinds.pop() if len(kinds) == 1 else CHANGED,
                subject,
                body,
                object_key,
                tuple(told),
            )
        )
    return notify_all(repo, notes, by=by)


def _planned(assignment: Assignment | None, made: bool = False) -> dict[int, float]:
    """Tonnes (t) by position id still to make — each line's tonnes less the part of them
    made in the month (a re-plan of the month in progress keeps made lines as made: news
    to nobody, never a cut) — or, with ``made``, that made part."""
    tonnes: dict[int, float] = {}
    for line in assignment.lines if assignment else ():
        part = line.tonnes_made if made else line.tonnes - line.tonnes_made
        tonnes[line.position_id] = tonnes.get(line.position_id, 0.0) + part
    return tonnes


def changes_for_managers(
    before: Assignment | None,
    after: Assignment,
    positions: Mapping[int, Position],
    managers: Managers | None = None,
    later: Mapping[int, Month] | None = None,
) -> list[News]:
    """What the sales managers must hear when ``after`` replaces ``before`` (the previous
    draft or the approved revision of the same month and line; ``None`` for a first draft),
    one :class:`News` per position, tonnes counted as still to make (what ``after`` holds
    as made in the month is no news; ``before``'s tonnes count less what was made since):

    - ``position_removed``: planned in ``before`` and not in ``after``; or, new in
      ``after`` (not in ``before`` at all), wholly left out.
    - ``tonnes_cut``: fewer tonnes (t) in ``after`` than in ``before``, beyond what
      production since then explains; or, new in ``after``, partly left out.
    - ``moved_later``: planned in ``before``, gone from ``after`` and planned in a later
      month's assignment (``later``: position id → that month); or planned in ``after``,
      not in ``before``, though requested for an earlier month.

    Each carries the prioritiser's reason from ``after``'s exclusions. ``positions`` maps
    position id → :class:`Position` (those missing are skipped); ``managers`` says whose a
    deal's ``sales_manager`` text is (default: the text itself is the login). The item's key is
    ``MONTH/LINE/rN:POSITION_ID:KIND`` (a cut adds the tonnes left, a move the month), so
    the same news about one revision is told once however often the draft is re-planned.
    Positions are taken in id order; the result is deterministic.
    """
    managers = managers or Managers()
    later = later or {}
    was, now = _planned(before), _planned(after)
    made_before, made_after = _planned(before, made=True), _planned(after, made=True)
    was = {pid: max(0.0, t - made_after.get(pid, 0.0) + made_before.get(pid, 0.0)) for pid, t in was.items()}
    known = set(was) | {e.position_id for e in (before.exclusions if before else ())}
    reasons: dict[int, list[str | Text]] = {}
    for e in after.exclusions:
        if e.reason_code != "replan":  # "let back in, re-plan" is not a reason for leaving out
            reasons.setdefault(e.position_id, []).append(e.said or e.reason)
    news = []
    for pid in sorted(set(was) | set(now) | set(reasons)):
        position = positions.get(pid)
        login = managers.login(position.sales_manager) if position else None
        if not login:
            continue  # unknown position, or a deal without a sales manager: nobody to tell
        t_before, t_after = was.get(pid, 0.0), now.get(pid, 0.0)
        left = position.remaining_tonnes
        values = {
            "customer": position.customer,
            "before": Figure(t_before, 1),
            "after": Figure(t_after, 1),
            "left": Figure(left, 1),
        }
        if t_before >= MIN_TONNES and t_after < t_before - MIN_TONNES:
            if t_after < MIN_TONNES and left < MIN_TONNES:
                continue  # made meanwhile: nothing left to plan
            if t_after < MIN_TONNES and pid in later:
                kind, suffix = MOVED_LATER, f":{later[pid]}"
                text = stored("{customer}: moved to {month}; {before} t were planned here", month=later[pid], **values)
            elif t_after < MIN_TONNES:
                kind, suffix = POSITION_REMOVED, ""
                text = stored("{customer}: left out; {before} t were planned, {left} t left to make", **values)
            elif t_after < left - MIN_TONNES:
                kind, suffix = TONNES_CUT, f":{t_after:.3f}"
                text = stored("{customer}: {after} t of {before} t kept; {left} t left to make", **values)
            else:
                continue  # production since then explains the smaller tonnes
        elif pid not in known and pid in reasons:
            kind, suffix = (POSITION_REMOVED, "") if t_after < MIN_TONNES else (TONNES_CUT, f":{t_after:.3f}")
            text = (
                stored("{customer}: left out; {left} t left to make", **values)
                if kind == POSITION_REMOVED
                else stored("{customer}: {after} t of {left} t planned", **values)
            )
        elif t_after >= MIN_TONNES and pid not in was and position.requested_month < after.month:
            kind, suffix = MOVED_LATER, f":{after.month}"
            text = stored(
                "{customer}: planned in {month}, later than requested ({requested})",
                month=after.month,
                requested=position.requested_month,
                **values,
            )
        else:
            continue
        reason = Joined("; ", tuple(reasons[pid])) if pid in reasons else ""
        news.append(News(login, Item(position.ref, kind, text, reason, f"{after.key}:{pid}:{kind}{suffix}")))
    return news


def compose_plan(repo: UnitOfWork, after: Assignment, *, by: str) -> Callable[[list[Item]], tuple[Message, Joined]]:
    """(subject, body) of a sales manager's news from revision ``after`` planned or edited
    by ``by``: one line per item with its reason, as messages said in his language. Anything
    short of approval is proposed; the approval (:func:`millplan.core.workflow.assignments.approve`)
    makes it final."""
    where = stored(
        "{month} {line} draft r{revision}", month=after.month, line=after.product_line, revision=after.revision
    )
    acting = person(repo, by)

    def compose(items: list[Item]) -> tuple[Message, Joined]:
        if len(items) == 1:
            subject = stored("{ref} {text} — {where}, proposed", ref=items[0].ref, text=items[0].text, where=where)
        else:
            subject = stored_n(
                "{n} of your positions left out, cut or moved — {where}, proposed",
                "{n} of your positions left out, cut or moved — {where}, proposed",
                len({i.ref for i in items}),
                where=where,
            )
        body = lines(
            Joined("", (subject, ".")),
            stored(
                "Proposed in the draft (revision {revision}, {state}) of {month} {line}: final only once approved.",
                revision=after.revision,
                state=state_said(after.state),
                month=after.month,
                line=after.product_line,
            ),
            *item_lines(items),
            stored("Planned by {who}", who=acting),
        )
        return subject, body

    return compose


def item_lines(items: Iterable[Item]) -> list[Message]:
    """The body's line for each item: ``• REF TEXT. Reason: …`` (messages)."""
    return [
        stored("• {ref} {text}. Reason: {reason}", ref=i.ref, text=i.text, reason=i.reason)
        if i.reason
        else stored("• {ref} {text}.", ref=i.ref, text=i.text)
        for i in items
    ]


def notify_changes(
    repo: UnitOfWork, before: Assignment | None, after: Assignment, *, by: str, extra: Iterable[News] = ()
) -> int:
    """Tell the sales managers ``after``'s changes against ``before`` (see
    :func:`changes_for_managers`) and ``extra`` news of the same plan (conflicts it
    opened), one notification each, in the caller's unit of work; ``by`` planned or edited
    it. The positions, their managers' logins and the later months' assignments are read
    from ``repo``. Returns how many notifications are new."""
    ids = set(_planned(before)) | set(_planned(after)) | {e.position_id for e in after.exclusions}
    positions = {p.id: p for p in repo.plant.positions(ids=ids)} if ids else {}
    later: dict[int, Month] = {}
    for assignment in sorted(
        repo.assignments.assignments_in_force((after.month + 1).range(LATER_MONTHS)), key=lambda a: a.month
    ):
        if assignment.product_line == after.product_line:
            for line in assignment.lines:
                later.setdefault(line.position_id, assignment.month)
    news = [*changes_for_managers(before, after, positions, managers(repo), later), *extra]
    return tell(
        repo, news, event=f"{after.key}:plan", object_key=after.key, compose=compose_plan(repo, after, by=by), by=by
    )
