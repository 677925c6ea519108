"""python -m planner export / import, run as an operator would: real processes, acting as a named person."""

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from planner.db import unit_of_work
from planner.models import AuditEvent, Case, metadata
from tests.helpers import case_id

pytestmark = pytest.mark.db
ROOT = Path(__file__).resolve().parents[2]


def run(args, engine):
    env = os.environ | {"PLANNER_DATABASE_URL": engine.url.render_as_string(hide_password=False)}
    return subprocess.run(
        [sys.executable, "-m", "planner", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def table_counts(engine) -> dict[str, int]:
    with unit_of_work(engine) as session:
        return {t.name: session.execute(select(func.count()).select_from(t)).scalar_one() for t in metadata.sorted_tables}


def test_export_then_import_as_the_therapist(demo_engine, tmp_path):
    leon = case_id(demo_engine, "Leon")
    path = tmp_path / "leon.json"
    exported = run(["export", str(leon), str(path), "--as", "therapist"], demo_engine)
    assert exported.returncode == 0, exported.stderr
    assert "sensitive" in exported.stdout
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert json.loads(path.read_bytes())["case"]["alias"] == "Leon"
    # Never overwrites.
    again = run(["export", str(leon), str(path), "--as", "therapist"], demo_engine)
    assert again.returncode == 1 and "already exists" in again.stderr
    before = table_counts(demo_engine)
    imported = run(["import", str(path), "--as", "therapist"], demo_engine)
    assert imported.returncode == 0, imported.stderr
    assert "Imported as case" in imported.stdout and "note:" in imported.stdout
    assert table_counts(demo_engine)["plan_case"] == before["plan_case"] + 1
    with unit_of_work(demo_engine) as session:
        actions = session.exec(select(AuditEvent.actor, AuditEvent.action).where(AuditEvent.object_type == "case_json")).all()
    assert actions == [("therapist", "export"), ("therapist", "import")]


def test_access_is_that_of_the_named_person(demo_engine, tmp_path):
    leon = case_id(demo_engine, "Leon")
    path = tmp_path / "leon.json"
    refused = run(["export", str(leon), str(path), "--as", "therapist2"], demo_engine)
    assert refused.returncode == 1 and "may not export" in refused.stderr
    assert not path.exists()
    assert run(["export", str(leon), str(path), "--as", "supervisor"], demo_engine).returncode == 0
    before = table_counts(demo_engine)
    for username in ("supervisor", "family", "admin"):
        result = run(["import", str(path), "--as", username], demo_engine)
        assert result.returncode == 1 and "may not import" in result.stderr
    unknown = run(["import", str(path), "--as", "nobody"], demo_engine)
    assert unknown.returncode == 1 and "no active account" in unknown.stderr
    after = table_counts(demo_engine)
    assert after.pop("audit_event") == before.pop("audit_event") + 3  # the refusals only
    assert after == before


def test_a_malformed_file_is_refused_with_the_reason(demo_engine, tmp_path):
    path = tmp_path / "broken.json"
    path.write_bytes(b'{"format": "mst-psb-planner/case", "version": 1, "case": {"alias": 3')
    before = table_counts(demo_engine)
    result = run(["import", str(path), "--as", "therapist"], demo_engine)
    assert result.returncode == 1 and "not valid JSON" in result.stderr and "line 1" in result.stderr
    missing = run(["import", str(tmp_path / "nothing.json"), "--as", "therapist"], demo_engine)
    assert missing.returncode == 1 and "cannot use" in missing.stderr
    assert table_counts(demo_engine) == before
    with unit_of_work(demo_engine) as session:
        assert session.exec(select(func.count()).select_from(Case)).one()[0] == before["plan_case"]
