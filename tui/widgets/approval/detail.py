"""The Approval pane's detail line: the highlighted row in full — a diff line, a conflict
with its stakes, a request with its answer, an escalation with its decision, a review, a
position's tonnes planned and left out."""

from __future__ import annotations

from typing import Any

from textual.widgets import Static

from millplan.core.domain.i18n import _
from millplan.core.domain.months import month_text
from millplan.core.domain.numbers import grouped
from millplan.core.domain.states import state_label
from millplan.core.domain.workflow import Outcome
from millplan.core.views.approval import Board
from millplan.core.workflow import requests


def _conflict(item: Any) -> str:
    return _("{ref} {customer} (manager {manager}): {t} t short of {month}, {m} RUB at stake — {state}{how}").format(
        ref=item.position_ref,
        customer=item.customer,
        manager=item.sales_manager,
        t=grouped(item.tonnes_short, 1),
        month=month_text(item.month),
        m=grouped(item.margin_at_stake),
        state=state_label(item.state),
        how=f": {item.resolution}" if item.resolution else "",
    )


def _request(item: Any) -> str:
    return _("{what} — {who}: {why} ({m} RUB at stake) · {state}{answer}").format(
        what=requests.describe(item),
        who=item.requested_by,
        why=item.justification,
        m=grouped(item.margin_at_stake),
        state=state_label(item.state),
        answer=f" — {item.answered_by}: {item.answer}" if item.answered_by else "",
    )


def outcome_text(code: str | None) -> str:
    """An escalation's outcome (an :class:`Outcome` value) as people say it."""
    words = {
        Outcome.FORCED: _("forced in"),
        Outcome.LATER_MONTH: _("later month"),
        Outcome.ROUND_DECIDED: _("round decided"),
        Outcome.MOOT: _("moot: the conflict closed itself"),
    }
    return words.get(code, code or "")


def _escalation(item: Any) -> str:
    decided = f" · {outcome_text(item.outcome)} — {item.decided_by}: {item.decision}" if item.decided_by else ""
    return f"{item.subject} — {item.raised_by}: {item.reason} · {state_label(item.state)}{decided}"


def _review(item: Any) -> str:
    if item.verdict == "object":
        text = _("{who} objects to {ref}: {why}").format(who=item.login, ref=item.position_ref, why=item.reason or "")
    else:
        text = _("{who} agrees to the revision").format(who=item.login)
    return text + (f" — {item.answered_by}: {item.answer}" if item.answered_by else "")


ITEMS = {"conflicts": _conflict, "requests": _request, "escalations": _escalation, "reviews": _review}
"""How each section of workflow items describes its highlighted item."""


def describe(b: Board | None, section: str, row: dict[str, Any] | None, item: Any) -> str:
    """What the detail line says of ``row`` (``item``: the workflow item it stands for) in
    ``section`` of board ``b``."""
    if b is None:
        return ""
    if section in ("diff", "mills") and b.diff is None:
        if b.latest is None:
            return _("Not planned yet: plan the month in the Assignment pane (F4, then F5).")
        if section == "mills":
            return _("Revision {n}: no approved revision before it to compare with; the mills' load in it.").format(
                n=b.latest.revision
            )
        return _("Revision {n}: no approved revision before it to compare with.").format(n=b.latest.revision)
    if row is None:
        return _("Nothing here for {month} {line}.").format(month=month_text(b.month), line=b.product_line)
    if section == "diff":
        said = _("{ref}: {change}, {a} → {b} t").format(
            ref=row["position"],
            change=row["change"],
            a=grouped(row["tonnes_from"], 1),
            b=grouped(row["tonnes_to"], 1),
        )
        if row["tonnes_made"]:
            said += " " + _("({made} t of them made)").format(made=grouped(row["tonnes_made"], 1))
        return f"{said} · {_('Mills')}: {row['mills']}"  # from which mills to which: the column is cut
    if section in ITEMS and item is not None:
        return ITEMS[section](item)
    if section == "positions":
        return _("{ref}: planned {p} t, left out {x} t{why}").format(
            ref=row["position"],
            p=grouped(row["planned"], 1),
            x=grouped(row["left_out"], 1),
            why=f" — {row['why']}" if row["why"] else "",
        )
    return ""


class Detail(Static):
    """``#approval-detail``: the highlighted row described in a sentence or two."""

    def show(self, b: Board | None, section: str, row: dict[str, Any] | None, item: Any) -> None:
        """Describe ``row`` of ``section`` (see :func:`describe`)."""
        self.update(describe(b, section, row, item))
