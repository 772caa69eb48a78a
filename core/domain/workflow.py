"""Plain objects of the approval workflow's open items: sales managers' requests,
conflicts over key-account dates, escalations to the director and reviewers' verdicts.

What leaves the store (:mod:`millplan.storage.workflow`); the rules that move them live in
:mod:`millplan.core.workflow.requests`, :mod:`millplan.core.workflow.conflicts`, :mod:`millplan.core.workflow.escalations` and
:mod:`millplan.core.workflow.reviews`. Money is ``Decimal`` RUB, tonnes t, months :class:`Month`, times
timezone-aware UTC. Every item carries the ``version`` of its row: an answer given on a
stale read is refused ("changed by X at T — reload").
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from millplan.core.domain.i18n import _
from millplan.core.domain.months import Month
from millplan.core.domain.stored_text import Param, say, stored


class RequestKind(str, enum.Enum):
    """What a sales manager asks for (DESIGN.md, "Sales manager levers")."""

    PRIORITY_RAISE = "priority_raise"
    PRIORITY_LOWER = "priority_lower"
    REPLACE = "replace"
    REAPPROVAL = "reapproval"


class RequestState(str, enum.Enum):
    """``open`` until the product-line manager grants or refuses it, or its sales manager
    withdraws it."""

    OPEN = "open"
    GRANTED = "granted"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"


class ConflictState(str, enum.Enum):
    """``open`` and ``escalated`` are unresolved; ``forced`` (locked in), ``later_month``
    (a later month agreed) and ``closed`` (no longer short after a re-plan) are done."""

    OPEN = "open"
    ESCALATED = "escalated"
    FORCED = "forced"
    LATER_MONTH = "later_month"
    CLOSED = "closed"

    @property
    def unresolved(self) -> bool:
        """Whether the conflict still waits for a resolution (``open`` or ``escalated``)."""
        return self in (ConflictState.OPEN, ConflictState.ESCALATED)


class EscalationState(str, enum.Enum):
    """``open`` until the director decides it (``decided``, with an :class:`Outcome`)."""

    OPEN = "open"
    DECIDED = "decided"


class Outcome(str, enum.Enum):
    """How an escalation was decided: its conflict ``forced`` in or moved to a
    ``later_month`` by the director, a re-approval round ``round_decided`` (by his
    decision or his approval of the revision), or ``moot`` (its conflict closed itself)."""

    FORCED = "forced"
    LATER_MONTH = "later_month"
    ROUND_DECIDED = "round_decided"
    MOOT = "moot"


@dataclass(frozen=True, slots=True)
class Request:
    """A sales manager's request on (month, product line), answered by the line's manager.

    ``position_ref`` is the position it is about (``None`` for a re-approval round);
    ``replacement_ref`` the position to put in its place (replacement only);
    ``margin_at_stake`` RUB as millplan computed it when the request was raised (see
    :mod:`millplan.core.workflow.requests` for each kind).
    """

    id: int
    kind: RequestKind
    month: Month
    product_line: str
    position_ref: str | None
    replacement_ref: str | None
    justification: str
    margin_at_stake: Decimal
    state: RequestState
    requested_by: str
    requested_at: datetime
    answered_by: str | None
    answered_at: datetime | None
    answer: str | None
    version: int
    position_id: int | None = None
    replacement_id: int | None = None

    @property
    def key(self) -> str:
        """Object key in the audit log and notifications."""
        return f"request {self.id}"


@dataclass(frozen=True, slots=True)
class Conflict:
    """A key-account position that revision ``revision`` of (month, line) leaves short of
    its requested month: ``tonnes_short`` t, ``margin_at_stake`` RUB (tonnes short × the
    position's unit marginal income on its best mill)."""

    id: int
    assignment_id: int
    month: Month
    product_line: str
    revision: int
    position_id: int
    position_ref: str
    customer: str
    sales_manager: str
    requested_month: Month
    tonnes_short: float
    margin_at_stake: Decimal
    state: ConflictState
    opened_at: datetime
    agreed_month: Month | None
    resolution: str | None
    resolved_by: str | None
    resolved_at: datetime | None
    version: int

    @property
    def key(self) -> str:
        """Object key in the audit log and notifications."""
        return f"conflict {self.id}"


@dataclass(frozen=True, slots=True)
class Escalation:
    """A conflict or a re-approval round raised to the director; ``outcome`` is the
    decision's stable code (an :class:`Outcome` value), ``decision`` the director's reason."""

    id: int
    month: Month
    product_line: str
    assignment_id: int | None
    conflict_id: int | None
    request_id: int | None
    raised_by: str
    raised_at: datetime
    reason: str
    state: EscalationState
    outcome: str | None
    decision: str | None
    decided_by: str | None
    decided_at: datetime | None
    version: int
    subject: str = ""

    @property
    def key(self) -> str:
        """Object key in the audit log and notifications."""
        return f"escalation {self.id}"


def escalation_subject(revision: int, conflict: Conflict | None, request_id: int | None) -> str:
    """What an escalation is about, for people: its conflict (``conflict 3: D1#2 40 t
    short``), else the re-approval round of its request, else its revision (number)."""
    if conflict is not None:
        return _("conflict {id}: {position} {tonnes} t short").format(
            id=conflict.id, position=conflict.position_ref, tonnes=f"{conflict.tonnes_short:g}"
        )
    if request_id is not None:
        return _("re-approval round, request {id}").format(id=request_id)
    return _("revision {revision}").format(revision=revision)


_REVISION_KEY = re.compile(r"(\d{4}-\d{2})/(.+)/r(\d+)")
_MONTH_LINE_KEY = re.compile(r"(\d{4}-\d{2})[ /]([^/]+)")
_MILL_MONTH_KEY = re.compile(r"([^/]+)/(\d{4}-\d{2})")


def key_label(key: str) -> str:
    """An object key of the audit log as people read it, in the user's language:
    ``request 3`` → ``запрос 3``, ``2027-01/ТБД/r2`` → ``янв 2027 ТБД, редакция 2``, a month
    of a line ``2027-01/ТБД`` or ``2027-01 ТБД`` (a month close) → ``янв 2027 ТБД``,
    ``ТПЦ-PQF/2027-01`` → ``ТПЦ-PQF янв 2027``, the settings a refusal names (``time zone``)
    in words; a key of another form (a deal number) as it is."""
    return say(key_said(key))


def key_said(key: str) -> Param:
    """:func:`key_label` as a message to store (said in each reader's language)."""
    revision = _REVISION_KEY.fullmatch(key)
    if revision:
        return stored(
            "{month} {line} revision {revision}", month=Month.parse(revision[1]), line=revision[2], revision=revision[3]
        )
    month_line = _MONTH_LINE_KEY.fullmatch(key)
    if month_line:
        return stored("{month} {line}", month=Month.parse(month_line[1]), line=month_line[2])
    mill_month = _MILL_MONTH_KEY.fullmatch(key)
    if mill_month:
        return stored("{mill} {month}", mill=mill_month[1], month=Month.parse(mill_month[2]))
    settings = {
        "browser sessions": lambda: stored("browser sessions"),
        "database": lambda: stored("the database"),
        "stale limits": lambda: stored("the stale limits"),
        "time zone": lambda: stored("the plant's time zone"),
    }
    if key in settings:
        return settings[key]()
    kind, sep, rest = key.partition(" ")
    named = {
        "request": lambda: stored("request {id}", id=rest),
        "conflict": lambda: stored("conflict {id}", id=rest),
        "escalation": lambda: stored("escalation {id}", id=rest),
        "review": lambda: stored("review {id}", id=rest),
        "user": lambda: stored("user {id}", id=rest),
    }
    return named[kind]() if sep and kind in named else key


@dataclass(frozen=True, slots=True)
class Review:
    """A reviewer's verdict on a revision: ``agree`` to the whole revision, or ``object``
    to one position's line (``position_ref``) with a reason. An objection is open until
    the product-line manager answers it (``answer``, ``answered_by``) or the revision is
    approved over it with a recorded reason."""

    id: int
    assignment_id: int
    month: Month
    product_line: str
    revision: int
    login: str
    verdict: str
    position_ref: str | None
    reason: str | None
    at: datetime
    answer: str | None
    answered_by: str | None
    answered_at: datetime | None
    version: int

    @property
    def open(self) -> bool:
        """Whether this is an objection the product-line manager has not answered yet."""
        return self.verdict == "object" and self.answered_at is None

    @property
    def key(self) -> str:
        """Object key in the audit log and notifications."""
        return f"review {self.id}"


def waiting(item: Conflict | Request | Escalation | Review) -> bool:
    """Whether an open item still waits for someone to act on it: an open conflict (one
    escalated waits for the director, as its escalation), an open request or escalation,
    an unanswered objection."""
    if isinstance(item, Review):
        return item.open
    if isinstance(item, Conflict):
        return item.state is ConflictState.OPEN
    if isinstance(item, Request):
        return item.state is RequestState.OPEN
    return item.state is EscalationState.OPEN
