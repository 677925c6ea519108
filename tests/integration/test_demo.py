"""The demo caseload, loaded into a real SQLite file: what a user (and later features) rely on."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import UTC, date, datetime, timedelta

import pytest
from argon2 import PasswordHasher
from sqlalchemy import String, func, inspect, text
from sqlmodel import SQLModel, select

from goals.timeline import plan_week
from planner import migrate
from planner.db import make_engine, unit_of_work
from planner.demo import DEMO_USERNAMES, load_demo
from planner.fidelity import ADHERENCE_THRESHOLD, months_between
from planner.models import (
    AdherenceScore,
    Case,
    Comment,
    Driver,
    FamilyAccess,
    Goal,
    Participant,
    Rating,
    ReferralBehaviour,
    SafetyRule,
    SafetyRuleDriver,
    Team,
    User,
    WeeklyReview,
)

PASSWORD = "demo-password-for-tests"
TODAY = date.today()
MINIMISATION = "Dad minimises what happened"


def _fresh_engine(path):
    engine = make_engine(f"sqlite:///{path}")
    migrate.upgrade(engine)
    return engine


def _load(engine, today=TODAY) -> bool:
    with unit_of_work(engine) as session:
        return load_demo(session, password=PASSWORD, today=today)


def _row_counts(engine) -> dict[str, int]:
    with engine.connect() as connection:
        return {
            name: connection.execute(text(f'SELECT COUNT(*) FROM "{name}"')).scalar_one()
            for name in inspect(engine).get_table_names()
        }


pytestmark = pytest.mark.db


@pytest.fixture(scope="module")
def demo(module_db_url):
    engine = make_engine(module_db_url)
    migrate.upgrade(engine)
    assert _load(engine) is True
    yield engine
    engine.dispose()


def _user(session, username: str) -> User:
    return session.exec(select(User).where(User.username == username)).one()


def _leon(session) -> Case:
    return session.exec(select(Case).where(Case.alias == "Leon")).one()


def test_teams_cases_and_accounts(demo):
    with unit_of_work(demo) as session:
        teams = {t.name: t.id for t in session.exec(select(Team)).all()}
        assert set(teams) == {"Northgate MST-PSB", "Riverside MST-PSB"}
        statuses = Counter(session.exec(select(Case.status)).all())
        assert 14 <= statuses["open"] <= 18 and 18 <= statuses["closed"] <= 22

        expected = {
            "therapist": ("therapist", teams["Northgate MST-PSB"]),
            "therapist2": ("therapist", teams["Northgate MST-PSB"]),
            "supervisor": ("supervisor", teams["Northgate MST-PSB"]),
            "supervisor2": ("supervisor", teams["Riverside MST-PSB"]),
            "family": ("family", None),
            "admin": ("admin", None),
        }
        for username, (role, team_id) in expected.items():
            user = _user(session, username)
            assert (user.role, user.team_id, user.active) == (role, team_id, True), username
        users = session.exec(select(User)).all()
        assert {u.username for u in users} == set(DEMO_USERNAMES)
        assert all(u.username == u.username.lower() for u in users)

        for team_id in teams.values():
            members = [u for u in users if u.team_id == team_id]
            assert Counter(u.role for u in members) in (Counter(supervisor=1, therapist=3), Counter(supervisor=1, therapist=4))
            for therapist in (u for u in members if u.role == "therapist"):
                cases = session.exec(select(Case).where(Case.therapist_id == therapist.id)).all()
                assert all(c.team_id == team_id for c in cases)
                open_cases = sum(c.status == "open" for c in cases)
                assert 2 <= open_cases <= 5, therapist.username
        mine = session.exec(select(Case).where(Case.therapist_id == _user(session, "therapist").id, Case.status == "open")).all()
        assert "Leon" in {c.alias for c in mine} and len(mine) == 4

        family = _user(session, "family")
        assert session.get(FamilyAccess, family.id).case_id == _leon(session).id


def test_demo_password_verifies_against_the_stored_hash(demo):
    with unit_of_work(demo) as session:
        hashes = {u.username: u.password_hash for u in session.exec(select(User)).all()}
    assert PasswordHasher().verify(hashes["therapist"], PASSWORD)
    assert hashes["therapist"].startswith("$argon2id$") and len(set(hashes.values())) == 1


def test_leons_case_tells_the_worked_example(demo):
    with unit_of_work(demo) as session:
        leon = _leon(session)
        assert (leon.age, leon.planned_weeks, leon.status) == (11, 30, "open")
        assert leon.start_date == TODAY - timedelta(weeks=23) and plan_week(leon.start_date, TODAY) == 24
        assert leon.therapist_id == _user(session, "therapist").id

        referral = session.exec(select(ReferralBehaviour).where(ReferralBehaviour.case_id == leon.id)).one()
        assert (referral.hackett_level, referral.brook_colour) == ("abusive", "red") and "Mia" in referral.description
        people = {p.name: p.role for p in session.exec(select(Participant).where(Participant.case_id == leon.id)).all()}
        assert people["Mia"] == "victim" and people["Tyler"] == "sibling" and people["Gary"] == "caregiver"

        drivers = {d.name: d for d in session.exec(select(Driver).where(Driver.case_id == leon.id)).all()}
        assert len(drivers) >= 8 and MINIMISATION in drivers
        assert drivers[MINIMISATION].prioritised and drivers[MINIMISATION].system == "family"
        assert {n for n, d in drivers.items() if d.prioritised} == {
            MINIMISATION,
            "Low warmth between Dad and Leon",
            "Loose supervision when cousins visit",
            "Leon's poor knowledge of bodies, consent and boundaries",
        }

        reviews = session.exec(select(WeeklyReview).where(WeeklyReview.case_id == leon.id).order_by(WeeklyReview.week)).all()
        submitted = [r for r in reviews if r.status == "submitted"]
        assert len(submitted) >= 20 and [r.week for r in submitted] == list(range(1, 24))
        assert all(r.signed_off_at for r in submitted[:-1]) and submitted[-1].signed_off_at is None
        assert "row with his sister" in submitted[7].barriers_family  # week 8

        ratings = session.exec(select(Rating).where(Rating.case_id == leon.id)).all()
        assert len({r.week for r in ratings}) >= 20
        overall = {r.week: r.value for r in ratings if r.subject == "overall"}
        assert overall[1] <= 4 and overall[max(overall)] >= 7
        assert overall[9] < overall[7]  # the dip after the row
        minimisation = {r.week: r.value for r in ratings if r.subject_id == drivers[MINIMISATION].id}
        assert minimisation[1] >= 8 and minimisation[max(minimisation)] <= 4
        assert drivers[MINIMISATION].rating == minimisation[max(minimisation)]


def test_every_case_is_realistic(demo):
    with unit_of_work(demo) as session:
        cases = session.exec(select(Case)).all()
        drivers = defaultdict(list)
        for d in session.exec(select(Driver)).all():
            drivers[d.case_id].append(d)
        goals = defaultdict(list)
        for g in session.exec(select(Goal)).all():
            goals[g.case_id].append(g)
        victims = Counter(session.exec(select(Participant.case_id).where(Participant.role == "victim")).all())
        referrals = Counter(session.exec(select(ReferralBehaviour.case_id)).all())
        settings = defaultdict(set)
        for rule in session.exec(select(SafetyRule)).all():
            settings[rule.case_id].add(rule.setting)
        ruled_rules = set(session.exec(select(SafetyRuleDriver.rule_id)).all())
        all_rules = set(session.exec(select(SafetyRule.id)).all())
        reviews = defaultdict(list)
        for r in session.exec(select(WeeklyReview).where(WeeklyReview.status == "submitted")).all():
            reviews[r.case_id].append(r.week)

    assert ruled_rules == all_rules  # every safety rule is tied to at least one driver
    for case in cases:
        ds = drivers[case.id]
        strengths = sum(d.kind == "strength" for d in ds)
        assert 8 <= len(ds) <= 15, case.alias
        assert 0.2 <= strengths / len(ds) <= 0.5, case.alias
        assert 3 <= sum(d.prioritised for d in ds) <= 5, case.alias
        assert all(d.kind == "need" for d in ds if d.prioritised)
        overarching = [g for g in goals[case.id] if g.level == "overarching"]
        assert 3 <= len(overarching) <= 5, case.alias
        assert victims[case.id] >= 1 and referrals[case.id] == 1, case.alias
        assert settings[case.id] == {"home", "school", "community", "online"}, case.alias
        assert 20 <= case.planned_weeks <= 32
        weekly = Counter(g.week for g in goals[case.id] if g.level == "intermediary")
        assert all(3 <= n <= 6 for n in weekly.values()), (case.alias, weekly)
        if case.status == "closed":
            assert case.closed_on is not None and case.closed_on < TODAY
            assert TODAY - timedelta(days=61 * 30) <= case.start_date <= TODAY - timedelta(days=8 * 30)
            assert 14 <= len(reviews[case.id]) <= 30
        else:
            assert case.closed_on is None
            assert TODAY - timedelta(weeks=29) <= case.start_date <= TODAY - timedelta(weeks=1)


def test_every_case_has_a_monthly_adherence_score_from_the_team_supervisor(demo):
    now = datetime.now(UTC)
    with unit_of_work(demo) as session:
        cases = session.exec(select(Case)).all()
        supervisors = {u.team_id: u.id for u in session.exec(select(User).where(User.role == "supervisor")).all()}
        scores = defaultdict(list)
        for row in session.exec(select(AdherenceScore).order_by(AdherenceScore.month)).all():
            scores[row.case_id].append(row)
    low_now = []
    for case in cases:
        rows = scores[case.id]
        last_day = min(case.closed_on or TODAY - timedelta(days=1), TODAY - timedelta(days=1))
        assert [r.month for r in rows] == months_between(case.start_date, last_day), case.alias
        assert all(0.55 <= r.score <= 0.95 and r.recorded_by == supervisors[case.team_id] for r in rows), case.alias
        for r in rows:
            at = r.recorded_at if r.recorded_at.tzinfo else r.recorded_at.replace(tzinfo=UTC)  # SQLite keeps no zone
            assert case.start_date <= at.astimezone(UTC).date() and at <= now, case.alias
        if case.status == "open" and rows[-1].score < ADHERENCE_THRESHOLD:
            low_now.append(case.alias)
    assert 1 <= len(low_now) <= 2 and "Leon" not in low_now


def test_closed_cases_mostly_reach_seven(demo):
    with unit_of_work(demo) as session:
        closed = session.exec(select(Case.id).where(Case.status == "closed")).all()
        last = {}
        for case_id, week, value in session.exec(
            select(Rating.case_id, Rating.week, Rating.value).where(Rating.subject == "overall").order_by(Rating.week)
        ).all():
            last[case_id] = value
    at_closure = [last[c] for c in closed]
    assert sum(7 <= v <= 8 for v in at_closure) >= len(closed) - 2
    assert any(v < 7 for v in at_closure)  # the early closures


def test_values_are_in_range(demo):
    with unit_of_work(demo) as session:
        assert session.exec(select(func.min(Rating.value), func.max(Rating.value))).one() >= (0, 0)
        assert session.exec(select(func.max(Rating.value))).one() <= 10
        assert session.exec(select(Rating).where(Rating.subject == "overall", Rating.subject_id.is_not(None))).first() is None
        for d in session.exec(select(Driver)).all():
            assert len(d.name) <= 120 and 1 <= d.changeability <= 5 and d.family_wording
        scores = session.exec(select(Goal.gas_score).where(Goal.gas_score.is_not(None))).all()
        assert scores and all(-2 <= s <= 2 for s in scores)
        assert session.exec(select(Goal).where(Goal.level == "intermediary", Goal.week.is_(None))).first() is None


def test_every_text_fits_its_column(demo):
    """SQLite does not enforce VARCHAR lengths; PostgreSQL does."""
    with demo.connect() as connection:
        for table in SQLModel.metadata.sorted_tables:
            for column in table.columns:
                if isinstance(column.type, String) and column.type.length:
                    longest = connection.execute(text(f'SELECT MAX(LENGTH("{column.name}")) FROM "{table.name}"')).scalar()
                    assert (longest or 0) <= column.type.length, f"{table.name}.{column.name}"


def test_nothing_is_dated_in_the_future(demo):
    now = datetime.now(UTC)
    with unit_of_work(demo) as session:
        for r in session.exec(select(WeeklyReview)).all():
            assert r.submitted_at is None or r.submitted_at <= now
            assert r.signed_off_at is None or r.submitted_at <= r.signed_off_at <= now
        for c in session.exec(select(Comment)).all():
            assert c.created_at <= now and (c.addressed_at is None or c.created_at <= c.addressed_at <= now)
        assert session.exec(select(func.max(Rating.recorded_at))).one() <= now


def test_caseload_has_something_for_on_track_flags_to_find(demo):
    with unit_of_work(demo) as session:
        open_cases = session.exec(select(Case).where(Case.status == "open")).all()
        overdue, drafts, stalled = 0, 0, 0
        for case in open_cases:
            reviews = session.exec(select(WeeklyReview).where(WeeklyReview.case_id == case.id)).all()
            last = max((r.week for r in reviews if r.status == "submitted"), default=0)
            overdue += plan_week(case.start_date, TODAY) - last > 2
            drafts += any(r.status == "draft" for r in reviews)
            prioritised = session.exec(select(Driver.id).where(Driver.case_id == case.id, Driver.prioritised)).all()
            for driver_id in prioritised:
                values = session.exec(
                    select(Rating.value).where(Rating.subject == "driver", Rating.subject_id == driver_id).order_by(Rating.week)
                ).all()
                if len(values) >= 5 and len(set(values[-5:])) == 1:
                    stalled += 1
                    break
        not_met_twice = 0
        for case in open_cases:
            weekly = session.exec(
                select(Goal.week, Goal.text, Goal.status).where(Goal.case_id == case.id, Goal.level == "intermediary")
            ).all()
            missed = {(w, t) for w, t, s in weekly if s == "not_met"}
            not_met_twice += any((w + 1, t) in missed for w, t in missed)
    assert 1 <= overdue <= 3 and drafts >= 2 and stalled >= 2 and not_met_twice >= 2


def test_loading_twice_changes_nothing(engine):
    assert _load(engine) is True
    before = _row_counts(engine)
    assert before["plan_case"] >= 30 and before["rating"] > 1000
    assert _load(engine) is False
    assert _row_counts(engine) == before


def test_same_day_gives_the_same_data_and_dates_follow_today(tmp_path):
    day = date(2031, 3, 12)
    engines = [_fresh_engine(tmp_path / f"{name}.db") for name in ("a", "b")]
    dumps = []
    for engine in engines:
        _load(engine, today=day)
        with engine.connect() as connection:
            dumps.append(
                [
                    connection.execute(text(sql)).all()
                    for sql in (
                        "SELECT alias, age, start_date, planned_weeks, status, closed_on FROM plan_case ORDER BY id",
                        "SELECT case_id, name, kind, rating, prioritised FROM driver ORDER BY id",
                        "SELECT case_id, week, subject, subject_id, value FROM rating ORDER BY id",
                        "SELECT case_id, week, text, status FROM goal ORDER BY id",
                        "SELECT case_id, week, advances, submitted_at, signed_off_at FROM weekly_review ORDER BY id",
                        "SELECT case_id, month, score, recorded_by, recorded_at FROM adherence_score ORDER BY id",
                    )
                ]
            )
        engine.dispose()
    assert dumps[0] == dumps[1]
    leon_start = next(row for row in dumps[0][0] if row[0] == "Leon")[2]
    assert str(leon_start) == str(day - timedelta(weeks=23))
