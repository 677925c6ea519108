"""The plan services: interventions, desired outcomes, overarching goals with GAS, the safety plan.

Validation (nothing half-saved), versions, access, audit, and any text saved exactly or refused.
"""

import json
from dataclasses import replace
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import func, select

from planner.access import AccessDenied
from planner.db import unit_of_work
from planner.errors import InvalidInput, StaleEdit
from planner.fit_circle import archive_driver, driver_map
from planner.guard import NotFound
from planner.models import AuditEvent, Case, DesiredOutcome, Driver, GasScore, Goal, GoalDriver, Intervention, InterventionDriver, Participant, SafetyRule, SafetyRuleDriver
from planner.plan import (
    GoalInput,
    InterventionInput,
    OutcomeInput,
    RuleInput,
    add_goal,
    add_intervention,
    add_outcome,
    add_rule,
    archive_rule,
    negative_wording_hint,
    plan_view,
    score_gas,
    update_goal,
    update_intervention,
    update_outcome,
    update_rule,
)
from tests.conftest import TODAY
from tests.helpers import person

pytestmark = pytest.mark.db



@pytest.fixture
def leon(demo_engine):
    with unit_of_work(demo_engine) as session:
        case_id = session.exec(select(Case.id).where(Case.alias == "Leon")).one()
    return demo_engine, case_id, person(demo_engine, "therapist")


def view(engine, user, case_id):
    with unit_of_work(engine) as session:
        return plan_view(session, user, case_id, today=TODAY)


def run(engine, service, *args, **kwargs):
    with unit_of_work(engine) as session:
        return service(session, *args, **kwargs)


def count(engine, table, **where):
    with unit_of_work(engine) as session:
        query = select(func.count()).select_from(table)
        for column, value in where.items():
            query = query.where(getattr(table, column) == value)
        return session.exec(query).one()


def driver_id(engine, case_id, name):
    with unit_of_work(engine) as session:
        return session.exec(select(Driver.id).where(Driver.case_id == case_id, Driver.name == name)).one()


def intervention_row(engine, user, case_id, name):
    frame = view(engine, user, case_id).interventions
    return frame[frame["name"] == name].iloc[0].to_dict()


SUPERVISION = "Loose supervision when cousins visit"
HOME_STRENGTH = "Dad wants Leon to stay at home"


def intervention(engine, case_id, **changes):
    fields = dict(
        type="warmth_building", name="Bedtime story with Dad", who="Dad reads with Leon", frequency="Three evenings a week",
        start_week=20, end_week=26, status="planned", principles=(2, 7),
        driver_ids=(driver_id(engine, case_id, "Low warmth between Dad and Leon"),),
    )
    return InterventionInput(**(fields | changes))


# --------------------------------------------------------------------------- reading the plan


def test_leons_plan_reads_whole_and_is_audited(leon):
    engine, case_id, therapist = leon
    data = view(engine, therapist, case_id)
    assert data.can_edit and data.current_week == 24 and data.planned_weeks == 30
    frame = data.interventions.set_index("name")
    plan = frame.loc["Written supervision plan for family visits"]
    assert plan["type_label"] == "Safety and supervision plan"
    assert plan["aimed_at"] == "Loose supervision when cousins visit; Tyler was exposed to the harm"
    assert plan["weeks"] == "weeks 1–30" and plan["status"] == "active"
    assert plan["principle_names"] == ["1 Finding the fit", "4 Present-focused, action-oriented and well-defined",
                                       "8 Evaluation and accountability"]
    # Goals: five overarching goals with GAS levels, scores rising from -2/-1 to 0/+1 and the latest as gas_score.
    assert len(data.goals) == 5
    for goal in data.goals:
        assert len(goal.gas_levels) == 5 and all(goal.gas_levels)
        assert goal.scores[0][1] <= -1 and goal.scores[-1][1] >= 0
        assert goal.gas_score == goal.scores[-1][1] and goal.latest_week == 23
        assert goal.driver_names
    assert 50 < data.gas_t_score() < 80
    # This week's intermediary goals, read-only context from the weekly review.
    assert 3 <= len(data.intermediary) <= 5 and set(data.intermediary["status"]) == {"Not yet marked"}
    # Participants for the outcome form never include the victim.
    assert "Mia" not in {p.name for p in data.participants} and "Gary" in {p.name for p in data.participants}
    assert {r.setting for r in data.rules} >= {"home", "online"} and not data.archived_rules
    assert set(data.drivers.columns) >= {"id", "name", "kind"}
    with unit_of_work(engine) as session:
        assert session.exec(
            select(AuditEvent).where(AuditEvent.object_type == "plan", AuditEvent.action == "view", AuditEvent.case_id == case_id)
        ).first()


