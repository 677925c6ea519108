"""Supervision services on the demo caseload: comments, sign-off, reassignment, and who may do each."""

from dataclasses import replace

import pytest
from sqlmodel import select

from planner.access import AccessDenied
from planner.cases import case_overview, caseload
from planner.db import unit_of_work
from planner.errors import InvalidInput, StaleEdit
from planner.models import AuditEvent, Case, CaseAssignment, Comment, Driver, Goal, Intervention, User, WeeklyReview
from planner.supervision import (
    MAX_COMMENT,
    add_comment,
    assignment_history,
    case_comments,
    mark_addressed,
    open_comment_counts,
    reassign_case,
    reopen_comment,
    review_sign_offs,
    reviews_awaiting_sign_off,
    sign_off_review,
    supervision_page,
    team_therapists,
    week_sign_offs,
)
from tests.conftest import TODAY
from tests.helpers import case_id, person

pytestmark = pytest.mark.db

OUTSIDERS = ("therapist2", "supervisor2", "family", "admin")


def driver_id(engine, case: int, name: str) -> int:
    with unit_of_work(engine) as session:
        return session.exec(select(Driver.id).where(Driver.case_id == case, Driver.name == name)).one()


def user_id(engine, username: str) -> int:
    with unit_of_work(engine) as session:
        return session.exec(select(User.id).where(User.username == username)).one()


def comment(engine, comment_id: int) -> Comment:
    with unit_of_work(engine) as session:
        return session.get(Comment, comment_id)


def test_leon_comments_carry_labels_authors_and_status(demo_engine):
    leon = case_id(demo_engine, "Leon")
    with unit_of_work(demo_engine) as session:
        rows = case_comments(session, person(demo_engine, "therapist"), leon)
    labels = {r.label: r for r in rows}
    assert labels["Driver: Dad minimises what happened"].status == "addressed"
    assert labels["Weekly review, week 9"].status == "addressed"
    assert labels["Weekly review, week 23"].status == "open"
    assert any(label.startswith("Goal (overarching): ") for label in labels)
    assert {r.author for r in rows} == {"Ruth Mensah"}
    assert [r.created_at for r in rows] == sorted((r.created_at for r in rows), reverse=True)


def test_supervisor_pins_a_comment_to_a_driver_stored_exactly(demo_engine):
    leon = case_id(demo_engine, "Leon")
    supervisor = person(demo_engine, "supervisor")
    driver = driver_id(demo_engine, leon, "Dad minimises what happened")
    body = "  Check *this* <b>link</b> [x](http://example.invalid)\nwith Gary.  "
    with unit_of_work(demo_engine) as session:
        new_id = add_comment(session, supervisor, leon, "driver", driver, body)
    stored = comment(demo_engine, new_id)
    assert (stored.body, stored.status, stored.author_id, stored.subject_id) == (body, "open", supervisor.id, driver)
    with unit_of_work(demo_engine) as session:
        rows = case_comments(session, person(demo_engine, "therapist"), leon)
        entry = session.exec(
            select(AuditEvent).where(AuditEvent.object_type == "comment", AuditEvent.object_id == new_id)
        ).one()
    assert rows[0].id == new_id and rows[0].label == "Driver: Dad minimises what happened"
    assert (entry.action, entry.case_id) == ("create", leon)


@pytest.mark.parametrize(
    ("subject", "pick", "body", "field"),
    [
        ("driver", "other_case_driver", "A fair question", "subject"),
        ("goal", "missing", "A fair question", "subject"),
        ("review", "draft", "A fair question", "subject"),
        ("case", "driver", "A fair question", "subject"),
        ("banana", "none", "A fair question", "subject"),
        ("case", "none", "   \n ", "body"),
        ("case", "none", "x" * (MAX_COMMENT + 1), "body"),
        ("case", "none", "bad \x00 byte", "body"),
    ],
)
def test_add_comment_validation(demo_engine, subject, pick, body, field):
    leon = case_id(demo_engine, "Leon")
    with unit_of_work(demo_engine) as session:
        other = session.exec(select(Driver.id).where(Driver.case_id != leon)).first()
        drafts = select(WeeklyReview.id).where(WeeklyReview.status == "draft", WeeklyReview.case_id == leon)
        draft = session.exec(drafts).first()
        if draft is None:
            draft = WeeklyReview(case_id=leon, week=24, status="draft")
            session.add(draft)
            session.flush()
            draft = draft.id
        before = len(session.exec(select(Comment.id)).all())
    ids = {"other_case_driver": other, "missing": 10**9, "draft": draft, "none": None,
           "driver": driver_id(demo_engine, leon, "Dad minimises what happened")}
    with pytest.raises(InvalidInput) as error, unit_of_work(demo_engine) as session:
        add_comment(session, person(demo_engine, "supervisor"), leon, subject, ids[pick], body)
    assert field in error.value.errors
    with unit_of_work(demo_engine) as session:
        assert len(session.exec(select(Comment.id)).all()) == before


