"""Queries on the approval workflow's open items — requests, conflicts, escalations and
reviews (see :mod:`millplan.storage.workflow`
for their writes)."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from millplan.core.domain.errors import NotFound
from millplan.core.domain.i18n import _
from millplan.core.domain.months import Month
from millplan.core.domain.stored_text import shown
from millplan.core.domain.workflow import (
    Conflict,
    ConflictState,
    Escalation,
    EscalationState,
    Request,
    RequestKind,
    RequestState,
    Review,
    escalation_subject,
    key_label,
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
)


class WorkflowReads:
    """Open items read on one unit of work's session, as domain objects."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def _locked(self, model: Any, row_id: int, key: str) -> Any:
        """Row ``row_id`` of ``model`` locked until the unit of work ends; raises
        :class:`NotFound` (named ``key``) if there is none."""
        row = self.session.exec(select(model).where(model.id == row_id).with_for_update()).first()
        if row is None:
            raise NotFound(_("{what} does not exist").format(what=key_label(key)))
        return row

    def request(self, request_id: int) -> Request:
        """One request by id; raises :class:`NotFound` for an unknown id."""
        found = self._requests(RequestRow.id == request_id)
        if not found:
            raise NotFound(_("request {id} does not exist").format(id=request_id))
        return found[0]

    def requests(
        self,
        *,
        state: RequestState | None = None,
        requested_by: str | None = None,
        product_lines: Iterable[str] | None = None,
        month: Month | None = None,
    ) -> list[Request]:
        """Requests, newest first, filtered by state, raiser, product lines and month."""
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

    def lock_request(self, request_id: int) -> Request:
        """The request, its row locked until the unit of work ends (an answer follows);
        raises :class:`NotFound` for an unknown id."""
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
                answer=shown(r.texts, "answer", r.answer),
                version=r.version,
                position_id=r.position_id,
                replacement_id=r.replacement_position_id,
            )
            for r, p, d, rp, rd in self.session.exec(query)
        ]

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
        """Conflicts of every revision, oldest first, filtered (``tonnes_short`` in t,
        ``margin_at_stake`` in RUB)."""
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
                resolution=shown(c.texts, "resolution", c.resolution),
                resolved_by=c.resolved_by,
                resolved_at=c.resolved_at,
                version=c.version,
            )
            for c, a, p, d, cu in self.session.exec(query)
        ]

    def conflict(self, conflict_id: int, *, lock: bool = False) -> Conflict:
        """One conflict by id; ``lock`` locks its row. Raises :class:`NotFound` for an unknown id."""
        if lock:
            self._locked(ConflictRow, conflict_id, f"conflict {conflict_id}")
        found = self.conflicts(conflict_id=conflict_id)
        if not found:
            raise NotFound(_("conflict {id} does not exist").format(id=conflict_id))
        return found[0]

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

    def escalation(self, escalation_id: int, *, lock: bool = False) -> Escalation:
        """One escalation by id; ``lock`` locks its row. Raises :class:`NotFound` for an unknown id."""
        if lock:
            self._locked(EscalationRow, escalation_id, f"escalation {escalation_id}")
        found = self.escalations(escalation_id=escalation_id)
        if not found:
            raise NotFound(_("escalation {id} does not exist").format(id=escalation_id))
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
        """Escalations, oldest first, filtered; ``subject`` names the conflict's or request's position."""
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
                    reason=shown(e.texts, "reason", e.reason),
                    state=EscalationState(e.state),
                    outcome=e.outcome,
                    decision=shown(e.texts, "decision", e.decision),
                    decided_by=e.decided_by,
                    decided_at=e.decided_at,
                    version=e.version,
                    subject=escalation_subject(a.revision, conflicts.get(e.conflict_id), e.request_id),
                )
            )
        return result

    def review(self, review_id: int, *, lock: bool = False) -> Review:
        """One review by id; ``lock`` locks its row. Raises :class:`NotFound` for an unknown id."""
        if lock:
            self._locked(ReviewRow, review_id, f"review {review_id}")
        found = self.reviews(review_id=review_id)
        if not found:
            raise NotFound(_("review {id} does not exist").format(id=review_id))
        return found[0]

    def reviews(
        self,
        *,
        assignment_id: int | None = None,
        review_id: int | None = None,
        month: Month | None = None,
        product_line: str | None = None,
    ) -> list[Review]:
        """Reviews, oldest first, filtered by revision, id, month and product line."""
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
