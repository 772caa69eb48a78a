"""The presentation layer's generic parts (core.views.tables, core.views.states)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from millplan.core.domain.assignment import AssignmentState
from millplan.core.domain.states import state_label
from millplan.core.domain.workflow import ConflictState, EscalationState, RequestState
from millplan.core.views.tables import TEXT_WIDTH, Column, TableView, json_rows


@pytest.mark.parametrize("state", [*AssignmentState, *RequestState, *ConflictState, *EscalationState])
def test_every_state_has_a_label_without_underscores(state):
    assert state_label(state) and "_" not in state_label(state)


def test_a_revision_in_review_reads_as_people_say_it():
    assert state_label(AssignmentState.IN_REVIEW) == "in review"
    assert state_label(ConflictState.LATER_MONTH) == "later month"


def test_width_hints_default_to_text_width_for_free_text_and_the_header_for_figures():
    assert Column("customer", "Customer", wrap=True).width == TEXT_WIDTH
    assert Column("tonnes", "Tonnes", "t", numeric=True).width == len("Tonnes, t")
    assert Column("mill", "Mill").width is None
    assert Column("why", "Why", wrap=True, width=40).width == 40


def test_json_rows_are_keyed_by_column_with_figures_rounded_and_money_as_text():
    view = TableView(
        "T",
        (
            Column("mill", "Mill"),
            Column("tonnes", "Tonnes", "t", True),
            Column("price", "Price", "RUB", True, money=True),
        ),
        ({"key": "M1", "mill": "M1", "tonnes": 1.23456, "price": Decimal("10.5")},),
    )
    assert json_rows(view) == [{"mill": "M1", "tonnes": 1.235, "price": "10.50"}]
