"""Where the workstation opens: the acting line manager's own line, at the month whose
revision waits for him (else his newest), else next month."""

from __future__ import annotations

from datetime import date

from millplan.core.domain.months import today_set
from millplan.core.planning import run as planning
from millplan.core.views import approval
from millplan.core.workflow import assignments
from millplan.tui.app import MillplanApp
from millplan.tui.widgets.approval.pane import ApprovalPane
from tests.plants import PLAN_MONTH, build, deal, mill, position, staff
from tests.tui.pilot import SIZE, settle

LATER = PLAN_MONTH + 1


def two_line_plant(store) -> None:
    """Line A (first of the plant) and line L (plm's), with one deal for L in LATER."""
    build(
        store,
        mills=[mill("MA", ["20"], 100, 1000, product_line="A"), mill("ML", ["20"], 100, 1000)],
        norms={"MA": 10.0, "ML": 10.0},
        customers={"Co": False},
        deals=[deal("D1", "Co")],
        positions=[position("D1", 1, "20", 100, 50_000, requested_month=str(LATER))],
    )
    staff(store)


async def test_the_line_manager_opens_on_his_line_at_the_month_waiting_for_him(sqlite_store):
    two_line_plant(sqlite_store)
    planning.plan(sqlite_store, LATER, login="plm", product_line="L", first_horizon=1)
    assignments.submit(sqlite_store, LATER, "L", login="plm")  # in review: waits for approval
    app = MillplanApp(sqlite_store, "plm")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)
        board = app.query_one(ApprovalPane).board
        assert (board.month, board.product_line) == (LATER, "L")
        assert board.latest is not None and board.latest.revision == 1


async def test_with_nothing_waiting_the_newest_revision_else_next_month(sqlite_store):
    two_line_plant(sqlite_store)
    first = MillplanApp(sqlite_store, "plm")
    async with first.run_test(size=SIZE) as pilot:
        await settle(pilot)
        pane = app_pane(first)
        assert (pane.month, pane.line) == (PLAN_MONTH, "L")  # nothing planned: next month
    planning.plan(sqlite_store, LATER, login="plm", product_line="L", first_horizon=1)
    assignments.submit(sqlite_store, LATER, "L", login="plm")
    assignments.approve(sqlite_store, LATER, "L", login="plm")
    again = MillplanApp(sqlite_store, "plm")
    async with again.run_test(size=SIZE) as pilot:
        await settle(pilot)
        pane = app_pane(again)
        assert (pane.month, pane.line) == (LATER, "L")


def app_pane(app) -> ApprovalPane:
    return app.query_one(ApprovalPane)


def test_a_month_now_past_is_never_where_the_workstation_opens(sqlite_store):
    # LATER planned and waiting; once the plant's date is past LATER, it can no longer be
    # planned, so the workstation opens on the month after today instead
    two_line_plant(sqlite_store)
    planning.plan(sqlite_store, LATER, login="plm", product_line="L", first_horizon=1)
    assert approval.opening(sqlite_store, "plm", ["A", "L"]) == (LATER, "L")
    after = LATER + 1
    with today_set(date(after.year, after.month, 10)):
        assert approval.opening(sqlite_store, "plm", ["A", "L"]) == (after + 1, "L")
