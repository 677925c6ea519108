"""The weekly review through its services: drafts, submission, validation, amendments, access."""

import json
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import Session, func, select

from planner.access import AccessDenied
from planner.accounts import principal_for
from planner.db import unit_of_work
from planner.errors import InvalidInput, StaleEdit
from planner.models import AuditEvent, Case, Driver, Goal, GoalDriver, Rating, User, WeeklyReview
from planner.weekly_review import (
    TEXT_FIELDS,
    NewGoal,
    ReviewContent,
    review_page,
    save_draft,
    start_amendment,
    submit_review,
)
from tests import factories
from tests.conftest import DEMO_PASSWORD, TODAY
from tests.helpers import person

pytestmark = pytest.mark.db

WEEK = 24  # Leon's current week: goals set, nothing submitted



@pytest.fixture
def leon(demo_engine):
    with unit_of_work(demo_engine) as session:
        case_id = session.exec(select(Case.id).where(Case.alias == "Leon")).one()
    return demo_engine, case_id, person(demo_engine, "therapist")


def page(engine, user, case_id, week=None):
    with unit_of_work(engine) as session:
        return review_page(session, user, case_id, week=week, today=TODAY)


def complete(data, **changes) -> ReviewContent:
    """A review that passes every check for the page's week."""
    content = ReviewContent(
        advances="Gary ran the family meeting without the therapist leading.",
        barriers_family="Gary tired after night shifts.",
        fit_update="Minimisation now low; warmth next.",
        marks={g.id: "met" for g in data.goals},
        ratings={d.id: 2 for d in data.prioritised},
        overall=8,
        new_goals=(NewGoal("Gary leads the family meeting without prompts", "Gary", (data.prioritised[0].id,)),),
    )
    return replace(content, **changes)


def draft(engine, user, case_id, week, content, **kw):
    with unit_of_work(engine) as session:
        return save_draft(session, user, case_id, week, content, today=TODAY, **kw)


def submit(engine, user, case_id, state, content):
    with unit_of_work(engine) as session:
        submit_review(session, user, case_id, state.review_id, content, version=state.version, today=TODAY)


def week_ratings(engine, case_id, week=WEEK):
    with unit_of_work(engine) as session:
        return {(r.subject, r.subject_id): r.value for r in session.exec(select(Rating).where(Rating.case_id == case_id, Rating.week == week)).all()}


def statuses(engine, goal_ids):
    with unit_of_work(engine) as session:
        return {g: session.get(Goal, g).status for g in goal_ids}


# --------------------------------------------------------------------------- the week


def test_leons_page_opens_on_the_current_week_with_its_goals_and_priorities(leon):
    engine, case_id, therapist = leon
    data = page(engine, therapist, case_id)
    assert (data.week, data.default_week, data.current_week, data.planned_weeks) == (WEEK, WEEK, WEEK, 30)
    assert 3 <= len(data.goals) <= 6 and all(g.status == "open" and g.week == WEEK for g in data.goals)
    assert {d.name for d in data.prioritised} >= {"Dad minimises what happened", "Low warmth between Dad and Leon"}
    minimisation = next(d for d in data.prioritised if d.name == "Dad minimises what happened")
    assert (minimisation.last_week, minimisation.this_week) == (3, None)
    assert data.overall_last_week == 7 and data.submitted is None and data.draft is None and data.can_edit
    assert [w.status for w in data.weeks][:23] == ["submitted"] * 23 and data.weeks[23].status == "not started"
    assert data.next_goals == []


def test_the_default_week_is_the_earliest_without_a_submitted_review(engine):
    with unit_of_work(engine) as session:
        team = factories.team(session)
        user = factories.user(session, "t.one", "therapist", team_id=team.id, password=DEMO_PASSWORD)
        case_id = factories.empty_case(session, alias="Jayden", therapist_id=user.id, team_id=team.id, weeks_ago=3).id
    therapist = person(engine, "t.one")
    data = page(engine, therapist, case_id)
    assert (data.current_week, data.default_week, data.week) == (4, 1, 1)
    state = draft(engine, therapist, case_id, 1, ReviewContent(advances="First week: met the family.", overall=3))
    submit(engine, therapist, case_id, state, ReviewContent(advances="First week: met the family.", overall=3))
    assert page(engine, therapist, case_id).default_week == 2
    assert page(engine, therapist, case_id, week=4).week == 4


