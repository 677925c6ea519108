"""Timeline and progress services on the demo caseload: phases, series, and on-track flags."""

import pytest
from sqlalchemy import event
from sqlmodel import func, select

from goals.on_track import DRIVER_NOT_IMPROVING, GOAL_NOT_MET_TWICE, GOAL_UNMET_NEAR_END, REVIEW_OVERDUE, all_flags
from goals.timeline import plan_week
from planner.access import AccessDenied
from drivers.model import INTERVENTION_TYPES
from planner.case_progress import case_states, progress_view, set_phase_lengths
from planner.db import unit_of_work
from planner.errors import InvalidInput, StaleEdit
from planner.models import Case, WeeklyReview
from tests.conftest import TODAY
from tests.helpers import case_id, person

pytestmark = pytest.mark.db




@pytest.fixture
def flags_by_alias(demo_engine):
    with unit_of_work(demo_engine) as session:
        states = case_states(session, Case.status == "open", today=TODAY)
        names = dict(session.exec(select(Case.id, Case.alias)).all())
    return {names[cid]: {f.kind for f in all_flags(state)} for cid, state in states.items()}


def test_review_overdue_flags_match_the_rule_on_every_open_case(demo_engine, flags_by_alias):
    with unit_of_work(demo_engine) as session:
        cases = session.exec(select(Case).where(Case.status == "open")).all()
        last = dict(
            session.exec(
                select(WeeklyReview.case_id, func.max(WeeklyReview.week)).where(WeeklyReview.status == "submitted").group_by(WeeklyReview.case_id)
            ).all()
        )
    for case in cases:
        overdue = plan_week(case.start_date, TODAY) - last.get(case.id, 0) >= 2
        assert (REVIEW_OVERDUE in flags_by_alias[case.alias]) is overdue, case.alias


def test_the_cases_the_demo_built_to_stall_are_flagged_and_others_are_not(flags_by_alias):
    for alias in ("Jayden", "Mohammed"):
        assert REVIEW_OVERDUE in flags_by_alias[alias], alias
    for alias in ("Callum", "Lewis", "Reece"):
        assert {GOAL_NOT_MET_TWICE, DRIVER_NOT_IMPROVING} <= flags_by_alias[alias], alias
    # Leon, in week 24 of 30, has goals still open near the end, and nothing else: his needs are low now.
    assert flags_by_alias["Leon"] == {GOAL_UNMET_NEAR_END}
    for alias in ("Amira", "Tyrese", "Zain"):  # early cases, on track
        assert flags_by_alias[alias] == set(), alias


def test_flag_loading_uses_a_fixed_number_of_statements(demo_engine):
    statements = []

    def count(conn, cursor, statement, *args):
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append(statement)

    event.listen(demo_engine, "before_cursor_execute", count)
    try:
        for scope in (Case.status == "open", Case.id > 0):
            with unit_of_work(demo_engine) as session:
                statements.clear()
                states = case_states(session, scope, today=TODAY)
                assert len(states) >= 18
                assert len(statements) == 5, statements
    finally:
        event.remove(demo_engine, "before_cursor_execute", count)


def test_leons_progress_tells_the_story(demo_engine):
    view_ = None
    with unit_of_work(demo_engine) as session:
        view_ = progress_view(session, person(demo_engine, "therapist"), case_id(demo_engine, "Leon"), today=TODAY)
    assert view_.current_week == 24 and view_.planned_weeks == 30
    assert [(p.start_week, p.end_week) for p in view_.phases] == [(1, 4), (5, 24), (25, 30)]  # default 4/20/6
    assert view_.current_phase.label == "Intervention"
    assert view_.overall["value"].iloc[0] <= 4 and view_.overall["value"].iloc[-1] >= 7
    minimisation = view_.drivers[view_.drivers["driver"] == "Dad minimises what happened"].sort_values("week")
    assert minimisation["value"].iloc[0] >= 8 and minimisation["value"].iloc[-1] <= 4
    assert len(view_.interventions) >= 5 and (view_.interventions["end_week"] >= view_.interventions["start_week"]).all()
    # The Gantt's legend names each type as the plan page does, not by its stored key.
    assert set(view_.interventions["type"]) <= set(INTERVENTION_TYPES.values())
    assert "Safety and supervision plan" in set(view_.interventions["type"])
    early, late = view_.goals_by_week.iloc[:5]["share_met"].mean(), view_.goals_by_week.iloc[-5:]["share_met"].mean()
    assert late > early
    assert view_.can_edit is True


def test_phase_lengths_are_validated_and_versioned(demo_engine):
    therapist = person(demo_engine, "therapist")
    leon = case_id(demo_engine, "Leon")
    with unit_of_work(demo_engine) as session:
        before = progress_view(session, therapist, leon, today=TODAY)
    with pytest.raises(InvalidInput):
        with unit_of_work(demo_engine) as session:
            set_phase_lengths(session, therapist, leon, engagement=20, generalisation=20, version=before.version)
    with unit_of_work(demo_engine) as session:
        set_phase_lengths(session, therapist, leon, engagement=6, generalisation=8, version=before.version)
    with pytest.raises(StaleEdit):
        with unit_of_work(demo_engine) as session:
            set_phase_lengths(session, therapist, leon, engagement=5, generalisation=5, version=before.version)
    with unit_of_work(demo_engine) as session:
        after = progress_view(session, therapist, leon, today=TODAY)
    assert [(p.start_week, p.end_week) for p in after.phases] == [(1, 6), (7, 22), (23, 30)] and after.custom_phases


def test_access(demo_engine):
    leon = case_id(demo_engine, "Leon")
    with unit_of_work(demo_engine) as session:
        assert progress_view(session, person(demo_engine, "supervisor"), leon, today=TODAY).can_edit is False
    for username in ("therapist2", "family", "admin"):
        with pytest.raises(AccessDenied):
            with unit_of_work(demo_engine) as session:
                progress_view(session, person(demo_engine, username), leon, today=TODAY)
    with pytest.raises(AccessDenied):
        with unit_of_work(demo_engine) as session:
            set_phase_lengths(session, person(demo_engine, "supervisor"), leon, engagement=4, generalisation=6, version=1)
