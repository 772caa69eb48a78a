"""Which actions core offers each role on line L, for each state of its latest revision
(:func:`millplan.core.access.actions.available`), with actors built by hand: no store."""

from __future__ import annotations

import pytest

from millplan.core.access.actions import available
from millplan.core.access.permissions import Action, Actor
from millplan.core.domain.assignment import AssignmentState
from millplan.core.domain.people import Role

A = Action
S = AssignmentState

ACTORS = {
    "sales manager": Actor("ivanov", "Иванов", Role.SALES_MANAGER),
    "line manager of L": Actor("plm", "Петров", Role.LINE_MANAGER, ("L",)),
    "line manager of K": Actor("klm", "Котов", Role.LINE_MANAGER, ("K",)),
    "planner": Actor("planner", "Плотников", Role.PLANNER),
    "director": Actor("director", "Директоров", Role.DIRECTOR),
    "admin": Actor("admin", "Админов", Role.ADMIN),
    "read-only": Actor("xman", "xman", None),
}

WHATEVER_THE_STATE = {
    "sales manager": {A.REQUEST, A.WITHDRAW_REQUEST},
    "line manager of L": {
        A.IMPORT_MILLS,
        A.IMPORT_PORTFOLIO,
        A.DECIDE_DEAL,
        A.PLAN,
        A.EDIT_ASSIGNMENT,
        A.ANSWER_REQUEST,
        A.RESOLVE_CONFLICT,
        A.ESCALATE,
        A.CLOSE_MONTH,
        A.DISPOSE_STALE,
        A.SET_STALE_LIMITS,
    },
    "line manager of K": {A.IMPORT_MILLS, A.IMPORT_PORTFOLIO, A.SET_STALE_LIMITS},
    "planner": {A.IMPORT_MILLS, A.IMPORT_ACTUALS, A.SET_CAPACITY, A.CLOSE_MONTH},
    "director": {A.DECIDE_DEAL, A.ANSWER_REQUEST, A.DECIDE_ESCALATION},
    "admin": {
        A.IMPORT_MILLS,
        A.IMPORT_PORTFOLIO,
        A.IMPORT_ACTUALS,
        A.MANAGE_USERS,
        A.ACT_AS,
        A.RESTORE_DATABASE,
        A.SET_STALE_LIMITS,
        A.SET_TIME_ZONE,
    },
    "read-only": set(),
}
"""Each role's actions on line L that do not depend on its revision's state."""

BY_STATE = {
    None: {},
    S.DRAFT: {"line manager of L": {A.SUBMIT}, "planner": {A.REVIEW}},
    S.RE_APPROVAL: {"line manager of L": {A.SUBMIT}, "planner": {A.REVIEW}},
    S.IN_REVIEW: {
        "line manager of L": {A.APPROVE},
        "planner": {A.REVIEW},
        "director": {A.APPROVE, A.APPROVE_OVER_OPEN, A.APPROVE_DIRECTOR_CHAIN},
    },
    S.APPROVED: {},
}
"""What each state adds on top: submit an editable revision, approve one in review, review
any but an approved one."""


@pytest.mark.parametrize("state", list(BY_STATE), ids=lambda s: s.value if s else "not planned")
@pytest.mark.parametrize("role", list(ACTORS))
def test_each_role_is_offered_its_actions_in_each_state(role, state):
    expected = WHATEVER_THE_STATE[role] | BY_STATE[state].get(role, set())
    assert available(ACTORS[role], "L", state) == expected


@pytest.mark.parametrize("state", list(BY_STATE), ids=lambda s: s.value if s else "not planned")
def test_an_open_store_offers_everything_the_state_takes(state):
    everyone = Actor("anyone", "anyone", None, open_store=True)
    on_revision = {A.SUBMIT, A.APPROVE, A.APPROVE_OVER_OPEN, A.APPROVE_DIRECTOR_CHAIN, A.REVIEW}
    expected = set(Action) - on_revision | {a for role in BY_STATE[state].values() for a in role}
    assert available(everyone, "L", state) == expected
