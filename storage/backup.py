"""Copies of an SQLite store made and put back with SQLite's online backup API.

The backup API copies a database page by page under SQLite's own locks, so a copy taken
while others write is consistent (WAL: writers go on meanwhile), and a copy put back into
a live database replaces it in one write transaction: other connections see the old
content or the new one, never a mix. PostgreSQL has its own tools (``pg_dump``,
``pg_restore``): this module writes their command lines.
"""

from __future__ import annotations

import os
import shlex
import sqlite3
from pathlib import Path

from sqlalchemy.engine import URL, make_url

from millplan.storage.engine import SQLITE_BUSY_TIMEOUT_MS


def copy_out(database: Path, target: Path) -> None:
    """Copy ``database`` to the new file ``target`` (written beside it, then renamed, so
    a half-written copy never carries the target's name)."""
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    source = sqlite3.connect(database, timeout=SQLITE_BUSY_TIMEOUT_MS / 1000)
    try:
        copy = sqlite3.connect(partial)
        try:
            source.backup(copy)
        finally:
            copy.close()
    finally:
        source.close()
    os.replace(partial, target)


def inspect(file: Path) -> tuple[str | None, set[str], str]:
    """(Alembic revision, table names, ``PRAGMA quick_check`` result) of an SQLite file,
    opened read-only. Raises ``sqlite3.DatabaseError`` when it is not an SQLite database."""
    connection = sqlite3.connect(f"{file.resolve().as_uri()}?mode=ro", uri=True)
    try:
        tables = {name for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        revision = None
        if "alembic_version" in tables:
            row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
            revision = row[0] if row else None
        check = connection.execute("PRAGMA quick_check").fetchone()[0]
        return revision, tables, check
    finally:
        connection.close()


def copy_in(file: Path, database: Path) -> None:
    """Replace the content of the live ``database`` by ``file``'s, in one transaction."""
    source = sqlite3.connect(f"{file.resolve().as_uri()}?mode=ro", uri=True)
    try:
        target = sqlite3.connect(database, timeout=SQLITE_BUSY_TIMEOUT_MS / 1000)
        try:
            source.backup(target)
        finally:
            target.close()
    finally:
        source.close()


def libpq_uri(url: str) -> str:
    """The ``postgresql://user@host:port/db?…`` URI the PostgreSQL tools read, of the
    SQLAlchemy ``url`` (``postgresql+psycopg://…``): no driver, and no password — the
    tools take it from ``PGPASSWORD`` or ``~/.pgpass``, or ask for it."""
    parsed = make_url(url)
    bare = URL.create("postgresql", parsed.username, None, parsed.host, parsed.port, parsed.database, parsed.query)
    return bare.render_as_string(hide_password=False)


def pg_dump_command(url: str, file: Path) -> str:
    """A shell command line copying the PostgreSQL database at ``url`` to ``file`` in
    pg_dump's custom format (consistent while others write: one snapshot)."""
    return shlex.join(["pg_dump", "--format=custom", "--file", str(file), "--dbname", libpq_uri(url)])


def pg_restore_command(url: str, file: Path) -> str:
    """A shell command line putting the custom-format dump ``file`` in place of the
    content of the PostgreSQL database at ``url``: existing tables dropped first, all in
    one transaction (it fails whole or succeeds whole)."""
    return shlex.join(
        ["pg_restore", "--clean", "--if-exists", "--single-transaction", "--dbname", libpq_uri(url), str(file)]
    )
