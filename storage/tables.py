"""The store's tables (SQLModel). Only :mod:`storage` touches these rows.

Money columns are ``Numeric`` (``Decimal`` in Python), times are timezone-aware UTC,
months are ``YYYY-MM`` text. Rows that two people may edit carry a ``version`` counter.
The schema is created and upgraded only by the Alembic migrations in
``storage/migrations``; the app never calls ``create_all``.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

# Stable constraint names, so migrations can alter them on SQLite (batch mode) and PostgreSQL.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

MONEY = sa.Numeric(16, 2)


def utcnow() -> datetime:
    return datetime.now(UTC)


class UtcDateTime(sa.TypeDecorator):
    """A timestamp stored in UTC and always read back timezone-aware.

    SQLite keeps no zone, so without this a value read back would be naive and compare
    unequal to the aware value written. Raises ``ValueError`` on a naive value.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive timestamp {value!r}: millplan stores UTC-aware times only")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _utc_column(nullable: bool = False) -> Any:
    return sa.Column(UtcDateTime(), nullable=nullable)


class UserRow(SQLModel, table=True):
    __tablename__ = "users"

    id: int | None = Field(default=None, primary_key=True)
    login: str = Field(max_length=64, sa_column_kwargs={"unique": True})
    name: str = Field(max_length=200)
    role: str = Field(max_length=32)
    created_at: datetime = Field(default_factory=utcnow, sa_column=_utc_column())
    email: str | None = Field(default=None, max_length=200)
    version: int = 1


class UserLineRow(SQLModel, table=True):
    """A product line owned by a user (a product-line manager owns one or more)."""

    __tablename__ = "user_lines"
    __table_args__ = (sa.UniqueConstraint("user_id", "product_line", name="uq_user_lines_user_line"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", ondelete="CASCADE", index=True)
    product_line: str = Field(max_length=64, index=True)


class CustomerRow(SQLModel, table=True):
    __tablename__ = "customers"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=300, sa_column_kwargs={"unique": True})
    is_key_account: bool = False
    version: int = 1


class MillRow(SQLModel, table=True):
    __tablename__ = "mills"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=64, sa_column_kwargs={"unique": True})
    name: str = Field(max_length=200)
    shop: str = Field(default="", max_length=200)
    product_line: str = Field(max_length=64, index=True)
    product_type: str = Field(default="", max_length=200)
    od_min_mm: float
    od_max_mm: float
    wall_min_mm: float
    wall_max_mm: float
    steel_grades: list[str] = Field(sa_column=sa.Column(sa.JSON, nullable=False))
    standards: list[str] = Field(sa_column=sa.Column(sa.JSON, nullable=False))
    speed_m_per_h: float
    nominal_hours: float
    conversion_cost: Decimal = Field(sa_column=sa.Column(MONEY, nullable=False))
    version: int = 1


class CapacityRow(SQLModel, table=True):
    """Hours of one mill in one month (calendar less maintenance)."""

    __tablename__ = "capacity"
    __table_args__ = (sa.UniqueConstraint("mill_id", "month", name="uq_capacity_mill_month"),)

    id: int | None = Field(default=None, primary_key=True)
    mill_id: int = Field(foreign_key="mills.id", ondelete="CASCADE")
    month: str = Field(max_length=7)
    hours: float
    version: int = 1


class NormRow(SQLModel, table=True):
    """Productivity (t/h) of one mill in one OD band × wall band (mm, inclusive)."""

    __tablename__ = "productivity_norms"

    id: int | None = Field(default=None, primary_key=True)
    mill_id: int = Field(foreign_key="mills.id", ondelete="CASCADE", index=True)
    od_min_mm: float
    od_max_mm: float
    wall_min_mm: float
    wall_max_mm: float
    tonnes_per_hour: float
    conversion_cost: Decimal | None = Field(default=None, sa_column=sa.Column(MONEY, nullable=True))


class DealRow(SQLModel, table=True):
    __tablename__ = "deals"

    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(max_length=64, sa_column_kwargs={"unique": True})
    customer_id: int = Field(foreign_key="customers.id", index=True)
    sales_manager: str = Field(max_length=200)
    status: str = Field(max_length=16, index=True)
    accepted_at: datetime | None = Field(default=None, sa_column=_utc_column(nullable=True))
    accepted_by: str | None = Field(default=None, max_length=64)
    rejection_reason: str | None = None
    version: int = 1


