"""Notifications: once per event, inbox reading, and the news sales managers get when a
draft or revision removes, cuts or moves their positions — on SQLite (and PostgreSQL where the dialects differ)."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal

import pytest
import sqlalchemy as sa
from alembic import command

from millplan.core.domain.assignment import Assignment, AssignmentLine, AssignmentState, Exclusion
from millplan.core.domain.errors import InvalidInput, NotFound
from millplan.core.domain.months import Month
from millplan.core.domain.names import name_key
from millplan.core.domain.notices import Item
from millplan.core.domain.people import Role, User
from millplan.core.domain.portfolio import DealStatus, Position
from millplan.core.domain.stored_text import say
from millplan.core.mail.inbox import inbox, mark_read, unread_count
from millplan.core.mail.notify import message_id, notify
from millplan.core.mail.plan_news import News, changes_for_managers, notify_changes, tell
from millplan.core.mail.recipients import manager_login, managers
from millplan.core.planning import run as planning
from millplan.core.workflow import assignments
from millplan.storage import migrate
from millplan.storage.engine import make_engine
from millplan.storage.store import open_store
from millplan.storage.tables import OutboxRow
from tests.people import add_user
from tests.plants import PLAN_MONTH, tiny_plant


def _notify(store, login="ivanov", event="e1", **extra):
    values = {
        "kind": "approved",
        "subject": "2027-01 L approved",
        "body": "Revision 1 approved.",
        "object_key": "2027-01/L/r1",
    }
    values.update(extra)
    with store.unit_of_work() as repo:
        return notify(repo, login=login, event=event, by=None, **values)


def _outbox(store):
    with store.engine.connect() as connection:
        return connection.execute(
            sa.select(OutboxRow.event, OutboxRow.address, OutboxRow.status, OutboxRow.message_id)
        ).all()


@pytest.mark.both_backends
def test_same_event_twice_gives_one_notification_and_one_email(store):
    add_user(store, "ivanov", "Иванов А. С.", email="ivanov@plant.example")
    assert _notify(store) is True
    assert _notify(store, subject="changed text") is False
    [only] = inbox(store, "ivanov")
    assert only.subject == "2027-01 L approved" and only.kind == "approved" and only.read_at is None
    assert only.at.tzinfo is not None
    [(event, address, status, header)] = _outbox(store)
    assert (event, address, status) == ("e1", "ivanov@plant.example", "pending")
    assert header == message_id("e1", "ivanov@plant.example")


def test_no_email_address_means_inbox_only(store):
    add_user(store, "petrov", "Петров")
    assert _notify(store, login="petrov")
    assert _outbox(store) == []
    assert unread_count(store, "petrov") == 1


def test_one_event_for_two_managers_reaches_both(store):
    add_user(store, "ivanov", "Иванов", email="ivanov@plant.example")
    add_user(store, "petrov", "Петров", email="petrov@plant.example")
    assert _notify(store, login="ivanov") and _notify(store, login="petrov")
    rows = _outbox(store)
    assert sorted(r.address for r in rows) == ["ivanov@plant.example", "petrov@plant.example"]
    assert len({r.message_id for r in rows}) == 2


@pytest.mark.both_backends
def test_racing_writers_leave_one_notification(store_url):
    # Two stores (two engines, two connections) write the same event at the same moment;
    # the unique constraint with ON CONFLICT DO NOTHING lets exactly one insert win.
    stores = [open_store(store_url) for _ in range(2)]
    add_user(stores[0], "ivanov", "Иванов", email="ivanov@plant.example")
    start = threading.Barrier(2)
    results: list[bool] = []

    def write(store):
        start.wait()
        results.append(_notify(store, event="race"))

    threads = [threading.Thread(target=write, args=(s,)) for s in stores]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [False, True]
    assert len(inbox(stores[0], "ivanov")) == 1
    assert len(_outbox(stores[0])) == 1
    for s in stores:
        s.dispose()


@pytest.mark.both_backends
def test_notification_and_email_are_written_together_or_not_at_all(store):
    add_user(store, "ivanov", "Иванов", email="ivanov@plant.example")
    with pytest.raises(RuntimeError):
        with store.unit_of_work() as repo:
            notify(repo, login="ivanov", event="e1", kind="approved", subject="s", body="b", object_key="k", by=None)
            raise RuntimeError("the action failed after notifying")
    assert inbox(store, "ivanov") == [] and _outbox(store) == []


@pytest.mark.both_backends
def test_inbox_newest_first_unread_and_mark_read(store):
    for n in range(3):
        _notify(store, event=f"e{n}", subject=f"news {n}")
    _notify(store, login="someone-else", event="e9")
    listed = inbox(store, "ivanov")
    assert [n.subject for n in listed] == ["news 2", "news 1", "news 0"]
    assert [n.subject for n in inbox(store, "ivanov", limit=2)] == ["news 2", "news 1"]
    assert mark_read(store, "ivanov", [listed[0].id]) == 1
    assert mark_read(store, "ivanov", [listed[0].id]) == 0  # already read
    assert unread_count(store, "ivanov") == 2
    assert [n.subject for n in inbox(store, "ivanov", unread_only=True)] == ["news 1", "news 0"]
    assert inbox(store, "ivanov")[0].read_at is not None
    assert mark_read(store, "ivanov", None) == 2
    assert unread_count(store, "ivanov") == 0
    assert unread_count(store, "someone-else") == 1


def test_marking_someone_elses_notification_is_refused_and_nothing_marked(store):
    _notify(store, login="ivanov", event="mine")
    _notify(store, login="petrov", event="his")
    mine = inbox(store, "ivanov")[0].id
    his = inbox(store, "petrov")[0].id
    with pytest.raises(NotFound, match=f"notification {his} is not in the inbox of ivanov"):
        mark_read(store, "ivanov", [mine, his])
    assert unread_count(store, "ivanov") == 1
    with pytest.raises(InvalidInput):
        inbox(store, "ivanov", limit=0)


# -- news for sales managers from real plans --------------------------------------------


@pytest.fixture
def plant_with_manager(store):
    tiny_plant(store)  # every deal's sales manager is "Иванов А. С."
    add_user(store, "ivanov", "Иванов А. С.", email="ivanov@plant.example")
    with store.unit_of_work() as repo:  # once users exist, only the line's manager plans it
        repo.users.save_user(User("plm", "Line Manager", Role.LINE_MANAGER, ("L",)), by="setup")
    return store


def _plan_and_notify(store, month=PLAN_MONTH):
    # planning notifies by itself (against the previous draft or the approved revision,
    # in the plan's transaction): count the notifications it added
    had = {n.id for n in inbox(store, "ivanov", limit=1000)}
    [outcome] = planning.plan(store, month, login="plm", first_horizon=1)
    now = {n.id for n in inbox(store, "ivanov", limit=1000)}
    return len(now - had), outcome.assignment


def _latest(store):
    return inbox(store, "ivanov")[0]


@pytest.mark.both_backends
def test_first_draft_tells_the_manager_once_listing_every_position_with_its_reason(plant_with_manager):
    store = plant_with_manager
    new, draft = _plan_and_notify(store)
    # hand-checked plan (tests/storage/test_planning.py): D2#1 gets 500 of 600 t, D3#1 none,
    # D3#2 (OD 400) fits no mill: three positions, one message
    assert new == 1
    [n] = inbox(store, "ivanov")
    assert n.subject == f"3 of your positions left out, cut or moved — {PLAN_MONTH} L draft r1, proposed"
    assert n.kind == "assignment_changed" and n.object_key == f"{PLAN_MONTH}/L/r1"
    assert [(i.ref, i.kind) for i in n.items] == [
        ("D2#1", "tonnes_cut"),
        ("D3#1", "position_removed"),
        ("D3#2", "position_removed"),
    ]
    reasons = {e.position_ref: e.reason for e in draft.exclusions}
    for item in n.items:
        assert item.reason == reasons[item.ref]
        assert f"• {item.ref} {item.text}. Reason: {item.reason}" in n.body.splitlines()
    assert n.items[0].text == "Other Co: 500.0 t of 600.0 t planned"
    assert "final only once approved" in n.body and n.body.endswith("Planned by Line Manager")
    assert len(_outbox(store)) == 1  # one e-mail for the one message

    again, _ = _plan_and_notify(store)  # re-plan: same draft, nothing new to say
    assert again == 0
    assert len(inbox(store, "ivanov")) == 1


def test_excluding_a_planned_position_by_hand_notifies_with_the_reason(plant_with_manager):
    store = plant_with_manager
    _, draft = _plan_and_notify(store)
    edited = assignments.set_excluded(
        store, PLAN_MONTH, "L", "D1#1", True, login="plm", reason="client waits for pipe coating"
    )
    with store.unit_of_work() as repo:  # the edit told it already: the same news is not told twice
        assert notify_changes(repo, draft, edited, by="plm") == 0
    n = _latest(store)
    assert n.kind == "position_removed" and n.subject.startswith("D1#1 Key Co: left out; 700.0 t were planned")
    assert n.subject.endswith(f"{PLAN_MONTH} L draft r1, proposed")
    [item] = n.items
    assert item.reason == "excluded by Line Manager: client waits for pipe coating"
    assert "Reason: excluded by Line Manager: client waits for pipe coating" in n.body


def test_new_revision_cutting_tonnes_against_the_approved_one(plant_with_manager):
    store = plant_with_manager
    _, first = _plan_and_notify(store)
    assignments.submit(store, PLAN_MONTH, "L", login="plm")  # approval needs the revision in review
    approved = assignments.approve(store, PLAN_MONTH, "L", login="plm")
    with store.unit_of_work() as repo:  # M1 loses 40 of its 100 h: 400 t fewer fit
        repo.plant.upsert_capacity([("M1", PLAN_MONTH, 60.0)], "planner", "maintenance")
    new, revision2 = _plan_and_notify(store)
    assert revision2.revision == 2
    # Key tonnes first: D1#1 keeps 700 t (200 on M2, 500 on M1: 50 of M1's 60 h), so D2#1
    # is cut from 500 t to the 100 t left on M1.
    [cut] = [n for n in inbox(store, "ivanov") if n.object_key == f"{PLAN_MONTH}/L/r2"]
    assert cut.kind == "tonnes_cut" and new == 1
    assert (
        cut.subject
        == f"D2#1 Other Co: 100.0 t of 500.0 t kept; 600.0 t left to make — {PLAN_MONTH} L draft r2, proposed"
    )
    [reason] = [e.reason for e in revision2.exclusions if e.position_ref == "D2#1"]
    assert cut.items[0].reason == reason and f"Reason: {reason}" in cut.body
    assert approved.state is AssignmentState.APPROVED and first.id == approved.id


def test_position_planned_later_than_requested_is_news(plant_with_manager):
    store = plant_with_manager
    _plan_and_notify(store)
    new, following = _plan_and_notify(store, PLAN_MONTH + 1)
    assert new == 1
    n = _latest(store)
    # D2#1's last 100 t and D3#1 were requested for PLAN_MONTH; D5#1 is due in the next;
    # D3#2 fits no mill in this month either: a new month's assignment, so news again
    assert [(i.ref, i.kind) for i in n.items] == [
        ("D2#1", "moved_later"),
        ("D3#1", "moved_later"),
        ("D3#2", "position_removed"),
    ]
    assert n.items[0].text == f"Other Co: planned in {PLAN_MONTH + 1}, later than requested ({PLAN_MONTH})"
    assert n.object_key == following.key


# -- the comparison itself, on hand-built revisions --------------------------------------


def _position(pid: int, manager: str = "ivanov", tonnes: float = 100.0, produced: float = 0.0) -> Position:
    return Position(
        id=pid,
        deal_number=f"D{pid}",
        position_no=1,
        customer="Co",
        is_key_account=False,
        sales_manager=manager,
        deal_status=DealStatus.ACCEPTED,
        product_line="L",
        pipe_type="",
        od_mm=200.0,
        wall_mm=10.0,
        steel_grade="20",
        standard="ГОСТ",
        length_m=None,
        tonnes_ordered=tonnes,
        tonnes_produced=produced,
        price=Decimal(50_000),
        metal_cost=Decimal(30_000),
        requested_month=Month(2027, 1),
    )


def _revision(lines: dict[int, float], exclusions: dict[int, str] | None = None, revision: int = 1) -> Assignment:
    return Assignment(
        id=revision,
        month=Month(2027, 1),
        product_line="L",
        revision=revision,
        state=AssignmentState.DRAFT,
        created_at=datetime(2026, 12, 1, tzinfo=UTC),
        created_by="plm",
        approved_at=None,
        approved_by=None,
        solver_status="optimal",
        solver_name="highs",
        solve_seconds=0.1,
        lines=tuple(AssignmentLine(pid, f"D{pid}#1", "M1", t, t / 10, Decimal(0)) for pid, t in lines.items()),
        exclusions=tuple(
            Exclusion(pid, f"D{pid}#1", 1.0, "capacity_better_paying", why) for pid, why in (exclusions or {}).items()
        ),
        mill_hours={},
    )


def test_removed_position_found_in_a_later_month_is_moved_later():
    positions = {1: _position(1)}
    before = _revision({1: 100})
    after = _revision({}, {1: "M1 is full of better-paying positions"}, revision=2)
    [(login, change)] = changes_for_managers(before, after, positions, later={1: Month(2027, 3)})
    assert login == "ivanov" and change.kind == "moved_later" and change.key == "2027-01/L/r2:1:moved_later:2027-03"
    assert say(change.text) == "Co: moved to 2027-03; 100.0 t were planned here"
    assert say(change.reason) == "M1 is full of better-paying positions"
    [(_, removed)] = changes_for_managers(before, after, positions)
    assert removed.kind == "position_removed" and removed.key == "2027-01/L/r2:1:position_removed"


def test_production_explains_fewer_tonnes_and_is_no_news():
    before = _revision({1: 100, 2: 100})
    after = _revision({1: 40}, revision=2)
    made = {1: _position(1, produced=60), 2: _position(2, produced=100)}  # D1: 40 t left, D2: all made
    assert changes_for_managers(before, after, made) == []
    half_made = {1: _position(1, produced=30), 2: _position(2, produced=100)}  # D1: 70 t left, 40 kept
    [(_, cut)] = changes_for_managers(before, after, half_made)
    assert cut.kind == "tonnes_cut" and cut.key == "2027-01/L/r2:1:tonnes_cut:40.000"


def test_manager_text_maps_to_a_login_by_login_then_by_unique_name(store):
    add_user(store, "ivanov", "Иванов А. С.")
    add_user(store, "sidorov", "Сидоров")
    add_user(store, "sidorov2", "Сидоров")
    texts = ["ivanov", "Иванов А. С.", " иванов  а. с.", "Сидоров", " Петров ", "", "  "]
    with store.unit_of_work() as repo:
        whose = managers(repo)
        found = {text: whose.login(text) for text in texts}
        assert [manager_login(repo, text) for text in texts] == list(found.values())
    # names compare as people type them; two Сидоровs are ambiguous and Петров is no user (their
    # news waits under the text), a deal without a sales manager tells nobody
    assert found == {
        "ivanov": "ivanov",
        "Иванов А. С.": "ivanov",
        " иванов  а. с.": "ivanov",
        "Сидоров": "Сидоров",
        " Петров ": "Петров",
        "": None,
        "  ": None,
    }
    positions = {1: _position(1, manager="Иванов А. С."), 2: _position(2, manager="Петров")}
    changes = changes_for_managers(None, _revision({}, {1: "why", 2: "why"}), positions, whose)
    assert [login for login, _item in changes] == ["ivanov", "Петров"]  # unmapped text waits as a login
    assert name_key(" Семёнов  И. ") == name_key("СЕМЕНОВ и.") != name_key("Семенова И.")


def test_events_do_not_depend_on_the_draft_version():
    positions = {1: _position(1)}
    after = _revision({}, {1: "why"})
    again = replace(after, version=7)
    assert changes_for_managers(None, after, positions) == changes_for_managers(None, again, positions)


@pytest.mark.both_backends
def test_migration_0002_keeps_existing_users(store_url):
    engine = make_engine(store_url)
    config = migrate.alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0001")
    with engine.begin() as connection:
        connection.execute(
            sa.text(
                "INSERT INTO users (login, name, role, created_at) VALUES ('ivanov', 'Иванов', 'sales_manager', :at)"
            ),
            {"at": datetime(2026, 11, 1, tzinfo=UTC)},
        )
    engine.dispose()
    store = open_store(store_url)  # upgrades to head
    with store.unit_of_work() as repo:
        assert repo.mailbox.users() == [("ivanov", "Иванов", None)]
    store.dispose()


def test_a_deal_without_sales_manager_tells_nobody_and_bad_calls_are_refused(store):
    positions = {1: _position(1, manager="  "), 2: _position(2)}
    changes = changes_for_managers(None, _revision({}, {1: "why", 2: "why"}), positions)
    assert [login for login, _item in changes] == ["ivanov"]
    with store.unit_of_work() as repo:
        with pytest.raises(ValueError, match="kind"):
            notify(repo, login="ivanov", event="e", kind="k" * 33, subject="s", body="b", object_key="o", by=None)
        with pytest.raises(ValueError, match="needs a login"):
            notify(repo, login="", event="e", kind="k", subject="s", body="b", object_key="o", by=None)


@pytest.mark.both_backends
def test_migration_0006_keeps_notifications_and_what_they_told(store_url):
    engine = make_engine(store_url)
    config = migrate.alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0005")
    with engine.begin() as connection:  # one piece of news, told one by one before 0006
        connection.execute(
            sa.text(
                "INSERT INTO notifications (at, login, event, kind, subject, body, object_key) "
                "VALUES (:at, 'ivanov', '2027-01/L/r1:1:position_removed', 'position_removed', 'D1#1 left out', 'why', '2027-01/L/r1')"
            ),
            {"at": datetime(2026, 11, 1, tzinfo=UTC)},
        )
    engine.dispose()
    store = open_store(store_url)  # upgrades to head
    [kept] = inbox(store, "ivanov")
    assert (kept.subject, kept.body, kept.items) == ("D1#1 left out", "why", ())
    news = [
        News("ivanov", Item(f"D{n}#1", "position_removed", "left out", key=f"2027-01/L/r1:{n}:position_removed"))
        for n in (1, 2)
    ]
    with store.unit_of_work() as repo:  # D1#1 was told already: the new message lists D2#1 alone
        assert tell(repo, news, event="e", object_key="2027-01/L/r1", compose=lambda items: ("s", "b"), by=None) == 1
    assert [i.ref for i in inbox(store, "ivanov")[0].items] == ["D2#1"]
    store.dispose()