def test_every_kind_of_item_can_carry_a_comment(demo_engine):
    leon = case_id(demo_engine, "Leon")
    supervisor = person(demo_engine, "supervisor")
    with unit_of_work(demo_engine) as session:
        goal = session.exec(select(Goal).where(Goal.case_id == leon, Goal.level == "intermediary")).first()
        intervention = session.exec(select(Intervention).where(Intervention.case_id == leon)).first()
        review = session.exec(select(WeeklyReview).where(WeeklyReview.case_id == leon, WeeklyReview.week == 12)).one()
        targets = [("case", None), ("goal", goal.id), ("intervention", intervention.id), ("review", review.id)]
        for subject, subject_id in targets:
            add_comment(session, supervisor, leon, subject, subject_id, f"About the {subject}")
    with unit_of_work(demo_engine) as session:
        labels = {r.body: r.label for r in case_comments(session, supervisor, leon)}
    assert labels["About the case"] == "The case as a whole"
    assert labels["About the goal"].startswith(f"Goal (week {goal.week}): ")
    assert labels["About the intervention"] == f"Intervention: {intervention.name}"
    assert labels["About the review"] == "Weekly review, week 12"


@pytest.mark.parametrize("username", ["therapist", *OUTSIDERS])
def test_only_the_teams_supervisor_may_comment(demo_engine, username):
    leon = case_id(demo_engine, "Leon")
    with pytest.raises(AccessDenied), unit_of_work(demo_engine) as session:
        add_comment(session, person(demo_engine, username), leon, "case", None, "Nope")
    with unit_of_work(demo_engine) as session:
        denied = session.exec(select(AuditEvent).where(AuditEvent.outcome == "denied", AuditEvent.action == "comment")).all()
    assert denied


@pytest.mark.parametrize("username", OUTSIDERS)
def test_outsiders_cannot_read_supervision(demo_engine, username):
    leon = case_id(demo_engine, "Leon")
    who = person(demo_engine, username)
    for read in (case_comments, supervision_page, review_sign_offs, reviews_awaiting_sign_off, assignment_history):
        with pytest.raises(AccessDenied), unit_of_work(demo_engine) as session:
            read(session, who, leon)


def test_therapist_marks_addressed_once_and_stale_versions_are_refused(demo_engine):
    leon = case_id(demo_engine, "Leon")
    supervisor, therapist = person(demo_engine, "supervisor"), person(demo_engine, "therapist")
    with unit_of_work(demo_engine) as session:
        new_id = add_comment(session, supervisor, leon, "case", None, "Bring the safety plan on Thursday")
    for other in ("supervisor", *OUTSIDERS):
        with pytest.raises(AccessDenied), unit_of_work(demo_engine) as session:
            mark_addressed(session, person(demo_engine, other), new_id, 1)
    with pytest.raises(StaleEdit), unit_of_work(demo_engine) as session:
        mark_addressed(session, therapist, new_id, 7)
    assert comment(demo_engine, new_id).status == "open"
    with unit_of_work(demo_engine) as session:
        mark_addressed(session, therapist, new_id, 1)
    stored = comment(demo_engine, new_id)
    assert (stored.status, stored.addressed_by, stored.version) == ("addressed", therapist.id, 2)
    assert stored.addressed_at is not None
    with pytest.raises(StaleEdit), unit_of_work(demo_engine) as session:
        mark_addressed(session, therapist, new_id, 2)  # already addressed
    with pytest.raises(AccessDenied), unit_of_work(demo_engine) as session:
        reopen_comment(session, therapist, new_id, 2)
    with unit_of_work(demo_engine) as session:
        reopen_comment(session, supervisor, new_id, 2)
    stored = comment(demo_engine, new_id)
    assert (stored.status, stored.addressed_by, stored.addressed_at) == ("open", None, None)
    with pytest.raises(AccessDenied), unit_of_work(demo_engine) as session:
        mark_addressed(session, therapist, 10**9, 1)  # missing: refused like a hidden one


