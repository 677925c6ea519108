"""Case services on the demo caseload: who sees which cases, what a refusal leaves behind."""

import pytest
from sqlalchemy import event
from sqlmodel import select

from planner.access import AccessDenied
from planner.cases import case_overview, caseload
from planner.db import unit_of_work
from planner.family import published_family_summary
from planner.models import AuditEvent, Case, Participant, ReferralBehaviour
from tests.conftest import TODAY
from tests.helpers import person

pytestmark = pytest.mark.db



def leon_id(engine) -> int:
    with unit_of_work(engine) as session:
        return session.exec(select(Case.id).where(Case.alias == "Leon")).one()


def test_therapist_sees_own_open_cases_only(demo_engine):
    therapist = person(demo_engine, "therapist")
    with unit_of_work(demo_engine) as session:
        mine = caseload(session, therapist, today=TODAY)
        own_open = session.exec(select(Case.id).where(Case.therapist_id == therapist.id, Case.status == "open")).all()
    assert "Leon" in set(mine["alias"])
    assert sorted(mine["case_id"]) == sorted(own_open)
    assert (mine["status"] == "open").all()
    leon = mine[mine["alias"] == "Leon"].iloc[0]
    assert leon["week"] >= 20 and leon["overall"] >= 7 and leon["last_review_week"] >= 20


def test_colleague_cannot_see_or_open_leons_case(demo_engine):
    colleague = person(demo_engine, "therapist2")
    case_id = leon_id(demo_engine)
    with unit_of_work(demo_engine) as session:
        theirs = caseload(session, colleague, today=TODAY, include_closed=True)
    assert "Leon" not in set(theirs["alias"]) and len(theirs) > 0
    with pytest.raises(AccessDenied):
        with unit_of_work(demo_engine) as session:
            case_overview(session, colleague, case_id, today=TODAY)
    # The refusal survives the rollback of the request that was refused.
    with unit_of_work(demo_engine) as session:
        denied = session.exec(
            select(AuditEvent).where(AuditEvent.actor == "therapist2", AuditEvent.outcome == "denied")
        ).all()
    assert [(e.action, e.case_id) for e in denied] == [("view", case_id)]


def test_supervisor_sees_the_whole_team_and_no_other(demo_engine):
    supervisor = person(demo_engine, "supervisor")
    with unit_of_work(demo_engine) as session:
        team_cases = caseload(session, supervisor, today=TODAY)
        expected = session.exec(select(Case.id).where(Case.team_id == supervisor.team_id, Case.status == "open")).all()
        other = session.exec(select(Case.id).where(Case.team_id != supervisor.team_id)).first()
    assert sorted(team_cases["case_id"]) == sorted(expected)
    assert {"Leon"} <= set(team_cases["alias"]) and team_cases["therapist"].nunique() >= 3
    with pytest.raises(AccessDenied):
        with unit_of_work(demo_engine) as session:
            case_overview(session, supervisor, other, today=TODAY)


@pytest.mark.parametrize("username", ["family", "admin"])
def test_family_and_admin_have_no_caseload(demo_engine, username):
    with pytest.raises(AccessDenied):
        with unit_of_work(demo_engine) as session:
            caseload(session, person(demo_engine, username), today=TODAY)


def test_missing_case_is_refused_like_a_hidden_one(demo_engine):
    with pytest.raises(AccessDenied, match="You do not have access"):
        with unit_of_work(demo_engine) as session:
            case_overview(session, person(demo_engine, "therapist"), 987654, today=TODAY)


def test_leons_overview_shows_the_real_plan(demo_engine):
    with unit_of_work(demo_engine) as session:
        view = case_overview(session, person(demo_engine, "therapist"), leon_id(demo_engine), today=TODAY)
    assert view.case.alias == "Leon" and view.case.planned_weeks == 30
    assert len(view.drivers) >= 8 and "Dad minimises what happened" in set(view.drivers["name"])
    minimisation = view.drivers[view.drivers["name"] == "Dad minimises what happened"].iloc[0]
    assert minimisation["intake"] >= 8 and minimisation["rating"] <= 4 and minimisation["interventions"] >= 1
    assert len(view.interventions) >= 5 and len(view.overarching_goals) >= 3 and not view.weekly_goals.empty
    assert view.overall["safety scale"].iloc[0] <= 4 and view.overall["safety scale"].iloc[-1] >= 7
    assert "victim" in set(view.participants["role"])
    # Goals met are counted on the latest week whose goals were marked, not on this week's open ones.
    assert not view.marked_goals.empty and (view.marked_goals["status"] != "open").all()
    assert int(view.marked_goals["week"].iloc[0]) < view.case.week
    with unit_of_work(demo_engine) as session:
        views = session.exec(select(AuditEvent).where(AuditEvent.action == "view", AuditEvent.object_type == "case")).all()
    assert [(v.actor, v.case_id) for v in views] == [("therapist", view.case.id)]


def test_family_summary_never_carries_restricted_content(demo_engine):
    case_id = leon_id(demo_engine)
    family = person(demo_engine, "family")
    with unit_of_work(demo_engine) as session:
        summary = published_family_summary(session, family, case_id).summary  # the demo published it
        victims = session.exec(select(Participant.name).where(Participant.case_id == case_id, Participant.role == "victim")).all()
        referral = session.exec(select(ReferralBehaviour).where(ReferralBehaviour.case_id == case_id)).one()
    text = repr(summary)
    assert summary.going_well and summary.working_on and summary.scale
    for secret in [*victims, referral.description, referral.summary, "Dad minimises what happened"]:
        assert secret not in text
    with pytest.raises(AccessDenied):
        with unit_of_work(demo_engine) as session:
            case_overview(session, family, case_id, today=TODAY)


def test_caseload_statement_count_does_not_grow_with_cases(demo_engine):
    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        # Queries only: not PostgreSQL's advisory lock that orders the audit chain.
        if statement.lstrip().upper().startswith("SELECT") and "pg_advisory" not in statement:
            statements.append(statement)

    event.listen(demo_engine, "before_cursor_execute", count)
    try:
        for username in ("therapist", "supervisor"):
            who = person(demo_engine, username)
            with unit_of_work(demo_engine) as session:
                statements.clear()
                rows = caseload(session, who, today=TODAY, include_closed=True)
                assert len(rows) >= 4
                # One query for the caseload, one for the audit entry's predecessor (its seal).
                assert len(statements) == 2, statements
    finally:
        event.remove(demo_engine, "before_cursor_execute", count)
