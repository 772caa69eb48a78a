"""Produced tonnes have one source: a position's produced tonnes are its opening balance
(the portfolio's figure at cut-over) plus its actuals; re-storing a day's actuals for a
mill replaces them; migration 0007 turns stored produced tonnes into opening balances."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
from alembic import command

from millplan.core.domain.actuals import ActualRecord
from millplan.storage import migrate
from millplan.storage.engine import make_engine
from tests.plants import tiny_plant


def _produced(store, ref: str) -> tuple[float, float]:
    deal, _, no = ref.partition("#")
    with store.reading() as repo:
        p = repo.plant.position(deal, int(no))
    return p.tonnes_opening, p.tonnes_produced


def _ids(store) -> dict[str, int]:
    with store.reading() as repo:
        return {p.ref: p.id for p in repo.plant.positions()}


@pytest.mark.both_backends
def test_a_day_restored_for_a_mill_replaces_its_rows_and_produced_follows(store):
    tiny_plant(store)
    ids = _ids(store)
    d1, d2 = date(2026, 12, 1), date(2026, 12, 2)
    with store.unit_of_work() as repo:
        first = repo.actuals.replace(
            [
                ActualRecord(d1, "M1", ids["D1#1"], 50.0),
                ActualRecord(d1, "M1", ids["D1#1"], 25.0),  # a second shift: summed
                ActualRecord(d1, "M2", ids["D3#1"], 10.0),
                ActualRecord(d2, "M1", ids["D1#1"], 40.0),
            ],
            "planner",
            "day1.xlsx",
        )
    assert (first.written, first.replaced, first.tonnes_after) == (3, 0, 125.0)
    assert _produced(store, "D1#1") == (0.0, 115.0)
    with store.unit_of_work() as repo:  # day 1 again, M1 only: M2's row and day 2 stay
        again = repo.actuals.replace([ActualRecord(d1, "M1", ids["D2#1"], 30.0)], "planner", "day1-fixed.xlsx")
    assert (again.replaced, again.tonnes_before, again.tonnes_after) == (1, 75.0, 30.0)
    assert _produced(store, "D1#1") == (0.0, 40.0)
    assert _produced(store, "D2#1") == (0.0, 30.0)
    assert _produced(store, "D3#1") == (0.0, 10.0)
    with store.reading() as repo:
        assert repo.actuals.days(d1, date(2026, 12, 31)) == {d1, d2}
        assert repo.actuals.days(d1, d2, mill_codes=["M2"]) == {d1}
        assert [(a.mill_code, a.position_ref, a.tonnes) for a in repo.actuals.between(d1, d1)] == [
            ("M1", "D2#1", 30.0),
            ("M2", "D3#1", 10.0),
        ]
        audit = [e for e in repo.audit.audit_entries() if e.object_type == "actuals"]
    assert {e.object_key for e in audit} == {"2026-12-01 M1", "2026-12-01 M2", "2026-12-02 M1"}


def test_the_portfolio_sets_the_opening_balance_and_actuals_add_to_it_never_twice(store):
    tiny_plant(store)
    ids = _ids(store)
    with store.unit_of_work() as repo:
        repo.actuals.replace([ActualRecord(date(2026, 12, 1), "M1", ids["D1#1"], 100.0)], "planner", "a.csv")
    with store.unit_of_work() as repo:  # the portfolio says 200 t were made before cut-over
        repo.plant.upsert_portfolio(
            {}, [], [{"deal_number": "D1", "position_no": 1, "tonnes_opening": 200.0}], "test", "p.xlsx"
        )
    assert _produced(store, "D1#1") == (200.0, 300.0)
    with store.unit_of_work() as repo:  # the same file again: nothing counted twice
        repo.plant.upsert_portfolio(
            {}, [], [{"deal_number": "D1", "position_no": 1, "tonnes_opening": 200.0}], "test", "p.xlsx"
        )
        repo.actuals.replace([ActualRecord(date(2026, 12, 1), "M1", ids["D1#1"], 100.0)], "planner", "a.csv")
    assert _produced(store, "D1#1") == (200.0, 300.0)
    with store.reading() as repo:
        assert repo.plant.position("D1", 1).remaining_tonnes == 400.0


def _run(engine, verb: str, target: str) -> None:
    config = migrate.alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        getattr(command, verb)(config, target)


@pytest.mark.both_backends
def test_migration_0007_makes_stored_produced_tonnes_the_opening_balance_and_back(store_url):
    engine = make_engine(store_url)
    _run(engine, "upgrade", "0006")
    with engine.begin() as connection:
        for statement in (
            "INSERT INTO customers (id, name, is_key_account, version) VALUES (1, 'Co', false, 1)",
            "INSERT INTO deals (id, number, customer_id, sales_manager, status, version) "
            "VALUES (1, 'D1', 1, 'S', 'accepted', 1)",
            "INSERT INTO positions (id, deal_id, position_no, product_line, pipe_type, od_mm, wall_mm, steel_grade, "
            "standard, tonnes_ordered, tonnes_produced, price, metal_cost, requested_month, version) "
            "VALUES (1, 1, 1, 'L', '', 200, 10, '20', 'G', 500, 120, 50000, 30000, '2027-01', 1)",
        ):
            connection.execute(sa.text(statement))
    _run(engine, "upgrade", "head")
    with engine.connect() as connection:
        row = connection.execute(
            sa.text("SELECT tonnes_produced, tonnes_opening, tonnes_cancelled, completed_at FROM positions")
        ).one()
    assert tuple(row) == (120, 120, 0, None)
    _run(engine, "downgrade", "0006")
    with engine.connect() as connection:
        assert connection.execute(sa.text("SELECT tonnes_produced FROM positions")).scalar() == 120
        assert "actuals" not in set(sa.inspect(connection).get_table_names())
    engine.dispose()
