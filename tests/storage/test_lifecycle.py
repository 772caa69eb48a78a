"""The assignment's life cycle with roles: draft → in review → approved, re-approval after a
change, conflicts and escalations blocking approval, stale drafts — on SQLite (and PostgreSQL where the dialects differ)."""

from __future__ import annotations

from decimal import Decimal

import openpyxl
import pytest

from millplan.core.domain.assignment import AssignmentState
from millplan.core.domain.errors import Forbidden, InvalidInput, NotFound, StateError
from millplan.core.domain.people import Role, User
from millplan.core.importing.mills import import_mills
from millplan.core.importing.portfolio import import_portfolio
from millplan.core.mail.inbox import inbox
from millplan.core.planning import capacity
from millplan.core.planning import run as planning
from millplan.core.workflow import assignments
from millplan.storage.tables import AssignmentRow, ConflictRow, EscalationRow, RequestRow
from tests.plants import PLAN_MONTH, staff, tiny_plant

KEY = f"{PLAN_MONTH}/L/r1"


@pytest.fixture
def drafted(store):
    tiny_plant(store)
    staff(store)
    planning.plan(store, PLAN_MONTH, login="plm", first_horizon=1)
    return store


def _actions(store, key=KEY):
    with store.unit_of_work() as repo:
        return [e.action for e in reversed(repo.audit.audit_entries(key))]


@pytest.mark.both_backends
def test_the_line_manager_submits_then_approves(drafted):
    submitted = assignments.submit(drafted, PLAN_MONTH, "L", login="plm")
    assert submitted.state is AssignmentState.IN_REVIEW and submitted.submitted_by == "plm"
    with pytest.raises(StateError, match="already in review"):
        assignments.submit(drafted, PLAN_MONTH, "L", login="plm")
    approved = assignments.approve(drafted, PLAN_MONTH, "L", login="plm")
    assert approved.state is AssignmentState.APPROVED and approved.approved_by == "plm"
    assert _actions(drafted) == ["drafted", "submitted", "approved"]


@pytest.mark.parametrize(
    ("login", "act", "who_may"),
    [
        (
            "ivanov",
            lambda s: planning.plan(s, PLAN_MONTH, login="ivanov", product_line="L", first_horizon=1),
            "the product-line manager of L",
        ),
        (
            "planner",
            lambda s: assignments.set_locked(s, PLAN_MONTH, "L", "D1#1", True, login="planner"),
            "the product-line manager of L",
        ),
        (
            "director",
            lambda s: assignments.submit(s, PLAN_MONTH, "L", login="director"),
            "the product-line manager of L",
        ),
        (
            "stranger",
            lambda s: assignments.set_excluded(s, PLAN_MONTH, "L", "D2#1", True, login="stranger", reason="x"),
            "the product-line manager of L",
        ),
        (
            "ivanov",
            lambda s: capacity.set_hours(s, "M1", PLAN_MONTH, 50, login="ivanov", reason="x"),
            "a production planner",
        ),
    ],
)
def test_other_roles_are_refused_and_the_refusal_is_audited(drafted, login, act, who_may):
    with drafted.unit_of_work() as repo:
        before = repo.assignments.assignment(PLAN_MONTH, "L")
    with pytest.raises(Forbidden, match=f"only {who_may}") as caught:
        act(drafted)
    assert caught.value.login == login  # the refusal says his name (see test_roles), the audit his login
    with drafted.unit_of_work() as repo:
        after = repo.assignments.assignment(PLAN_MONTH, "L")
        [refusal] = [e for e in repo.audit.audit_entries() if e.action == "refused"]
    assert (after.version, after.lines) == (before.version, before.lines)  # nothing changed
    assert refusal.login == login and refusal.reason == str(caught.value)


def test_the_planner_may_not_approve_and_the_line_manager_of_another_line_neither(drafted):
    assignments.submit(drafted, PLAN_MONTH, "L", login="plm")
    with pytest.raises(Forbidden, match="only the product-line manager of L or the director may approve"):
        assignments.approve(drafted, PLAN_MONTH, "L", login="planner")
    with drafted.unit_of_work() as repo:
        repo.users.save_user(User("other", "Other PLM", Role.LINE_MANAGER, ("N",)), by="admin")
    with pytest.raises(Forbidden, match="Other PLM is a product-line manager of N"):
        assignments.approve(drafted, PLAN_MONTH, "L", login="other")
    assert assignments.approve(drafted, PLAN_MONTH, "L", login="director").approved_by == "director"


