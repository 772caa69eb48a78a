"""The approval pane with hundreds of conflicts at 80×24 (tests/conflicted.py: 300 open
conflicts, one escalated, one request, the draft in review): the headline counts them and
says what is at stake, the conflicts scroll in their table, the director's dialog leads with
what he approves; and one key goes from a notification or a mill-month to what it is about."""

from __future__ import annotations

import pytest

from millplan.core.domain.numbers import grouped
from millplan.core.mail.inbox import inbox
from millplan.core.planning import run as planning
from millplan.core.views.inbox import Target
from millplan.tui.app import MillplanApp
from millplan.tui.jump import go_to
from millplan.tui.keys import key_rows
from millplan.tui.screens.dialogs import ReasonScreen
from millplan.tui.screens.records import InboxScreen
from millplan.tui.widgets.approval.pane import ApprovalPane
from millplan.tui.widgets.assignment.pane import AssignmentPane
from millplan.tui.widgets.load_pane import LoadPane
from millplan.tui.widgets.view_table import ViewTable
from tests.conflicted import CONFLICTS, MARGIN_AT_STAKE, conflicted_plant
from tests.plants import PLAN_MONTH, staff, tiny_plant
from tests.tui.pilot import SIZE, messages, open_approval, settle, text_of

COUNTS = "Open: 300 conflicts · 1 request · 1 escalation · 0 reviews"


@pytest.fixture
def crowd(sqlite_store):
    """The conflicted plant, planned, escalated, asked and submitted."""
    conflicted_plant(sqlite_store)
    return sqlite_store


def on_screen(app, selector: str) -> bool:
    """Whether widget ``selector`` is shown whole within the screen, above the footer."""
    region = app.screen.query_one(selector).region
    return region.height > 0 and region.y >= 0 and region.bottom <= SIZE[1] - 1


async def test_the_headline_counts_and_the_conflicts_scroll_to_the_last(crowd):
    assert CONFLICTS == 300 and MARGIN_AT_STAKE == 82_215_000
    app = MillplanApp(crowd, "plm", month=PLAN_MONTH)
    async with app.run_test(size=SIZE) as pilot:
        pane = await open_approval(pilot, "conflicts")
        counts = text_of(app, "#approval-counts")
        assert counts.splitlines() == [
            COUNTS,
            f"At stake: {grouped(MARGIN_AT_STAKE)} RUB, {grouped(10.0 * CONFLICTS, 1)} t short",
        ]
        summary = text_of(app, "#approval-summary")
        assert summary == "Approval needs a reason: 300 conflicts, 1 escalation, 0 objections open."
        assert "K200#1" not in summary  # counted, never listed
        table = pane.query_one(ViewTable)
        assert table.row_count == CONFLICTS and table.has_focus and table.region.height >= 8
        top = {s: app.screen.query_one(s).region for s in ("#approval-title", "#approval-counts", "#approval-summary")}
        await pilot.press("ctrl+end")  # to the last conflict
        await pilot.pause()
        assert table.selected["position"] == "K310#1" and "K310#1" in text_of(app, "#approval-detail")
        assert table.scroll_y > 0 and table.cursor_row < table.scroll_y + table.region.height
        # the headline stays where it was, whole, above the table; every line fits 80 columns
        for selector, region in top.items():
            assert app.screen.query_one(selector).region == region and on_screen(app, selector)
            assert all(len(line) <= SIZE[0] for line in text_of(app, selector).splitlines())
        assert on_screen(app, "#approval-table") and on_screen(app, "#approval-detail")
        await pilot.press("ctrl+home")
        await pilot.pause()
        assert table.selected["position"] == "K11#1"


async def test_the_directors_approval_dialog_leads_with_what_is_approved(crowd):
    draft = planning.latest(crowd, PLAN_MONTH, "L")
    app = MillplanApp(crowd, "director", month=PLAN_MONTH)
    async with app.run_test(size=SIZE) as pilot:
        await open_approval(pilot)
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, ReasonScreen)
        lines = text_of(app, ".dialog-question").splitlines()
        assert lines[:4] == [
            f"Approve {PLAN_MONTH} L revision {draft.revision} (in review)",
            f"{grouped(draft.tonnes)} t · marginal income {grouped(draft.marginal_income)} RUB"
            f" · key accounts {grouped(draft.key_account_tonnes)} t",
            COUNTS,
            f"At stake: {grouped(MARGIN_AT_STAKE)} RUB, 3 000.0 t short",
        ]
        assert draft.tonnes == draft.key_account_tonnes == 100
        assert "K200#1" not in text_of(app, ".dialog-question")
        # the question comes before the reason's input, and the whole dialog fits the screen
        question, field = app.screen.query_one(".dialog-question").region, app.screen.query_one("#reason").region
        assert question.bottom <= field.y and field.bottom <= SIZE[1]


async def go_from_inbox(pilot, subject: str, key: str = "enter") -> None:
    """Open the inbox, highlight the notification whose subject starts with ``subject``, press ``key``."""
    app = pilot.app
    await settle(pilot)
    await pilot.press("i")
    await settle(pilot)
    assert isinstance(app.screen, InboxScreen)
    table = app.screen.query_one(ViewTable)
    rows = [table.get_row_at(i)[2].plain for i in range(table.row_count)]
    table.move_cursor(row=next(i for i, text in enumerate(rows) if text.startswith(subject)))
    await pilot.pause()
    await pilot.press(key)
    await settle(pilot)


