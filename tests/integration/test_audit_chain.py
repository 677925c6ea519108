"""The tamper-evident audit trail: `verify` names the first entry altered or following a removed one."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlmodel import select

from planner.audit import verify
from planner.db import unit_of_work
from planner.models import AuditEvent

pytestmark = pytest.mark.db
ROOT = Path(__file__).resolve().parents[2]


def ids(engine) -> list[int]:
    with unit_of_work(engine) as session:
        return list(session.exec(select(AuditEvent.id).order_by(AuditEvent.id)).all())


@pytest.fixture
def trail(demo_engine):
    from planner import audit
    from planner.access import Principal

    someone = Principal(1, "therapist", "T", "therapist", 1)
    for n in range(12):
        with unit_of_work(demo_engine) as session:
            audit.record(session, actor=someone, action="view", object_type="case", object_id=n, case_id=1)
    return demo_engine


def test_an_untouched_trail_verifies(trail):
    with unit_of_work(trail) as session:
        result = verify(session)
    assert result.first_bad_id is None and result.checked == len(ids(trail)) >= 13


def test_an_altered_entry_is_named(trail):
    target = ids(trail)[5]
    with trail.begin() as connection:
        connection.execute(text("UPDATE audit_event SET action = 'edit' WHERE id = :id"), {"id": target})
    with unit_of_work(trail) as session:
        result = verify(session)
    assert result.first_bad_id == target and f"Entry {target}" in result.detail


def test_a_removed_entry_is_caught_at_the_next_one(trail):
    entries = ids(trail)
    with trail.begin() as connection:
        connection.execute(text("DELETE FROM audit_event WHERE id = :id"), {"id": entries[7]})
    with unit_of_work(trail) as session:
        assert verify(session).first_bad_id == entries[8]


def test_a_forged_seal_without_the_key_is_caught(trail):
    target = ids(trail)[3]
    with trail.begin() as connection:
        connection.execute(text("UPDATE audit_event SET outcome = 'denied', chain_hmac = :h WHERE id = :id"), {"h": "0" * 64, "id": target})
    with unit_of_work(trail) as session:
        assert verify(session).first_bad_id == target
    first = ids(trail)[0]
    with unit_of_work(trail) as session:
        assert verify(session, key=b"someone else's key").first_bad_id == first


def test_the_command_line_reports_and_exits_nonzero(demo_sqlite_url, tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("PLANNER_")} | {"PLANNER_DATABASE_URL": demo_sqlite_url}
    ok = subprocess.run([sys.executable, "-m", "planner", "audit", "verify"], cwd=ROOT, env=env, capture_output=True, text=True)
    assert ok.returncode == 0 and "intact" in ok.stdout
    import sqlite3

    path = demo_sqlite_url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE audit_event SET actor = 'nobody' WHERE id = 1")
    bad = subprocess.run([sys.executable, "-m", "planner", "audit", "verify"], cwd=ROOT, env=env, capture_output=True, text=True)
    assert bad.returncode == 1 and "Entry 1 " in bad.stdout and "Traceback" not in bad.stderr


def test_concurrent_writers_keep_one_unbroken_chain(engine):
    from concurrent.futures import ThreadPoolExecutor

    from planner import audit

    def write(worker: int) -> int:
        for n in range(15):
            with unit_of_work(engine) as session:
                audit.record(session, actor=None, actor_name=f"writer{worker}", action="sign_in_failed", object_id=n)
        return 15

    with ThreadPoolExecutor(max_workers=4) as pool:
        written = sum(pool.map(write, range(4)))
    with unit_of_work(engine) as session:
        result = verify(session)
    assert result.first_bad_id is None, result.detail
    assert result.checked == written == 60
