"""`make bench` / `python -m bench [--quick] [--no-postgres] [--only SECTION ...] [--sizes N ...]`.

Builds synthetic data, measures every section, prints one table per section and writes the same
figures, with the machine they came from, to bench/results/latest.json. Progress goes to stderr,
tables to stdout.
"""

from __future__ import annotations

import argparse
import platform
import sqlite3
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from bench import analysis, dashboard_scale, pages, report, service_scale, startup

RESULTS = Path(__file__).resolve().parent / "results"
SECTIONS = ("analysis", "pages", "service", "dashboard", "startup")


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _package(name: str) -> str | None:
    try:
        return version(name)
    except PackageNotFoundError:
        return None


def _postgres_version(url: str | None) -> str | None:
    if not url:
        return None
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return connection.execute(text("SELECT version()")).scalar_one()
    finally:
        engine.dispose()


def machine(postgres: str | None) -> dict:
    import os

    return {
        "cpu_count": os.cpu_count(),
        "load_average": os.getloadavg() if hasattr(os, "getloadavg") else None,
        "platform": platform.platform(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "postgres": _postgres_version(postgres),
        "streamlit": _package("streamlit"),
        "sqlalchemy": _package("sqlalchemy"),
        "pandas": _package("pandas"),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="small sizes and fewer rounds (no 10,000-case service, no 1,000-driver map)")
    parser.add_argument("--no-postgres", action="store_true", help="skip the PostgreSQL leg of the service figures")
    parser.add_argument("--only", nargs="+", choices=SECTIONS, metavar="SECTION",
                        help=f"run only these sections ({', '.join(SECTIONS)})")
    parser.add_argument("--sizes", nargs="+", type=int, metavar="N",
                        help="case counts for the service and dashboard sections instead of the standard ones")
    options = parser.parse_args(argv)
    sections = options.only or list(SECTIONS)

    started = time.perf_counter()
    postgres = None if options.no_postgres else service_scale.postgres_from_env()
    info = machine(postgres)
    _log(f"bench: {info['cpu_count']} CPUs, Python {info['python']}, SQLite {info['sqlite']}, "
         f"PostgreSQL: {'skipped' if not postgres else info['postgres'].split(' on ')[0]}")

    tables: list[report.Table] = []
    durations: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        workdir = Path(tmp)
        demo = None
        if {"pages", "startup"} & set(sections):
            _log("demo caseload (the copy pages and start-up use) ...")
            demo = pages.build_demo(workdir / "demo.db", date.today())
        for name in sections:
            _log(f"{name} ...")
            began = time.perf_counter()
            if name == "analysis":
                tables += analysis.run(quick=options.quick)
            elif name == "pages":
                tables += pages.run(quick=options.quick, workdir=workdir, demo_template=demo, log=_log)
            elif name == "service":
                why = "--no-postgres" if options.no_postgres else "set PLANNER_BENCH_POSTGRES_URL"
                tables += service_scale.run(quick=options.quick, postgres=postgres, skipped_because=why, log=_log,
                                            sizes=tuple(options.sizes or ()))
            elif name == "dashboard":
                why = "--no-postgres" if options.no_postgres else "set PLANNER_BENCH_POSTGRES_URL"
                tables += dashboard_scale.run(quick=options.quick, postgres=postgres, skipped_because=why, log=_log,
                                              sizes=tuple(options.sizes or ()))
            elif name == "startup":
                tables += startup.run(quick=options.quick, workdir=workdir, demo_template=demo, log=_log)
            durations[name] = time.perf_counter() - began
            print("\n" + tables[-1].render(), flush=True)

    total = time.perf_counter() - started
    targets = [(what, ok) for t in tables for what, ok in t.targets]
    print("\nTargets")
    for what, ok in targets:
        print(f"  {report.verdict(ok)}  {what}")
    print(f"\nTotal run time: {total:.0f} s ({', '.join(f'{k} {v:.0f} s' for k, v in durations.items())})")

    out = RESULTS / "latest.json"
    report.write_json(out, {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "options": {"quick": options.quick, "postgres": bool(postgres), "sections": sections,
                    "sizes": options.sizes},
        "machine": info,
        "sections": {t.key: t.as_json() for t in tables},
        "targets": [{"target": what, "result": report.verdict(ok)} for what, ok in targets],
        "section_seconds": durations,
        "total_seconds": total,
    })
    print(f"Figures written to {out.relative_to(Path.cwd()) if out.is_relative_to(Path.cwd()) else out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
