"""Backing up and restoring the store while others work (``millplan db backup|restore``),
and which change it is at (:func:`change_count`, which workstations poll to follow others).

SQLite: a consistent copy through SQLite's online backup API (others go on writing), and
a restore that checks the file is a millplan database at a known migration, puts it in
place in one transaction and upgrades it. PostgreSQL: the server's own tools — millplan
says how (``pg_dump`` / ``pg_restore``) rather than reimplementing them.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from millplan.core.access import identity
from millplan.core.access.permissions import Action, actor, require
from millplan.core.domain.errors import InvalidInput, MillplanError, NotFound
from millplan.core.domain.i18n import _
from millplan.storage import backup as store_backup
from millplan.storage import migrate
from millplan.storage.engine import masked, sqlite_file
from millplan.storage.store import Store, open_store

NEEDED_TABLES = {"alembic_version", "users", "mills", "deals", "positions", "assignments", "audit_log"}


def change_count(store: Store) -> int:
    """Which change ``store`` is at: a counter that every committed change, by anyone
    (a workstation, the CLI, an import), moves on by one, and nothing else moves. One
    primary-key read of one row, cheap enough to poll every second or two."""
    with store.reading() as repo:
        return repo.changes.current()


def _postgres_advice(url: str, verb: str, file: Path) -> str:
    """What to run instead, for a store on PostgreSQL: its own tool, as a command line
    that works as printed (password through ``PGPASSWORD`` or ``~/.pgpass``)."""
    shown = masked(url)
    if verb == "backup":
        return _(
            "{database} is not an SQLite file: back PostgreSQL up with its own tool "
            "(consistent while others work; the password from PGPASSWORD or ~/.pgpass):\n  {command}"
        ).format(database=shown, command=store_backup.pg_dump_command(url, file))
    return _(
        "{database} is not an SQLite file: restore PostgreSQL with its own tool (it replaces the database's "
        "content in one transaction; the password from PGPASSWORD or ~/.pgpass), then run any millplan command "
        "to upgrade it:\n  {command}"
    ).format(database=shown, command=store_backup.pg_restore_command(url, file))


@contextlib.contextmanager
def new_store_kept_if_done(url: str) -> Iterator[None]:
    """Around a command that may create the SQLite store at ``url`` (an import): if the
    file did not exist before and the command fails, the new file goes again — a refused
    import into a mistyped ``--db`` leaves no empty plant behind for later commands."""
    file = sqlite_file(url)
    fresh = file is not None and not file.exists()
    try:
        yield
    except BaseException:
        if fresh:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{file}{suffix}").unlink(missing_ok=True)
        raise


def sqlite_store(url: str, verb: str, file: Path) -> Path:
    """The SQLite file of the store at ``url``, to ``verb`` (``backup`` or ``restore``)
    to or from ``file``; raises :class:`MillplanError` with the ``pg_dump`` /
    ``pg_restore`` command line for any other database, connecting to nothing."""
    database = sqlite_file(url)
    if database is None:
        raise MillplanError(_postgres_advice(url, verb, Path(file)))
    return database


def backup(url: str, target: Path) -> Path:
    """Copy the SQLite store at ``url`` to the new file ``target``, consistently, while
    others may be writing. Raises :class:`MillplanError` for PostgreSQL (with
    ``pg_dump`` advice; nothing is connected) or an existing ``target``, and
    :class:`NotFound` when the store's file does not exist."""
    database = sqlite_store(url, "backup", target)
    if not database.exists():
        raise NotFound(_("there is no database at {file} to back up").format(file=database))
    target = Path(target).expanduser()
    if target.exists():
        raise MillplanError(_("{file} exists: back up to a new file").format(file=target))
    if not target.parent.is_dir():
        raise NotFound(_("folder {folder} does not exist").format(folder=target.parent))
    store_backup.copy_out(database, target)
    return target


def check_backup(file: Path) -> str:
    """The migration revision of the millplan backup ``file``; raises
    :class:`InvalidInput` when it is not an SQLite file, is damaged, is not a millplan
    database, or was written by a newer millplan (an unknown migration)."""
    if not file.is_file():
        raise NotFound(_("{file} does not exist").format(file=file))
    try:
        revision, tables, check = store_backup.inspect(file)
    except sqlite3.DatabaseError as exc:
        raise InvalidInput(_("{file} is not an SQLite database ({error})").format(file=file, error=exc)) from None
    if check != "ok":
        raise InvalidInput(_("{file} is damaged: {check}").format(file=file, check=check))
    missing = NEEDED_TABLES - tables
    if missing:
        raise InvalidInput(
            _("{file} is not a millplan database (no table {tables})").format(
                file=file, tables=", ".join(sorted(missing))
            )
        )
    if revision not in migrate.known_revisions():
        raise InvalidInput(
            _(
                "{file} is at migration {revision!r}, which this millplan does not know: restore it with a newer millplan"
            ).format(file=file, revision=revision)
        )
    return revision


def restore(url: str, file: Path, *, as_login: str | None = None) -> str:
    """Put the backup ``file`` in place of the SQLite store at ``url`` (one transaction:
    others see the old data or the new, never a mix), upgrade it to this millplan's
    schema and record the restore in its audit log. Returns the backup's migration.

    Raises :class:`MillplanError` for PostgreSQL (with ``pg_restore`` advice),
    :class:`InvalidInput` / :class:`NotFound` for a file that is not a good backup (see
    :func:`check_backup`), and :class:`Forbidden` unless who acts (:mod:`millplan.core.access.identity`,
    ``as_login`` as ``--as``) is an admin of the store being replaced. A restore into a
    new file replaces no one's store: the OS login acts (``--as`` needs a store to be
    proven on).
    """
    database = sqlite_store(url, "restore", file)
    file = Path(file).expanduser()
    revision = check_backup(file)
    login = identity.os_login()
    if database.exists():
        current = open_store(url)
        try:
            login = identity.acting_login(current, as_login, f"database restore {file.name}")
            require(actor(current, login), Action.RESTORE_DATABASE, target="database")
        finally:
            current.dispose()
    database.parent.mkdir(parents=True, exist_ok=True)
    store_backup.copy_in(file, database)
    restored = open_store(url)  # upgrades it
    try:
        with restored.unit_of_work() as repo:
            repo.audit.write(
                login, "restored", "database", "database", after={"file": str(file), "migration": revision}
            )
    finally:
        restored.dispose()
    return revision
