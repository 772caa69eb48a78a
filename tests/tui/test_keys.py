"""Keys in any layout (tui/keys.py): the Russian ЙЦУКЕН layout's letters run every action,
Enter confirms, keys typed ahead of a dialog never answer it, Tab keeps focus where the
pane's keys work, the palette finds actions in Russian and English, F1 lists the keys."""

from __future__ import annotations

import gettext
import subprocess
import sys

import pytest
from textual import events
from textual.widgets import DataTable, Input, TabbedContent, Tabs

from millplan.core.domain import i18n
from millplan.core.domain.assignment import AssignmentState
from millplan.core.domain.months import today_set
from millplan.core.domain.portfolio import DealStatus
from millplan.core.planning import run as planning
from millplan.core.workflow import assignments, reviews
from millplan.tui import keys
from millplan.tui.app import MillplanApp
from millplan.tui.screens.dialogs import ConfirmScreen
from millplan.tui.screens.keys_screen import KeysScreen
from millplan.tui.widgets.assignment.pane import AssignmentPane
from millplan.tui.widgets.deals_pane import DealsPane
from millplan.tui.widgets.view_table import ViewTable
from tests.levers import conflict_plant
from tests.plants import PLAN_MONTH, deal, position, staff, tiny_plant
from tests.stale_plant import TODAY, stale_plant
from tests.tui.pilot import SIZE, footer_keys, open_approval, settle, text_of


@pytest.fixture
def app(sqlite_store):
    tiny_plant(sqlite_store)
    return MillplanApp(sqlite_store, "plm", month=PLAN_MONTH)


def deal_status(store, number: str) -> DealStatus:
    with store.reading() as repo:
        return repo.plant.deal(number).status


async def type_ahead(pilot, *names: str) -> None:
    """Send ``names`` as keys read from the terminal in one go: every event is made now,
    before the app has handled the first (as keys typed while the app is busy)."""
    for name in names:
        pilot.app.post_message(events.Key(name, name if len(name) == 1 else None))
    await settle(pilot)


# -- the layout twins -----------------------------------------------------------------------


def test_each_latin_key_has_the_russian_key_of_the_same_place():
    assert keys.twin_of("y") == "н"
    assert keys.twin_of("A") == "Ф"
    assert (keys.twin_of("left_square_bracket"), keys.twin_of("right_square_bracket")) == ("х", "ъ")
    assert (keys.twin_of("comma"), keys.twin_of("full_stop"), keys.twin_of("slash")) == ("б", "ю", "full_stop")
    assert (keys.twin_of("semicolon"), keys.twin_of("apostrophe"), keys.twin_of("grave_accent")) == ("ж", "э", "ё")
    assert keys.twin_of("f6") is None and keys.twin_of("1") is None and keys.twin_of("ctrl+r") is None


def test_a_twin_already_bound_in_the_class_is_left_alone():
    from textual.binding import Binding, BindingsMap

    bound = keys.with_twins(BindingsMap([Binding("slash", "filter", "Filter"), Binding("full_stop", "next", "Next")]))
    assert [b.action for b in bound.key_to_bindings["full_stop"]] == ["next"]  # "/" gives way to its own "."
    assert [b.action for b in bound.key_to_bindings["ю"]] == ["next"]
    twin = bound.key_to_bindings["ю"][0]
    assert twin.show is False and twin.id is None


async def test_accept_a_deal_with_the_russian_a_and_confirm_with_the_russian_y(app, sqlite_store):
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f3")
        await settle(pilot)
        await pilot.press("ф")  # the key of "a"
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("н")  # the key of "y"
        await settle(pilot)
        assert app.query_one("#deals-table", ViewTable).row_count == 0
    assert deal_status(sqlite_store, "D4") is DealStatus.ACCEPTED


async def test_the_russian_n_and_escape_say_no(app, sqlite_store):
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f3")
        await settle(pilot)
        for no in ("т", "escape"):
            await pilot.press("f6")
            assert isinstance(app.screen, ConfirmScreen)
            await pilot.press(no)
            await settle(pilot)
            assert len(app.screen_stack) == 1
    assert deal_status(sqlite_store, "D4") is DealStatus.PENDING


