"""Closing a month (DESIGN.md, "The month's loop"): the month's plan-vs-actual figures are
frozen, the carry-over — tonnes the approved assignment planned for a position and its
mills did not make — becomes overdue demand of the next month's plan
(:func:`millplan.core.planning.inputs.with_carry_over`), and the sales managers of the
carried-over positions are told, once each.

A month closes by product line, once it is over (the current month cannot close) and once
it has an approved assignment for the line (without one there is nothing to compare the
actuals with, and nothing to carry over). Every day of the month must have actuals from at
least one of the line's mills; a month whose actuals are missing closes only as
*incomplete*, with a reason. A closed month is never planned again.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from millplan.core.access.permissions import Action, actor_in, require
from millplan.core.domain.actuals import MonthClose
from millplan.core.domain.assignment import AssignmentState
from millplan.core.domain.errors import InvalidInput, NotFound, StateError
from millplan.core.domain.i18n import _
from millplan.core.domain.months import Month, day_ranges, month_text, plant_clock, plant_today
from millplan.core.domain.notices import Item
from millplan.core.domain.stored_text import Figure, Joined, Message, lines, stored
from millplan.core.mail.plan_news import News, item_lines, tell
from millplan.core.mail.recipients import managers, person
from millplan.core.planning.fulfilment import read_lines
from millplan.core.planning.fulfilment_figures import line_figures
from millplan.storage.store import Store
from millplan.storage.unit_of_work import UnitOfWork

CARRIED_OVER_KIND = "carried_over"
"""Notification kind of a sales manager's positions carried over into the next month."""


@dataclass(frozen=True)
class LineClosed:
    """One product line's month closed: the stored ``close`` (figures, carry-over), the name of
    who closed it (``closer``: the user's name, his login when not registered) and the sales
    managers told of their carried-over positions (logins, or the deal's text for one not
    registered yet; the one who closed is never among them)."""

    close: MonthClose
    closer: str
    told: tuple[str, ...] = ()


@dataclass(frozen=True)
class LineStatus:
    """Where one product line's month stands: its approved revision (``None``: none), its
    ``close`` (``None`` while open) and the days without actuals from any of its mills
    (days of the month up to yesterday; none for a month not begun); ``closer`` the name of who
    closed it (the login when not registered; ``None`` while open)."""

    product_line: str
    approved_revision: int | None
    close: MonthClose | None
    missing: tuple[date, ...]
    closer: str | None = None


def close_month(
    store: Store,
    month: Month,
    *,
    login: str,
    product_line: str | None = None,
    incomplete: bool = False,
    reason: str | None = None,
) -> list[LineClosed]:
    """Close ``month`` for ``product_line`` — or, when ``None``, for every line ``login``
    may close (a product-line manager his own lines, a production planner any) that has an
    approved assignment for the month and is not closed yet — in one unit of work: each
    line's figures are frozen and its carry-over stored (position → t planned and not made,
    at least :data:`~millplan.core.planning.carry_over.MIN_CARRY_TONNES`), both audited, and
    each sales manager of a carried-over position gets one notification listing his.

    ``incomplete`` with a ``reason`` closes a line whose actuals are missing for some days
    (the close keeps both); without them such a line is refused, naming the days.

    Raises :class:`InvalidInput` for ``incomplete`` without a reason; :class:`StateError`
    for a month not over yet (the current month or later), a line already closed (naming
    who closed it and when), a line without an approved assignment for the month, actuals
    missing (naming the days, by line, and the lines that are ready, which ``--line``
    closes one by one); :class:`NotFound` for an unknown product line;
    :class:`Forbidden` unless ``login`` may close the line.
    """
    reason = reason.strip() if reason and reason.strip() else None
    if incomplete and reason is None:
        raise InvalidInput(_("closing a month with actuals missing needs a reason (--reason)"))
    current = Month.of(plant_today())
    if month >= current:
        raise StateError(
            _("{month} is not over yet ({current} is the current month): only a past month can be closed").format(
                month=month_text(month), current=month_text(current)
            )
        )
    with store.unit_of_work() as repo:
        mills = _mills_by_line(repo)
        lines = _lines_to_close(repo, store, month, login, product_line, sorted(mills))
        missing = {line: _missing_days(repo, month, mills.get(line, ()), month.last_day) for line in lines}
        lacking = {line: days for line, days in missing.items() if days}
        if lacking and not incomplete:
            raise StateError(_missing_message(month, lacking, [line for line in lines if line not in lacking]))
        closed = []
        figures_of = {f.product_line: f for f in read_lines(repo, month, product_line)}  # one read
        for line in lines:
            figures = figures_of[line]
            close = repo.closes.close(
                month,
                line,
                login,
                figures=line_figures(figures),
                carry_over={c.position_id: c.tonnes for c in figures.carry_over},
                incomplete=bool(missing[line]),
                reason=reason,
            )
            closed.append(LineClosed(close, person(repo, login), _tell(repo, close, by=login)))
        return closed


def _missing_message(month: Month, lacking: dict[str, tuple[date, ...]], ready: list[str]) -> str:
    """Why ``month`` cannot close: the days without actuals by line (``lacking``); when
    other lines of the same close are ``ready`` (every day in), that nothing was closed —
    a close of several lines is all or nothing — and that ``--line`` closes one of them."""
    message = _(
        "{month} cannot be closed: actuals are missing — {days}. Import them (millplan import actuals "
        "FILE), or close it as incomplete with a reason (--incomplete --reason …)"
    ).format(
        month=month_text(month),
        days="; ".join(_("{line}: {days}").format(line=line, days=day_ranges(days)) for line, days in lacking.items()),
    )
    if not ready:
        return message
    return _(
        "{missing}. Nothing was closed (closing several lines is all or nothing); ready to close: {ready} — "
        "close one line with `millplan month close {month} --line {line}`"
    ).format(missing=message, ready=", ".join(ready), month=month, line=ready[0])


