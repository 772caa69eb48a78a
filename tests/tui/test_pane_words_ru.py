"""The workstation's words in Russian at 80×24 (the `russian` fixture), as a new Russian user
reads them: a revision named as people name it (``янв 2027 L, редакция 1``, never
``2027-01/L/r1``) in dialogs, toasts, the inbox and the history; months as Russians write
them; people by their names; the solver's status and seconds in Russian."""

from __future__ import annotations

import pytest

from millplan.core.access.permissions import Action, require
from millplan.core.domain.errors import Forbidden
from millplan.core.domain.i18n import _
from millplan.core.domain.months import Month, month_text, today_set
from millplan.core.planning import run as planning
from millplan.core.workflow import assignments
from millplan.tui.app import MillplanApp
from millplan.tui.screens.dialogs import ConfirmScreen
from millplan.tui.screens.keys_screen import KeysScreen
from millplan.tui.screens.records import HistoryScreen, InboxScreen
from millplan.tui.widgets.view_table import ViewTable
from tests.plants import PLAN_MONTH, staff, tiny_plant
from tests.stale_plant import TODAY, stale_plant
from tests.tui.pilot import SIZE, footer_keys, messages, open_approval, settle, text_of


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


@pytest.fixture
def in_review(planned):
    """Revision 1 submitted: the planner has it to review in his inbox."""
    assignments.submit(planned, PLAN_MONTH, "L", login="plm")
    return planned


async def open_inbox(pilot) -> None:
    await settle(pilot)
    await pilot.press("i")
    await settle(pilot)
    assert isinstance(pilot.app.screen, InboxScreen)


async def test_the_inbox_names_its_reader_and_what_each_notification_is_about(in_review, russian):
    app = MillplanApp(in_review, "planner", month=PLAN_MONTH)
    async with app.run_test(size=SIZE) as pilot:
        await open_inbox(pilot)
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


# -- the command palette, the footer and Textual's own words -------------------------------


async def palette(pilot, query: str = "") -> list[str]:
    """The palette's titles for ``query`` (every command with none), then closed again."""
    await pilot.press("ctrl+p")
    await pilot.press(*query)
    await pilot.pause(0.7)  # the palette searches in the background, and says "no matches" after 0.5 s
    await settle(pilot)
    options = pilot.app.screen.query_one("CommandList")._options
    # each line's first: the title (the help below it); "no matches" is aligned
    lines = [str(getattr(option.prompt, "renderable", option.prompt)).split("\n")[0] for option in options]
    await pilot.press("escape")
    await pilot.pause()
    return lines


@pytest.mark.parametrize(
    ("query", "command"),
    [
        ("рассчитать", "План"),
        ("расчёт", "План"),
        ("расчет", "План"),
        ("calculate", "План"),
        ("уведомления", "Входящие"),
        ("помощь", "Клавиши"),
        ("эксель", "Выгрузить в Excel"),
        ("excel", "Выгрузить в Excel"),
        ("срок", "Срок по сделке"),
    ],
)
async def test_the_palette_finds_a_command_by_the_words_people_type(plant, russian, query, command):
    app = MillplanApp(plant, "plm", month=PLAN_MONTH)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        hits = await palette(pilot, query)
        assert any(hit == command or hit.startswith(f"{command} · ") for hit in hits), hits


async def test_the_palette_says_no_match_in_russian_and_has_one_keys_command(plant, russian):
    app = MillplanApp(plant, "plm", month=PLAN_MONTH)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "Ничего не найдено" in await palette(pilot, "жжжж")
        every = await palette(pilot)
        assert every.count("Клавиши") == 1
        assert not {"Keys", "Theme", "Quit", "Screenshot", "Maximize"} & set(every)  # Textual's own, in Russian
        await pilot.press("ctrl+p", *"клавиши")
        await pilot.pause(0.7)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, KeysScreen)  # millplan's keys, not Textual's panel in English
        assert not app.screen_stack[0].query("HelpPanel")


async def test_the_theme_list_asks_in_russian(plant, russian):
    app = MillplanApp(plant, "plm", month=PLAN_MONTH)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.search_themes()
        await pilot.pause()
        assert app.screen.query_one("CommandInput").placeholder == "Поиск темы…"


async def test_the_footer_and_f1_name_keys_in_russian(in_review, russian):
    app = MillplanApp(in_review, "planner", month=PLAN_MONTH)
    async with app.run_test(size=SIZE) as pilot:
        await open_inbox(pilot)
        shown = footer_keys(app)
        assert shown.get("пробел") == "Далее" and shown.get("Esc") == "Назад"
        assert not {"space", "esc"} & set(shown)
        await pilot.press("f1")
        await settle(pilot)
        rows = {row.description: row.keys for row in app.screen.rows}
        assert rows["Далее"] == "Пробел" and rows["Назад"] == "Esc"


async def test_ctrl_c_says_which_key_quits_in_russian(plant, russian):
    app = MillplanApp(plant, "plm", month=PLAN_MONTH)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+c")
        await pilot.pause()
        assert messages(app)[-1].startswith("Чтобы выйти из рабочего места, нажмите q")


async def test_f1_on_the_load_pane_names_the_month_keys_the_arrows_and_enter(plant, russian):
    app = MillplanApp(plant, "plm", month=PLAN_MONTH)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f1")
        await settle(pilot)
        rows = {row.description: (row.keys, row.russian) for row in app.screen.rows}
        assert rows["Предыдущий месяц"] == ("[, ←", "х")
        assert rows["Следующий месяц"] == ("], →", "ъ")
        assert rows[_("Mill's lines")] == ("g, Enter", "п")
        assert "Месяц" not in rows


# -- keys that do nothing here say why -----------------------------------------------------


async def test_the_chart_key_says_why_there_is_no_chart(planned, russian):
    app = MillplanApp(planned, "plm", month=PLAN_MONTH)
    async with app.run_test(size=SIZE) as pilot:
        await open_approval(pilot)  # revision 1, nothing approved before it
        await pilot.press("с")  # "c" in the Russian layout
        await settle(pilot)
        assert messages(app)[-1] == "Графика нет: до редакции 1 ничего не утверждено, сравнивать не с чем."
        await pilot.press("s", "s")  # the conflicts section
        await pilot.press("c")
        await settle(pilot)
        assert messages(app)[-1] == "График есть в разделах «Изменения» и «Агрегаты» (s)."


async def test_a_stale_action_on_another_lines_position_says_who_may(sqlite_store, russian):
    with today_set(TODAY):
        stale_plant(sqlite_store)
        app = MillplanApp(sqlite_store, "klm")  # the manager of line K; the ledger's positions are L's
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("6")
            await settle(pilot)
            before = len(messages(app))
            await pilot.press("у")  # "e": extend
            await settle(pilot)
            assert len(app.screen_stack) == 1  # no dialog
            [said] = messages(app)[before:]
            assert "L" in said and said == refusal(app, sqlite_store)


def refusal(app, store) -> str:
    """What core says when ``klm`` would dispose of A#1, a stale position of line L."""
    try:
        require(app.actor, Action.DISPOSE_STALE, line="L", target="A#1")
    except Forbidden as refused:
        return str(refused)
    raise AssertionError("klm may dispose of line L's positions")
