"""millplan.core.domain.months.Month: strict YYYY-MM parsing, arithmetic across years, days, ranges, order.

Every expected value is worked out by hand from the calendar (comments say how).
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from millplan.core.domain.errors import InvalidInput
from millplan.core.domain.months import (
    TODAY_ENV,
    Month,
    day_ranges,
    month_from_text,
    plant_time,
    plant_today,
    today_set,
)

# -- parsing -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "year", "month"),
    [
        ("2027-01", 2027, 1),
        ("2026-12", 2026, 12),
        ("1900-01", 1900, 1),  # lowest year allowed
        ("2999-12", 2999, 12),  # highest year allowed
        (" 2027-03 ", 2027, 3),  # a spreadsheet cell's stray outer spaces are tolerated
    ],
)
def test_parse_accepts_yyyy_mm(text, year, month):
    parsed = Month.parse(text)
    assert (parsed.year, parsed.month) == (year, month)
    assert parsed == Month(year, month)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "2027",
        "2027-1",  # month needs two digits
        "27-01",  # year needs four digits
        "2027-001",
        "2027/01",
        "2027-01-15",  # a date, not a month
        "01-2027",
        "2027-00",  # month 0
        "2027-13",  # month 13
        "1899-12",  # year below range
        "3000-01",  # year above range
        "2027-+1",  # int() would take a sign...
        "2027- 1",  # ...or inner spaces...
        "+027-01",
        "2027-1_",
        "20_7-01",  # ...or digit-group underscores...
        "\uff12\uff10\uff12\uff17-01",  # ...or full-width digits "２０２７"...
        "2027-\u0660\u0661",  # ...or Arabic-Indic digits "٠١": none is YYYY-MM
        "abcd-ef",
    ],
)
def test_parse_rejects_anything_but_yyyy_mm(text):
    with pytest.raises(ValueError) as raised:
        Month.parse(text)
    assert repr(text) in str(raised.value)  # the message names the offending text


@pytest.mark.parametrize(("year", "month"), [(2027, 0), (2027, 13), (1899, 12), (3000, 1)])
def test_constructor_rejects_out_of_range(year, month):
    with pytest.raises(ValueError):
        Month(year, month)


def test_str_round_trips_and_pads():
    assert str(Month(2027, 1)) == "2027-01"
    assert str(Month(1999, 10)) == "1999-10"
    for text in ("2027-01", "2026-12", "2030-07"):
        assert str(Month.parse(text)) == text


def test_of():
    assert Month.of(date(2028, 2, 29)) == Month(2028, 2)
    assert Month.of(datetime(2026, 12, 31, 23, 59)) == Month(2026, 12)


# -- the plant's date ----------------------------------------------------------------------


def test_the_plants_date_is_millplan_today_when_set(monkeypatch):
    monkeypatch.setenv(TODAY_ENV, "2031-02-28")
    assert plant_today() == date(2031, 2, 28)
    assert Month.current() == Month(2031, 2)


def test_the_timezone_decides_the_date_when_no_date_is_set(monkeypatch):
    monkeypatch.delenv(TODAY_ENV, raising=False)
    monkeypatch.setenv("MILLPLAN_TIMEZONE", "Asia/Yekaterinburg")  # UTC+5, no daylight saving
    assert plant_today() == plant_time(datetime.now(UTC)).date()
    assert plant_time(datetime(2026, 12, 31, 20, 0, tzinfo=UTC)).date() == date(2027, 1, 1)


def test_a_date_set_for_a_command_wins_over_the_environment_and_ends_with_it(monkeypatch):
    monkeypatch.setenv(TODAY_ENV, "2031-02-28")
    with today_set(date(2029, 7, 1)):
        assert Month.current() == Month(2029, 7)
    assert Month.current() == Month(2031, 2)


@pytest.mark.parametrize("text", ["2031-2-28", "2031-02-30", "28.02.2031", "tomorrow"])
def test_a_malformed_millplan_today_is_refused_naming_it(monkeypatch, text):
    monkeypatch.setenv(TODAY_ENV, text)
    with pytest.raises(InvalidInput) as raised:
        Month.current()
    assert f"MILLPLAN_TODAY={text!r}" in str(raised.value)


# -- arithmetic --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (Month(2027, 1), 0, Month(2027, 1)),
        (Month(2026, 12), 1, Month(2027, 1)),  # over a year end
        (Month(2026, 11), 3, Month(2027, 2)),  # Nov + 3 = Feb next year
        (Month(2026, 1), 24, Month(2028, 1)),  # two whole years
        (Month(2026, 6), 19, Month(2028, 1)),  # Jun 2026 + 19 = Jun 2026 + 12 + 7 = Jan 2028
        (Month(2027, 1), -1, Month(2026, 12)),  # back over a year end
        (Month(2027, 3), -15, Month(2025, 12)),  # Mar 2027 − 12 = Mar 2026, − 3 more = Dec 2025
        (Month(2027, 12), -12, Month(2026, 12)),
    ],
)
def test_add_months(start, months, expected):
    assert start + months == expected


@pytest.mark.parametrize(
    ("later", "earlier", "difference"),
    [
        (Month(2027, 1), Month(2027, 1), 0),
        (Month(2027, 1), Month(2026, 12), 1),
        (Month(2028, 2), Month(2026, 11), 15),  # Nov 2026 → Nov 2027 is 12, → Feb 2028 is 3 more
        (Month(2026, 11), Month(2028, 2), -15),
    ],
)
def test_subtract_months(later, earlier, difference):
    assert later - earlier == difference
    assert earlier + difference == later


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (Month(2027, 1), 1, Month(2026, 12)),
        (Month(2027, 3), 15, Month(2025, 12)),
        (Month(2027, 3), 0, Month(2027, 3)),
    ],
)
def test_subtract_a_number_of_months(start, months, expected):
    assert start - months == expected


def test_arithmetic_with_non_integers_is_a_type_error():
    with pytest.raises(TypeError):
        Month(2027, 1) + 1.5
    with pytest.raises(TypeError):
        Month(2027, 1) - "2026-12"


# -- calendar ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("month", "days"),
    [
        (Month(2028, 2), 29),  # 2028 divisible by 4, not by 100: leap
        (Month(2027, 2), 28),
        (Month(2000, 2), 29),  # divisible by 400: leap
        (Month(1900, 2), 28),  # divisible by 100, not by 400: not leap
        (Month(2027, 1), 31),
        (Month(2027, 4), 30),
        (Month(2027, 12), 31),
    ],
)
def test_days(month, days):
    assert month.days == days


def test_first_day():
    assert Month(2028, 2).first_day == date(2028, 2, 1)


def test_range_runs_across_a_year_end():
    assert Month(2026, 11).range(4) == [Month(2026, 11), Month(2026, 12), Month(2027, 1), Month(2027, 2)]
    assert Month(2027, 5).range(1) == [Month(2027, 5)]
    assert Month(2027, 5).range(0) == []


# -- ordering ----------------------------------------------------------------------------


def test_ordering_is_chronological():
    assert Month(2026, 12) < Month(2027, 1)  # later year wins though its month number is lower
    assert Month(2027, 2) > Month(2027, 1)
    assert Month(2027, 1) <= Month(2027, 1)
    shuffled = [Month(2027, 1), Month(2025, 12), Month(2026, 10), Month(2026, 2)]
    assert sorted(shuffled) == [Month(2025, 12), Month(2026, 2), Month(2026, 10), Month(2027, 1)]
    # the stored text sorts the same way
    assert sorted(str(m) for m in shuffled) == [str(m) for m in sorted(shuffled)]


def test_months_are_hashable_values():
    assert Month(2027, 1) == Month.parse("2027-01")
    assert len({Month(2027, 1), Month.parse("2027-01"), Month(2026, 1)}) == 2


def test_day_ranges_say_runs_of_days_compactly_month_by_month():
    days = [date(2027, 1, d) for d in (17, 1, 2, 3, 19, 20)] + [date(2027, 2, 2), date(2027, 1, 2)]
    assert day_ranges(days) == "1–3, 17, 19–20 Jan 2027; 2 Feb 2027"
    assert day_ranges([date(2026, 12, 31), date(2027, 1, 1)]) == "31 Dec 2026; 1 Jan 2027"
    assert day_ranges([]) == ""


# -- a month as a person types it ------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "2027-03",
        "03.2027",
        "3.2027",
        "3/2027",
        "мар 2027",
        "март 2027",
        "марта 2027",
        "МАРТ 2027",
        "Mar 2027",
        "march 2027",
        "Mar. 2027",
        "2027 март",
    ],
)
def test_month_from_text_reads_names_numbers_and_iso(text):
    assert month_from_text(text) == Month(2027, 3)


def test_month_from_text_tells_may_from_march_and_june_from_july():
    assert [month_from_text(t).month for t in ("май 2027", "мая 2027", "июн 2027", "июл 2027", "сент. 2027")] == [
        5,
        5,
        6,
        7,
        9,
    ]


@pytest.mark.parametrize("text", ["ма 2027", "13.2027", "2027-13", "март", "мартобря 2027", "июн 1800", ""])
def test_month_from_text_refuses_what_is_no_month_saying_what_is(text, russian):
    with pytest.raises(ValueError, match="не месяц: введите, например, мар 2027, 03.2027 или 2027-03"):
        month_from_text(text)
