"""Requests (priority, replacement, re-approval) as a table (``millplan request list``, the
approval pane) and as JSON: money a string with two decimals (RUB), times ISO 8601 UTC."""

from __future__ import annotations

from typing import Any

from millplan.core.domain.i18n import _
from millplan.core.domain.states import state_label
from millplan.core.domain.workflow import Request
from millplan.core.views.assignment import assignment_document
from millplan.core.views.escalations import escalation_document
from millplan.core.views.tables import Column, TableView, iso, money
from millplan.core.views.whatif import effect_document
from millplan.core.workflow.request_answers import Answered
from millplan.core.workflow.request_raising import Raised
from millplan.core.workflow.requests import describe


def request_document(request: Request) -> dict[str, Any]:
    """One request: what it asks, its state, the margin at stake and the answer."""
    return {
        "id": request.id,
        "kind": request.kind.value,
        "what": describe(request),
        "month": str(request.month),
        "product_line": request.product_line,
        "position": request.position_ref,
        "replacement": request.replacement_ref,
        "justification": request.justification,
        "margin_at_stake_rub": money(request.margin_at_stake),
        "state": request.state.value,
        "requested_by": request.requested_by,
        "requested_at": iso(request.requested_at),
        "answered_by": request.answered_by,
        "answered_at": iso(request.answered_at),
        "answer": request.answer,
        "version": request.version,
    }


def requests_view(found: list[Request]) -> TableView:
    """One row per request: state, what it asks and why, month, margin at stake (k RUB), who
    asked and the answer."""
    columns = (
        Column("id", _("No.")),
        Column("state", _("State")),
        Column("what", _("Request"), wrap=True),
        Column("month", _("Month")),
        Column("margin", _("At stake"), _("k RUB"), True, money=True),
        Column("by", _("By")),
        Column("answer", _("Answer"), wrap=True),
    )
    rows = tuple(
        {
            "key": r.id,
            "id": r.id,
            "state": state_label(r.state),
            "what": f"{describe(r)} — {r.justification}",
            "month": r.month,
            "margin": r.margin_at_stake / 1000,
            "by": r.requested_by,
            "answer": f"{r.answered_by}: {r.answer}" if r.answered_by else "",
        }
        for r in found
    )
    return TableView(_("Requests"), columns, rows)


def raised_document(raised: Raised) -> dict[str, Any]:
    """A request as recorded, with the what-if behind its margin at stake (``effect``, or ``null``)."""
    return {
        **request_document(raised.request),
        "effect": effect_document(raised.effect) if raised.effect else None,
    }


def answered_document(answered: Answered) -> dict[str, Any]:
    """An answered request with, when granted, the change's effect, the re-planned
    revision and the escalation opened (each ``null`` when there is none)."""
    return {
        **request_document(answered.request),
        "effect": effect_document(answered.effect) if answered.effect else None,
        "assignment": assignment_document(answered.assignment) if answered.assignment else None,
        "escalation": escalation_document(answered.escalation) if answered.escalation else None,
    }
