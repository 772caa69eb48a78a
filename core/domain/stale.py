"""The stale-deal ledger's words: why a position is stale, what may be done with it, and the
limits that decide it (DESIGN.md, "stale deal").

A position is stale when its deal is accepted, it has tonnes left to make, and any
:class:`StaleReason` holds. Each :class:`Disposition` changes one position, with a reason,
and a later one can undo it (``restore`` undoes ``cancel`` and ``close``).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from millplan.core.domain.errors import InvalidInput
from millplan.core.domain.i18n import _


class StaleReason(str, enum.Enum):
    """Why a position is stale; the value is the stable code scripts read."""

    OVERDUE = "overdue"
    UNPLANNED = "unplanned"
    IDLE = "idle"
    NO_MILL = "no_mill"

    @property
    def words(self) -> str:
        """The reason as people read it (short, for a table cell)."""
        return {
            StaleReason.OVERDUE: _("overdue"),
            StaleReason.UNPLANNED: _("unplanned"),
            StaleReason.IDLE: _("idle"),
            StaleReason.NO_MILL: _("no mill"),
        }[self]


class Disposition(str, enum.Enum):
    """What the line manager does with a stale position; the value is the audit action's
    suffix (``stale_extend`` …) and the notification's kind."""

    EXTEND = "extend"
    PRIORITY = "priority"
    CANCEL = "cancel"
    CLOSE = "close"
    RESTORE = "restore"


def disposition_verb(disposition: Disposition) -> str:
    """What the line manager does, as a verb in the user's language (``extend``,
    ``cancel`` …), for sentences such as "cannot {action} it"."""
    return {
        Disposition.EXTEND: _("extend"),
        Disposition.PRIORITY: _("change the priority of"),
        Disposition.CANCEL: _("cancel"),
        Disposition.CLOSE: _("close"),
        Disposition.RESTORE: _("restore"),
    }[disposition]


class DisposedState(str, enum.Enum):
    """Where a position the ledger took out of the book stands: its remainder cancelled, or
    closed as complete (words: :func:`millplan.core.domain.states.state_label`)."""

    CANCELLED = "cancelled"
    CLOSED = "closed"


NEGLIGIBLE_TONNES = 0.5
"""A remainder below this (t) is not stale: the ledger shows tonnes whole, so it reads as
0 t left — what a mill's tolerance leaves of an order made, not a deal left waiting."""

MONTHS_OVERDUE_KEY = "stale.months_overdue"
ACCEPTED_DAYS_KEY = "stale.accepted_days"
IDLE_DAYS_KEY = "stale.idle_days"


@dataclass(frozen=True, slots=True)
class StaleLimits:
    """The ledger's limits: ``months_overdue`` months past the requested month (more than
    that is overdue), ``accepted_days`` days since acceptance without any approved plan,
    ``idle_days`` days without production once it started. Each at least 0 (``0`` months:
    any month past is overdue)."""

    months_overdue: int = 2
    accepted_days: int = 90
    idle_days: int = 60

    def __post_init__(self) -> None:
        for name in ("months_overdue", "accepted_days", "idle_days"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise InvalidInput(
                    _("the stale limit {name} must be a whole number ≥ 0, not {value!r}").format(name=name, value=value)
                )

    def as_settings(self) -> dict[str, int]:
        """Settings key → value, as ``repo.settings`` keeps them."""
        return {
            MONTHS_OVERDUE_KEY: self.months_overdue,
            ACCEPTED_DAYS_KEY: self.accepted_days,
            IDLE_DAYS_KEY: self.idle_days,
        }


@dataclass(frozen=True, slots=True)
class Disposed:
    """A position whose remainder was cancelled (``tonnes_cancelled`` t > 0) or which was
    closed as complete (``completed_at`` set), with the last ledger action that did it:
    ``at`` (UTC) and ``by`` (login), ``None`` when the audit has none."""

    position_id: int
    position_ref: str
    tonnes_cancelled: float
    completed_at: datetime | None
    at: datetime | None = None
    by: str | None = None