@pytest.mark.parametrize("key", ["enter", "g"])
async def test_from_the_directors_notification_to_the_escalation(crowd, key):
    [escalation] = [n for n in inbox(crowd, "director") if n.object_key.startswith("escalation ")]
    app = MillplanApp(crowd, "director", month=PLAN_MONTH + 1)  # elsewhere: the jump moves the month
    async with app.run_test(size=SIZE) as pilot:
        await go_from_inbox(pilot, escalation.subject, key)
        pane = app.query_one(ApprovalPane)
        assert app.screen is not None and not isinstance(app.screen, InboxScreen)
        assert (pane.month, pane.line, pane.section) == (PLAN_MONTH, "L", "escalations")
        table = pane.query_one(ViewTable)
        assert table.has_focus and f"escalation {table.selected['key']}" == escalation.object_key
        assert "the client's line stops" in text_of(app, "#approval-detail")
    assert next(n for n in inbox(crowd, "director") if n.id == escalation.id).read_at is not None


async def test_from_a_request_notification_to_the_request(crowd):
    [asked] = [n for n in inbox(crowd, "plm") if n.object_key.startswith("request ")]
    app = MillplanApp(crowd, "plm", month=PLAN_MONTH)
    async with app.run_test(size=SIZE) as pilot:
        await go_from_inbox(pilot, asked.subject)
        pane = app.query_one(ApprovalPane)
        assert pane.section == "requests" and f"request {pane.query_one(ViewTable).selected['key']}" == asked.object_key
        assert "a ship waits" in text_of(app, "#approval-detail")


async def test_from_a_plan_notification_to_its_first_position(crowd):
    [plan_news] = [n for n in inbox(crowd, "ivanov") if n.items]
    first = plan_news.items[0].ref
    app = MillplanApp(crowd, "ivanov", month=PLAN_MONTH + 1)
    async with app.run_test(size=SIZE) as pilot:
        await go_from_inbox(pilot, plan_news.subject, "g")
        pane = app.query_one(AssignmentPane)
        assert (pane.month, pane.line) == (PLAN_MONTH, "L")
        focused = app.focused
        assert isinstance(focused, ViewTable) and focused.selected["position_ref"] == first
        assert focused.id in ("lines-table", "excluded-table")


async def test_from_a_mill_month_to_its_lines(sqlite_store):

    tiny_plant(sqlite_store)
    staff(sqlite_store)
    planning.plan(sqlite_store, PLAN_MONTH, login="plm", first_horizon=1)
    draft = planning.latest(sqlite_store, PLAN_MONTH, "L")
    on_m2 = sorted(x.position_ref for x in draft.lines if x.mill_code == "M2")
    assert on_m2 and len(on_m2) < len(draft.lines)  # M1 has lines too: the filter shows
    app = MillplanApp(sqlite_store, "plm", month=PLAN_MONTH)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        load = app.query_one("#load-table", ViewTable)
        load.focus()
        load.move_cursor(row=load.get_row_index("M2"))
        await pilot.press("enter")
        await settle(pilot)
        pane = app.query_one(AssignmentPane)
        assert (pane.month, pane.line, pane.mill) == (PLAN_MONTH, "L", "M2")
        lines = pane.query_one("#lines-table", ViewTable)
        shown = sorted(lines.get_row_at(i)[1].plain for i in range(lines.row_count))
        assert shown == on_m2 and lines.has_focus
        assert "Mill M2 only (Esc: every mill)" in text_of(app, "#assignment-summary")
        await pilot.press("escape")
        await settle(pilot)
        assert pane.mill is None and lines.row_count == len(draft.lines)


async def test_the_jump_goes_to_the_month_under_the_load_cursor(sqlite_store, russian):
    # the cursor is a mill-month: it starts on the Assignment pane's month, ] (ъ in the
    # Russian layout) or → moves it, and g goes to that month's lines of that mill
    tiny_plant(sqlite_store)
    staff(sqlite_store)
    app = MillplanApp(sqlite_store, "plm", month=PLAN_MONTH)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        load, pane = app.query_one("#load-table", ViewTable), app.query_one(LoadPane)
        assert load.has_focus and pane.cursor_month == PLAN_MONTH and load.selected_key == "M1"
        assert load.cursor_type == "cell" and load.view.columns[load.cursor_column].key == str(PLAN_MONTH)
        await pilot.press("down", "ъ")
        assert pane.cursor_month == PLAN_MONTH + 1 and load.selected_key == "M2"
        rows = {row.keys: row for row in key_rows(app.screen)}
        assert (rows["[, ←"].russian, rows["], →"].russian) == ("х", "ъ")  # F1 names the month keys, the arrows too
        await pilot.press("п")  # g
        await settle(pilot)
        assignment = app.query_one(AssignmentPane)
        assert (assignment.month, assignment.line, assignment.mill) == (PLAN_MONTH + 1, "L", "M2")

        await pilot.press("1")
        await settle(pilot)
        await pilot.press("left", "left", "left")  # past the first month, onto the mill's code
        assert load.cursor_column == 0 and pane.cursor_month == app.query_one(LoadPane).report.months[0]
        await pilot.press("х")  # [ stays among the months
        assert load.cursor_column == 1
        await pilot.press("right", "enter")
        await settle(pilot)
        assert (assignment.month, assignment.mill) == (pane.report.months[1], "M2")


async def test_a_deal_is_highlighted_in_the_deals_pane_or_said_to_be_elsewhere(sqlite_store):

    tiny_plant(sqlite_store)
    staff(sqlite_store)
    app = MillplanApp(sqlite_store, "plm", month=PLAN_MONTH)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        go_to(app, Target("deals", ref="D4"))  # pending acceptance: listed
        await settle(pilot)
        deals = app.query_one("#deals-table", ViewTable)
        assert deals.has_focus and deals.selected_key == "D4"
        go_to(app, Target("deals", ref="D1"))  # accepted: not listed
        await settle(pilot)
        assert deals.selected_key == "D4"
        assert "Deal D1 is not waiting for acceptance: the deals pane does not list it." in messages(app)
