"""The workflow migration (0003) on a store that already holds data, both ways."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import command

from storage import migrate
from storage.engine import make_engine
from storage.store import open_store


def _run(engine, verb: str, target: str) -> None:
    config = migrate.alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        getattr(command, verb)(config, target)


def test_upgrading_a_filled_store_keeps_its_rows_and_defaults_the_new_columns(store_url):
    engine = make_engine(store_url)
    _run(engine, "upgrade", "0001")
    with engine.begin() as connection:
        connection.execute(sa.text(
            "INSERT INTO users (login, name, role, created_at) VALUES ('ivanov', 'Иванов А. С.', 'sales_manager', '2026-11-01 08:00:00+00')"
        ))
        connection.execute(sa.text(
            "INSERT INTO assignments (month, product_line, revision, state, created_at, created_by, version) "
            "VALUES ('2027-01', 'ТБД', 1, 'approved', '2026-11-01 08:00:00+00', 'plm', 3)"
        ))
    _run(engine, "upgrade", "head")
    with engine.connect() as connection:
        user = connection.execute(sa.text("SELECT login, name, email, version FROM users")).one()
        revision = connection.execute(sa.text("SELECT state, version, stale, needs_director, submitted_by FROM assignments")).one()
        tables = set(sa.inspect(connection).get_table_names())
    assert tuple(user) == ("ivanov", "Иванов А. С.", None, 1)
    assert tuple(revision) == ("approved", 3, False, False, None)
    assert {"user_lines", "reviews", "requests", "conflicts", "escalations"} <= tables

    _run(engine, "downgrade", "0002")  # and back: the workflow tables go, the rows stay
    with engine.connect() as connection:
        assert connection.execute(sa.text("SELECT count(*) FROM assignments")).scalar() == 1
        assert "conflicts" not in set(sa.inspect(connection).get_table_names())
    engine.dispose()
    reopened = open_store(store_url)  # opening upgrades it again
    assert migrate.current_revision(reopened.engine) == migrate.head_revision()
    reopened.dispose()
