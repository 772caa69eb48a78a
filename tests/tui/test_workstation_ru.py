"""The workstation in Russian at 80×24 (the `russian` fixture): tab titles, the command
palette (millplan's entries and Textual's own), the approval pane's sections, the typed-in
promise form, the stale-deal ledger's counts in their three plural forms, a stale action's
notification in words, and the plan-vs-actual title's days.

These read the repository's Russian catalogue: they pass once the translators' catalogues
are merged into it."""

from __future__ import annotations

from datetime import date

import pytest
from textual.widgets import Label, TabbedContent

from millplan.core.domain.months import today_set
from millplan.tui.app import MillplanApp
from millplan.tui.screens.position_form import PositionFormScreen
from tests.fulfilment_plant import planned_month
from tests.plants import PLAN_MONTH, staff, tiny_plant
from tests.stale_plant import TODAY, stale_plant
from tests.tui.pilot import SIZE, messages, open_approval, settle, text_of


@pytest.fixture
def plant(sqlite_store):
    tiny_plant(sqlite_store)
    staff(sqlite_store)
    return sqlite_store


@pytest.fixture
def ledger(sqlite_store):
    with today_set(TODAY):
        stale_plant(sqlite_store)
        yield sqlite_store


async def test_tabs_palette_and_sections_speak_russian(plant, russian):
    app = MillplanApp(plant, "plm", month=PLAN_MONTH)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        tabs = app.query_one(TabbedContent)
        titles = [tabs.get_tab(pane).label.plain for pane in ("load", "deals", "assignment", "approval")]
        assert titles == ["F2 Загрузка", "F3 Сделки", "F4 Задание", "F10 Согласование"]
        commands = {title: help_text for title, _english, help_text, _call in app.bilingual_commands(app.screen)}
        assert commands["Акцептовать сделку"] == "Акцептовать выделенную сделку (F6)"
        assert commands["Утвердить редакцию"].startswith("Согласование: ")
        assert commands["Тема"] == "Сменить тему оформления"  # Textual's own entry
        assert not {"Theme", "Quit", "Accept deal"} & set(commands)
        await open_approval(pilot)
        assert text_of(app, "#approval-sections").startswith("s [Изменения]  Агрегаты ")


async def test_the_typed_promise_form_is_labelled_in_russian(plant, russian):
    app = MillplanApp(plant, "plm", month=PLAN_MONTH)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f3")
        await settle(pilot)
        await pilot.press("f9")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, PositionFormScreen)
        assert str(form.query_one("#label-od_mm", Label).render()) == "диаметр, мм"
        form.query_one("#form-metal_cost").focus()  # Enter on the last field submits: the diameter is empty
        await pilot.press("enter")
        await pilot.pause()
        assert "диаметр, мм: нужно значение" in messages(app)


async def test_the_ledger_counts_in_russian_plural_forms_and_says_what_was_done(ledger, russian):
    app = MillplanApp(ledger, "plm")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("6")
        await settle(pilot)
        assert text_of(app, "#stale-status").startswith("5 зависших позиций · причина: любая · ")
        await pilot.press("r")  # overdue: A#1 and F#1
        await settle(pilot)
        assert text_of(app, "#stale-status").startswith("2 зависшие позиции · ")
        for _ in range(4):  # unplanned, idle, no mill, then the cancelled and closed ones
            await pilot.press("r")
        await settle(pilot)
        assert text_of(app, "#stale-status").startswith("0 позиций отменено или закрыто · ")
        assert text_of(app, "#stale-detail") == "Нет отменённых или закрытых позиций."
        await pilot.press("r")  # any reason again
        await settle(pilot)
        await pilot.press("x")
        await pilot.press(*"клиент ушёл", "enter")
        await settle(pilot)
        assert "Отменено: A#1 · уведомлены: ivanov" in messages(app)
        for _ in range(5):
            await pilot.press("r")
        await settle(pilot)
        assert text_of(app, "#stale-status").startswith("1 позиция отменена или закрыта · ")


async def test_the_month_in_progress_counts_its_days_in_russian(sqlite_store, russian):
    planned_month(sqlite_store)
    with today_set(date(PLAN_MONTH.year, PLAN_MONTH.month, 11)):
        app = MillplanApp(sqlite_store, "plm")
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("5")
            await settle(pilot)
            assert text_of(app, "#actuals-title").endswith(" · L · редакция 1 · идёт · прошло 10 дней")
