"""Sales managers' requests on their own positions, answered by the product-line manager.

A sales manager may ask, with a justification, to

* **raise** a position's priority — granted, its manual priority becomes 1 (highest),
  it is locked whole into the month and its open conflict there is resolved as forced; millplan states the marginal income at stake as the
  change in the line's total marginal income that forcing it in causes (RUB, usually
  negative: what the plant gives up), and what it displaces;
* **lower** a position's priority — granted, its priority becomes 3 (lowest) and its
  lock, if any, is released; at stake: the marginal income of its planned tonnes;
* **replace** one of his positions in the assignment by another of his — granted, the
  first is excluded by hand (the request is the reason) and the second locked in whole;
  at stake: the change in the line's marginal income;
* start a **re-approval round** of a month's assignment that pulls the director into the
  chain — granted, an escalation to the director opens and the revision (the next one,
  in re-approval, if the latest is approved) needs the director's approval; at stake: the
  marginal income of his positions in it.

Each request concerns one month of the position's product line: the given month, else
the first month from the current one whose assignment holds the position, else its
requested month. Granting re-runs the prioritiser with the lock or priority, in the same
transaction as the answer; refusing records the reason. The sales manager is notified of
each answer. Two people answering one request at once: the second is refused ("changed by
X at T — reload").

This module holds what those use cases share — what a request asks, in words, and the
lists of requests; :mod:`millplan.core.workflow.request_raising` raises them and
:mod:`millplan.core.workflow.request_answers` grants, refuses or withdraws them.
"""

from __future__ import annotations

from millplan.core.access.permissions import actor
from millplan.core.domain.errors import InvalidInput
from millplan.core.domain.i18n import _
from millplan.core.domain.months import Month
from millplan.core.domain.people import Role
from millplan.core.domain.stored_text import Message, say, stored
from millplan.core.domain.workflow import Request, RequestKind, RequestState
from millplan.storage.store import Store

HIGHEST, LOWEST = 1, 3
"""Manual priorities a granted raise and lower set (1 highest … 3 lowest)."""

NEEDS_WHY = _("a request needs a justification (--why): the product-line manager weighs it")

RAISED_KIND = "request_raised"
"""Notification kind of a request waiting for the product-line manager's answer."""

ANSWERED_KIND = "request_answered"
"""Notification kind of an answer to a request."""


def describe(request: Request) -> str:
    """What the request asks, in a few words (e.g. "replace D1#1 by D1#2")."""
    return say(describe_said(request))


def describe_said(request: Request) -> Message:
    """:func:`describe` as a message to store (said in each reader's language)."""
    kind, ref = request.kind, request.position_ref
    if kind is RequestKind.PRIORITY_RAISE:
        return stored("raise the priority of {ref}", ref=ref)
    if kind is RequestKind.PRIORITY_LOWER:
        return stored("lower the priority of {ref}", ref=ref)
    if kind is RequestKind.REPLACE:
        return stored("replace {ref} by {by}", ref=ref, by=request.replacement_ref)
    return stored("start a re-approval round of {month} {line}", month=request.month, line=request.product_line)


def stated(text: str | None, what: str) -> str:
    """``text`` stripped (a justification, a reason); raises :class:`InvalidInput` saying
    ``what`` when it is empty or blank."""
    if not (text and text.strip()):
        raise InvalidInput(what)
    return text.strip()


def requests(
    store: Store,
    *,
    requested_by: str | None = None,
    product_lines: list[str] | None = None,
    state: RequestState | None = None,
    month: Month | None = None,
) -> list[Request]:
    """Requests, newest first, filtered."""
    with store.reading() as repo:
        return repo.workflow.requests(state=state, requested_by=requested_by, product_lines=product_lines, month=month)


def mine(store: Store, login: str, *, state: RequestState | None = None) -> list[Request]:
    """A sales manager's own requests; for a product-line manager, those on his lines."""
    who = actor(store, login)
    if who.role is Role.LINE_MANAGER:
        return requests(store, product_lines=list(who.lines), state=state)
    return requests(store, requested_by=login, state=state)
