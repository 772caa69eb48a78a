"""The workstation's words in Russian at 80×24 (the `russian` fixture), as a new Russian user
reads them: a revision named as people name it (``янв 2027 L, редакция 1``, never
``2027-01/L/r1``) in dialogs, toasts, the inbox and the history; months as Russians write
them; people by their names; the solver's status and seconds in Russian."""

from __future__ import annotations

import pytest

from millplan.core.domain.months import Month, month_text
from millplan.core.planning import run as planning
from millplan.core.workflow import assignments
from millplan.tui.app import MillplanApp
from millplan.tui.screens.dialogs import ConfirmScreen
from millplan.tui.screens.records import HistoryScreen, InboxScreen
from millplan.tui.widgets.view_table import ViewTable
from tests.plants import PLAN_MONTH, staff, tiny_plant
from tests.tui.pilot import SIZE, messages, open_approval, settle, text_of


@pytest.fixture
def plant(sqlite_store):
    tiny_plant(sqlite_store)
    staff(sqlite_store)
    return sqlite_store


@pytest.fixture
def planned(plant):
    planning.plan(plant, PLAN_MONTH, login="plm", first_horizon=1)
    return plant


async def test_the_revision_is_named_as_people_name_it(planned, russian):
    revision = f"{month_text(PLAN_MONTH)} L, редакция 1"
    app = MillplanApp(planned, "plm", month=PLAN_MONTH)
    async with app.run_test(size=SIZE) as pilot:
        await open_approval(pilot)
        await pilot.press("u")
        assert isinstance(app.screen, ConfirmScreen)
        assert text_of(app, ".dialog-question") == f"Отправить на согласование: {revision}?"
        await pilot.press("y")
        await settle(pilot)
        await pilot.press("a")
        assert text_of(app, ".dialog-question").startswith(f"Утвердить: {revision} (на согласовании)\n")
        await pilot.press("y")
        await settle(pilot)
        assert f"{revision}: отправлено на согласование." in messages(app)
        assert f"{revision}: утверждено." in messages(app)
        assert not [m for m in messages(app) if "/r1" in m or str(PLAN_MONTH) in m]
        await pilot.press("h")  # the history of the revision shown
        await settle(pilot)
        assert isinstance(app.screen, HistoryScreen)
        assert text_of(app, ".title").startswith(f"История: {revision}")
        assert {row["object"] for row in app.screen.query_one(ViewTable).view.rows} == {revision}


async def test_the_inbox_names_its_reader_and_what_each_notification_is_about(planned, russian):
    assignments.submit(planned, PLAN_MONTH, "L", login="plm")
    app = MillplanApp(planned, "planner", month=PLAN_MONTH)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("i")
        await settle(pilot)
        assert isinstance(app.screen, InboxScreen)
        assert text_of(app, "#inbox-title").startswith(
            "Входящие: Planner — непрочитанных 1 из 1"
        )  # a name, not a login
        about = app.screen.query_one(ViewTable).selected["about"]
        assert about == f"{month_text(PLAN_MONTH)} L, редакция 1"


async def test_a_past_month_is_refused_with_the_current_month_in_words(plant, russian):
    past = Month.current() - 1
    app = MillplanApp(plant, "plm", month=past)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f4")
        await settle(pilot)
        await pilot.press("f5")
        await settle(pilot)
        [refusal] = [m for m in messages(app) if "текущий месяц" in m]
        assert f"(текущий месяц — {month_text(Month.current())})" in refusal
        assert str(Month.current()) not in refusal


async def test_the_plan_toast_says_the_solver_status_and_seconds_in_russian(plant, russian):
    app = MillplanApp(plant, "plm", month=PLAN_MONTH)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f4")
        await settle(pilot)
        await pilot.press("f5")
        await settle(pilot)
        [planned] = [m for m in messages(app) if m.startswith("Спланировано ")]
        assert "(оптимально, " in planned and "optimal" not in planned
        seconds = planned.rsplit(", ", 1)[1]
        assert seconds.endswith(" с)") and "," in seconds and "." not in seconds  # "0,05 с)"
