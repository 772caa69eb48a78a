"""Core's messages in Russian: they pass once the translators' catalogue is merged into
core/domain/locale/ru/LC_MESSAGES/millplan.po."""

from __future__ import annotations

from millplan.core.domain.portfolio import DealStatus
from millplan.core.domain.states import state_label
from millplan.core.domain.workflow import key_label
from millplan.core.importing.problems import ImportRejected, Problem
from millplan.core.planning.options import PlanOptions


def test_keys_and_states_in_russian(russian):
    assert key_label("request 3") == "запрос 3"
    assert key_label("2027-01/ТБД/r2") == "янв 2027 ТБД, редакция 2"  # the month as Russians write it
    assert key_label("2027-01 ТБД") == "янв 2027 ТБД"  # a month of a line (a month close's)
    assert state_label(DealStatus.PENDING) == "ожидает акцепта"


def test_an_import_problem_in_russian(russian):
    problem = Problem("book.xlsx", "Портфель", 5, "C", "Количество, т", "пять", "is not a number")
    # the why is translated where it is raised; the place and the sentence around it here
    assert str(problem).startswith("book.xlsx, лист 'Портфель', строка 5, столбец C 'Количество, т': 'пять'")


def test_counts_take_russian_plural_forms(russian):
    def head(count: int) -> str:
        problems = [Problem("b.xlsx", None, n, None, None, None, "x") for n in range(count)]
        return str(ImportRejected("b.xlsx", problems)).splitlines()[0]

    assert head(1) == "b.xlsx: ничего не загружено, 1 ошибка:"
    assert head(3) == "b.xlsx: ничего не загружено, 3 ошибки:"
    assert head(5) == "b.xlsx: ничего не загружено, 5 ошибок:"
    assert PlanOptions(horizon=2).describe() == "горизонт 2 месяца"
    assert PlanOptions(horizon=5).describe() == "горизонт 5 месяцев"