def test_open_comment_counts_match_the_caseload_and_overview(demo_engine):
    therapist, supervisor = person(demo_engine, "therapist"), person(demo_engine, "supervisor")
    leon = case_id(demo_engine, "Leon")
    with unit_of_work(demo_engine) as session:
        all_cases = session.exec(select(Case.id)).all()
        open_ids = select(Comment.case_id).where(Comment.status == "open")
        open_rows = session.exec(open_ids).all()
        expected = {c: open_rows.count(c) for c in all_cases}
        mine = caseload(session, therapist, today=TODAY, include_closed=True)
        team = caseload(session, supervisor, today=TODAY, include_closed=True)
        counts = open_comment_counts(session, therapist, all_cases)
        team_counts = open_comment_counts(session, supervisor, all_cases)
        overview = case_overview(session, therapist, leon, today=TODAY)
    assert dict(zip(mine["case_id"], mine["open_comments"])) == {c: expected[c] for c in mine["case_id"]}
    assert dict(zip(team["case_id"], team["open_comments"])) == {c: expected[c] for c in team["case_id"]}
    assert counts == {c: expected[c] for c in mine["case_id"]}  # other therapists' cases left out
    assert team_counts == {c: expected[c] for c in team["case_id"]}
    assert overview.open_comments == expected[leon] == 2
    assert sum(expected[c] for c in team["case_id"]) > 2
    with pytest.raises(AccessDenied), unit_of_work(demo_engine) as session:
        open_comment_counts(session, person(demo_engine, "family"), all_cases)


def leon_reviews(engine, leon: int) -> dict[int, WeeklyReview]:
    with unit_of_work(engine) as session:
        submitted = select(WeeklyReview).where(WeeklyReview.case_id == leon, WeeklyReview.status == "submitted")
        rows = session.exec(submitted).all()
    return {r.week: r for r in rows}


def test_sign_off_only_submitted_unsigned_reviews(demo_engine):
    leon = case_id(demo_engine, "Leon")
    supervisor, therapist = person(demo_engine, "supervisor"), person(demo_engine, "therapist")
    with unit_of_work(demo_engine) as session:
        waiting = reviews_awaiting_sign_off(session, therapist, leon)
    assert [r.week for r in waiting] == [23]  # the demo signs off all but the latest
    assert waiting[0].advances and waiting[0].submitted_by == "Priya Natarajan"
    review = waiting[0]
    for other in ("therapist", *OUTSIDERS):
        with pytest.raises(AccessDenied), unit_of_work(demo_engine) as session:
            sign_off_review(session, person(demo_engine, other), review.id, review.version)
    with pytest.raises(StaleEdit), unit_of_work(demo_engine) as session:
        sign_off_review(session, supervisor, review.id, review.version + 5)
    with unit_of_work(demo_engine) as session:
        sign_off_review(session, supervisor, review.id, review.version)
    stored = leon_reviews(demo_engine, leon)[23]
    assert stored.signed_off_by == supervisor.id and stored.signed_off_at is not None
    with unit_of_work(demo_engine) as session:
        assert reviews_awaiting_sign_off(session, supervisor, leon) == []
        rows = review_sign_offs(session, therapist, leon)
    assert rows[0].week == 23 and rows[0].signed_off_by == "Ruth Mensah"
    with pytest.raises(StaleEdit), unit_of_work(demo_engine) as session:
        sign_off_review(session, supervisor, review.id, stored.version)  # already signed
    with unit_of_work(demo_engine) as session:
        draft = WeeklyReview(case_id=leon, week=24, status="draft")
        session.add(draft)
        session.flush()
        draft_id = draft.id
    with pytest.raises(InvalidInput), unit_of_work(demo_engine) as session:
        sign_off_review(session, supervisor, draft_id, 1)
    with pytest.raises(AccessDenied), unit_of_work(demo_engine) as session:
        sign_off_review(session, supervisor, 10**9, 1)


