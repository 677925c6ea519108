"""The supervisor's team dashboard over a whole service: planner.dashboard.team_dashboard vs hand-written SQL.

The service of service_scale (n cases in one team, ~30 weeks of an overall rating and six driver
ratings each, weekly reviews) plus what the dashboard also reads: intermediary goals (two a week,
the same wording week after week, so runs of "not met" trip the on-track rule), two overarching
goals, interventions aimed at the prioritised need (done or stopped in half the cases, so it is
uncovered there), supervisor comments and monthly adherence scores.

Subject: team_dashboard(session, supervisor) -- one row per OPEN case of the team, flags and all --
in a session that is rolled back (its audit entry is counted among its statements, never kept).
Floor: the five hand-written statements below (HAND_SQL), read into the same goals.model
dataclasses and turned into the same rows by the same Python (planner.dashboard.dashboard_row:
on-track rules, phases, labels), so the ratio is what the service's queries cost over hand SQL.
Both answers are compared (every row, every column, the order) before anything is timed.

SQLite files are built once per size and kept in bench/results/cache/ (keyed by size, data
versions and migration head); PostgreSQL databases bench_dash_<n> are rebuilt on every run and
dropped afterwards.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import date, timedelta

import pandas as pd
from sqlalchemy import Date, DateTime, text
from sqlalchemy.engine import Engine
from sqlmodel import Session

from bench import databases, report
from bench.bulk_load import with_required_columns
from bench.service_scale import count_statements, read_only_session
from bench.synthetic import SERVICE_DATA_VERSION, SERVICE_TODAY, Service, Table, service, service_tables
from bench.timing import paired
from goals.model import IntermediaryGoal, OverarchingGoal, PrioritisedDriver
from goals.on_track import CaseState
from goals.timeline import plan_week
from planner.accounts import load_principal
from planner.dashboard import TREND_WEEKS, dashboard_frame, dashboard_row, team_dashboard

SIZES = (20, 600, 10_000)
QUICK_SIZES = (20, 600)
TARGET_RATIO = 2.0
DASHBOARD_DATA_VERSION = 1  # bump whenever dashboard_tables changes: cache files are keyed by it
GOALS_PER_WEEK = 2

_SCOPE = "c.team_id = :team_id AND c.status = 'open'"
HAND_SQL = {
    "cases": f"""
SELECT c.id, c.alias, c.age, c.start_date, c.planned_weeks, c.phase_engagement_weeks, c.phase_generalisation_weeks,
       c.therapist_id, a.display_name,
       (SELECT max(w.submitted_at) FROM weekly_review w
         WHERE w.case_id = c.id AND w.status = 'submitted') AS last_submitted,
       (SELECT count(*) FROM comment m WHERE m.case_id = c.id AND m.status = 'open') AS open_comments,
       (SELECT s.score FROM adherence_score s WHERE s.case_id = c.id ORDER BY s.month DESC LIMIT 1) AS adherence
FROM plan_case c JOIN account a ON a.id = c.therapist_id
WHERE {_SCOPE}
ORDER BY c.alias, c.id
""",
    "trend": f"""
SELECT case_id, week, value FROM (
  SELECT r.case_id, r.week, r.value, row_number() OVER (PARTITION BY r.case_id ORDER BY r.week DESC) AS newest
  FROM rating r JOIN plan_case c ON c.id = r.case_id
  WHERE {_SCOPE} AND r.subject = 'overall'
) t WHERE newest <= {TREND_WEEKS}
""",
    "goals": f"""
SELECT g.case_id, g.id, g.level, g.week, g.text, g.status, g.carries_on_from, g.gas_weight, g.gas_score
FROM goal g JOIN plan_case c ON c.id = g.case_id
WHERE {_SCOPE}
""",
    "drivers": f"""
SELECT d.case_id, d.id, d.name, d.kind,
       EXISTS (SELECT 1 FROM intervention i JOIN intervention_driver x ON x.intervention_id = i.id
                WHERE i.case_id = d.case_id AND x.driver_id = d.id AND i.status NOT IN ('done', 'stopped')) AS covered,
       r.week, r.value
