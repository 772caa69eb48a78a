"""The one-source rule, both ways round: the portfolio's "Произведено, т" is a position's
opening balance while it has no daily actuals; once it has, produced = opening + actuals,
a portfolio re-import leaves the balance alone and says where its figure differs; nothing
is ever counted twice."""

from __future__ import annotations

import openpyxl
import pytest

from millplan.core.importing.actuals import import_actuals
from millplan.core.importing.portfolio import import_portfolio
from tests.actuals_data import SAMPLE_TODAY, by_position, mes_rows

PRODUCED_HEADER = "Произведено, т"


@pytest.fixture(autouse=True)
def sample_today(monkeypatch):
    monkeypatch.setenv("MILLPLAN_TODAY", SAMPLE_TODAY)


def _positions(store) -> dict[str, tuple[float, float]]:
    """DEAL#NO → (opening balance, produced) t, to the kilogram."""
    with store.reading() as repo:
        return {p.ref: (round(p.tonnes_opening, 3), round(p.tonnes_produced, 3)) for p in repo.plant.positions()}


def _with_produced(source, target, produced: dict[str, float]):
    """The portfolio ``source`` saved as ``target`` with "Произведено, т" set for the positions named."""
    book = openpyxl.load_workbook(source)
    sheet = book.active
    header = next(r for r in sheet.iter_rows(max_row=30) if r[0].value == "№ сделки")
    column = {c.value: c.column for c in header}
    for row in sheet.iter_rows(min_row=header[0].row + 1):
        ref = f"{row[0].value}#{row[column['№ поз.'] - 1].value}"
        if ref in produced:
            row[column[PRODUCED_HEADER] - 1].value = produced[ref]
    book.save(target)
    return target


def test_portfolio_then_actuals_then_the_portfolio_again(plant_store, shared_portfolio, shared_data):
    import_portfolio(plant_store, shared_portfolio, login="setup")
    opening = _positions(plant_store)
    made = by_position(mes_rows(shared_data / "actuals-2026-12.csv"))

    import_actuals(plant_store, shared_data / "actuals-2026-12.csv", login="planner")

    after = _positions(plant_store)
    for ref, (balance, _produced) in opening.items():
        assert after[ref] == (balance, round(balance + made.get(ref, 0.0), 3))

    again = import_portfolio(plant_store, shared_portfolio, login="setup")  # the same file, a day later

    assert _positions(plant_store) == after  # not reset to the file's figure, not added twice
    differing = [ref for ref in made if made[ref] > 0.05]
    (note,) = [n for n in again.notes if "produced tonnes come from the daily actuals" in n]
    assert f"on {len(differing)} positions with daily actuals" in note
    first = sorted(differing)[0]
    assert first in note
    assert not [c for c in again.changes if c.field == "tonnes_produced"]


def test_a_reimported_figure_moves_the_balance_only_of_positions_without_actuals(
    plant_store, shared_portfolio, shared_data, tmp_path
):
    import_portfolio(plant_store, shared_portfolio, login="setup")
    import_actuals(plant_store, shared_data / "actuals-2026-12.csv", login="planner")
    made = by_position(mes_rows(shared_data / "actuals-2026-12.csv"))
    before = _positions(plant_store)
    with_actuals = sorted(made)[0]
    without = next(ref for ref in sorted(before) if ref not in made)
    changed = _with_produced(shared_portfolio, tmp_path / "portfolio.xlsx", {with_actuals: 7.0, without: 9.0})

    report = import_portfolio(plant_store, changed, login="setup")

    after = _positions(plant_store)
    assert after[with_actuals] == before[with_actuals]
    assert after[without] == (9.0, 9.0)
    assert [(c.object, c.field, c.after) for c in report.changes] == [(without, "tonnes_produced", 9.0)]
    (note,) = [n for n in report.notes if "the file's figure is not used" in n]
    assert f"{with_actuals} (the file 7.0 t, millplan" in note


def test_the_same_days_and_the_same_portfolio_imported_again_count_once(
    plant_store, shared_portfolio, shared_data, tmp_path
):
    refs = sorted(by_position(mes_rows(shared_data / "actuals-2026-12.csv")))
    zeroed = _with_produced(shared_portfolio, tmp_path / "cut-over.xlsx", dict.fromkeys(refs, 0.0))
    import_portfolio(plant_store, zeroed, login="setup")  # a cut-over: nothing made yet of these
    made = by_position(mes_rows(shared_data / "actuals-2026-12.csv"))

    import_actuals(plant_store, shared_data / "actuals-2026-12.csv", login="planner")
    import_actuals(plant_store, shared_data / "actuals-2026-12.xlsx", login="planner")  # the same days again
    import_portfolio(plant_store, zeroed, login="setup")

    after = _positions(plant_store)
    for ref in refs:
        assert after[ref] == (0.0, round(made[ref], 3))
