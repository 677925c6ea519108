"""Fidelity on a real database: recording monthly adherence (validation, one score a month, who may),
and the fidelity view (flags, the safety scale by month, MST principles coverage)."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlmodel import select

from planner.access import AccessDenied, Principal
from planner.db import unit_of_work
from planner.errors import InvalidInput
from planner.fidelity import ADHERENCE_THRESHOLD, fidelity_view, month_start, months_between, record_adherence
from planner.models import AdherenceScore, AuditEvent, Case, FamilyAccess, Intervention, Rating
from tests import factories

pytestmark = pytest.mark.db

TODAY = date(2026, 4, 10)
START = date(2026, 1, 14)
PASSWORD = "a-long-test-password"


def principal(row, family_case_id=None) -> Principal:
    return Principal(row.id, row.username, row.display_name, row.role, row.team_id, family_case_id)


@pytest.fixture
def world(engine):
    with unit_of_work(engine) as session:
        a = factories.team(session, "Team A")
        b = factories.team(session, "Team B")
        rows = {
            "supervisor": factories.user(session, "sup.a", "supervisor", team_id=a.id, password=PASSWORD),
            "other_supervisor": factories.user(session, "sup.b", "supervisor", team_id=b.id, password=PASSWORD),
            "therapist": factories.user(session, "ther.a", "therapist", team_id=a.id, password=PASSWORD),
            "colleague": factories.user(session, "ther.a2", "therapist", team_id=a.id, password=PASSWORD),
            "admin": factories.user(session, "admin.x", "admin", team_id=None, password=PASSWORD),
            "family": factories.user(session, "family.a", "family", team_id=None, password=PASSWORD),
        }
        case = Case(alias="Sample", age=12, start_date=START, therapist_id=rows["therapist"].id, team_id=a.id)
        closed = Case(alias="Closed", age=14, start_date=date(2025, 9, 3), therapist_id=rows["therapist"].id, team_id=a.id,
                      status="closed", closed_on=date(2026, 1, 20))
        session.add_all([case, closed])
        session.flush()
        session.add(FamilyAccess(account_id=rows["family"].id, case_id=case.id))
        session.add_all(
            Rating(case_id=case.id, week=w, subject="overall", value=v) for w, v in {1: 3, 3: 4, 4: 5, 7: 6}.items()
        )
        session.add_all(
            [
                Intervention(case_id=case.id, type="safety_planning", name="Safety plan", status="active", principles="1,2"),
                Intervention(case_id=case.id, type="warmth_building", name="Special time", status="done", principles="2,7"),
                Intervention(case_id=case.id, type="peers", name="Football club", status="stopped", principles="3"),
                Intervention(case_id=case.id, type="school_liaison", name="School plan", status="planned", principles="4, 9,x"),
                Intervention(case_id=case.id, type="other", name="No principles", status="active", principles=""),
            ]
        )
        people = {k: principal(v, case.id if k == "family" else None) for k, v in rows.items()}
        return people, case.id, closed.id


def record(engine, who, case_id, month, score):
    with unit_of_work(engine) as session:
        return record_adherence(session, who, case_id, month, score, today=TODAY)


def view_of(engine, who, case_id):
    with unit_of_work(engine) as session:
        return fidelity_view(session, who, case_id, today=TODAY)


def stored(engine, case_id):
    with unit_of_work(engine) as session:
        return [(r.month, r.score, r.recorded_by) for r in session.exec(
            select(AdherenceScore).where(AdherenceScore.case_id == case_id).order_by(AdherenceScore.month)
        ).all()]


def test_months_between_walks_month_by_month_across_a_year_end():
    assert months_between(date(2025, 11, 30), date(2026, 2, 1)) == [
        date(2025, 11, 1), date(2025, 12, 1), date(2026, 1, 1), date(2026, 2, 1)
    ]
    assert months_between(date(2026, 3, 5), date(2026, 3, 31)) == [date(2026, 3, 1)]


def test_a_supervisor_records_one_score_a_month_and_the_flag_is_below_061(engine, world):
    people, case_id, _ = world
    sup = people["supervisor"]
    first = record(engine, sup, case_id, date(2026, 2, 17), 0.6)
    assert (first.month, first.score, first.flagged, first.created) == (date(2026, 2, 1), 0.6, True, True)
    at_threshold = record(engine, sup, case_id, date(2026, 3, 1), ADHERENCE_THRESHOLD)
    assert at_threshold.flagged is False and ADHERENCE_THRESHOLD == 0.61
    replaced = record(engine, sup, case_id, date(2026, 2, 28), 0.8)  # the same month again: replaces the score
    assert (replaced.created, replaced.flagged) == (False, False)
    assert record(engine, sup, case_id, date(2026, 1, 31), 1).score == 1.0  # the month the case started; an int is fine
    assert stored(engine, case_id) == [(date(2026, 1, 1), 1.0, sup.id), (date(2026, 2, 1), 0.8, sup.id), (date(2026, 3, 1), 0.61, sup.id)]
    with unit_of_work(engine) as session:
        events = session.exec(select(AuditEvent).where(AuditEvent.object_type == "adherence_score").order_by(AuditEvent.id)).all()
    assert [e.action for e in events] == ["create", "create", "update", "create"]
    assert all(e.case_id == case_id and e.actor == "sup.a" for e in events)


@pytest.mark.parametrize(
    ("month", "score", "field"),
    [
        (date(2026, 3, 1), 1.2, "score"),
        (date(2026, 3, 1), -0.01, "score"),
        (date(2026, 3, 1), float("nan"), "score"),
        (date(2026, 3, 1), None, "score"),
        (date(2026, 3, 1), "0.7", "score"),
        (date(2026, 3, 1), True, "score"),
        (date(2026, 5, 1), 0.7, "month"),  # next month: not yet
        (date(2025, 12, 31), 0.7, "month"),  # before the case started
        (None, 0.7, "month"),
    ],
)
def test_bad_scores_and_months_are_refused_kindly_and_nothing_is_saved(engine, world, month, score, field):
    people, case_id, _ = world
    with pytest.raises(InvalidInput) as refused:
        record(engine, people["supervisor"], case_id, month, score)
    assert set(refused.value.errors) == {field}
    assert stored(engine, case_id) == []


def test_a_closed_case_takes_scores_up_to_its_closing_month_only(engine, world):
    people, _, closed_id = world
    assert record(engine, people["supervisor"], closed_id, date(2026, 1, 5), 0.7).month == date(2026, 1, 1)
    with pytest.raises(InvalidInput) as refused:
        record(engine, people["supervisor"], closed_id, date(2026, 2, 1), 0.7)
    assert "closed in January 2026" in refused.value.errors["month"]
    assert view_of(engine, people["supervisor"], closed_id).months[-1] == date(2026, 1, 1)


@pytest.mark.parametrize("who", ["therapist", "colleague", "other_supervisor", "admin", "family"])
def test_only_the_teams_supervisor_may_record(engine, world, who):
    people, case_id, _ = world
    with pytest.raises(AccessDenied):
        record(engine, people[who], case_id, date(2026, 3, 1), 0.7)
    assert stored(engine, case_id) == []


def test_the_view_shows_scores_flags_the_scale_and_principles(engine, world):
    people, case_id, _ = world
    for month, score in ((date(2026, 3, 1), 0.55), (date(2026, 1, 1), 0.8), (date(2026, 2, 1), 0.7)):
        record(engine, people["supervisor"], case_id, month, score)
    view = view_of(engine, people["supervisor"], case_id)
    assert view.alias == "Sample" and view.can_rate is True and view.current_week == 13
    assert view.months == [date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1), date(2026, 4, 1)]
    assert view.adherence[["month", "score", "flagged"]].values.tolist() == [
        [date(2026, 1, 1), 0.8, False], [date(2026, 2, 1), 0.7, False], [date(2026, 3, 1), 0.55, True],
    ]
    assert set(view.adherence["recorded_by"]) == {"Sup.A"}
    assert view.flagged_months == 1 and view.latest == (date(2026, 3, 1), 0.55, True)
    # Week 1 starts on 14 Jan; week 3 on 28 Jan; week 4 on 4 Feb; week 7 on 25 Feb.
    assert view.overall[["week", "date", "month", "value"]].values.tolist() == [
        [1, date(2026, 1, 14), date(2026, 1, 1), 3], [3, date(2026, 1, 28), date(2026, 1, 1), 4],
        [4, date(2026, 2, 4), date(2026, 2, 1), 5], [7, date(2026, 2, 25), date(2026, 2, 1), 6],
    ]
    principles = view.principles.set_index("number")
    assert principles.loc[1, "interventions"] == "Safety plan" and principles.loc[2, "count"] == 2
    assert principles.loc[2, "interventions"] == "Safety plan; Special time"
    assert principles.loc[4, "interventions"] == "School plan" and principles.loc[9, "count"] == 1  # planned counts
    assert principles.loc[3, "count"] == 0 and principles.loc[3, "stopped"] == "Football club"  # stopped does not
    assert view.uncovered == [(3, "Increasing responsibility"), (5, "Targeting sequences"), (6, "Developmentally appropriate"),
                              (8, "Evaluation and accountability")]


def test_the_therapist_reads_but_cannot_rate_and_others_are_refused(engine, world):
    people, case_id, _ = world
    view = view_of(engine, people["therapist"], case_id)
    assert view.can_rate is False and view.adherence.empty and len(view.uncovered) == 4
    for who in ("colleague", "other_supervisor", "admin", "family"):
        with pytest.raises(AccessDenied):
            view_of(engine, people[who], case_id)
    with unit_of_work(engine) as session:
        seen = session.exec(select(AuditEvent.actor).where(AuditEvent.object_type == "fidelity", AuditEvent.outcome == "ok")).all()
    assert seen == ["ther.a"]


def test_a_colleague_saving_the_same_month_at_the_same_moment_is_replaced_not_an_error(engine, world):
    """The race the unique (case, month) constraint catches: the month looked empty, then the insert collides."""
    people, case_id, _ = world
    record(engine, people["supervisor"], case_id, date(2026, 3, 1), 0.7)  # the colleague's save, just committed

    class LooksEmpty:
        def first(self):
            return None

    with unit_of_work(engine) as session:
        real_exec, calls = session.exec, []

        def exec_(statement, *args, **kwargs):
            calls.append(statement)
            if len(calls) == 1 and "adherence_score" in str(statement):  # the "is there a score already?" look-up
                return LooksEmpty()
            return real_exec(statement, *args, **kwargs)

        session.exec = exec_
        saved = record_adherence(session, people["supervisor"], case_id, date(2026, 3, 9), 0.9, today=TODAY)
    assert (saved.created, saved.score) == (False, 0.9)
    assert [(m, s) for m, s, _ in stored(engine, case_id)] == [(date(2026, 3, 1), 0.9)]


def test_scores_are_kept_to_two_decimals_so_what_is_shown_is_what_is_flagged(engine, world):
    people, case_id, _ = world
    kept = record(engine, people["supervisor"], case_id, date(2026, 2, 1), 0.6149)
    assert (kept.score, kept.flagged) == (0.61, False)
    low = record(engine, people["supervisor"], case_id, date(2026, 3, 1), 0.6049)
    assert (low.score, low.flagged) == (0.6, True)


SCORES = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True), st.floats(-0.2, 1.2), st.integers(-3, 3), st.none(), st.booleans(),
    st.text(max_size=5),
)
MONTHS = st.one_of(st.dates(date(2025, 6, 1), date(2026, 8, 31)), st.none(), st.just("2026-03"))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(month=MONTHS, score=SCORES)
@example(month=date(2026, 4, 30), score=0.0).via("this month, the lowest score")
@example(month=date(2026, 1, 1), score=1).via("the month the case started, an int")
def test_record_adherence_saves_exactly_or_refuses(engine, world, month, score):
    """Any month and score: saved as given (the month's first day, the score to two decimals) or refused
    with a message, changing nothing."""
    people, case_id, _ = world
    before = stored(engine, case_id)
    try:
        saved = record(engine, people["supervisor"], case_id, month, score)
    except InvalidInput as refused:
        assert refused.errors and set(refused.errors) <= {"month", "score"}
        assert stored(engine, case_id) == before
        return
    assert isinstance(score, (int, float)) and not isinstance(score, bool) and 0 <= score <= 1
    assert isinstance(month, date) and START.replace(day=1) <= month_start(month) <= TODAY.replace(day=1)
    after = {m: s for m, s, _ in stored(engine, case_id)}
    assert after[month_start(month)] == saved.score == round(score, 2)
    assert saved.flagged is (saved.score < ADHERENCE_THRESHOLD)
    assert len(after) == len({m for m, _, _ in before} | {month_start(month)})
