"""Fast bulk loading of synthetic rows: executemany in one transaction (SQLite), COPY (PostgreSQL).

The schema comes first from planner.migrate.upgrade; these functions only fill its tables. Rows
carry explicit ids, so PostgreSQL's sequences are moved past them afterwards.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import inspect, types
from sqlalchemy.engine import Engine

from bench.synthetic import Table

_FILL_DATE = date(2021, 11, 25)
_FILL_TIME = datetime(2021, 11, 25, 9, tzinfo=UTC)


def with_required_columns(engine: Engine, tables: list[Table], *, text_dates: bool) -> list[Table]:
    """Add a neutral value for every NOT NULL column without a default that the rows do not name.

    The schema grows as the planner does; the benchmark's rows name only what the measured queries
    read, so a new required column ('' / 0 / false / a fixed date) does not break the build.
    """
    inspector = inspect(engine)
    completed = []
    for table, columns, rows in tables:
        extra_columns, extra_values = [], []
        for column in inspector.get_columns(table):
            if column["name"] in columns or column["nullable"] or column.get("default") is not None:
                continue
            extra_columns.append(column["name"])
            extra_values.append(_neutral(column["type"], text_dates))
        if extra_columns:
            def extended(rows=rows, extra=tuple(extra_values)):
                return (row + extra for row in rows())

            completed.append((table, columns + extra_columns, extended))
        else:
            completed.append((table, columns, rows))
    return completed


def _neutral(column_type: types.TypeEngine, text_dates: bool) -> object:
    if isinstance(column_type, types.Boolean):
        return 0 if text_dates else False
    if isinstance(column_type, types.DateTime):
        return _FILL_TIME.strftime("%Y-%m-%d %H:%M:%S.%f") if text_dates else _FILL_TIME
    if isinstance(column_type, types.Date):
        return _FILL_DATE.isoformat() if text_dates else _FILL_DATE
    if isinstance(column_type, types.Integer | types.Numeric | types.Float):
        return 0
    return ""


def load_sqlite(path: Path, tables: list[Table]) -> dict[str, int]:
    """executemany per table inside one transaction; returns rows written per table."""
    written: dict[str, int] = {}
    con = sqlite3.connect(path)
    try:
        # A throwaway build: no journal fsyncs while loading; the file ends in WAL mode like the app's.
        con.execute("PRAGMA journal_mode=DELETE")
        con.execute("PRAGMA synchronous=OFF")
        with con:
            for table, columns, rows in tables:
                sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
                cursor = con.executemany(sql, rows())
                written[table] = cursor.rowcount
        con.execute("PRAGMA journal_mode=WAL")
    finally:
        con.close()
    return written


def load_postgres(engine: Engine, tables: list[Table]) -> dict[str, int]:
    """COPY ... FROM STDIN per table in one transaction, then sequences past the ids and VACUUM ANALYZE."""
    written: dict[str, int] = {}
    raw = engine.raw_connection()
    try:
        pg = raw.driver_connection
        with pg.cursor() as cursor:
            for table, columns, rows in tables:
                count = 0
                with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                    for row in rows():
                        copy.write_row(row)
                        count += 1
                written[table] = count
                if "id" in columns:  # link tables (intervention_driver) have a composite key, no sequence
                    cursor.execute(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
                    )
        pg.commit()
    finally:
        raw.close()
    # A service five years old has statistics and a visibility map: give the planner the same.
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        for table, _columns, _rows in tables:
            connection.exec_driver_sql(f"VACUUM ANALYZE {table}")
    return written