async def test_switch_month_with_the_russian_brackets(app):
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f4")
        await settle(pilot)
        pane = app.query_one(AssignmentPane)
        await pilot.press("ъ")
        await settle(pilot)
        assert pane.month == PLAN_MONTH + 1
        await pilot.press("х", "х")
        await settle(pilot)
        assert pane.month == PLAN_MONTH - 1


async def test_footer_shows_the_latin_key_and_no_twin(app):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        shown = footer_keys(app)
        assert "h" in shown and "q" in shown
        assert not set(shown) & set(keys.TWINS.values())  # no "р", "й" beside them


# -- Enter and keys typed ahead -------------------------------------------------------------


async def test_enter_confirms(app, sqlite_store):
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f3")
        await settle(pilot)
        await pilot.press("f6", "enter")
        await settle(pilot)
    assert deal_status(sqlite_store, "D4") is DealStatus.ACCEPTED


async def test_keys_typed_before_the_dialog_opens_never_answer_it(app, sqlite_store):
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f3")
        await settle(pilot)
        await type_ahead(pilot, "f6", "enter", "y", "н")  # all read before the dialog is up
        assert isinstance(app.screen, ConfirmScreen)  # still asking
        assert deal_status(sqlite_store, "D4") is DealStatus.PENDING
        await pilot.press("н")  # pressed with the question on screen
        await settle(pilot)
        assert len(app.screen_stack) == 1
    assert deal_status(sqlite_store, "D4") is DealStatus.ACCEPTED


# -- reasons in Russian, then the pane's keys ----------------------------------------------


async def test_after_a_russian_reason_the_panes_keys_work_again(sqlite_store):
    tiny_plant(sqlite_store)
    with sqlite_store.unit_of_work() as repo:  # a second deal waits beside D4
        repo.plant.upsert_portfolio(
            {}, [deal("D7", "Other Co", status="pending")], [position("D7", 1, "20", 50, 60_000)], "test", "fixture"
        )
    app = MillplanApp(sqlite_store, "plm", month=PLAN_MONTH)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f3")
        await settle(pilot)
        table = app.query_one("#deals-table", ViewTable)
        assert table.row_count == 2
        first = table.selected["key"]
        await pilot.press("ч")  # the key of "x": reject
        assert isinstance(app.focused, Input)
        await pilot.press(*"нет мощности", "enter")  # typed in the Russian layout
        await settle(pilot)
        assert app.focused is table  # back on the table, not stranded
        second = table.selected["key"]
        assert second != first
        await pilot.press("ф", "н")
        await settle(pilot)
    assert deal_status(sqlite_store, first) is DealStatus.REJECTED
    assert deal_status(sqlite_store, second) is DealStatus.ACCEPTED


# -- Tab ------------------------------------------------------------------------------------


@pytest.mark.parametrize("pane", ["load", "deals", "assignment", "approval", "actuals", "stale"])
async def test_tab_stays_among_the_panes_tables(app, pane):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.action_show(pane)
        await settle(pilot)
        shown = app.query_one(f"#{pane}-pane")
        assert not app.query_one(Tabs).focusable  # nor does a click leave focus on the tab bar
        for key in ("tab",) * 4 + ("shift+tab",) * 4:
            await pilot.press(key)
            assert isinstance(app.focused, DataTable), (key, app.focused)
            assert shown in app.focused.ancestors
        await pilot.press("i")  # an app key still answers
        await settle(pilot)
        assert len(app.screen_stack) == 2


async def test_tab_moves_between_the_assignments_two_tables(app):
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f4")
        await settle(pilot)
        assert app.focused.id == "lines-table"
        await pilot.press("tab")
        assert app.focused.id == "excluded-table"
        await pilot.press("tab")
        assert app.focused.id == "lines-table"


