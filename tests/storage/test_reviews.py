"""The planner's review (agree, object with a reason, the line manager's answer), and the
whole approval cycle with every role — on SQLite (and PostgreSQL where the dialects differ)."""

from __future__ import annotations

import pytest

from millplan.core.domain.assignment import AssignmentState
from millplan.core.domain.errors import ChangedMeanwhile, Forbidden, InvalidInput, NotFound, StateError
from millplan.core.domain.workflow import ConflictState
from millplan.core.workflow import assignments, conflicts, escalations, request_answers, request_raising, reviews
from tests.levers import conflict_plant
from tests.plants import PLAN_MONTH


@pytest.fixture
def drafted(store):
    return store, conflict_plant(store)


def test_the_planner_agrees_or_objects_with_a_reason(drafted):
    store, draft = drafted
    agreed = reviews.agree(store, PLAN_MONTH, "L", login="planner")
    assert (agreed.verdict, agreed.login, agreed.revision, agreed.open) == ("agree", "planner", 1, False)
    with pytest.raises(InvalidInput, match="needs a reason"):
        reviews.object_to(store, "D2#1", PLAN_MONTH, "L", login="planner", reason=" ")
    with pytest.raises(NotFound, match="D4#1 is not in"):
        reviews.object_to(store, "D4#1", PLAN_MONTH, "L", login="planner", reason="pending deal")
    objection = reviews.object_to(
        store, "D2#1", PLAN_MONTH, "L", login="planner", reason="M1 rolls 09Г2С only in week 3"
    )
    assert objection.open and objection.position_ref == "D2#1"
    assert [r.verdict for r in reviews.reviews(store, PLAN_MONTH, "L")] == ["agree", "object"]
    with store.reading() as repo:
        [entry] = repo.audit.audit_entries(objection.key)
    assert (entry.action, entry.login, entry.reason) == ("objected", "planner", "M1 rolls 09Г2С only in week 3")
    assert entry.after["position"] == "D2#1" and entry.after["revision"] == draft.key


@pytest.mark.parametrize("login", ["plm", "ivanov", "director"])
def test_only_the_planner_reviews(drafted, login):
    store, _ = drafted
    with pytest.raises(Forbidden, match="only a production planner may review"):
        reviews.agree(store, PLAN_MONTH, "L", login=login)
    with pytest.raises(Forbidden):
        reviews.object_to(store, "D2#1", PLAN_MONTH, "L", login=login, reason="x")
    assert reviews.reviews(store, PLAN_MONTH, "L") == []


@pytest.mark.both_backends
def test_an_objection_is_answered_by_the_line_manager_once(drafted):
    store, _ = drafted
    objection = reviews.object_to(store, "D2#1", PLAN_MONTH, "L", login="planner", reason="week 3 only")
    with pytest.raises(Forbidden, match="only the product-line manager of L"):
        reviews.answer(store, objection.id, login="planner", reply="fine")
    answered = reviews.answer(store, objection.id, login="plm", reply="M1 can change over in week 2")
    assert not answered.open and answered.answered_by == "plm"
    with pytest.raises(ChangedMeanwhile, match=rf"review {objection.id} was answered by plm at .* — reload"):
        reviews.answer(store, objection.id, login="plm", reply="again")
    agreed = reviews.agree(store, PLAN_MONTH, "L", login="planner")
    with pytest.raises(StateError, match="is an agreement"):
        reviews.answer(store, agreed.id, login="plm", reply="thanks")


def test_approving_over_an_open_objection_needs_a_reason(drafted):
    store, _ = drafted
    [conflict] = conflicts.conflicts(store)
    conflicts.agree_later(store, conflict.id, PLAN_MONTH + 1, login="plm")
    reviews.object_to(store, "D2#1", PLAN_MONTH, "L", login="planner", reason="week 3 only")
    assignments.submit(store, PLAN_MONTH, "L", login="plm")
    with pytest.raises(InvalidInput, match=r"unanswered objections — objection \d+ by Planner to D2#1: week 3 only"):
        assignments.approve(store, PLAN_MONTH, "L", login="plm")
    approved = assignments.approve(store, PLAN_MONTH, "L", login="plm", reason="D2 is not planned anyway")
    assert approved.state is AssignmentState.APPROVED and approved.approval_reason == "D2 is not planned anyway"
    with pytest.raises(StateError, match="approved and frozen"):
        reviews.agree(store, PLAN_MONTH, "L", login="planner")