def test_an_amended_review_waits_no_more_its_amendment_does(demo_engine):
    leon = case_id(demo_engine, "Leon")
    supervisor = person(demo_engine, "supervisor")
    original = leon_reviews(demo_engine, leon)[23]
    with unit_of_work(demo_engine) as session:
        amendment = WeeklyReview(case_id=leon, week=23, status="submitted", amends_review_id=original.id, advances="More")
        session.add(amendment)
        session.flush()
        amendment_id = amendment.id
    with unit_of_work(demo_engine) as session:
        waiting = reviews_awaiting_sign_off(session, supervisor, leon)
    assert [(r.id, r.is_amendment) for r in waiting] == [(amendment_id, True)]
    with pytest.raises(StaleEdit), unit_of_work(demo_engine) as session:
        sign_off_review(session, supervisor, original.id, original.version)
    with unit_of_work(demo_engine) as session:
        sign_off_review(session, supervisor, amendment_id, 1)


def test_two_reassignments_keep_three_history_rows_and_move_access(demo_engine):
    leon = case_id(demo_engine, "Leon")
    supervisor = person(demo_engine, "supervisor")
    therapist, sam = person(demo_engine, "therapist"), person(demo_engine, "therapist2")
    anna = person(demo_engine, "a.kowalski")
    with unit_of_work(demo_engine) as session:
        choices = team_therapists(session, supervisor, leon)
        history = assignment_history(session, therapist, leon)
    assert [t.name for t in choices] == ["Anna Kowalski", "Sam Okafor"]
    assert [(h.therapist, h.until, h.assigned_by) for h in history] == [("Priya Natarajan", None, None)]

    with unit_of_work(demo_engine) as session:
        reassign_case(session, supervisor, leon, sam.id, "Priya is on leave for three months", 1)
    with pytest.raises(AccessDenied), unit_of_work(demo_engine) as session:
        case_comments(session, therapist, leon)
    with unit_of_work(demo_engine) as session:
        assert case_comments(session, sam, leon)
        assert [t.name for t in team_therapists(session, supervisor, leon)] == ["Anna Kowalski", "Priya Natarajan"]
    with pytest.raises(StaleEdit), unit_of_work(demo_engine) as session:
        reassign_case(session, supervisor, leon, anna.id, "Balancing caseloads", 1)
    with unit_of_work(demo_engine) as session:
        reassign_case(session, supervisor, leon, anna.id, "Balancing caseloads", 2)
    with pytest.raises(AccessDenied), unit_of_work(demo_engine) as session:
        case_comments(session, sam, leon)
    with unit_of_work(demo_engine) as session:
        history = assignment_history(session, anna, leon)
        rows = session.exec(select(CaseAssignment).where(CaseAssignment.case_id == leon)).all()
        case = session.get(Case, leon)
        entries = session.exec(select(AuditEvent).where(AuditEvent.action == "reassign", AuditEvent.case_id == leon)).all()
    assert len(rows) == 3 and case.therapist_id == anna.id and case.version == 3
    assert [h.therapist for h in history] == ["Priya Natarajan", "Sam Okafor", "Anna Kowalski"]
    assert [h.reason for h in history] == ["", "Priya is on leave for three months", "Balancing caseloads"]
    assert [h.assigned_by for h in history] == [None, "Ruth Mensah", "Ruth Mensah"]
    assert history[0].since.date() == case.start_date
    assert history[0].until == history[1].since and history[1].until == history[2].since and history[2].until is None
    assert len(entries) == 2