@pytest.mark.parametrize(
    ("week", "message"),
    [
        (34, "Week 34 is outside this plan (weeks 1 to 30)."),
        (0, "Week 0 is outside this plan (weeks 1 to 30)."),
        (25, "Week 25 has not started yet: this is week 24 of the plan."),
    ],
)
def test_a_week_outside_the_plan_or_not_yet_started_is_refused(leon, week, message):
    engine, case_id, therapist = leon
    with pytest.raises(InvalidInput) as refused:
        page(engine, therapist, case_id, week=week)
    assert refused.value.errors == {"week": message}
    with pytest.raises(InvalidInput) as refused:
        draft(engine, therapist, case_id, week, ReviewContent(advances="x"))
    assert refused.value.errors == {"week": message}
    with unit_of_work(engine) as session:
        assert session.exec(select(func.count()).select_from(WeeklyReview).where(WeeklyReview.week == week, WeeklyReview.case_id == case_id)).one() == 0


# --------------------------------------------------------------------------- drafts


def test_a_draft_keeps_everything_typed_and_comes_back_exactly(leon):
    engine, case_id, therapist = leon
    data = page(engine, therapist, case_id)
    goal = data.goals[0]
    typed = ReviewContent(
        advances="  Leon went to football twice.\n\nGary came to watch.  ",
        barriers_system="Social worker on leave",
        marks={goal.id: "not_met"},
        carry_on=(goal.id,),
        ratings={data.prioritised[0].id: 3, data.prioritised[1].id: None},
        overall=None,
        new_goals=(NewGoal("Leon asks a classmate to the park", "", ()), NewGoal("", "", ())),
    )
    state = draft(engine, therapist, case_id, WEEK, typed)
    back = page(engine, therapist, case_id)
    assert back.draft.content == typed  # text as typed, marks, carry-on, ratings, half-written goals
    assert back.draft.status == "draft" and not back.draft.is_amendment
    with unit_of_work(engine) as session:
        row = session.get(WeeklyReview, state.review_id)
        assert row.advances == typed.advances and json.loads(row.draft_json)["content"]["carry_on"] == [goal.id]

    changed = replace(typed, fit_update="Warmth rising.")
    state2 = draft(engine, therapist, case_id, WEEK, changed, review_id=state.review_id, version=state.version)
    assert state2.version == state.version + 1
    assert page(engine, therapist, case_id).draft.content == changed
    # A save from a window that read the older version is refused, not applied.
    with pytest.raises(StaleEdit):
        draft(engine, therapist, case_id, WEEK, typed, review_id=state.review_id, version=state.version)
    # A second "new" draft of the same week is refused too: there is one already.
    with pytest.raises(StaleEdit):
        draft(engine, therapist, case_id, WEEK, typed)
    assert page(engine, therapist, case_id).draft.content == changed


def test_a_demo_draft_without_json_is_read_from_its_columns(demo_engine):
    with unit_of_work(demo_engine) as session:
        row = session.exec(select(WeeklyReview).where(WeeklyReview.status == "draft")).first()
        case = session.get(Case, row.case_id)
        therapist = principal_for(session, session.get(User, case.therapist_id))
    data = page(demo_engine, therapist, case.id, week=row.week)
    assert data.draft.id == row.id and data.draft.content.advances == row.advances and data.draft.content.marks == {}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"overall": 11}, "overall"),
        ({"overall": -1}, "overall"),
        ({"advances": "ok\x00"}, "advances"),
        ({"barriers_family": "x" * 4001}, "barriers_family"),
        ({"fit_update": "Looks fine\u202e"}, "fit_update"),
    ],
)
def test_a_draft_with_a_value_of_the_wrong_form_is_refused_and_nothing_saved(leon, change, field):
    engine, case_id, therapist = leon
    with pytest.raises(InvalidInput) as refused:
        draft(engine, therapist, case_id, WEEK, ReviewContent(**change))
    assert field in refused.value.errors and refused.value.errors[field]
    assert page(engine, therapist, case_id).draft is None


def test_a_rating_outside_0_to_10_is_refused_beside_its_driver(leon):
    engine, case_id, therapist = leon
    data = page(engine, therapist, case_id)
    driver = data.prioritised[0].id
    with pytest.raises(InvalidInput) as refused:
        draft(engine, therapist, case_id, WEEK, ReviewContent(ratings={driver: 12}))
    assert refused.value.errors == {f"rating_{driver}": "Please give a rating from 0 to 10 in whole numbers."}


# --------------------------------------------------------------------------- submitting


