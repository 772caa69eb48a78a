"""``millplan month close`` and ``millplan month status`` (CliRunner on the tiny plant with
its month approved and produced, tests/month_loop.py), and the plan's warning when the
month before is not closed."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from typer.testing import CliRunner

from millplan.cli import app
from millplan.commands import month as month_commands
from millplan.core.domain.actuals import CarryOver, MonthClose
from millplan.core.domain.months import Month
from millplan.core.views.month import carry_over_view
from millplan.storage.store import open_store
from tests.identity import act_as
from tests.month_loop import NEXT_MONTH, approved_month, d1_carry_over, produce
from tests.plants import PLAN_MONTH

AFTER = f"{NEXT_MONTH}-02"
"""The plant's date in these tests: PLAN_MONTH is over, NEXT_MONTH in progress."""


@pytest.fixture
def db(tmp_path) -> str:
    url = f"sqlite:///{tmp_path / 'month.sqlite'}"
    store = open_store(url)
    produce(store, approved_month(store), skip={4, 5, 6})
    store.dispose()
    return url


def run(db: str, *args: str):
    return CliRunner().invoke(app, ["--db", db, "--today", AFTER, *args])


def test_close_refuses_missing_days_then_closes_incomplete_and_prints_the_carry_over(db, monkeypatch):
    act_as(monkeypatch, "plm")
    refused = run(db, "month", "close", str(PLAN_MONTH))
    assert refused.exit_code == 1
    assert "L: 4–6 " in refused.stderr and "--incomplete --reason" in refused.stderr
    done = run(db, "month", "close", str(PLAN_MONTH), "--incomplete", "--reason", "days 4-6 lost in MES")
    assert done.exit_code == 0, done.stderr
    assert f"{PLAN_MONTH} L closed by Line Manager" in done.stdout and "incomplete: days 4-6 lost in MES" in done.stdout
    assert f"Carry-over to {NEXT_MONTH}" in done.stdout and "D1#1" in done.stdout
    assert "told: ivanov" in done.stdout
    again = run(db, "month", "close", str(PLAN_MONTH), "--line", "L")
    assert again.exit_code == 1 and f"{PLAN_MONTH} L was closed by Line Manager" in again.stderr


def test_close_json_and_status_json(db, monkeypatch):
    act_as(monkeypatch, "planner")
    before = json.loads(run(db, "month", "status", "--json").stdout)
    [line] = before["lines"]
    assert before["month"] == str(PLAN_MONTH)
    assert (line["product_line"], line["approved_revision"], line["closed"]) == ("L", 1, None)
    assert [d[-2:] for d in line["missing_days"]] == ["04", "05", "06"]
    done = run(db, "month", "close", str(PLAN_MONTH), "--incomplete", "--reason", "lost", "--json")
    assert done.exit_code == 0, done.stderr
    [closed] = json.loads(done.stdout)["closed"]
    assert closed["closed_by"] == "planner" and closed["incomplete"] and closed["told"] == ["ivanov"]
    assert closed["carry_over"] == [{"position": "D1#1", "tonnes": d1_carry_over(skip={4, 5, 6})}]
    assert closed["figures"]["carry_over"] == closed["carry_over"]
    after = json.loads(run(db, "month", "status", str(PLAN_MONTH), "--json").stdout)
    assert after["lines"][0]["closed"]["closed_by"] == "planner"
    table = run(db, "month", "status", str(PLAN_MONTH))
    assert "by Planner" in table.stdout and "4–6 " in table.stdout
    [row] = [line for line in table.stdout.splitlines() if "by Planner" in line]
    assert row.split()[-4:] == ["lost", "4–6", "Jan", "2027"]  # why it closed incomplete, then the days


def test_planning_the_next_month_while_the_month_is_in_progress_gives_no_close_advice(db, monkeypatch):
    act_as(monkeypatch, "plm")
    during = f"{PLAN_MONTH}-15"
    planned = CliRunner().invoke(app, ["--db", db, "--today", during, "plan", "--month", str(NEXT_MONTH), "--json"])
    assert planned.exit_code == 0, planned.stderr
    assert json.loads(planned.stdout)["warnings"] == []
    assert "warning:" not in planned.stderr and "month close" not in planned.stderr


