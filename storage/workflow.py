"""Writes on the approval workflow's open items: requests, conflicts, escalations and
reviews, a revision's call for the director, and a position's manual priority.

Reached as ``repo.workflow`` inside a unit of work. Every change records an audit entry
(who, when, what, before → after, why) in the same transaction; a row read for an answer
is locked (``SELECT … FOR UPDATE`` on PostgreSQL; SQLite serialises writers), and an
answer given on an older ``version`` than the stored one is refused with
:class:`ChangedMeanwhile` ("changed by X at T — reload").
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlmodel import Session, select

from millplan.core.domain.errors import ChangedMeanwhile
from millplan.core.domain.months import Month
from millplan.core.domain.stored_text import Text, replaced
from millplan.core.domain.workflow import (
    Conflict,
    ConflictState,
    Escalation,
    EscalationState,
    Request,
    RequestKind,
    RequestState,
    Review,
    key_label,
)
from millplan.storage.audit import AuditRepository
from millplan.storage.convert import ref_of
from millplan.storage.tables import (
    AssignmentRow,
    ConflictRow,
    DealRow,
    EscalationRow,
    PositionRow,
    RequestRow,
    ReviewRow,
    utcnow,
)
from millplan.storage.workflow_reads import WorkflowReads

TEXT_COLUMNS = {ConflictRow: ("resolution",), EscalationRow: ("decision",), RequestRow: ("answer",)}
"""Columns a change may set to a message millplan wrote (their row's ``texts`` keeps it)."""


class WorkflowRepository(WorkflowReads):
    """Requests, conflicts, escalations and reviews written on one unit of work's session;
    every write is audited on ``audit``."""

    def __init__(self, session: Session, audit: AuditRepository) -> None:
        super().__init__(session)
        self.audit = audit

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
        reason: str | Text | None,
    ) -> None:
        """Set ``values`` on ``row`` (version + 1) and audit before → after; refuse a
        change made on an older version than the stored one. A value of a text column
        (:data:`TEXT_COLUMNS`) may be a message millplan wrote, kept to say in the reader's language."""
        if seen_version is not None and row.version != seen_version:
            raise ChangedMeanwhile.by(key_label(key), self.audit.last_change(key))
        before = {field: getattr(row, field) for field in values}
        after = {}
        for field, value in values.items():
            if field in TEXT_COLUMNS.get(type(row), ()):
                value, row.texts = replaced(row.texts, field, value)
            setattr(row, field, value)
            after[field] = value
        row.version += 1
        self.audit.write(login, action, object_type, key, before, after, reason)
        self.session.flush()

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
        self.audit.write(login, "raised", "request", f"request {row.id}", None, after, justification)
        return self.request(row.id)

    def answer_request(
        self,
        request_id: int,
        state: RequestState,
        *,
        login: str,
        answer: str | Text | None,
        seen_version: int | None,
    ) -> Request:
        """Grant or refuse an open request (the caller checked it is open). Raises
        :class:`NotFound` for an unknown id, :class:`ChangedMeanwhile` if ``seen_version`` is stale."""
        key = f"request {request_id}"
        row = self._locked(RequestRow, request_id, key)
        values = {"state": state.value, "answered_by": login, "answered_at": utcnow(), "answer": answer}
        self._change(row, key, "request", state.value, values, login=login, seen_version=seen_version, reason=answer)
        return self.request(request_id)

    def raise_conflicts(
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
            self.audit.write(login, "opened", "conflict", f"conflict {row.id}", None, after, reason)
        return self.conflicts(conflict_ids=[row.id for row in rows]) if rows else []

    def update_conflict(
        self,
        conflict_id: int,
        values: dict[str, Any],
        *,
        action: str,
        login: str,
        seen_version: int | None = None,
        reason: str | Text | None = None,
    ) -> Conflict:
        """Change a conflict's fields (state, agreed month, resolution, tonnes short t…),
        audited as ``action``. Raises :class:`NotFound` for an unknown id,
        :class:`ChangedMeanwhile` if ``seen_version`` is stale."""
        key = f"conflict {conflict_id}"
        row = self._locked(ConflictRow, conflict_id, key)
        self._change(row, key, "conflict", action, values, login=login, seen_version=seen_version, reason=reason)
        return self.conflict(conflict_id)

    def add_escalation(
        self,
        assignment_id: int,
        *,
        login: str,
        reason: str | Text,
        conflict_id: int | None = None,
        request_id: int | None = None,
    ) -> Escalation:
        """Raise revision ``assignment_id`` to the director: about conflict ``conflict_id``,
        or the re-approval round of request ``request_id``; opened, audited as ``escalated``."""
        sentence, texts = replaced(None, "reason", reason)
        row = EscalationRow(
            assignment_id=assignment_id,
            conflict_id=conflict_id,
            request_id=request_id,
            raised_by=login,
            reason=sentence,
            state=EscalationState.OPEN.value,
            texts=texts,
        )
        self.session.add(row)
        self.session.flush()
        after = {"state": row.state, "conflict": conflict_id, "request": request_id, "assignment": assignment_id}
        self.audit.write(login, "escalated", "escalation", f"escalation {row.id}", None, after, reason)
        return self.escalation(row.id)

    def decide_escalation(
        self, escalation_id: int, outcome: str, *, login: str, reason: str | Text, seen_version: int | None = None
    ) -> Escalation:
        """Record the director's decision: ``outcome`` its stable code (an :class:`Outcome`
        value), ``reason`` his words. Raises :class:`NotFound` for an unknown id,
        :class:`ChangedMeanwhile` if ``seen_version`` is stale."""
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

    def add_review(
        self, assignment_id: int, verdict: str, *, login: str, position_id: int | None = None, reason: str | None = None
    ) -> Review:
        """Record a reviewer's ``verdict`` on revision ``assignment_id``: ``agree`` (the whole
        revision) or ``object`` (to ``position_id``'s line, with ``reason``); audited as
        ``agreed`` / ``objected``."""
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
        self.audit.write(
            login, "agreed" if verdict == "agree" else "objected", "review", f"review {row.id}", None, after, reason
        )
        return found

    def answer_review(self, review_id: int, *, login: str, answer: str, seen_version: int | None = None) -> Review:
        """Record the product-line manager's ``answer`` to an objection. Raises
        :class:`NotFound` for an unknown id, :class:`ChangedMeanwhile` if ``seen_version`` is stale."""
        key = f"review {review_id}"
        row = self._locked(ReviewRow, review_id, key)
        values = {"answer": answer, "answered_by": login, "answered_at": utcnow()}
        self._change(row, key, "review", "answered", values, login=login, seen_version=seen_version, reason=answer)
        return self.review(review_id)

    def require_director(self, assignment_id: int, *, login: str, reason: str | Text) -> None:
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

    def set_priority(self, position_id: int, priority: int | None, *, login: str, reason: str | Text) -> None:
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
