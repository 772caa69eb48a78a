"""The Approval pane, the inbox and the history through Textual's pilot at 80×24, acting
as each role of tests.plants.STAFF on the plant of tests/levers.py (D6#1 100 t short of
its month, 1 400 000 RUB at stake; forcing it in leaves D1#1 100 t short instead)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from millplan.core.domain.assignment import AssignmentState
from millplan.core.domain.workflow import ConflictState, EscalationState, RequestKind, RequestState
from millplan.core.mail.inbox import inbox, unread_count
from millplan.core.planning import run as planning
from millplan.core.workflow import assignments, request_answers, request_raising, requests, reviews
from millplan.core.workflow.conflicts import conflicts
from millplan.core.workflow.escalations import escalations
from millplan.tui.app import MillplanApp
from millplan.tui.screens.records import HistoryScreen, InboxScreen
from millplan.tui.widgets.view_table import ViewTable
from tests.levers import FORCE_MARGIN_CHANGE, MARGIN_AT_STAKE, conflict_plant, tonnes
from tests.plants import PLAN_MONTH, staff, tiny_plant
from tests.tui.pilot import SIZE, footer_keys, messages, open_approval, settle, text_of


async def type_line(pilot, text: str) -> None:
    await pilot.press(*text)
    await pilot.press("enter")


@pytest.fixture
def short(sqlite_store):
    """The conflict plant with staff, planned by plm: one open conflict on D6#1."""
    conflict_plant(sqlite_store)
    return sqlite_store


# -- each role's keys -----------------------------------------------------------------------

OFFERED = {
    # login: section → actions whose keys show there, on a draft with a conflict, a
    # request and an escalation open
    "plm": {
        "conflicts": {"submit", "force", "later", "escalate"},
        "requests": {"submit", "grant", "refuse"},
        "escalations": {"submit"},
        "positions": {"submit"},
        "diff": {"submit"},
    },
    "director": {"conflicts": set(), "requests": {"grant", "refuse"}, "escalations": {"decide"}, "positions": set()},
    "planner": {"conflicts": {"agree"}, "requests": {"agree"}, "positions": {"agree", "object"}},
    "ivanov": {
        "conflicts": {"ask_priority", "round"},
        "positions": {"ask_priority", "replace", "round"},
        "requests": {"round"},
    },
    "petrov": {"positions": {"ask_priority", "replace", "round"}},  # his role asks; core refuses others' positions
    "outsider": {"conflicts": set(), "requests": set(), "escalations": set(), "positions": set()},  # read-only
}

ACTIONS = (
    "submit",
    "approve",
    "grant",
    "refuse",
    "reply",
    "force",
    "later",
    "escalate",
    "decide",
    "agree",
    "object",
    "ask_priority",
    "replace",
    "round",
)


@pytest.mark.parametrize("login", sorted(OFFERED))
async def test_each_role_sees_only_its_own_actions(short, login):
    round_ = request_raising.request_reapproval(
        short, PLAN_MONTH, "L", login="ivanov", why="the director should see this"
    ).request
    request_answers.grant(short, round_.id, login="plm")  # an escalation to the director
    raised = request_raising.request_priority(
        short, "D6#1", raise_=True, login="ivanov", why="the client's line stops"
    ).request
    app = MillplanApp(short, login, month=PLAN_MONTH)
    async with app.run_test(size=SIZE) as pilot:
        pane = await open_approval(pilot)
        for section, expected in OFFERED[login].items():
            pane._go(section)
            table = pane.query_one(ViewTable)
            if section == "requests":  # the open one, not the round already granted
                table.move_cursor(row=table.get_row_index(str(raised.id)))
            await pilot.pause()
            shown = {a for a in ACTIONS if pane.check_action(a, ())}
            assert shown == expected, (login, section)
        assert "Approve" not in footer_keys(app).values()  # a draft is submitted, not approved


