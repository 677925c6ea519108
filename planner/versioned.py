"""Optimistic locking: save a row only if nobody has saved it since it was read."""

from __future__ import annotations

from sqlalchemy import update
from sqlmodel import Session

from planner.errors import StaleEdit


def versioned_update(session: Session, table, row_id: int, version: int, values: dict, what: str) -> None:
    """UPDATE ... WHERE id = ? AND version = ?, bumping the version; zero rows means someone saved first."""
    # Ids and versions are 32-bit columns: PostgreSQL raises on a larger parameter, and no such row exists.
    in_range = all(isinstance(n, int) and -(2**31) <= n < 2**31 for n in (row_id, version))
    changed = 0 if not in_range else session.execute(
        update(table).where(table.id == row_id, table.version == version).values(**values, version=table.version + 1)
    ).rowcount
    if changed != 1:
        raise StaleEdit(
            f"Someone else saved this {what} after you opened it, so your change was not saved. "
            "Reload to see their version, then make your change again."
        )