def test_submitting_writes_ratings_goals_and_next_week_in_one_go(leon):
    engine, case_id, therapist = leon
    data = page(engine, therapist, case_id)
    first, second, *rest = data.goals
    content = complete(
        data,
        marks={first.id: "not_met", second.id: "partly_met", **{g.id: "met" for g in rest}},
        carry_on=(first.id,),
        ratings={d.id: i + 1 for i, d in enumerate(data.prioritised)},
    )
    state = draft(engine, therapist, case_id, WEEK, content)
    submit(engine, therapist, case_id, state, content)

    ratings = week_ratings(engine, case_id)
    assert ratings == {**{("driver", d.id): i + 1 for i, d in enumerate(data.prioritised)}, ("overall", None): 8}
    assert statuses(engine, [g.id for g in data.goals]) == content.marks
    with unit_of_work(engine) as session:
        for i, d in enumerate(data.prioritised):
            assert session.get(Driver, d.id).rating == i + 1
        review = session.get(WeeklyReview, state.review_id)
        assert (review.status, review.submitted_by) == ("submitted", therapist.id) and review.submitted_at is not None
        assert review.advances == content.advances and review.barriers_family == "Gary tired after night shifts."
        nxt = session.exec(select(Goal).where(Goal.case_id == case_id, Goal.week == WEEK + 1).order_by(Goal.id)).all()
        assert [(g.text, g.carries_on_from, g.level, g.status) for g in nxt] == [
            (first.text, first.id, "intermediary", "open"),
            ("Gary leads the family meeting without prompts", None, "intermediary", "open"),
        ]
        links = {g.id: set(session.exec(select(GoalDriver.driver_id).where(GoalDriver.goal_id == g.id)).all()) for g in nxt}
        assert links[nxt[0].id] == set(first.driver_ids) and links[nxt[1].id] == {data.prioritised[0].id}
        actions = session.exec(select(AuditEvent.action, AuditEvent.object_type).where(AuditEvent.case_id == case_id)).all()
    assert ("submit", "weekly_review") in actions and ("create", "goal") in actions
    after = page(engine, therapist, case_id)
    assert after.submitted.id == state.review_id and after.draft is None and after.default_week == WEEK
    assert after.submitted.content.marks == content.marks and after.submitted.content.overall == 8
    assert [g.text for g in after.next_goals] == [first.text, "Gary leads the family meeting without prompts"]
    assert [w.status for w in after.weeks][WEEK - 1] == "submitted"


def test_a_submitted_review_is_read_only(leon):
    engine, case_id, therapist = leon
    data = page(engine, therapist, case_id)
    content = complete(data)
    state = draft(engine, therapist, case_id, WEEK, content)
    submit(engine, therapist, case_id, state, content)
    with pytest.raises(StaleEdit):
        submit(engine, therapist, case_id, replace(state, version=state.version + 1), content)
    with pytest.raises(StaleEdit):
        draft(engine, therapist, case_id, WEEK, content, review_id=state.review_id, version=state.version + 1)
    with pytest.raises(InvalidInput) as refused:
        draft(engine, therapist, case_id, WEEK, content)
    assert refused.value.errors == {"review": "Week 24 already has a submitted review: amend it instead."}


def test_submitting_an_incomplete_review_is_refused_and_writes_nothing(leon):
    engine, case_id, therapist = leon
    data = page(engine, therapist, case_id)
    goal = data.goals[0]
    typed = ReviewContent(
        advances="   ",
        marks={goal.id: "met"},
        ratings={data.prioritised[0].id: 4},
        new_goals=(NewGoal("Something", "", ()),),
    )
    state = draft(engine, therapist, case_id, WEEK, typed)
    with pytest.raises(InvalidInput) as refused:
        submit(engine, therapist, case_id, state, typed)
    errors = refused.value.errors
    assert errors["advances"] == "Please fill in the advances (what went well this week)."
    assert errors["overall"].startswith("Please give the overall safety scale from 0")
    assert {f"mark_{g.id}" for g in data.goals[1:]} <= set(errors) and f"mark_{goal.id}" not in errors
    assert {f"rating_{d.id}" for d in data.prioritised[1:]} <= set(errors)
    assert errors["new_goal_0_drivers"] == "Please link the goal to the driver (or drivers) it replaces."
    assert "barriers_family" not in errors  # barriers may be left empty
    # Nothing half-saved: no ratings, goals unmarked, no goals for next week; the draft intact.
    assert week_ratings(engine, case_id) == {}
    assert set(statuses(engine, [g.id for g in data.goals]).values()) == {"open"}
    after = page(engine, therapist, case_id)
    assert after.next_goals == [] and after.submitted is None and after.draft.content == typed
    assert after.draft.version == state.version