class PositionRow(SQLModel, table=True):
    __tablename__ = "positions"
    __table_args__ = (sa.UniqueConstraint("deal_id", "position_no", name="uq_positions_deal_position_no"),)

    id: int | None = Field(default=None, primary_key=True)
    deal_id: int = Field(foreign_key="deals.id", ondelete="CASCADE")
    position_no: int
    product_line: str = Field(max_length=64, index=True)
    pipe_type: str = Field(default="", max_length=200)
    od_mm: float
    wall_mm: float
    steel_grade: str = Field(max_length=64)
    standard: str = Field(max_length=200)
    length_m: float | None = None
    tonnes_ordered: float
    # produced = opening balance (the portfolio's figure at cut-over) + the actuals' sum;
    # kept in step by the actuals repository in the same transaction (migration 0007)
    tonnes_produced: float = 0.0
    tonnes_opening: float = 0.0
    # the stale-deal ledger: a cancelled remainder leaves the order book but stays on record,
    # and a position closed as complete has nothing left to make
    tonnes_cancelled: float = 0.0
    completed_at: datetime | None = Field(default=None, sa_column=_utc_column(nullable=True))
    price: Decimal = Field(sa_column=sa.Column(MONEY, nullable=False))
    metal_cost: Decimal = Field(sa_column=sa.Column(MONEY, nullable=False))
    requested_month: str = Field(max_length=7, index=True)
    manual_priority: int | None = None
    note: str | None = None
    version: int = 1


class AssignmentRow(SQLModel, table=True):
    """One revision of a month's production assignment for one product line."""

    __tablename__ = "assignments"
    __table_args__ = (
        sa.UniqueConstraint("month", "product_line", "revision", name="uq_assignments_month_line_revision"),
    )

    id: int | None = Field(default=None, primary_key=True)
    month: str = Field(max_length=7)
    product_line: str = Field(max_length=64)
    revision: int
    state: str = Field(max_length=16)
    created_at: datetime = Field(default_factory=utcnow, sa_column=_utc_column())
    created_by: str = Field(max_length=64)
    approved_at: datetime | None = Field(default=None, sa_column=_utc_column(nullable=True))
    approved_by: str | None = Field(default=None, max_length=64)
    solver_status: str | None = Field(default=None, max_length=32)
    solver_name: str | None = Field(default=None, max_length=32)
    solve_seconds: float | None = None
    version: int = 1
    # the life cycle (millplan.core.domain.assignment.AssignmentState): submitted for review when and by whom;
    # stale when a mill's hours changed since the plan; needs_director when a sales
    # manager's re-approval round pulled the director into the chain
    submitted_at: datetime | None = Field(default=None, sa_column=_utc_column(nullable=True))
    submitted_by: str | None = Field(default=None, max_length=64)
    stale: bool = False
    stale_reason: str | None = None
    needs_director: bool = False
    approval_reason: str | None = None
    # the horizon plan (migration 0005): options planned with, solver gap, lines moved
    options: dict | None = Field(default=None, sa_column=sa.Column(sa.JSON, nullable=True))
    gap: float | None = None
    moved_lines: int | None = None
    texts: dict | None = Field(default=None, sa_column=sa.Column(sa.JSON, nullable=True))
    """The messages of ``stale_reason`` and ``approval_reason`` when millplan wrote them, to say them in the reader's language (migration 0009; see :mod:`millplan.core.domain.stored_text`)."""


class AssignmentLineRow(SQLModel, table=True):
    __tablename__ = "assignment_lines"

    id: int | None = Field(default=None, primary_key=True)
    assignment_id: int = Field(foreign_key="assignments.id", ondelete="CASCADE", index=True)
    position_id: int = Field(foreign_key="positions.id", index=True)
    mill_id: int = Field(foreign_key="mills.id")
    tonnes: float
    hours: float
    marginal_income: Decimal = Field(sa_column=sa.Column(MONEY, nullable=False))
    locked: bool = False
    # tonnes already made in the month when a month in progress was re-planned: kept as made
    tonnes_made: float = 0.0


class ExclusionRow(SQLModel, table=True):
    """A position left out of an assignment revision, wholly or partly, with the reason."""

    __tablename__ = "assignment_exclusions"

    id: int | None = Field(default=None, primary_key=True)
    assignment_id: int = Field(foreign_key="assignments.id", ondelete="CASCADE", index=True)
    position_id: int = Field(foreign_key="positions.id", index=True)
    tonnes_left_out: float
    reason_code: str = Field(max_length=32)
    reason: str
    manual: bool = False
    mill_id: int | None = Field(default=None, foreign_key="mills.id")
    month: str | None = Field(default=None, max_length=7)
    shadow_price: Decimal | None = Field(default=None, sa_column=sa.Column(MONEY, nullable=True))
    earns_per_hour: Decimal | None = Field(default=None, sa_column=sa.Column(MONEY, nullable=True))
    texts: dict | None = Field(default=None, sa_column=sa.Column(sa.JSON, nullable=True))
    """The message of ``reason`` when millplan wrote it, to say it in the reader's language (migration 0009; see :mod:`millplan.core.domain.stored_text`)."""


