"""The audit history as people read it (:func:`millplan.core.views.history.history`), on SQLite (and PostgreSQL where
the dialects differ): a position's history holds the revisions' edits of it; ids read as names,
logins as users' names, times in the plant's zone."""

from __future__ import annotations

from datetime import timedelta

import pytest

from millplan.core.domain.errors import InvalidInput, NotFound
from millplan.core.domain.months import month_text
from millplan.core.mail.recipients import person
from millplan.core.planning import capacity
from millplan.core.planning import run as planning
from millplan.core.views import history as audit
from millplan.core.views.tables import cell_text
from millplan.core.workflow import assignments, deals
from millplan.core.workflow import month_options as plan_options
from tests.plants import PLAN_MONTH, replanned_plant, staff, tiny_plant

REVISION = f"{PLAN_MONTH}/L/r1"


@pytest.fixture
def edited(store):
    """The tiny plant planned by ``plm``; D1#1 locked, excluded with a reason, made
    mandatory; D2#1 locked (another position's edit); deal D4 accepted."""
    tiny_plant(store)
    staff(store)
    planning.plan(store, PLAN_MONTH, login="plm", first_horizon=1)
    assignments.set_locked(store, PLAN_MONTH, "L", "D1#1", True, login="plm")
    assignments.set_excluded(store, PLAN_MONTH, "L", "D1#1", True, login="plm", reason="client waits")
    plan_options.set_mandatory(store, PLAN_MONTH, "L", "D1#1", True, login="plm")
    assignments.set_locked(store, PLAN_MONTH, "L", "D2#1", True, login="plm")
    deals.accept(store, "D4", login="plm")
    return store


@pytest.mark.both_backends
def test_a_positions_history_holds_each_revisions_edits_of_it_newest_first(edited):
    rows = audit.history(edited, "D1#1")
    assert [(r.entry.action, r.entry.object_key) for r in rows] == [
        ("made mandatory", REVISION),
        ("excluded", REVISION),
        ("locked", REVISION),
        ("created", "D1#1"),
    ]
    # what each edit held the position to (all 700 t of D1#1, on M1 and M2); the unchanged state is not repeated
    assert rows[0].change == f"position: D1#1; month: {PLAN_MONTH}; tonnes: 700 t"
    assert rows[1].change == "client waits · position: D1#1; left out: 700 t"
    assert rows[2].change == f"position: D1#1; mill: M1, M2; month: {PLAN_MONTH}; tonnes: 700 t"
    assert [r.entry.action for r in audit.history(edited, "D2#1")] == ["locked", "created"]
    assert audit.history(edited, REVISION, limit=2)[0].entry.action == "locked"  # D2#1's, the newest


def test_a_month_lock_names_its_mill_month_and_tonnes_and_its_release_what_it_released(edited):
    later = PLAN_MONTH + 1
    plan_options.set_month_lock(edited, PLAN_MONTH, "L", "D2#1", login="plm", mill="M2", lock_month=later, tonnes=40)
    plan_options.set_month_lock(edited, PLAN_MONTH, "L", "D2#1", login="plm", mill="M1", lock_month=PLAN_MONTH)
    plan_options.set_month_lock(edited, PLAN_MONTH, "L", "D2#1", login="plm")
    released, whole, part = audit.history(edited, "D2#1", limit=3)
    assert part.change == f"position: D2#1; mill: M2; month: {later}; tonnes: 40 t"
    assert whole.change == f"position: D2#1; mill: M1; month: {PLAN_MONTH}; tonnes: 600 t"  # all it has left
    assert released.entry.action == "month lock released"
    assert released.change == f"position: D2#1; mill: M1, M2; month: {PLAN_MONTH}, {later}"


def test_states_read_as_people_say_them_and_a_flag_changes_only_when_it_does(store):
    tiny_plant(store)
    staff(store)
    planning.plan(store, PLAN_MONTH, login="plm", first_horizon=1)
    capacity.set_hours(store, "M1", PLAN_MONTH, 50, login="planner", reason="repair")  # marks the draft stale
    planning.plan(store, PLAN_MONTH, login="plm", first_horizon=1)
    planning.plan(store, PLAN_MONTH, login="plm", first_horizon=1)
    assignments.submit(store, PLAN_MONTH, "L", login="plm")
    assignments.approve(store, PLAN_MONTH, "L", login="plm")
    approved, submitted, unchanged, cleared, marked, drafted = audit.history(store, REVISION)
    assert drafted.change.startswith("state: draft; lines: 3")
    assert marked.change.endswith("stale: no → yes") and "state" not in marked.change  # a draft stays one
    assert cleared.change.startswith("stale: yes → no; lines: ")
    assert "stale" not in unchanged.change and "state" not in unchanged.change  # a re-plan of a fresh draft
    assert submitted.change == "state: draft → in review" and approved.change == "state: in review → approved"
    capacity.set_hours(store, "M1", PLAN_MONTH, 90, login="planner", reason="repair")  # the approved stays in force
    planning.plan(store, PLAN_MONTH, login="plm", first_horizon=1)
    assert audit.history(store, f"{PLAN_MONTH}/L/r2")[0].change.startswith("state: re-approval; lines:")
    with store.unit_of_work() as repo:  # as re-plans were audited before they wrote the flag
        repo.audit.write(
            "plm", "replanned", "assignment", REVISION, {"state": "draft", "stale": False}, {"state": "draft"}
        )
    assert audit.history(store, REVISION, limit=1)[0].change == ""


