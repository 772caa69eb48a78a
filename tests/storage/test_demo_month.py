"""The demo shows a month in progress: the current month approved for every line, its
actuals up to yesterday written from that plan (shop workbook and MES export, the same
rows) and imported; next month planned as a draft."""

from __future__ import annotations

from datetime import date

import pytest

from millplan.core.demo import build_demo
from millplan.core.domain.assignment import AssignmentState
from millplan.core.domain.months import Month, plant_today
from tests.actuals_data import by_position, mes_rows, shop_rows, stored_actuals, summed


def _today(monkeypatch, day: int) -> date:
    today = plant_today().replace(day=day)
    monkeypatch.setenv("MILLPLAN_TODAY", today.isoformat())
    return today


def _states(store, month: Month) -> dict[str, AssignmentState]:
    with store.reading() as repo:
        lines = repo.plant.whole().product_lines
        return {line: a.state for line in lines if (a := repo.assignments.assignment(month, line))}


def test_the_demo_month_is_approved_and_its_days_up_to_yesterday_are_made(store, tmp_path, monkeypatch):
    today = _today(monkeypatch, 6)

    build_demo(store, tmp_path, login="demo")

    current = Month.of(today)
    assert set(_states(store, current).values()) == {AssignmentState.APPROVED}
    assert set(_states(store, current + 1).values()) == {AssignmentState.DRAFT}
    rows = shop_rows(tmp_path / "actuals.xlsx")
    assert sorted({d for d, *_ in rows}) == [today.replace(day=d) for d in range(1, 6)]
    assert summed(mes_rows(tmp_path / "actuals.csv")) == pytest.approx(summed(rows))
    assert stored_actuals(store) == pytest.approx(summed(rows))
    with store.reading() as repo:
        planned = {
            line.position_ref
            for product_line in repo.plant.whole().product_lines
            for line in repo.assignments.assignment(current, product_line).lines
        }
    assert set(by_position(rows)) <= planned


def test_on_the_first_of_the_month_the_demo_has_no_actuals_yet(store, tmp_path, monkeypatch):
    _today(monkeypatch, 1)

    build_demo(store, tmp_path, login="demo")

    assert not (tmp_path / "actuals.xlsx").exists()
    assert stored_actuals(store) == {}
    assert set(_states(store, Month.current()).values()) == {AssignmentState.APPROVED}
