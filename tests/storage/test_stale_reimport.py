"""Imports of what the stale-deal ledger disposed of. A portfolio re-import never silently
revives a cancelled remainder or a closed position: both stay as the ledger left them, and
the import report says so for each. Actuals of such a position are recorded all the same
(the mill did make them), and the actuals import's report says so for each, with how to
restore it."""

from __future__ import annotations

from datetime import date

import pytest

from millplan.core.domain.months import today_set
from millplan.core.importing.actuals import import_actuals
from millplan.core.importing.portfolio import import_portfolio
from millplan.core.workflow import stale_actions
from tests.actuals_data import stored_actuals, write_mes
from tests.portfolio_files import SPELLED, position, write_portfolio
from tests.stale_plant import TODAY, stale_plant


def line_l(deal: str, no: int, customer: str, tonnes: int) -> dict:
    return position(
        deal,
        no,
        customer,
        "нет",
        0,
        product_line="L",
        od_mm=200,
        wall_mm=10,
        steel_grade="20",
        standard="ГОСТ 8732",
        tonnes_ordered=tonnes,
        requested_month="07.2027",
    )


@pytest.fixture
def plant(store):
    with today_set(TODAY):
        stale_plant(store)
        yield store


def test_a_reimport_keeps_cancelled_and_closed_positions_and_says_so(plant, tmp_path):
    stale_actions.cancel(plant, ["A#1"], login="plm", reason="client left")
    stale_actions.close(plant, ["B#1"], login="plm", reason="enough made")
    path = write_portfolio(
        tmp_path / "portfolio.xlsx",
        SPELLED,
        [line_l("A", 1, "Key Co", 100), line_l("B", 1, "Other Co", 200), line_l("E", 1, "Other Co", 80)],
    )
    report = import_portfolio(plant, path, login="plm")
    with plant.reading() as repo:
        a, b = repo.plant.position("A", 1), repo.plant.position("B", 1)
    assert (a.tonnes_cancelled, a.remaining_tonnes) == (100.0, 0.0)
    assert b.completed and b.remaining_tonnes == 0.0
    notes = [n for n in report.notes if n.startswith(("A#1", "B#1", "E#1"))]
    assert len(notes) == 2
    assert notes[0].startswith("A#1: its remainder of 100 t was cancelled on ")
    assert " by plm; the file still orders it — it stays cancelled" in notes[0]
    assert "`millplan stale restore A#1 --reason …` brings it back" in notes[0]
    assert notes[1].startswith("B#1: was closed as complete on ") and "it stays closed" in notes[1]


def test_actuals_of_a_cancelled_or_closed_position_are_recorded_and_the_report_says_so(plant, tmp_path):
    stale_actions.cancel(plant, ["A#1"], login="plm", reason="client left")
    stale_actions.close(plant, ["B#1"], login="plm", reason="enough made")
    day = date(2027, 6, 14)
    path = write_mes(
        tmp_path / "mes.csv",
        [(day, "M1", "A#1", 70.0), (day, "M2", "A#1", 50.0), (day, "M1", "B#1", 12.5), (day, "M1", "E#1", 8.0)],
    )

    report = import_actuals(plant, path, login="planner")

    assert stored_actuals(plant)[day, "M1", "A#1"] == 70.0  # recorded all the same
    notes = [n for n in report.notes if n.startswith(("A#1", "B#1", "E#1"))]
    assert len(notes) == 2  # E#1 is neither cancelled nor closed
    assert notes[0].startswith("A#1: its remainder was cancelled on ") and " by plm — " in notes[0]
    assert "120 t made all the same are recorded" in notes[0]  # the file's tonnes of A#1, both mills
    assert "restore it (millplan stale restore A#1 --reason …) if the client takes them" in notes[0]
    assert notes[1].startswith("B#1: was closed as complete on ") and "12.5 t made all the same" in notes[1]


def test_actuals_of_positions_nobody_disposed_of_say_nothing_of_it(plant, tmp_path):
    path = write_mes(tmp_path / "mes.csv", [(date(2027, 6, 14), "M1", "A#1", 70.0)])

    report = import_actuals(plant, path, login="planner")

    assert not [n for n in report.notes if "made all the same" in n]
