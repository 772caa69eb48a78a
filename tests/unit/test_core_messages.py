"""Core's messages as whole sentences: object keys, states and counts said in words, the
same English text as before they went through the catalogue."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from millplan.core.domain.months import Month
from millplan.core.domain.portfolio import DealStatus
from millplan.core.domain.stale import Disposition, disposition_verb
from millplan.core.domain.states import state_label
from millplan.core.domain.stored_text import say
from millplan.core.domain.workflow import Conflict, ConflictState, key_label
from millplan.core.importing.problems import ImportRejected, Problem, table_name, table_place
from millplan.core.planning.explain import booked_by, listed
from millplan.core.planning.options import PlanOptions
from millplan.core.views.conflicts import conflicts_view
from millplan.solver.problem import Booking


def test_audit_keys_read_as_people_name_the_objects():
    assert key_label("request 3") == "request 3"
    assert key_label("2027-01/ТБД/r2") == "2027-01 ТБД revision 2"
    assert key_label("user ivanov") == "user ivanov"
    assert key_label("2027-01 ТБД") == "2027-01 ТБД"
    assert key_label("С-26/2601") == "С-26/2601"  # a deal number stays as it is


def test_deal_states_have_words():
    assert state_label(DealStatus.PENDING) == "waiting for acceptance"
    assert state_label(DealStatus.ACCEPTED) == "accepted"
    assert state_label(DealStatus.CANCELLED) == "cancelled"


def test_every_ledger_action_has_a_verb():
    assert {disposition_verb(d) for d in Disposition} == {
        "extend",
        "change the priority of",
        "cancel",
        "close",
        "restore",
    }


def test_a_problem_names_its_place_then_the_value_and_why():
    problem = Problem("book.xlsx", "Портфель", 5, "C", "Количество, т", "пять", "is not a number")
    assert str(problem) == "book.xlsx, sheet 'Портфель', row 5, column C 'Количество, т': 'пять' is not a number"
    assert table_place("book.xlsx", "Портфель", 3) == "sheet 'Портфель', header row 3"
    assert table_place("day.csv", "day", 1) == "header row 1"  # a CSV file has no sheets
    assert table_name("norms") == "productivity norms"


@pytest.mark.parametrize(("count", "said"), [(1, "1 problem:"), (3, "3 problems:")])
def test_a_rejected_import_counts_its_problems(count, said):
    problems = [Problem("book.xlsx", None, n, None, None, None, "is empty") for n in range(1, count + 1)]
    message = str(ImportRejected("book.xlsx", problems, hint="Fix the rows."))
    assert message.splitlines()[0] == f"book.xlsx: nothing imported, {said}"
    assert message.splitlines()[-1] == "Fix the rows."


def test_a_long_list_is_capped():
    assert listed([f"P{i}" for i in range(12)]) == "P0, P1, P2, P3, P4, P5, P6, P7, P8, P9 … and 2 more"


def test_what_books_a_mill_month_is_one_sentence():
    booking = Booking(key=620.0, reserved=0.0, better=40.0, better_per_hour=900000.0)
    said = say(booked_by(booking))
    assert said.startswith("key-account positions (620") and " and better-paying positions (40" in said
    assert "locked" not in said
    assert say(booked_by(Booking(reserved=5.0))).startswith("locked or mandatory positions (5")


def test_plan_options_count_months():
    assert PlanOptions(horizon=1).describe() == "horizon 1 month"
    assert PlanOptions(horizon=3, early_months=1).describe() == "horizon 3 months · up to 1 month early"


def test_a_conflict_row_names_its_months_as_russians_write_them(russian):
    conflict = Conflict(
        1, 1, Month(2027, 1), "L", 1, 1, "D1#1", "Key Co", "ivanov", Month(2027, 1), 40.0, Decimal(1000),
        ConflictState.LATER_MONTH, datetime(2026, 12, 5, tzinfo=UTC), Month(2027, 2), "agreed", "plm",
        datetime(2026, 12, 6, tzinfo=UTC), 1,
    )  # fmt: skip
    [row] = conflicts_view([conflict]).rows
    assert row["month"] == "янв 2027 L" and row["resolution"] == "фев 2027: agreed"
