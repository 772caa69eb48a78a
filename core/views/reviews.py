"""Reviewers' verdicts on a revision as a table (``millplan review list``, the approval
pane) and as JSON."""

from __future__ import annotations

from typing import Any

from millplan.core.domain.i18n import _
from millplan.core.domain.workflow import Review
from millplan.core.views.tables import Column, TableView, iso


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
        "at": iso(review.at),
        "open": review.open,
        "answer": review.answer,
        "answered_by": review.answered_by,
        "answered_at": iso(review.answered_at),
    }


def verdict_word(verdict: str) -> str:
    """A reviewer's verdict (``agree``/``object``, as stored) in the user's language."""
    return {"agree": _("agree"), "object": _("object")}.get(verdict, verdict)


def reviews_view(found: list[Review]) -> TableView:
    """One row per verdict: revision, reviewer, agree or object, the position objected to,
    the reason and the answer (``open`` while an objection waits for one)."""
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
            "verdict": verdict_word(r.verdict),
            "position": r.position_ref or "",
            "reason": r.reason or "",
            "answer": f"{r.answered_by}: {r.answer}" if r.answered_by else (_("open") if r.open else ""),
        }
        for r in found
    )
    return TableView(_("Reviews"), columns, rows)