@pytest.mark.both_backends
def test_a_change_after_approval_opens_a_re_approval_while_the_approved_stays_in_force(drafted):
    assignments.submit(drafted, PLAN_MONTH, "L", login="plm")
    approved = assignments.approve(drafted, PLAN_MONTH, "L", login="plm")
    changed = assignments.set_locked(drafted, PLAN_MONTH, "L", "D1#1", True, login="plm")
    assert (changed.revision, changed.state) == (2, AssignmentState.RE_APPROVAL)
    assert {(l.position_ref, l.mill_code, l.tonnes) for l in changed.lines} == {
        (l.position_ref, l.mill_code, l.tonnes) for l in approved.lines
    }
    assert all(l.locked for l in changed.lines if l.position_ref == "D1#1")
    with drafted.unit_of_work() as repo:
        first = repo.assignments.assignment(PLAN_MONTH, "L", 1)
        [in_force] = repo.assignments.assignments_in_force([PLAN_MONTH])
    assert first.state is AssignmentState.APPROVED and first.version == approved.version
    assert not any(l.locked for l in first.lines)  # never edited in place
    assert in_force.revision == 1
    with pytest.raises(StateError, match="submit it for review first"):
        assignments.approve(drafted, PLAN_MONTH, "L", login="plm")
    # the re-approval draft is re-planned in place
    [replanned] = planning.plan(drafted, PLAN_MONTH, login="plm", first_horizon=1)
    assert (replanned.assignment.revision, replanned.assignment.state) == (2, AssignmentState.RE_APPROVAL)
    assignments.submit(drafted, PLAN_MONTH, "L", login="plm")
    assignments.approve(drafted, PLAN_MONTH, "L", login="plm")
    with drafted.unit_of_work() as repo:
        [in_force] = repo.assignments.assignments_in_force([PLAN_MONTH])
        assert [state for _, state in repo.assignments.revisions(PLAN_MONTH, "L")] == [AssignmentState.APPROVED] * 2
    assert in_force.revision == 2
    assert _actions(drafted, f"{PLAN_MONTH}/L/r2") == ["reopened", "locked", "replanned", "submitted", "approved"]


def test_a_re_plan_after_approval_that_changes_nothing_opens_no_revision(drafted):
    assignments.submit(drafted, PLAN_MONTH, "L", login="plm")
    approved = assignments.approve(drafted, PLAN_MONTH, "L", login="plm")
    [same] = planning.plan(drafted, PLAN_MONTH, login="plm", first_horizon=1)
    assert (same.assignment.revision, same.assignment.state) == (1, AssignmentState.APPROVED)
    assert "nothing changed against approved revision 1" in " ".join(same.notes)
    with drafted.unit_of_work() as repo:
        assert [state for _, state in repo.assignments.revisions(PLAN_MONTH, "L")] == [AssignmentState.APPROVED]
        assert repo.assignments.assignment(PLAN_MONTH, "L", 1).version == approved.version
    capacity.set_hours(drafted, "M1", PLAN_MONTH, 50, login="planner", reason="maintenance")
    [changed] = planning.plan(drafted, PLAN_MONTH, login="plm", first_horizon=1)  # fewer hours: a real change
    assert (changed.assignment.revision, changed.assignment.state) == (2, AssignmentState.RE_APPROVAL)


def test_an_edit_in_review_sends_the_revision_back_to_editing(drafted):
    assignments.submit(drafted, PLAN_MONTH, "L", login="plm")
    edited = assignments.set_excluded(drafted, PLAN_MONTH, "L", "D2#1", True, login="plm", reason="client waits")
    assert edited.state is AssignmentState.DRAFT and edited.submitted_by is None