def test_a_sales_manager_may_not_close(db, monkeypatch):
    act_as(monkeypatch, "ivanov")
    refused = run(db, "month", "close", str(PLAN_MONTH), "--incomplete", "--reason", "x")
    assert refused.exit_code == 5
    assert "product-line manager of L or a production planner may close a month" in refused.stderr


def test_planning_after_an_unclosed_month_warns_on_stderr_and_in_json(db, monkeypatch):
    act_as(monkeypatch, "plm")
    planned = run(db, "plan", "--month", str(NEXT_MONTH), "--horizon", "1", "--json")
    assert planned.exit_code == 0, planned.stderr
    [warning] = json.loads(planned.stdout)["warnings"]
    assert warning.startswith(f"{PLAN_MONTH} is not closed for L")
    assert f"warning: {PLAN_MONTH} is not closed for L" in planned.stderr
    assert f"millplan month close {PLAN_MONTH} --line L" in planned.stderr
    run(db, "month", "close", str(PLAN_MONTH), "--incomplete", "--reason", "lost")
    again = run(db, "plan", "--month", str(NEXT_MONTH), "--json")
    assert json.loads(again.stdout)["warnings"] == [] and "warning:" not in again.stderr
    assert [l["carried_over"] for l in json.loads(again.stdout)["lines"] if l["position"] == "D1#1"] == [True]
    closed = run(db, "plan", "--month", str(PLAN_MONTH))
    assert closed.exit_code == 1 and f"{PLAN_MONTH} is closed for L (by Line Manager at" in closed.stderr


def test_close_lists_the_largest_carry_overs_and_all_of_them_with_all(db, monkeypatch):
    act_as(monkeypatch, "plm")
    monkeypatch.setattr(month_commands, "POSITION_ROWS", 0)  # the tiny plant carries one position over
    done = run(db, "month", "close", str(PLAN_MONTH), "--incomplete", "--reason", "lost")
    assert done.exit_code == 0, done.stderr
    assert "D1#1" not in done.stdout and "… 1 more row (--json gives them all, or --all)" in done.stdout


def test_close_with_all_lists_every_carry_over(db, monkeypatch):
    act_as(monkeypatch, "plm")
    monkeypatch.setattr(month_commands, "POSITION_ROWS", 0)
    done = run(db, "month", "close", str(PLAN_MONTH), "--incomplete", "--reason", "lost", "--all")
    assert done.exit_code == 0, done.stderr
    assert "D1#1" in done.stdout and "more row" not in done.stdout


def test_the_carry_over_table_lists_the_largest_first():
    carried = tuple(CarryOver(i, f"P#{i}", t) for i, t in enumerate((5.0, 120.0, 0.5, 40.0)))
    close = MonthClose(PLAN_MONTH, "L", datetime(2027, 1, 1, tzinfo=UTC), "plm", False, None, {}, carried)
    assert [r["position"] for r in carry_over_view(close).rows] == ["P#1", "P#3", "P#0", "P#2"]


def test_the_carry_over_names_the_next_month_as_russians_write_it(russian):
    close = MonthClose(Month(2026, 12), "L", datetime(2027, 1, 1, tzinfo=UTC), "plm", False, None, {}, ())
    assert "янв 2027" in carry_over_view(close).title


def test_status_says_in_progress_for_the_current_and_a_later_month_and_open_for_a_past_one(db, monkeypatch):
    act_as(monkeypatch, "planner")

    def row(month) -> str:
        shown = run(db, "month", "status", str(month))
        assert shown.exit_code == 0, shown.stderr
        [line] = [line for line in shown.stdout.splitlines() if line.strip().startswith("L ")]
        return " ".join(line.split())

    assert row(PLAN_MONTH).startswith("L revision 1 open ")  # over and not closed: it waits for its close
    assert row(NEXT_MONTH).startswith("L — in progress ")  # today's month: not one to close yet
    assert row(NEXT_MONTH + 1).startswith("L — in progress ")
    assert "open" not in row(NEXT_MONTH)
