"""Server-side rerun time of the case pages (AppTest), as a ratio to a bare Streamlit page's rerun.

Subject: one rerun (AppTest.run()) of the page through app.py -- the sign-in check, the menu and
the page, for the demo therapist on a case with 10, 40 or 200 drivers, 20 weeks into its plan
(ratings, goals, reviews, interventions). Each rerun also writes the page's audit row.
Floor: one rerun of BARE_PAGE (a title and a line of text), measured in the same round.
The person is signed in by setting the session state that views.shared.sign_in_as sets, not by
typing a password, so no argon2 hash lands in the figures.

Like tests/, bench/ drives the app through Streamlit's AppTest, so it may import streamlit's
testing and runtime modules (tests/unit/test_layers.py allows it; the product code may not).
"""

from __future__ import annotations

import logging
import os
import secrets
import shutil
import sqlite3
import time
from datetime import date
from pathlib import Path

from sqlmodel import select
from streamlit.runtime.scriptrunner.script_cache import ScriptCache
from streamlit.testing.v1 import AppTest

from bench import report
from bench.synthetic import add_case_with_drivers
from bench.timing import median_of, paired
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


class _NoBareModeWarning(logging.Filter):
    # Setting AppTest's session state from the test thread makes Streamlit warn "missing
    # ScriptRunContext ... can be ignored when running in bare mode". It can: keep the output clean.
    def filter(self, record: logging.LogRecord) -> bool:
        return "missing ScriptRunContext" not in record.getMessage()


logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context").addFilter(_NoBareModeWarning())


def build_demo(path: Path, today: date) -> Path:
    """A migrated SQLite file with the demo caseload (the copy every section starts from)."""
    engine = make_engine(f"sqlite:///{path}")
    try:
        migrate.upgrade(engine)
        with unit_of_work(engine) as session:
            load_demo(session, password=secrets.token_urlsafe(16), today=today)
    finally:
        engine.dispose()
    # Fold the WAL into the file so copies of it are complete (outside the app's BEGIN IMMEDIATE).
    connection = sqlite3.connect(path)
    try:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        connection.close()
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


def signed_in_page(user_id: int, page: str, case_id: int | None):
    """An AppTest of app.py, signed in as user_id, showing `page` for case_id (None: no case, so a case page
    only says "choose a case": the signed-in app shell with next to nothing below it)."""
    at = AppTest.from_file(str(APP), default_timeout=120)
    now = time.time()
    at.session_state["user_id"] = user_id
    at.session_state["signed_in_at"] = now
    at.session_state["last_seen"] = now
    at.run()
    if case_id is not None:
        at.query_params["case"] = str(case_id)
    at.switch_page(page).run()
    problems = [str(e.value) for e in at.exception] + [str(e.value) for e in at.error]
    if problems:
        raise AssertionError(f"{page} for case {case_id} did not render cleanly: {problems}")
    return at


def compile_cost(*scripts: Path) -> float:
    """Median seconds to parse, rewrite ("magic") and compile the scripts with a fresh ScriptCache.

    AppTest builds a new ScriptCache for every run, so every measured rerun pays this for app.py
    and the page; a real server compiles each script once and keeps the bytecode.
    """
    script_cache = ScriptCache

    def compile_all():
        cache = script_cache()
        for script in scripts:
            cache.get_bytecode(str(script))

    return median_of(compile_all, 9).median_s


def run(*, quick: bool, workdir: Path, demo_template: Path, log=print) -> list[report.Table]:
    repeats = 5 if quick else 15
    today = date.today()
    db = workdir / "pages.db"
    shutil.copy(demo_template, db)
    url = f"sqlite:///{db}"
    user_id, cases = add_bench_cases(url, today)
    bare = AppTest.from_string(BARE_PAGE, default_timeout=60).run()

    table = report.Table(
        "pages",
        "Page cost: server-side rerun (AppTest) vs a bare page's rerun (floor: st.title + st.write)",
        ["Page", "Drivers", "Rerun", "Bare page", "Ratio", f"<= {TARGET_RATIO:g}x at {TARGET_DRIVERS}",
         "of which recompile", "Ratio w/o recompile"],
    )
    bare_compile_s = compile_cost(Path(bare._script_path))
    previous = os.environ.get("PLANNER_DATABASE_URL")
    os.environ["PLANNER_DATABASE_URL"] = url
    try:
        # The floor of every signed-in page: the sign-in check, the menu and the sidebar, with a page that stops
        # at its first line. No case page can cost less than this.
        shell = signed_in_page(user_id, PAGES[0][1], None)
        log("  app shell ...")
        result = paired(shell.run, bare.run, repeats, warmup=3)
        compile_s = compile_cost(APP, ROOT / PAGES[0][1])
        adjusted = (result.subject.median_s - compile_s) / max(result.floor.median_s - bare_compile_s, 1e-9)
        table.add(
            ["app shell (no case)", "", report.seconds(result.subject.median_s), report.seconds(result.floor.median_s),
             report.ratio(result.ratio), "", report.seconds(compile_s), report.ratio(adjusted)],
            {"page": "app shell", "path": PAGES[0][1], "drivers": None, "floor_is": "bare page rerun",
             **result.as_json(), "apptest_recompile_s": compile_s, "ratio_without_recompile": adjusted},
        )
        for label, page in PAGES:
            for n in SIZES:
                at = signed_in_page(user_id, page, cases[n])
                log(f"  {label}, {n} drivers ...")
                result = paired(at.run, bare.run, repeats, warmup=3)
                compile_s = compile_cost(APP, ROOT / page)
                adjusted = (result.subject.median_s - compile_s) / max(result.floor.median_s - bare_compile_s, 1e-9)
                mark = ""
                if n == TARGET_DRIVERS:
                    mark = table.target(f"{label} <= {TARGET_RATIO:g}x bare page at {n} drivers",
                                        result.ratio <= TARGET_RATIO)
                table.add(
                    [label, n, report.seconds(result.subject.median_s), report.seconds(result.floor.median_s),
                     report.ratio(result.ratio), mark, report.seconds(compile_s), report.ratio(adjusted)],
                    {"page": label, "path": page, "drivers": n, "floor_is": "bare page rerun", **result.as_json(),
                     "apptest_recompile_s": compile_s, "ratio_without_recompile": adjusted},
                )
    finally:
        if previous is None:
            os.environ.pop("PLANNER_DATABASE_URL", None)
        else:
            os.environ["PLANNER_DATABASE_URL"] = previous
    table.notes.append(
        "App shell: signed in, on a case page opened without a case, so it draws one line and stops: what every "
        "signed-in rerun costs before its page does anything (session check, the person re-read from the "
        "database, the menu, the sidebar)."
    )
    table.notes.append(
        "Recompile: AppTest re-parses and compiles app.py and the page on every run (a fresh ScriptCache per "
        "run); a server does that once. 'Ratio w/o recompile' takes it off both sides: closer to a server's rerun."
    )
    table.notes.append(
        f"Median of {repeats} reruns each, page and bare page alternating; demo therapist, case at week 21 of 30 "
        "with ~2.5 links per driver, 20 weeks of ratings, goals and reviews; SQLite (WAL, synchronous=FULL)."
    )
    return [table]