def _open_conflict(store, ref="D2#1"):
    with store.unit_of_work() as repo:
        draft = repo.assignments.assignment(PLAN_MONTH, "L")
        deal, number = ref.split("#")
        position = repo.plant.position(deal, int(number))
        row = ConflictRow(
            assignment_id=draft.id, position_id=position.id, tonnes_short=100.0, margin_at_stake=Decimal("4900000")
        )
        repo.session.add(row)
        repo.session.flush()
        return row.id


def test_open_conflicts_block_approval_except_by_the_director_with_a_reason(drafted):
    _open_conflict(drafted)
    assignments.submit(drafted, PLAN_MONTH, "L", login="plm")
    with pytest.raises(
        StateError, match="open conflicts on D2#1: resolve them first — only the director may approve over them"
    ):
        assignments.approve(drafted, PLAN_MONTH, "L", login="plm")
    with pytest.raises(InvalidInput, match="needs a reason"):
        assignments.approve(drafted, PLAN_MONTH, "L", login="director")
    approved = assignments.approve(drafted, PLAN_MONTH, "L", login="director", reason="the client agreed by phone")
    assert approved.state is AssignmentState.APPROVED and approved.approval_reason == "the client agreed by phone"
    with drafted.unit_of_work() as repo:
        assert repo.audit.audit_entries(KEY, 1)[0].reason == "the client agreed by phone"


def test_open_escalations_block_approval_through_a_conflict_or_a_request(drafted):
    conflict_id = _open_conflict(drafted)
    with drafted.unit_of_work() as repo:
        repo.session.exec(ConflictRow.__table__.update().values(state="escalated"))
        repo.session.add(EscalationRow(conflict_id=conflict_id, raised_by="plm", reason="key client"))
    assignments.submit(drafted, PLAN_MONTH, "L", login="plm")
    with pytest.raises(StateError, match="1 open escalation"):
        assignments.approve(drafted, PLAN_MONTH, "L", login="plm")
    with drafted.unit_of_work() as repo:
        repo.session.exec(EscalationRow.__table__.update().values(state="decided"))
        request = RequestRow(
            kind="reapproval", month=str(PLAN_MONTH), product_line="L", requested_by="ivanov", justification="x"
        )
        repo.session.add(request)
        repo.session.flush()
        repo.session.add(EscalationRow(request_id=request.id, raised_by="ivanov", reason="re-approval"))
    with pytest.raises(StateError, match="1 open escalation"):
        assignments.approve(drafted, PLAN_MONTH, "L", login="plm")


@pytest.mark.both_backends
def test_a_re_approval_round_with_the_director_needs_his_approval(drafted):
    assignments.submit(drafted, PLAN_MONTH, "L", login="plm")
    with drafted.unit_of_work() as repo:
        repo.session.exec(AssignmentRow.__table__.update().values(needs_director=True))
    with pytest.raises(
        Forbidden, match="only the director may approve an assignment whose re-approval round involves the director"
    ):
        assignments.approve(drafted, PLAN_MONTH, "L", login="plm")
    assert assignments.approve(drafted, PLAN_MONTH, "L", login="director").state is AssignmentState.APPROVED


@pytest.mark.both_backends
def test_the_planner_changes_hours_and_the_draft_is_stale_until_re_planned(drafted):
    assignments.submit(drafted, PLAN_MONTH, "L", login="plm")
    change = capacity.set_hours(drafted, "M1", PLAN_MONTH, 50, login="planner", reason="roll change")
    assert (change.before, change.after) == (100, 50)
    [stale] = change.stale
    assert stale.stale and stale.state is AssignmentState.DRAFT  # back from review
    assert "M1 hours in" in stale.stale_reason and "by Planner (roll change)" in stale.stale_reason
    with pytest.raises(StateError, match="is stale — M1 hours"):
        assignments.submit(drafted, PLAN_MONTH, "L", login="plm")
    [outcome] = planning.plan(drafted, PLAN_MONTH, login="plm", first_horizon=1)
    assert not outcome.assignment.stale
    assert outcome.assignment.mill_hours["M1"] == 50
    assignments.submit(drafted, PLAN_MONTH, "L", login="plm")
    assert assignments.approve(drafted, PLAN_MONTH, "L", login="plm").state is AssignmentState.APPROVED
    later = capacity.set_hours(drafted, "M1", PLAN_MONTH, 60, login="planner", reason="shorter stop")
    assert later.stale == ()  # an approved revision stays in force; a re-plan opens the next


