"""The database layer on real files (and PostgreSQL with make test-postgres)."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlmodel import select

from planner import migrate
from planner.db import DatabaseUnavailable, make_engine, unit_of_work
from planner.models import Team, metadata

pytestmark = pytest.mark.db


def test_migrations_build_exactly_the_models(engine):
    assert set(inspect(engine).get_table_names()) >= set(metadata.tables)
    with engine.connect() as connection:
        diffs = compare_metadata(MigrationContext.configure(connection), metadata)
    assert diffs == []


def test_migrating_twice_changes_nothing_and_reaches_head(engine):
    migrate.upgrade(engine)
    head = ScriptDirectory.from_config(migrate.alembic_config(str(engine.url))).get_current_head()
    with engine.connect() as connection:
        assert MigrationContext.configure(connection).get_current_revision() == head


def test_sqlite_runs_with_safe_settings(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'x.db'}")
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 5000


def test_a_database_that_cannot_be_opened_names_the_setting(tmp_path):
    with pytest.raises(DatabaseUnavailable, match="PLANNER_DATABASE_URL"):
        make_engine(f"sqlite:///{tmp_path / 'missing-folder' / 'x.db'}")
    with pytest.raises(DatabaseUnavailable, match="PLANNER_DATABASE_URL"):
        make_engine("postgresql+psycopg://nobody:wrong@127.0.0.1:1/none")


def test_unit_of_work_saves_nothing_half_done(engine):
    with pytest.raises(RuntimeError):
        with unit_of_work(engine) as session:
            session.add(Team(name="Half saved"))
            session.flush()
            raise RuntimeError("crash in the middle of a save")
    with unit_of_work(engine) as session:
        assert session.exec(select(Team)).all() == []


def test_foreign_keys_are_enforced(engine):
    from sqlalchemy.exc import IntegrityError

    with pytest.raises(IntegrityError):
        with engine.begin() as connection:
            connection.execute(text("INSERT INTO family_access (account_id, case_id) VALUES (999, 999)"))


def test_upgrading_a_database_that_holds_data_keeps_it(db_url):
    from alembic import command

    engine = make_engine(db_url)
    config = migrate.alembic_config(db_url)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0001")
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO team (name) VALUES ('Old team')"))
        connection.execute(
            text(
                "INSERT INTO account (username, display_name, role, team_id, password_hash, active, created_at, version) "
                "VALUES ('old', 'Old Hand', 'therapist', 1, 'x', TRUE, CURRENT_TIMESTAMP, 1)"
            )
        )
        connection.execute(
            text(
                "INSERT INTO audit_event (at, actor, action, object_type, outcome) VALUES (CURRENT_TIMESTAMP, 'old', 'view', '', 'ok')"
            )
        )
    migrate.upgrade(engine)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT username, totp_secret FROM account")).one() == ("old", None)
        assert connection.execute(text("SELECT chain_hmac FROM audit_event")).scalar_one() == ""
    engine.dispose()


def test_the_sqlite_file_is_readable_by_its_owner_only(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'private.db'}")
    migrate.upgrade(engine)
    engine.dispose()
    for name in ("private.db",):
        assert (tmp_path / name).stat().st_mode & 0o777 == 0o600
    loose = tmp_path / "loose.db"
    loose.touch(mode=0o644)
    loose.chmod(0o644)
    make_engine(f"sqlite:///{loose}").dispose()
    assert loose.stat().st_mode & 0o777 == 0o600
