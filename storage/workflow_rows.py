"""Rows of the approval workflow's open items: requests, conflicts, escalations, reviews.

Reached as ``repo.workflow`` inside a unit of work. Every change records an audit entry
(who, when, what, before → after, why) in the same transaction; a row read for an answer
is locked (``SELECT … FOR UPDATE`` on PostgreSQL; SQLite serialises writers), and an
answer given on an older ``version`` than the stored one is refused with
:class:`ChangedMeanwhile` ("changed by X at T — reload").
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import aliased
from sqlmodel import select

from millplan.core.domain.errors import ChangedMeanwhile, NotFound
from millplan.core.domain.months import Month
from millplan.core.domain.workflow import (
    Conflict,
    ConflictState,
    Escalation,
    EscalationState,
    Request,
    RequestKind,
    RequestState,
    Review,
)
from millplan.storage.convert import ref_of
from millplan.storage.tables import (
    AssignmentRow,
    ConflictRow,
    CustomerRow,
    DealRow,
    EscalationRow,
    PositionRow,
    RequestRow,
    ReviewRow,
    utcnow,
)

if TYPE_CHECKING:  # the repository builds this class; a runtime import would be circular
    from millplan.storage.repository import Repository


class WorkflowRows:
    """Requests, conflicts, escalations and reviews on one repository's session."""

    def __init__(self, repo: Repository) -> None:
        self.repo = repo
        self.session = repo.session

    # -- shared --------------------------------------------------------------------------

    def _locked(self, model: Any, row_id: int, key: str) -> Any:
        row = self.session.exec(select(model).where(model.id == row_id).with_for_update()).first()
        if row is None:
            raise NotFound(f"{key} does not exist")
        return row

    def _change(
        self,
        row: Any,
        key: str,
        object_type: str,
        action: str,
        values: dict[str, Any],
        *,
        login: str,
        seen_version: int | None,
        reason: str | None,
    ) -> None:
        """Set ``values`` on ``row`` (version + 1) and audit before → after; refuse a
        change made on an older version than the stored one."""
        if seen_version is not None and row.version != seen_version:
            raise ChangedMeanwhile(f"{key} was changed by {self.repo.last_change(key)} — reload and try again")
        before = {field: getattr(row, field) for field in values}
        for field, value in values.items():
            setattr(row, field, value)
        row.version += 1
        self.repo.audit(login, action, object_type, key, before, values, reason)
        self.session.flush()

    # -- requests ------------------------------------------------------------------------

    def add_request(
        self,
        kind: RequestKind,
        month: Month,
        product_line: str,
        *,
        login: str,
        justification: str,
        margin_at_stake: Decimal,
        position_id: int | None = None,
        replacement_id: int | None = None,
        priority: int | None = None,
        details: dict[str, Any] | None = None,
    ) -> Request:
        """Record a new open request; ``details`` (what millplan computed) go to the audit."""
        row = RequestRow(
            kind=kind.value,
            month=str(month),
            product_line=product_line,
            position_id=position_id,
            replacement_position_id=replacement_id,
            priority=priority,
            requested_by=login,
            justification=justification,
            margin_at_stake=margin_at_stake,
            state=RequestState.OPEN.value,
        )
        self.session.add(row)
        self.session.flush()
        after = {
            "kind": kind.value,
            "month": str(month),
            "product_line": product_line,
            "state": row.state,
            "margin_at_stake": margin_at_stake,
            **(details or {}),
        }
        self.repo.audit(login, "raised", "request", f"request {row.id}", None, after, justification)
        return self.request(row.id)

    def request(self, request_id: int) -> Request:
        """Raises :class:`NotFound` for an unknown id."""
        found = self._requests(RequestRow.id == request_id)
        if not found:
            raise NotFound(f"request {request_id} does not exist")
        return found[0]

    def requests(
        self,
        *,
        state: RequestState | None = None,
        requested_by: str | None = None,
        product_lines: Iterable[str] | None = None,
        month: Month | None = None,
    ) -> list[Request]:
        """Newest first, filtered."""
        where = []
        if state is not None:
            where.append(RequestRow.state == state.value)
        if requested_by is not None:
            where.append(RequestRow.requested_by == requested_by)
        if product_lines is not None:
            where.append(RequestRow.product_line.in_(list(product_lines)))
        if month is not None:
            where.append(RequestRow.month == str(month))
        return self._requests(*where)

    def answer_request(
        self, request_id: int, state: RequestState, *, login: str, answer: str | None, seen_version: int | None
    ) -> Request:
        """Grant or refuse an open request (the caller checked it is open)."""
        key = f"request {request_id}"
        row = self._locked(RequestRow, request_id, key)
        values = {"state": state.value, "answered_by": login, "answered_at": utcnow(), "answer": answer}
        self._change(row, key, "request", state.value, values, login=login, seen_version=seen_version, reason=answer)
        return self.request(request_id)

    def lock_request(self, request_id: int) -> Request:
        """The request, its row locked until the unit of work ends (an answer follows)."""
        self._locked(RequestRow, request_id, f"request {request_id}")
        return self.request(request_id)

    def _requests(self, *where: Any) -> list[Request]:
        replacement = aliased(PositionRow)
        replacement_deal = aliased(DealRow)
        query = (
            select(RequestRow, PositionRow, DealRow, replacement, replacement_deal)
            .outerjoin(PositionRow, RequestRow.position_id == PositionRow.id)
            .outerjoin(DealRow, PositionRow.deal_id == DealRow.id)
            .outerjoin(replacement, RequestRow.replacement_position_id == replacement.id)
            .outerjoin(replacement_deal, replacement.deal_id == replacement_deal.id)
            .where(*where)
            .order_by(RequestRow.id.desc())
        )
        return [
            Request(
                id=r.id,
                kind=RequestKind(r.kind),
                month=Month.parse(r.month),
                product_line=r.product_line,
                position_ref=ref_of(p, d) if p is not None else None,
                replacement_ref=ref_of(rp, rd) if rp is not None else None,
                justification=r.justification,
                margin_at_stake=Decimal(r.margin_at_stake),
                state=RequestState(r.state),
                requested_by=r.requested_by,
                requested_at=r.requested_at,
                answered_by=r.answered_by,
                answered_at=r.answered_at,
                answer=r.answer,
                version=r.version,
                position_id=r.position_id,
                replacement_id=r.replacement_position_id,
            )
            for r, p, d, rp, rd in self.session.exec(query)
        ]

    # -- conflicts -----------------------------------------------------------------------

    def conflicts(
        self,
        *,
        month: Month | None = None,
        product_line: str | None = None,
        states: Iterable[ConflictState] | None = None,
        assignment_id: int | None = None,
        conflict_id: int | None = None,
        conflict_ids: Iterable[int] | None = None,
    ) -> list[Conflict]:
        """Conflicts of every revision, oldest first, filtered."""
        where = []
        if month is not None:
            where.append(AssignmentRow.month == str(month))
        if product_line is not None:
            where.append(AssignmentRow.product_line == product_line)
        if states is not None:
            where.append(ConflictRow.state.in_([s.value for s in states]))
        if assignment_id is not None:
            where.append(ConflictRow.assignment_id == assignment_id)
        if conflict_id is not None:
            where.append(ConflictRow.id == conflict_id)
        if conflict_ids is not None:
            where.append(ConflictRow.id.in_(list(conflict_ids)))
        query = (
            select(ConflictRow, AssignmentRow, PositionRow, DealRow, CustomerRow)
            .join(AssignmentRow, ConflictRow.assignment_id == AssignmentRow.id)
            .join(PositionRow, ConflictRow.position_id == PositionRow.id)
            .join(DealRow, PositionRow.deal_id == DealRow.id)
            .join(CustomerRow, DealRow.customer_id == CustomerRow.id)
            .where(*where)
            .order_by(ConflictRow.id)
        )
        return [
            Conflict(
                id=c.id,
                assignment_id=a.id,
                month=Month.parse(a.month),
                product_line=a.product_line,
                revision=a.revision,
                position_id=p.id,
                position_ref=ref_of(p, d),
                customer=cu.name,
                sales_manager=d.sales_manager,
                requested_month=Month.parse(p.requested_month),
                tonnes_short=c.tonnes_short,
                margin_at_stake=Decimal(c.margin_at_stake),
                state=ConflictState(c.state),
                opened_at=c.opened_at,
                agreed_month=Month.parse(c.agreed_month) if c.agreed_month else None,
                resolution=c.resolution,
                resolved_by=c.resolved_by,
                resolved_at=c.resolved_at,
                version=c.version,
            )
            for c, a, p, d, cu in self.session.exec(query)
        ]

    def conflict(self, conflict_id: int, *, lock: bool = False) -> Conflict:
        """Raises :class:`NotFound` for an unknown id; ``lock`` locks its row."""
        if lock:
            self._locked(ConflictRow, conflict_id, f"conflict {conflict_id}")
        found = self.conflicts(conflict_id=conflict_id)
        if not found:
            raise NotFound(f"conflict {conflict_id} does not exist")
        return found[0]

    def open_conflicts(
        self, assignment_id: int, shortfalls: list[tuple[int, float, Decimal, str]], *, login: str
    ) -> list[Conflict]:
        """Open one conflict per ``(position id, tonnes short, margin at stake, reason)`` on
        the revision, in one flush (a lean month opens hundreds); each audited."""
        rows = [
            ConflictRow(
                assignment_id=assignment_id,
                position_id=pid,
                tonnes_short=tonnes,
                margin_at_stake=margin,
                state=ConflictState.OPEN.value,
            )
            for pid, tonnes, margin, _reason in shortfalls
        ]
        self.session.add_all(rows)
        self.session.flush()
        for row, (_pid, tonnes, margin, reason) in zip(rows, shortfalls):
            after = {"state": row.state, "tonnes_short": tonnes, "margin_at_stake": margin}
            self.repo.audit(login, "opened", "conflict", f"conflict {row.id}", None, after, reason)
        return self.conflicts(conflict_ids=[row.id for row in rows]) if rows else []

    def key_accounts(self, position_ids: Iterable[int]) -> set[int]:
        """Those of ``position_ids`` whose customer is a key account."""
        return set(
            self.session.exec(
                select(PositionRow.id)
                .join(DealRow, PositionRow.deal_id == DealRow.id)
                .join(CustomerRow, DealRow.customer_id == CustomerRow.id)
                .where(CustomerRow.is_key_account, PositionRow.id.in_(list(position_ids)))
            )
        )

    def update_conflict(
        self,
        conflict_id: int,
        values: dict[str, Any],
        *,
        action: str,
        login: str,
        seen_version: int | None = None,
        reason: str | None = None,
    ) -> Conflict:
        """Change a conflict's fields (state, agreed month, resolution, tonnes short…)."""
        key = f"conflict {conflict_id}"
        row = self._locked(ConflictRow, conflict_id, key)
        self._change(row, key, "conflict", action, values, login=login, seen_version=seen_version, reason=reason)
        return self.conflict(conflict_id)

    # -- escalations ---------------------------------------------------------------------

    def add_escalation(
        self,
        assignment_id: int,
        *,
        login: str,
        reason: str,
        conflict_id: int | None = None,
        request_id: int | None = None,
    ) -> Escalation:
        row = EscalationRow(
            assignment_id=assignment_id,
            conflict_id=conflict_id,
            request_id=request_id,
            raised_by=login,
            reason=reason,
            state=EscalationState.OPEN.value,
        )
        self.session.add(row)
        self.session.flush()
        after = {"state": row.state, "conflict": conflict_id, "request": request_id, "assignment": assignment_id}
        self.repo.audit(login, "escalated", "escalation", f"escalation {row.id}", None, after, reason)
        return self.escalation(row.id)

    def escalation(self, escalation_id: int, *, lock: bool = False) -> Escalation:
        if lock:
            self._locked(EscalationRow, escalation_id, f"escalation {escalation_id}")
        found = self.escalations(escalation_id=escalation_id)
        if not found:
            raise NotFound(f"escalation {escalation_id} does not exist")
        return found[0]

    def escalations(
        self,
        *,
        state: EscalationState | None = None,
        month: Month | None = None,
        product_line: str | None = None,
        assignment_id: int | None = None,
        escalation_id: int | None = None,
    ) -> list[Escalation]:
        """Oldest first, filtered; ``subject`` names the conflict's or request's position."""
        where = []
        if state is not None:
            where.append(EscalationRow.state == state.value)
        if month is not None:
            where.append(AssignmentRow.month == str(month))
        if product_line is not None:
            where.append(AssignmentRow.product_line == product_line)
        if assignment_id is not None:
            where.append(EscalationRow.assignment_id == assignment_id)
        if escalation_id is not None:
            where.append(EscalationRow.id == escalation_id)
        query = (
            select(EscalationRow, AssignmentRow)
            .join(AssignmentRow, EscalationRow.assignment_id == AssignmentRow.id)
            .where(*where)
            .order_by(EscalationRow.id)
        )
        rows = self.session.exec(query).all()
        conflicts = {c.id: c for c in self.conflicts(month=month, product_line=product_line)} if rows else {}
        result = []
        for e, a in rows:
            subject = f"revision {a.revision}"
            if e.conflict_id in conflicts:
                c = conflicts[e.conflict_id]
                subject = f"conflict {c.id}: {c.position_ref} {c.tonnes_short:g} t short"
            elif e.request_id is not None:
                subject = f"re-approval round, request {e.request_id}"
            result.append(
                Escalation(
                    id=e.id,
                    month=Month.parse(a.month),
                    product_line=a.product_line,
                    assignment_id=e.assignment_id,
                    conflict_id=e.conflict_id,
                    request_id=e.request_id,
                    raised_by=e.raised_by,
                    raised_at=e.raised_at,
                    reason=e.reason,
                    state=EscalationState(e.state),
                    outcome=e.outcome,
                    decision=e.decision,
                    decided_by=e.decided_by,
                    decided_at=e.decided_at,
                    version=e.version,
                    subject=subject,
                )
            )
        return result

    def decide_escalation(
        self, escalation_id: int, outcome: str, *, login: str, reason: str, seen_version: int | None = None
    ) -> Escalation:
        key = f"escalation {escalation_id}"
        row = self._locked(EscalationRow, escalation_id, key)
        values = {
            "state": EscalationState.DECIDED.value,
            "outcome": outcome,
            "decision": reason,
            "decided_by": login,
            "decided_at": utcnow(),
        }
        self._change(row, key, "escalation", "decided", values, login=login, seen_version=seen_version, reason=reason)
        return self.escalation(escalation_id)

    # -- reviews -------------------------------------------------------------------------

    def add_review(
        self, assignment_id: int, verdict: str, *, login: str, position_id: int | None = None, reason: str | None = None
    ) -> Review:
        row = ReviewRow(
            assignment_id=assignment_id, position_id=position_id, login=login, verdict=verdict, reason=reason
        )
        self.session.add(row)
        self.session.flush()
        found = self.review(row.id)
        after = {
            "verdict": verdict,
            "position": found.position_ref,
            "revision": f"{found.month}/{found.product_line}/r{found.revision}",
        }
        self.repo.audit(
            login, "agreed" if verdict == "agree" else "objected", "review", f"review {row.id}", None, after, reason
        )
        return found

    def review(self, review_id: int, *, lock: bool = False) -> Review:
        if lock:
            self._locked(ReviewRow, review_id, f"review {review_id}")
        found = self.reviews(review_id=review_id)
        if not found:
            raise NotFound(f"review {review_id} does not exist")
        return found[0]

    def reviews(
        self,
        *,
        assignment_id: int | None = None,
        review_id: int | None = None,
        month: Month | None = None,
        product_line: str | None = None,
    ) -> list[Review]:
        """Oldest first, filtered."""
        where = []
        if assignment_id is not None:
            where.append(ReviewRow.assignment_id == assignment_id)
        if review_id is not None:
            where.append(ReviewRow.id == review_id)
        if month is not None:
            where.append(AssignmentRow.month == str(month))
        if product_line is not None:
            where.append(AssignmentRow.product_line == product_line)
        query = (
            select(ReviewRow, AssignmentRow, PositionRow, DealRow)
            .join(AssignmentRow, ReviewRow.assignment_id == AssignmentRow.id)
            .outerjoin(PositionRow, ReviewRow.position_id == PositionRow.id)
            .outerjoin(DealRow, PositionRow.deal_id == DealRow.id)
            .where(*where)
            .order_by(ReviewRow.id)
        )
        return [
            Review(
                id=r.id,
                assignment_id=a.id,
                month=Month.parse(a.month),
                product_line=a.product_line,
                revision=a.revision,
                login=r.login,
                verdict=r.verdict,
                position_ref=ref_of(p, d) if p is not None else None,
                reason=r.reason,
                at=r.at,
                answer=r.answer,
                answered_by=r.answered_by,
                answered_at=r.answered_at,
                version=r.version,
            )
            for r, a, p, d in self.session.exec(query)
        ]

    def answer_review(self, review_id: int, *, login: str, answer: str, seen_version: int | None = None) -> Review:
        key = f"review {review_id}"
        row = self._locked(ReviewRow, review_id, key)
        values = {"answer": answer, "answered_by": login, "answered_at": utcnow()}
        self._change(row, key, "review", "answered", values, login=login, seen_version=seen_version, reason=answer)
        return self.review(review_id)

    def require_director(self, assignment_id: int, *, login: str, reason: str) -> None:
        """Mark a revision as needing the director's approval (a re-approval round)."""
        row = self.session.exec(select(AssignmentRow).where(AssignmentRow.id == assignment_id).with_for_update()).one()
        key = f"{row.month}/{row.product_line}/r{row.revision}"
        self._change(
            row,
            key,
            "assignment",
            "director_required",
            {"needs_director": True},
            login=login,
            seen_version=None,
            reason=reason,
        )

    # -- positions -----------------------------------------------------------------------

    def set_priority(self, position_id: int, priority: int | None, *, login: str, reason: str) -> None:
        """Set a position's manual priority (1 highest … 3, or None), audited."""
        row, deal = self.session.exec(
            select(PositionRow, DealRow)
            .join(DealRow, PositionRow.deal_id == DealRow.id)
            .where(PositionRow.id == position_id)
            .with_for_update()
        ).one()
        self._change(
            row,
            ref_of(row, deal),
            "position",
            "reprioritised",
            {"manual_priority": priority},
            login=login,
            seen_version=None,
            reason=reason,
        )
