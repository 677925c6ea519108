"""cProfile of a figure that misses its target, to see where the time goes.

    python -m bench.profile page views/case_overview.py 40   # the page's script thread, 10 reruns
    python -m bench.profile caseload 10000                   # caseload on the cached SQLite service

Prints the functions with the most cumulative time (and, with --tottime, own time).
"""

from __future__ import annotations

import argparse
import cProfile
import importlib
import io
import os
import pstats
import shutil
import tempfile
from datetime import date
from pathlib import Path

from bench import pages, service_scale
from bench.synthetic import SERVICE_TODAY, service


def _print(stats: pstats.Stats, sort: str, top: int, title: str) -> None:
    out = io.StringIO()
    stats.stream = out
    stats.sort_stats(sort).print_stats(top)
    print(f"== {title} (sorted by {sort})")
    print(out.getvalue())


def profile_page(page: str, drivers: int, *, reruns: int, top: int, sort: str) -> None:
    """Profile the script thread of `reruns` reruns of a page (the server-side work)."""
    runner_module = importlib.import_module("streamlit.testing.v1.local_script_runner")
    runner = runner_module.LocalScriptRunner
    original = runner._run_script_thread
    profiles: list[cProfile.Profile] = []
    active = {"on": False}

    def profiled(self):
        if not active["on"]:
            return original(self)
        profile = cProfile.Profile()
        profiles.append(profile)
        profile.enable()
        try:
            return original(self)
        finally:
            profile.disable()

    with tempfile.TemporaryDirectory(prefix="bench-profile-") as tmp:
        workdir = Path(tmp)
        demo = pages.build_demo(workdir / "demo.db", date.today())
        db = workdir / "pages.db"
        shutil.copy(demo, db)
        os.environ["PLANNER_DATABASE_URL"] = f"sqlite:///{db}"
        user_id, cases = pages.add_bench_cases(os.environ["PLANNER_DATABASE_URL"], date.today())
        if drivers not in cases:
            raise SystemExit(f"drivers must be one of {sorted(cases)}")
        at = pages.signed_in_page(user_id, page, cases[drivers])
        at.run()
        runner._run_script_thread = profiled
        active["on"] = True
        try:
            for _ in range(reruns):
                at.run()
        finally:
            runner._run_script_thread = original
    stats = pstats.Stats(profiles[0])
    for profile in profiles[1:]:
        stats.add(profile)
    _print(stats, sort, top, f"{page}, {drivers} drivers, script thread over {reruns} reruns")


def profile_caseload(n: int, *, top: int, sort: str) -> None:
    from planner.accounts import load_principal
    from planner.cases import caseload
    from planner.db import make_engine

    url, _how = service_scale.sqlite_database(n, print)
    engine = make_engine(url)
    with service_scale.read_only_session(engine) as session:
        supervisor = load_principal(session, service(0).supervisor_id)
    for label, fn in (
        ("caseload", lambda s: caseload(s, supervisor, today=SERVICE_TODAY, include_closed=True)),
        ("hand-written SQL", lambda s: service_scale.hand_written(s, supervisor.team_id, today=SERVICE_TODAY,
                                                                  include_closed=True)),
    ):
        with service_scale.read_only_session(engine) as session:
            fn(session)  # warm
        profile = cProfile.Profile()
        for _ in range(5):
            with service_scale.read_only_session(engine) as session:
                profile.enable()
                fn(session)
                profile.disable()
        _print(pstats.Stats(profile), sort, top, f"{label}, {n:,} cases on SQLite, 5 calls")
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.profile", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="what", required=True)
    page = sub.add_parser("page")
    page.add_argument("page", help="e.g. views/case_overview.py")
    page.add_argument("drivers", type=int, choices=pages.SIZES)
    page.add_argument("--reruns", type=int, default=10)
    load = sub.add_parser("caseload")
    load.add_argument("cases", type=int)
    for p in (page, load):
        p.add_argument("--top", type=int, default=30)
        p.add_argument("--tottime", action="store_true", help="sort by own time rather than cumulative")
    args = parser.parse_args()
    sort = "tottime" if args.tottime else "cumulative"
    if args.what == "page":
        profile_page(args.page, args.drivers, reruns=args.reruns, top=args.top, sort=sort)
    else:
        profile_caseload(args.cases, top=args.top, sort=sort)


if __name__ == "__main__":
    main()
