"""The supervisor's caseload over a whole service: planner.cases.caseload vs one hand-written query.

A service of n cases, all in one team (so its supervisor sees every one), each with ~30 weeks of an
overall rating and six driver ratings, weekly reviews, drivers; a small second team the supervisor
must not see. At 10,000 cases that is about 2.1 million rating rows.

Subject: caseload(session, supervisor, include_closed=True) -- the Team cases page with "include
closed cases" on, so the supervisor's list has all n rows -- in a session that is rolled back, so
the audit entry it writes is never kept (whatever caseload itself flushes is timed; no commit is).
Floor: HAND_SQL below, one statement, turned into the same DataFrame (same columns, same Python
rule for the week of the plan), in a session of the same engine.
Both answers are compared (every row and column, and their order) before anything is timed.

SQLite files are built once per size and kept in bench/results/cache/ (keyed by size, data version
and migration head); PostgreSQL databases (bench_scale_<n>) are rebuilt on every run and dropped
afterwards.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from urllib.parse import urlsplit

import pandas as pd
from sqlalchemy import Date, event, text
from sqlalchemy.engine import Engine
from sqlmodel import Session

from bench import databases, report
from bench.bulk_load import with_required_columns
from bench.synthetic import SERVICE_DATA_VERSION, SERVICE_TODAY, Table, service, service_tables
from bench.timing import paired
from goals.timeline import plan_week
from planner.accounts import load_principal
from planner.cases import CASELOAD_COLUMNS, caseload

SIZES = (20, 600, 10_000)
QUICK_SIZES = (20, 600)
TARGET_RATIO = 2.0
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", ""}

HAND_SQL = """
SELECT c.id AS case_id, c.alias, c.age, a.display_name AS therapist, t.name AS team, c.status,
       c.start_date, c.planned_weeks, c.closed_on,
       (SELECT r.value FROM rating r
         WHERE r.case_id = c.id AND r.subject = 'overall'
         ORDER BY r.week DESC LIMIT 1) AS overall,
       (SELECT max(w.week) FROM weekly_review w
         WHERE w.case_id = c.id AND w.status = 'submitted') AS last_review_week,
       (SELECT count(*) FROM comment m WHERE m.case_id = c.id AND m.status = 'open') AS open_comments
