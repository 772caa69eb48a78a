"""The horizon plan in the store, on SQLite (and PostgreSQL where the dialects differ): options, forecast and shadow
prices kept with the revision and copied to the next; stability against the approved
revision; a norm band's conversion cost; an overdue key account made late, with the plan
month's reason for its sales manager; migration 0005 on a filled store."""

from __future__ import annotations

from decimal import Decimal

import openpyxl
import pytest
import sqlalchemy as sa
from alembic import command

from millplan.core.domain.errors import NotFound
from millplan.core.domain.months import Month
from millplan.core.domain.people import Role, User
from millplan.core.importing.mills import import_mills
from millplan.core.mail.inbox import inbox
from millplan.core.planning import run as planning
from millplan.core.planning.attributes import mill_options
from millplan.core.views.horizon import last_plans
from millplan.core.workflow import assignments, deals
from millplan.storage import migrate
from millplan.storage.engine import make_engine
from tests.horizon_plant import horizon_plant
from tests.people import add_user
from tests.plants import PLAN_MONTH, build, deal, mill, position

M0, M1 = PLAN_MONTH, PLAN_MONTH + 1


@pytest.fixture
def plant(store):
    horizon_plant(store)
    return store


@pytest.mark.both_backends
def test_options_forecast_and_prices_are_kept_and_copied_to_the_next_revision(plant):
    [outcome] = planning.plan(
        plant, M0, login="plm", options={"horizon": 2, "min_lot": {"M2": 10.0}, "lateness_penalty": Decimal(3000)}
    )
    a = outcome.assignment
    assert a.options["horizon"] == 2 and a.options["min_lot"] == {"M2": 10.0} and a.gap == 0.0 and a.moved_lines == 0
    assert {(f.position_ref, f.mill_code, f.month): f.tonnes for f in a.forecast} == {
        ("A#1", "M1", M1): 200,
        ("B#1", "M1", M1): 500,
    }
    assert a.forecast[0].marginal_income + a.forecast[1].marginal_income == Decimal(
        "6500000.00"
    )  # 200 × 20 000 + 500 × 5 000
    assert {(p.mill_code, p.month): p.rub_per_hour for p in a.shadow_prices}[("M1", M0)] == Decimal("30000.00")
    [late] = a.exclusions
    assert (late.reason_code, late.mill_code, late.month, late.shadow_price) == ("late", "M1", M0, Decimal("30000.00"))
    assignments.submit(plant, M0, "L", login="plm")
    assignments.approve(plant, M0, "L", login="plm")
    reopened = assignments.set_excluded(plant, M0, "L", "A#1", True, login="plm", reason="client asked")
    assert reopened.revision == 2
    assert (
        reopened.options == a.options
        and len(reopened.forecast) == 2
        and len(reopened.shadow_prices) == len(a.shadow_prices)
    )


def test_stability_keeps_the_approved_lines_unless_moving_them_pays(plant):
    planning.plan(plant, M0, login="plm", options={"horizon": 1})
    assignments.submit(plant, M0, "L", login="plm")
    assignments.approve(plant, M0, "L", login="plm")
    deals.accept(plant, "P", login="plm")  # 700 t at 30 000 RUB/t, only on M1, due m0
    # Free: P#1 takes the 200 t A#1 had beside K#1 (30 000 > 20 000 RUB/t): A#1's line moves.
    [free] = planning.plan(plant, M0, login="plm", first_horizon=1)
    assert free.moved_lines == 1 and {l.position_ref for l in free.assignment.lines} == {"K#1", "P#1"}
    # 15 000 RUB/t for each tonne changed: dropping A#1's 200 t costs 3 000 000 RUB, more
    # than the 200 × (30 000 − 20 000) = 2 000 000 RUB P#1 would add, so nothing moves.
    [stable] = planning.plan(plant, M0, login="plm", options={"stability": Decimal(15000)}, first_horizon=1)
    assert stable.moved_lines == 0 and {l.position_ref for l in stable.assignment.lines} == {"K#1", "A#1"}
    reason = next(e for e in stable.assignment.exclusions if e.position_ref == "P#1")
    assert reason.tonnes_left_out == pytest.approx(700) and reason.mill_code == "M1" and reason.month == M0


def test_a_norm_bands_conversion_cost_sets_the_margin_on_that_mill(plant):
    with plant.unit_of_work() as repo:
        repo.plant.set_norms(
            {
                "M1": [
                    {
                        "od_min_mm": 100.0,
                        "od_max_mm": 300.0,
                        "wall_min_mm": 5.0,
                        "wall_max_mm": 20.0,
                        "tonnes_per_hour": 10.0,
                        "conversion_cost": Decimal(4000),
                    }
                ]
            },
            "test",
            "fixture",
        )
        plant_now = repo.plant.whole()
        b = repo.plant.position("B", 1)
    margins = {o.mill.code: o.unit_margin for o in mill_options(plant_now, b)[0]}
    # B#1: 36 000 − 30 000 − 4 000 on M1 (its band's cost), − 1 000 on M2 (the mill's)
    assert margins == {"M1": Decimal(2000), "M2": Decimal(5000)}


def test_the_importer_reads_a_norms_sheet_conversion_cost_if_there_is_one(sqlite_store, tmp_path, shared_data):
    source = tmp_path / "mills.xlsx"
    book = openpyxl.load_workbook(shared_data / "mills.xlsx")
    sheet = book["Нормы производительности"]
    sheet.cell(row=1, column=7, value="Перем. затраты на передел, руб./т")
    sheet.cell(row=2, column=7, value=1234.5)
    book.save(source)
    import_mills(sqlite_store, source, login="t")
    with sqlite_store.unit_of_work() as repo:
        norms = [n for items in repo.plant.whole().norms.values() for n in items]
    costs = [n.conversion_cost for n in norms if n.conversion_cost is not None]
    assert costs == [Decimal("1234.50")] and len(norms) > 1