class ForecastLineRow(SQLModel, table=True):
    """Tonnes a revision's horizon plan puts on a mill in a later month (its forecast)."""

    __tablename__ = "assignment_forecast"

    id: int | None = Field(default=None, primary_key=True)
    assignment_id: int = Field(foreign_key="assignments.id", ondelete="CASCADE", index=True)
    position_id: int = Field(foreign_key="positions.id", index=True)
    mill_id: int = Field(foreign_key="mills.id")
    month: str = Field(max_length=7)
    tonnes: float
    hours: float
    marginal_income: Decimal = Field(sa_column=sa.Column(MONEY, nullable=False))


class ShadowPriceRow(SQLModel, table=True):
    """RUB per extra hour of a mill in a month of a revision's horizon plan."""

    __tablename__ = "shadow_prices"

    id: int | None = Field(default=None, primary_key=True)
    assignment_id: int = Field(foreign_key="assignments.id", ondelete="CASCADE", index=True)
    mill_id: int = Field(foreign_key="mills.id")
    month: str = Field(max_length=7)
    rub_per_hour: Decimal = Field(sa_column=sa.Column(MONEY, nullable=False))


class ReviewRow(SQLModel, table=True):
    """A reviewer's verdict on a revision, on one position (or one mill's line of it) or
    on the whole revision when both are empty: ``agree`` or ``object`` (with a reason)."""

    __tablename__ = "reviews"

    id: int | None = Field(default=None, primary_key=True)
    assignment_id: int = Field(foreign_key="assignments.id", ondelete="CASCADE", index=True)
    position_id: int | None = Field(default=None, foreign_key="positions.id")
    mill_id: int | None = Field(default=None, foreign_key="mills.id")
    login: str = Field(max_length=64)
    verdict: str = Field(max_length=16)
    reason: str | None = None
    at: datetime = Field(default_factory=utcnow, sa_column=_utc_column())
    version: int = 1
    # the product-line manager's answer to an objection (migration 0004)
    answer: str | None = None
    answered_by: str | None = Field(default=None, max_length=64)
    answered_at: datetime | None = Field(default=None, sa_column=_utc_column(nullable=True))


class RequestRow(SQLModel, table=True):
    """A sales manager's request on one of his positions, answered by the product-line
    manager: ``kind`` priority_raise | priority_lower | replace | reapproval; ``state``
    open | granted | refused | withdrawn. ``margin_at_stake`` RUB, computed by millplan."""

    __tablename__ = "requests"

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=16)
    position_id: int | None = Field(default=None, foreign_key="positions.id", index=True)
    replacement_position_id: int | None = Field(default=None, foreign_key="positions.id")
    month: str = Field(max_length=7)
    product_line: str = Field(max_length=64)
    priority: int | None = None
    requested_by: str = Field(max_length=64)
    requested_at: datetime = Field(default_factory=utcnow, sa_column=_utc_column())
    justification: str
    margin_at_stake: Decimal = Field(default=Decimal(0), sa_column=sa.Column(MONEY, nullable=False))
    state: str = Field(default="open", max_length=16, index=True)
    answered_by: str | None = Field(default=None, max_length=64)
    answered_at: datetime | None = Field(default=None, sa_column=_utc_column(nullable=True))
    answer: str | None = None
    version: int = 1
    texts: dict | None = Field(default=None, sa_column=sa.Column(sa.JSON, nullable=True))
    """The message of ``answer`` when millplan wrote it, to say it in the reader's language (migration 0009;
    see :mod:`millplan.core.domain.stored_text`)."""


class ConflictRow(SQLModel, table=True):
    """A key-account position a revision leaves short of its requested month:
    ``tonnes_short`` t and ``margin_at_stake`` RUB. ``state`` open | forced | later_month
    | escalated | closed; ``agreed_month`` YYYY-MM when a later month was agreed."""

    __tablename__ = "conflicts"

    id: int | None = Field(default=None, primary_key=True)
    assignment_id: int = Field(foreign_key="assignments.id", ondelete="CASCADE", index=True)
    position_id: int = Field(foreign_key="positions.id", index=True)
    tonnes_short: float
    margin_at_stake: Decimal = Field(sa_column=sa.Column(MONEY, nullable=False))
    state: str = Field(default="open", max_length=16, index=True)
    opened_at: datetime = Field(default_factory=utcnow, sa_column=_utc_column())
    agreed_month: str | None = Field(default=None, max_length=7)
    resolution: str | None = None
    resolved_by: str | None = Field(default=None, max_length=64)
    resolved_at: datetime | None = Field(default=None, sa_column=_utc_column(nullable=True))
    version: int = 1
    texts: dict | None = Field(default=None, sa_column=sa.Column(sa.JSON, nullable=True))
    """The message of ``resolution`` when millplan wrote it, to say it in the reader's language (migration 0009; see :mod:`millplan.core.domain.stored_text`)."""