# -- life cycle -----------------------------------------------------------------------------


@pytest.fixture
def planned(sqlite_store):
    """tiny_plant with staff, planned by plm: a draft with no conflict."""
    tiny_plant(sqlite_store)
    staff(sqlite_store)
    planning.plan(sqlite_store, PLAN_MONTH, login="plm", first_horizon=1)
    return sqlite_store


async def test_line_manager_submits_and_approves(planned):
    app = MillplanApp(planned, "plm", month=PLAN_MONTH)
    async with app.run_test(size=SIZE) as pilot:
        await open_approval(pilot)
        assert "revision 1 DRAFT" in text_of(app, "#approval-title")
        assert footer_keys(app).get("u") == "Submit"
        await pilot.press("u", "y")
        await settle(pilot)
        assert "IN REVIEW" in text_of(app, "#approval-title")
        assert footer_keys(app).get("a") == "Approve" and "u" not in footer_keys(app)
        await pilot.press("a", "y")
        await settle(pilot)
        assert "APPROVED" in text_of(app, "#approval-title")
        assert any("2026" in m and "approved" in m for m in messages(app)) or any(
            " approved." in m for m in messages(app)
        )
    latest = planning.latest(planned, PLAN_MONTH, "L")
    assert (latest.state, latest.submitted_by, latest.approved_by) == (AssignmentState.APPROVED, "plm", "plm")


async def test_sales_managers_approve_is_refused_naming_who_may(planned):
    assignments.submit(planned, PLAN_MONTH, "L", login="plm")
    app = MillplanApp(planned, "ivanov", month=PLAN_MONTH)
    async with app.run_test(size=SIZE) as pilot:
        pane = await open_approval(pilot)
        assert not pane.check_action("approve", ())  # no key for him
        await pilot.press("a")  # nothing happens
        await settle(pilot)
        assert len(app.screen_stack) == 1
        # the palette has every action; core refuses and the message says who may
        await pilot.press("ctrl+p")
        await pilot.press(*"Approve", "space", *"revision")
        await settle(pilot)
        await pilot.pause(0.5)  # the palette's search
        await pilot.press("enter")
        await settle(pilot)
        assert "frozen" in text_of(app, ".dialog-question")
        await pilot.press("y")
        await settle(pilot)
        [refusal] = [m for m in messages(app) if "only" in m]
        assert "only the product-line manager of L or the director may approve an assignment" in refusal
        assert "Иванов А. С. is a sales manager" in refusal
    latest = planning.latest(planned, PLAN_MONTH, "L")
    assert latest.state is AssignmentState.IN_REVIEW
    with planned.reading() as repo:
        assert repo.audit.audit_entries(latest.key)[0].action == "refused"


async def test_sales_manager_raises_a_priority_and_the_line_manager_grants_it(short):
    draft = planning.latest(short, PLAN_MONTH, "L")
    app = MillplanApp(short, "petrov", month=PLAN_MONTH)
    async with app.run_test(size=SIZE) as pilot:  # none of them is his: nothing marked
        pane = await open_approval(pilot, "positions")
        assert not any("◆" in row["position"] for row in pane.query_one(ViewTable)._rows.values())
    app = MillplanApp(short, "ivanov", month=PLAN_MONTH)
    async with app.run_test(size=SIZE) as pilot:
        pane = await open_approval(pilot, "positions")
        assert all("◆" in row["position"] for row in pane.query_one(ViewTable)._rows.values())  # he sells them all
        pane._go("conflicts")
        await pilot.pause()
        assert pane.query_one(ViewTable).selected["position"] == "D6#1"
        assert "At stake: 1 400 000 RUB, 100.0 t short" in text_of(app, "#approval-counts")
        await pilot.press("plus")
        await type_line(pilot, "the client's line stops")
        await settle(pilot)
    [request] = requests.requests(short)
    assert (request.kind, request.position_ref, request.requested_by) == (RequestKind.PRIORITY_RAISE, "D6#1", "ivanov")
    assert request.margin_at_stake == FORCE_MARGIN_CHANGE and request.justification == "the client's line stops"

    app = MillplanApp(short, "plm", month=PLAN_MONTH)
    async with app.run_test(size=SIZE) as pilot:
        pane = await open_approval(pilot, "requests")
        assert pane.query_one(ViewTable).selected["id"] == request.id
        assert {"g": "Grant", "r": "Refuse"}.items() <= footer_keys(app).items()
        await pilot.press("g", "y")
        await settle(pilot)
        assert any(f"Request {request.id} granted" in m for m in messages(app))
        assert "granted" in text_of(app, "#approval-detail")
        assert "g" not in footer_keys(app)  # nothing left to grant on it
    [granted] = requests.requests(short)
    assert (granted.state, granted.answered_by) == (RequestState.GRANTED, "plm")
    replanned = planning.latest(short, PLAN_MONTH, "L")
    assert tonnes(replanned, "D6#1") == 600  # re-planned with it forced in
    assert replanned.marginal_income == draft.marginal_income + FORCE_MARGIN_CHANGE


