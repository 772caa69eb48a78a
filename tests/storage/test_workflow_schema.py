"""The workflow migration (0003) on a store that already holds data, both ways."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from alembic import command

from millplan.storage import migrate
from millplan.storage.engine import make_engine
from millplan.storage.store import open_store

pytestmark = pytest.mark.both_backends  # see tests/conftest.py


def _run(engine, verb: str, target: str) -> None:
    config = migrate.alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        getattr(command, verb)(config, target)


def test_upgrading_a_filled_store_keeps_its_rows_and_defaults_the_new_columns(store_url):
    engine = make_engine(store_url)
    _run(engine, "upgrade", "0001")
    with engine.begin() as connection:
        connection.execute(
            sa.text(
                "INSERT INTO users (login, name, role, created_at) VALUES ('ivanov', 'Иванов А. С.', 'sales_manager', '2026-11-01 08:00:00+00')"
            )
        )
        for statement in (
            "INSERT INTO assignments (id, month, product_line, revision, state, created_at, created_by, version) "
            "VALUES (1, '2027-01', 'ТБД', 1, 'approved', '2026-11-01 08:00:00+00', 'plm', 3)",
            "INSERT INTO customers (id, name, is_key_account) VALUES (1, 'Key Co', true)",
            "INSERT INTO deals (id, number, customer_id, sales_manager, status, version) VALUES (1, 'D1', 1, 'Иванов А. С.', 'accepted', 1)",
            "INSERT INTO positions (id, deal_id, position_no, product_line, pipe_type, od_mm, wall_mm, steel_grade, standard, "
            "tonnes_ordered, tonnes_produced, price, metal_cost, requested_month, version) "
            "VALUES (1, 1, 1, 'ТБД', '', 200, 10, '20', 'ГОСТ', 700, 0, 50000, 30000, '2027-01', 1)",
            "INSERT INTO mills (id, code, name, shop, product_line, product_type, od_min_mm, od_max_mm, wall_min_mm, wall_max_mm, "
            "steel_grades, standards, speed_m_per_h, nominal_hours, conversion_cost) "
            "VALUES (1, 'M1', 'Mill', '', 'ТБД', '', 100, 300, 5, 20, '[]', '[]', 100, 600, 1000)",
            "INSERT INTO capacity (mill_id, month, hours) VALUES (1, '2027-01', 500)",
            "INSERT INTO productivity_norms (mill_id, od_min_mm, od_max_mm, wall_min_mm, wall_max_mm, tonnes_per_hour) VALUES (1, 100, 300, 5, 20, 10)",
            "INSERT INTO assignment_lines (assignment_id, position_id, mill_id, tonnes, hours, marginal_income, locked) "
            "VALUES (1, 1, 1, 700, 70, 13300000, false)",
        ):
            connection.execute(sa.text(statement))
    _run(engine, "upgrade", "head")
    with engine.connect() as connection:
        user = connection.execute(sa.text("SELECT login, name, email, version FROM users")).one()
        revision = connection.execute(
            sa.text("SELECT state, version, stale, needs_director, submitted_by FROM assignments")
        ).one()
        kept = {
            t: connection.execute(sa.text(f"SELECT count(*) FROM {t}")).scalar()
            for t in ("assignment_lines", "capacity", "productivity_norms")
        }
        assert connection.execute(sa.text("SELECT version FROM mills")).scalar() == 1
        tables = set(sa.inspect(connection).get_table_names())
    assert tuple(user) == ("ivanov", "Иванов А. С.", None, 1)
    assert tuple(revision) == ("approved", 3, False, False, None)
    assert {"user_lines", "reviews", "requests", "conflicts", "escalations"} <= tables
    assert kept == {"assignment_lines": 1, "capacity": 1, "productivity_norms": 1}

    _run(engine, "downgrade", "0002")  # and back: the workflow tables go, every row stays
    with engine.connect() as connection:
        for table in ("assignments", "assignment_lines", "mills", "capacity", "productivity_norms", "users"):
            assert connection.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar() == 1, table
        assert "conflicts" not in set(sa.inspect(connection).get_table_names())
        assert "stale" not in {c["name"] for c in sa.inspect(connection).get_columns("assignments")}
    engine.dispose()
    reopened = open_store(store_url)  # opening upgrades it again
    assert migrate.current_revision(reopened.engine) == migrate.head_revision()
    reopened.dispose()