def _run(engine, verb: str, target: str) -> None:
    config = migrate.alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        getattr(command, verb)(config, target)


@pytest.mark.both_backends
def test_migration_0005_keeps_every_row_both_ways(store_url):
    engine = make_engine(store_url)
    _run(engine, "upgrade", "0004")
    with engine.begin() as connection:
        for statement in (
            "INSERT INTO mills (id, code, name, shop, product_line, product_type, od_min_mm, od_max_mm, wall_min_mm, wall_max_mm, "
            "steel_grades, standards, speed_m_per_h, nominal_hours, conversion_cost, version) "
            "VALUES (1, 'M1', 'Mill', '', 'L', '', 100, 300, 5, 20, '[]', '[]', 100, 600, 1000, 1)",
            "INSERT INTO productivity_norms (mill_id, od_min_mm, od_max_mm, wall_min_mm, wall_max_mm, tonnes_per_hour) VALUES (1, 100, 300, 5, 20, 10)",
            "INSERT INTO assignments (id, month, product_line, revision, state, created_at, created_by, version, stale, needs_director) "
            "VALUES (1, '2027-01', 'L', 1, 'approved', '2026-11-01 08:00:00+00', 'plm', 3, false, false)",
            "INSERT INTO reviews (assignment_id, login, verdict, reason, at, version) "
            "VALUES (1, 'planner', 'object', 'week 3 only', '2026-11-02 08:00:00+00', 1)",
        ):
            connection.execute(sa.text(statement))
    _run(engine, "upgrade", "head")
    with engine.connect() as connection:
        row = connection.execute(sa.text("SELECT state, version, options, gap, moved_lines FROM assignments")).one()
        cost = connection.execute(sa.text("SELECT tonnes_per_hour, conversion_cost FROM productivity_norms")).one()
        tables = set(sa.inspect(connection).get_table_names())
    assert tuple(row) == ("approved", 3, None, None, None) and tuple(cost) == (10, None)
    assert {"assignment_forecast", "shadow_prices"} <= tables
    _run(engine, "downgrade", "0004")
    with engine.connect() as connection:
        assert connection.execute(sa.text("SELECT count(*) FROM assignments")).scalar() == 1
        assert connection.execute(sa.text("SELECT count(*) FROM productivity_norms")).scalar() == 1
        # rows that refer to a revision survive too (a rebuilt table would cascade-delete them)
        assert connection.execute(sa.text("SELECT reason FROM reviews")).scalar() == "week 3 only"
        assert "shadow_prices" not in set(sa.inspect(connection).get_table_names())
    engine.dispose()


def test_an_overdue_key_account_is_planned_next_month_and_its_manager_told_why_not_this_one(store):
    # M1: 100 h a month at 10 t/h (1 000 t), conversion 1 000 RUB/t, metal 30 000 RUB/t.
    #   K#1 key, due m0,          1 000 t at 41 000: 10 000 RUB/t;
    #   O#1 key, overdue (m0 − 1),  200 t at 31 500:    500 RUB/t — loses 2 500 RUB/t late;
    #   N#1 not key, due m1,      2 000 t at 51 000: 20 000 RUB/t.
    # Key tonnes on time: 1 000 t of K#1 and O#1 (overdue is due now) fill m0. Key tonnes
    # in the horizon: the other 200 t in m1, before N#1 takes the rest of m1 (which tonnes
    # go late is a tie: the same tonnes, lateness and margin either way). By margin alone
    # O#1 would stay out. The late position's reason is that of m0, the month it is out of.
    build(
        store,
        mills=[mill("M1", ["20"], 100, 1000)],
        norms={"M1": 10.0},
        customers={"Key Co": True, "Other Co": False},
        deals=[deal("K", "Key Co"), deal("O", "Key Co"), deal("N", "Other Co")],
        positions=[
            position("K", 1, "20", 1000, 41_000),
            position("O", 1, "20", 200, 31_500, requested_month=str(M0 - 1)),
            position("N", 1, "20", 2000, 51_000, requested_month=str(M1)),
        ],
    )
    add_user(store, "ivanov", "Иванов А. С.")
    with store.unit_of_work() as repo:
        repo.users.save_user(User("plm", "Line Manager", Role.LINE_MANAGER, ("L",)), by="setup")
    [outcome] = planning.plan(store, M0, login="plm", options={"horizon": 2})
    a = outcome.assignment
    assert all(l.is_key_account for l in a.lines) and sum(l.tonnes for l in a.lines) == pytest.approx(1000)
    later = {f.position_ref: f.tonnes for f in a.forecast}
    assert later.pop("N#1") == pytest.approx(800) and sum(later.values()) == pytest.approx(200)
    [late] = a.exclusions
    assert set(later) == {late.position_ref} and late.tonnes_left_out == pytest.approx(200)
    assert (late.reason_code, late.mill_code, late.month) == ("late", "M1", M0)
    assert (
        f"200.0 t planned for {M1}; made late: capacity fully booked in {M0}: M1 is booked by key-account positions ("
        in late.reason
    )
    [told] = [i for n in inbox(store, "ivanov") for i in n.items if i.ref == late.position_ref and i.kind != "conflict"]
    assert told.reason == late.reason


def test_a_month_without_a_plan_is_named_as_russians_write_it(store, russian):
    with pytest.raises(NotFound, match="мар 2031"):
        last_plans(store, Month(2031, 3))
