"""Recognising column headers however the plant wrote them (core.importing.headers)."""

from __future__ import annotations

import pytest

from core.importing import mills, portfolio
from core.importing.headers import normalise, recognise, split_unit

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