async def test_force_shows_what_it_displaces_before_it_is_done(short):
    app = MillplanApp(short, "plm", month=PLAN_MONTH)
    async with app.run_test(size=SIZE) as pilot:
        await open_approval(pilot, "conflicts")
        await pilot.press("f")
        await settle(pilot)
        question = text_of(app, ".dialog-question")
        assert "D1#1 -100.0 t" in question and "-500 000" in question
        await pilot.press("n")  # not done: nothing changes
        await settle(pilot)
    [conflict] = conflicts(short)
    assert conflict.state is ConflictState.OPEN


async def test_full_cycle_conflict_escalation_director_approval_change_reapproval(short):
    # the line manager escalates the conflict and submits the draft
    app = MillplanApp(short, "plm", month=PLAN_MONTH)
    async with app.run_test(size=SIZE) as pilot:
        await open_approval(pilot, "conflicts")
        await pilot.press("e")
        await type_line(pilot, "both clients are key accounts")
        await settle(pilot)
        await pilot.press("u", "y")
        await settle(pilot)
        assert "Approval needs a reason: 1 conflict, 1 escalation, 0 objections open." in text_of(
            app, "#approval-summary"
        )
        assert "Escal. 1" in text_of(app, "#approval-sections")
    [escalation] = escalations(short)
    assert (escalation.state, escalation.raised_by) == (EscalationState.OPEN, "plm")

    # the director forces D6#1 in, with a reason: the month is re-planned, D1#1 is short now
    app = MillplanApp(short, "director", month=PLAN_MONTH)
    async with app.run_test(size=SIZE) as pilot:
        pane = await open_approval(pilot, "escalations")
        assert pane.query_one(ViewTable).selected["id"] == escalation.id
        assert {"f": "Force", "t": "Later"}.items() <= footer_keys(app).items()
        assert "d" not in footer_keys(app)  # d decides a re-approval round
        await pilot.press("f")
        await settle(pilot)  # first what forcing displaces (a dry run), with the reason box
        question = text_of(app, ".dialog-question")
        assert "D1#1 -100.0 t" in question and "-500 000" in question
        await type_line(pilot, "the contract penalty is higher")
        await settle(pilot)
        assert any(f"Escalation {escalation.id} decided: forced in" in m for m in messages(app))
    assert escalations(short)[0].state is EscalationState.DECIDED
    states = {c.position_ref: c.state for c in conflicts(short)}
    assert states == {"D6#1": ConflictState.FORCED, "D1#1": ConflictState.OPEN}

    # the line manager agrees a later month for D1#1, submits and approves
    app = MillplanApp(short, "plm", month=PLAN_MONTH)
    async with app.run_test(size=SIZE) as pilot:
        pane = await open_approval(pilot, "conflicts")
        table = pane.query_one(ViewTable)
        table.move_cursor(
            row=table.get_row_index(str(next(c.id for c in conflicts(short) if c.position_ref == "D1#1")))
        )
        await pilot.pause()
        assert table.selected["position"] == "D1#1"
        await pilot.press("t")
        await pilot.press("enter")  # the month offered: the next one
        await type_line(pilot, "client agreed by phone")
        await settle(pilot)
        if planning.latest(short, PLAN_MONTH, "L").state is not AssignmentState.IN_REVIEW:
            await pilot.press("u", "y")  # the director's re-plan sent it back to editing
            await settle(pilot)
        await pilot.press("a", "y")
        await settle(pilot)
        assert "revision 1 APPROVED" in text_of(app, "#approval-title")
    later = next(c for c in conflicts(short) if c.position_ref == "D1#1")
    assert (later.state, later.agreed_month) == (ConflictState.LATER_MONTH, PLAN_MONTH + 1)
    approved = planning.latest(short, PLAN_MONTH, "L")
    assert (approved.state, approved.approved_by, tonnes(approved, "D6#1")) == (AssignmentState.APPROVED, "plm", 600)

    # a change after approval opens revision 2 in re-approval; its diff is against r1
    assignments.set_excluded(short, PLAN_MONTH, "L", "D1#1", True, login="plm", reason="the client postponed")
    app = MillplanApp(short, "plm", month=PLAN_MONTH)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f4", "f5")  # re-plan revision 2 without D1#1
        await settle(pilot)
        pane = await open_approval(pilot, "diff")
        assert "revision 2 RE-APPROVAL · in force: r1" in text_of(app, "#approval-title")
        assert pane.query_one(ViewTable).selected["position"] == "D1#1"
        assert pane.query_one(ViewTable).selected["change"] == "removed"
        await pilot.press("u", "y")
        await settle(pilot)
        await pilot.press("a", "y")
        await settle(pilot)
        assert "revision 2 APPROVED" in text_of(app, "#approval-title")
    assert planning.latest(short, PLAN_MONTH, "L").state is AssignmentState.APPROVED