def test_every_demo_case_has_gas_levels_and_weekly_scores(demo_engine):
    with unit_of_work(demo_engine) as session:
        goals = session.exec(select(Goal).where(Goal.level == "overarching")).all()
        assert goals and all(len(json.loads(g.gas_levels)) == 5 for g in goals)
        for g in goals:
            scores = session.exec(select(GasScore.week, GasScore.score).where(GasScore.goal_id == g.id).order_by(GasScore.week)).all()
            assert scores, g.text
            assert all(-2 <= s <= 2 for _, s in scores)
            assert g.gas_score == scores[-1][1]
        closed_goals = session.exec(
            select(Goal.id).join(Case, Case.id == Goal.case_id).where(Case.status == "closed", Goal.level == "overarching")
        ).all()
        assert closed_goals


def test_supervisor_reads_colleague_and_family_are_refused(leon):
    engine, case_id, _ = leon
    supervisor = person(engine, "supervisor")
    data = view(engine, supervisor, case_id)
    assert not data.can_edit and len(data.interventions) > 5
    with pytest.raises(AccessDenied):
        run(engine, add_intervention, supervisor, case_id, intervention(engine, case_id))
    rule = data.rules[0]
    with pytest.raises(AccessDenied):
        run(engine, archive_rule, supervisor, case_id, rule.id, version=rule.version)
    with pytest.raises(AccessDenied):
        run(engine, score_gas, supervisor, case_id, data.goals[0].id, week=24, score=2)
    for outsider in ("therapist2", "family", "admin"):
        with pytest.raises(AccessDenied):
            view(engine, person(engine, outsider), case_id)
    assert count(engine, Intervention, case_id=case_id) == len(data.interventions)


# --------------------------------------------------------------------------- interventions


def test_an_intervention_aimed_at_a_driver_is_saved_shown_and_audited(leon):
    engine, case_id, therapist = leon
    new_id = run(engine, add_intervention, therapist, case_id, intervention(engine, case_id, end_week=None, description="  Story  "))
    row = view(engine, therapist, case_id).interventions.set_index("id").loc[new_id]
    assert row["aimed_at"] == "Low warmth between Dad and Leon"
    assert row["weeks"] == "from week 20, ongoing" and row["principles"] == [2, 7] and row["description"] == "Story"
    with unit_of_work(engine) as session:
        assert session.get(Intervention, new_id).principles == "2,7"
        assert session.exec(select(AuditEvent).where(AuditEvent.object_type == "intervention", AuditEvent.object_id == new_id, AuditEvent.action == "create")).one()
    # and the driver map sees it aimed at the driver
    with unit_of_work(engine) as session:
        aimed = {i.id: i.driver_ids for i in driver_map(session, therapist, case_id, today=TODAY).interventions}
    assert aimed[new_id] == (driver_id(engine, case_id, "Low warmth between Dad and Leon"),)


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"start_week": 0}, "start_week", "outside this plan"),
        ({"start_week": 31, "end_week": None}, "start_week", "weeks 1 to 30"),
        ({"end_week": 31}, "end_week", "outside this plan"),
        ({"start_week": 12, "end_week": 8}, "end_week", "before the start week"),
        ({"start_week": None}, "start_week", "whole number"),
        ({"name": "   "}, "name", "fill in"),
        ({"name": "x" * 121}, "name", "120 characters"),
        ({"name": "two\nlines"}, "name", "one line"),
        ({"who": ""}, "who", "fill in"),
        ({"frequency": ""}, "frequency", "fill in"),
        ({"type": "hypnosis"}, "type", "type"),
        ({"driver_ids": ()}, "drivers", "at least one driver"),
        ({"status": "paused"}, "status", "status"),
        ({"status": "stopped", "stop_reason": "  "}, "stop_reason", "why"),
        ({"principles": (3, 10)}, "principles", "1 to 9"),
        ({"description": "nul\x00byte"}, "description", "hidden characters"),
    ],
)
def test_bad_intervention_is_refused_and_nothing_is_saved(leon, changes, field, words):
    engine, case_id, therapist = leon
    before = (count(engine, Intervention), count(engine, InterventionDriver))
    with pytest.raises(InvalidInput) as refused:
        run(engine, add_intervention, therapist, case_id, intervention(engine, case_id, **changes))
    assert field in refused.value.errors and words in refused.value.errors[field]
    assert (count(engine, Intervention), count(engine, InterventionDriver)) == before