class EscalationRow(SQLModel, table=True):
    """A conflict, a request or a whole revision raised to the director; ``state`` open |
    decided, with the decision (``outcome`` a stable code, ``decision`` the text)."""

    __tablename__ = "escalations"

    id: int | None = Field(default=None, primary_key=True)
    conflict_id: int | None = Field(default=None, foreign_key="conflicts.id", index=True)
    request_id: int | None = Field(default=None, foreign_key="requests.id", index=True)
    assignment_id: int | None = Field(default=None, foreign_key="assignments.id", index=True)
    raised_by: str = Field(max_length=64)
    raised_at: datetime = Field(default_factory=utcnow, sa_column=_utc_column())
    reason: str
    state: str = Field(default="open", max_length=16, index=True)
    outcome: str | None = Field(default=None, max_length=32)
    decision: str | None = None
    decided_by: str | None = Field(default=None, max_length=64)
    decided_at: datetime | None = Field(default=None, sa_column=_utc_column(nullable=True))
    version: int = 1
    texts: dict | None = Field(default=None, sa_column=sa.Column(sa.JSON, nullable=True))
    """The messages of ``reason`` and ``decision`` when millplan wrote them, to say them in the reader's language (migration 0009; see :mod:`millplan.core.domain.stored_text`)."""


class AuditRow(SQLModel, table=True):
    """Append-only: who changed what, when, from what to what, and why.

    Database triggers (see the first migration) refuse UPDATE and DELETE on this table.
    """

    __tablename__ = "audit_log"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, sa_column=_utc_column())
    login: str = Field(max_length=64)
    action: str = Field(max_length=64)
    object_type: str = Field(max_length=32)
    object_key: str = Field(max_length=200, index=True)
    before: dict | None = Field(default=None, sa_column=sa.Column(sa.JSON))
    after: dict | None = Field(default=None, sa_column=sa.Column(sa.JSON))
    reason: str | None = None
    texts: dict | None = Field(default=None, sa_column=sa.Column(sa.JSON, nullable=True))
    """The message of ``reason`` when millplan wrote it, to say it in the reader's language (migration 0009; see :mod:`millplan.core.domain.stored_text`)."""


# -- notifications and the e-mail outbox (migration 0002) --------------------------------