# -- inbox and history ----------------------------------------------------------------------


async def test_inbox_badge_counts_and_the_inbox_marks_read(short, monkeypatch):
    monkeypatch.setenv("MILLPLAN_TIMEZONE", "Asia/Yekaterinburg")  # UTC+5 all year
    newest = inbox(short, "ivanov")[0]
    unread = unread_count(short, "ivanov")
    assert unread >= 1  # the conflict opened on his D6#1
    app = MillplanApp(short, "ivanov", month=PLAN_MONTH)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.unread == unread and f"✉ {unread} (i)" in app.sub_title
        await pilot.press("i")
        await settle(pilot)
        assert isinstance(app.screen, InboxScreen)
        table = app.screen.query_one(ViewTable)
        assert table.row_count == unread and table.selected["unread"] == "●"
        at = table.get_row(table.selected_key)[table.get_column_index("at")].plain
        assert at == f"{newest.at + timedelta(hours=5):%Y-%m-%d %H:%M}"  # plant time, as the history
        assert "D6#1" in text_of(app, "#inbox-detail")
        await pilot.press("r")
        await settle(pilot)
        assert app.screen.query_one(ViewTable).selected["unread"] == ""
        assert unread_count(short, "ivanov") == unread - 1
        assert app.unread == unread - 1
        await pilot.press("escape")
        await settle(pilot)
        assert f"✉ {unread - 1}" in app.sub_title


