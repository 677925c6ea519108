"""Engine, connection settings and the unit of work.

SQLite by default (WAL, foreign keys, busy timeout, synchronous=FULL so an acknowledged save
survives a crash); PostgreSQL through psycopg 3 when PLANNER_DATABASE_URL says so.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import event, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlmodel import Session, create_engine

from planner import settings


class DatabaseUnavailable(RuntimeError):
    """The configured database cannot be opened; the message names the setting to fix."""


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # Let SQLAlchemy's "begin" event issue BEGIN IMMEDIATE (below) instead of pysqlite's deferred BEGIN.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.close()


def _owner_only(path: Path) -> None:
    """The file holds data about children and harm: readable by its owner only (SQLite gives the
    -wal and -shm files the same mode)."""
    try:
        if not path.exists():
            os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
        elif path.stat().st_mode & 0o077 and path.stat().st_uid == os.getuid():
            path.chmod(0o600)
    except OSError:
        pass  # a read-only location: opening it below reports the problem clearly


def _begin_immediate(connection) -> None:
    """Every unit of work writes (at least its audit entry), so take the write lock up front:
    concurrent sessions then wait their turn (busy_timeout) instead of failing on a stale
    snapshot, and the audit chain is sealed in commit order."""
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def make_engine(url: str | None = None) -> Engine:
    """Create an engine for `url` (default: the configured database) and check it opens."""
    url = url or settings.database_url()
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            folder = Path(parsed.database).parent
            if not folder.is_dir():
                raise DatabaseUnavailable(
                    f"The database folder {folder} does not exist. "
                    "Create it, or set PLANNER_DATABASE_URL to a database you can open."
                )
            _owner_only(Path(parsed.database))
        engine = create_engine(url, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _begin_immediate)
    else:
        engine = create_engine(url, pool_pre_ping=True)
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except (OperationalError, SQLAlchemyError) as error:
        engine.dispose()
        raise DatabaseUnavailable(
            f"Cannot open the database at {parsed.render_as_string(hide_password=True)}. "
            "Check PLANNER_DATABASE_URL (or the permissions of data/planner.db)."
        ) from error
    return engine


@contextmanager
def unit_of_work(engine: Engine) -> Iterator[Session]:
    """One short session: commits if the block succeeds, rolls everything back if it raises."""
    session = Session(engine, expire_on_commit=False)
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