def test_drivers_must_be_live_drivers_of_this_case(leon):
    engine, case_id, therapist = leon
    with unit_of_work(engine) as session:
        other = session.exec(select(Driver.id).where(Driver.case_id != case_id)).first()
    with pytest.raises(InvalidInput, match="not on this case's map"):
        run(engine, add_intervention, therapist, case_id, intervention(engine, case_id, driver_ids=(other,)))
    friends = driver_id(engine, case_id, "Few friends of his own age")
    with unit_of_work(engine) as session:
        version = session.get(Driver, friends).version
    run(engine, archive_driver, therapist, case_id, friends, reason="Ruled out", version=version)
    with pytest.raises(InvalidInput, match="not on this case's map"):
        run(engine, add_intervention, therapist, case_id, intervention(engine, case_id, driver_ids=(friends,)))


def test_stopping_needs_a_reason_and_a_stale_edit_is_refused(leon):
    engine, case_id, therapist = leon
    row = intervention_row(engine, therapist, case_id, "Saturday football group")
    iid, version = int(row["id"]), int(row["version"])
    current = InterventionInput(
        type=row["type"], name=row["name"], who=row["who"], frequency=row["frequency"], start_week=int(row["start_week"]),
        end_week=int(row["end_week"]), status="stopped", principles=tuple(row["principles"]), driver_ids=tuple(row["driver_ids"]),
    )
    with pytest.raises(InvalidInput) as refused:
        run(engine, update_intervention, therapist, case_id, iid, current, version=version)
    assert "stop_reason" in refused.value.errors
    with unit_of_work(engine) as session:
        assert session.get(Intervention, iid).status == "active"
    stopped = replace(current, stop_reason="  Club closed for the season  ")
    run(engine, update_intervention, therapist, case_id, iid, stopped, version=version)
    with unit_of_work(engine) as session:
        saved = session.get(Intervention, iid)
        assert (saved.status, saved.stop_reason, saved.version) == ("stopped", "Club closed for the season", version + 1)
    with pytest.raises(StaleEdit, match="Someone else saved"):
        run(engine, update_intervention, therapist, case_id, iid, replace(current, status="active"), version=version)
    # Restarting clears the reason.
    run(engine, update_intervention, therapist, case_id, iid, replace(current, status="active"), version=version + 1)
    with unit_of_work(engine) as session:
        assert session.get(Intervention, iid).stop_reason is None


def test_editing_keeps_links_to_archived_drivers(leon):
    engine, case_id, therapist = leon
    row = intervention_row(engine, therapist, case_id, "School liaison: break-time plan and a trusted adult")
    friends = driver_id(engine, case_id, "Few friends of his own age")
    school = driver_id(engine, case_id, "Leon engages well at school")
    assert set(row["driver_ids"]) == {friends, school}
    with unit_of_work(engine) as session:
        version = session.get(Driver, friends).version
    run(engine, archive_driver, therapist, case_id, friends, reason="No longer a concern", version=version)
    assert "Few friends of his own age (archived)" in view(engine, therapist, case_id).interventions.set_index("id").loc[int(row["id"]), "aimed_at"]
    edited = InterventionInput(type=row["type"], name=row["name"], who=row["who"], frequency="Monthly", start_week=3, end_week=30,
                               status="active", driver_ids=(school,))
    run(engine, update_intervention, therapist, case_id, int(row["id"]), edited, version=int(row["version"]))
    with unit_of_work(engine) as session:
        links = set(session.exec(select(InterventionDriver.driver_id).where(InterventionDriver.intervention_id == int(row["id"]))).all())
    assert links == {friends, school}


# --------------------------------------------------------------------------- desired outcomes