async def test_tab_still_moves_between_a_forms_fields(sqlite_store):
    conflict_plant(sqlite_store)
    app = MillplanApp(sqlite_store, "plm", month=PLAN_MONTH)
    async with app.run_test(size=SIZE) as pilot:
        await open_approval(pilot, "conflicts")
        await pilot.press("е")  # the key of "t": a later month, in a form of two fields
        await settle(pilot)
        fields = list(app.screen.query(Input))
        assert len(fields) == 2 and app.focused is fields[0]
        await pilot.press("tab")
        assert app.focused is fields[1]


# -- the approval pane in the Russian layout ------------------------------------------------


async def test_approval_actions_in_the_russian_layout(sqlite_store):
    conflict_plant(sqlite_store)
    assignments.submit(sqlite_store, PLAN_MONTH, "L", login="plm")
    app = MillplanApp(sqlite_store, "planner", month=PLAN_MONTH)
    async with app.run_test(size=SIZE) as pilot:
        pane = await open_approval(pilot)
        await pilot.press("ы")  # the key of "s": the next section
        assert pane.section != "diff"
        await pilot.press("Ы")  # "S": back
        assert pane.section == "diff"
        await pane_go(pilot, pane, "positions")
        await pilot.press("щ")  # "o": object to the highlighted position, with a reason
        await pilot.press(*"срок не подходит", "enter")  # typed in the Russian layout
        await settle(pilot)
        assert isinstance(app.focused, DataTable) and pane in app.focused.ancestors  # the pane's keys work on
        await pilot.press("н")  # "y": the planner agrees
        assert "Agree to" in text_of(app, ".dialog-question")
        await pilot.press("enter")
        await settle(pilot)
        assert len(app.screen_stack) == 1
    verdicts = [(r.login, r.verdict, r.reason) for r in reviews.reviews(sqlite_store, PLAN_MONTH, "L")]
    assert verdicts == [("planner", "object", "срок не подходит"), ("planner", "agree", None)]


async def test_submit_and_approve_in_the_russian_layout(sqlite_store):
    tiny_plant(sqlite_store)
    staff(sqlite_store)
    planning.plan(sqlite_store, PLAN_MONTH, login="plm", first_horizon=1)
    app = MillplanApp(sqlite_store, "plm", month=PLAN_MONTH)
    async with app.run_test(size=SIZE) as pilot:
        await open_approval(pilot)
        await pilot.press("г", "н")  # "u" submits for review, "y" says yes
        await settle(pilot)
        assert "IN REVIEW" in text_of(app, "#approval-title")
        await pilot.press("ф")  # "a": approve
        assert "frozen" in text_of(app, ".dialog-question")
        await pilot.press("н")
        await settle(pilot)
        assert "APPROVED" in text_of(app, "#approval-title")
    assert planning.latest(sqlite_store, PLAN_MONTH, "L").state is AssignmentState.APPROVED


async def pane_go(pilot, pane, section: str) -> None:
    while pane.section != section:
        await pilot.press("ы")
    await settle(pilot)


# -- the palette and F1 ---------------------------------------------------------------------


class Catalogue(gettext.NullTranslations):
    """A few Russian words, as the repository's catalogue will have them."""

    WORDS = {"Approve revision": "Утвердить редакцию", "Accept": "Акцепт", "Reject": "Отклонить", "Keys": "Клавиши"}

    def gettext(self, message: str) -> str:
        return self.WORDS.get(message, message)


@pytest.fixture
def russian_words(monkeypatch):
    monkeypatch.setattr(i18n, "_current", Catalogue())


async def search(pilot, query: str) -> list[str]:
    await pilot.press("ctrl+p")
    await pilot.press(*query)
    await pilot.pause(0.5)  # the palette searches in the background
    await settle(pilot)
    hits = [str(option.prompt) for option in pilot.app.screen.query_one("CommandList")._options]
    await pilot.press("escape")
    return hits


async def test_palette_finds_an_action_in_russian_and_in_english(app, russian_words):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert any("Утвердить редакцию" in hit for hit in await search(pilot, "утверд"))
        hits = await search(pilot, "approve")
        assert any("Утвердить редакцию" in hit for hit in hits), hits


