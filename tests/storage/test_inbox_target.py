"""Where a notification leads (core.views.inbox.target), on the conflict plant of
tests/levers.py: D6#1 short, its conflict escalated; ivanov's plan news lists his positions."""

from __future__ import annotations

import pytest

from millplan.core.domain.errors import NotFound
from millplan.core.domain.notices import About
from millplan.core.mail.inbox import inbox
from millplan.core.views.inbox import Target, inbox_view, target
from millplan.core.workflow import conflicts
from tests.levers import conflict_plant
from tests.plants import PLAN_MONTH


def test_workflow_items_lead_to_their_row_in_the_approval_pane(sqlite_store):
    conflict_plant(sqlite_store)
    [conflict] = conflicts.conflicts(sqlite_store)
    escalation = conflicts.escalate(sqlite_store, conflict.id, login="plm", why="both are key")
    assert target(sqlite_store, About.parse(conflict.key)) == Target(
        "approval", PLAN_MONTH, "L", "conflicts", str(conflict.id)
    )
    assert target(sqlite_store, About.parse(escalation.key)) == Target(
        "approval", PLAN_MONTH, "L", "escalations", str(escalation.id)
    )
    with pytest.raises(NotFound):
        target(sqlite_store, About("request", id=999))


def test_a_revision_leads_to_its_first_position_or_to_the_approval_pane(sqlite_store):
    draft = conflict_plant(sqlite_store)
    [news] = [n for n in inbox(sqlite_store, "ivanov") if n.object_key == draft.key]
    [row] = inbox_view([news]).rows
    assert row["refs"] == tuple(i.ref for i in news.items) and "D6#1" in row["refs"]
    first = row["refs"][0]
    assert target(sqlite_store, news.about, row["refs"]) == Target("assignment", PLAN_MONTH, "L", ref=first)
    assert target(sqlite_store, news.about) == Target("approval", PLAN_MONTH, "L", "diff")
    assert target(sqlite_store, About.parse(f"{PLAN_MONTH} L")) == Target("assignment", PLAN_MONTH, "L")
    assert target(sqlite_store, About.parse("D6#1")) == Target("deals", ref="D6")
    assert target(sqlite_store, About.parse("D6")) == Target("deals", ref="D6")
