"""Backups, restores, and a writer killed at random moments: nothing acknowledged is ever lost."""

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def planner(args, url, *, stdin=None):
    env = {k: v for k, v in os.environ.items() if not k.startswith("PLANNER_")} | {"PLANNER_DATABASE_URL": url}
    return subprocess.run([sys.executable, "-m", "planner", *args], cwd=ROOT, env=env, capture_output=True, text=True, input=stdin, timeout=120)


def count(path, table="account"):
    with sqlite3.connect(path) as connection:
        return connection.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]


def test_backup_then_restore_brings_back_exactly_what_was_saved(demo_sqlite_url, tmp_path):
    live = demo_sqlite_url.removeprefix("sqlite:///")
    copy = tmp_path / "backup.db"
    made = planner(["backup", str(copy)], demo_sqlite_url)
    assert made.returncode == 0 and "integrity ok" in made.stdout, made.stderr
    assert copy.stat().st_mode & 0o777 == 0o600
    before = count(live, "driver")
    with sqlite3.connect(live) as connection:
        connection.execute("DELETE FROM intervention_driver")
        connection.execute("UPDATE driver SET archived_at = CURRENT_TIMESTAMP")
    refused = planner(["restore", str(copy)], demo_sqlite_url, stdin="")
    assert refused.returncode == 1 and "--yes" in refused.stderr  # no silent replacement
    restored = planner(["restore", str(copy), "--yes"], demo_sqlite_url)
    assert restored.returncode == 0, restored.stderr
    with sqlite3.connect(live) as connection:
        assert connection.execute("SELECT COUNT(*) FROM driver WHERE archived_at IS NULL").fetchone()[0] == before
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    again = planner(["backup", str(copy)], demo_sqlite_url)
    assert again.returncode == 1 and "exists already" in again.stderr  # never overwrites a backup


def test_a_damaged_or_foreign_file_is_refused_and_nothing_changes(demo_sqlite_url, tmp_path):
    live = demo_sqlite_url.removeprefix("sqlite:///")
    before = count(live)
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"SQLite format 3\x00" + os.urandom(4096))
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as connection:
        connection.execute("CREATE TABLE t (x)")
    for path, reason in ((junk, "not a readable planner database"), (other, "not a readable planner database"), (tmp_path / "none.db", "no file")):
        result = planner(["restore", str(path), "--yes"], demo_sqlite_url)
        assert result.returncode == 1 and reason in result.stderr and "Traceback" not in result.stderr, result.stderr
    assert count(live) == before


WRITER = r"""
import sys
from planner.db import make_engine, unit_of_work
from planner.models import Team
engine = make_engine(sys.argv[1])
n = 0
while True:
    n += 1
    with unit_of_work(engine) as session:
        session.add(Team(name=f"team-{sys.argv[2]}-{n}"))
    print(n, flush=True)  # acknowledged: the commit returned
"""


def test_killing_a_writer_at_random_moments_loses_no_acknowledged_save(engine, tmp_path):
    if engine.dialect.name != "sqlite":
        return  # PostgreSQL's durability is PostgreSQL's; this checks our SQLite settings
    url = engine.url.render_as_string(hide_password=False)
    engine.dispose()
    rng = random.Random(20261125)
    tried = acknowledged = 0
    for round_ in range(8):
        process = subprocess.Popen([sys.executable, "-c", WRITER, url, str(round_)], cwd=ROOT, stdout=subprocess.PIPE, text=True)
        deadline = time.monotonic() + rng.uniform(0.4, 1.5)
        lines = []
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line:
                break
            lines.append(int(line))
        process.send_signal(signal.SIGKILL)
        process.wait()
        lines += [int(x) for x in process.stdout.read().split()]
        acknowledged += len(lines)
        tried += len(lines) + 1  # the save in flight when it was killed
        path = url.removeprefix("sqlite:///")
        with sqlite3.connect(path) as connection:
            assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            saved = {row[0] for row in connection.execute("SELECT name FROM team WHERE name LIKE ?", (f"team-{round_}-%",))}
        lost = {f"team-{round_}-{n}" for n in lines} - saved
        assert lost == set(), f"round {round_}: acknowledged but lost {sorted(lost)[:5]}"
    print(f"kill test: {tried} saves tried, {acknowledged} acknowledged, 0 lost, integrity ok after 8 kills")
    assert acknowledged > 8