def test_only_a_goal_not_fully_met_can_be_carried_on_and_only_once(leon):
    engine, case_id, therapist = leon
    data = page(engine, therapist, case_id)
    goal = data.goals[0]
    with pytest.raises(InvalidInput) as refused:
        draft(engine, therapist, case_id, WEEK, complete(data, carry_on=(goal.id,)))
    assert refused.value.errors == {f"carry_{goal.id}": "Only a goal marked not met or partly met can be carried on."}


def test_the_last_week_of_the_plan_sets_no_goals_for_next_week(engine):
    with unit_of_work(engine) as session:
        team = factories.team(session)
        user = factories.user(session, "t.two", "therapist", team_id=team.id, password=DEMO_PASSWORD)
        case_id = factories.empty_case(session, alias="Kai", therapist_id=user.id, team_id=team.id, weeks_ago=31).id
    therapist = person(engine, "t.two")
    data = page(engine, therapist, case_id, week=30)
    assert data.last_week == 30 and not data.next_week_in_plan
    with pytest.raises(InvalidInput) as refused:
        draft(engine, therapist, case_id, 30, ReviewContent(new_goals=(NewGoal("More"),)))
    assert refused.value.errors == {
        "new_goals": "Week 31 is outside this plan (weeks 1 to 30). This is the last week of the plan: no goals for next week."
    }


# --------------------------------------------------------------------------- amendments


def test_an_amendment_overwrites_the_week_and_keeps_the_original(leon):
    engine, case_id, therapist = leon
    data = page(engine, therapist, case_id)
    content = complete(data)
    state = draft(engine, therapist, case_id, WEEK, content)
    submit(engine, therapist, case_id, state, content)
    with unit_of_work(engine) as session:
        before = session.get(WeeklyReview, state.review_id).model_dump()

    amendment = start_amendment_(engine, therapist, case_id, state.review_id)
    assert start_amendment_(engine, therapist, case_id, state.review_id) == amendment  # the same draft again
    opened = page(engine, therapist, case_id)
    assert opened.draft.id == amendment.review_id and opened.draft.amends_review_id == state.review_id
    assert opened.draft.content == replace(content.trimmed(), new_goals=())  # pre-filled from the original

    goal = data.goals[0]
    amended = replace(
        opened.draft.content,
        advances="Corrected: Gary ran the meeting; Jade chaired.",
        marks={**opened.draft.content.marks, goal.id: "partly_met"},
        ratings={**opened.draft.content.ratings, data.prioritised[0].id: 5},
        overall=6,
    )
    state2 = draft(engine, therapist, case_id, WEEK, amended, review_id=amendment.review_id, version=amendment.version)
    submit(engine, therapist, case_id, state2, amended)

    assert week_ratings(engine, case_id)[("overall", None)] == 6
    assert week_ratings(engine, case_id)[("driver", data.prioritised[0].id)] == 5
    assert statuses(engine, [goal.id])[goal.id] == "partly_met"
    with unit_of_work(engine) as session:
        assert session.get(WeeklyReview, state.review_id).model_dump() == before  # the original untouched
        assert session.get(Driver, data.prioritised[0].id).rating == 5
        assert session.exec(select(func.count()).select_from(Goal).where(Goal.case_id == case_id, Goal.week == WEEK + 1)).one() == 1
    after = page(engine, therapist, case_id)
    assert after.submitted.id == amendment.review_id and after.submitted.is_amendment
    assert [(v.id, v.amended) for v in after.history] == [(state.review_id, True), (amendment.review_id, False)]
    original = after.history[0]
    assert original.content.overall == 8 and original.content.marks[goal.id] == "met"  # as it was submitted
    assert [w.status for w in after.weeks][WEEK - 1] == "amended and resubmitted"
    # Only the latest version can be amended.
    with pytest.raises(StaleEdit):
        start_amendment_(engine, therapist, case_id, state.review_id)


def start_amendment_(engine, user, case_id, review_id):
    with unit_of_work(engine) as session:
        return start_amendment(session, user, case_id, review_id, today=TODAY)


def test_amending_an_old_demo_week_keeps_what_it_said_and_the_drivers_now(leon):
    engine, case_id, therapist = leon
    data = page(engine, therapist, case_id, week=20)
    original = data.submitted
    assert original.content.overall == 7 and original.content.marks  # read from the week's live values
    minimisation = next(d for d in data.prioritised if d.name == "Dad minimises what happened")
    with unit_of_work(engine) as session:
        now = session.get(Driver, minimisation.id).rating
    state = start_amendment_(engine, therapist, case_id, original.id)
    content = replace(page(engine, therapist, case_id, week=20).draft.content, overall=5)
    content = replace(content, ratings={d.id: content.ratings.get(d.id, 4) for d in data.prioritised})
    content = replace(content, ratings={**content.ratings, minimisation.id: 9})
    state = draft(engine, therapist, case_id, 20, content, review_id=state.review_id, version=state.version)
    submit(engine, therapist, case_id, state, content)
    assert week_ratings(engine, case_id, 20)[("overall", None)] == 5
    with unit_of_work(engine) as session:
        assert session.get(Driver, minimisation.id).rating == now  # week 23 is later: "now" is not rewound
    after = page(engine, therapist, case_id, week=20)
    old = next(v for v in after.history if v.id == original.id)
    assert old.amended and old.content.overall == 7 and old.content.ratings[minimisation.id] == 3