def test_desired_outcomes_by_participant_or_free_who(leon):
    engine, case_id, therapist = leon
    with unit_of_work(engine) as session:
        people = {p.name: p.id for p in session.exec(select(Participant).where(Participant.case_id == case_id)).all()}
    first = run(engine, add_outcome, therapist, case_id, OutcomeInput(outcome=" Leon home for good ", participant_id=people["Gary"]))
    second = run(engine, add_outcome, therapist, case_id, OutcomeInput(outcome="Calm lunchtimes", who=" Dinner staff "))
    with unit_of_work(engine) as session:
        a, b = session.get(DesiredOutcome, first), session.get(DesiredOutcome, second)
        assert (a.who, a.outcome, a.participant_id) == ("Gary", "Leon home for good", people["Gary"])
        assert (b.who, b.participant_id) == ("Dinner staff", None)
    before = count(engine, DesiredOutcome)
    for bad, field in (
        (OutcomeInput(outcome="I want to feel safe", participant_id=people["Mia"]), "participant"),  # the victim
        (OutcomeInput(outcome="Something", participant_id=10**9), "participant"),
        (OutcomeInput(outcome="Something", who="  "), "who"),
        (OutcomeInput(outcome="   ", who="School"), "outcome"),
    ):
        with pytest.raises(InvalidInput) as refused:
            run(engine, add_outcome, therapist, case_id, bad)
        assert field in refused.value.errors
    assert count(engine, DesiredOutcome) == before
    run(engine, update_outcome, therapist, case_id, second, OutcomeInput(outcome="Calm, supervised lunchtimes", who="School"), version=1)
    with pytest.raises(StaleEdit):
        run(engine, update_outcome, therapist, case_id, second, OutcomeInput(outcome="Other", who="School"), version=1)
    assert view(engine, therapist, case_id).outcomes.set_index("id").loc[second, "outcome"] == "Calm, supervised lunchtimes"


# --------------------------------------------------------------------------- overarching goals and GAS

LEVELS = ("Left alone upstairs", "Sometimes checked", "Always an adult in the room", "Dad plans it himself", "Family plan it for every event")


def test_goal_with_gas_levels_is_saved_updated_and_versioned(leon):
    engine, case_id, therapist = leon
    supervision = driver_id(engine, case_id, SUPERVISION)
    new_id = run(engine, add_goal, therapist, case_id, GoalInput(
        text=" Cousins' visits stay safe ", criterion="Nan confirms for 6 visits", family_wording="Safe visits",
        gas_weight=2, gas_levels=tuple(f" {x} " for x in LEVELS), driver_ids=(supervision,),
    ))
    with unit_of_work(engine) as session:
        goal = session.get(Goal, new_id)
        assert (goal.level, goal.text, goal.gas_weight, json.loads(goal.gas_levels)) == ("overarching", "Cousins' visits stay safe", 2.0, list(LEVELS))
        assert session.exec(select(GoalDriver.driver_id).where(GoalDriver.goal_id == new_id)).all() == [supervision]
    record = next(g for g in view(engine, therapist, case_id).goals if g.id == new_id)
    assert record.gas_levels == LEVELS and record.gas_score is None and list(record.level_table()["for this goal"]) == list(LEVELS)
    changed = GoalInput(text="Cousins' visits stay safe", criterion="Nan confirms for 8 visits", family_wording="Safe visits",
                        gas_weight=1.5, gas_levels=(), driver_ids=(), status="met")
    run(engine, update_goal, therapist, case_id, new_id, changed, version=record.version)
    with pytest.raises(StaleEdit):
        run(engine, update_goal, therapist, case_id, new_id, changed, version=record.version)
    with unit_of_work(engine) as session:
        goal = session.get(Goal, new_id)
        assert (goal.status, goal.gas_levels, goal.criterion) == ("met", "", "Nan confirms for 8 visits")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"text": " "}, "text"),
        ({"criterion": ""}, "criterion"),
        ({"family_wording": ""}, "family_wording"),
        ({"family_wording": "x" * 201}, "family_wording"),
        ({"gas_weight": 0}, "gas_weight"),
        ({"gas_weight": -1}, "gas_weight"),
        ({"gas_weight": float("nan")}, "gas_weight"),
        ({"gas_levels": ("a", "b", "", "d", "e")}, "gas_levels"),
        ({"gas_levels": ("a", "b", "c")}, "gas_levels"),
        ({"status": "done"}, "status"),
    ],
)
def test_bad_goal_is_refused_and_nothing_is_saved(leon, changes, field):
    engine, case_id, therapist = leon
    fields = dict(text="A goal", criterion="Counted weekly", family_wording="Our goal", gas_levels=LEVELS)
    before = count(engine, Goal)
    with pytest.raises(InvalidInput) as refused:
        run(engine, add_goal, therapist, case_id, GoalInput(**(fields | changes)))
    assert field in refused.value.errors
    assert count(engine, Goal) == before


