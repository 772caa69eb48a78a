"""Conflicts over key-account dates, opened and closed at the end of every plan.

A **conflict** (DESIGN.md) is a key-account position that a month's draft leaves short of
its requested month: requested in that month or earlier (or carried over into it from the
closed month before, which makes it due there at the latest), and excluded or planned with
fewer tonnes than are open. :func:`sync_conflicts` runs at the end of the planning unit of
work: it opens one conflict per such position (tonnes short, marginal income at stake =
tonnes short × the position's unit marginal income on its best mill, RUB), updates the
figures of one still unresolved, and closes those no longer short. A position whose later
month was agreed, or which its own sales manager gave up for a replacement, gets no new
conflict for that month. The sales manager hears of each conflict opened on his positions
in the plan's one message to him (:func:`conflict_news`).

Conflicts belong to (month, product line) and sit on its newest planned revision: a plan
of revision 2 carries revision 1's unresolved conflicts over to it, so they block its
approval (``AssignmentReads.open_issues``) until resolved or no longer short.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from millplan.core.domain.assignment import Assignment
from millplan.core.domain.notices import Item
from millplan.core.domain.plant import Plant
from millplan.core.domain.portfolio import Position
from millplan.core.domain.stored_text import Figure, Text, stored
from millplan.core.domain.workflow import (
    Conflict,
    ConflictState,
    EscalationState,
    Outcome,
    RequestKind,
    RequestState,
    key_said,
)
from millplan.core.mail.plan_news import News
from millplan.core.mail.recipients import managers
from millplan.core.planning.attributes import mill_options
from millplan.storage.unit_of_work import UnitOfWork

CONFLICT_KIND = "conflict"
"""Notification kind of a conflict opened on a sales manager's position."""

_WAITING = "replan"
"""Exclusion code of a position let back in and waiting for the next plan: not a shortfall."""
_NOT_CONFLICTS = {_WAITING, "no_compatible_mill"}
"""Exclusions that open no conflict: a position let back in waits for the next plan, and
one no mill can make is a matter for the order itself (its sales manager is told the
limit that fails) — no month, force or escalation would get it made."""


def unit_margin(plant: Plant, position: Position) -> Decimal:
    """RUB/t the position earns on its best mill (price − metal − conversion); with no
    compatible mill, price − metal cost."""
    options, _refusals = mill_options(plant, position)
    return options[0].unit_margin if options else position.price - position.metal_cost


def margin_of(tonnes: float, plant: Plant, position: Position) -> Decimal:
    """RUB earned by ``tonnes`` t of ``position`` on its best mill, to the kopeck."""
    return (Decimal(repr(round(tonnes, 3))) * unit_margin(plant, position)).quantize(Decimal("0.01"))


def sync_conflicts(repo: UnitOfWork, assignment: Assignment, *, login: str) -> list[Conflict]:
    """Bring the conflicts of the assignment's (month, line) in line with this revision;
    return those opened. Called inside the planning unit of work, audited as ``login``."""
    workflow = repo.workflow
    month, line = assignment.month, assignment.product_line
    latest: dict[int, Conflict] = {}
    for conflict in workflow.conflicts(month=month, product_line=line):
        latest[conflict.position_id] = conflict  # oldest first, so the newest stays
    shortfalls = {e.position_id: e for e in assignment.exclusions if e.reason_code not in _NOT_CONFLICTS}
    keys = workflow.key_accounts(shortfalls) if shortfalls else set()
    positions = {p.id: p for p in repo.plant.positions(ids=keys)} if keys else {}
    given_up = {
        r.position_id
        for r in workflow.requests(state=RequestState.GRANTED, month=month, product_lines=[line])
        if r.kind is RequestKind.REPLACE
    }
    due = {pid for pid, p in positions.items() if p.requested_month <= month or pid in assignment.carried_over}
    short = {pid: shortfalls[pid] for pid in due if pid not in given_up}
    plant = repo.plant.whole() if short else None
    where = assignment.key
    new = []
    for pid, exclusion in short.items():
        position = positions[pid]
        tonnes = round(exclusion.tonnes_left_out, 3)
        margin = margin_of(tonnes, plant, position)
        last = latest.get(pid)
        if last is not None and last.state.unresolved:
            changes = {
                field: value
                for field, value, old in (
                    ("tonnes_short", tonnes, last.tonnes_short),
                    ("margin_at_stake", margin, last.margin_at_stake),
                    ("assignment_id", assignment.id, last.assignment_id),
                )
                if value != old
            }
            if changes:
                workflow.update_conflict(
                    last.id,
                    changes,
                    action="updated",
                    login=login,
                    reason=stored("still short after the plan of {key}", key=key_said(where)),
                )
            continue
        if last is not None and last.state is ConflictState.LATER_MONTH:
            continue  # the client agreed to wait; the re-plan changes nothing of that
        reason = stored(
            "{key} leaves {ref} {tonnes} t short of {month}: {why}",
            key=key_said(where),
            ref=position.ref,
            tonnes=Figure(tonnes, 1),
            month=min(position.requested_month, month),
            why=exclusion.said or exclusion.reason,
        )
        new.append((pid, tonnes, margin, reason))
    opened = workflow.raise_conflicts(assignment.id, new, login=login) if new else []
    for pid, conflict in latest.items():
        if conflict.state.unresolved and pid not in short:
            _close(repo, conflict, login, stored("no longer short after the plan of {key}", key=key_said(where)))
    return opened


def _close(repo: UnitOfWork, conflict: Conflict, login: str, why: Text) -> None:
    workflow = repo.workflow
    workflow.update_conflict(
        conflict.id,
        {
            "state": ConflictState.CLOSED.value,
            "resolution": why,
            "resolved_by": login,
            "resolved_at": datetime.now(UTC),
        },
        action="closed",
        login=login,
        reason=why,
    )
    for escalation in workflow.escalations(
        state=EscalationState.OPEN, month=conflict.month, product_line=conflict.product_line
    ):
        if escalation.conflict_id == conflict.id:
            workflow.decide_escalation(escalation.id, Outcome.MOOT.value, login=login, reason=why)


def conflict_news(repo: UnitOfWork, opened: list[Conflict]) -> list[News]:
    """A piece of news for each conflict's sales manager (keyed ``conflict N opened``),
    told with the rest of the plan's news to him (:func:`millplan.core.mail.plan_news.notify_changes`)."""
    if not opened:
        return []
    whose = managers(repo)
    # a position carried over from a closed month is due in the conflict's month at the latest
    requested = {p.id: p.requested_month for p in repo.plant.positions(ids={c.position_id for c in opened})}
    return [
        News(
            login,
            Item(
                c.position_ref,
                CONFLICT_KIND,
                stored(
                    "{customer}: conflict {id} opened, {tonnes} t short of its requested month {requested}; {margin} RUB at stake",
                    customer=c.customer,
                    id=c.id,
                    tonnes=Figure(c.tonnes_short, 1),
                    requested=min(requested[c.position_id], c.month),
                    margin=Figure(c.margin_at_stake),
                ),
                stored("the product-line manager will force it in, agree a later month or escalate it to the director"),
                key=f"conflict {c.id} opened",
            ),
        )
        for c in opened
        if (login := whose.login(c.sales_manager))
    ]
