"""The supervisor's team dashboard: its values on the demo and on a hand-built case, who may see it,
and a statement count that stays the same for 10 cases or 240."""

from datetime import UTC, datetime, time, timedelta

import pytest
from sqlalchemy import event, insert
from sqlmodel import select

from goals.on_track import FLAG_KINDS, REVIEW_OVERDUE, all_flags
from planner.access import AccessDenied
from planner.case_progress import case_states
from planner.dashboard import FLAG_LABELS, flag_labels, team_dashboard
from planner.db import unit_of_work
from planner.models import (
    AdherenceScore,
    AuditEvent,
    Case,
    Comment,
    Driver,
    Goal,
    Intervention,
    InterventionDriver,
    Rating,
    WeeklyReview,
)
from tests import factories
from tests.conftest import DEMO_PASSWORD, TODAY
from tests.helpers import person

pytestmark = pytest.mark.db


def test_every_flag_kind_has_a_label():
    assert set(FLAG_LABELS) == set(FLAG_KINDS)
    assert flag_labels([REVIEW_OVERDUE, FLAG_KINDS[1], FLAG_KINDS[1]]) == [
        FLAG_LABELS[FLAG_KINDS[1]] + " ×2",
        FLAG_LABELS[REVIEW_OVERDUE],
    ]


def test_demo_rows_match_the_on_track_rules_for_every_open_case(demo_engine):
    seen = 0
    for username in ("supervisor", "supervisor2"):
        who = person(demo_engine, username)
        with unit_of_work(demo_engine) as session:
            rows = team_dashboard(session, who, today=TODAY)
            scope = (Case.team_id == who.team_id) & (Case.status == "open")
            states = case_states(session, scope, today=TODAY)
            overall = session.exec(
                select(Rating.case_id, Rating.week, Rating.value)
                .join(Case, Case.id == Rating.case_id)
                .where(scope, Rating.subject == "overall")
                .order_by(Rating.week)
            ).all()
        assert sorted(rows["case_id"]) == sorted(states)
        for row in rows.itertuples():
            flags = all_flags(states[row.case_id])
            assert row.flag_kinds == [f.kind for f in flags], row.alias
            assert row.flag_messages == [f.message for f in flags]
            assert row.flags == flag_labels([f.kind for f in flags])
            assert row.flag_count == len(flags)
            values = [v for cid, _w, v in overall if cid == row.case_id]
            assert row.trend == values[-12:]
            assert (row.overall if values else None) == (values[-1] if values else None)
        seen += len(rows)
    with unit_of_work(demo_engine) as session:
        assert seen == len(session.exec(select(Case.id).where(Case.status == "open")).all()) == 18

    supervisor = person(demo_engine, "supervisor")
    with unit_of_work(demo_engine) as session:
        rows = team_dashboard(session, supervisor, today=TODAY)
    leon = rows[rows["alias"] == "Leon"].iloc[0]
    assert (leon["week"], leon["planned_weeks"], leon["plan"]) == (24, 30, "week 24 of 30")
    assert leon["phase"] == "Intervention"
    assert leon["therapist"] and leon["last_review_week"] == 23
    assert rows["flag_count"].sum() > 0, "the demo is built to trip the rules"


