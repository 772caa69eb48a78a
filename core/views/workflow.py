"""Requests, conflicts, escalations, reviews and what-ifs as tables (for people) and JSON
documents (for scripts) — the same data behind both.

Money in documents is a string with two decimals (RUB), tonnes numbers (t), months
``YYYY-MM``, times ISO 8601 UTC.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from millplan.core.domain.i18n import _
from millplan.core.domain.model import Assignment
from millplan.core.domain.months import plant_clock
from millplan.core.domain.notices import Notification
from millplan.core.domain.numbers import grouped
from millplan.core.domain.workflow import Conflict, Escalation, Request, Review
from millplan.core.planning.whatif import Shift, WhatIf
from millplan.core.views.documents import assignment_document, money
from millplan.core.views.history import HistoryRow
from millplan.core.views.tables import Column, TableView, short_reason
from millplan.core.workflow.conflicts import Forced
from millplan.core.workflow.escalations import Decided
from millplan.core.workflow.requests import Answered, Raised, describe


def _iso(at: datetime | None) -> str | None:
    return at.isoformat() if at else None


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
        "requested_at": _iso(request.requested_at),
        "answered_by": request.answered_by,
        "answered_at": _iso(request.answered_at),
        "answer": request.answer,
        "version": request.version,
    }


def conflict_document(conflict: Conflict) -> dict[str, Any]:
    """One conflict: position, tonnes short, margin at stake, state and resolution."""
    return {
        "id": conflict.id,
        "month": str(conflict.month),
        "product_line": conflict.product_line,
        "revision": conflict.revision,
        "position": conflict.position_ref,
        "customer": conflict.customer,
        "sales_manager": conflict.sales_manager,
        "requested_month": str(conflict.requested_month),
        "tonnes_short": round(conflict.tonnes_short, 3),
        "margin_at_stake_rub": money(conflict.margin_at_stake),
        "state": conflict.state.value,
        "opened_at": _iso(conflict.opened_at),
        "agreed_month": str(conflict.agreed_month) if conflict.agreed_month else None,
        "resolution": conflict.resolution,
        "resolved_by": conflict.resolved_by,
        "resolved_at": _iso(conflict.resolved_at),
        "version": conflict.version,
    }


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
        "raised_at": _iso(escalation.raised_at),
        "reason": escalation.reason,
        "state": escalation.state.value,
        "outcome": escalation.outcome,
        "decision": escalation.decision,
        "decided_by": escalation.decided_by,
        "decided_at": _iso(escalation.decided_at),
        "version": escalation.version,
    }


def review_document(review: Review) -> dict[str, Any]:
    """One verdict of a reviewer, and the answer to an objection."""
    return {
        "id": review.id,
        "month": str(review.month),
        "product_line": review.product_line,
        "revision": review.revision,
        "login": review.login,
        "verdict": review.verdict,
        "position": review.position_ref,
        "reason": review.reason,
        "at": _iso(review.at),
        "open": review.open,
        "answer": review.answer,
        "answered_by": review.answered_by,
        "answered_at": _iso(review.answered_at),
    }


def _shift(shift: Shift) -> dict[str, Any]:
    return {
        "position": shift.position_ref,
        "key_account": shift.key_account,
        "tonnes_before": shift.tonnes_before,
        "tonnes_after": shift.tonnes_after,
        "margin_change_rub": money(shift.margin_change),
    }


def effect_document(effect: WhatIf) -> dict[str, Any]:
    """A what-if: the line's marginal income and key tonnes before and after, and the
    positions displaced and gained."""
    return {
        "month": str(effect.month),
        "product_line": effect.product_line,
        "margin_before_rub": money(effect.margin_before),
        "margin_after_rub": money(effect.margin_after),
        "margin_change_rub": money(effect.margin_change),
        "key_account_tonnes_before": effect.key_tonnes_before,
        "key_account_tonnes_after": effect.key_tonnes_after,
        "displaced": [_shift(s) for s in effect.displaced],
        "gained": [_shift(s) for s in effect.gained],
    }


def requests_view(found: list[Request]) -> TableView:
    columns = (
        Column("id", _("No.")),
        Column("state", _("State")),
        Column("what", _("Request"), wrap=True),
        Column("month", _("Month")),
        Column("margin", _("At stake"), _("k RUB"), True),
        Column("by", _("By")),
        Column("answer", _("Answer"), wrap=True),
    )
    rows = tuple(
        {
            "key": r.id,
            "id": r.id,
            "state": r.state.value,
            "what": f"{describe(r)} — {r.justification}",
            "month": r.month,
            "margin": r.margin_at_stake / 1000,
            "by": r.requested_by,
            "answer": f"{r.answered_by}: {r.answer}" if r.answered_by else "",
        }
        for r in found
    )
    return TableView(_("Requests"), columns, rows)


def conflicts_view(found: list[Conflict]) -> TableView:
    columns = (
        Column("id", _("No.")),
        Column("state", _("State")),
        Column("month", _("Month")),
        Column("position", _("Position")),
        Column("customer", _("Customer"), wrap=True),
        Column("short", _("Short"), "t", True, 1),
        Column("margin", _("At stake"), _("k RUB"), True),
        Column("resolution", _("Resolution"), wrap=True),
    )
    rows = tuple(
        {
            "key": c.id,
            "id": c.id,
            "state": c.state.value,
            "month": f"{c.month} {c.product_line}",
            "position": c.position_ref,
            "customer": c.customer,
            "short": c.tonnes_short,
            "margin": c.margin_at_stake / 1000,
            "resolution": (f"{c.agreed_month}: " if c.agreed_month else "") + (c.resolution or ""),
        }
        for c in found
    )
    return TableView(_("Conflicts"), columns, rows)


def escalations_view(found: list[Escalation]) -> TableView:
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
            "state": e.state.value,
            "month": f"{e.month} {e.product_line}",
            "subject": e.subject,
            "reason": f"{e.raised_by}: {e.reason}",
            "decision": f"{e.outcome} — {e.decided_by}: {e.decision}" if e.decided_by else "",
        }
        for e in found
    )
    return TableView(_("Escalations"), columns, rows)


def reviews_view(found: list[Review]) -> TableView:
    columns = (
        Column("id", _("No.")),
        Column("revision", _("Rev.")),
        Column("login", _("Reviewer")),
        Column("verdict", _("Verdict")),
        Column("position", _("Position")),
        Column("reason", _("Reason"), wrap=True),
        Column("answer", _("Answer"), wrap=True),
    )
    rows = tuple(
        {
            "key": r.id,
            "id": r.id,
            "revision": r.revision,
            "login": r.login,
            "verdict": r.verdict,
            "position": r.position_ref or "",
            "reason": r.reason or "",
            "answer": f"{r.answered_by}: {r.answer}" if r.answered_by else (_("open") if r.open else ""),
        }
        for r in found
    )
    return TableView(_("Reviews"), columns, rows)


def effect_view(effect: WhatIf) -> TableView:
    """The positions a change moves: tonnes before → after and margin change."""
    columns = (
        Column("position", _("Position")),
        Column("key_account", _("Key")),
        Column("before", _("Before"), "t", True, 1),
        Column("after", _("After"), "t", True, 1),
        Column("margin", _("Marg. inc. change"), _("k RUB"), True),
    )
    rows = tuple(
        {
            "key": s.position_ref,
            "position": s.position_ref,
            "key_account": s.key_account,
            "before": s.tonnes_before,
            "after": s.tonnes_after,
            "margin": s.margin_change / 1000,
        }
        for s in (*effect.displaced, *effect.gained)
    )
    return TableView(
        _("{month} {line}: marginal income {before} → {after} RUB").format(
            month=effect.month,
            line=effect.product_line,
            before=grouped(effect.margin_before),
            after=grouped(effect.margin_after),
        ),
        columns,
        rows,
    )


def positions_view(assignment: Assignment, mine: frozenset[str] = frozenset()) -> TableView:
    """Every position of a revision, planned or left out: tonnes planned and left out
    (t), marginal income planned (k RUB) and why tonnes were left out — the rows a
    reviewer objects to or a sales manager asks about. ``Key`` is known from the planned
    lines; a position wholly left out shows it blank. Refs in ``mine`` (a sales manager's
    own) come first, marked ◆."""
    columns = (
        Column("position", _("Position")),
        Column("key_account", _("Key")),
        Column("planned", _("Planned"), "t", True, 1),
        Column("left_out", _("Left out"), "t", True, 1),
        Column("margin", _("Marg. inc."), _("k RUB"), True),
        Column("why", _("Why left out"), wrap=True),
    )
    rows: dict[str, dict[str, Any]] = {}
    for line in assignment.lines:
        row = rows.setdefault(
            line.position_ref,
            {
                "key": line.position_ref,
                "position": line.position_ref,
                "key_account": line.is_key_account,
                "planned": 0.0,
                "left_out": 0.0,
                "margin": 0.0,
                "why": "",
            },
        )
        row["planned"] += line.tonnes
        row["margin"] += float(line.marginal_income) / 1000
    for e in assignment.exclusions:
        row = rows.setdefault(
            e.position_ref,
            {
                "key": e.position_ref,
                "position": e.position_ref,
                "key_account": None,
                "planned": 0.0,
                "left_out": 0.0,
                "margin": 0.0,
                "why": "",
            },
        )
        row["left_out"] += e.tonnes_left_out
        row["why"] = short_reason(e)
    for ref in mine & rows.keys():
        rows[ref]["position"] = f"{ref} ◆"
    return TableView(
        _("Positions"), columns, tuple(rows[ref] for ref in sorted(rows, key=lambda r: (r not in mine, r)))
    )


def history_view(rows: list[HistoryRow]) -> TableView:
    """Audit entries as :func:`millplan.core.views.history.history` reads them (newest first): when (plant
    time), who, what, on which object, and the reason with the change."""
    columns = (
        Column("at", _("When (plant time)")),
        Column("login", _("Who")),
        Column("action", _("Action")),
        Column("object", _("Object")),
        Column("change", _("Reason · change"), wrap=True),
    )
    rows = tuple(
        {
            "key": str(n),
            "at": r.when,
            "login": r.who,
            "action": r.entry.action,
            "object": r.entry.object_key,
            "object_key": r.entry.object_key,
            "change": r.change,
        }
        for n, r in enumerate(rows)
    )
    return TableView(_("History"), columns, rows)


def inbox_view(found: list[Notification]) -> TableView:
    """Notifications, newest first: ● while unread, when (plant time, as the history),
    subject, what it is about."""
    columns = (
        Column("unread", " "),
        Column("at", _("When (plant time)")),
        Column("subject", _("Subject"), wrap=True),
        Column("about", _("About")),
    )
    rows = tuple(
        {
            "key": str(n.id),
            "id": n.id,
            "unread": "●" if n.read_at is None else "",
            "at": plant_clock(n.at),
            "subject": n.subject,
            "about": n.object_key,
            "object_key": n.object_key,
            "body": "\n".join(n.details),
        }
        for n in found
    )
    return TableView(_("Inbox"), columns, rows)


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


def forced_document(forced: Forced, dry_run: bool) -> dict[str, Any]:
    """A conflict forced in (or, ``dry_run``, what forcing it would do): the conflict and
    revision as saved (``null`` for a dry run) and the effect on the month."""
    return {
        "dry_run": dry_run,
        "conflict": conflict_document(forced.conflict) if forced.conflict else None,
        "effect": effect_document(forced.effect),
        "assignment": assignment_document(forced.assignment) if forced.assignment else None,
    }


def decided_document(decided: Decided) -> dict[str, Any]:
    """A decided escalation with its conflict as resolved and, when forced, the effect
    (each ``null`` when there is none)."""
    return {
        **escalation_document(decided.escalation),
        "conflict": conflict_document(decided.conflict) if decided.conflict else None,
        "effect": effect_document(decided.effect) if decided.effect else None,
    }


def inbox_document(login: str, unread: int, found: list[Notification]) -> dict[str, Any]:
    """A person's notifications (newest first) and how many of all of his are unread."""
    return {"login": login, "unread": unread, "notifications": [n.as_dict() for n in found]}


def marked_document(marked: int, unread: int) -> dict[str, Any]:
    """Notifications just marked read, and how many stay unread."""
    return {"marked_read": marked, "unread": unread}
