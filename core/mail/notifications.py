"""Notifications: each user's inbox, and the e-mail copy queued with it.

A notification is written once per (user, event): ``event`` is a deterministic string
naming what happened (e.g. ``2027-01/ТБД/r2:117:position_removed``), so running the same
comparison or action again never notifies twice. When the user has an e-mail address, the
same transaction queues one outbox message per (event, address); :mod:`millplan.core.mail.outbox`
sends it. Both writes are ``INSERT … ON CONFLICT DO NOTHING`` on unique constraints, safe
when two sessions race on one event.

Sales managers hear about their positions when a new draft or revision of a month's
assignment removes one, cuts its tonnes or moves it to a later month
(:func:`changes_for_managers`, :func:`notify_changes`): one message per person per plan,
listing all his positions (:func:`tell`; each piece of news told once). The workflow
calls :func:`notify` and :func:`notify_role` for what else someone must act on or know.
Messages name the acting person by his user name (:func:`person`); every writer says who
acts (``by``), and :func:`notify_all` — the one place all notifications pass — never tells
him of his own action, whatever else he is (a line manager who is also a deal's sales
manager hears nothing of the plan he made).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from typing import NamedTuple

from millplan.core.domain.assignment import Assignment
from millplan.core.domain.errors import InvalidInput, NotFound
from millplan.core.domain.i18n import _
from millplan.core.domain.months import Month
from millplan.core.domain.names import name_key
from millplan.core.domain.notices import Item, MailState, Notification
from millplan.core.domain.numbers import grouped
from millplan.core.domain.people import Role
from millplan.core.domain.portfolio import Position
from millplan.solver.prioritiser import MIN_TONNES
from millplan.storage.store import Store
from millplan.storage.unit_of_work import UnitOfWork

POSITION_REMOVED = "position_removed"
TONNES_CUT = "tonnes_cut"
MOVED_LATER = "moved_later"
CHANGED = "assignment_changed"
"""Kind of a notification listing positions of several kinds (left out, cut, moved, short)."""

LATER_MONTHS = 12
"""How many months after an assignment's month are searched for a removed position."""

EVENT_MAX, KIND_MAX, OBJECT_KEY_MAX, SUBJECT_MAX = 300, 32, 200, 300


def _now() -> datetime:
    return datetime.now(UTC)


def message_id(event: str, address: str) -> str:
    """The Message-ID header of the e-mail for ``event`` to ``address``:
    ``<sha256(event, address)[:32]@millplan>``, the same every time it is derived."""
    digest = hashlib.sha256(f"{event}\n{address.lower()}".encode()).hexdigest()[:32]
    return f"<{digest}@millplan>"


def _mail_body(body: str) -> str:
    return body + "\n\n-- \n" + _("millplan: `millplan inbox` lists this and your other notifications.")


def notify(
    repo: UnitOfWork, *, login: str, event: str, kind: str, subject: str, body: str, object_key: str, by: str | None
) -> bool:
    """Write one inbox notification for ``login`` unless one for the same ``event`` exists
    or ``login`` is ``by``, the one who acts (``None``: nobody, e.g. a timer), and — when the
    user has an e-mail address — queue one e-mail for it, in the caller's unit of work
    (both or neither are kept).

    ``kind`` is a stable code (``position_removed``, ``tonnes_cut``, ``moved_later``,
    ``request_answered``, ``conflict``, ``approved``…); ``object_key`` names the object
    as the audit log does. A subject longer than 300 characters is shortened.
    Returns True when the notification is new. Raises ``ValueError`` for an empty event,
    login or kind, or an event, kind or object key longer than its column (300, 32, 200
    characters) — a programming error.
    """
    return notify_all(repo, [NewNotification(login, event, kind, subject, body, object_key)], by=by) == 1


def _checked(note: NewNotification) -> NewNotification:
    if not (note.event and note.login and note.kind):
        raise ValueError("a notification needs a login, an event and a kind")
    for name, value, most in (
        ("event", note.event, EVENT_MAX),
        ("kind", note.kind, KIND_MAX),
        ("object key", note.object_key, OBJECT_KEY_MAX),
    ):
        if len(value) > most:
            raise ValueError(f"{name} {value[:40]!r}… is longer than {most} characters")
    if len(note.subject) > SUBJECT_MAX:
        return note._replace(subject=note.subject[: SUBJECT_MAX - 1] + "…")
    return note