# --------------------------------------------------------------------------- who may


def test_supervisor_reads_without_the_draft_and_cannot_write(leon):
    engine, case_id, therapist = leon
    supervisor = person(engine, "supervisor")
    draft(engine, therapist, case_id, WEEK, ReviewContent(advances="Private until submitted."))
    data = page(engine, supervisor, case_id)
    assert not data.can_edit and data.draft is None and data.has_draft
    week_23 = page(engine, supervisor, case_id, week=23).submitted
    assert week_23.content.advances.startswith("Planning for closure")
    with pytest.raises(AccessDenied):
        draft(engine, supervisor, case_id, 23, ReviewContent(advances="x"))
    with pytest.raises(AccessDenied):
        start_amendment_(engine, supervisor, case_id, week_23.id)


@pytest.mark.parametrize("username", ["therapist2", "family", "admin"])
def test_others_are_refused_and_the_refusal_audited(leon, username):
    engine, case_id, _ = leon
    user = person(engine, username)
    with pytest.raises(AccessDenied):
        page(engine, user, case_id)
    with pytest.raises(AccessDenied):
        draft(engine, user, case_id, WEEK, ReviewContent(advances="x"))
    with unit_of_work(engine) as session:
        denied = session.exec(select(AuditEvent).where(AuditEvent.actor == username, AuditEvent.outcome == "denied")).all()
        assert len(denied) == 2
        assert session.exec(select(func.count()).select_from(WeeklyReview).where(WeeklyReview.case_id == case_id, WeeklyReview.week == WEEK)).one() == 0


def test_the_audit_never_holds_the_review_text(leon):
    engine, case_id, therapist = leon
    data = page(engine, therapist, case_id)
    content = complete(data, advances="Unmistakable advance text 7781")
    state = draft(engine, therapist, case_id, WEEK, content)
    submit(engine, therapist, case_id, state, content)
    with unit_of_work(engine) as session:
        for event in session.exec(select(AuditEvent).where(AuditEvent.case_id == case_id)).all():
            assert "7781" not in " ".join(str(v) for v in event.model_dump().values())


# --------------------------------------------------------------------------- any text

TEXT = st.text(max_size=300)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(texts=st.fixed_dictionaries({name: TEXT for name in TEXT_FIELDS}), goal_text=TEXT, owner=st.text(max_size=90))
def test_any_review_text_is_saved_exactly_or_refused_with_a_message(leon, texts, goal_text, owner):
    engine, case_id, therapist = leon
    data = page(engine, therapist, case_id)
    content = complete(data, **texts, new_goals=(NewGoal(goal_text, owner, (data.prioritised[0].id,)),))
    session = Session(engine, expire_on_commit=False)
    try:  # each example in a transaction that is rolled back, so every one starts from week 24 unsubmitted
        try:
            state = save_draft(session, therapist, case_id, WEEK, content, today=TODAY)
        except InvalidInput as refused:
            assert refused.errors and all(isinstance(m, str) and m.strip() for m in refused.errors.values())
            assert set(refused.errors) <= {*TEXT_FIELDS, "new_goal_0_text", "new_goal_0_owner"}
            return
        restored = review_page(session, therapist, case_id, today=TODAY).draft.content
        assert restored == content  # the draft: exactly as typed
        try:
            submit_review(session, therapist, case_id, state.review_id, content, version=state.version, today=TODAY)
        except InvalidInput as refused:
            assert set(refused.errors) <= {"advances", "new_goal_0_text"}
            assert not texts["advances"].strip() or not goal_text.strip()
            return
        row = session.get(WeeklyReview, state.review_id)
        session.refresh(row)
        assert {name: getattr(row, name) for name in TEXT_FIELDS} == {name: value.strip() for name, value in texts.items()}
        new = session.exec(select(Goal).where(Goal.case_id == case_id, Goal.week == WEEK + 1)).one()
        assert (new.text, new.owner) == (goal_text.strip(), owner.strip())
    finally:
        session.rollback()
        session.close()