async def test_history_shows_the_highlighted_objects_entries(short):
    app = MillplanApp(short, "plm", month=PLAN_MONTH)
    async with app.run_test(size=SIZE) as pilot:
        await open_approval(pilot, "conflicts")
        await pilot.press("e")
        await type_line(pilot, "both are key")
        await settle(pilot)
        await pilot.press("h")
        await settle(pilot)
        assert isinstance(app.screen, HistoryScreen)
        [conflict] = conflicts(short)
        assert app.screen.object_key == conflict.key
        table = app.screen.query_one(ViewTable)
        assert [table.get_row_at(i)[2].plain for i in range(table.row_count)] == ["escalated", "opened"]
        assert "both are key" in text_of(app, "#history-detail")
        await pilot.press("escape")
        await pilot.pause()
        assert len(app.screen_stack) == 1


# -- 80×24 ------------------------------------------------------------------------------------


async def test_at_80_by_24_the_essentials_fit(short):
    app = MillplanApp(short, "plm", month=PLAN_MONTH)
    async with app.run_test(size=SIZE) as pilot:
        pane = await open_approval(pilot, "conflicts")
        for selector in ("#approval-title", "#approval-counts", "#approval-summary", "#approval-sections"):
            for line in text_of(app, selector).splitlines():
                assert len(line) <= SIZE[0], (selector, line)
        table = pane.query_one(ViewTable)
        assert table.region.height >= 8  # rows to look at
        # position, tonnes short and margin at stake are on screen without scrolling
        x = 0
        for key, column in table.columns.items():
            x += column.get_render_width(table)
            if key.value == "margin":
                break
        assert x <= table.region.width
        assert {
            "u": "Submit",
            "f": "Force",
            "t": "Later",
            "e": "Escalate",
            "h": "History",
            "q": "Quit",
        }.items() <= footer_keys(app).items()
        assert MARGIN_AT_STAKE == sum(c.margin_at_stake for c in conflicts(short))
        assert "D6#1" in text_of(app, "#approval-detail") and "1 400 000 RUB at stake" in text_of(
            app, "#approval-detail"
        )


async def test_the_director_approves_over_an_open_conflict_with_a_reason(short):
    assignments.submit(short, PLAN_MONTH, "L", login="plm")
    app = MillplanApp(short, "plm", month=PLAN_MONTH)
    async with app.run_test(size=SIZE) as pilot:  # the line manager may not: core says why
        await open_approval(pilot)
        await pilot.press("a")
        await type_line(pilot, "the client waits")
        await settle(pilot)
        assert any("only the director may approve over them" in m for m in messages(app))
    assert planning.latest(short, PLAN_MONTH, "L").state is AssignmentState.IN_REVIEW
    app = MillplanApp(short, "director", month=PLAN_MONTH)
    async with app.run_test(size=SIZE) as pilot:
        await open_approval(pilot)
        assert "Approval needs a reason: 1 conflict, 0 escalations, 0 objections open." in text_of(
            app, "#approval-summary"
        )
        await pilot.press("a")
        question = text_of(app, ".dialog-question")
        assert question.startswith(f"Approve {PLAN_MONTH} L revision 1 (in review)\n")
        assert question.endswith(
            "1 conflict, 0 escalations, 0 objections open.\nIt will be frozen. Approve over them: why?"
        )
        await type_line(pilot, "margin first this month")
        await settle(pilot)
        assert "APPROVED" in text_of(app, "#approval-title")
    approved = planning.latest(short, PLAN_MONTH, "L")
    assert (approved.state, approved.approved_by, approved.approval_reason) == (
        AssignmentState.APPROVED,
        "director",
        "margin first this month",
    )


