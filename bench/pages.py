"""Server-side rerun time of the case pages (AppTest), as a ratio to a bare Streamlit page's rerun.

Subject: one rerun (AppTest.run()) of the page through app.py -- the sign-in check, the menu and
the page, for the demo therapist on a case with 10, 40 or 200 drivers, 20 weeks into its plan
(ratings, goals, reviews, interventions). Each rerun also writes the page's audit row.
Floor: one rerun of BARE_PAGE (a title and a line of text), measured in the same round.
The person is signed in by setting the session state that views.shared.sign_in_as sets, not by
typing a password, so no argon2 hash lands in the figures.

Only app.py and views/ may import streamlit (tests/unit/test_layers.py walks bench/ too), so
AppTest is loaded by name in `_app_test()` and the bare page is a string handed to
AppTest.from_string rather than a .py file under bench/.
"""

from __future__ import annotations

import importlib
import os
import secrets
import shutil
import time
from datetime import date
from pathlib import Path

from sqlmodel import select

from bench import report
from bench.synthetic import add_case_with_drivers
from bench.timing import paired
from planner import migrate
from planner.db import make_engine, unit_of_work
from planner.demo import load_demo
from planner.models import User

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app.py"
SIZES = (10, 40, 200)
TARGET_DRIVERS, TARGET_RATIO = 40, 3.0
PAGES = (
    ("case overview", "views/case_overview.py"),
    ("driver map", "views/driver_map.py"),
    ("timeline", "views/timeline.py"),
)
BARE_PAGE = """\
import streamlit as st

st.title("A bare page")
st.write("Nothing but a title and one line of text: the floor of every page rerun.")
"""


def _app_test():
    return importlib.import_module("streamlit.testing.v1").AppTest


def build_demo(path: Path, today: date) -> Path:
    """A migrated SQLite file with the demo caseload (the copy every section starts from)."""
    engine = make_engine(f"sqlite:///{path}")
    try:
        migrate.upgrade(engine)
        with unit_of_work(engine) as session:
            load_demo(session, password=secrets.token_urlsafe(16), today=today)
        with engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        engine.dispose()
    return path


def add_bench_cases(url: str, today: date) -> tuple[int, dict[int, int]]:
    """The demo therapist gets one case per size; returns her id and {drivers: case id}."""
    engine = make_engine(url)
    try:
        with unit_of_work(engine) as session:
            therapist = session.exec(select(User).where(User.username == "therapist")).one()
            cases = {
                n: add_case_with_drivers(session, therapist_id=therapist.id, team_id=therapist.team_id,
                                         alias=f"Bench {n} drivers", n_drivers=n, today=today)
                for n in SIZES
            }
            return therapist.id, cases
    finally:
        engine.dispose()


def signed_in_page(user_id: int, page: str, case_id: int):
    """An AppTest of app.py, signed in as user_id, showing `page` for case_id."""
    at = _app_test().from_file(str(APP), default_timeout=120)
    now = time.time()
    at.session_state["user_id"] = user_id
    at.session_state["signed_in_at"] = now
    at.session_state["last_seen"] = now
    at.run()
    at.query_params["case"] = str(case_id)
    at.switch_page(page).run()
    problems = [str(e.value) for e in at.exception] + [str(e.value) for e in at.error]
    if problems:
        raise AssertionError(f"{page} for case {case_id} did not render cleanly: {problems}")
    return at


def run(*, quick: bool, workdir: Path, demo_template: Path, log=print) -> list[report.Table]:
    repeats = 5 if quick else 15
    today = date.today()
    db = workdir / "pages.db"
    shutil.copy(demo_template, db)
    url = f"sqlite:///{db}"
    user_id, cases = add_bench_cases(url, today)
    bare = _app_test().from_string(BARE_PAGE, default_timeout=60).run()

    table = report.Table(
        "pages",
        "Page cost: server-side rerun (AppTest) vs a bare page's rerun (floor: st.title + st.write)",
        ["Page", "Drivers", "Rerun", "Bare page", "Ratio", f"<= {TARGET_RATIO:g}x at {TARGET_DRIVERS}"],
    )
    previous = os.environ.get("PLANNER_DATABASE_URL")
    os.environ["PLANNER_DATABASE_URL"] = url
    try:
        for label, page in PAGES:
            if not (ROOT / page).exists():
                table.add([label, "—", "not built yet", "", "", ""],
                          {"page": label, "path": page, "status": "not built yet"})
                continue
            for n in SIZES:
                log(f"  {label}, {n} drivers ...")
                at = signed_in_page(user_id, page, cases[n])
                result = paired(at.run, bare.run, repeats, warmup=2)
                mark = ""
                if n == TARGET_DRIVERS:
                    mark = table.target(f"{label} <= {TARGET_RATIO:g}x bare page at {n} drivers",
                                        result.ratio <= TARGET_RATIO)
                table.add(
                    [label, n, report.seconds(result.subject.median_s), report.seconds(result.floor.median_s),
                     report.ratio(result.ratio), mark],
                    {"page": label, "path": page, "drivers": n, **result.as_json()},
                )
    finally:
        if previous is None:
            os.environ.pop("PLANNER_DATABASE_URL", None)
        else:
            os.environ["PLANNER_DATABASE_URL"] = previous
    table.notes.append(
        f"Median of {repeats} reruns each, page and bare page alternating; demo therapist, case at week 21 of 30 "
        "with ~2.5 links per driver, 20 weeks of ratings, goals and reviews; SQLite (WAL, synchronous=FULL)."
    )
    return [table]
