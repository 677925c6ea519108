"""Start-up and sign-in: serving the app, one password hash, loading the demo caseload.

- Start-up: from launching `streamlit run app.py` (headless, on a free localhost port, with
  PLANNER_DATABASE_URL at a copy of the demo database) to the first HTTP 200 of /_stcore/health
  and of /. Floor: starting the same Python with `-c pass`.
- Sign-in hash: one argon2id hash (planner.accounts._hasher.hash) against a sha256 of the same
  password. The ratio is informative only: argon2 is meant to be slow.
- Demo load: planner.demo.load_demo into a freshly migrated SQLite file, committed (the migration
  itself is not timed). Floor: copying the loaded database file.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import date
from pathlib import Path

from bench import report
from bench.timing import paired
from planner import migrate
from planner.accounts import _hasher
from planner.db import make_engine, unit_of_work
from planner.demo import load_demo

ROOT = Path(__file__).resolve().parent.parent
START_TIMEOUT_S = 90
PASSWORD = "correct horse battery staple"
# Straight to localhost, whatever proxy the environment names.
_LOCAL = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _ok(url: str) -> bool:
    try:
        with _LOCAL.open(url, timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return False


def serve_once(database_url: str) -> tuple[float, float]:
    """Seconds from launch to the first 200 of /_stcore/health and of /; the server is then stopped."""
    port = free_port()
    env = {**os.environ, "PLANNER_DATABASE_URL": database_url}
    command = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
               "--server.headless", "true", "--server.address", "localhost"]
    base = f"http://localhost:{port}"
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    health = root = None
    try:
        while health is None or root is None:
            now = time.perf_counter() - start
            if now > START_TIMEOUT_S:
                raise TimeoutError(f"streamlit did not answer within {START_TIMEOUT_S} s")
            if process.poll() is not None:
                raise RuntimeError("streamlit exited early: " + process.stderr.read().decode(errors="replace")[-800:])
            if health is None and _ok(base + "/_stcore/health"):
                health = time.perf_counter() - start
            if root is None and _ok(base + "/"):
                root = time.perf_counter() - start
            if health is None or root is None:
                time.sleep(0.005)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        process.stderr.close()
    return health, root


def python_pass() -> None:
    subprocess.run([sys.executable, "-c", "pass"], check=True)


def run(*, quick: bool, workdir: Path, demo_template: Path, log=print) -> list[report.Table]:
    table = report.Table(
        "startup",
        "Start-up and sign-in",
        ["What", "Median", "Floor", "Floor is", "Ratio"],
    )
    served = workdir / "served.db"
    shutil.copy(demo_template, served)
    url = f"sqlite:///{served}"

    # Start-up: both first-200 times come from the same launches; the floor runs in the same rounds.
    rounds = 2 if quick else 5
    log(f"  streamlit run x{rounds} ...")
    health_times, root_times, floor_times = [], [], []
    serve_once(url)  # warm the file cache: the first launch reads every module from disk
    for i in range(rounds):
        if i % 2:
            floor_times.append(_timed(python_pass))
            health, root = serve_once(url)
        else:
            health, root = serve_once(url)
            floor_times.append(_timed(python_pass))
        health_times.append(health)
        root_times.append(root)
    floor = _median(floor_times)
    for what, times in (("start-up to /_stcore/health 200", health_times), ("start-up to / 200", root_times)):
        ratios = _median([t / f for t, f in zip(times, floor_times, strict=True)])
        table.add([what, report.seconds(_median(times)), report.seconds(floor), "python -c pass", report.ratio(ratios)],
                  {"what": what, "median_s": _median(times), "samples_s": times, "floor": "python -c pass",
                   "floor_median_s": floor, "floor_samples_s": floor_times, "ratio": ratios})

    log("  argon2 ...")
    hashed = paired(lambda: _hasher.hash(PASSWORD), lambda: hashlib.sha256(PASSWORD.encode()).hexdigest(),
                    3 if quick else 7)
    table.add(["one argon2id hash (sign-in)", report.seconds(hashed.subject.median_s),
               report.seconds(hashed.floor.median_s), "sha256 of it", report.ratio(hashed.ratio)],
              {"what": "argon2id hash", "floor": "sha256", **hashed.as_json()})

    log("  load_demo ...")
    today = date.today()
    fresh: list[Path] = []

    def prepare():
        path = workdir / f"demo_{len(fresh)}.db"
        engine = make_engine(f"sqlite:///{path}")
        migrate.upgrade(engine)
        engine.dispose()
        fresh.append(path)

    def load():
        engine = make_engine(f"sqlite:///{fresh[-1]}")
        try:
            with unit_of_work(engine) as session:
                load_demo(session, password=PASSWORD, today=today)
        finally:
            engine.dispose()

    def copy():
        shutil.copyfile(demo_template, workdir / "copy.db")

    loaded = paired(load, copy, 2 if quick else 3, warmup=0, before_round=prepare, loop_short=False)
    table.add(["load_demo into a fresh migrated SQLite file", report.seconds(loaded.subject.median_s),
               report.seconds(loaded.floor.median_s), "copying the demo file", report.ratio(loaded.ratio)],
              {"what": "load_demo", "floor": "copy of the loaded demo database file", **loaded.as_json()})
    table.notes.append(
        f"Start-up: median of {rounds} launches (after one unmeasured launch), stopped after both answered; "
        "the ratio is start-up / `python -c pass` in the same round."
    )
    table.notes.append("load_demo includes one argon2id hash (all demo accounts share one password).")
    return [table]


def _timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2