@pytest.mark.parametrize(
    ("target", "reason", "field"),
    [
        ("therapist", "Leave", "therapist"),  # already holds it
        ("m.osei", "Leave", "therapist"),  # another team
        ("supervisor", "Leave", "therapist"),  # not a therapist
        ("therapist2", "   ", "reason"),
        ("therapist2", "x" * 501, "reason"),
    ],
)
def test_reassign_validation(demo_engine, target, reason, field):
    leon = case_id(demo_engine, "Leon")
    with pytest.raises(InvalidInput) as error, unit_of_work(demo_engine) as session:
        reassign_case(session, person(demo_engine, "supervisor"), leon, user_id(demo_engine, target), reason, 1)
    assert field in error.value.errors
    holder = user_id(demo_engine, "therapist")
    with unit_of_work(demo_engine) as session:
        assert session.exec(select(CaseAssignment).where(CaseAssignment.case_id == leon)).all() == []
        assert session.get(Case, leon).therapist_id == holder


def test_reassign_refuses_inactive_therapists_and_outsiders(demo_engine):
    leon = case_id(demo_engine, "Leon")
    anna = user_id(demo_engine, "a.kowalski")
    with unit_of_work(demo_engine) as session:
        session.get(User, anna).active = False
    with pytest.raises(InvalidInput), unit_of_work(demo_engine) as session:
        reassign_case(session, person(demo_engine, "supervisor"), leon, anna, "Leave", 1)
    with unit_of_work(demo_engine) as session:
        assert [t.name for t in team_therapists(session, person(demo_engine, "supervisor"), leon)] == ["Sam Okafor"]
    for who in ("therapist", *OUTSIDERS):
        with pytest.raises(AccessDenied), unit_of_work(demo_engine) as session:
            reassign_case(session, person(demo_engine, who), leon, user_id(demo_engine, "therapist2"), "Leave", 1)
        with pytest.raises(AccessDenied), unit_of_work(demo_engine) as session:
            team_therapists(session, person(demo_engine, who), leon)


def test_page_data_says_what_each_role_may_do(demo_engine):
    leon = case_id(demo_engine, "Leon")
    supervisor, therapist = person(demo_engine, "supervisor"), person(demo_engine, "therapist")
    with unit_of_work(demo_engine) as session:
        sup = supervision_page(session, supervisor, leon)
        mine = supervision_page(session, therapist, leon)
    assert (sup.can_comment, sup.can_sign_off, sup.can_reassign, sup.can_address) == (True, True, True, False)
    assert (mine.can_comment, mine.can_sign_off, mine.can_reassign, mine.can_address) == (False, False, False, True)
    assert mine.therapists == [] and [t.name for t in sup.therapists] == ["Anna Kowalski", "Sam Okafor"]
    assert sup.open_comments == 2 and [r.week for r in sup.awaiting] == [23] and len(sup.signed_off) == 22
    kinds = {s.subject for s in sup.subjects}
    assert kinds == {"case", "driver", "goal", "intervention", "review"}
    assert replace(sup, comments=[]).open_comments == 0


def test_audit_entries_hold_no_clinical_text(demo_engine):
    leon = case_id(demo_engine, "Leon")
    secret = "Secret-ish clinical note about Gary"
    supervisor, sam = person(demo_engine, "supervisor"), user_id(demo_engine, "therapist2")
    with unit_of_work(demo_engine) as session:
        add_comment(session, supervisor, leon, "case", None, secret)
        reassign_case(session, supervisor, leon, sam, secret, 1)
    with unit_of_work(demo_engine) as session:
        for entry in session.exec(select(AuditEvent)).all():
            assert "Gary" not in " ".join(str(v) for v in entry.model_dump().values())


def test_week_sign_offs_name_the_supervisor_for_readers_of_the_case(demo_engine):
    leon = case_id(demo_engine, "Leon")
    reviews = leon_reviews(demo_engine, leon)
    therapist, supervisor = person(demo_engine, "therapist"), person(demo_engine, "supervisor")
    with unit_of_work(demo_engine) as session:
        signed = week_sign_offs(session, therapist, leon, 22)
        waiting = week_sign_offs(session, supervisor, leon, 23)
    assert list(signed) == [reviews[22].id] and signed[reviews[22].id][0] == "Ruth Mensah"
    assert waiting == {}
    for username in OUTSIDERS:
        with pytest.raises(AccessDenied), unit_of_work(demo_engine) as session:
            week_sign_offs(session, person(demo_engine, username), leon, 22)
