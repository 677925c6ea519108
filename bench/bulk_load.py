"""Fast bulk loading of synthetic rows: executemany in one transaction (SQLite), COPY (PostgreSQL).

The schema comes first from planner.migrate.upgrade; these functions only fill its tables. Rows
carry explicit ids, so PostgreSQL's sequences are moved past them afterwards.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy.engine import Engine

from bench.synthetic import Table


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
