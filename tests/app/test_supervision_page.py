"""The Supervision page through AppTest: the supervisor comments, signs off and reassigns; the
therapist marks comments addressed; colleagues, other teams, families and admins are refused."""

import pytest
from sqlmodel import select
from streamlit.testing.v1 import AppTest

from planner.db import unit_of_work
from planner.models import Case, CaseAssignment, Comment, User, WeeklyReview
from tests.helpers import open_case_page, signed_in
from views.shared import md

PAGE = "views/supervision.py"
REFUSAL = "You do not have access to this case, or it does not exist."
OPEN_COMMENT = "Good progress. Before closure, hear Tyler's view directly"


def texts(at: AppTest) -> str:
    kinds = ("title", "subheader", "caption", "markdown", "info", "error", "warning", "success")
    return "\n".join(str(e.value) for kind in kinds for e in getattr(at, kind))


def click(at: AppTest, *, label: str | None = None, key: str | None = None) -> AppTest:
    button = at.button(key=key) if key else next(b for b in at.button if b.label == label)
    button.click()
    at.run()
    assert not at.exception, at.exception
    return at


def test_supervisor_pins_a_comment_to_a_driver(leon):
    engine, case_id = leon
    at = open_case_page("supervisor", PAGE, case_id)
    assert at.title[0].value == "Supervision: Leon"
    assert md("Driver: Dad minimises what happened") in texts(at)  # the demo's addressed comment
    at.radio(key="comment_kind").set_value("driver").run()
    items = at.selectbox(key="comment_item_driver")
    items.select_index(items.options.index("Driver: Dad minimises what happened")).run()
    at.text_area(key="comment_body_0").input("Has Dad's view shifted since the *family* meeting?").run()
    click(at, label="Add comment")
    with unit_of_work(engine) as session:
        row = session.exec(select(Comment).where(Comment.case_id == case_id).order_by(Comment.id.desc())).first()
    assert (row.subject, row.body, row.status) == ("driver", "Has Dad's view shifted since the *family* meeting?", "open")
    shown = texts(at)
    assert md("Has Dad's view shifted since the *family* meeting?") in shown
    assert "Open comments (3)" in shown


def test_an_empty_comment_is_refused_kindly(leon):
    engine, case_id = leon
    at = open_case_page("supervisor", PAGE, case_id)
    click(at, label="Add comment")
    assert any(md("Write the comment before saving it.") in e.value for e in at.error)
    with unit_of_work(engine) as session:
        assert len(session.exec(select(Comment.id).where(Comment.case_id == case_id, Comment.status == "open")).all()) == 2


def test_supervisor_reads_and_signs_off_the_waiting_review(leon):
    engine, case_id = leon
    with unit_of_work(engine) as session:
        review = session.exec(
            select(WeeklyReview).where(WeeklyReview.case_id == case_id, WeeklyReview.signed_off_at.is_(None),
                                       WeeklyReview.status == "submitted")
        ).one()
    at = open_case_page("supervisor", PAGE, case_id)
    assert at.expander[0].label.startswith("Week 23")
    assert review.advances and md(review.advances) in texts(at)
    assert any(m.value.startswith("**Fit update:**") for m in at.markdown)
    click(at, key=f"sign_off_{review.id}")
    with unit_of_work(engine) as session:
        stored = session.get(WeeklyReview, review.id)
        supervisor = session.exec(select(User).where(User.username == "supervisor")).one()
    assert stored.signed_off_by == supervisor.id and stored.signed_off_at is not None
    assert "Every submitted weekly review of this case has been signed off." in texts(at)
    assert any(s.value.startswith(md("Week 23: Signed off by Ruth Mensah on ")) for s in at.success)


def test_opening_a_review_goes_to_that_week(leon):
    _, case_id = leon
    at = open_case_page("supervisor", PAGE, case_id)
    review_button = next(b for b in at.button if b.label == "Open in the weekly review page")
    review_button.click().run()
    assert not at.exception, at.exception
    assert at.title[0].value == "Weekly review: Leon"
    assert at.number_input(key=f"wr_week_{case_id}").value == 23