def test_gas_score_is_one_per_week_and_the_goal_keeps_the_latest(leon):
    engine, case_id, therapist = leon
    goal = view(engine, therapist, case_id).goals[4]  # "Dad can say what happened was harmful", 0 in week 23
    rows = count(engine, GasScore, goal_id=goal.id)
    run(engine, score_gas, therapist, case_id, goal.id, week=24, score=1)
    run(engine, score_gas, therapist, case_id, goal.id, week=24, score=2)  # scored again: replaces
    assert count(engine, GasScore, goal_id=goal.id) == rows + 1
    with unit_of_work(engine) as session:
        assert session.exec(select(GasScore.score).where(GasScore.goal_id == goal.id, GasScore.week == 24)).one() == 2
        assert session.get(Goal, goal.id).gas_score == 2
        assert session.get(Goal, goal.id).version == goal.version  # scoring does not make an open edit stale
    run(engine, score_gas, therapist, case_id, goal.id, week=10, score=-2)  # correcting an old week
    with unit_of_work(engine) as session:
        assert session.get(Goal, goal.id).gas_score == 2
        assert session.exec(select(AuditEvent).where(AuditEvent.object_type == "gas_score", AuditEvent.case_id == case_id)).all()
    for week, score, field in ((24, 3, "score"), (24, -3, "score"), (31, 1, "week"), (0, 1, "week"), (24, 1.5, "score")):
        with pytest.raises(InvalidInput) as refused:
            run(engine, score_gas, therapist, case_id, goal.id, week=week, score=score)
        assert field in refused.value.errors
    assert count(engine, GasScore, goal_id=goal.id) == rows + 1
    with unit_of_work(engine) as session:
        weekly = session.exec(select(Goal.id).where(Goal.case_id == case_id, Goal.level == "intermediary")).first()
        foreign = session.exec(select(Goal.id).where(Goal.case_id != case_id, Goal.level == "overarching")).first()
    for wrong in (weekly, foreign):
        with pytest.raises(NotFound):
            run(engine, score_gas, therapist, case_id, wrong, week=24, score=0)


# --------------------------------------------------------------------------- safety plan


def test_rules_are_written_linked_to_needs_archived_and_listed_apart(leon):
    engine, case_id, therapist = leon
    supervision = driver_id(engine, case_id, SUPERVISION)
    past = TODAY - timedelta(days=3)
    new_id = run(engine, add_rule, therapist, case_id, RuleInput(
        setting="online", rule=" Don't take the tablet upstairs ", responsible=" Dad and Jade ", review_date=past, driver_ids=(supervision,),
    ))
    assert negative_wording_hint("Don't take the tablet upstairs") and negative_wording_hint("never alone")
    assert negative_wording_hint("No phones after 9pm") and negative_wording_hint("Tablets stay downstairs") is None
    rule = next(r for r in view(engine, therapist, case_id).rules if r.id == new_id)
    assert (rule.rule, rule.responsible, rule.review_date, rule.driver_names) == (
        "Don't take the tablet upstairs", "Dad and Jade", past, (SUPERVISION,)
    )
    run(engine, update_rule, therapist, case_id, new_id, RuleInput(
        setting="online", rule="The tablet stays downstairs", responsible="Dad", driver_ids=(supervision,)), version=rule.version)
    with pytest.raises(StaleEdit):
        run(engine, archive_rule, therapist, case_id, new_id, version=rule.version)
    run(engine, archive_rule, therapist, case_id, new_id, version=rule.version + 1)
    data = view(engine, therapist, case_id)
    assert new_id not in {r.id for r in data.rules}
    archived = next(r for r in data.archived_rules if r.id == new_id)
    assert archived.rule == "The tablet stays downstairs" and archived.archived_at is not None
    with pytest.raises(NotFound):
        run(engine, archive_rule, therapist, case_id, new_id, version=archived.version)
    with unit_of_work(engine) as session:
        assert session.get(SafetyRule, new_id) is not None  # kept, not deleted
        assert session.exec(select(AuditEvent).where(AuditEvent.object_type == "safety_rule", AuditEvent.action == "archive", AuditEvent.object_id == new_id)).one()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"setting": "car"}, "setting"),
        ({"rule": "  "}, "rule"),
        ({"rule": "x" * 501}, "rule"),
        ({"responsible": ""}, "responsible"),
        ({"driver_ids": ()}, "drivers"),
        ({"driver_ids": "strength"}, "drivers"),
        ({"review_date": "next week"}, "review_date"),
    ],
)
def test_bad_rule_is_refused_and_nothing_is_saved(leon, changes, field):
    engine, case_id, therapist = leon
    if changes.get("driver_ids") == "strength":
        changes = {"driver_ids": (driver_id(engine, case_id, HOME_STRENGTH),)}
    fields = dict(setting="home", rule="Doors stay open", responsible="Dad", driver_ids=(driver_id(engine, case_id, SUPERVISION),))
    before = (count(engine, SafetyRule), count(engine, SafetyRuleDriver))
    with pytest.raises(InvalidInput) as refused:
        run(engine, add_rule, therapist, case_id, RuleInput(**(fields | changes)))
    assert field in refused.value.errors
    assert (count(engine, SafetyRule), count(engine, SafetyRuleDriver)) == before