def _lines_to_close(
    repo: UnitOfWork, store: Store, month: Month, login: str, product_line: str | None, known: list[str]
) -> list[str]:
    """The lines to close (see :func:`close_month`) among the ``known`` lines (those with
    mills); raises as it says."""
    who = actor_in(repo, login, store)
    if not known:
        raise NotFound(_("there are no mills yet: import the mill register first (millplan import mills FILE)"))
    if product_line is not None and product_line not in known:
        raise NotFound(
            _("product line {line} has no mills (known: {known})").format(line=product_line, known=", ".join(known))
        )
    asked = [product_line] if product_line else [l for l in known if who.may(Action.CLOSE_MONTH, line=l)]
    for line in asked or known[:1]:  # none of them: the refusal names the first
        require(who, Action.CLOSE_MONTH, line=line, target=f"{month}/{line}")
    closes = {c.product_line: c for c in repo.closes.closes(month)}
    lines: list[str] = []
    refusals = []
    for line in asked:
        if line in closes:
            c = closes[line]
            refusals.append(
                _("{month} {line} was closed by {who} at {at}").format(
                    month=month_text(month), line=line, who=person(repo, c.closed_by), at=plant_clock(c.closed_at)
                )
            )
            continue
        if _approved_number(repo, month, line) is None:
            refusals.append(
                _("{month} {line} has no approved assignment: there is nothing to compare its actuals with").format(
                    month=month_text(month), line=line
                )
            )
            continue
        lines.append(line)
    if (product_line is not None and refusals) or not lines:
        raise StateError(_("nothing to close: {why}").format(why="; ".join(refusals)))
    return lines


def _mills_by_line(repo: UnitOfWork) -> dict[str, list[str]]:
    """Product line → codes of its mills."""
    mills: dict[str, list[str]] = {}
    for mill in repo.plant.whole().mills:
        mills.setdefault(mill.product_line, []).append(mill.code)
    return mills


def _missing_days(repo: UnitOfWork, month: Month, mill_codes: Iterable[str], through: date) -> tuple[date, ...]:
    """Days of ``month`` up to ``through`` on which none of ``mill_codes`` has actuals."""
    first, last = month.first_day, min(month.last_day, through)
    if last < first:
        return ()
    made = repo.actuals.days(first, last, mill_codes=list(mill_codes))
    return tuple(d for d in (first + timedelta(days=i) for i in range((last - first).days + 1)) if d not in made)


def _tell(repo: UnitOfWork, close: MonthClose, *, by: str) -> tuple[str, ...]:
    """Tell each sales manager of a position in ``close``'s carry-over, in one notification
    listing his positions and tonnes; each piece of news keyed by month, line and position,
    so it is told once. Returns who was told (never ``by``)."""
    if not close.carry_over:
        return ()
    month, line = close.month, close.product_line
    positions = {p.id: p for p in repo.plant.positions(ids=[c.position_id for c in close.carry_over])}
    whose = managers(repo)
    news = [
        News(
            login,
            Item(
                c.position_ref,
                CARRIED_OVER_KIND,
                stored(
                    "{customer}: {tonnes} t planned in {month} not made, due in {next} at the latest",
                    customer=positions[c.position_id].customer,
                    tonnes=Figure(c.tonnes, 1),
                    month=month,
                    next=month + 1,
                ),
                key=f"{month}/{line}/close:{c.position_id}:{CARRIED_OVER_KIND}",
            ),
        )
        for c in close.carry_over
        if (login := whose.login(positions[c.position_id].sales_manager))
    ]
    acting = person(repo, by)

    def compose(items: list[Item]) -> tuple[Message, Joined]:
        where = {"month": month, "line": line, "next": month + 1}
        if len(items) == 1:
            subject = stored("{ref} carried over from {month} {line} into {next}", ref=items[0].ref, **where)
        else:
            subject = stored(
                "{n} of your positions carried over from {month} {line} into {next}", n=len(items), **where
            )
        body = lines(
            Joined("", (subject, ".")),
            stored(
                "{month} is closed: what its approved assignment planned and the mills did not make is overdue "
                "demand of the {next} plan.",
                month=month,
                next=month + 1,
            ),
            *item_lines(items),
            stored("Closed by {who}", who=acting),
        )
        return subject, body

    tell(repo, news, event=f"{month}/{line}/close", object_key=f"{month} {line}", compose=compose, by=by)
    return tuple(sorted({n.login for n in news} - {by}))


def month_status(store: Store, month: Month) -> list[LineStatus]:
    """Each product line's state in ``month``: approved revision, close, and the days
    without actuals from its mills (up to yesterday in the month in progress)."""
    yesterday = plant_today() - timedelta(days=1)
    with store.reading() as repo:
        mills = _mills_by_line(repo)
        closes = {c.product_line: c for c in repo.closes.closes(month)}
        closers = repo.users.display_names(c.closed_by for c in closes.values())
        result = []
        for line in sorted(mills):
            result.append(
                LineStatus(
                    line,
                    _approved_number(repo, month, line),
                    closes.get(line),
                    _missing_days(repo, month, mills[line], yesterday),
                    closers[closes[line].closed_by] if line in closes else None,
                )
            )
        return result


def _approved_number(repo: UnitOfWork, month: Month, line: str) -> int | None:
    """The number of the line's last approved revision of ``month`` (``None``: none), read
    without loading the revision."""
    approved = [r for r, state in repo.assignments.revisions(month, line) if state is AssignmentState.APPROVED]
    return approved[-1] if approved else None
