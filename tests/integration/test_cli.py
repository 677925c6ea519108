"""python -m planner, run as a user would run it: real processes, a real database file."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run(args, url, *, stdin="", extra_env=None):
    env = {k: v for k, v in os.environ.items() if not k.startswith("PLANNER_")}
    env |= {"PLANNER_DATABASE_URL": url, **(extra_env or {})}
    return subprocess.run(
        [sys.executable, "-m", "planner", *args], cwd=ROOT, env=env, input=stdin, capture_output=True, text=True, timeout=120
    )


@pytest.fixture
def url(tmp_path):
    return f"sqlite:///{tmp_path / 'cli.db'}"


def test_help_on_every_command(url):
    for args in (["--help"], ["init", "--help"], ["demo", "--help"], ["user", "add", "--help"]):
        result = run(args, url)
        assert result.returncode == 0 and "usage:" in result.stdout


@pytest.mark.parametrize("args", [[], ["bogus"], ["user"], ["user", "add", "x"], ["user", "add", "x", "--name", "X", "--role", "king"]])
def test_bad_arguments_give_usage_and_exit_2(url, args):
    result = run(args, url)
    assert result.returncode == 2 and "usage:" in result.stderr


def test_init_then_demo_twice_changes_nothing_the_second_time(url, tmp_path):
    assert run(["init"], url).returncode == 0
    first = run(["demo"], url)
    assert first.returncode == 0, first.stderr
    password = first.stdout.strip().splitlines()[-1].strip()
    assert len(password) >= 12 and "only this once" in first.stdout
    size = (tmp_path / "cli.db").stat().st_size
    second = run(["demo"], url)
    assert second.returncode == 0 and "already loaded; nothing changed" in second.stdout
    assert password not in second.stdout
    assert (tmp_path / "cli.db").stat().st_size == size


def test_demo_password_can_be_chosen(url):
    result = run(["demo"], url, extra_env={"PLANNER_DEMO_PASSWORD": "chosen-demo-password"})
    assert result.returncode == 0 and "chosen-demo-password" not in result.stdout


def test_user_add_reads_the_password_from_stdin_never_argv(url):
    run(["demo"], url, extra_env={"PLANNER_DEMO_PASSWORD": "chosen-demo-password"})
    result = run(
        ["user", "add", "j.osei", "--name", "Jo Osei", "--role", "therapist", "--team", "Northgate MST-PSB"],
        url,
        stdin="a long enough password\n",
    )
    assert result.returncode == 0, result.stderr
    again = run(["user", "add", "j.osei", "--name", "Jo", "--role", "therapist"], url, stdin="another long password\n")
    assert again.returncode == 1 and "taken" in again.stderr and "Traceback" not in again.stderr
    short = run(["user", "add", "k.lee", "--name", "K", "--role", "admin"], url, stdin="short\n")
    assert short.returncode == 1 and "at least 10" in short.stderr
    bad = run(["user", "add", "Bad Name", "--name", "K", "--role", "admin"], url, stdin="a long enough password\n")
    assert bad.returncode == 1 and "username" in bad.stderr and "Traceback" not in bad.stderr


def test_unopenable_database_names_the_setting(tmp_path):
    result = run(["init"], f"sqlite:///{tmp_path / 'no' / 'such' / 'x.db'}")
    assert result.returncode == 1
    assert "PLANNER_DATABASE_URL" in result.stderr and "Traceback" not in result.stderr
