"""Building the scale benchmarks' databases: a cached SQLite file or a fresh PostgreSQL database per size.

service_scale and dashboard_scale measure different services over the same kind of synthetic data,
so they build their databases the same way and differ only in the names (cache file stem, database
prefix) and in which tables they load: each describes that in a ScaleData.

SQLite files are built once per size and kept in bench/results/cache/, keyed by size, data version
and migration head (older files of the same stem and size are deleted); PostgreSQL databases are
created afresh on every run (COPY) and dropped afterwards.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine, make_url

from bench.bulk_load import load_postgres, load_sqlite
from bench.synthetic import Table
from planner import migrate
from planner.db import make_engine

CACHE = Path(__file__).resolve().parent / "results" / "cache"

# (engine of the migrated, empty database, n cases, text_dates) -> the rows to load
TableBuilder = Callable[[Engine, int, bool], list[Table]]


@dataclass(frozen=True)
class ScaleData:
    """What one scale section loads, and the names its databases go by."""

    stem: str  # SQLite cache files: <stem>_<n>_v<version>_<migration head>.db
    version: str  # the data version(s): bump to rebuild the cached files
    prefix: str  # PostgreSQL databases: <prefix>_<n>
    what: str  # for the progress line: "building SQLite <what> of n cases"
    tables: TableBuilder


def alembic_head() -> str:
    return ScriptDirectory.from_config(migrate.alembic_config("sqlite://")).get_current_head() or "none"


def sqlite_database(data: ScaleData, n: int, log) -> tuple[str, str]:
    """URL of the cached SQLite file for n cases, building it if needed; and how it was obtained."""
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"{data.stem}_{n}_v{data.version}_{alembic_head()}.db"
    for stale in CACHE.glob(f"{data.stem}_{n}_v*.db*"):  # older data versions or schemas
        if stale.name != path.name:
            stale.unlink()
    if path.exists():
        return f"sqlite:///{path}", "cached"
    start = time.perf_counter()
    building = path.with_name(path.name + ".building")
    for leftover in (building, Path(f"{building}-wal"), Path(f"{building}-shm")):
        leftover.unlink(missing_ok=True)
    engine = make_engine(f"sqlite:///{building}")
    try:
        migrate.upgrade(engine)
        rows = data.tables(engine, n, True)
    finally:
        engine.dispose()
    log(f"  building SQLite {data.what} of {n:,} cases ...")
    load_sqlite(building, rows)
    building.replace(path)
    return f"sqlite:///{path}", f"built in {time.perf_counter() - start:.1f} s"


@contextmanager
def postgres_database(data: ScaleData, base_url: str, n: int, log) -> Iterator[tuple[Engine, str]]:
    """A fresh PostgreSQL database <prefix>_<n> with the tables loaded, and how long that took; dropped
    afterwards."""
    name = f"{data.prefix}_{n}"
    admin = create_engine(base_url, isolation_level="AUTOCOMMIT")
    url = make_url(base_url).set(database=name).render_as_string(hide_password=False)
    try:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        start = time.perf_counter()
        engine = make_engine(url)
        migrate.upgrade(engine)
        log(f"  building PostgreSQL {data.what} of {n:,} cases ...")
        load_postgres(engine, data.tables(engine, n, False))
        built = f"built in {time.perf_counter() - start:.1f} s"
        try:
            yield engine, built
        finally:
            engine.dispose()
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextmanager
def database(data: ScaleData, base_url: str | None, n: int, log) -> Iterator[tuple[Engine, str]]:
    """(engine, how it was obtained) for n cases: the cached SQLite file when `base_url` is None, else a fresh
    PostgreSQL database on that server; the engine is disposed of (and the PostgreSQL database dropped) after."""
    if base_url is not None:
        with postgres_database(data, base_url, n, log) as opened:
            yield opened
        return
    url, how = sqlite_database(data, n, log)
    engine = make_engine(url)
    try:
        yield engine, how
    finally:
        engine.dispose()
