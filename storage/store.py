"""Opening the store and running one user action as one transaction."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.exc import ArgumentError, OperationalError, ProgrammingError
from sqlmodel import Session

from millplan.core.domain.errors import Forbidden, StoreUnavailable
from millplan.core.domain.i18n import _
from millplan.storage import migrate
from millplan.storage.audit import AuditRepository
from millplan.storage.engine import (
    READ_OPTION,
    SQLITE_BUSY_TIMEOUT_MS,
    default_url,
    make_engine,
    masked,
    sqlite_file,
    wrote,
)
from millplan.storage.unit_of_work import UnitOfWork


class Store:
    """A database holding one plant's data.

    ``unit_of_work()`` yields a :class:`UnitOfWork` bound to a fresh session; the session
    commits when the block ends and rolls back if it raises, so every user action (an
    import, an approval) is written whole or not at all. A unit of work that changed rows
    moves the store's change counter on as it commits (:mod:`millplan.storage.changes`),
    which is how workstations follow each other. ``reading()`` is the same for a look that
    writes nothing (on SQLite it takes no write lock).

    A :class:`~millplan.core.domain.errors.Forbidden` raised inside the outermost unit of work of a
    thread is written to the audit log after the rollback, in its own short transaction
    (``record_refusal``), so the refusal is kept while the refused action is not.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._depth = threading.local()

    def in_unit_of_work(self) -> bool:
        """True inside a unit of work (or a read) of this store opened by this thread."""
        return getattr(self._depth, "value", 0) > 0

    @property
    def url(self) -> str:
        return masked(self.engine.url.render_as_string(hide_password=False))

    @contextlib.contextmanager
    def unit_of_work(self) -> Iterator[UnitOfWork]:
        with self._session(self.engine) as session:
            repo = UnitOfWork(session)
            yield repo
            session.flush()
            if session.in_transaction() and wrote(session.connection()):
                repo.changes.advance()  # last: PostgreSQL holds the counter's row lock only while committing
            session.commit()

    @contextlib.contextmanager
    def reading(self) -> Iterator[UnitOfWork]:
        """A :class:`UnitOfWork` for reading only; whatever it wrote is rolled back."""
        with self._session(self.engine.execution_options(**{READ_OPTION: True})) as session:
            yield UnitOfWork(session)
            session.rollback()

    @contextlib.contextmanager
    def _session(self, bind: Engine) -> Iterator[Session]:
        outermost = not self.in_unit_of_work()
        self._depth.value = getattr(self._depth, "value", 0) + 1
        try:
            with Session(bind, expire_on_commit=False) as session:
                try:
                    yield session
                except BaseException:
                    session.rollback()
                    raise
        except Forbidden as refused:
            if outermost:  # an outer session of this thread would hold SQLite's write lock
                self.record_refusal(refused)
            raise
        except OperationalError as exc:
            if "database is locked" not in str(exc.orig):
                raise
            raise StoreUnavailable(
                _(
                    "{database} stayed busy with another user's change for {seconds} s: nothing was written — try again"
                ).format(database=self.url, seconds=SQLITE_BUSY_TIMEOUT_MS // 1000)
            ) from None
        finally:
            self._depth.value -= 1

    def session_role(self) -> str | None:
        """The role this store's connections logged in as (PostgreSQL ``session_user``,
        which ``SET ROLE`` does not change); ``None`` for a database without roles (SQLite)."""
        if self.engine.dialect.name != "postgresql":
            return None
        with self.engine.connect() as connection:
            return connection.execute(sa.text("SELECT session_user")).scalar_one()

    def record_refusal(self, refused: Forbidden) -> None:
        """Write a refused action to the audit log (once), in a transaction of its own."""
        if refused.recorded:
            return
        with Session(self.engine) as session:
            AuditRepository(session).write(
                refused.login,
                "refused",
                "refusal",
                refused.target,
                after={"action": refused.action},
                reason=refused.said or str(refused),
            )
            session.commit()
        refused.recorded = True

    def dispose(self) -> None:
        self.engine.dispose()


def open_store(url: str | None = None, *, create: bool = True) -> Store:
    """Connect to ``url`` (default: ``$MILLPLAN_DB`` or the user's SQLite file) and upgrade
    it; a missing SQLite file is created (with its folder) unless ``create`` is false.

    Raises :class:`~millplan.core.domain.errors.StoreUnavailable` naming the database (password masked)
    when the URL is malformed, the server is unreachable, the file cannot be opened, or
    — with ``create`` false — the SQLite file does not exist (nothing is created then).
    """
    url = url or default_url()
    try:
        file = sqlite_file(url)
        if not create and file is not None and not file.exists():
            raise StoreUnavailable(
                _(
                    "there is no millplan database at {file}: check the path "
                    "(only `millplan import …`, `millplan db restore` and `millplan demo` create one)"
                ).format(file=file)
            )
        engine = make_engine(url)
        with engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
        migrate.upgrade(engine)
    except ArgumentError as exc:
        raise StoreUnavailable(
            _("{database} is not a database URL: {error}").format(database=masked(url), error=exc)
        ) from None
    except (OperationalError, ProgrammingError) as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        raise StoreUnavailable(
            _("cannot open the database {database}: {reason}").format(database=masked(url), reason=reason)
        ) from None
    except ModuleNotFoundError as exc:
        raise StoreUnavailable(
            _("no driver for {database}: {module} is not installed").format(database=masked(url), module=exc.name)
        ) from None
    except OSError as exc:  # the SQLite file's folder cannot be made
        raise StoreUnavailable(
            _("cannot open the database {database}: {reason}").format(
                database=masked(url), reason=f"{exc.strerror}: {exc.filename}"
            )
        ) from None
    return Store(engine)
