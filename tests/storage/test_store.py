"""The store itself: migrations, append-only audit, UTC times, Decimal money, clear errors."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlmodel import SQLModel

from millplan.core.domain.errors import StoreUnavailable
from millplan.core.workflow import deals
from millplan.storage import migrate
from millplan.storage.store import open_store
from tests.plants import tiny_plant

pytestmark = pytest.mark.both_backends  # see tests/conftest.py


def test_migrations_build_exactly_the_models_schema(store):
    assert migrate.current_revision(store.engine) == migrate.head_revision()
    with store.engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
    assert diff == []


def test_reopening_keeps_data_and_does_not_migrate_again(store_url):
    first = open_store(store_url)
    tiny_plant(first)
    first.dispose()
    again = open_store(store_url)
    with again.unit_of_work() as repo:
        assert len(repo.plant.whole().mills) == 2
    again.dispose()


def test_audit_log_refuses_update_and_delete(store):
    tiny_plant(store)
    for statement in ("UPDATE audit_log SET login = 'someone else'", "DELETE FROM audit_log"):
        with pytest.raises(sa.exc.DatabaseError, match="append-only"):
            with store.engine.begin() as connection:
                connection.execute(sa.text(statement))
    with store.unit_of_work() as repo:
        assert {e.login for e in repo.audit.audit_entries()} == {"test"}


def test_acceptance_time_is_utc_aware_and_money_is_exact(store):
    tiny_plant(store)
    before = datetime.now(UTC)
    accepted = deals.accept(store, "D4", login="plm")
    with store.unit_of_work() as repo:
        again = repo.plant.deal("D4")
        [position] = repo.plant.positions(deal_number="D4")
    assert again.accepted_at.tzinfo is not None
    assert before <= again.accepted_at <= datetime.now(UTC)
    assert again.accepted_at == accepted.accepted_at
    assert position.price == Decimal("90000.00") and isinstance(position.price, Decimal)


def test_unreachable_server_is_named_with_password_hidden():
    with pytest.raises(StoreUnavailable) as caught:
        open_store("postgresql+psycopg://planner:secret@127.0.0.1:1/plant")
    message = str(caught.value)
    assert "127.0.0.1:1/plant" in message and "secret" not in message and "***" in message
    assert caught.value.exit_code == 4


def test_malformed_url_is_named():
    with pytest.raises(StoreUnavailable, match="not a database URL"):
        open_store("not a url at all")


def test_unwritable_sqlite_file_is_named(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(StoreUnavailable, match="cannot open the database"):
        open_store(f"sqlite:///{blocker}/inside/millplan.sqlite")