def notify_all(repo: UnitOfWork, notes: Iterable[NewNotification], *, by: str | None) -> int:
    """:func:`notify` for many at once, in a few statements (a month's first draft brings
    thousands of pieces of news): the notifications, then the e-mails of those that are
    new. A notification for ``by``, the one who acts, is dropped: he knows what he did. Returns
    how many notifications are new. Raises ``ValueError`` as :func:`notify`."""
    # one per (login, event)
    checked = {(c.login, c.event): c for c in map(_checked, notes) if c.login != by}
    if not checked:
        return 0
    now = _now()
    mailbox = repo.mailbox
    new = mailbox.add_notifications(
        [
            {
                "at": now,
                "login": c.login,
                "event": c.event,
                "kind": c.kind,
                "subject": c.subject,
                "body": c.body,
                "object_key": c.object_key,
                "items": [item.as_dict() for item in c.items],
            }
            for c in checked.values()
        ]
    )
    addresses = mailbox.emails_of({login for login, _event in new})
    mailbox.enqueue_all(
        [
            _mail(c.login, addresses[c.login], c.event, c.subject, c.body, now)
            for key, c in checked.items()
            if key in new and addresses.get(c.login)
        ]
    )
    return len(new)


def _mail(login: str, address: str, event: str, subject: str, body: str, now: datetime) -> dict:
    """The outbox row of the e-mail copy of notification ``event`` to ``login``."""
    return {
        "created_at": now,
        "event": event,
        "login": login,
        "address": address,
        "subject": subject,
        "body": _mail_body(body),
        "message_id": message_id(event, address),
        "status": MailState.PENDING.value,
        "attempts": 0,
        "next_attempt_at": now,
    }


def hand_waiting(repo: UnitOfWork) -> int:
    """Give each user the notifications waiting under a sales-manager text that now names
    him (:meth:`Managers.login`: his login, or his name that no other user has), and queue
    their e-mail when he has an address — called in the unit of work that adds, renames
    or removes a user. Once handed over they stay his, whoever registers that name later.
    Returns how many notifications were handed over."""
    texts = repo.mailbox.waiting_texts()
    if not texts:
        return 0
    managers = Managers(repo.mailbox.users())
    owners: dict[str, list[str]] = {}
    for text in texts:
        owner = managers.login(text)
        if owner and owner != text:
            owners.setdefault(owner, []).append(text)
    now, handed = _now(), 0
    addresses = repo.mailbox.emails_of(owners)
    for login, his in sorted(owners.items()):
        moved = repo.mailbox.readdress(his, login)
        handed += len(moved)
        if addresses.get(login):
            repo.mailbox.enqueue_all([_mail(login, addresses[login], *notice, now) for notice in moved])
    return handed


def inbox(store: Store, login: str, *, unread_only: bool = False, limit: int = 50) -> list[Notification]:
    """The notifications of ``login``, newest first, at most ``limit`` (only unread ones
    with ``unread_only``). Raises :class:`InvalidInput` for a limit below 1."""
    if limit < 1:
        raise InvalidInput(f"--limit {limit}: show at least one notification")
    with store.reading() as repo:
        return repo.mailbox.notifications(login, unread_only=unread_only, limit=limit)


def unread_count(store: Store, login: str) -> int:
    """How many notifications of ``login`` are unread (the workstation's badge): one
    indexed count."""
    with store.reading() as repo:
        return repo.mailbox.unread_count(login)


def mark_read(store: Store, login: str, ids: list[int] | None) -> int:
    """Mark notifications of ``login`` read: those numbered ``ids``, or all with ``None``.

    Returns how many were unread. Raises :class:`NotFound` naming any id that is not a
    notification of ``login`` (nothing is marked then).
    """
    with store.unit_of_work() as repo:
        mailbox = repo.mailbox
        if ids is not None:
            missing = sorted(set(ids) - mailbox.notification_ids(login, ids))
            if missing:
                raise NotFound(
                    _("notification {ids} is not in the inbox of {login}").format(
                        ids=", ".join(str(i) for i in missing), login=login
                    )
                )
        return mailbox.mark_read(login, ids, _now())


