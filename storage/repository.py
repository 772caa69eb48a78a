"""Queries and writes on one session, in terms of domain objects.

A :class:`Repository` lives inside one unit of work (``Store.unit_of_work``); it never
commits. Every write records an audit entry in the same transaction, so a change and its
record are kept or lost together.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlmodel import Session, SQLModel, select

from millplan.core.domain.errors import ChangedMeanwhile, NotFound
from millplan.core.domain.model import (
    Assignment,
    AssignmentState,
    AuditEntry,
    Deal,
    DealStatus,
    HorizonPlan,
    Plant,
    Position,
    Role,
    StoredChange,
    UpsertCounts,
    User,
)
from millplan.core.domain.months import Month
from millplan.storage import convert
from millplan.storage.mailbox import Mailbox
from millplan.storage.tables import (
    AssignmentLineRow,
    AssignmentRow,
    AuditRow,
    CapacityRow,
    ConflictRow,
    CustomerRow,
    DealRow,
    EscalationRow,
    ExclusionRow,
    ForecastLineRow,
    MillRow,
    NormRow,
    PositionRow,
    RequestRow,
    ShadowPriceRow,
    UserLineRow,
    UserRow,
    utcnow,
)
from millplan.storage.workflow_rows import WorkflowRows

Row = TypeVar("Row", bound=SQLModel)


def _cost(value: Any) -> Decimal | None:
    """A conversion cost compared as money (the store may hand back more decimals)."""
    return None if value is None else Decimal(value).quantize(Decimal("0.01"))


def _band(norm: NormRow | dict[str, float]) -> tuple[float, float, float, float]:
    """OD × wall bounds (mm) that identify a productivity norm of a mill."""
    get = norm.get if isinstance(norm, dict) else lambda key: getattr(norm, key)
    return (get("od_min_mm"), get("od_max_mm"), get("wall_min_mm"), get("wall_max_mm"))


@dataclass(frozen=True)
class PortfolioWrite:
    """What :meth:`Repository.upsert_portfolio` wrote: rows created / updated / unchanged
    per kind (``customers``, ``deals``, ``positions``), and the watched fields it changed."""

    counts: dict[str, UpsertCounts]
    changes: list[StoredChange]


class Repository:
    """Domain-level access to the store through one SQLModel session."""

    def __init__(self, session: Session) -> None:
        self.session = session

    # -- notifications and the e-mail outbox (queries in storage/mailbox.py) -----------

    @property
    def mailbox(self) -> Mailbox:
        """Inbox, outbox and e-mail addresses, on this unit of work's session."""
        return Mailbox(self.session)

    # -- the approval workflow's open items (queries in storage/workflow_rows.py) ------

    @property
    def workflow(self) -> WorkflowRows:
        """Requests, conflicts, escalations and reviews, on this unit of work's session."""
        return WorkflowRows(self)

    # -- audit -------------------------------------------------------------------------

    def audit(
        self,
        login: str,
        action: str,
        object_type: str,
        object_key: str,
        before: dict | None = None,
        after: dict | None = None,
        reason: str | None = None,
    ) -> None:
        """Append one audit entry (values made JSON-safe: Decimal and times as text)."""
        self.session.add(
            AuditRow(**self._audit_values(utcnow(), login, action, object_type, object_key, before, after, reason))
        )

    def audit_entries(
        self, object_key: str | None = None, limit: int = 200, *, position_edits: bool = False
    ) -> list[AuditEntry]:
        """Newest first; only those of ``object_key`` when given — with ``position_edits``
        also the revisions' edits naming it (a ``DEAL#NO``) as their position."""
        query = select(AuditRow).order_by(AuditRow.id.desc()).limit(limit)
        if object_key is not None:
            condition = AuditRow.object_key == object_key
            if position_edits:
                edit = sa.and_(
                    AuditRow.object_type == "assignment", AuditRow.after["position"].as_string() == object_key
                )
                condition = sa.or_(condition, edit)
            query = query.where(condition)
        return [
            AuditEntry(r.at, r.login, r.action, r.object_type, r.object_key, r.before, r.after, r.reason)
            for r in self.session.exec(query)
        ]

    def audit_names(self, ids: dict[str, set]) -> dict[str, dict]:
        """What people call the rows an audit entry refers to by id. ``ids`` maps any of
        ``customer``, ``mill``, ``deal``, ``assignment`` to row ids; the answer maps each to
        {id: customer name, mill code, deal number, revision key ``YYYY-MM/LINE/rN``} for
        the rows that still exist (users: :meth:`user_names`)."""
        queries = {
            "customer": (CustomerRow.id, CustomerRow.name),
            "mill": (MillRow.id, MillRow.code),
            "deal": (DealRow.id, DealRow.number),
        }
        found: dict[str, dict] = {}
        for kind, wanted in ids.items():
            if not wanted:
                found[kind] = {}
            elif kind == "assignment":
                rows = self.session.exec(
                    select(
                        AssignmentRow.id, AssignmentRow.month, AssignmentRow.product_line, AssignmentRow.revision
                    ).where(AssignmentRow.id.in_(list(wanted)))
                )
                found[kind] = {i: f"{month}/{line}/r{revision}" for i, month, line, revision in rows}
            else:
                key, name = queries[kind]
                found[kind] = dict(self.session.exec(select(key, name).where(key.in_(list(wanted)))).all())
        return found

    def last_change(self, object_key: str) -> str:
        """ "LOGIN at YYYY-MM-DD HH:MM UTC" of the newest audit entry of ``object_key``
        (``"someone"`` if it has none), for "changed by X at T — reload" messages."""
        last = self.audit_entries(object_key, 1)
        return f"{last[0].login} at {last[0].at:%Y-%m-%d %H:%M} UTC" if last else "someone"

    # -- users ---------------------------------------------------------------------------

    def users(self) -> list[User]:
        """Every registered user with the product lines he owns, by login."""
        lines: dict[int, list[str]] = {}
        for row in self.session.exec(select(UserLineRow)):
            lines.setdefault(row.user_id, []).append(row.product_line)
        return [
            convert.user(u, tuple(lines.get(u.id, ())))
            for u in self.session.exec(select(UserRow).order_by(UserRow.login))
        ]

    def user(self, login: str) -> User | None:
        """The user registered under ``login``, or None."""
        row = self.session.exec(select(UserRow).where(UserRow.login == login)).first()
        if row is None:
            return None
        return convert.user(
            row, tuple(self.session.exec(select(UserLineRow.product_line).where(UserLineRow.user_id == row.id)))
        )

    def user_names(self, logins: Iterable[str]) -> dict[str, str]:
        """{login: name} of those of ``logins`` that are registered users (see
        :func:`millplan.core.domain.names.display_names`)."""
        return dict(self.session.exec(select(UserRow.login, UserRow.name).where(UserRow.login.in_(list(logins)))).all())

    def count_users(self, role: Role | None = None) -> int:
        """How many users are registered (with ``role`` only, when given)."""
        query = select(sa.func.count()).select_from(UserRow)
        if role is not None:
            query = query.where(UserRow.role == role.value)
        return self.session.exec(query).one()

    def save_user(self, user: User, *, by: str, expected_version: int | None = None, reason: str | None = None) -> User:
        """Create ``user`` (``expected_version`` None) or update the stored one (name,
        role, lines, e-mail) if it is still at ``expected_version``; audited under
        ``user LOGIN``. Raises :class:`ChangedMeanwhile` for a stale version and
        :class:`NotFound` for an update of an unknown login."""
        key = f"user {user.login}"
        row = self.session.exec(select(UserRow).where(UserRow.login == user.login).with_for_update()).first()
        values = {"name": user.name, "role": user.role.value, "email": user.email, "lines": sorted(user.lines)}
        if expected_version is None:
            row = UserRow(login=user.login, name=user.name, role=user.role.value, email=user.email)
            self.session.add(row)
            self.session.flush()
            before = None
        else:
            if row is None:
                raise NotFound(f"{user.login} is not a millplan user")
            if row.version != expected_version:
                raise ChangedMeanwhile(
                    f"user {user.login} was changed by {self.last_change(key)} — reload and try again"
                )
            old = self.user(user.login)
            before = {"name": old.name, "role": old.role.value, "email": old.email, "lines": list(old.lines)}
            row.name, row.role, row.email = user.name, user.role.value, user.email
            row.version += 1
            self.session.exec(sa.delete(UserLineRow).where(UserLineRow.user_id == row.id))
        for line in sorted(set(user.lines)):
            self.session.add(UserLineRow(user_id=row.id, product_line=line))
        self.audit(by, "created" if before is None else "updated", "user", key, before, values, reason)
        self.session.flush()
        return self.user(user.login)

    def remove_user(self, login: str, *, by: str, reason: str | None = None) -> User:
        """Delete a user (his lines go with him; the audit log keeps his actions).
        Raises :class:`NotFound` for an unknown login."""
        old = self.user(login)
        if old is None:
            raise NotFound(f"{login} is not a millplan user")
        self.session.exec(sa.delete(UserRow).where(UserRow.login == login))
        self.audit(
            by,
            "removed",
            "user",
            f"user {login}",
            {"name": old.name, "role": old.role.value, "lines": list(old.lines)},
            None,
            reason,
        )
        self.session.flush()
        return old

    # -- generic upsert ------------------------------------------------------------------

    def _upsert_all(
        self,
        model: type[Row],
        index: dict[Any, Row],
        items: Iterable[tuple[Any, str, dict[str, Any]]],
        *,
        login: str,
        object_type: str,
        reason: str | None,
        watch: Collection[str] = (),
        changed: list[StoredChange] | None = None,
    ) -> UpsertCounts:
        """Create or update rows by key; ``items`` are (key, audit object key, values).

        Existing rows get their changed fields set in place (``version`` + 1); new rows are
        inserted in one statement (an import brings thousands); every creation and change
        gets an audit entry with what was before and after, and a change of a field in
        ``watch`` is appended to ``changed`` too. Raises ``ValueError`` if a key repeats —
        the importer must have reported that row.
        """
        created: list[dict[str, Any]] = []
        audits: list[dict[str, Any]] = []
        updated = unchanged = 0
        seen: set[Any] = set()
        now = utcnow()
        for key, object_key, values in items:
            if key in seen:
                raise ValueError(f"{object_type} {object_key} appears twice in one import")
            seen.add(key)
            row = index.get(key)
            if row is None:
                created.append(values)
                audits.append(self._audit_values(now, login, "created", object_type, object_key, None, values, reason))
                continue
            changes = {f: (getattr(row, f), v) for f, v in values.items() if getattr(row, f) != v}
            if not changes:
                unchanged += 1
                continue
            for field, (_, new) in changes.items():
                setattr(row, field, new)
            if hasattr(row, "version"):
                row.version += 1
            updated += 1
            before = {f: old for f, (old, _) in changes.items()}
            after = {f: new for f, (_, new) in changes.items()}
            if changed is not None:
                changed.extend(
                    StoredChange(object_type, object_key, f, *change) for f, change in changes.items() if f in watch
                )
            audits.append(self._audit_values(now, login, "updated", object_type, object_key, before, after, reason))
        self.session.flush()
        if created:
            self.session.execute(sa.insert(model), created)
        if audits:
            self.session.execute(sa.insert(AuditRow), audits)
        return UpsertCounts(len(created), updated, unchanged)

    @staticmethod
    def _audit_values(
        at: datetime,
        login: str,
        action: str,
        object_type: str,
        object_key: str,
        before: dict | None,
        after: dict | None,
        reason: str | None,
    ) -> dict[str, Any]:
        return {
            "at": at,
            "login": login,
            "action": action,
            "object_type": object_type,
            "object_key": object_key,
            "before": {k: convert.jsonable(v) for k, v in before.items()} if before else None,
            "after": {k: convert.jsonable(v) for k, v in after.items()} if after else None,
            "reason": reason,
        }

    # -- plant ---------------------------------------------------------------------------

    def plant(self) -> Plant:
        """All mills with their capacity calendar and productivity norms."""
        mills = self.session.exec(select(MillRow).order_by(MillRow.product_line, MillRow.code)).all()
        codes = {m.id: m.code for m in mills}
        capacity = {(codes[c.mill_id], Month.parse(c.month)): c.hours for c in self.session.exec(select(CapacityRow))}
        norms: dict[str, list] = {}
        for n in self.session.exec(select(NormRow).order_by(NormRow.id)):
            norms.setdefault(codes[n.mill_id], []).append(convert.norm(n, codes[n.mill_id]))
        return Plant(
            tuple(convert.mill(m) for m in mills),
            capacity,
            {code: tuple(items) for code, items in norms.items()},
        )

    def upsert_mills(self, records: Sequence[dict[str, Any]], login: str, source: str) -> UpsertCounts:
        """Create or update mills by ``code``; each record holds :class:`MillRow` fields."""
        index = {m.code: m for m in self.session.exec(select(MillRow))}
        return self._upsert_all(
            MillRow, index, ((r["code"], r["code"], r) for r in records), login=login, object_type="mill", reason=source
        )

    def upsert_capacity(self, records: Sequence[tuple[str, Month, float]], login: str, source: str) -> UpsertCounts:
        """Set hours of ``(mill code, month)``; the mills must exist."""
        ids = {m.code: m.id for m in self.session.exec(select(MillRow))}
        index = {(c.mill_id, c.month): c for c in self.session.exec(select(CapacityRow))}
        items = (
            ((ids[code], str(month)), f"{code}/{month}", {"mill_id": ids[code], "month": str(month), "hours": hours})
            for code, month, hours in records
        )
        return self._upsert_all(CapacityRow, index, items, login=login, object_type="capacity", reason=source)

    def set_norms(
        self, norms: dict[str, list[dict[str, float]]], login: str, source: str, *, whole: set[str] = frozenset()
    ) -> UpsertCounts:
        """Write productivity norms by mill code, counting bands created, updated, unchanged.

        A band is identified by its OD × wall bounds. For mills in ``whole`` the bands given
        are the mill's whole table (bands not given are dropped: the file is the mill's full
        record); for the others each band is added or its t/h updated and the rest kept (a
        rejects file or a norms-only sheet carries a few bands, not the table).
        """
        ids = {m.code: m.id for m in self.session.exec(select(MillRow))}
        created = updated = unchanged = 0
        for code, bands in norms.items():
            stored = {_band(n): n for n in self.session.exec(select(NormRow).where(NormRow.mill_id == ids[code]))}
            before = {band: n.tonnes_per_hour for band, n in stored.items()}
            for b in bands:
                band = _band(b)
                row = stored.pop(band, None)
                if row is None:
                    self.session.add(NormRow(mill_id=ids[code], **b))
                    created += 1
                elif row.tonnes_per_hour != b["tonnes_per_hour"] or _cost(row.conversion_cost) != _cost(
                    b.get("conversion_cost")
                ):
                    row.tonnes_per_hour = b["tonnes_per_hour"]
                    row.conversion_cost = b.get("conversion_cost")
                    updated += 1
                else:
                    unchanged += 1
            if code in whole:
                for row in stored.values():
                    self.session.delete(row)
            after = {band: b["tonnes_per_hour"] for b in bands for band in [_band(b)]}
            if code not in whole:
                after = {**before, **after}
            if after != before:
                self.audit(
                    login,
                    "updated",
                    "norms",
                    code,
                    {"norms": [[*k, v] for k, v in sorted(before.items())]},
                    {"norms": [[*k, v] for k, v in sorted(after.items())]},
                    source,
                )
        self.session.flush()
        return UpsertCounts(created, updated, unchanged)

    def mill_codes(self) -> set[str]:
        return set(self.session.exec(select(MillRow.code)))

    # -- portfolio -----------------------------------------------------------------------

    def deal_states(self) -> dict[str, tuple[DealStatus, datetime | None, str | None]]:
        """Status, accepted-at and accepted-by of every stored deal, by number."""
        return {
            d.number: (DealStatus(d.status), d.accepted_at, d.accepted_by) for d in self.session.exec(select(DealRow))
        }

    def upsert_portfolio(
        self,
        customers: dict[str, bool | None],
        deals: Sequence[dict[str, Any]],
        positions: Sequence[dict[str, Any]],
        login: str,
        source: str,
        *,
        watch: Collection[str] = (),
    ) -> PortfolioWrite:
        """Create or update customers (name → key flag; ``None`` keeps a stored flag), deals
        by ``number`` and positions by ``(deal number, position_no)``; fields a record
        leaves out keep their stored value (or the column default for a new row).

        Deal records carry ``customer`` (name) instead of ``customer_id``; position records
        carry ``deal_number`` instead of ``deal_id``. Returns counts per kind and the
        changes of the fields in ``watch`` on rows already stored (read from the rows the
        update loads anyway: no second pass over the order book).
        """
        changed: list[StoredChange] = []
        customer_counts = self._upsert_all(
            CustomerRow,
            {c.name: c for c in self.session.exec(select(CustomerRow))},
            (
                (name, name, {"name": name} if key is None else {"name": name, "is_key_account": key})
                for name, key in customers.items()
            ),
            login=login,
            object_type="customer",
            reason=source,
            watch=watch,
            changed=changed,
        )
        customer_ids = {c.name: c.id for c in self.session.exec(select(CustomerRow))}
        deal_counts = self._upsert_all(
            DealRow,
            {d.number: d for d in self.session.exec(select(DealRow))},
            (
                (
                    r["number"],
                    r["number"],
                    {**{k: v for k, v in r.items() if k != "customer"}, "customer_id": customer_ids[r["customer"]]},
                )
                for r in deals
            ),
            login=login,
            object_type="deal",
            reason=source,
            watch=watch,
            changed=changed,
        )
        deal_ids = {d.number: d.id for d in self.session.exec(select(DealRow))}
        position_counts = self._upsert_all(
            PositionRow,
            {(p.deal_id, p.position_no): p for p in self.session.exec(select(PositionRow))},
            (
                (
                    (deal_ids[r["deal_number"]], r["position_no"]),
                    f"{r['deal_number']}#{r['position_no']}",
                    {**{k: v for k, v in r.items() if k != "deal_number"}, "deal_id": deal_ids[r["deal_number"]]},
                )
                for r in positions
            ),
            login=login,
            object_type="position",
            reason=source,
            watch=watch,
            changed=changed,
        )
        return PortfolioWrite(
            {"customers": customer_counts, "deals": deal_counts, "positions": position_counts}, changed
        )

    # -- deals ---------------------------------------------------------------------------

    def deals(self, status: DealStatus | None = None) -> list[Deal]:
        query = select(DealRow, CustomerRow).join(CustomerRow).order_by(DealRow.number)
        if status is not None:
            query = query.where(DealRow.status == status.value)
        return [convert.deal(d, c) for d, c in self.session.exec(query)]

    def deal(self, number: str) -> Deal:
        return convert.deal(*self._deal_rows(number))

    def _deal_rows(self, number: str) -> tuple[DealRow, CustomerRow]:
        found = self.session.exec(
            select(DealRow, CustomerRow).join(CustomerRow).where(DealRow.number == number)
        ).first()
        if found is None:
            raise NotFound(f"deal {number} is not in the store")
        return found

    def set_deal_status(
        self,
        number: str,
        status: DealStatus,
        login: str,
        *,
        at: datetime | None = None,
        reason: str | None = None,
    ) -> Deal:
        """Move a deal to ``status``; acceptance records when and by whom, rejection why."""
        row, customer = self._deal_rows(number)
        before = {"status": row.status, "accepted_at": row.accepted_at, "accepted_by": row.accepted_by}
        row.status = status.value
        if status is DealStatus.ACCEPTED:
            row.accepted_at, row.accepted_by, row.rejection_reason = at or utcnow(), login, None
        elif status is DealStatus.REJECTED:
            row.rejection_reason = reason
        row.version += 1
        after = {"status": row.status, "accepted_at": row.accepted_at, "accepted_by": row.accepted_by}
        self.audit(login, status.value, "deal", number, before, after, reason)
        self.session.flush()
        return convert.deal(row, customer)

    # -- positions -----------------------------------------------------------------------

    def positions(
        self,
        *,
        deal_status: DealStatus | None = None,
        product_line: str | None = None,
        due_by: Month | None = None,
        open_only: bool = False,
        deal_number: str | None = None,
        ids: Iterable[int] | None = None,
    ) -> list[Position]:
        """Positions with their deal and customer, filtered; ``open_only`` keeps those with
        tonnes left to make; ``due_by`` keeps those requested no later than that month."""
        query = (
            select(PositionRow, DealRow, CustomerRow)
            .join(DealRow, PositionRow.deal_id == DealRow.id)
            .join(CustomerRow, DealRow.customer_id == CustomerRow.id)
            .order_by(DealRow.number, PositionRow.position_no)
        )
        if deal_status is not None:
            query = query.where(DealRow.status == deal_status.value)
        if product_line is not None:
            query = query.where(PositionRow.product_line == product_line)
        if due_by is not None:
            query = query.where(PositionRow.requested_month <= str(due_by))
        if open_only:
            query = query.where(PositionRow.tonnes_ordered > PositionRow.tonnes_produced)
        if deal_number is not None:
            query = query.where(DealRow.number == deal_number)
        if ids is not None:
            query = query.where(PositionRow.id.in_(list(ids)))
        return [convert.position(p, d, c) for p, d, c in self.session.exec(query)]

    def position(self, deal_number: str, position_no: int) -> Position:
        found = [p for p in self.positions(deal_number=deal_number) if p.position_no == position_no]
        if not found:
            raise NotFound(f"position {deal_number}#{position_no} is not in the store")
        return found[0]

    # -- assignments ---------------------------------------------------------------------

    def assignment(
        self, month: Month, product_line: str, revision: int | None = None, *, for_update: bool = False
    ) -> Assignment | None:
        """That revision (default: the latest) of the month's assignment for the line, or None.

        ``for_update`` locks the row until the transaction ends (PostgreSQL ``SELECT … FOR
        UPDATE``; SQLite's write lock is already held from ``BEGIN IMMEDIATE``), so a state
        or version checked on it cannot change before this transaction writes.
        """
        query = select(AssignmentRow).where(
            AssignmentRow.month == str(month), AssignmentRow.product_line == product_line
        )
        if revision is not None:
            query = query.where(AssignmentRow.revision == revision)
        query = query.order_by(AssignmentRow.revision.desc()).limit(1)
        if for_update:
            query = query.with_for_update()
        row = self.session.exec(query).first()
        return self._assignment(row) if row else None

    def revisions(self, month: Month, product_line: str) -> list[tuple[int, AssignmentState]]:
        """(revision, state) of every revision of (month, line), oldest first."""
        return [
            (r, AssignmentState(s))
            for r, s in self.session.exec(
                select(AssignmentRow.revision, AssignmentRow.state)
                .where(AssignmentRow.month == str(month), AssignmentRow.product_line == product_line)
                .order_by(AssignmentRow.revision)
            )
        ]

    def assignments_in_force(self, months: Sequence[Month]) -> list[Assignment]:
        """For each (month, line) among ``months``: the latest approved revision, else the
        latest draft — what production works to, or would."""
        rows = self.session.exec(
            select(AssignmentRow)
            .where(AssignmentRow.month.in_([str(m) for m in months]))
            .order_by(AssignmentRow.month, AssignmentRow.product_line, AssignmentRow.revision.desc())
        ).all()
        chosen: dict[tuple[str, str], AssignmentRow] = {}
        for row in rows:
            key = (row.month, row.product_line)
            current = chosen.get(key)
            if current is None or (
                row.state == AssignmentState.APPROVED.value and current.state != AssignmentState.APPROVED.value
            ):
                chosen[key] = row
        return [self._assignment(row) for row in chosen.values()]

    def revision_tonnes(
        self, months: Sequence[Month]
    ) -> list[tuple[Month, str, int, AssignmentState, dict[int, float]]]:
        """Every revision of ``months``: (month, line, revision, state, tonnes by position
        id), newest revision first within each (month, line) — summed in the database, for
        checks that need no lines as objects."""
        rows = self.session.exec(
            select(
                AssignmentRow.month,
                AssignmentRow.product_line,
                AssignmentRow.revision,
                AssignmentRow.state,
                AssignmentLineRow.position_id,
                sa.func.sum(AssignmentLineRow.tonnes),
            )
            .join(AssignmentLineRow, AssignmentLineRow.assignment_id == AssignmentRow.id, isouter=True)
            .where(AssignmentRow.month.in_([str(m) for m in months]))
            .group_by(
                AssignmentRow.month,
                AssignmentRow.product_line,
                AssignmentRow.revision,
                AssignmentRow.state,
                AssignmentLineRow.position_id,
            )
            .order_by(AssignmentRow.month, AssignmentRow.product_line, AssignmentRow.revision.desc())
        ).all()
        found: dict[tuple[str, str, int], tuple[Month, str, int, AssignmentState, dict[int, float]]] = {}
        for month, line, revision, state, position_id, tonnes in rows:
            entry = found.setdefault(
                (month, line, revision), (Month.parse(month), line, revision, AssignmentState(state), {})
            )
            if position_id is not None:
                entry[4][position_id] = tonnes
        return list(found.values())

    def latest_revisions(self, months: Sequence[Month]) -> list[Assignment]:
        """For each (month, line) among ``months``: its latest revision, whatever its state."""
        rows = self.session.exec(
            select(AssignmentRow)
            .where(AssignmentRow.month.in_([str(m) for m in months]))
            .order_by(AssignmentRow.month, AssignmentRow.product_line, AssignmentRow.revision.desc())
        ).all()
        latest: dict[tuple[str, str], AssignmentRow] = {}
        for row in rows:
            latest.setdefault((row.month, row.product_line), row)
        return [self._assignment(row) for row in latest.values()]

    def check_unchanged(self, month: Month, product_line: str, seen: tuple[int, int] | None) -> None:
        """Raise :class:`ChangedMeanwhile` unless the latest revision of (month, line) is the
        one read as ``seen`` — ``(id, version)``, or ``None`` for none at all."""
        row = self.session.exec(
            select(AssignmentRow)
            .where(AssignmentRow.month == str(month), AssignmentRow.product_line == product_line)
            .order_by(AssignmentRow.revision.desc())
            .limit(1)
            .with_for_update()
        ).first()
        now = (row.id, row.version) if row is not None else None
        if now == seen:
            return
        who = self.last_change(f"{month}/{product_line}/r{row.revision}")
        raise ChangedMeanwhile(
            f"{month} {product_line} revision {row.revision} was changed by {who} after it was read — reload and try again"
        )

    def check_version(self, row: SQLModel, expected: int | None, object_key: str, what: str) -> None:
        """Raise :class:`ChangedMeanwhile` ("changed by X at T — reload") unless ``row``
        (any table with a ``version``) is still at ``expected``; ``None`` checks nothing.
        ``what`` names the object for people ("request 3"), ``object_key`` its audit key."""
        if expected is not None and row.version != expected:
            raise ChangedMeanwhile(f"{what} was changed by {self.last_change(object_key)} — reload and try again")

    def _assignment(self, row: AssignmentRow) -> Assignment:
        codes = {m.id: m.code for m in self.session.exec(select(MillRow))}
        lines = self.session.exec(
            select(AssignmentLineRow, PositionRow, DealRow, CustomerRow)
            .join(PositionRow, AssignmentLineRow.position_id == PositionRow.id)
            .join(DealRow, PositionRow.deal_id == DealRow.id)
            .join(CustomerRow, DealRow.customer_id == CustomerRow.id)
            .where(AssignmentLineRow.assignment_id == row.id)
            .order_by(AssignmentLineRow.mill_id, DealRow.number, PositionRow.position_no)
        ).all()
        exclusions = self.session.exec(
            select(ExclusionRow, PositionRow, DealRow)
            .join(PositionRow, ExclusionRow.position_id == PositionRow.id)
            .join(DealRow, PositionRow.deal_id == DealRow.id)
            .where(ExclusionRow.assignment_id == row.id)
            .order_by(DealRow.number, PositionRow.position_no)
        ).all()
        forecast = self.session.exec(
            select(ForecastLineRow, PositionRow, DealRow, CustomerRow)
            .join(PositionRow, ForecastLineRow.position_id == PositionRow.id)
            .join(DealRow, PositionRow.deal_id == DealRow.id)
            .join(CustomerRow, DealRow.customer_id == CustomerRow.id)
            .where(ForecastLineRow.assignment_id == row.id)
            .order_by(ForecastLineRow.month, ForecastLineRow.mill_id, DealRow.number, PositionRow.position_no)
        ).all()
        prices = self.session.exec(
            select(ShadowPriceRow)
            .where(ShadowPriceRow.assignment_id == row.id)
            .order_by(ShadowPriceRow.month, ShadowPriceRow.mill_id)
        ).all()
        return convert.assignment(
            row,
            tuple(convert.line(l, convert.ref_of(p, d), codes[l.mill_id], c.is_key_account) for l, p, d, c in lines),
            tuple(convert.exclusion(e, convert.ref_of(p, d), codes.get(e.mill_id)) for e, p, d in exclusions),
            tuple(
                convert.forecast_line(f, convert.ref_of(p, d), codes[f.mill_id], c.is_key_account)
                for f, p, d, c in forecast
            ),
            tuple(convert.shadow_price(r, codes[r.mill_id]) for r in prices),
        )

    def save_draft(
        self,
        month: Month,
        product_line: str,
        lines: Sequence[Any],
        exclusions: Sequence[Any],
        *,
        login: str,
        solver_status: str,
        solver_name: str,
        solve_seconds: float,
        horizon: HorizonPlan | None = None,
    ) -> Assignment:
        """Write a plan as the draft of (month, line): the open draft is overwritten, else a
        new revision (previous + 1) is opened. Lines are :class:`~millplan.core.domain.model.AssignmentLine`,
        exclusions :class:`~millplan.core.domain.model.Exclusion`; ``horizon`` brings the options, gap,
        moved lines, later months' lines and shadow prices of a horizon plan."""
        latest = self.session.exec(
            select(AssignmentRow)
            .where(AssignmentRow.month == str(month), AssignmentRow.product_line == product_line)
            .order_by(AssignmentRow.revision.desc())
            .limit(1)
            .with_for_update()
        ).first()
        ids = {m.code: m.id for m in self.session.exec(select(MillRow))}
        before = None
        if latest is not None and AssignmentState(latest.state).editable:
            row = latest
            self.session.exec(sa.delete(AssignmentLineRow).where(AssignmentLineRow.assignment_id == row.id))
            for table in (ExclusionRow, ForecastLineRow, ShadowPriceRow):
                self.session.exec(sa.delete(table).where(table.assignment_id == row.id))
            before = {"state": row.state, "stale": row.stale}
            self._back_to_editing(row)
            row.stale, row.stale_reason = False, None
            row.version += 1
            action = "replanned"
        else:
            row = AssignmentRow(
                month=str(month),
                product_line=product_line,
                revision=(latest.revision + 1) if latest else 1,
                state=(AssignmentState.RE_APPROVAL if latest else AssignmentState.DRAFT).value,
                created_by=login,
            )
            action = "drafted"
        row.solver_status, row.solver_name, row.solve_seconds = solver_status, solver_name, solve_seconds
        horizon = horizon or HorizonPlan()
        row.options, row.gap, row.moved_lines = horizon.options, horizon.gap, horizon.moved_lines
        self._add_revision(row)
        # Core inserts: thousands of lines per plan, no need for ORM objects per row.
        if lines:
            self.session.execute(
                sa.insert(AssignmentLineRow),
                [
                    {
                        "assignment_id": row.id,
                        "position_id": l.position_id,
                        "mill_id": ids[l.mill_code],
                        "tonnes": l.tonnes,
                        "hours": l.hours,
                        "marginal_income": l.marginal_income,
                        "locked": l.locked,
                    }
                    for l in lines
                ],
            )
        if exclusions:
            self.session.execute(
                sa.insert(ExclusionRow),
                [
                    {
                        "assignment_id": row.id,
                        "position_id": e.position_id,
                        "tonnes_left_out": e.tonnes_left_out,
                        "reason_code": e.reason_code,
                        "reason": e.reason,
                        "manual": e.manual,
                        "mill_id": ids.get(e.mill_code) if e.mill_code else None,
                        "month": str(e.month) if e.month else None,
                        "shadow_price": e.shadow_price,
                        "earns_per_hour": e.earns_per_hour,
                    }
                    for e in exclusions
                ],
            )
        if horizon.forecast:
            self.session.execute(
                sa.insert(ForecastLineRow),
                [
                    {
                        "assignment_id": row.id,
                        "position_id": f.position_id,
                        "mill_id": ids[f.mill_code],
                        "month": str(f.month),
                        "tonnes": f.tonnes,
                        "hours": f.hours,
                        "marginal_income": f.marginal_income,
                    }
                    for f in horizon.forecast
                ],
            )
        if horizon.prices:
            self.session.execute(
                sa.insert(ShadowPriceRow),
                [
                    {
                        "assignment_id": row.id,
                        "mill_id": ids[p.mill_code],
                        "month": str(p.month),
                        "rub_per_hour": p.rub_per_hour,
                    }
                    for p in horizon.prices
                ],
            )
        self.session.flush()
        saved = self._assignment(row)
        self.audit(
            login,
            action,
            "assignment",
            self._key(saved),
            before,
            {
                "state": row.state,
                **({"stale": False} if before else {}),  # a re-plan clears it
                "lines": len(lines),
                "excluded": len(exclusions),
                "solver_status": solver_status,
            },
        )
        return saved

    def _back_to_editing(self, row: AssignmentRow) -> None:
        """A revision in review goes back to its editable state when it changes: draft, or
        re-approval when an earlier revision of its month and line was approved."""
        if row.state != AssignmentState.IN_REVIEW.value:
            return
        approved_before = self.session.exec(
            select(AssignmentRow.id).where(
                AssignmentRow.month == row.month,
                AssignmentRow.product_line == row.product_line,
                AssignmentRow.revision < row.revision,
                AssignmentRow.state == AssignmentState.APPROVED.value,
            )
        ).first()
        row.state = (AssignmentState.RE_APPROVAL if approved_before else AssignmentState.DRAFT).value
        row.submitted_at = row.submitted_by = None

    def _add_revision(self, row: AssignmentRow) -> None:
        """Write ``row``; a revision number taken meanwhile by another session (two people
        opening the same next revision at once, on PostgreSQL) is :class:`ChangedMeanwhile`."""
        self.session.add(row)
        try:
            self.session.flush()
        except sa.exc.IntegrityError:
            raise ChangedMeanwhile(
                f"{row.month} {row.product_line} revision {row.revision} was opened by someone else meanwhile — reload and try again"
            ) from None

    def next_revision(self, approved: Assignment, login: str, reason: str | None = None) -> Assignment:
        """Open revision n + 1 of an approved revision's month and line, in re-approval,
        as a copy of its lines and exclusions (the approved one stays as it is, in force)."""
        row = AssignmentRow(
            month=str(approved.month),
            product_line=approved.product_line,
            revision=approved.revision + 1,
            state=AssignmentState.RE_APPROVAL.value,
            created_by=login,
            solver_status=approved.solver_status,
            solver_name=approved.solver_name,
            solve_seconds=approved.solve_seconds,
            options=approved.options,
            gap=approved.gap,
            moved_lines=approved.moved_lines,
        )
        self._add_revision(row)
        for table in (AssignmentLineRow, ExclusionRow, ForecastLineRow, ShadowPriceRow):
            columns = [c for c in table.__table__.columns if c.name not in ("id", "assignment_id")]
            self.session.execute(
                sa.insert(table).from_select(
                    ["assignment_id", *(c.name for c in columns)],
                    sa.select(sa.literal(row.id), *columns).where(table.assignment_id == approved.id),
                )
            )
        self.session.flush()
        opened = self._assignment(row)
        self.audit(
            login,
            "reopened",
            "assignment",
            self._key(opened),
            after={"state": row.state, "from_revision": approved.revision},
            reason=reason,
        )
        return opened

    def submit(self, assignment: Assignment, login: str) -> Assignment:
        """Send an editable revision to review (state, when, who)."""
        row = self.session.get(AssignmentRow, assignment.id)
        before = {"state": row.state}
        row.state = AssignmentState.IN_REVIEW.value
        row.submitted_at, row.submitted_by = utcnow(), login
        row.version += 1
        self.audit(login, "submitted", "assignment", self._key(assignment), before, {"state": row.state})
        self.session.flush()
        return self._assignment(row)

    def approve(self, assignment: Assignment, login: str, reason: str | None = None) -> Assignment:
        """Freeze a revision as approved (state, when, who, and the reason given, if any)."""
        row = self.session.get(AssignmentRow, assignment.id)
        before = {"state": row.state}
        row.state = AssignmentState.APPROVED.value
        row.approved_at, row.approved_by, row.approval_reason = utcnow(), login, reason
        row.version += 1
        self.audit(login, "approved", "assignment", self._key(assignment), before, {"state": row.state}, reason)
        self.session.flush()
        return self._assignment(row)

    def mark_stale(self, month: Month, product_line: str, reason: str, login: str) -> list[Assignment]:
        """Mark the editable or in-review latest revision of (month, line) stale — it must be
        re-planned before approval — and return it (none when the latest is approved)."""
        latest = self.session.exec(
            select(AssignmentRow)
            .where(AssignmentRow.month == str(month), AssignmentRow.product_line == product_line)
            .order_by(AssignmentRow.revision.desc())
            .limit(1)
            .with_for_update()
        ).first()
        if latest is None or latest.state == AssignmentState.APPROVED.value:
            return []
        before = {"stale": latest.stale, "state": latest.state}
        latest.stale, latest.stale_reason = True, reason
        self._back_to_editing(latest)
        latest.version += 1
        self.audit(
            login,
            "marked stale",
            "assignment",
            f"{latest.month}/{latest.product_line}/r{latest.revision}",
            before,
            {"stale": True, "state": latest.state},
            reason,
        )
        self.session.flush()
        return [self._assignment(latest)]

    def open_issues(self, assignment: Assignment) -> tuple[list[str], int]:
        """What blocks approving ``assignment``: refs of the positions with an open conflict
        on it, and how many escalations are open on it (directly, through one of its
        conflicts, or through a request on its month and line)."""
        conflicts = self.session.exec(
            select(ConflictRow.id, PositionRow, DealRow)
            .join(PositionRow, ConflictRow.position_id == PositionRow.id)
            .join(DealRow, PositionRow.deal_id == DealRow.id)
            .where(ConflictRow.assignment_id == assignment.id, ConflictRow.state == "open")
            .order_by(DealRow.number, PositionRow.position_no)
        ).all()
        of_conflicts = select(ConflictRow.id).where(ConflictRow.assignment_id == assignment.id)
        of_requests = select(RequestRow.id).where(
            RequestRow.month == str(assignment.month), RequestRow.product_line == assignment.product_line
        )
        escalations = self.session.exec(
            select(sa.func.count())
            .select_from(EscalationRow)
            .where(
                EscalationRow.state == "open",
                sa.or_(
                    EscalationRow.assignment_id == assignment.id,
                    EscalationRow.conflict_id.in_(of_conflicts),
                    EscalationRow.request_id.in_(of_requests),
                ),
            )
        ).one()
        return [convert.ref_of(p, d) for _, p, d in conflicts], escalations

    def set_locked(self, assignment: Assignment, position: Position, locked: bool, login: str) -> Assignment:
        """Lock (or unlock) every line of ``position`` in a draft, so re-plans keep it."""
        lines = self.session.exec(
            select(AssignmentLineRow).where(
                AssignmentLineRow.assignment_id == assignment.id,
                AssignmentLineRow.position_id == position.id,
            )
        ).all()
        if not lines:
            raise NotFound(f"{position.ref} has no line in {self._key(assignment)} to lock")
        for line in lines:
            line.locked = locked
        mills = select(MillRow.code).where(MillRow.id.in_({l.mill_id for l in lines})).order_by(MillRow.code)
        where = {
            "mill": list(self.session.exec(mills)),
            "month": str(assignment.month),
            "tonnes": sum(l.tonnes for l in lines),
        }
        self._touch(assignment, login, "locked" if locked else "unlocked", {"position": position.ref, **where})
        return self._assignment(self.session.get(AssignmentRow, assignment.id))

    def set_excluded(
        self, assignment: Assignment, position: Position, excluded: bool, login: str, reason: str | None, note: str
    ) -> Assignment:
        """Take ``position`` out of a draft by hand (its lines go; a manual exclusion stays
        for every re-plan), or let it back in (the next re-plan decides its tonnes).
        ``reason`` is the user's, for the audit log; ``note`` the exclusion's reason as its
        sales manager reads it (``excluded by Петрова Е. В.: …``)."""
        where_lines = (AssignmentLineRow.assignment_id == assignment.id, AssignmentLineRow.position_id == position.id)
        where_excl = (ExclusionRow.assignment_id == assignment.id, ExclusionRow.position_id == position.id)
        self.session.exec(sa.delete(ExclusionRow).where(*where_excl))
        if excluded:
            self.session.exec(sa.delete(AssignmentLineRow).where(*where_lines))
            self.session.add(
                ExclusionRow(
                    assignment_id=assignment.id,
                    position_id=position.id,
                    tonnes_left_out=position.remaining_tonnes,
                    reason_code="manual",
                    reason=note,
                    manual=True,
                )
            )
        else:
            self.session.add(
                ExclusionRow(
                    assignment_id=assignment.id,
                    position_id=position.id,
                    tonnes_left_out=position.remaining_tonnes,
                    reason_code="replan",
                    reason=note,
                )
            )
        edit = {"position": position.ref} | ({"tonnes_left_out": position.remaining_tonnes} if excluded else {})
        self._touch(assignment, login, "excluded" if excluded else "included", edit, reason)
        return self._assignment(self.session.get(AssignmentRow, assignment.id))

    def set_options(self, assignment: Assignment, options: dict, login: str, action: str, edit: dict) -> Assignment:
        """Replace the plan options kept with an editable revision (the next re-plan uses
        them), audited as ``action`` with ``edit``: ``{"position": "DEAL#NO", …}`` and what
        the edit holds it to (``mill``, ``month``, ``tonnes``)."""
        row = self.session.get(AssignmentRow, assignment.id)
        row.options = options
        self._touch(assignment, login, action, edit)
        return self._assignment(row)

    def _touch(self, assignment: Assignment, login: str, action: str, edit: dict, reason: str | None = None) -> None:
        """Audit an edit of one position (``edit``: its ``position`` and details) under the revision."""
        row = self.session.get(AssignmentRow, assignment.id)
        before = {"state": row.state}
        self._back_to_editing(row)
        row.version += 1
        self.audit(login, action, "assignment", self._key(assignment), before, {**edit, "state": row.state}, reason)
        self.session.flush()

    @staticmethod
    def _key(assignment: Assignment) -> str:
        return f"{assignment.month}/{assignment.product_line}/r{assignment.revision}"
