"""Alembic environment: one migration chain for SQLite and PostgreSQL (batch mode on SQLite)."""

from __future__ import annotations

from alembic import context

from planner import models  # noqa: F401  (registers every table on the metadata)
from planner.db import make_engine
from planner.settings import database_url

config = context.config
target_metadata = models.metadata


def run_migrations(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    run_migrations(connection)
else:
    url = config.get_main_option("sqlalchemy.url") or database_url()
    engine = make_engine(url)
    with engine.begin() as conn:
        run_migrations(conn)
    engine.dispose()
