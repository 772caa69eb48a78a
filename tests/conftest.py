"""Shared fixtures: a store (SQLite, or both backends where the dialect matters), the
shared data; ``start_process`` (tests/processes.py) for a test that starts a process.

Which backend a test runs on — the rule. ``store`` and ``store_url`` are an SQLite file,
unless the test (or its module, through ``pytestmark``) is marked ``both_backends``: then
each runs twice, on SQLite and on PostgreSQL. Mark a test ``both_backends`` where the two
dialects can differ: concurrent writers and row locks (``with_for_update``, racing
threads or processes), ``on_conflict`` inserts, column types (money, UTC times, JSON),
migrations, transactions rolled back or kept apart, and one test of each service's main
write path. A test of what a service decides from rows it reads (roles, reasons, texts,
diffs, loads) runs on SQLite only: PostgreSQL would run the same SQL again, slower.

PostgreSQL tests (marker ``pg``) use the server at ``MILLPLAN_TEST_PG_URL`` (default: the
local trust-auth server, database ``test``). They create a scratch database of their own
for the session and drop it at the end. Where the server cannot be reached they are
skipped — except in CI (``CI=true``), where that is a failure: CI must run them.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa

from millplan.core.domain import i18n
from millplan.storage.engine import sqlite_file
from millplan.storage.store import Store, open_store

# tests.processes: the start_process fixture; pytester: the check that it kills what a failing test started
pytest_plugins = ["pytester", "tests.processes"]

# The suite speaks English unless a test asks for Russian (the `russian` fixture); a process a
# test starts inherits these, and nobody's own preferences file is read.
os.environ["MILLPLAN_LANG"] = "en"
os.environ["MILLPLAN_CONFIG"] = os.devnull

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
PG_ADMIN_URL = os.environ.get("MILLPLAN_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """``../shared/data`` beside the repository: the plant's real-shaped files."""
    if not SHARED_DATA.exists():
        pytest.fail(f"shared data folder {SHARED_DATA} is missing")
    return SHARED_DATA


@pytest.fixture(scope="session")
def pg_database() -> str:
    """URL of a scratch PostgreSQL database for this test session."""
    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    name = f"millplan_test_{uuid.uuid4().hex[:10]}"
    try:
        with admin.connect() as connection:
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    except sa.exc.OperationalError as exc:
        admin.dispose()
        message = f"PostgreSQL at {PG_ADMIN_URL} is unreachable: {exc.orig}"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message + " (CI must run the PostgreSQL tests)")
        pytest.skip(message)
    url = sa.engine.make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    yield url
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _fresh_pg(url: str) -> None:
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.execute(sa.text("DROP SCHEMA public CASCADE"))
        connection.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()


BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.pg)]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """A test marked ``both_backends`` that uses a store runs on each of :data:`BACKENDS`
    (which tests are so marked: the rule in this module's docstring)."""
    if "backend" in metafunc.fixturenames and metafunc.definition.get_closest_marker("both_backends"):
        metafunc.parametrize("backend", BACKENDS, indirect=True)


@pytest.fixture
def backend(request: pytest.FixtureRequest) -> str:
    """The store's backend: ``sqlite``, or each of both in a test marked ``both_backends``."""
    return getattr(request, "param", "sqlite")


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty SQLite store migrated once a session; a test's store is a copy of it
    (migrating takes longer than many a test)."""
    file = tmp_path_factory.mktemp("migrated") / "millplan.sqlite"
    open_store(f"sqlite:///{file}").dispose()
    with sqlite3.connect(file) as connection:  # all in the file itself: copying it copies the store
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return file


@pytest.fixture
def store_url(request: pytest.FixtureRequest, backend: str, tmp_path: Path) -> str:
    """An empty database URL: an SQLite file not made yet, or a clean PostgreSQL schema."""
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'millplan.sqlite'}"
    url = request.getfixturevalue("pg_database")
    _fresh_pg(url)
    return url


def _open_migrated(url: str, request: pytest.FixtureRequest) -> Store:
    """The store at ``url``, migrated: an SQLite file starts as a copy of :func:`migrated_sqlite`."""
    file = sqlite_file(url)
    if file is not None:
        shutil.copyfile(request.getfixturevalue("migrated_sqlite"), file)
    return open_store(url)


@pytest.fixture
def store(store_url: str, request: pytest.FixtureRequest) -> Store:
    """An empty, migrated store at :func:`store_url`."""
    opened = _open_migrated(store_url, request)
    yield opened
    opened.dispose()


@pytest.fixture
def sqlite_store(tmp_path: Path, request: pytest.FixtureRequest) -> Store:
    """An empty, migrated SQLite store, even in a test marked ``both_backends``."""
    opened = _open_migrated(f"sqlite:///{tmp_path / 'millplan.sqlite'}", request)
    yield opened
    opened.dispose()


@pytest.fixture
def russian():
    """Speak Russian for the test (the catalogue as it stands in the repository), then English again."""
    i18n.use("ru")
    yield
    i18n.use("en")
