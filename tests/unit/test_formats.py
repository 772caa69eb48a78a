"""Numbers, dates, months, times and symbols as people read them, in English and in Russian:
the formatting reads the language when it is called (``russian`` switches it for one test),
so every value below is worked out by hand for both."""

from __future__ import annotations

import gettext
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from millplan.core.domain import glyphs, i18n, preferences
from millplan.core.domain.assignment import MillLoad
from millplan.core.domain.errors import InvalidInput
from millplan.core.domain.field_text import value_text
from millplan.core.domain.months import (
    Month,
    date_text,
    day_ranges,
    month_text,
    plant_clock,
    plant_time,
    use_zone,
)
from millplan.core.domain.numbers import NBSP, grouped, money, percent, plain, size
from millplan.core.views.tables import Column, cell_text, load_bar, load_cell

NUMBER = Column("tonnes", "Tonnes", "t", numeric=True, places=1)


@pytest.fixture(autouse=True)
def _plain_surroundings(monkeypatch):
    """No zone from a store, Unicode symbols unless a test says otherwise, no preferences."""
    monkeypatch.delenv("MILLPLAN_TIMEZONE", raising=False)
    monkeypatch.delenv(glyphs.GLYPHS_ENV, raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    glyphs._preference.cache_clear()
    use_zone(None)
    yield
    use_zone(None)
    glyphs._preference.cache_clear()


# -- numbers -----------------------------------------------------------------------------


def test_english_numbers_stay_as_they_were():
    assert grouped(1234567.85, 1) == "1 234 567.9"  # a plain space, a decimal point
    assert grouped(Decimal("-1234"), 0) == "-1 234"
    assert plain(12.5) == "12.5" and percent(0.914) == "91%" and percent(0.9145, 1) == "91.5%"


def test_russian_numbers_have_a_non_breaking_space_and_a_decimal_comma(russian):
    text = grouped(1234567.85, 1)
    assert text == f"1{NBSP}234{NBSP}567,9"
    assert " " not in text  # nowhere to wrap a figure
    assert grouped(Decimal("-1234.5"), 1) == f"-1{NBSP}234,5"
    assert plain(12.5) == "12,5" and percent(0.9145, 1) == "91,5%"


def test_russian_grouping_is_what_babel_writes_for_ru(russian):
    from babel.numbers import format_decimal

    for value in (0.0, 7.25, 999.95, 1000.0, 1234567.891, -50000.5):
        assert grouped(value, 2) == format_decimal(value, format="#,##0.00", locale="ru")


def test_money_for_json_is_plain_in_any_language(russian):
    assert money(Decimal("1234.5")) == "1234.50"


def test_sizes_are_written_with_a_plain_x(russian):
    assert size(530, 10) == "530x10"
    assert size(114, 4.5) == "114x4,5"


def test_table_cells_follow_the_language(russian):
    assert cell_text(1234.56, NUMBER) == f"1{NBSP}234,6"
    assert cell_text(Month(2027, 1), NUMBER) == "янв 2027"
    assert cell_text(date(2026, 12, 5), NUMBER) == "05.12.2026"
    assert (
        load_cell(MillLoad("M1", Month(2027, 1), 100.0, 91.4)) == "█▉  91%"
    )  # 0.914 × 16 = 14.6 → 15 eighths: one full cell and ▉


def test_history_values_follow_the_language(russian):
    assert value_text(50000.25) == f"50{NBSP}000,25"
    assert value_text(12.5) == "12,5"  # trailing zeros and the comma trimmed as the point was
    assert value_text(3.0) == "3"
    assert value_text(date(2026, 12, 5)) == "05.12.2026"


# -- dates, months, times ----------------------------------------------------------------


def test_english_dates_and_months_are_iso_as_before():
    assert date_text(date(2026, 12, 5)) == "2026-12-05"
    assert month_text(Month(2027, 1)) == "2027-01"
    assert cell_text(Month(2027, 1), NUMBER) == "2027-01"
    assert day_ranges([date(2027, 1, 1), date(2027, 1, 2), date(2027, 9, 5)]) == "1–2 Jan 2027; 5 Sep 2027"


def test_russian_dates_and_months(russian):
    assert date_text(date(2026, 12, 5)) == "05.12.2026"
    assert [month_text(m) for m in Month(2027, 1).range(12)] == [
        f"{name} 2027" for name in ("янв", "фев", "мар", "апр", "май", "июн", "июл", "авг", "сен", "окт", "ноя", "дек")
    ]  # CLDR's «февр.», «сент.» cut to three letters, no dot
    assert day_ranges([date(2027, 1, 1), date(2027, 1, 2), date(2027, 9, 5)]) == "1–2 янв 2027; 5 сен 2027"
    assert str(Month(2027, 1)) == "2027-01"  # storage, JSON and input keep YYYY-MM


def test_times_are_shown_on_the_plants_clock_in_the_language(monkeypatch, russian):
    at = datetime(2026, 12, 31, 20, 30, tzinfo=UTC)
    monkeypatch.setenv("MILLPLAN_TIMEZONE", "Asia/Yekaterinburg")  # UTC+5 all year
    assert plant_clock(at) == "01.01.2027 01:30"
    assert cell_text(at, NUMBER) == "01.01.2027 01:30"


def test_the_stores_zone_is_used_and_the_environment_wins_over_it(monkeypatch):
    at = datetime(2026, 12, 31, 20, 30, tzinfo=UTC)
    use_zone("Europe/Moscow")  # UTC+3
    assert plant_clock(at) == "2026-12-31 23:30"
    assert plant_time(at).date() == date(2026, 12, 31)
    monkeypatch.setenv("MILLPLAN_TIMEZONE", "Asia/Yekaterinburg")
    assert plant_clock(at) == "2027-01-01 01:30"
    use_zone(None)
    monkeypatch.delenv("MILLPLAN_TIMEZONE")
    assert plant_time(at).utcoffset() == at.astimezone().utcoffset()  # none set: the machine's zone


def test_a_zone_that_is_none_is_refused():
    with pytest.raises(InvalidInput, match="'Mars/Base' is not a time zone"):
        use_zone("Mars/Base")


# -- glyphs ------------------------------------------------------------------------------


def test_unicode_by_default_and_ascii_on_the_linux_console(monkeypatch):
    assert str(glyphs.MANUAL) == "✋" and load_bar(0.5) == "█ "
    monkeypatch.setenv("TERM", "linux")
    assert glyphs.ascii_mode()
    assert (str(glyphs.MANUAL), str(glyphs.KEY_ACCOUNT), str(glyphs.CARRIED), str(glyphs.ELLIPSIS)) == (
        "!",
        "*",
        "~",
        "...",
    )
    assert load_bar(0.5) == "# " and load_bar(13 / 16) == "#:" and load_bar(2.0) == "#!" and load_bar(None) == "- "
    assert load_cell(MillLoad("M1", Month(2027, 1), 100.0, 91.4)) == "#=  91%"  # 7 cells, as in Unicode


def test_the_environment_and_the_preference_choose_over_the_terminal(monkeypatch, tmp_path):
    monkeypatch.setenv("TERM", "linux")
    monkeypatch.setenv(glyphs.GLYPHS_ENV, "unicode")
    assert str(glyphs.ARROW) == "→"
    monkeypatch.delenv(glyphs.GLYPHS_ENV)
    monkeypatch.setenv(preferences.CONFIG_ENV, str(tmp_path / "config.toml"))
    preferences.save("glyphs", "unicode")
    glyphs._preference.cache_clear()
    assert str(glyphs.ARROW) == "→"
    monkeypatch.setenv("TERM", "xterm")
    preferences.save("glyphs", "ascii")
    glyphs._preference.cache_clear()
    assert str(glyphs.ARROW) == "->"
    monkeypatch.setenv(glyphs.GLYPHS_ENV, "auto")  # auto: the preference still decides
    assert str(glyphs.ARROW) == "->"


def test_a_columns_unit_is_translated_when_shown_however_the_view_wrote_it(monkeypatch):
    class Units(gettext.NullTranslations):
        def gettext(self, message: str) -> str:
            return {"t": "т", "k RUB": "тыс. руб."}.get(message, message)

    monkeypatch.setattr(i18n, "_current", Units())
    assert Column("tonnes", "Тонны", "t", numeric=True).header == "Тонны, т"
    assert Column("tonnes", "Тонны", "т", numeric=True).header == "Тонны, т"  # already through _: kept
    assert Column("margin", "МД", "k RUB", numeric=True).header == "МД, тыс. руб."
    assert Column("customer", "Клиент").header == "Клиент"


def test_the_history_reads_stored_months_and_sizes_as_people_write_them(russian):
    from millplan.core.views.history import _text

    assert _text("requested_month", "2027-01", {}, {}, "position") == "янв 2027"
    assert (
        _text("norms", [[500, 600, 8, 12.5, 40]], {}, {"norms": ("нормы", "t/h")}, "mill") == "500–600x8–12,5: 40 т/ч"
    )


def test_the_views_marks_are_drawn_in_ascii_on_the_linux_console(monkeypatch):
    from millplan.core.domain.assignment import Assignment, AssignmentState, Exclusion
    from millplan.core.views.assignment import exclusions_view

    by_hand = Exclusion(7, "D1#1", 50.0, "manual", "excluded by hand", manual=True)
    assignment = Assignment(
        1, Month(2027, 1), "L", 1, AssignmentState.DRAFT, datetime(2026, 12, 1, tzinfo=UTC), "plm", None, None,
        None, None, None, (), (by_hand,), {}, carried_over=frozenset({7}),
    )  # fmt: skip
    assert exclusions_view(assignment).rows[0]["position"] == "D1#1 ✋ ↻"
    monkeypatch.setenv("TERM", "linux")
    assert exclusions_view(assignment).rows[0]["position"] == "D1#1 ! ~"
