"""Recognising column headers however the plant wrote them (core.importing.headers)."""

from __future__ import annotations

import pytest

from millplan.core.importing import cells, mills, portfolio
from millplan.core.importing.headers import FieldSpec, Recognised, normalise, recognise, split_unit

NBSP = "\u00a0"


@pytest.mark.parametrize(
    "header, key",
    [
        ("Количество, т", "tonnes_ordered"),
        ("КОЛИЧЕСТВО, Т", "tonnes_ordered"),
        ("  Количество ,  тн ", "tonnes_ordered"),
        (f"Количество,{NBSP}тн", "tonnes_ordered"),
        ("Кол-во, т", "tonnes_ordered"),
        ("Кол-во, тн.", "tonnes_ordered"),
        ("Кол-во,\nтн", "tonnes_ordered"),  # a line break typed with Alt+Enter
        ("Клиент*", "customer"),
        ("Цена, руб/т", "price"),
        ("Цена, руб./т", "price"),
        ("Цена, руб. / т", "price"),
        ("Цена,  руб./тн", "price"),
        ("Перем. затраты (металл), руб./т", "metal_cost"),
        ("Контрагент", "customer"),
        ("Заказчик", "customer"),
        ("Срок поставки", "requested_month"),
        ("Месяц отгрузки", "requested_month"),
        ("№ поз.", "position_no"),
        ("№\u00a0позиции", "position_no"),
        ("Номер сделки", "deal_number"),
        ("Ключевой клиент", "is_key_account"),
        ("Клиент", "customer"),
        ("Произведено, тн", "tonnes_produced"),
        ("Толщина стенки, мм", "wall_mm"),
        ("Статус", "deal_status"),
    ],
)
def test_portfolio_header_variants(header, key):
    found = recognise(header, portfolio.FIELDS, {})
    assert found is not None, f"{header!r} not recognised"
    assert (found.field.key, found.problem) == (key, None)


@pytest.mark.parametrize(
    "header, key",
    [
        ("Производительность, т/ч", "tonnes_per_hour"),
        ("Производительность, т./ч", "tonnes_per_hour"),
        ("Производительность, тн / ч", "tonnes_per_hour"),
        ("Фонд времени, ч/мес.", "nominal_hours"),
        ("Затраты передела, руб./т", "conversion_cost"),
        ("Диаметр от, мм", "od_min_mm"),
        ("Стенка до, мм", "wall_max_mm"),
    ],
)
def test_mill_header_variants(header, key):
    """Each table of the register is matched against its own fields."""
    fields = mills.NORM_FIELDS if key == "tonnes_per_hour" else mills.MILL_FIELDS
    found = recognise(header, fields, {})
    assert found is not None, f"{header!r} not recognised"
    assert (found.field.key, found.problem) == (key, None)


@pytest.mark.parametrize(
    "header, key, unit",
    [
        ("Количество, кг", "tonnes_ordered", "кг"),
        ("Цена, тыс. руб./т", "price", "тыс руб/т"),  # a thousandfold price is refused, not misread
        ("Диаметр, м", "od_mm", "м"),
    ],
)
def test_a_known_name_in_a_wrong_unit_is_reported(header, key, unit):
    found = recognise(header, portfolio.FIELDS, {})
    assert found is not None and found.field.key == key
    assert found.problem is not None and unit in found.problem


def test_mapping_wins_over_built_in_names():
    mapping = {normalise("Объём отгрузки, т"): "tonnes_ordered", normalise("Клиент"): "note"}
    assert recognise("Объём  отгрузки, т", portfolio.FIELDS, mapping).field.key == "tonnes_ordered"
    assert recognise("клиент", portfolio.FIELDS, mapping).field.key == "note"


def test_unknown_headers_are_not_guessed():
    assert recognise("Вагоны", portfolio.FIELDS, {}) is None
    assert recognise("Цена за штуку", portfolio.FIELDS, {}) is None


def test_normalise_and_split_unit():
    assert normalise(f"  Цена,{NBSP} руб./т ") == normalise("цена руб/т")
    assert split_unit("Кол-во, тн") == ("кол-во", "т")
    assert split_unit("Затраты передела, тыс. руб./т") == ("затраты передела", "тыс руб/т")
    assert split_unit("Марка стали") == ("марка стали", None)