class NotificationRow(SQLModel, table=True):
    """One message in a user's inbox. ``event`` names what caused it; a user gets at most
    one notification per event (the unique constraint makes repeats a no-op)."""

    __tablename__ = "notifications"
    __table_args__ = (
        sa.UniqueConstraint("login", "event", name="uq_notifications_login_event"),
        sa.Index("ix_notifications_login_read_at", "login", "read_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, sa_column=_utc_column())
    login: str = Field(max_length=200)
    event: str = Field(max_length=300)
    kind: str = Field(max_length=32)
    subject: str = Field(max_length=300)
    body: str
    object_key: str = Field(max_length=200)
    read_at: datetime | None = Field(default=None, sa_column=_utc_column(nullable=True))
    items: list = Field(default_factory=list, sa_column=sa.Column(sa.JSON, nullable=False, server_default="[]"))
    """The positions (or open items) it lists, each ``{"ref", "kind", "text", "reason"}``
    (migration 0006; empty for a notification about one thing)."""
    texts: dict | None = Field(default=None, sa_column=sa.Column(sa.JSON, nullable=True))
    """The messages of ``subject`` and ``body`` (and items' ``texts``: of their ``text`` and ``reason``), to say them in the reader's language (migration 0009; see :mod:`millplan.core.domain.stored_text`)."""


class NotificationNewsRow(SQLModel, table=True):
    """One piece of news (a position left out of a revision, a conflict opened…) told to
    ``login``: a notification grouping many pieces lists only those not told before, so a
    re-plan repeats nothing (migration 0006)."""

    __tablename__ = "notification_news"
    __table_args__ = (sa.UniqueConstraint("login", "key", name="uq_notification_news_login_key"),)

    id: int | None = Field(default=None, primary_key=True)
    login: str = Field(max_length=200)
    key: str = Field(max_length=300)
    at: datetime = Field(default_factory=utcnow, sa_column=_utc_column())


class OutboxRow(SQLModel, table=True):
    """An e-mail waiting to be sent, being sent, sent or given up.

    ``status``: ``pending`` → ``sending`` (claimed by one deliverer, ``claim`` is its
    token) → ``sent``, or back to ``pending`` with ``next_attempt_at`` later, or
    ``failed`` after repeated permanent refusals. One row per (event, address).
    """

    __tablename__ = "mail_outbox"
    __table_args__ = (
        sa.UniqueConstraint("event", "address", name="uq_mail_outbox_event_address"),
        sa.Index("ix_mail_outbox_status_next_attempt_at", "status", "next_attempt_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime = Field(default_factory=utcnow, sa_column=_utc_column())
    event: str = Field(max_length=300)
    login: str = Field(max_length=200)
    address: str = Field(max_length=320)
    subject: str = Field(max_length=300)
    body: str
    message_id: str = Field(max_length=100)
    status: str = Field(max_length=16)
    attempts: int = 0
    next_attempt_at: datetime = Field(sa_column=_utc_column())
    claim: str | None = Field(default=None, max_length=32)
    claimed_at: datetime | None = Field(default=None, sa_column=_utc_column(nullable=True))
    sent_at: datetime | None = Field(default=None, sa_column=_utc_column(nullable=True))
    last_error: str | None = None
    texts: dict | None = Field(default=None, sa_column=sa.Column(sa.JSON, nullable=True))
    """The messages of ``subject`` and ``body``, said in the sending process's language when the e-mail is sent (migration 0009; see :mod:`millplan.core.domain.stored_text`)."""


class ActualRow(SQLModel, table=True):
    """Tonnes of one position made on one mill on one day (the shops' daily report)."""

    __tablename__ = "actuals"
    __table_args__ = (sa.UniqueConstraint("day", "mill_id", "position_id", name="uq_actuals_day_mill_position"),)

    id: int | None = Field(default=None, primary_key=True)
    day: date = Field(sa_column=sa.Column(sa.Date, nullable=False, index=True))
    mill_id: int = Field(foreign_key="mills.id")
    position_id: int = Field(foreign_key="positions.id", index=True)
    tonnes: float
    source: str = Field(default="", max_length=300)
    imported_at: datetime = Field(default_factory=utcnow, sa_column=_utc_column())
    imported_by: str = Field(max_length=64)


class MonthCloseRow(SQLModel, table=True):
    """A closed month of one product line: who closed it, whether with actuals missing (and
    why), and its plan-vs-actual figures frozen as they were at the close."""

    __tablename__ = "month_closes"
    __table_args__ = (sa.UniqueConstraint("month", "product_line", name="uq_month_closes_month_line"),)

    id: int | None = Field(default=None, primary_key=True)
    month: str = Field(max_length=7)
    product_line: str = Field(max_length=64)
    closed_at: datetime = Field(default_factory=utcnow, sa_column=_utc_column())
    closed_by: str = Field(max_length=64)
    incomplete: bool = False
    reason: str | None = None
    figures: dict = Field(sa_column=sa.Column(sa.JSON, nullable=False))


class CarryOverRow(SQLModel, table=True):
    """Planned tonnes of a position not made in a closed month: overdue demand of the next."""

    __tablename__ = "carry_over"
    __table_args__ = (sa.UniqueConstraint("close_id", "position_id", name="uq_carry_over_close_position"),)

    id: int | None = Field(default=None, primary_key=True)
    close_id: int = Field(foreign_key="month_closes.id", ondelete="CASCADE", index=True)
    position_id: int = Field(foreign_key="positions.id", index=True)
    tonnes: float


class SettingRow(SQLModel, table=True):
    """One plant-wide setting by key (e.g. the stale-deal ledger's limits), its value JSON."""

    __tablename__ = "settings"

    key: str = Field(max_length=64, primary_key=True)
    value: Any = Field(sa_column=sa.Column(sa.JSON, nullable=False))
    updated_at: datetime = Field(default_factory=utcnow, sa_column=_utc_column())
    updated_by: str = Field(max_length=64)


class ChangeCounterRow(SQLModel, table=True):
    """The store's change counter: one row whose ``value`` every committed change moves
    on by one (:meth:`millplan.storage.store.Store.unit_of_work`), so a workstation sees
    anyone's change by reading one integer."""

    __tablename__ = "change_counter"

    id: int = Field(default=1, primary_key=True)
    value: int = Field(default=0, sa_column=sa.Column(sa.BigInteger, nullable=False))