FROM plan_case c
JOIN account a ON a.id = c.therapist_id
JOIN team t ON t.id = c.team_id
WHERE c.team_id = :team_id {status_filter}
ORDER BY c.status DESC, c.alias
"""


def hand_written(session: Session, team_id: int, *, today, include_closed: bool) -> pd.DataFrame:
    """The caseload answer from one hand-written statement."""
    sql = HAND_SQL.format(status_filter="" if include_closed else "AND c.status = 'open'")
    rows = session.execute(
        text(sql).columns(start_date=Date, closed_on=Date), {"team_id": team_id}
    ).all()
    records = []
    for r in rows:
        week = plan_week(r.start_date, r.closed_on or today)
        records.append({
            "case_id": r.case_id, "alias": r.alias, "age": r.age, "therapist": r.therapist, "team": r.team,
            "status": r.status, "start_date": r.start_date, "planned_weeks": r.planned_weeks,
            "week": min(week, r.planned_weeks) if r.status == "closed" else week,
            "overall": r.overall, "last_review_week": r.last_review_week, "open_comments": r.open_comments,
        })
    return pd.DataFrame.from_records(records, columns=CASELOAD_COLUMNS)


@contextmanager
def read_only_session(engine: Engine):
    """A session that is always rolled back: the benchmark never changes the data it measures."""
    session = Session(engine, expire_on_commit=False)
    try:
        yield session
    finally:
        session.rollback()
        session.close()


def count_statements(engine: Engine, fn) -> int:
    """SQL statements sent to the database while fn() runs (a before_cursor_execute listener)."""
    seen = 0

    def listener(*_args):
        nonlocal seen
        seen += 1

    event.listen(engine, "before_cursor_execute", listener)
    try:
        fn()
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    return seen


def postgres_url(raw: str) -> str:
    url = raw.strip()
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            url = "postgresql+psycopg://" + url[len(prefix):]
    host = urlsplit(url.replace("postgresql+psycopg", "postgresql", 1)).hostname or ""
    if host not in LOCAL_HOSTS:
        raise SystemExit(f"PLANNER_BENCH_POSTGRES_URL must point at localhost (it names {host!r}): "
                         "the benchmark creates and drops databases.")
    return url


# --------------------------------------------------------------------------- building databases


def service_database_tables(engine: Engine, n: int, text_dates: bool) -> list[Table]:
    """The rows of a service of n cases, ready for the migrated database of `engine`."""
    return with_required_columns(engine, service_tables(service(n), text_dates=text_dates), text_dates=text_dates)


DATA = databases.ScaleData("service", str(SERVICE_DATA_VERSION), "bench_scale", "service", service_database_tables)


def sqlite_database(n: int, log) -> tuple[str, str]:
    """URL of the cached SQLite file for n cases, building it if needed; and how it was obtained."""
    return databases.sqlite_database(DATA, n, log)


# --------------------------------------------------------------------------- measuring


def compare(a: pd.DataFrame, b: pd.DataFrame) -> str | None:
    """None if the two answers hold the same rows in the same order, else what differs."""
    if list(a.columns) != list(b.columns):
        return f"columns differ: {list(a.columns)} vs {list(b.columns)}"
    if len(a) != len(b):
        return f"{len(a)} rows vs {len(b)}"
    by_id_a = a.sort_values("case_id").reset_index(drop=True)
    by_id_b = b.sort_values("case_id").reset_index(drop=True)
    try:
        pd.testing.assert_frame_equal(by_id_a, by_id_b)
    except AssertionError as error:
        return "values differ: " + str(error).replace("\n", " ")[:300]
    if list(a["case_id"]) != list(b["case_id"]):
        return "same rows, different order"
    return None


def measure(engine: Engine, n: int, supervisor_id: int, *, repeats: int) -> dict:
    with read_only_session(engine) as session:
        supervisor = load_principal(session, supervisor_id)

    def by_service():
        with read_only_session(engine) as session:
            return caseload(session, supervisor, today=SERVICE_TODAY, include_closed=True)

    def by_hand():
        with read_only_session(engine) as session:
            return hand_written(session, supervisor.team_id, today=SERVICE_TODAY, include_closed=True)

    def with_audit_flush():
        with read_only_session(engine) as session:
            caseload(session, supervisor, today=SERVICE_TODAY, include_closed=True)
            session.flush()  # anything still pending (the audit entry) is sent, then rolled back

    ours, theirs = by_service(), by_hand()
    difference = compare(ours, theirs)
    if difference is not None:
        raise AssertionError(f"caseload and the hand-written query disagree at {n} cases: {difference}")
    if len(ours) != n:
        raise AssertionError(f"the supervisor should see {n} cases, caseload returned {len(ours)}")
    statements = count_statements(engine, with_audit_flush)
    result = paired(by_service, by_hand, repeats)
    return {"statements": statements, "rows": len(ours), "answer": ours, "result": result}


def run(*, quick: bool, postgres: str | None, skipped_because: str = "set PLANNER_BENCH_POSTGRES_URL",
        log=print, sizes: tuple[int, ...] | None = None) -> list[report.Table]:
    sizes = sizes or (QUICK_SIZES if quick else SIZES)
    table = report.Table(
        "service_scale",
        "Service scale: planner.cases.caseload for a supervisor vs one hand-written SQL query (floor)",
        ["Engine", "Cases", "Rating rows", "caseload", "Hand SQL", "Ratio", f"<= {TARGET_RATIO:g}x", "Statements",
         "Same data", "Database"],
    )
    engines = [("SQLite", None)] + ([("PostgreSQL", postgres)] if postgres else [])
    answers: dict[tuple[str, int], pd.DataFrame] = {}
    for label, base in engines:
        counts = []
        for n in sizes:
            svc = service(n)
            repeats = 7 if n >= 10_000 else 15
            if quick:
                repeats = min(repeats, 7)
            with databases.database(DATA, base, n, log) as (engine, how):
                figures = measure(engine, n, svc.supervisor_id, repeats=repeats)
            result = figures["result"]
            counts.append(figures["statements"])
            answers[(label, n)] = figures["answer"]
            ok = result.ratio <= TARGET_RATIO
            mark = table.target(f"caseload <= {TARGET_RATIO:g}x hand SQL, {label}, {n:,} cases", ok)
            table.add(
                [label, report.count(n), report.count(svc.rating_rows), report.seconds(result.subject.median_s),
                 report.seconds(result.floor.median_s), report.ratio(result.ratio), mark, figures["statements"],
                 "yes", how],
                {"engine": label, "cases": n, "rating_rows": svc.rating_rows, "review_rows": svc.review_rows,
                 "statements": figures["statements"], "same_data": True, "database": how,
                 "floor_is": "hand-written SQL (HAND_SQL) to the same DataFrame", **result.as_json()},
            )
        flat = len(set(counts)) == 1
        table.target(f"statement count flat ({label})", flat)
        table.notes.append(
            f"{label}: caseload issues {', '.join(map(str, counts))} statements at {', '.join(f'{n:,}' for n in sizes)} "
            f"cases: {'flat' if flat else 'GROWS'} -> {report.verdict(flat)}."
        )
    if postgres:
        agree = all(
            compare(answers[("SQLite", n)], answers[("PostgreSQL", n)]) in (None, "same rows, different order")
            for n in sizes
        )
        table.notes.append(f"SQLite and PostgreSQL answers identical at every size: {'yes' if agree else 'NO'}.")
    else:
        table.notes.append(f"PostgreSQL: skipped ({skipped_because})")
    table.notes.append(
        "Same data = caseload's DataFrame equals the hand-written query's (every row, column and the order), "
        "checked before timing."
    )
    table.notes.append(
        "Statements: one caseload call incl. writing its audit entry (flushed, then rolled back: nothing is kept). "
        "Supervisor sees all n cases (closed included); ~30 weeks x (1 overall + 6 driver ratings) per case."
    )
    table.notes.append(
        f"SQLite files cached in bench/results/cache/ (delete to rebuild); PostgreSQL databases bench_scale_<n> "
        f"rebuilt every run and dropped after. Data anchored at {SERVICE_TODAY.isoformat()}."
    )
    return [table]


def postgres_from_env() -> str | None:
    raw = os.environ.get("PLANNER_BENCH_POSTGRES_URL", "").strip()
    return postgres_url(raw) if raw else None