async def test_the_planner_objects_and_the_line_manager_answers(planned):
    app = MillplanApp(planned, "planner", month=PLAN_MONTH)
    async with app.run_test(size=SIZE) as pilot:
        pane = await open_approval(pilot, "positions")
        table = pane.query_one(ViewTable)
        table.move_cursor(row=table.get_row_index("D2#1"))
        await pilot.pause()
        await pilot.press("o")
        await type_line(pilot, "M1 is down for repairs that week")
        await settle(pilot)
        assert "Review 1" in text_of(app, "#approval-sections")
    [objection] = reviews.reviews(planned, PLAN_MONTH, "L")
    assert (objection.login, objection.verdict, objection.position_ref, objection.open) == (
        "planner",
        "object",
        "D2#1",
        True,
    )
    app = MillplanApp(planned, "plm", month=PLAN_MONTH)
    async with app.run_test(size=SIZE) as pilot:
        await open_approval(pilot, "reviews")
        assert footer_keys(app).get("r") == "Reply"
        await pilot.press("r")
        await type_line(pilot, "repairs moved to next month")
        await settle(pilot)
        assert (
            "planner objects to D2#1: M1 is down for repairs that week — plm: repairs moved to next month"
            in text_of(app, "#approval-detail")
        )
    [answered] = reviews.reviews(planned, PLAN_MONTH, "L")
    assert (answered.open, answered.answered_by, answered.answer) == (False, "plm", "repairs moved to next month")


async def test_an_unregistered_login_is_told_it_may_only_look(short):
    app = MillplanApp(short, "outsider", month=PLAN_MONTH)
    async with app.run_test(size=SIZE) as pilot:
        await open_approval(pilot, "conflicts")
        assert "outsider is not a millplan user: read-only access" in text_of(app, "#approval-summary")
        shown = set(footer_keys(app).values())
        assert {"History", "Quit"} <= shown
        assert not shown & {"Submit", "Approve", "Force", "Later", "Escalate", "Raise", "Lower", "Agree", "Object to"}


async def test_a_positions_history_holds_the_edits_of_revisions_made_to_it(planned):
    assignments.set_excluded(planned, PLAN_MONTH, "L", "D2#1", True, login="plm", reason="the client postponed")
    app = MillplanApp(planned, "plm", month=PLAN_MONTH)
    async with app.run_test(size=SIZE) as pilot:
        pane = await open_approval(pilot, "positions")
        table = pane.query_one(ViewTable)
        table.move_cursor(row=table.get_row_index("D2#1"))
        await pilot.pause()
        await pilot.press("h")
        await settle(pilot)
        rows = app.screen.query_one(ViewTable)
        actions = [(rows.get_row_at(i)[2].plain, rows.get_row_at(i)[3].plain) for i in range(rows.row_count)]
        assert actions[0] == ("excluded", f"{PLAN_MONTH} L revision 1") and actions[-1] == ("created", "D2#1")
        assert "the client postponed" in text_of(app, "#history-detail")


async def test_f12_in_the_assignment_pane_submits_a_draft_then_approves_it(planned):
    app = MillplanApp(planned, "plm", month=PLAN_MONTH)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f4")
        await settle(pilot)
        assert footer_keys(app).get("f12") == "Submit"
        await pilot.press("f12")
        assert "Submit" in text_of(app, ".dialog-question")
        await pilot.press("y")
        await settle(pilot)
        assert planning.latest(planned, PLAN_MONTH, "L").state is AssignmentState.IN_REVIEW
        assert footer_keys(app).get("f12") == "Approve" and "in review" in text_of(app, "#assignment-title")
        await pilot.press("f12", "y")
        await settle(pilot)
        assert "APPROVED" in text_of(app, "#assignment-title")
    assert planning.latest(planned, PLAN_MONTH, "L").state is AssignmentState.APPROVED


async def test_tab_keeps_the_approval_keys(short):
    app = MillplanApp(short, "plm", month=PLAN_MONTH)
    async with app.run_test(size=SIZE) as pilot:
        await open_approval(pilot, "conflicts")
        before = footer_keys(app)
        assert before.get("e") == "Escalate"
        for key in ("tab", "tab", "shift+tab"):
            await pilot.press(key)
            await pilot.pause()
            assert footer_keys(app) == before, key
        await pilot.press("e")  # still acts: the escalation's reason box opens
        await pilot.pause()
        assert "Escalate D6#1" in text_of(app, ".dialog-question")