def test_supervisor_reassigns_with_confirmation_and_history(leon):
    engine, case_id = leon
    with unit_of_work(engine) as session:
        sam = session.exec(select(User.id).where(User.username == "therapist2")).one()
    at = open_case_page("supervisor", PAGE, case_id)
    at.selectbox(key="reassign_therapist").set_value(sam)
    at.text_area(key="reassign_reason").input("Priya starts parental leave")
    click(at, label="Reassign…")
    assert "Sam Okafor will hold Leon's case" in " ".join(m.value for m in at.markdown).replace("\\", "")
    with unit_of_work(engine) as session:
        assert session.get(Case, case_id).therapist_id != sam  # nothing before the confirmation
    click(at, key="reassign_confirm")
    with unit_of_work(engine) as session:
        assert session.get(Case, case_id).therapist_id == sam
        history = session.exec(select(CaseAssignment).where(CaseAssignment.case_id == case_id)).all()
    assert len(history) == 2 and history[-1].reason == "Priya starts parental leave"
    table = at.dataframe[-1].value
    assert list(table["therapist"]) == ["Priya Natarajan", "Sam Okafor"]
    assert list(table["until"])[-1] == "now"
    # The new therapist now opens the page; the old one is refused.
    assert open_case_page("therapist2", PAGE, case_id).title[0].value == "Supervision: Leon"
    assert [e.value for e in open_case_page("therapist", PAGE, case_id).error] == [REFUSAL]


def test_reassign_without_a_reason_is_refused_in_the_dialog(leon):
    engine, case_id = leon
    at = open_case_page("supervisor", PAGE, case_id)
    click(at, label="Reassign…")
    click(at, key="reassign_confirm")
    assert any("Say why the case is being reassigned" in e.value for e in at.error)
    with unit_of_work(engine) as session:
        assert session.exec(select(CaseAssignment).where(CaseAssignment.case_id == case_id)).all() == []


def test_therapist_sees_comments_and_marks_one_addressed(leon):
    engine, case_id = leon
    at = open_case_page("therapist", PAGE, case_id)
    assert at.title[0].value == "Supervision: Leon"
    assert md(OPEN_COMMENT) in texts(at)
    labels = [b.label for b in at.button]
    assert "Sign off" not in labels and "Add comment" not in labels and "Reassign…" not in labels
    assert "Waiting for the supervisor's sign-off." in texts(at)
    with unit_of_work(engine) as session:
        target = session.exec(select(Comment).where(Comment.case_id == case_id, Comment.body.startswith(OPEN_COMMENT))).one()
    click(at, key=f"address_{target.id}")
    with unit_of_work(engine) as session:
        stored = session.get(Comment, target.id)
        therapist = session.exec(select(User.id).where(User.username == "therapist")).one()
    assert (stored.status, stored.addressed_by) == ("addressed", therapist)
    assert "Open comments (1)" in texts(at)
    assert md("Addressed by Priya Natarajan on ") in texts(at)


def test_case_overview_points_to_open_comments(leon):
    _, case_id = leon
    at = open_case_page("therapist", "views/case_overview.py", case_id)
    assert "2 open supervisor comments on this case." in [i.value for i in at.info]


@pytest.mark.parametrize("username", ["therapist2", "supervisor2"])
def test_colleagues_and_other_teams_are_refused(leon, username):
    _, case_id = leon
    at = open_case_page(username, PAGE, case_id)
    assert [e.value for e in at.error] == [REFUSAL]
    assert md(OPEN_COMMENT) not in texts(at)
    assert not [b for b in at.button if b.label in ("Sign off", "Add comment", "Reassign…", "Mark addressed")]
    assert not any(t.value.startswith("Supervision") for t in at.title)


@pytest.mark.parametrize("username", ["family", "admin"])
def test_family_and_admin_never_see_the_page(leon, username):
    _, case_id = leon
    at = signed_in(username)
    at.query_params["case"] = str(case_id)
    with pytest.raises(ValueError):  # not in their menu at all: the address falls back to their home page
        at.switch_page(PAGE).run()
    at.run()
    assert not at.exception, at.exception
    assert not any(t.value.startswith("Supervision") for t in at.title)
    assert md(OPEN_COMMENT) not in texts(at) and OPEN_COMMENT not in texts(at)


def test_a_case_id_that_is_not_a_number_asks_for_a_case(leon):
    at = open_case_page("supervisor", PAGE, 1)
    at.query_params["case"] = "abc"
    at.run()
    assert not at.exception
    assert "Choose a case from your case list to see its supervision." in [i.value for i in at.info]


def test_weekly_review_page_shows_who_signed_a_review_off(leon):
    _, case_id = leon
    at = open_case_page("therapist", "views/weekly_review.py", case_id)
    at.number_input(key=f"wr_week_{case_id}").set_value(22).run()
    assert not at.exception, at.exception
    captions = [c.value for c in at.caption if c.value.startswith("Submitted")]
    assert captions and "Signed off by Ruth Mensah on " in captions[0]
    at.number_input(key=f"wr_week_{case_id}").set_value(23).run()
    assert not any("Signed off" in c.value for c in at.caption)
