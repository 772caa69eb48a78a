"""Roles through the workstation's pilot: the same core checks refuse what the user's role
does not allow, the message says who may, and nothing is written."""

from __future__ import annotations

from millplan.core.domain.assignment import AssignmentState
from millplan.core.domain.months import month_text
from millplan.core.domain.people import Role, User
from millplan.core.planning import run as planning
from millplan.core.workflow import assignments
from millplan.tui.app import MillplanApp
from millplan.tui.widgets.assignment.pane import AssignmentPane
from millplan.tui.widgets.deals_pane import DealsPane
from tests.plants import PLAN_MONTH, staff, tiny_plant
from tests.tui.pilot import SIZE, footer_keys, messages, open_approval, settle, text_of


async def test_a_sales_manager_may_not_plan_or_approve_from_the_workstation(sqlite_store):
    tiny_plant(sqlite_store)
    staff(sqlite_store)
    app = MillplanApp(sqlite_store, "ivanov", month=PLAN_MONTH)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f4")
        await settle(pilot)
        assert "Plan" not in footer_keys(app).values()  # not offered: pressing F5 does nothing
        app.query_one(AssignmentPane).action_plan()  # the command palette's Plan: refused at once
        await settle(pilot)
        assert any(
            "only the product-line manager of L may run the prioritiser" in m and "Иванов А. С. is a sales manager" in m
            for m in messages(app)
        )
    with sqlite_store.unit_of_work() as repo:
        assert repo.assignments.assignment(PLAN_MONTH, "L") is None
        assert [e.login for e in repo.audit.audit_entries(f"{PLAN_MONTH}/L") if e.action == "refused"] == ["ivanov"]


async def test_the_planner_may_not_approve_from_the_workstation_the_director_may(sqlite_store):
    tiny_plant(sqlite_store)
    staff(sqlite_store)
    planning.plan(sqlite_store, PLAN_MONTH, login="plm", first_horizon=1)
    assignments.submit(sqlite_store, PLAN_MONTH, "L", login="plm")
    planner = MillplanApp(sqlite_store, "planner", month=PLAN_MONTH)
    async with planner.run_test(size=SIZE) as pilot:
        await pilot.press("f4")
        await settle(pilot)
        assert "Approve" not in footer_keys(planner).values()
        planner.query_one(AssignmentPane).action_submit()  # the palette: refused before any dialog
        await settle(pilot)
        assert len(planner.screen_stack) == 1
        assert any("only the product-line manager of L or the director may approve" in m for m in messages(planner))
    assert planning.latest(sqlite_store, PLAN_MONTH, "L").state is AssignmentState.IN_REVIEW
    director = MillplanApp(sqlite_store, "director", month=PLAN_MONTH)
    async with director.run_test(size=SIZE) as pilot:
        await pilot.press("f4")
        await settle(pilot)
        await pilot.press("f12", "y")
        await settle(pilot)
    approved = planning.latest(sqlite_store, PLAN_MONTH, "L")
    assert approved.state is AssignmentState.APPROVED and approved.approved_by == "director"


DEALS_KEYS = {"f6": "Accept", "f7": "Reject"}
ASSIGNMENT_KEYS = {"f5": "Plan", "f8": "Lock", "f9": "Exclude"}


async def test_an_unregistered_login_is_offered_no_action_and_told_read_only(sqlite_store):
    tiny_plant(sqlite_store)
    staff(sqlite_store)
    app = MillplanApp(sqlite_store, "stranger", month=PLAN_MONTH)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "read-only" in app.sub_title
        await pilot.press("f3")
        await settle(pilot)
        shown = footer_keys(app)
        assert not set(DEALS_KEYS) & set(shown)
        await pilot.press("a")  # the letter does nothing either: no dialog to say yes to
        await pilot.pause()
        assert len(app.screen_stack) == 1
        app.query_one(DealsPane).action_accept()  # the command palette's Accept: refused at once
        await pilot.pause()
        assert len(app.screen_stack) == 1
        assert any("stranger is not a millplan user" in m for m in messages(app))
        await pilot.press("f4")
        await settle(pilot)
        shown = footer_keys(app)
        assert not set(ASSIGNMENT_KEYS) & set(shown) and "f12" not in shown
    with sqlite_store.reading() as repo:
        assert repo.plant.deal("D4").status.value == "pending"


async def test_deal_keys_follow_the_deals_line(sqlite_store):
    tiny_plant(sqlite_store)
    staff(sqlite_store)
    with sqlite_store.unit_of_work() as repo:
        repo.users.save_user(User("xman", "X Manager", Role.LINE_MANAGER, ("X",)), by="setup")
    for login, offered in (("plm", True), ("director", True), ("xman", False)):
        app = MillplanApp(sqlite_store, login, month=PLAN_MONTH)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            assert "read-only" not in app.sub_title
            await pilot.press("f3")
            await settle(pilot)
            assert (footer_keys(app).get("f6") == "Accept") is offered, login
            await pilot.press("f4")
            await settle(pilot)
            assert (footer_keys(app).get("f5") == "Plan") is (login == "plm"), login


async def test_the_header_and_the_approval_pane_name_the_user_not_the_login(sqlite_store):
    tiny_plant(sqlite_store)
    staff(sqlite_store)
    planning.plan(sqlite_store, PLAN_MONTH, login="plm")
    app = MillplanApp(sqlite_store, "plm", month=PLAN_MONTH)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "Line Manager · " in app.sub_title and "plm" not in app.sub_title
        await open_approval(pilot)
        assert text_of(app, "#approval-summary").startswith("Line Manager (")


async def test_the_approval_pane_writes_its_month_as_russian_does(sqlite_store, russian):
    tiny_plant(sqlite_store)
    staff(sqlite_store)
    planning.plan(sqlite_store, PLAN_MONTH, login="plm")
    app = MillplanApp(sqlite_store, "plm", month=PLAN_MONTH)
    async with app.run_test(size=SIZE) as pilot:
        await open_approval(pilot, "conflicts")  # none: "Здесь ничего нет для янв 2027 L."
        said = text_of(app, "#approval-detail")
        assert f"{month_text(PLAN_MONTH)} L" in said and str(PLAN_MONTH) not in said