FROM driver d JOIN plan_case c ON c.id = d.case_id
LEFT JOIN rating r ON r.case_id = d.case_id AND r.subject = 'driver' AND r.subject_id = d.id
WHERE {_SCOPE} AND d.prioritised AND d.archived_at IS NULL AND d.status != 'ruled_out'
""",
    "reviews": f"""
SELECT w.case_id, w.week FROM weekly_review w JOIN plan_case c ON c.id = w.case_id
WHERE {_SCOPE} AND w.status = 'submitted'
""",
}


def hand_written(session: Session, team_id: int, *, today: date) -> pd.DataFrame:
    """The dashboard from HAND_SQL's five statements, through the same row-building Python."""
    params = {"team_id": team_id}
    cases = session.execute(
        text(HAND_SQL["cases"]).columns(start_date=Date, last_submitted=DateTime), params
    ).all()
    trend: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for case_id, week, value in session.execute(text(HAND_SQL["trend"]), params):
        trend[case_id].append((week, value))
    intermediary: dict[int, list[IntermediaryGoal]] = defaultdict(list)
    overarching: dict[int, list[OverarchingGoal]] = defaultdict(list)
    for case_id, goal_id, level, week, body, status, carries, weight, score in session.execute(text(HAND_SQL["goals"]), params):
        if level == "intermediary" and week is not None:
            intermediary[case_id].append(IntermediaryGoal(goal_id, week, body, status, carries))
        elif level == "overarching":
            overarching[case_id].append(OverarchingGoal(goal_id, body, status, weight, score))
    drivers: dict[int, dict[int, tuple[str, str, dict[int, int]]]] = defaultdict(dict)
    covered: set[int] = set()
    for case_id, driver_id, name, kind, is_covered, week, value in session.execute(text(HAND_SQL["drivers"]), params):
        entry = drivers[case_id].setdefault(driver_id, (name, kind, {}))
        if week is not None:
            entry[2][week] = value
        if is_covered:
            covered.add(driver_id)
    submitted: dict[int, list[int]] = defaultdict(list)
    for case_id, week in session.execute(text(HAND_SQL["reviews"]), params):
        submitted[case_id].append(week)

    records = []
    for row in cases:
        state = CaseState(
            current_week=plan_week(row.start_date, today),
            planned_weeks=row.planned_weeks,
            intermediary_goals=tuple(intermediary[row.id]),
            prioritised_drivers=tuple(
                PrioritisedDriver(driver_id, name, ratings, kind) for driver_id, (name, kind, ratings) in drivers[row.id].items()
            ),
            overarching_goals=tuple(overarching[row.id]),
            submitted_review_weeks=tuple(sorted(submitted[row.id])),
        )
        values = [value for _week, value in sorted(trend[row.id])]
        records.append(dashboard_row(row, state, values, covered, today=today))
    return dashboard_frame(records)


# --------------------------------------------------------------------------- data