class NewNotification(NamedTuple):
    """One notification for one login, ready for :func:`notify_all`; ``items`` are the
    positions it lists (each also a line of ``body``)."""

    login: str
    event: str
    kind: str
    subject: str
    body: str
    object_key: str
    items: tuple[Item, ...] = ()


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
    compose: Callable[[list[Item]], tuple[str, str]],
    by: str | None,
) -> int:
    """One notification per login listing its pieces of ``news`` not told to him before —
    a plan that leaves out 14 of one manager's positions gives him one message listing
    the 14. ``compose`` makes (subject, body) from the items to tell; the kind is theirs
    when they share one, else ``assignment_changed``. The event is ``event`` plus a digest
    of the items' keys. Each piece is recorded told in the caller's unit of work (a racing
    writer finds it told); news for ``by``, who made it, counts as told though no message
    goes to him (see :func:`notify_all`). Returns how many notifications are new. Raises ``ValueError``
    for an item without a key or with one longer than 300 characters, and as
    :func:`notify` — programming errors."""
    wanted: dict[str, dict[str, Item]] = {}
    for login, item in news:
        if not item.key or len(item.key) > EVENT_MAX:
            raise ValueError(f"a piece of news about {item.ref!r} needs a key of 1 to {EVENT_MAX} characters")
        wanted.setdefault(login, {}).setdefault(item.key, item)
    if not wanted:
        return 0
    now = _now()
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


def _planned(assignment: Assignment | None) -> dict[int, float]:
    tonnes: dict[int, float] = {}
    for line in assignment.lines if assignment else ():
        tonnes[line.position_id] = tonnes.get(line.position_id, 0.0) + line.tonnes
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
    one :class:`News` per position:

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
    known = set(was) | {e.position_id for e in (before.exclusions if before else ())}
    reasons: dict[int, list[str]] = {}
    for e in after.exclusions:
        if e.reason_code != "replan":  # "let back in, re-plan" is not a reason for leaving out
            reasons.setdefault(e.position_id, []).append(e.reason)
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
            "before": grouped(t_before, 1),
            "after": grouped(t_after, 1),
            "left": grouped(left, 1),
        }
        if t_before >= MIN_TONNES and t_after < t_before - MIN_TONNES:
            if t_after < MIN_TONNES and pid in later:
                kind, suffix = MOVED_LATER, f":{later[pid]}"
                text = _("{customer}: moved to {month}; {before} t were planned here").format(
                    month=later[pid], **values
                )
            elif t_after < MIN_TONNES:
                if left < MIN_TONNES:
                    continue  # made meanwhile: nothing left to plan
                kind, suffix = POSITION_REMOVED, ""
                text = _("{customer}: left out; {before} t were planned, {left} t left to make").format(**values)
            elif t_after < left - MIN_TONNES:
                kind, suffix = TONNES_CUT, f":{t_after:.3f}"
                text = _("{customer}: {after} t of {before} t kept; {left} t left to make").format(**values)
            else:
                continue  # production since then explains the smaller tonnes
        elif pid not in known and pid in reasons:
            kind, suffix = (POSITION_REMOVED, "") if t_after < MIN_TONNES else (TONNES_CUT, f":{t_after:.3f}")
            text = (
                _("{customer}: left out; {left} t left to make")
                if kind == POSITION_REMOVED
                else _("{customer}: {after} t of {left} t planned")
            ).format(**values)
        elif t_after >= MIN_TONNES and pid not in was and position.requested_month < after.month:
            kind, suffix = MOVED_LATER, f":{after.month}"
            text = _("{customer}: planned in {month}, later than requested ({requested})").format(
                month=after.month, requested=position.requested_month, **values
            )
        else:
            continue
        reason = "; ".join(reasons.get(pid, ()))
        news.append(News(login, Item(position.ref, kind, text, reason, f"{after.key}:{pid}:{kind}{suffix}")))
    return news


