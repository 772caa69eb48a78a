"""Engines for the store: an SQLite file by default, PostgreSQL (or any SQLAlchemy URL) by choice.

``make_engine`` is the only place an engine is built; nothing is built at import time.
SQLite gets WAL journalling (readers don't block the writer), a busy timeout (a second
writer waits instead of failing) and enforced foreign keys, on every connection; and every
transaction begins with ``BEGIN IMMEDIATE``, taking the write lock at once, so two writers
serialise — the second reads only after the first committed, instead of both reading
the same old rows and one failing (or overwriting) at commit. A transaction bound with
the execution option ``millplan_read=True`` (``Store.reading``) begins deferred: readers
never wait for a writer.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs
import sqlalchemy as sa
from sqlalchemy.engine import Engine, make_url

SQLITE_BUSY_TIMEOUT_MS = 30_000
"""How long a writer waits for another's transaction (a 20 000-position import takes ~10 s)."""
ENV_URL = "MILLPLAN_DB"
READ_OPTION = "millplan_read"
"""Execution option of a read-only transaction (SQLite: deferred BEGIN, no write lock)."""
WROTE = "millplan_wrote"
"""Key in a connection's ``info``: the transaction under way has changed rows (:func:`wrote`)."""


def store_url(text: str) -> str:
    """A database URL as given, or — for a plain file path such as ``plant.sqlite`` or
    ``~/plans/plant.sqlite`` (no ``scheme://``) — the URL of that SQLite file."""
    if "://" in text:
        return text
    return f"sqlite:///{Path(text).expanduser().resolve()}"


def default_url() -> str:
    """``$MILLPLAN_DB`` if set (a URL or an SQLite file's path), else an SQLite file in
    the user's data directory."""
    if os.environ.get(ENV_URL):
        return store_url(os.environ[ENV_URL])
    path = Path(platformdirs.user_data_dir("millplan", appauthor=False)) / "millplan.sqlite"
    return f"sqlite:///{path}"


def sqlite_file(url: str) -> Path | None:
    """The file of an SQLite URL; ``None`` for another backend or an in-memory database.
    Raises ``sqlalchemy.exc.ArgumentError`` for a malformed URL."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    return Path(parsed.database).expanduser()


def masked(url: str) -> str:
    """The URL with any password hidden, for messages and logs."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # an unparsable URL is shown as given; it holds no parsed password
        return url


def make_engine(url: str) -> Engine:
    """Build an engine for ``url``; for a SQLite file, create its folder and set pragmas.

    Raises ``sqlalchemy.exc.ArgumentError`` for a malformed URL (the caller words it).
    """
    if make_url(url).get_backend_name() != "sqlite":
        return _noting_writes(sa.create_engine(url, pool_pre_ping=True))
    file = sqlite_file(url)
    if file is not None:
        file.parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})

    @sa.event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection, _record):  # noqa: ANN001 - DB-API connection
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()
        # pysqlite's own implicit BEGIN (deferred, and only before a write) is turned off:
        # the "begin" event below says how each transaction starts
        dbapi_connection.isolation_level = None

    @sa.event.listens_for(engine, "begin")
    def _begin(connection):  # noqa: ANN001 - SQLAlchemy connection
        reading = connection.get_execution_options().get(READ_OPTION, False)
        connection.exec_driver_sql("BEGIN" if reading else "BEGIN IMMEDIATE")

    return _noting_writes(engine)


def _noting_writes(engine: Engine) -> Engine:
    """Have ``engine``'s connections note in their ``info`` whether the transaction under
    way changed rows (an insert, or an update or delete that hit any), whatever issued
    the statement — ORM flush, bulk insert or update; read by :func:`wrote`."""

    @sa.event.listens_for(engine, "begin")
    def _began(connection):  # noqa: ANN001 - SQLAlchemy connection
        connection.info.pop(WROTE, None)  # info outlives the checkout: each transaction starts clean

    @sa.event.listens_for(engine, "after_cursor_execute")
    def _executed(connection, cursor, statement, parameters, context, executemany):  # noqa: ANN001
        if context is not None and (context.isinsert or ((context.isupdate or context.isdelete) and cursor.rowcount)):
            connection.info[WROTE] = True

    return engine


def wrote(connection: sa.Connection) -> bool:
    """Whether the transaction under way on ``connection`` has changed rows."""
    return connection.info.get(WROTE, False)
