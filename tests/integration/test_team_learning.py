"""Team learning on a real database: values on a small hand-built team checked by hand, the team
scope, refusals for everyone but the team's supervisor, and a fixed number of queries."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import event
from sqlmodel import select

from planner.access import AccessDenied, Principal
from planner.db import unit_of_work
from planner.models import AuditEvent, Case, Driver, FamilyAccess, Intervention, InterventionDriver, Rating
from planner.team_learning import team_learning
from tests import factories

pytestmark = pytest.mark.db

TODAY = date(2026, 6, 1)
PASSWORD = "a-long-test-password"


def principal(row, family_case_id=None) -> Principal:
    return Principal(row.id, row.username, row.display_name, row.role, row.team_id, family_case_id)


def add_case(session, *, therapist_id, team_id, alias, start, closed_on=None, drivers=(), interventions=()):
    """drivers: (key, name, system, kind, catalogue_key, ratings, archived, status); interventions: (type, start, status, keys)."""
    case = Case(alias=alias, age=13, start_date=start, therapist_id=therapist_id, team_id=team_id,
                status="closed" if closed_on else "open", closed_on=closed_on)
    session.add(case)
    session.flush()
    ids = {}
    for key, name, system, kind, catalogue_key, ratings, archived, status in drivers:
        row = Driver(case_id=case.id, name=name, system=system, kind=kind, catalogue_key=catalogue_key, status=status,
                     archived_at=datetime(2026, 3, 1, tzinfo=UTC) if archived else None)
        session.add(row)
        session.flush()
        ids[key] = row.id
        session.add_all(Rating(case_id=case.id, week=w, subject="driver", subject_id=row.id, value=v) for w, v in ratings.items())
    for type_, start_week, status, keys in interventions:
        row = Intervention(case_id=case.id, type=type_, name=f"{type_} for {alias}", start_week=start_week, status=status)
        session.add(row)
        session.flush()
        session.add_all(InterventionDriver(intervention_id=row.id, driver_id=ids[k]) for k in keys)
    session.flush()
    return case


@pytest.fixture
def team(engine):
    with unit_of_work(engine) as session:
        a = factories.team(session, "Team A")
        b = factories.team(session, "Team B")
        supervisor = factories.user(session, "sup.a", "supervisor", team_id=a.id, password=PASSWORD)
        other_supervisor = factories.user(session, "sup.b", "supervisor", team_id=b.id, password=PASSWORD)
        lone_supervisor = factories.user(session, "sup.none", "supervisor", team_id=None, password=PASSWORD)
        therapist = factories.user(session, "ther.a", "therapist", team_id=a.id, password=PASSWORD)
        therapist_b = factories.user(session, "ther.b", "therapist", team_id=b.id, password=PASSWORD)
        admin = factories.user(session, "admin.x", "admin", team_id=None, password=PASSWORD)
        family = factories.user(session, "family.a", "family", team_id=None, password=PASSWORD)
        open_case = add_case(
            session, therapist_id=therapist.id, team_id=a.id, alias="Open A", start=date(2026, 1, 5),  # week 22 on TODAY
            drivers=[
                ("d1", "Dad minimises", "family", "need", "caregiver_minimises_harm", {1: 9, 2: 9, 5: 7, 10: 5, 12: 4}, False, "supported"),
                ("d2", "Loose supervision", "family", "need", "loose_supervision", {1: 8, 4: 6, 9: 4}, False, "supported"),
                ("d3", "Likes football", "peers", "strength", "prosocial_club", {1: 4, 8: 6}, False, "supported"),
                ("d4", "Archived", "family", "need", "sibling_exposure", {1: 9, 3: 2}, True, "supported"),
                ("d5", "Ruled out", "individual", "need", "own_victimisation", {1: 9, 3: 2}, False, "ruled_out"),
                # week 30 is after the case's current week: not history yet, so ignored
                ("d6", "Knowledge", "individual", "need", "poor_sexual_knowledge", {1: 7, 30: 2}, False, "supported"),
            ],
            interventions=[
                ("caregiver_education", 2, "active", ["d1", "d2"]),
                ("safety_planning", 1, "done", ["d2"]),
                ("peers", 1, "planned", ["d3"]),  # not started: left out
                ("warmth_building", 3, "stopped", ["d4"]),  # aimed only at an archived driver
            ],
        )
        add_case(
            session, therapist_id=therapist.id, team_id=a.id, alias="Closed A", start=date(2025, 6, 2), closed_on=date(2025, 12, 1),
            drivers=[
                ("e1", "Mum plays it down", "family", "need", "caregiver_minimises_harm", {1: 8, 3: 8, 9: 7}, False, "supported"),
                ("e2", "Money worries", "family", "need", None, {2: 6, 6: 3}, False, "hypothesised"),
            ],
            interventions=[("caregiver_education", 1, "done", ["e1"])],
        )
        # Another team's case: never counted for team A.
        add_case(
            session, therapist_id=therapist_b.id, team_id=b.id, alias="Other team", start=date(2026, 2, 2),
            drivers=[("f1", "Minimises", "family", "need", "caregiver_minimises_harm", {1: 9, 2: 1}, False, "supported")],
            interventions=[("caregiver_education", 1, "active", ["f1"])],
        )
        session.add(FamilyAccess(account_id=family.id, case_id=open_case.id))
        people = {
            "supervisor": principal(supervisor),
            "other_supervisor": principal(other_supervisor),
            "lone_supervisor": principal(lone_supervisor),
            "therapist": principal(therapist),
            "admin": principal(admin),
            "family": principal(family, open_case.id),
        }
    return people


def learn(engine, who):
    with unit_of_work(engine) as session:
        return team_learning(session, who, today=TODAY)


def test_frequent_drivers_by_system(engine, team):
    data = learn(engine, team["supervisor"])
    assert (data.open_cases, data.closed_cases, data.cases, data.drivers) == (1, 1, 2, 6)  # d4, d5 and team B left out
    rows = [tuple(r) for r in data.frequent[["system", "kind", "driver", "cases", "share", "rank"]].itertuples(index=False)]
    assert rows == [
        ("Individual", "Need", "Poor knowledge of bodies, consent and boundaries", 1, 0.5, 1),
        ("Family", "Need", "Caregiver minimises or denies the harm", 2, 1.0, 1),  # both cases (team B's not counted)
        ("Family", "Need", "Loose supervision when younger children are around", 1, 0.5, 2),
        ("Family", "Need", "Money worries", 1, 0.5, 3),
        ("Peers", "Strength", "Belongs to a prosocial club or team", 1, 0.5, 1),
    ]


def test_intervention_types_against_driver_types(engine, team):
    data = learn(engine, team["supervisor"])
    effects = data.effects.set_index(["type", "driver_type"])
    # caregiver education -> family needs: d1 9 (wk 2) -> 5 (wk 10) = +4; d2 8 (wk 1) -> 4 (wk 9) = +4;
    # e1 8 (wk 1) -> 7 (wk 9) = +1. Median +4.
    education = effects.loc[("caregiver_education", "Family need")]
    assert (education["pairs"], education["median_change"], education["improved"], education["worse"]) == (3, 4.0, 3, 0)
    # safety plan -> d2: 8 (wk 1) -> 4 (wk 9) = +4
    assert effects.loc[("safety_planning", "Family need")]["median_change"] == 4.0
    assert set(effects.index) == {("caregiver_education", "Family need"), ("safety_planning", "Family need")}
    by_driver = data.effects_by_driver.set_index(["intervention", "driver"])
    minimises = by_driver.loc[("Caregiver education about harmful sexual behaviour", "Caregiver minimises or denies the harm")]
    assert (minimises["pairs"], minimises["median_change"]) == (2, 2.5)  # +4 and +1


def test_weeks_until_a_three_point_improvement(engine, team):
    times = learn(engine, team["supervisor"]).time_to_improve.set_index("group")
    # d1 9 -> 5 at week 10: 9 weeks; d2 8 -> 4 at week 9: 8 weeks; e2 6 -> 3 at week 6: 4 weeks.
    # e1 (closed case) never; d3 (+2 so far) and d6 (week 30 ignored) not yet.
    assert tuple(times.loc["All systems"]) == (8.0, 3, 1, 2, 0)
    assert tuple(times.loc["Family"]) == (8.0, 3, 1, 0, 0)
    assert times.loc["Individual"]["not_yet"] == 1 and times.loc["Peers"]["not_yet"] == 1
    assert list(times.index) == ["All systems", "Individual", "Family", "Peers"]


def test_another_teams_supervisor_sees_only_their_team(engine, team):
    data = learn(engine, team["other_supervisor"])
    assert (data.cases, data.drivers) == (1, 1)
    assert data.time_to_improve.set_index("group").loc["All systems"]["reached"] == 1


@pytest.mark.parametrize("who", ["therapist", "family", "admin", "lone_supervisor"])
def test_only_a_supervisor_with_a_team_may_look(engine, team, who):
    with pytest.raises(AccessDenied):
        learn(engine, team[who])
    with unit_of_work(engine) as session:
        denied = session.exec(select(AuditEvent).where(AuditEvent.outcome == "denied", AuditEvent.actor == team[who].username)).all()
    assert [e.action for e in denied] == ["supervise"]


def test_the_view_is_audited_without_case_details(engine, team):
    learn(engine, team["supervisor"])
    with unit_of_work(engine) as session:
        event_ = session.exec(select(AuditEvent).where(AuditEvent.object_type == "team_learning")).one()
    assert (event_.actor, event_.action, event_.case_id, event_.outcome) == ("sup.a", "view", None, "ok")


def _add_cases(engine, supervisor: Principal, how_many: int, offset: int) -> None:
    with unit_of_work(engine) as session:
        therapist = session.exec(select(Case.therapist_id).where(Case.team_id == supervisor.team_id)).first()
        for n in range(how_many):
            add_case(
                session, therapist_id=therapist, team_id=supervisor.team_id, alias=f"Extra {offset + n}",
                start=date(2026, 1, 5),
                drivers=[("x", f"Driver {n}", "school", "need", None, {1: 8, 4: 4}, False, "supported"),
                         ("y", "Strength", "community", "strength", "community_support", {1: 3}, False, "supported")],
                interventions=[("school_liaison", 1, "active", ["x", "y"])],
            )


def test_query_count_does_not_grow_with_cases(engine, team):
    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        if statement.lstrip().upper().startswith("SELECT") and "pg_advisory" not in statement:
            statements.append(statement)

    counts = []
    event.listen(engine, "before_cursor_execute", count)
    try:
        for how_many, offset in ((0, 0), (5, 0), (20, 5)):
            _add_cases(engine, team["supervisor"], how_many, offset)
            with unit_of_work(engine) as session:
                statements.clear()
                data = team_learning(session, team["supervisor"], today=TODAY)
                counts.append(len(statements))
            assert data.cases == 2 + offset + how_many
    finally:
        event.remove(engine, "before_cursor_execute", count)
    # cases, drivers, ratings, interventions with their drivers, and the audit entry's predecessor
    assert counts == [5, 5, 5]


def test_a_team_with_no_cases_gets_empty_tables(engine, team):
    with unit_of_work(engine) as session:
        empty = factories.team(session, "Team C")
        row = factories.user(session, "sup.c", "supervisor", team_id=empty.id, password=PASSWORD)
        who = principal(row)
    data = learn(engine, who)
    assert (data.cases, data.drivers) == (0, 0)
    assert data.frequent.empty and data.effects.empty and data.effects_by_driver.empty
    assert data.time_to_improve[["group", "reached"]].values.tolist() == [["All systems", 0]]