def compose_plan(repo: UnitOfWork, after: Assignment, *, by: str) -> Callable[[list[Item]], tuple[str, str]]:
    """(subject, body) of a sales manager's news from revision ``after`` planned or edited
    by ``by``: one line per item with its reason. Anything short of approval is proposed;
    the approval (:func:`millplan.core.workflow.assignments.approve`) makes it final."""
    where = _("{month} {line} draft r{revision}").format(
        month=after.month, line=after.product_line, revision=after.revision
    )
    acting = person(repo, by)

    def compose(items: list[Item]) -> tuple[str, str]:
        if len(items) == 1:
            subject = _("{ref} {text} — {where}, proposed").format(ref=items[0].ref, text=items[0].text, where=where)
        else:
            subject = _("{n} of your positions left out, cut or moved — {where}, proposed").format(
                n=len({i.ref for i in items}), where=where
            )
        body = [
            subject + ".",
            _(
                "Proposed in the draft (revision {revision}, {state}) of {month} {line}: final only once approved."
            ).format(revision=after.revision, state=after.state.value, month=after.month, line=after.product_line),
            *item_lines(items),
            _("Planned by {who}").format(who=acting),
        ]
        return subject, "\n".join(body)

    return compose


def item_lines(items: Iterable[Item]) -> list[str]:
    """The body's line for each item: ``• REF TEXT. Reason: …``."""
    return [
        f"• {i.ref} {i.text}." + (" " + _("Reason: {reason}").format(reason=i.reason) if i.reason else "")
        for i in items
    ]


def person(repo: UnitOfWork, login: str) -> str:
    """Who ``login`` is, for a message (:meth:`millplan.storage.users.UserRepository.display_names`)."""
    return repo.users.display_names([login])[login]


class Managers:
    """Who a deal's ``sales_manager`` text is, read from the users once (per unit of work).

    ``users`` are (login, name, e-mail) as :meth:`millplan.storage.mailbox.MailboxRepository.users` gives
    them; ``None`` reads none (each text is its own login).
    """

    def __init__(self, users: Iterable[tuple[str, str, str | None]] | None = None) -> None:
        self._logins: set[str] = set()
        self._by_name: dict[str, list[str]] = {}
        for login, name, _email in users or ():
            self._logins.add(login)
            self._by_name.setdefault(name_key(name), []).append(login)

    def login(self, text: str) -> str | None:
        """The login notifications about ``text``'s deals go to: the user with that login
        if there is one, else the only user with that name (``Иванов А. С.``; compared by
        :func:`millplan.core.domain.names.name_key`: case, spaces and ё/е do not matter), else the text
        itself (stripped; its news waits there, see :func:`hand_waiting`). ``None`` for a
        deal without a sales manager (empty text): nobody to tell."""
        text = text.strip()
        if not text or text in self._logins:
            return text or None
        same_name = self._by_name.get(name_key(text), [])
        return same_name[0] if len(same_name) == 1 else text


def managers(repo: UnitOfWork) -> Managers:
    """:class:`Managers` of the users registered in ``repo``'s unit of work (one query)."""
    return Managers(repo.mailbox.users())


def manager_login(repo: UnitOfWork, text: str) -> str | None:
    """The login of one deal's sales manager ``text`` (see :meth:`Managers.login`)."""
    return managers(repo).login(text)


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


def notify_role(
    repo: UnitOfWork,
    role: Role,
    *,
    line: str | None,
    event: str,
    kind: str,
    subject: str,
    body: str,
    object_key: str,
    by: str | None,
) -> int:
    """Tell every user of ``role`` — for product-line managers, those who own ``line`` —
    what waits for them or concerns them (a request or objection to answer, an escalation
    to decide, a revision to review, a draft gone stale, an approval), in the caller's unit
    of work; once per ``event`` each, never the acting ``by`` himself (:func:`notify_all`).
    Returns how many notifications are new."""
    logins = [
        u.login for u in repo.users.all() if u.role is role and (role is not Role.LINE_MANAGER or line in u.lines)
    ]
    return notify_all(repo, [NewNotification(login, event, kind, subject, body, object_key) for login in logins], by=by)