async def test_footer_labels_follow_the_language_the_app_starts_in(russian_words, sqlite_store, monkeypatch):
    tiny_plant(sqlite_store)
    app = MillplanApp(sqlite_store, "plm", month=PLAN_MONTH)  # started in Russian
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f3")
        await settle(pilot)
        shown = footer_keys(app)
        assert (shown.get("f6"), shown.get("f7")) == ("Акцепт", "Отклонить")
    monkeypatch.setattr(i18n, "_current", gettext.NullTranslations())
    english = MillplanApp(sqlite_store, "plm", month=PLAN_MONTH)  # the next start reads them again
    async with english.run_test(size=SIZE) as pilot:
        await pilot.press("f3")
        await settle(pilot)
        assert footer_keys(english).get("f6") == "Accept"


async def test_f1_lists_the_panes_keys_in_both_layouts(app):
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f3")
        await settle(pilot)
        assert app.query_one(DealsPane) in app.focused.ancestors
        await pilot.press("f1")
        await settle(pilot)
        assert isinstance(app.screen, KeysScreen)
        rows = {row.description: (row.keys, row.russian) for row in app.screen.rows}
        assert rows["Accept"] == ("F6, a", "ф")
        assert rows["Promise typed"] == ("F9, t", "е")
        assert rows["First row"] == ("Home", "") and rows["Last row"] == ("End", "")  # as people write them
        assert rows["Reload"][0] == "Ctrl+R"
        assert rows["History"] == ("h", "р")  # the app's keys too
        assert "Plan" not in rows  # another pane's
        table = app.screen.query_one(DataTable)
        assert table.row_count == len(app.screen.rows)
        await pilot.press("f1")
        assert len(app.screen_stack) == 1


async def test_f1_on_the_approval_pane(sqlite_store):
    conflict_plant(sqlite_store)
    app = MillplanApp(sqlite_store, "plm", month=PLAN_MONTH)
    async with app.run_test(size=SIZE) as pilot:
        await open_approval(pilot, "conflicts")
        await pilot.press("f1")
        await settle(pilot)
        rows = {row.description: (row.keys, row.russian) for row in app.screen.rows}
        assert rows["Force"] == ("f", "а") and rows["Escalate"] == ("e", "у")
        assert rows["Previous month"] == ("[", "х") and rows["Next month"] == ("]", "ъ")


async def test_a_click_on_a_tab_shows_its_pane_with_focus_on_its_table(app):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.click("#--content-tab-deals")
        await settle(pilot)
        assert app.query_one(TabbedContent).active == "deals"
        assert app.focused is app.query_one("#deals-table")


async def test_the_stale_ledger_in_the_russian_layout(sqlite_store):
    with today_set(TODAY):
        stale_plant(sqlite_store)
        app = MillplanApp(sqlite_store, "plm")
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("6")
            await settle(pilot)
            table = app.query_one("#stale-table", ViewTable)
            assert table.selected["key"] == "A#1"
            await pilot.press("ч", *"клиент ушёл", "enter")  # "x": cancel, the reason in Russian
            await settle(pilot)
            assert app.focused is table and "A#1" not in [row.key.value for row in table.ordered_rows]
            await pilot.press("full_stop")  # the "/" key: the text filter
            assert isinstance(app.focused, Input)
            await pilot.press(*"петров", "enter")
            await settle(pilot)
            assert app.focused is table and [row.key.value for row in table.ordered_rows] == ["B#1"]
    with sqlite_store.reading() as repo:
        assert repo.plant.position("A", 1).tonnes_cancelled == 100.0


def test_the_app_loads_every_tui_module_so_the_twins_reach_every_binding():
    """use_layout_twins rebuilds the classes loaded when the app starts: a screen module
    imported later (inside a function) would keep Latin-only keys. ``millplan.tui.web`` is the
    browser server, which starts workstations in processes of their own and binds no key."""
    script = (
        "import pkgutil, sys, millplan.tui, millplan.tui.app\n"
        "names = [m.name for m in pkgutil.walk_packages(millplan.tui.__path__, 'millplan.tui.')]\n"
        "print([n for n in names if n not in sys.modules and n != 'millplan.tui.web'])\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120)
    assert done.stdout.strip() == "[]"
