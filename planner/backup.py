"""Backups of the SQLite database: an online copy while the app runs, and a checked restore.

PostgreSQL is backed up with its own tools (README: pg_dump / pg_restore); these commands refuse
a PostgreSQL URL with that advice rather than half-doing it.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from sqlalchemy.engine import Engine

from planner.db import _owner_only


class BackupError(RuntimeError):
    """A backup or restore that cannot go ahead; the message says why, nothing was changed."""


def _sqlite_path(engine: Engine) -> Path:
    if engine.dialect.name != "sqlite":
        raise BackupError(
            "This database is PostgreSQL: back it up with pg_dump --format=custom and restore with "
            "pg_restore (see README, 'Backups')."
        )
    return Path(engine.url.database)


def check_file(path: Path) -> str:
    """PRAGMA integrity_check on a database file, plus the schema revision it holds."""
    if not path.is_file():
        raise BackupError(f"There is no file at {path}.")
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as connection:
            result = connection.execute("PRAGMA integrity_check").fetchone()[0]
            if result != "ok":
                raise BackupError(f"{path} failed its integrity check: {result}")
            revision = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path} is not a readable planner database ({error}).") from error
    if revision is None:
        raise BackupError(f"{path} holds no schema revision: it is not a planner database.")
    return revision[0]


def backup(engine: Engine, target: Path) -> str:
    """Copy the live database to `target` (SQLite's online backup: consistent while in use)."""
    source = _sqlite_path(engine)
    target = Path(target)
    if target.exists():
        raise BackupError(f"{target} exists already; choose a new file name so no backup is overwritten.")
    _owner_only(target)
    with sqlite3.connect(source) as live, sqlite3.connect(target) as copy:
        live.backup(copy)
    return check_file(target)


def restore(engine: Engine, backup_file: Path, *, head_revision: str) -> str:
    """Replace the database's contents with a checked backup. Stop the app first."""
    target = _sqlite_path(engine)
    revision = check_file(Path(backup_file))
    if revision != head_revision:
        raise BackupError(
            f"The backup is at schema revision {revision}, this version of the planner at {head_revision}: "
            "restore it with the version that made it, then upgrade with `python -m planner init`."
        )
    engine.dispose()
    with sqlite3.connect(backup_file) as source, sqlite3.connect(target) as live:
        source.backup(live)
    os.chmod(target, 0o600)
    return check_file(target)
