"""What the approval view shows for one month × product line, read in one go.

The workstation's Approval pane (and anyone else who wants the whole picture) asks
:func:`board` for the latest revision and its state, the approved revision in force, the
diff between them, the conflicts, requests, escalations and reviews of the month, what
still blocks a plain approval, and which actions the acting user's role offers here — so
the front shows only keys the user may press, while every service still checks itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from millplan.core.access.actions import available
from millplan.core.access.permissions import Action, Actor, actor, role_word
from millplan.core.domain.assignment import Assignment, AssignmentState
from millplan.core.domain.errors import InvalidInput
from millplan.core.domain.i18n import _, ngettext
from millplan.core.domain.months import Month, month_text
from millplan.core.domain.numbers import grouped
from millplan.core.domain.people import Role
from millplan.core.domain.states import state_label
from millplan.core.domain.workflow import (
    Conflict,
    Escalation,
    EscalationState,
    Request,
    RequestState,
    Review,
    key_label,
)
from millplan.core.planning.diff import RevisionDiff, revision_diff
from millplan.core.planning.run import with_hours
from millplan.core.workflow.open_items import open_issues, open_objections
from millplan.storage.store import Store

__all__ = [
    "Board",
    "approval_brief",
    "at_stake",
    "blocking",
    "board",
    "open_counts",
    "opening",
    "parse_later",
    "role_name",
]

OPENING_MONTHS = 24
"""How many months ahead of today :func:`opening` looks through for revisions."""


@dataclass(frozen=True)
class Board:
    """Everything about (``month``, ``product_line``) a reviewer looks at.

    ``latest`` is the newest revision (``None``: not planned), ``in_force`` the newest
    approved one (may be ``latest`` itself), ``diff`` latest against the approved revision
    before it (``None`` for a first revision). Lists are oldest first except
    ``requests`` (newest first). ``blockers`` says what a plain approval of ``latest``
    would be refused for (open conflicts, escalations, unanswered objections): approving
    over them takes a reason (and the director, for conflicts and escalations).
    ``offered`` are the actions to offer ``who`` on this line and revision (see
    :func:`millplan.core.access.actions.available`);
    ``mine`` the refs of the revision's positions a sales manager sells (else empty).
    """

    month: Month
    product_line: str
    who: Actor
    latest: Assignment | None
    in_force: Assignment | None
    diff: RevisionDiff | None
    conflicts: tuple[Conflict, ...]
    requests: tuple[Request, ...]
    escalations: tuple[Escalation, ...]
    reviews: tuple[Review, ...]
    blockers: tuple[str, ...]
    offered: frozenset[Action]
    mine: frozenset[str] = frozenset()

    @property
    def open_conflicts(self) -> tuple[Conflict, ...]:
        return tuple(c for c in self.conflicts if c.state.unresolved)

    @property
    def margin_at_stake(self) -> Decimal:
        """Margin (RUB) of the tonnes the unresolved conflicts leave short."""
        return sum((c.margin_at_stake for c in self.open_conflicts), Decimal(0))

    @property
    def open_requests(self) -> tuple[Request, ...]:
        return tuple(r for r in self.requests if r.state is RequestState.OPEN)

    @property
    def open_escalations(self) -> tuple[Escalation, ...]:
        return tuple(e for e in self.escalations if e.state is EscalationState.OPEN)

    @property
    def open_reviews(self) -> tuple[Review, ...]:
        return tuple(r for r in self.reviews if r.open)

    @property
    def tonnes_short(self) -> float:
        """Tonnes (t) the unresolved conflicts leave short of their months."""
        return sum(c.tonnes_short for c in self.open_conflicts)


# The headline and the approval dialog say what is open in counts, never by listing it:
# with hundreds of conflicts a list of position numbers would fill the screen (the
# section's table lists them, one row each).


def open_counts(b: Board) -> str:
    """One line counting what is open on ``b``: conflicts, requests, escalations, reviews."""
    return _("Open: {conflicts} · {requests} · {escalations} · {reviews}").format(
        conflicts=_counted(ngettext("{n} conflict", "{n} conflicts", len(b.open_conflicts)), b.open_conflicts),
        requests=_counted(ngettext("{n} request", "{n} requests", len(b.open_requests)), b.open_requests),
        escalations=_counted(
            ngettext("{n} escalation", "{n} escalations", len(b.open_escalations)), b.open_escalations
        ),
        reviews=_counted(ngettext("{n} review", "{n} reviews", len(b.open_reviews)), b.open_reviews),
    )


def _counted(phrase: str, items: tuple) -> str:
    return phrase.format(n=grouped(len(items)))


def at_stake(b: Board) -> str:
    """One line: the marginal income (RUB) and tonnes (t) the open conflicts put at stake."""
    if not b.open_conflicts:
        return _("Nothing at stake: no open conflict.")
    return _("At stake: {m} RUB, {t} t short").format(m=grouped(b.margin_at_stake), t=grouped(b.tonnes_short, 1))


def blocking(b: Board) -> str | None:
    """What a plain approval of ``b.latest`` is refused for, counted in one sentence
    (``None``: nothing blocks it)."""
    if not b.blockers:
        return None
    objections = len(b.open_reviews)  # an open review is an unanswered objection
    return _("Approval needs a reason: {conflicts}, {escalations}, {objections} open.").format(
        conflicts=_counted(ngettext("{n} conflict", "{n} conflicts", len(b.open_conflicts)), b.open_conflicts),
        escalations=_counted(
            ngettext("{n} escalation", "{n} escalations", len(b.open_escalations)), b.open_escalations
        ),
        objections=ngettext("{n} objection", "{n} objections", objections).format(n=grouped(objections)),
    )


def approval_brief(b: Board) -> list[str]:
    """The lines an approval dialog leads with, before it asks: what is approved (month,
    product line, revision, state), its tonnes (t), marginal income (RUB) and key-account
    tonnes (t), what is open and at stake, and what a plain approval is refused for.

    Raises :class:`InvalidInput` when ``b`` has no revision (nothing to approve)."""
    a = b.latest
    if a is None:
        raise InvalidInput(
            _("{month} {line} is not planned yet: nothing to approve.").format(
                month=month_text(b.month), line=b.product_line
            )
        )
    lines = [
        _("Approve {key} ({state})").format(key=key_label(a.key), state=state_label(a.state)),
        _("{tonnes} t · marginal income {income} RUB · key accounts {key} t").format(
            tonnes=grouped(a.tonnes), income=grouped(a.marginal_income), key=grouped(a.key_account_tonnes)
        ),
        open_counts(b),
        at_stake(b),
    ]
    said = blocking(b)
    return [*lines, said] if said else lines


def board(store: Store, month: Month, product_line: str, *, login: str) -> Board:
    """Read the approval view of (``month``, ``product_line``) for ``login``.

    Never raises for a month not planned yet: ``latest`` is ``None`` then and the lists
    hold whatever exists (requests may predate a plan)."""
    who = actor(store, login)
    with store.reading() as repo:
        latest = repo.assignments.assignment(month, product_line)
        if latest is not None:  # with its mills' hours, so the Mills section shows their load
            latest = with_hours(latest, repo.plant.whole())
        revisions = repo.assignments.revisions(month, product_line)
        approved = [number for number, state in revisions if state is AssignmentState.APPROVED]
        in_force = None
        if approved:
            in_force = (
                latest
                if latest and latest.revision == approved[-1]
                else repo.assignments.assignment(month, product_line, approved[-1])
            )
        earlier = [n for n in approved if latest and n < latest.revision]
        work = repo.workflow
        conflicts = work.conflicts(month=month, product_line=product_line)
        found_requests = work.requests(month=month, product_lines=[product_line])
        escalations = work.escalations(month=month, product_line=product_line)
        reviews = work.reviews(assignment_id=latest.id) if latest else []
        blockers: list[str] = []
        if latest is not None and latest.state is not AssignmentState.APPROVED:
            blockers += open_issues(repo, latest)
            objections = open_objections(repo, latest)
            if objections:
                blockers.append(_("unanswered objections: {what}").format(what="; ".join(objections)))
        mine: frozenset[str] = frozenset()
        if latest is not None and who.role is Role.SALES_MANAGER:
            ids = {x.position_id for x in (*latest.lines, *latest.exclusions)}
            mine = frozenset(p.ref for p in repo.plant.positions(ids=ids) if who.owns_deal(p)) if ids else frozenset()
    # against the approved revision before the latest, with moves to other months named
    diff = revision_diff(store, month, product_line, earlier[-1], latest.revision) if latest and earlier else None
    return Board(
        month,
        product_line,
        who,
        latest,
        in_force,
        diff,
        tuple(conflicts),
        tuple(found_requests),
        tuple(escalations),
        tuple(reviews),
        tuple(blockers),
        available(who, product_line, latest.state if latest else None),
        mine,
    )


def opening(store: Store, login: str, product_lines: list[str]) -> tuple[Month, str | None]:
    """Where the workstation opens for ``login``: (month, product line).

    The line is the first of his own lines among ``product_lines`` (else the first of
    ``product_lines``; ``None`` when there is none). The month is that of the newest
    revision of the line still waiting for action (a draft, in review or re-approval),
    else of its newest revision, from this month to :data:`OPENING_MONTHS` ahead (a
    past month can no longer be planned, so it is never where the work is); else next month.
    """
    who = actor(store, login)
    line = next((own for own in who.lines if own in product_lines), product_lines[0] if product_lines else None)
    now = Month.current()
    if line is None:
        return now + 1, None
    with store.reading() as repo:
        found = repo.assignments.revision_tonnes([now + step for step in range(OPENING_MONTHS + 1)])
    latest: dict[Month, AssignmentState] = {}
    for month, product_line, _revision, state, _tonnes in found:  # newest revision first
        if product_line == line:
            latest.setdefault(month, state)
    waiting = [m for m, state in latest.items() if state is not AssignmentState.APPROVED]
    if waiting or latest:
        return max(waiting or latest), line
    return now + 1, line


def parse_later(text: str, conflict_month: Month) -> Month:
    """A later month typed by a person: ``YYYY-MM``, or ``+N`` months after the conflict's.

    Raises :class:`InvalidInput` naming the text."""
    text = text.strip()
    try:
        if text.startswith("+") and text[1:].isdigit():
            return conflict_month + int(text[1:])
        return Month.parse(text)
    except ValueError as exc:
        raise InvalidInput(_("{text!r} is not a month: type YYYY-MM or +N (months later)").format(text=text)) from exc


def role_name(who: Actor) -> str:
    """The acting user's role in a word or two, for the workstation's header."""
    if who.open_store:
        return _("open store")
    if who.role is None:
        return _("read-only")
    return role_word(who.role)
