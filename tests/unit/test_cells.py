"""Reading single cells as the plant types them (core.importing.cells)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from millplan.core.domain.months import Month
from millplan.core.importing import cells
from millplan.core.importing.cells import CellError

NBSP, NNBSP = "\u00a0", "\u202f"


@pytest.mark.parametrize(
    "raw, expected",
    [
        (1234, Decimal("1234")),
        (1234.5, Decimal("1234.5")),
        ("1234,5", Decimal("1234.5")),
        ("1 234,5", Decimal("1234.5")),
        (f"1{NBSP}234,5", Decimal("1234.5")),  # Excel's Russian thousands separator
        (f"1{NNBSP}234{NNBSP}567", Decimal("1234567")),
        ("1.234,5", Decimal("1234.5")),
        ("1,234.5", Decimal("1234.5")),
        (" 210 ", Decimal("210")),
        ("\u22125", Decimal("-5")),  # a typographic minus pasted from Word
        ("-12,75", Decimal("-12.75")),
    ],
)
def test_decimal_reads_numbers_and_russian_number_text(raw, expected):
    assert cells.decimal(raw) == expected


@pytest.mark.parametrize("raw", [None, "", "   ", NBSP])
def test_decimal_blank_is_none(raw):
    assert cells.decimal(raw) is None


@pytest.mark.parametrize(
    "raw, why",
    [
        ("много", "not a number"),
        ("12 т", "not a number"),
        (datetime(2027, 1, 1), "date"),
        (True, "yes/no"),
        ("nan", "not a number"),
    ],
)
def test_decimal_rejects_what_is_not_a_number(raw, why):
    with pytest.raises(CellError, match=why):
        cells.decimal(raw)


def test_money_rounds_to_kopecks_and_number_is_float():
    assert cells.money("74 100,456") == Decimal("74100.46")
    assert cells.number("10,5") == 10.5
    assert isinstance(cells.number(3), float)


@pytest.mark.parametrize("raw, expected", [(3, 3), (3.0, 3), ("3", 3), (" 12 ", 12), ("4,0", 4)])
def test_integer_accepts_whole_numbers(raw, expected):
    assert cells.integer(raw) == expected


def test_integer_rejects_fractions():
    with pytest.raises(CellError, match="whole number"):
        cells.integer(3.5)


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("да", True),
        ("Да", True),
        (" ДА ", True),
        ("1", True),
        (1, True),
        (1.0, True),
        (True, True),
        ("нет", False),
        ("Нет", False),
        ("0", False),
        (0, False),
        (False, False),
        (None, False),
        ("", False),
        (NBSP, False),
    ],
)
def test_flag_reads_yes_no_as_written(raw, expected):
    assert cells.flag(raw) is expected


def test_flag_rejects_other_words():
    with pytest.raises(CellError, match="yes/no"):
        cells.flag("может быть")


@pytest.mark.parametrize(
    "raw",
    [
        datetime(2027, 1, 1),
        datetime(2027, 1, 15, 10, 30),
        date(2027, 1, 31),
        46388,  # Excel serial day number of 2027-01-01
        46388.0,
        "январь 2027",
        "Январь 2027 г.",
        "ЯНВАРЯ 2027 года",
        f"январь{NBSP}2027",
        "янв. 2027",
        "янв 27",
        "January 2027",
        "01.2027",
        "1.2027",
        "01/2027",
        "01.01.2027",
        "15.01.2027",
        "2027-01",
        "2027-01-20",
    ],
)
def test_month_reads_dates_serials_and_text(raw):
    assert cells.month(raw) == Month(2027, 1)


@pytest.mark.parametrize("raw", ["13.2027", "31.02.2027", "весна 2027", "январь", "2027", 12, "00.2027"])
def test_month_rejects_what_is_no_month(raw):
    with pytest.raises(CellError, match="month"):
        cells.month(raw)


def test_month_blank_is_none():
    assert cells.month(None) is None
    assert cells.month("  ") is None


def test_text_trims_collapses_spaces_and_prints_whole_numbers_plainly():
    assert cells.text(f"  ООО{NBSP}{NBSP}«Трубы»  ") == "ООО «Трубы»"
    assert cells.text(20.0) == "20"  # steel grade 20 typed as a number
    assert cells.text(20.5) == "20.5"
    assert cells.text(datetime(2026, 9, 18)) == "2026-09-18"
    assert cells.text("   ") is None


@pytest.mark.parametrize("raw", [datetime(2026, 9, 18), date(2026, 9, 18), "18.09.2026", "2026-09-18", "18/09/2026"])
def test_timestamp_is_midnight_utc(raw):
    assert cells.timestamp(raw) == datetime(2026, 9, 18, tzinfo=UTC)


def test_timestamp_rejects_text():
    with pytest.raises(CellError, match="date"):
        cells.timestamp("вчера")


def test_items_split_on_commas_semicolons_and_new_lines():
    assert cells.items("К52, К56;X60\nX65 ,, ") == ("К52", "К56", "X60", "X65")
    assert cells.items(None) == ()


# -- separators, date systems, flag words ---------------------------------------------------


@pytest.mark.parametrize(
    "raw, mark",
    [
        ("12,75", ","),
        ("1 234,5", ","),
        ("1.234,5", ","),
        ("1.234.567", ","),
        ("0,500", ","),
        ("1234,567", ","),
        ("12.75", "."),
        ("1,234.5", "."),
        ("1,234,567", "."),
        ("-0.125", "."),
        ("1,234", None),
        ("45.000", None),
        ("-1,500", None),  # ambiguous
        ("1234", None),
        ("много", None),
        ("12 т", None),
        (12.75, None),
        (None, None),  # no mark shown
    ],
)
def test_decimal_mark_shown_by_number_text(raw, mark):
    assert cells.decimal_mark(raw) == mark


@pytest.mark.parametrize("raw, mark", [("1,234", ","), ("45.000", "."), ("-1,500", ",")])
def test_ambiguous_number_names_both_readings(raw, mark):
    with pytest.raises(cells.AmbiguousNumber) as ambiguity:
        cells.decimal(raw)

    thousands = Decimal(raw.replace(mark, ""))
    assert ambiguity.value.reading(mark) == Decimal(raw.replace(",", "."))
    assert ambiguity.value.reading("." if mark == "," else ",") == thousands
    assert f"'{mark}' is the decimal mark" in str(ambiguity.value) and "separates thousands" in str(ambiguity.value)


def test_settle_takes_the_one_mark_a_column_shows():
    assert cells.settle(["1,234", 12, "12,75", None, "1 500,5"]) == ","
    assert cells.settle(["1,234", "1,234.5"]) == "."
    assert cells.settle(["1,234", 12.5, "45,000"]) is None  # nothing settles it
    assert cells.settle(["12,75", "12.75"]) is None  # the column disagrees with itself


def test_serial_days_count_from_the_workbooks_date_system():
    from openpyxl.utils.datetime import MAC_EPOCH

    serial_1904 = (date(2027, 1, 15) - date(1904, 1, 1)).days
    with cells.date_system(MAC_EPOCH):
        assert cells.month(serial_1904) == Month(2027, 1)
        assert cells.timestamp(serial_1904) == datetime(2027, 1, 15, tzinfo=UTC)
    assert cells.month(serial_1904) == Month(2023, 1)  # the 1900 system again outside the block (4 years earlier)


@pytest.mark.parametrize("raw", ["ключевой", "Ключевой", "KEY", "key", "✔", "✓", "☑"])
def test_flag_takes_key_words_and_ticks(raw):
    assert cells.flag(raw) is True


def test_flag_takes_its_columns_header_word():
    words = cells.header_words("Ключевой клиент")
    assert words == {"ключевой клиент", "ключевой"}
    assert cells.flag("VIP", also_yes=cells.header_words("VIP-клиент")) is True
    assert cells.flag("Ключевой клиент", also_yes=words) is True
    with pytest.raises(CellError):
        cells.flag("VIP")  # not without its header
    assert cells.header_words("Нет") == set()  # a "no" word never turns into yes


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("дa", True),
        ("Дa", True),
        ("HET", False),
        ("нeт", False),
        ("KEY", True),
        ("Kлючевой", True),
        ("н", False),
        ("x", True),
    ],
)
def test_flag_reads_look_alike_letters_as_the_word_meant(raw, expected):
    # "дa" and "нeт" mix a Latin letter into Russian; "HET" is "нет" typed on the Latin layout
    assert cells.flag(raw) is expected


def test_flag_takes_its_header_word_typed_in_the_other_alphabet():
    assert cells.flag("ключевой", also_yes=cells.header_words("Kлючевой")) is True  # Latin K in the header
    assert cells.flag("VIP", also_yes=cells.header_words("VIP")) is True


def test_an_unreadable_flag_lists_every_word_taken_including_the_header_word():
    with pytest.raises(CellError) as caught:
        cells.flag("может быть", also_yes=cells.header_words("VIP-клиент"))
    message = str(caught.value)
    for word in ("да", "yes", "1", "ключевой", "key", "✔", "vip", "нет", "no", "0", "empty"):
        assert word in message
