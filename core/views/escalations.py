"""Escalations to the director as a table (``millplan escalation list``, the approval pane)
and as JSON (times ISO 8601 UTC)."""

from __future__ import annotations

from typing import Any

from millplan.core.domain.i18n import _
from millplan.core.domain.months import month_text
from millplan.core.domain.states import state_label
from millplan.core.domain.workflow import Escalation, Outcome
from millplan.core.views.conflicts import conflict_document
from millplan.core.views.tables import Column, TableView, iso
from millplan.core.views.whatif import effect_document
from millplan.core.workflow.escalations import Decided


def escalation_document(escalation: Escalation) -> dict[str, Any]:
    """One escalation: what it is about, why, and the director's decision."""
    return {
        "id": escalation.id,
        "month": str(escalation.month),
        "product_line": escalation.product_line,
        "subject": escalation.subject,
        "conflict": escalation.conflict_id,
        "request": escalation.request_id,
        "raised_by": escalation.raised_by,
        "raised_at": iso(escalation.raised_at),
        "reason": escalation.reason,
        "state": escalation.state.value,
        "outcome": escalation.outcome,
        "decision": escalation.decision,
        "decided_by": escalation.decided_by,
        "decided_at": iso(escalation.decided_at),
        "version": escalation.version,
    }


def outcome_word(outcome: str | None) -> str:
    """How an escalation was decided (an :class:`Outcome` value, as stored) in the user's language."""
    return {
        Outcome.FORCED.value: _("forced in"),
        Outcome.LATER_MONTH.value: _("later month"),
        Outcome.ROUND_DECIDED.value: _("round decided"),
        Outcome.MOOT.value: _("moot"),
    }.get(outcome or "", outcome or "")


def escalations_view(found: list[Escalation]) -> TableView:
    """One row per escalation: state, month and line, what it is about, who raised it and
    why, and the director's decision."""
    columns = (
        Column("id", _("No.")),
        Column("state", _("State")),
        Column("month", _("Month")),
        Column("subject", _("About"), wrap=True),
        Column("reason", _("Why"), wrap=True),
        Column("decision", _("Decision"), wrap=True),
    )
    rows = tuple(
        {
            "key": e.id,
            "id": e.id,
            "state": state_label(e.state),
            "month": f"{month_text(e.month)} {e.product_line}",
            "subject": e.subject,
            "reason": f"{e.raised_by}: {e.reason}",
            "decision": f"{outcome_word(e.outcome)} — {e.decided_by}: {e.decision}" if e.decided_by else "",
        }
        for e in found
    )
    return TableView(_("Escalations"), columns, rows)


def decided_document(decided: Decided) -> dict[str, Any]:
    """A decided escalation with its conflict as resolved and, when forced, the effect
    (each ``null`` when there is none)."""
    return {
        **escalation_document(decided.escalation),
        "conflict": conflict_document(decided.conflict) if decided.conflict else None,
        "effect": effect_document(decided.effect) if decided.effect else None,
    }