@pytest.mark.both_backends
def test_the_whole_cycle_with_every_role(drafted):
    store, _ = drafted
    # the draft left a key-account position short: a conflict opened by itself
    [conflict] = conflicts.conflicts(store, unresolved_only=True)
    assignments.submit(store, PLAN_MONTH, "L", login="plm")
    with pytest.raises(StateError, match="open conflicts on D6#1"):
        assignments.approve(store, PLAN_MONTH, "L", login="plm")
    # too big for the line manager: escalated; the director accepts a later month
    escalation = conflicts.escalate(store, conflict.id, login="plm", why="both are key accounts")
    with pytest.raises(StateError, match="1 open escalation"):
        assignments.approve(store, PLAN_MONTH, "L", login="plm")
    escalations.decide(store, escalation.id, login="director", later=PLAN_MONTH + 1, reason="Key Co agreed to wait")
    assert conflicts.conflicts(store)[0].state is ConflictState.LATER_MONTH
    reviews.agree(store, PLAN_MONTH, "L", login="planner")
    approved = assignments.approve(store, PLAN_MONTH, "L", login="plm")
    assert (approved.revision, approved.state) == (1, AssignmentState.APPROVED)
    # a sales manager starts a re-approval round; granted, it opens revision 2 for the director
    round_ = request_raising.request_reapproval(
        store, PLAN_MONTH, "L", login="ivanov", why="D6 must ship this month after all"
    )
    answered = request_answers.grant(store, round_.request.id, login="plm")
    with store.reading() as repo:
        second = repo.assignments.assignment(PLAN_MONTH, "L")
    assert (second.revision, second.state, second.needs_director) == (2, AssignmentState.RE_APPROVAL, True)
    assert answered.escalation.assignment_id == second.id
    assignments.submit(store, PLAN_MONTH, "L", login="plm")
    with pytest.raises(Forbidden, match="only the director may approve"):
        assignments.approve(store, PLAN_MONTH, "L", login="plm")
    with pytest.raises(InvalidInput, match="needs a reason"):
        assignments.approve(store, PLAN_MONTH, "L", login="director")
    final = assignments.approve(store, PLAN_MONTH, "L", login="director", reason="heard ivanov; the plan stands")
    assert (final.revision, final.state, final.approved_by) == (2, AssignmentState.APPROVED, "director")
    [round_escalation] = [e for e in escalations.escalations(store) if e.request_id == round_.request.id]
    assert (round_escalation.state.value, round_escalation.outcome) == ("decided", "round_decided")
    assert round_escalation.decision == f"{PLAN_MONTH} L revision 2 approved by Director: heard ivanov; the plan stands"
    with store.reading() as repo:
        actions = [e.action for e in reversed(repo.audit.audit_entries(f"{PLAN_MONTH}/L/r2"))]
    assert actions == ["reopened", "director_required", "submitted", "refused", "approved"]  # refused: plm's try


@pytest.mark.both_backends
def test_migration_0004_adds_answers_to_stored_reviews_and_back(store_url):
    import sqlalchemy as sa
    from alembic import command

    from millplan.storage import migrate
    from millplan.storage.engine import make_engine

    def run(verb, target):
        config = migrate.alembic_config()
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            getattr(command, verb)(config, target)

    engine = make_engine(store_url)
    run("upgrade", "0003")
    with engine.begin() as connection:
        connection.execute(
            sa.text(
                "INSERT INTO assignments (month, product_line, revision, state, created_at, created_by, version, stale, needs_director) "
                "VALUES ('2027-01', 'L', 1, 'in_review', '2026-11-01 08:00:00+00', 'plm', 1, false, false)"
            )
        )
        connection.execute(
            sa.text(
                "INSERT INTO reviews (assignment_id, login, verdict, reason, at, version) "
                "VALUES (1, 'planner', 'object', 'week 3 only', '2026-11-02 08:00:00+00', 1)"
            )
        )
    run("upgrade", "head")
    with engine.connect() as connection:
        row = connection.execute(sa.text("SELECT verdict, reason, answer, answered_by, answered_at FROM reviews")).one()
    assert tuple(row) == ("object", "week 3 only", None, None, None)
    run("downgrade", "0003")
    with engine.connect() as connection:
        assert connection.execute(sa.text("SELECT reason FROM reviews")).scalar() == "week 3 only"
        assert "answer" not in {c["name"] for c in sa.inspect(connection).get_columns("reviews")}
    engine.dispose()