def dashboard_tables(svc: Service, *, text_dates: bool) -> list[Table]:
    """Goals, interventions, comments and adherence scores for the service's cases (after service_tables)."""
    def d(value: date) -> object:
        return value.isoformat() if text_dates else value

    def goals() -> Iterator[tuple]:
        goal_id = 0
        for c in svc.cases:
            for j in range(2):
                goal_id += 1
                yield (goal_id, c.id, "overarching", f"Overarching goal {j + 1}", "", "", None, "",
                       ("open", "met", "partly_met")[(c.id + j) % 3], 1.0, None, "", None, 1)
            for w in range(1, c.rated_weeks + 2):
                for k in range(GOALS_PER_WEEK):
                    goal_id += 1
                    if w > c.rated_weeks:
                        status = "open"  # this week's goals, not marked yet
                    else:
                        status = ("met", "met", "not_met", "partly_met", "not_met")[(c.id * 3 + w // 2 + k) % 5]
                    yield (goal_id, c.id, "intermediary", f"Step {k + 1} for the family", "", "", w, "Dad",
                           status, 1.0, None, "", None, 1)

    def interventions() -> Iterator[tuple]:
        for c in svc.cases:
            yield (2 * c.id - 1, c.id, "other", "Work on the prioritised need", 1,
                   ("active", "done", "planned", "stopped")[c.id % 4], "", 1)
            yield (2 * c.id, c.id, "other", "Work on another need", 2, "active", "", 1)

    def aimed() -> Iterator[tuple]:
        for c in svc.cases:
            first_driver = (c.id - 1) * 6 + 1  # synthetic.DRIVERS_PER_CASE; driver 1 is the prioritised need
            yield (2 * c.id - 1, first_driver)
            yield (2 * c.id, first_driver + 1)

    def comments() -> Iterator[tuple]:
        comment_id = 0
        for c in svc.cases:
            for status in (("open",) if c.id % 3 == 0 else ()) + (("addressed",) if c.id % 5 == 0 else ()):
                comment_id += 1
                yield (comment_id, c.id, svc.supervisor_id, "case", None, "A question for supervision.", status, 1)

    def adherence() -> Iterator[tuple]:
        score_id = 0
        first = SERVICE_TODAY.replace(day=1)
        for c in svc.cases:
            if c.id % 2:
                continue
            for m in range(3):
                score_id += 1
                month = (first - timedelta(days=31 * m)).replace(day=1)
                yield (score_id, c.id, d(month), 0.45 + ((c.id + m) % 5) / 10)

    return [
        ("goal", ["id", "case_id", "level", "text", "criterion", "family_wording", "week", "owner", "status",
                  "gas_weight", "gas_score", "gas_levels", "carries_on_from", "version"], goals),
        ("intervention", ["id", "case_id", "type", "name", "start_week", "status", "principles", "version"],
         interventions),
        ("intervention_driver", ["intervention_id", "driver_id"], aimed),
        ("comment", ["id", "case_id", "author_id", "subject", "subject_id", "body", "status", "version"], comments),
        ("adherence_score", ["id", "case_id", "month", "score"], adherence),
    ]


def all_tables(engine: Engine, n: int, text_dates: bool) -> list[Table]:
    svc = service(n)
    tables = service_tables(svc, text_dates=text_dates) + dashboard_tables(svc, text_dates=text_dates)
    return with_required_columns(engine, tables, text_dates=text_dates)


DATA = databases.ScaleData(
    "dashboard", f"{SERVICE_DATA_VERSION}.{DASHBOARD_DATA_VERSION}", "bench_dash", "dashboard service", all_tables
)


# --------------------------------------------------------------------------- measuring


def _plain(frame: pd.DataFrame) -> list[tuple]:
    """Rows as plain tuples (lists kept, missing values as None), to compare two answers exactly."""
    def cell(value):
        if isinstance(value, list):
            return value
        return None if pd.isna(value) else value

    return [tuple(cell(v) for v in row) for row in frame.itertuples(index=False)]


def compare(a: pd.DataFrame, b: pd.DataFrame) -> str | None:
    """None if the two answers hold the same rows in the same order, else what differs."""
    if list(a.columns) != list(b.columns):
        return f"columns differ: {list(a.columns)} vs {list(b.columns)}"
    if len(a) != len(b):
        return f"{len(a)} rows vs {len(b)}"
    rows_a, rows_b = _plain(a), _plain(b)
    for i, (x, y) in enumerate(zip(rows_a, rows_b)):
        if x != y:
            diff = [(c, p, q) for c, p, q in zip(a.columns, x, y) if p != q]
            return f"row {i} (case {x[0]}) differs: {str(diff)[:300]}"
    return None


def measure(engine: Engine, n: int, svc: Service, *, repeats: int) -> dict:
    with read_only_session(engine) as session:
        supervisor = load_principal(session, svc.supervisor_id)

    def by_service():
        with read_only_session(engine) as session:
            return team_dashboard(session, supervisor, today=SERVICE_TODAY)

    def by_hand():
        with read_only_session(engine) as session:
            return hand_written(session, supervisor.team_id, today=SERVICE_TODAY)

    def with_audit_flush():
        with read_only_session(engine) as session:
            team_dashboard(session, supervisor, today=SERVICE_TODAY)
            session.flush()  # anything still pending (the audit entry) is sent, then rolled back

    ours, theirs = by_service(), by_hand()
    difference = compare(ours, theirs)
    if difference is not None:
        raise AssertionError(f"team_dashboard and the hand-written SQL disagree at {n} cases: {difference}")
    open_cases = sum(c.status == "open" and c.team_id == svc.team_id for c in svc.cases)
    if len(ours) != open_cases:
        raise AssertionError(f"the supervisor should see {open_cases} open cases, the dashboard has {len(ours)}")
    statements = count_statements(engine, with_audit_flush)
    hand_statements = count_statements(engine, by_hand)
    result = paired(by_service, by_hand, repeats)
    return {"statements": statements, "hand_statements": hand_statements, "rows": len(ours), "answer": ours,
            "flagged": int((ours["flag_count"] > 0).sum()), "result": result}


def run(*, quick: bool, postgres: str | None, skipped_because: str = "set PLANNER_BENCH_POSTGRES_URL",
        log=print, sizes: tuple[int, ...] | None = None) -> list[report.Table]:
    sizes = sizes or (QUICK_SIZES if quick else SIZES)
    table = report.Table(
        "dashboard_scale",
        "Dashboard scale: planner.dashboard.team_dashboard for a supervisor vs hand-written SQL (floor)",
        ["Engine", "Cases", "Open rows", "Flagged", "Rating rows", "team_dashboard", "Hand SQL", "Ratio",
         f"<= {TARGET_RATIO:g}x", "Statements", "Hand", "Same data", "Database"],
    )
    engines = [("SQLite", None)] + ([("PostgreSQL", postgres)] if postgres else [])
    answers: dict[tuple[str, int], pd.DataFrame] = {}
    for label, base in engines:
        counts = []
        for n in sizes:
            svc = service(n)
            repeats = 3 if n >= 10_000 else 9  # several seconds a call at 10,000 cases (the rules run per case)
            if quick:
                repeats = min(repeats, 5)
            with databases.database(DATA, base, n, log) as (engine, how):
                figures = measure(engine, n, svc, repeats=repeats)
            result = figures["result"]
            counts.append(figures["statements"])
            answers[(label, n)] = figures["answer"]
            ok = result.ratio <= TARGET_RATIO
            mark = table.target(f"team_dashboard <= {TARGET_RATIO:g}x hand SQL, {label}, {n:,} cases", ok)
            table.add(
                [label, report.count(n), report.count(figures["rows"]), report.count(figures["flagged"]),
                 report.count(svc.rating_rows), report.seconds(result.subject.median_s),
                 report.seconds(result.floor.median_s), report.ratio(result.ratio), mark, figures["statements"],
                 figures["hand_statements"], "yes", how],
                {"engine": label, "cases": n, "open_rows": figures["rows"], "flagged_rows": figures["flagged"],
                 "rating_rows": svc.rating_rows, "statements": figures["statements"],
                 "hand_statements": figures["hand_statements"], "same_data": True, "database": how,
                 "floor_is": "hand-written SQL (HAND_SQL, 5 statements) through the same row-building Python",
                 **result.as_json()},
            )
        flat = len(set(counts)) == 1
        table.target(f"dashboard statement count flat ({label})", flat)
        table.notes.append(
            f"{label}: team_dashboard issues {', '.join(map(str, counts))} statements at "
            f"{', '.join(f'{n:,}' for n in sizes)} cases: {'flat' if flat else 'GROWS'} -> {report.verdict(flat)}."
        )
    if postgres:
        agree = all(compare(answers[("SQLite", n)], answers[("PostgreSQL", n)]) is None for n in sizes)
        table.notes.append(f"SQLite and PostgreSQL answers identical at every size: {'yes' if agree else 'NO'}.")
    else:
        table.notes.append(f"PostgreSQL: skipped ({skipped_because})")
    table.notes.append(
        "Same data = the two DataFrames are equal (every row, column, list and the order), checked before timing. "
        "Rows = the team's OPEN cases (about 3 in 4); flags from goals.on_track on both sides."
    )
    table.notes.append(
        "Statements: one team_dashboard call incl. its audit entry (flushed, then rolled back); Hand = the floor's. "
        f"Per case: ~30 weeks x (1 overall + 6 driver ratings), {GOALS_PER_WEEK} intermediary goals a week, "
        "2 overarching goals, 2 interventions, some comments and adherence scores."
    )
    table.notes.append(
        f"SQLite files cached in bench/results/cache/ (delete to rebuild); PostgreSQL databases bench_dash_<n> "
        f"rebuilt every run and dropped after. Data anchored at {SERVICE_TODAY.isoformat()}."
    )
    return [table]