def test_capacity_changes_are_checked(drafted):
    with pytest.raises(InvalidInput, match="needs a reason"):
        capacity.set_hours(drafted, "M1", PLAN_MONTH, 50, login="planner", reason=" ")
    with pytest.raises(InvalidInput, match="cannot be negative"):
        capacity.set_hours(drafted, "M1", PLAN_MONTH, -1, login="planner", reason="x")
    with pytest.raises(NotFound, match="mill M9 is not in the register"):
        capacity.set_hours(drafted, "M9", PLAN_MONTH, 5, login="planner", reason="x")


def test_sales_managers_hear_of_each_draft_edit_and_approval_exactly_once(drafted):
    def heard():
        return [(n.kind, n.subject) for n in reversed(inbox(drafted, "ivanov"))]

    where = f"{PLAN_MONTH} L"
    first = heard()  # the first draft: D2#1 cut to 500 t, D3#1 and D3#2 left out — one message
    assert first == [("assignment_changed", f"3 of your positions left out, cut or moved — {where} draft r1, proposed")]
    planning.plan(drafted, PLAN_MONTH, login="plm", first_horizon=1)  # the same draft again: nothing new
    assignments.submit(drafted, PLAN_MONTH, "L", login="plm")
    assignments.approve(drafted, PLAN_MONTH, "L", login="plm")
    assert heard()[len(first) :] == [("approved", f"The {where} assignment is approved (revision 1): final")]
    [approval] = [n for n in inbox(drafted, "ivanov") if n.kind == "approved"]
    assert "• D1#1 Key Co: 700.0 t planned." in approval.body
    assert "• D2#1 Other Co: 500.0 t planned, 100.0 t left out (final). Reason: " in approval.body
    assert [(i.ref, i.kind) for i in approval.items] == [
        ("D1#1", "planned"),
        ("D2#1", "planned"),
        ("D3#1", "left_out"),
        ("D3#2", "left_out"),
    ]
    assignments.set_excluded(drafted, PLAN_MONTH, "L", "D2#1", True, login="plm", reason="client waits")
    planning.plan(drafted, PLAN_MONTH, login="plm", first_horizon=1)
    [(kind, subject)] = heard()[len(first) + 1 :]
    assert (
        kind == "position_removed"
        and subject.startswith("D2#1 Other Co: left out")
        and subject.endswith(f"{where} draft r2, proposed")
    )


def test_a_mill_register_import_with_other_hours_marks_the_draft_stale(sqlite_store, shared_data, tmp_path):
    workbook = openpyxl.load_workbook(shared_data / "mills.xlsx")
    calendar = workbook["Фонд времени"]
    for i, cell in enumerate(calendar[1][1:]):  # the calendar starts with the plan month, whatever today is
        cell.value = (PLAN_MONTH + i).first_day
    assert calendar["A2"].value == "ЛДП-1420"
    original = tmp_path / "mills.xlsx"
    workbook.save(original)
    import_mills(sqlite_store, original, login="plm")
    import_portfolio(sqlite_store, shared_data / "portfolio-2026-12.xlsx", login="plm")
    with sqlite_store.unit_of_work() as repo:
        line = repo.plant.whole().mill("ЛДП-1420").product_line
    planning.plan(sqlite_store, PLAN_MONTH, login="plm", product_line=line, first_horizon=1)
    calendar["B2"].value = calendar["B2"].value - 120  # a maintenance stop
    changed = tmp_path / "mills-maintenance.xlsx"
    workbook.save(changed)
    import_mills(sqlite_store, changed, login="planner")
    draft = planning.latest(sqlite_store, PLAN_MONTH, line)
    assert draft.stale
    assert (
        draft.stale_reason
        == f"ЛДП-1420 hours in {PLAN_MONTH} changed from 620 h to 500 h by planner (import mills-maintenance.xlsx)"
    )