def test_ids_read_as_names_and_logins_as_users_names(edited):
    [accepted, created] = audit.history(edited, "D4")
    assert accepted.who == "Line Manager" and accepted.entry.login == "plm"
    changes = {c.field: (c.before, c.after) for c in accepted.changes}
    assert changes["accepted by"] == ("—", "Line Manager")
    assert changes["status"] == ("waiting for acceptance", "accepted")  # state words, not the stored codes
    assert dict((c.field, c.after) for c in created.changes)["customer"] == "Key Co"
    assert "customer_id" not in created.change and "customer: Key Co" in created.change
    position = {c.field: c.after for c in audit.history(edited, "D1#1")[-1].changes}
    assert (position["deal"], position["ordered"], position["price"]) == ("D1", "700 t", "50 000 RUB/t")


def test_a_mills_hours_name_the_mill_by_its_code(edited):
    capacity.set_hours(edited, "M2", PLAN_MONTH, 35, login="planner", reason="roll change")
    capacity.set_hours(edited, "M2", PLAN_MONTH, 30.5, login="planner", reason="repair")
    changed, created = audit.history(edited, f"M2/{PLAN_MONTH}")
    assert created.who == "Planner"
    assert created.change == f"roll change · mill: M2; month: {PLAN_MONTH}; hours: 35 h"  # not mill_id: 2
    assert changed.change == "repair · hours: 35 h → 30.5 h"
    with edited.reading() as repo:
        ids = repo.audit.audit_names({"mill": {1, 2, 99}})
        people = repo.users.display_names({"plm", "gone"})  # as messages name them (person)
        assert person(repo, "plm") == "Line Manager"
    assert ids == {"mill": {1: "M1", 2: "M2"}} and people == {"plm": "Line Manager", "gone": "gone"}


@pytest.mark.both_backends
def test_times_are_the_plants_and_documents_keep_utc(edited, monkeypatch):
    monkeypatch.setenv("MILLPLAN_TIMEZONE", "Asia/Yekaterinburg")  # UTC+5 all year
    row = audit.history(edited, "D4")[0]
    assert row.when == f"{row.entry.at + timedelta(hours=5):%Y-%m-%d %H:%M}"
    accepted_at = dict((c.field, c.after) for c in row.changes)["accepted at"]
    assert accepted_at == f"{row.entry.at + timedelta(hours=5):%Y-%m-%d %H:%M}"
    document = audit.history_document(row)
    assert document["at"] == row.entry.at.isoformat() and document["at"].endswith("+00:00")
    assert document["when"] == row.when and document["after"]["accepted_by"] == "plm"
    view = audit.history_view([row])
    assert cell_text(view.rows[0]["at"], view.columns[0]) == row.when


def test_an_imports_reason_and_a_deals_status_read_as_russian_words(edited, russian):
    with edited.unit_of_work() as repo:
        repo.audit.write("plm", "updated", "deal", "D4", {"status": "accepted"}, {"status": "closed"}, "import p.xlsx")
    row = audit.history(edited, "D4")[0]
    assert row.change == "импортировано из p.xlsx · статус: акцептована → закрыто"
    drafted = audit.history(edited, REVISION)[-1]
    assert "статус решателя: оптимально" in drafted.change and "optimal" not in drafted.change
    assert "марки стали: 20, 09Г2С; стандарты: ГОСТ 8732" in audit.history(edited, "M1")[-1].change


def test_a_key_with_no_entry_is_refused_as_mistyped(edited):
    with pytest.raises(NotFound, match="nothing in the audit log under 'D9#1'"):
        audit.history(edited, "D9#1")


def test_a_refused_change_of_hours_names_its_month_in_russian(edited, russian):
    with pytest.raises(InvalidInput) as refused:
        capacity.set_hours(edited, "M2", PLAN_MONTH, -1, login="planner", reason="repair")
    assert month_text(PLAN_MONTH) in str(refused.value) and str(PLAN_MONTH) not in str(refused.value)


@pytest.mark.both_backends
def test_a_positions_history_holds_the_replan_that_moved_it(store, russian):
    """Revision 1 approved (D1#1 500 t on M1 + 200 t on M2); D2#1 excluded and the month
    re-planned: revision 2 makes all 700 t of D1#1 on M1 — a plan's change, audited under
    the revision, not the position, yet the position's history says it."""
    replanned_plant(store)
    rows = audit.history(store, "D1#1")
    plan = next(r for r in rows if r.entry.object_key == f"{PLAN_MONTH}/L/r2")
    assert plan.entry.action == "replanned" and plan.change.startswith("D1#1: ")
    assert plan.change.endswith(": M1+M2 → M1, 700,0 → 700,0 т"), plan.change
    assert rows.index(plan) < [r.entry.action for r in rows].index("created")  # newest first