def test_the_view_is_audited_without_content(demo_engine):
    supervisor = person(demo_engine, "supervisor")
    with unit_of_work(demo_engine) as session:
        team_dashboard(session, supervisor, today=TODAY)
    with unit_of_work(demo_engine) as session:
        last = session.exec(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert (last.actor, last.action, last.object_type, last.object_id, last.case_id, last.outcome) == (
        "supervisor", "view", "team_dashboard", None, None, "ok"
    )


@pytest.mark.parametrize("username", ["therapist", "therapist2", "family", "admin"])
def test_only_supervisors_get_a_dashboard(demo_engine, username):
    who = person(demo_engine, username)
    with pytest.raises(AccessDenied):
        with unit_of_work(demo_engine) as session:
            team_dashboard(session, who, today=TODAY)
    with unit_of_work(demo_engine) as session:
        last = session.exec(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert (last.actor, last.action, last.outcome) == (username, "supervise", "denied")


def test_a_supervisor_sees_only_their_own_team(demo_engine):
    other = person(demo_engine, "supervisor2")
    with unit_of_work(demo_engine) as session:
        theirs = team_dashboard(session, other, today=TODAY)
        leon_team = session.exec(select(Case.team_id).where(Case.alias == "Leon")).one()
        teams = set(session.exec(select(Case.team_id).where(Case.id.in_([int(i) for i in theirs["case_id"]]))).all())
    assert len(theirs) > 0 and "Leon" not in set(theirs["alias"])
    assert teams == {other.team_id} and leon_team != other.team_id


def test_a_supervisor_without_a_team_is_refused(engine):
    with unit_of_work(engine) as session:
        factories.user(session, "lone.supervisor", "supervisor", team_id=None, password=DEMO_PASSWORD)
    with pytest.raises(AccessDenied):
        with unit_of_work(engine) as session:
            team_dashboard(session, person(engine, "lone.supervisor"), today=TODAY)


def _at(day, hour=12) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=UTC)


def test_hand_built_case_values(engine):
    """Uncovered needs, days since the last review, goals met lately, comments, adherence, the trend window."""
    with unit_of_work(engine) as session:
        team = factories.team(session, "Hand team")
        other_team = factories.team(session, "Other team")
        supervisor = factories.user(session, "hand.supervisor", "supervisor", team_id=team.id, password=DEMO_PASSWORD)
        therapist = factories.user(session, "hand.therapist", "therapist", team_id=team.id, password=DEMO_PASSWORD)
        elsewhere = factories.user(session, "far.therapist", "therapist", team_id=other_team.id, password=DEMO_PASSWORD)
        case = factories.empty_case(session, alias="Quinn", therapist_id=therapist.id, team_id=team.id, weeks_ago=15)
        closed = factories.empty_case(session, alias="Closed one", therapist_id=therapist.id, team_id=team.id)
        closed.status, closed.closed_on = "closed", TODAY
        factories.empty_case(session, alias="Not ours", therapist_id=elsewhere.id, team_id=other_team.id)
        cid = case.id
        drivers = {
            name: Driver(case_id=cid, name=name, system="family", kind=kind, prioritised=prioritised, archived_at=archived)
            for name, kind, prioritised, archived in [
                ("Active work", "need", True, None),
                ("Only finished work", "need", True, None),
                ("Planned work", "need", True, None),
                ("Nothing at all", "need", True, None),
                ("Not prioritised", "need", False, None),
                ("A strength", "strength", True, None),
                ("Archived need", "need", True, _at(TODAY)),
            ]
        }
        session.add_all(drivers.values())
        session.flush()
        for name, status in [("Active work", "active"), ("Only finished work", "done"), ("Only finished work", "stopped"),
                             ("Planned work", "planned")]:
            intervention = Intervention(case_id=cid, type="other", name=f"{status} for {name}", status=status)
            session.add(intervention)
            session.flush()
            session.add(InterventionDriver(intervention_id=intervention.id, driver_id=drivers[name].id))
        session.add_all(
            Rating(case_id=cid, week=w, subject="overall", value=min(10, w // 2)) for w in range(1, 15)
        )
        week = 16  # 15 weeks and a day or so ago: check below
        goals = [(week, "open"), (week - 1, "met"), (week - 1, "not_met"), (week - 2, "met"), (week - 3, "partly_met"),
                 (week - 4, "met"), (week - 5, "met")]
        session.add_all(Goal(case_id=cid, level="intermediary", text=f"Step {i}", week=w, status=s)
                        for i, (w, s) in enumerate(goals))
        session.add_all([
            WeeklyReview(case_id=cid, week=13, status="submitted", submitted_at=_at(TODAY - timedelta(days=12))),
            WeeklyReview(case_id=cid, week=14, status="submitted", submitted_at=_at(TODAY - timedelta(days=5))),
            WeeklyReview(case_id=cid, week=15, status="draft"),
        ])
        session.add_all([
            Comment(case_id=cid, author_id=supervisor.id, subject="case", body="Open one", status="open"),
            Comment(case_id=cid, author_id=supervisor.id, subject="case", body="Open two", status="open"),
            Comment(case_id=cid, author_id=supervisor.id, subject="case", body="Done", status="addressed"),
        ])
        session.add_all([
            AdherenceScore(case_id=cid, month=TODAY.replace(day=1) - timedelta(days=40), score=0.8),
            AdherenceScore(case_id=cid, month=TODAY.replace(day=1) - timedelta(days=10), score=0.55),
        ])
    who = person(engine, "hand.supervisor")
    with unit_of_work(engine) as session:
        rows = team_dashboard(session, who, today=TODAY)
    assert list(rows["alias"]) == ["Quinn"]
    row = rows.iloc[0]
    assert row["week"] == week and row["plan"] == f"week {week} of 30"
    assert row["uncovered"] == ["Nothing at all", "Only finished work"]
    assert row["uncovered_count"] == 2
    assert row["days_since_review"] == 5 and row["last_review_week"] == 14
    assert row["trend"] == [min(10, w // 2) for w in range(3, 15)] and row["overall"] == 7
    # Weeks 13 to 16 (this week and the three before): 2 met of 4 marked; week 16's goal is not marked yet.
    assert (row["goals_met"], row["goals_marked"], row["goals"]) == (2, 4, "2 of 4")
    assert row["open_comments"] == 2
    assert row["adherence"] == pytest.approx(0.55) and bool(row["low_adherence"])
    assert row["flag_kinds"] == [REVIEW_OVERDUE]  # last submitted week 14, now week 16


def _bulk_team(engine, n_cases: int) -> None:
    """A second team of n_cases open cases (plus a few closed), each with a little of everything."""
    with unit_of_work(engine) as session:
        team = factories.team(session, "Big team")
        factories.user(session, "big.supervisor", "supervisor", team_id=team.id, password=DEMO_PASSWORD)
        therapists = [
            factories.user(session, f"big.t{k}", "therapist", team_id=team.id, password=DEMO_PASSWORD) for k in range(12)
        ]
        cases = [
            Case(alias=f"Big {i:04d}", age=12, start_date=TODAY - timedelta(weeks=6 + i % 20, days=1),
                 therapist_id=therapists[i % 12].id, team_id=team.id, status="closed" if i % 10 == 9 else "open",
                 closed_on=TODAY if i % 10 == 9 else None)
            for i in range(n_cases + n_cases // 9)
        ]
        session.add_all(cases)
        session.flush()
        drivers = [
            Driver(case_id=c.id, name=f"Need {k}", system="family", kind="need" if k < 2 else "strength", prioritised=k != 1)
            for c in cases
            for k in range(3)
        ]
        session.add_all(drivers)
        interventions = [Intervention(case_id=c.id, type="other", name="Work", status="active") for c in cases[::2]]
        session.add_all(interventions)
        session.flush()
        first_driver = {d.case_id: d.id for d in reversed(drivers)}
        session.execute(insert(InterventionDriver), [
            {"intervention_id": i.id, "driver_id": first_driver[i.case_id]} for i in interventions
        ])
        weeks = {c.id: 6 + i % 20 for i, c in enumerate(cases)}
        session.execute(insert(Rating), [
            {"case_id": d.case_id, "week": w, "subject": "driver", "subject_id": d.id, "value": 5}
            for d in drivers for w in range(1, weeks[d.case_id])
        ] + [
            {"case_id": c.id, "week": w, "subject": "overall", "subject_id": None, "value": min(10, w // 2)}
            for c in cases for w in range(1, weeks[c.id])
        ])
        session.execute(insert(Goal), [
            {"case_id": c.id, "level": "intermediary", "text": "Keep the plan", "week": w,
             "status": ("met", "not_met")[(c.id + w) % 2], "criterion": "", "family_wording": "", "owner": "",
             "gas_weight": 1.0, "gas_levels": "", "version": 1}
            for c in cases for w in range(1, weeks[c.id])
        ])
        session.execute(insert(WeeklyReview), [
            {"case_id": c.id, "week": w, "status": "submitted", "submitted_at": _at(TODAY - timedelta(weeks=weeks[c.id] - w))}
            for c in cases for w in range(1, weeks[c.id] - (c.id % 3))
        ])
        session.execute(insert(Comment), [
            {"case_id": c.id, "author_id": therapists[0].id, "subject": "case", "body": "A question", "status": "open"}
            for c in cases[::3]
        ])
        session.execute(insert(AdherenceScore), [
            {"case_id": c.id, "month": TODAY.replace(day=1), "score": 0.5 + (c.id % 5) / 10} for c in cases[::2]
        ])


def test_statement_count_is_the_same_for_ten_cases_or_two_hundred_and_forty(demo_engine):
    _bulk_team(demo_engine, 240)
    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        if "pg_advisory" not in statement:  # PostgreSQL's lock ordering the audit chain
            statements.append(statement)

    counts = {}
    event.listen(demo_engine, "before_cursor_execute", count)
    try:
        for username in ("supervisor", "big.supervisor"):
            who = person(demo_engine, username)
            with unit_of_work(demo_engine) as session:
                statements.clear()
                rows = team_dashboard(session, who, today=TODAY)
                session.flush()  # the audit entry, if still pending
                counts[username] = (len(rows), len(statements), sum(s.lstrip().upper().startswith("SELECT") for s in statements))
    finally:
        event.remove(demo_engine, "before_cursor_execute", count)
    assert counts["supervisor"][0] == 10 and counts["big.supervisor"][0] == 240
    assert counts["supervisor"][1:] == counts["big.supervisor"][1:], counts
    # case_states' five, the cases, the trend, the live interventions, the audit entry's predecessor.
    assert counts["supervisor"][2] == 9, statements
    with unit_of_work(demo_engine) as session:
        rows = team_dashboard(session, person(demo_engine, "big.supervisor"), today=TODAY)
    assert rows["flag_count"].sum() > 0 and rows["uncovered_count"].sum() > 0
    assert rows["open_comments"].sum() == sum(1 for i in range(0, 240 + 240 // 9, 3) if i % 10 != 9)
    assert rows["low_adherence"].any() and rows["adherence"].notna().any()