# --------------------------------------------------------------------------- any text: saved exactly or refused

TEXT = st.text(max_size=260)
SHORT = st.text(max_size=130)


def saved_or_refused(engine, create, table, read, expected):
    """Create once: either the row holds exactly the stripped text, or a message and no new row."""
    before = count(engine, table)
    try:
        new_id = create()
    except InvalidInput as refused:
        assert refused.errors and all(isinstance(m, str) and m for m in refused.errors.values())
        assert count(engine, table) == before
        return
    with unit_of_work(engine) as session:
        assert read(session.get(table, new_id)) == expected


PROPERTY = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@PROPERTY
@given(name=SHORT, who=TEXT, frequency=SHORT, description=TEXT, reason=TEXT)
def test_intervention_text_is_saved_exactly_or_refused(leon, name, who, frequency, description, reason):
    engine, case_id, therapist = leon
    fields = intervention(engine, case_id, name=name, who=who, frequency=frequency, description=description, status="stopped", stop_reason=reason)
    saved_or_refused(
        engine, lambda: run(engine, add_intervention, therapist, case_id, fields), Intervention,
        lambda r: (r.name, r.who, r.frequency, r.description, r.stop_reason),
        (name.strip(), who.strip(), frequency.strip(), description.strip(), reason.strip()),
    )


@PROPERTY
@given(who=st.text(max_size=90), outcome=TEXT)
def test_outcome_text_is_saved_exactly_or_refused(leon, who, outcome):
    engine, case_id, therapist = leon
    saved_or_refused(
        engine, lambda: run(engine, add_outcome, therapist, case_id, OutcomeInput(outcome=outcome, who=who)), DesiredOutcome,
        lambda r: (r.who, r.outcome), (who.strip(), outcome.strip()),
    )


@PROPERTY
@given(text=TEXT, criterion=TEXT, family=st.text(max_size=210), levels=st.tuples(*[st.text(max_size=60)] * 5))
def test_goal_text_is_saved_exactly_or_refused(leon, text, criterion, family, levels):
    engine, case_id, therapist = leon
    fields = GoalInput(text=text, criterion=criterion, family_wording=family, gas_levels=levels)
    saved_or_refused(
        engine, lambda: run(engine, add_goal, therapist, case_id, fields), Goal,
        lambda r: (r.text, r.criterion, r.family_wording, tuple(json.loads(r.gas_levels)) if r.gas_levels else ()),
        (text.strip(), criterion.strip(), family.strip(), tuple(x.strip() for x in levels) if any(x.strip() for x in levels) else ()),
    )


@PROPERTY
@given(rule=TEXT, responsible=TEXT)
def test_rule_text_is_saved_exactly_or_refused(leon, rule, responsible):
    engine, case_id, therapist = leon
    fields = RuleInput(setting="community", rule=rule, responsible=responsible, driver_ids=(driver_id(engine, case_id, SUPERVISION),))
    saved_or_refused(
        engine, lambda: run(engine, add_rule, therapist, case_id, fields), SafetyRule,
        lambda r: (r.rule, r.responsible), (rule.strip(), responsible.strip()),
    )
