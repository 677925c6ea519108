"""Shared fixtures: real databases (SQLite files, or PostgreSQL when configured), demo data.

Database tests are marked `db`. They run on a fresh SQLite file by default; with
PLANNER_TEST_DATABASE_URL=postgresql://user:pass@host/db (a user allowed to CREATE DATABASE) each
test gets a fresh PostgreSQL database instead (`make test-postgres`).
"""

from __future__ import annotations

import os
import shutil
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from planner import migrate
from planner.db import make_engine, unit_of_work
from planner.settings import database_url as _configured_url

DEMO_PASSWORD = "demo-password-for-tests"
TODAY = date.today()


def _postgres_url() -> str | None:
    url = os.environ.get("PLANNER_TEST_DATABASE_URL", "").strip()
    if not url:
        return None
    os.environ["PLANNER_DATABASE_URL"] = url
    try:
        return _configured_url()
    finally:
        del os.environ["PLANNER_DATABASE_URL"]


@contextmanager
def _new_database(folder: Path) -> Iterator[str]:
    """URL of a brand-new, empty database, dropped afterwards (PostgreSQL) or left in `folder` (SQLite)."""
    base = _postgres_url()
    if base is None:
        yield f"sqlite:///{folder / 'planner.db'}"
        return
    name = f"planner_t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(base).set(database=name).render_as_string(hide_password=False)
    finally:
        _drop_database(admin, name)
        admin.dispose()


def _drop_database(admin, name: str) -> None:
    """Drop a scratch database; a background process still in it (autovacuum) only delays that."""
    import warnings

    from sqlalchemy.exc import DBAPIError

    for statement in (f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', *[f'DROP DATABASE IF EXISTS "{name}"'] * 5):
        try:
            with admin.connect() as connection:
                connection.execute(text(statement))
            return
        except DBAPIError:
            time.sleep(0.5)  # teardown only: give the other process a moment to leave
    warnings.warn(f"could not drop the scratch database {name}; it is harmless and can be dropped by hand")


@pytest.fixture
def db_url(tmp_path: Path):
    with _new_database(tmp_path) as url:
        yield url


@pytest.fixture(scope="module")
def module_db_url(tmp_path_factory):
    """Like db_url, shared by the tests of one module (for expensive read-only set-ups)."""
    with _new_database(tmp_path_factory.mktemp("module-db")) as url:
        yield url


@pytest.fixture
def engine(db_url: str):
    """A migrated, empty database."""
    engine = make_engine(db_url)
    migrate.upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def demo_engine(engine):
    """A migrated database holding the demo caseload."""
    from planner.demo import load_demo

    with unit_of_work(engine) as session:
        load_demo(session, password=DEMO_PASSWORD, today=TODAY)
    return engine


@pytest.fixture(scope="session")
def demo_db_template(tmp_path_factory) -> Path:
    """One SQLite file with the demo caseload, built once per run and copied per test."""
    from planner.demo import load_demo

    path = tmp_path_factory.mktemp("demo") / "demo.db"
    engine = make_engine(f"sqlite:///{path}")
    migrate.upgrade(engine)
    with unit_of_work(engine) as session:
        load_demo(session, password=DEMO_PASSWORD, today=TODAY)
    raw = engine.raw_connection()  # outside any transaction: a checkpoint cannot run inside one
    try:
        raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        raw.close()
    engine.dispose()
    return path


@pytest.fixture
def demo_sqlite_url(demo_db_template: Path, tmp_path: Path) -> str:
    """A private copy of the demo database, as a URL (for pages and subprocesses)."""
    path = tmp_path / "planner.db"
    shutil.copy(demo_db_template, path)
    return f"sqlite:///{path}"
