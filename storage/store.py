"""Opening the store and running one user action as one transaction."""

from __future__ import annotations

import contextlib
from typing import Iterator

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.exc import ArgumentError, OperationalError, ProgrammingError
from sqlmodel import Session

from core.errors import StoreUnavailable
from storage import migrate
from storage.engine import default_url, make_engine, masked
from storage.repository import Repository


class Store:
    """A database holding one plant's data.

    ``unit_of_work()`` yields a :class:`Repository` bound to a fresh session; the session
    commits when the block ends and rolls back if it raises, so every user action (an
    import, an approval) is written whole or not at all.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @property
    def url(self) -> str:
        return masked(self.engine.url.render_as_string(hide_password=False))

    @contextlib.contextmanager
    def unit_of_work(self) -> Iterator[Repository]:
        with Session(self.engine, expire_on_commit=False) as session:
            try:
                yield Repository(session)
                session.commit()
            except BaseException:
                session.rollback()
                raise

    def dispose(self) -> None:
        self.engine.dispose()


def open_store(url: str | None = None) -> Store:
    """Connect to ``url`` (default: ``$MILLPLAN_DB`` or the user's SQLite file) and upgrade it.

    Raises :class:`~core.errors.StoreUnavailable` naming the database (password masked)
    when the URL is malformed, the server is unreachable or the file cannot be opened.
    """
    url = url or default_url()
    try:
        engine = make_engine(url)
        with engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
        migrate.upgrade(engine)
    except ArgumentError as exc:
        raise StoreUnavailable(f"{masked(url)} is not a database URL: {exc}") from None
    except (OperationalError, ProgrammingError) as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        raise StoreUnavailable(f"cannot open the database {masked(url)}: {reason}") from None
    except ModuleNotFoundError as exc:
        raise StoreUnavailable(f"no driver for {masked(url)}: {exc.name} is not installed") from None
    except OSError as exc:  # the SQLite file's folder cannot be made
        raise StoreUnavailable(f"cannot open the database {masked(url)}: {exc.strerror}: {exc.filename}") from None
    return Store(engine)