async def test_the_inbox_shows_a_message_listing_many_positions_in_full(sqlite_store):
    # one plan leaves out ivanov's five positions on L: one message, every position
    # readable at 80×24 by paging through the detail with space
    from textual.containers import VerticalScroll

    from tests.crowded import crowded_plant

    crowded_plant(sqlite_store)
    planning.plan(sqlite_store, PLAN_MONTH, product_line="L", login="plm", first_horizon=1)
    [message] = inbox(sqlite_store, "ivanov")
    app = MillplanApp(sqlite_store, "ivanov", month=PLAN_MONTH)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("i")
        await settle(pilot)
        assert app.screen.query_one(ViewTable).row_count == 1
        detail = text_of(app, "#inbox-detail")
        assert detail.startswith(message.subject) and detail.count(message.subject) == 1
        assert [line.split()[1] for line in detail.splitlines() if line.startswith("• ")] == [
            i.ref for i in message.items
        ]
        scroll = app.screen.query_one("#inbox-scroll", VerticalScroll)
        assert (
            scroll.region.bottom <= SIZE[1] - 1 and scroll.region.height >= 10
        )  # above the footer, most of the screen
        seen = set()
        for _ in range(10):  # page down to the end: every line of the message comes into view
            top = int(scroll.scroll_y)
            seen.update(range(top, top + scroll.region.height))
            if scroll.scroll_y >= scroll.max_scroll_y:
                break
            await pilot.press("space")
            await pilot.pause()
        assert max(seen) >= scroll.virtual_size.height - 1
        assert "More" in footer_keys(app).values()


async def test_a_revision_with_nothing_to_compare_shows_its_mills_and_says_why(planned):
    # revision 1 approved, the month's first: M1 books 500 t D1#1 + 500 t D2#1 (100 of its
    # 100 h, 34 000 000 RUB), M2 200 t D1#1 (40 of 40 h, 3 600 000 RUB)
    assignments.submit(planned, PLAN_MONTH, "L", login="plm")
    assignments.approve(planned, PLAN_MONTH, "L", login="plm")
    app = MillplanApp(planned, "plm", month=PLAN_MONTH)
    async with app.run_test(size=SIZE) as pilot:
        pane = await open_approval(pilot, "mills")
        table = pane.query_one("#approval-table", ViewTable)
        assert [c.key for c in table.view.columns] == ["mill", "tonnes", "hours", "load", "income"]
        assert table.row_count == 2 and table.region.height > 2  # headers and both mills, on screen
        m1, m2 = (table.view.rows[i] for i in (0, 1))
        assert (m1["mill"], m1["tonnes"], m1["hours"], m1["load"].load) == ("M1", 1000.0, 100.0, 1.0)
        assert m1["income"] == 34_000_000 and (m2["tonnes"], m2["income"]) == (200.0, 3_600_000)
        assert "no approved revision before it to compare with; the mills' load in it" in text_of(
            app, "#approval-detail"
        )
        await pilot.press("S")  # the diff: its headers, no rows, and why in words
        await pilot.pause()
        assert table.view.columns and table.row_count == 0
        assert "Revision 1: no approved revision before it" in text_of(app, "#approval-detail")

    # revision 2 compared with 1: the mills' load of the latest beside the change
    assignments.set_excluded(planned, PLAN_MONTH, "L", "D2#1", True, login="plm", reason="client waits")
    planning.plan(planned, PLAN_MONTH, login="plm", first_horizon=1)
    app = MillplanApp(planned, "plm", month=PLAN_MONTH)
    async with app.run_test(size=SIZE) as pilot:
        pane = await open_approval(pilot, "mills")
        view = pane.query_one("#approval-table", ViewTable).view
        assert "load" in [c.key for c in view.columns] and view.rows[0]["load"].mill_code == "M1"
