"""Sales managers' requests on their own positions, answered by the product-line manager
— on SQLite (and PostgreSQL where the dialects differ). The arithmetic is in tests/levers.py."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest

from millplan.core.domain.errors import ChangedMeanwhile, Forbidden, InvalidInput, NotFound, StateError
from millplan.core.domain.workflow import ConflictState, RequestKind, RequestState
from millplan.core.mail.inbox import inbox
from millplan.core.planning import run as planning
from millplan.core.workflow import escalations, request_answers, request_raising, requests
from millplan.core.workflow.conflicts import conflicts
from tests.levers import FORCE_MARGIN_CHANGE, conflict_plant, tonnes
from tests.plants import PLAN_MONTH, deal, position


@pytest.fixture
def drafted(store):
    return store, conflict_plant(store)


def _position(store, ref):
    deal_number, number = ref.split("#")
    with store.reading() as repo:
        return repo.plant.position(deal_number, int(number))


def test_a_raise_states_the_margin_at_stake_and_what_it_displaces(drafted):
    store, _ = drafted
    raised = request_raising.request_priority(store, "D6#1", raise_=True, login="ivanov", why="the client's line stops")
    request = raised.request
    assert (request.kind, request.state, request.month, request.product_line) == (
        RequestKind.PRIORITY_RAISE,
        RequestState.OPEN,
        PLAN_MONTH,
        "L",
    )
    assert request.margin_at_stake == FORCE_MARGIN_CHANGE
    assert [(s.position_ref, s.tonnes_change) for s in raised.effect.displaced] == [("D1#1", -100)]
    with store.reading() as repo:
        [entry] = repo.audit.audit_entries(request.key)
    assert (entry.action, entry.login, entry.reason) == ("raised", "ivanov", "the client's line stops")
    assert entry.after["margin_at_stake"] == "-500000.00" and entry.after["displaced"] == ["D1#1 -100 t"]
    with pytest.raises(StateError, match=rf"request {request.id} already asks to raise the priority of D6#1"):
        request_raising.request_priority(store, "D6#1", raise_=True, login="ivanov", why="again")


@pytest.mark.parametrize("login", ["petrov", "plm", "director"])
def test_only_the_deals_own_sales_manager_may_ask(drafted, login):
    store, _ = drafted
    with pytest.raises(Forbidden, match=r"only the deal's sales manager \(Иванов А\. С\.\) may ask"):
        request_raising.request_priority(store, "D6#1", raise_=True, login=login, why="mine")
    assert requests.requests(store) == []
    with store.reading() as repo:
        assert repo.audit.audit_entries("D6#1")[0].action == "refused"


def test_a_justification_and_a_planned_month_are_required(drafted):
    store, _ = drafted
    with pytest.raises(InvalidInput, match="justification"):
        request_raising.request_priority(store, "D6#1", raise_=True, login="ivanov", why="  ")
    with pytest.raises(NotFound, match=f"{PLAN_MONTH + 1} has no assignment for product line L yet"):
        request_raising.request_priority(store, "D5#1", raise_=True, login="ivanov", why="due later")


@pytest.mark.both_backends
def test_granting_a_raise_sets_priority_locks_it_in_and_replans(drafted):
    store, draft = drafted
    request = request_raising.request_priority(store, "D6#1", raise_=True, login="ivanov", why="stops").request
    answered = request_answers.grant(store, request.id, login="plm")
    assert answered.request.state is RequestState.GRANTED and answered.request.answered_by == "plm"
    assert _position(store, "D6#1").manual_priority == 1
    assert tonnes(answered.assignment, "D6#1") == 600
    assert all(x.locked for x in answered.assignment.lines if x.position_ref == "D6#1")
    assert answered.assignment.marginal_income == draft.marginal_income + FORCE_MARGIN_CHANGE
    states = {c.position_ref: (c.state, c.resolution) for c in conflicts(store)}
    assert states == {
        "D6#1": (ConflictState.FORCED, f"request {request.id} granted"),
        "D1#1": (ConflictState.OPEN, None),
    }
    with store.reading() as repo:
        [change, *_] = repo.audit.audit_entries("D6#1")
    assert (change.action, change.before, change.after) == (
        "reprioritised",
        {"manual_priority": None},
        {"manual_priority": 1},
    )
    assert change.reason == f"request {request.id}: stops"


def test_a_lower_states_the_margin_of_its_planned_tonnes_and_unlocks_it(drafted):
    store, draft = drafted
    from millplan.core.workflow import assignments

    assignments.set_locked(store, PLAN_MONTH, "L", "D1#1", True, login="plm")
    request = request_raising.request_priority(
        store, "D1#1", raise_=False, login="ivanov", why="client can wait"
    ).request
    assert request.margin_at_stake == sum(x.marginal_income for x in draft.lines if x.position_ref == "D1#1")
    answered = request_answers.grant(store, request.id, login="plm")
    assert _position(store, "D1#1").manual_priority == 3
    assert not any(x.locked for x in answered.assignment.lines)
    with pytest.raises(StateError, match="D3#1 has no tonnes .* nothing to lower"):
        request_raising.request_priority(store, "D3#1", raise_=False, login="ivanov", why="x")


def test_a_replacement_excludes_one_locks_the_other_and_opens_no_conflict_for_the_one_given_up(drafted):
    store, draft = drafted
    raised = request_raising.request_replacement(store, "D6#1", "D3#1", login="ivanov", why="D3 pays cash")
    assert raised.request.replacement_ref == "D3#1"
    answered = request_answers.grant(store, raised.request.id, login="plm")
    after = answered.assignment
    assert raised.request.margin_at_stake == after.marginal_income - draft.marginal_income
    assert tonnes(after, "D6#1") == 0 and tonnes(after, "D3#1") == 100
    [gone] = [e for e in after.exclusions if e.position_ref == "D6#1"]
    assert gone.manual and f"request {raised.request.id}" in gone.reason
    assert [c.state for c in conflicts(store) if c.position_ref == "D6#1"] == [ConflictState.CLOSED]
    planning.plan(store, PLAN_MONTH, login="plm", first_horizon=1)  # the exclusion and the lock carry over
    again = planning.latest(store, PLAN_MONTH, "L")
    assert tonnes(again, "D6#1") == 0 and tonnes(again, "D3#1") == 100
    assert conflicts(store, unresolved_only=True) == []


def test_a_replacement_must_be_the_same_managers_and_a_different_position(drafted):
    store, _ = drafted
    with store.unit_of_work() as repo:
        repo.plant.upsert_portfolio(
            {},
            [deal("P1", "Other Co", sales_manager="Петров П. П.")],
            [position("P1", 1, "20", 50, 60_000)],
            "test",
            "fixture",
        )
    with pytest.raises(Forbidden, match=r"Петров П\. П\."):
        request_raising.request_replacement(store, "D6#1", "P1#1", login="ivanov", why="x")
    with pytest.raises(InvalidInput, match="cannot replace itself"):
        request_raising.request_replacement(store, "D6#1", "D6#1", login="ivanov", why="x")


def test_refusal_needs_a_reason_and_is_recorded(drafted):
    store, _ = drafted
    request = request_raising.request_priority(store, "D6#1", raise_=True, login="ivanov", why="stops").request
    with pytest.raises(InvalidInput, match="needs a reason"):
        request_answers.refuse(store, request.id, login="plm", reason="")
    refused = request_answers.refuse(store, request.id, login="plm", reason="D1 pays more").request
    assert (refused.state, refused.answer, refused.answered_by) == (RequestState.REFUSED, "D1 pays more", "plm")
    assert _position(store, "D6#1").manual_priority is None
    with pytest.raises(ChangedMeanwhile, match=rf"request {request.id} is refused: changed by plm at .* — reload"):
        request_answers.grant(store, request.id, login="plm")


@pytest.mark.parametrize("login", ["ivanov", "planner", "admin"])
def test_only_the_line_manager_or_director_answers(drafted, login):
    store, _ = drafted
    request = request_raising.request_priority(store, "D6#1", raise_=True, login="ivanov", why="stops").request
    with pytest.raises(Forbidden, match="only the product-line manager of L or the director may answer"):
        request_answers.grant(store, request.id, login=login)
    with pytest.raises(Forbidden):
        request_answers.refuse(store, request.id, login=login, reason="no")
    assert requests.requests(store)[0].state is RequestState.OPEN


def test_an_answer_on_a_stale_read_is_refused(drafted):
    store, _ = drafted
    request = request_raising.request_priority(store, "D6#1", raise_=True, login="ivanov", why="stops").request
    request_answers.refuse(store, request.id, login="director", reason="no room")
    with pytest.raises(ChangedMeanwhile, match="changed by director"):
        request_answers.refuse(store, request.id, login="plm", reason="no", seen_version=request.version)


@pytest.mark.both_backends
def test_two_people_answering_at_once_one_wins(drafted):
    store, _ = drafted
    request = request_raising.request_priority(store, "D6#1", raise_=True, login="ivanov", why="stops").request
    start = threading.Barrier(2)
    outcomes: dict[str, object] = {}

    def answer(login, action):
        start.wait()
        try:
            outcomes[login] = action()
        except ChangedMeanwhile as exc:
            outcomes[login] = exc

    threads = [
        threading.Thread(target=answer, args=("plm", lambda: request_answers.grant(store, request.id, login="plm"))),
        threading.Thread(
            target=answer,
            args=("director", lambda: request_answers.refuse(store, request.id, login="director", reason="no")),
        ),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    won = [who for who, o in outcomes.items() if isinstance(o, request_answers.Answered)]
    lost = [o for o in outcomes.values() if isinstance(o, ChangedMeanwhile)]
    assert len(won) == 1 and len(lost) == 1
    assert "reload" in str(lost[0])
    final = requests.requests(store)[0]
    assert final.answered_by == won[0] and final.version == request.version + 1
    with store.reading() as repo:
        assert [e.action for e in repo.audit.audit_entries(request.key)] in (
            ["granted", "raised"],
            ["refused", "raised"],
        )


@pytest.mark.both_backends
def test_a_reapproval_round_pulls_the_director_in(drafted):
    store, draft = drafted
    raised = request_raising.request_reapproval(store, PLAN_MONTH, "L", login="ivanov", why="prices changed")
    assert raised.request.kind is RequestKind.REAPPROVAL and raised.request.position_ref is None
    assert raised.request.margin_at_stake == draft.marginal_income  # ivanov sells every deal
    with pytest.raises(Forbidden):
        request_raising.request_reapproval(store, PLAN_MONTH, "L", login="petrov", why="me too")
    answered = request_answers.grant(store, raised.request.id, login="plm")
    assert answered.escalation.request_id == raised.request.id and answered.assignment is None
    with store.reading() as repo:
        latest = repo.assignments.assignment(PLAN_MONTH, "L")
        issues = repo.assignments.open_issues(latest)
    assert latest.needs_director and issues == (["D6#1"], 1)
    assert (
        escalations.escalations(store, open_only=True)[-1].subject == f"re-approval round, request {raised.request.id}"
    )
    with pytest.raises(InvalidInput, match="reason only"):
        escalations.decide(store, answered.escalation.id, login="director", force=True, reason="ok")
    decided = escalations.decide(store, answered.escalation.id, login="director", reason="heard; I approve it myself")
    assert decided.escalation.outcome == "round_decided"


@pytest.mark.both_backends
def test_requests_mine_lists_a_managers_own_and_a_line_managers_lines(drafted):
    store, _ = drafted
    request = request_raising.request_priority(store, "D6#1", raise_=True, login="ivanov", why="stops").request
    assert [r.id for r in requests.mine(store, "ivanov")] == [request.id]
    assert [r.id for r in requests.mine(store, "plm")] == [request.id]
    assert requests.mine(store, "petrov") == []
    assert requests.describe(request) == "raise the priority of D6#1"
    assert isinstance(request.margin_at_stake, Decimal)


def test_the_sales_manager_is_notified_once_of_each_answer(drafted):
    store, _ = drafted
    before = {n.id for n in inbox(store, "ivanov")}  # the conflict the plan opened
    first = request_raising.request_priority(store, "D6#1", raise_=True, login="ivanov", why="stops").request
    second = request_raising.request_priority(store, "D1#1", raise_=False, login="ivanov", why="can wait").request
    request_answers.grant(store, first.id, login="plm")
    request_answers.refuse(store, second.id, login="plm", reason="D1 pays best")
    with pytest.raises(ChangedMeanwhile):
        request_answers.refuse(store, first.id, login="plm", reason="changed my mind")
    news = [n for n in inbox(store, "ivanov") if n.id not in before and n.kind == "request_answered"]
    assert [(n.object_key, n.subject) for n in reversed(news)] == [
        (first.key, f"Request {first.id} granted: raise the priority of D6#1"),
        (second.key, f"Request {second.id} refused: lower the priority of D1#1"),
    ]
    assert "D1 pays best" in news[0].body


def test_the_sales_manager_withdraws_his_open_request_only(drafted):
    store, _ = drafted
    request = request_raising.request_priority(store, "D6#1", raise_=True, login="ivanov", why="stops").request
    for login in ("petrov", "plm"):
        with pytest.raises(Forbidden, match="may withdraw a request"):
            request_answers.withdraw(store, request.id, login=login)
    withdrawn = request_answers.withdraw(store, request.id, login="ivanov")
    assert (withdrawn.state, withdrawn.answered_by) == (RequestState.WITHDRAWN, "ivanov")
    with pytest.raises(ChangedMeanwhile, match="is withdrawn: changed by ivanov"):
        request_answers.grant(store, request.id, login="plm")
    round_ = request_raising.request_reapproval(store, PLAN_MONTH, "L", login="ivanov", why="prices").request
    with pytest.raises(Forbidden):
        request_answers.withdraw(store, round_.id, login="petrov")
    assert request_answers.withdraw(store, round_.id, login="ivanov").state is RequestState.WITHDRAWN


def test_whoever_must_act_is_told_once(store):
    # the line manager of a raised request and of an objection, the director of an
    # escalation, the planners of a submitted revision — each once per event
    from millplan.core.mail.inbox import inbox
    from millplan.core.workflow import assignments, conflicts, request_raising, reviews
    from tests.levers import conflict_plant
    from tests.plants import PLAN_MONTH

    conflict_plant(store)
    request_raising.request_priority(store, "D6#1", raise_=True, login="ivanov", why="client's line stops")
    reviews.object_to(store, "D1#1", PLAN_MONTH, "L", login="planner", reason="mill idle")
    [conflict] = conflicts.conflicts(store)
    conflicts.escalate(store, conflict.id, login="plm", why="two key accounts, one mill")
    assignments.submit(store, PLAN_MONTH, "L", login="plm")
    kinds = {login: sorted(n.kind for n in inbox(store, login)) for login in ("plm", "director", "planner", "petrov")}
    assert kinds == {
        "plm": ["objection", "request_raised"],
        "director": ["escalation"],
        "planner": ["to_review"],
        "petrov": [],
    }