@pytest.mark.parametrize(
    "header, key",
    [
        # an abbreviation with a dot stands for any word it begins; a single letter too
        ("Ключ.", "is_key_account"),
        ("Ключ. клиент", "is_key_account"),
        ("Ключ.клиент", "is_key_account"),
        ("Произв., т", "tonnes_produced"),
        ("Приор.", "manual_priority"),
        ("Д нар., мм", "od_mm"),
        ("Д. акц.", "accepted_at"),
        ("Ст. сделки", "deal_status"),
        ("Кол., тн", "tonnes_ordered"),
        ("Признак ключ. клиента", "is_key_account"),
        # a hint in brackets or after a comma is not part of the name
        ("Ключевой клиент (да/нет)", "is_key_account"),
        ("Ключевой клиент, да/нет", "is_key_account"),
        ("Приоритет (1-3)", "manual_priority"),
        ("Количество (т)", "tonnes_ordered"),
        ("Произведено, т (на 01.12)", "tonnes_produced"),
        ("Дата акцепта [дд.мм.гггг]", "accepted_at"),
        # Latin look-alikes in a Cyrillic word, and Cyrillic ones in a Latin word
        ("Kлиент", "customer"),  # Latin K
        ("Мaркa стaли", "steel_grade"),  # Latin a
        ("HTД", "standard"),  # Latin H and T
        ("Cтатус сделки", "deal_status"),  # Latin C
        ("Priоrity", "manual_priority"),  # Cyrillic о
        # common phrasings of the same field
        ("Признак ключевого клиента", "is_key_account"),
        ("Ключевой контрагент", "is_key_account"),
        ("Фактически произведено, т", "tonnes_produced"),
        ("Ручной приоритет", "manual_priority"),
        ("Дата акцептации", "accepted_at"),
    ],
)
def test_headers_as_a_person_reads_them(header, key):
    found = recognise(header, portfolio.FIELDS, {})
    assert found is not None, f"{header!r} not recognised"
    assert (found.field.key, found.problem) == (key, None)


@pytest.mark.parametrize(
    "header, unit",
    [
        ("Количество (кг)", "кг"),
        ("Количество, кг (по весу)", "кг"),
        ("Кол., кг", "кг"),
        ("Кол-во, шт", "шт"),
        ("Кол-во (шт.)", "шт"),
    ],
)
def test_a_wrong_unit_in_a_hint_or_after_an_abbreviation_is_still_refused(header, unit):
    found = recognise(header, portfolio.FIELDS, {})
    assert found is not None and found.field.key == "tonnes_ordered"
    assert found.problem is not None and f"is in {unit}" in found.problem


def test_a_header_two_fields_fit_is_refused_naming_both():
    found = recognise("Затраты передела, руб/т", mills.ALL_FIELDS, {})  # the mill's and the size band's
    assert found.problem is not None
    assert "'Затраты передела (перем.), руб/т' (conversion_cost)" in found.problem
    assert "'Перем. затраты на передел, руб/т' (band_conversion_cost)" in found.problem
    many = recognise("Ст.", portfolio.FIELDS, {})  # статус, стенка, сталь, стандарт
    assert many.problem is not None
    assert all(label in many.problem for label in ("'Статус сделки'", "'Стенка, мм'", "'Марка стали'", "'НТД'"))


def test_an_exact_name_wins_over_a_hint_free_name_and_an_abbreviation():
    def spec(key, *names):
        return FieldSpec(key, names[0], names[1:], cells.text, required=False)

    fields = (
        spec("station", "Ст"),
        spec("wall", "Стенка"),
        spec("grade", "Сталь"),
        spec("full", "Цена опт"),
        spec("bare", "Цена"),
    )
    assert recognise("Ст.", fields, {}) == Recognised(fields[0])  # the name "ст" itself, not an abbreviation
    assert recognise("Ст. ", fields[1:], {}).problem.startswith("fits both 'Стенка' (wall) and 'Сталь' (grade)")
    assert recognise("Цена (опт)", fields, {}) == Recognised(fields[3])  # the whole name before the name without hints
    assert recognise("Цена (розн.)", fields, {}) == Recognised(fields[4])  # no name fits whole: the hint is dropped
    # a mapping file settles an ambiguous header
    assert recognise("Ст.", portfolio.FIELDS, {normalise("Ст."): "wall_mm"}).field.key == "wall_mm"


def test_undotted_words_are_not_abbreviations():
    assert recognise("Ключ клиент", portfolio.FIELDS, {}) is None
    assert recognise("Д, мм", portfolio.FIELDS, {}) is None  # a lone letter: not "Длина"
    assert recognise("Кол", portfolio.FIELDS, {}) is None
    assert recognise("В т.ч. НДС", portfolio.FIELDS, {}) is None


def test_look_alike_letters_follow_the_word_and_leave_pure_words_alone():
    assert normalise("Kлиент") == normalise("Клиент")
    assert normalise("Priоrity") == "priority"
    assert split_unit("Производительность, t/h") == ("производительность", "т/ч")
    assert normalise("X52") == "x52"  # a word of one alphabet only is left as typed
