"""The weekly review page through AppTest: drafting and coming back, submitting, validation,
amendments, the supervisor's read-only view and the colleague's refusal."""

import pytest
from sqlmodel import select
from streamlit.testing.v1 import AppTest

from planner.accounts import principal_for
from planner.db import make_engine, unit_of_work
from planner.models import Case, Driver, Goal, Rating, User, WeeklyReview
from planner.weekly_review import NewGoal, ReviewContent, save_draft, submit_review
from tests.conftest import TODAY
from tests.helpers import open_case_page, signed_in

PAGE = "views/weekly_review.py"
WEEK = 24  # Leon's current week: no submitted review yet


@pytest.fixture
def leon(demo_sqlite_url, monkeypatch):
    monkeypatch.setenv("PLANNER_DATABASE_URL", demo_sqlite_url)
    engine = make_engine(demo_sqlite_url)
    with unit_of_work(engine) as session:
        case_id = session.exec(select(Case.id).where(Case.alias == "Leon")).one()
        goals = session.exec(select(Goal.id).where(Goal.case_id == case_id, Goal.week == WEEK).order_by(Goal.id)).all()
        prioritised = session.exec(
            select(Driver.id).where(Driver.case_id == case_id, Driver.prioritised.is_(True), Driver.kind == "need")
        ).all()
    yield engine, case_id, list(goals), list(prioritised)
    engine.dispose()


def open_page(username: str, case_id: int) -> AppTest:
    return open_case_page(username, PAGE, case_id)


def key(case_id: int, name: str) -> str:
    return f"wr{case_id}w{WEEK}n_{name}"


def click(at: AppTest, label: str) -> AppTest:
    next(b for b in at.button if b.label == label).click()
    at.run()
    assert not at.exception, at.exception
    return at


def fill_in(at: AppTest, case_id: int, goals: list[int], prioritised: list[int], *, advances: str = "Gary ran the family meeting himself.") -> None:
    for goal_id in goals:
        at.radio(key=key(case_id, f"mark_{goal_id}")).set_value("met")
    at.text_area(key=key(case_id, "advances")).input(advances)
    at.text_area(key=key(case_id, "barriers_family")).input("None")
    for driver_id in prioritised:
        at.number_input(key=key(case_id, f"rating_{driver_id}")).set_value(2)
    at.number_input(key=key(case_id, "overall")).set_value(8)
    at.run()
    click(at, "Add a goal for next week")
    at.text_input(key=key(case_id, "ng0_text")).input("Gary leads the family meeting without prompts")
    at.text_input(key=key(case_id, "ng0_owner")).input("Gary")
    at.multiselect(key=key(case_id, "ng0_drivers")).set_value([prioritised[0]])
    at.run()
    assert not at.exception, at.exception


def submit(at: AppTest) -> AppTest:
    click(at, "Submit review…")
    at.button(key="wr_confirm_submit").click().run()
    assert not at.exception, at.exception
    return at


def reviews(engine, case_id: int) -> list[WeeklyReview]:
    with unit_of_work(engine) as session:
        return list(session.exec(select(WeeklyReview).where(WeeklyReview.case_id == case_id, WeeklyReview.week == WEEK).order_by(WeeklyReview.id)).all())


def week_ratings(engine, case_id: int) -> dict:
    with unit_of_work(engine) as session:
        return {(r.subject, r.subject_id): r.value for r in session.exec(select(Rating).where(Rating.case_id == case_id, Rating.week == WEEK)).all()}


def errors(at: AppTest) -> list[str]:
    return [e.value for e in at.error]


def test_the_page_opens_on_the_current_week_with_its_goals(leon):
    _, case_id, goals, prioritised = leon
    at = open_page("therapist", case_id)
    assert at.title[0].value == "Weekly review: Leon"
    assert at.number_input(key=f"wr_week_{case_id}").value == WEEK
    assert len(at.radio) == len(goals) >= 3
    assert {m.label: m.value for m in at.metric}["Review"] == "Not started"
    assert reviews(leon[0], case_id) == []  # looking creates nothing


def test_a_draft_is_kept_and_restored_when_the_therapist_comes_back(leon):
    engine, case_id, goals, prioritised = leon
    at = open_page("therapist", case_id)
    at.radio(key=key(case_id, f"mark_{goals[0]}")).set_value("not_met").run()
    at.checkbox(key=key(case_id, f"carry_{goals[0]}")).check()
    at.text_area(key=key(case_id, "advances")).input("Leon went to football twice.")
    at.number_input(key=key(case_id, f"rating_{prioritised[0]}")).set_value(3)
    at.run()
    click(at, "Add a goal for next week")
    at.text_input(key=key(case_id, "ng0_text")).input("Leon asks a classmate to the park")
    at.run()
    assert any(c.value.startswith("Draft saved") for c in at.caption)
    [draft] = reviews(engine, case_id)
    assert (draft.status, draft.advances) == ("draft", "Leon went to football twice.")

    # Away to another page and back: everything typed is there.
    at.switch_page("views/case_overview.py").run()
    at.switch_page(PAGE).run()
    assert at.text_area(key=key(case_id, "advances")).value == "Leon went to football twice."
    assert at.radio(key=key(case_id, f"mark_{goals[0]}")).value == "not_met"
    assert at.checkbox(key=key(case_id, f"carry_{goals[0]}")).value is True
    assert at.number_input(key=key(case_id, f"rating_{prioritised[0]}")).value == 3
    assert at.text_input(key=key(case_id, "ng0_text")).value == "Leon asks a classmate to the park"

    # A new session (signed in again another day) finds the same draft.
    again = open_page("therapist", case_id)
    assert again.text_area(key=key(case_id, "advances")).value == "Leon went to football twice."
    assert again.checkbox(key=key(case_id, f"carry_{goals[0]}")).value is True
    assert again.text_input(key=key(case_id, "ng0_text")).value == "Leon asks a classmate to the park"
    assert {m.label: m.value for m in again.metric}["Review"] == "Draft"
    assert len(reviews(engine, case_id)) == 1


def test_submitting_writes_the_week_and_the_review_becomes_read_only(leon):
    engine, case_id, goals, prioritised = leon
    at = open_page("therapist", case_id)
    fill_in(at, case_id, goals, prioritised)
    submit(at)
    assert [t.value for t in at.toast] == [f"Week {WEEK} review submitted."]
    [review] = reviews(engine, case_id)
    assert (review.status, review.advances, review.barriers_family) == ("submitted", "Gary ran the family meeting himself.", "None")
    assert review.submitted_at is not None
    ratings = week_ratings(engine, case_id)
    assert ratings[("overall", None)] == 8
    assert all(ratings[("driver", d)] == 2 for d in prioritised)
    with unit_of_work(engine) as session:
        assert {session.get(Goal, g).status for g in goals} == {"met"}
        new = session.exec(select(Goal).where(Goal.case_id == case_id, Goal.week == WEEK + 1)).one()
        assert (new.text, new.owner) == ("Gary leads the family meeting without prompts", "Gary")
        assert session.get(Driver, prioritised[0]).rating == 2
    # Read-only now: no form, an amendment is offered instead.
    assert not at.text_area and not at.radio
    assert any(b.label == "Amend this review" for b in at.button)
    assert {m.label: m.value for m in at.metric}["Review"] == "Submitted"


def test_bad_input_is_refused_beside_its_field_and_nothing_is_written(leon):
    engine, case_id, goals, prioritised = leon
    at = open_page("therapist", case_id)
    at.text_area(key=key(case_id, "fit_update")).input("Warmth easing.")
    at.number_input(key=key(case_id, f"rating_{prioritised[0]}")).set_value(11)
    at.run()
    assert "**Rating:** Please give a rating from 0 to 10 in whole numbers\\." in errors(at)
    [draft] = reviews(engine, case_id)
    assert draft.fit_update == "Warmth easing."  # the rest of what was typed is kept

    at.number_input(key=key(case_id, f"rating_{prioritised[0]}")).set_value(4).run()
    submit(at)
    shown = errors(at)
    assert shown[0].startswith("The review was not submitted")
    assert any(e.startswith("**Advances:** Please fill in the advances") for e in shown)
    assert any(e.startswith("**Overall safety scale:** Please give the overall safety scale") for e in shown)
    assert sum(e.startswith("**Mark:**") for e in shown) == len(goals)
    # Nothing half-saved: still a draft, no ratings for the week, goals unmarked; the draft intact.
    [draft] = reviews(engine, case_id)
    assert draft.status == "draft" and draft.fit_update == "Warmth easing."
    assert week_ratings(engine, case_id) == {}
    with unit_of_work(engine) as session:
        assert {session.get(Goal, g).status for g in goals} == {"open"}
    assert at.text_area(key=key(case_id, "fit_update")).value == "Warmth easing."
    assert at.number_input(key=key(case_id, f"rating_{prioritised[0]}")).value == 4


def test_a_week_outside_the_plan_is_refused(leon):
    _, case_id, _, _ = leon
    at = open_page("therapist", case_id)
    at.number_input(key=f"wr_week_{case_id}").set_value(34).run()
    assert errors(at) == ["**Week:** Week 34 is outside this plan \\(weeks 1 to 30\\)\\."]
    assert not at.text_area and not at.radio
    at.number_input(key=f"wr_week_{case_id}").set_value(26).run()
    assert errors(at) == ["**Week:** Week 26 has not started yet\\: this is week 24 of the plan\\."]
    at.number_input(key=f"wr_week_{case_id}").set_value(9).run()
    assert not errors(at)
    assert any(b.label == "Amend this review" for b in at.button)  # week 9 was submitted long ago


def submit_by_service(engine, case_id, goals, prioritised, *, overall=7) -> int:
    with unit_of_work(engine) as session:
        therapist = principal_for(session, session.exec(select(User).where(User.username == "therapist")).one())
        content = ReviewContent(
            advances="Tyler told Jade he feels safe.",
            marks={g: "met" for g in goals},
            ratings={d: 3 for d in prioritised},
            overall=overall,
            new_goals=(NewGoal("Family meeting on Sunday", "Gary", (prioritised[0],)),),
        )
        draft = save_draft(session, therapist, case_id, WEEK, content, today=TODAY)
        submit_review(session, therapist, case_id, draft.review_id, content, version=draft.version, today=TODAY)
        return draft.review_id


def test_an_amendment_keeps_the_original(leon):
    engine, case_id, goals, prioritised = leon
    original_id = submit_by_service(engine, case_id, goals, prioritised)
    at = open_page("therapist", case_id)
    click(at, "Amend this review")
    amend = f"wr{case_id}w{WEEK}a{original_id}_"
    assert at.text_area(key=amend + "advances").value == "Tyler told Jade he feels safe."
    assert at.number_input(key=amend + "overall").value == 7
    at.number_input(key=amend + "overall").set_value(6)
    at.radio(key=amend + f"mark_{goals[1]}").set_value("partly_met")
    at.run()
    submit(at)
    assert not errors(at)
    original, amendment = reviews(engine, case_id)
    assert (original.id, original.status, original.advances) == (original_id, "submitted", "Tyler told Jade he feels safe.")
    assert (amendment.status, amendment.amends_review_id) == ("submitted", original_id)
    assert week_ratings(engine, case_id)[("overall", None)] == 6
    with unit_of_work(engine) as session:
        assert session.get(Goal, goals[1]).status == "partly_met"
    # The original is still viewable, labelled amended, with what it said.
    expander = next(e for e in at.expander if e.label.startswith("Earlier versions (1"))
    assert any("amended" in m.value for m in expander.markdown)
    frame = next(df.value for df in expander.dataframe if "rated" in df.value.columns)
    assert frame.set_index("rated").loc["Overall safety scale", "this week"] == 7


def test_supervisor_reads_the_review_only(leon):
    engine, case_id, goals, prioritised = leon
    at = open_page("supervisor", case_id)
    assert at.title[0].value == "Weekly review: Leon"
    assert any(i.value.startswith(f"No review has been submitted for week {WEEK} yet") for i in at.info)
    submit_by_service(engine, case_id, goals, prioritised)
    at = open_page("supervisor", case_id)
    assert not at.text_area and not at.radio and not any(b.label == "Amend this review" for b in at.button)
    assert any("Read-only" in c.value for c in at.caption)
    assert any("Tyler told Jade he feels safe" in m.value for m in at.markdown)
    assert [s.value for s in at.subheader][:1] == ["1. Referral behaviours"]  # the case summary tab
    assert len(reviews(engine, case_id)) == 1


def test_colleague_is_refused(leon):
    _, case_id, _, _ = leon
    at = open_page("therapist2", case_id)
    assert errors(at) == ["You do not have access to this case, or it does not exist."]
    assert not at.text_area and not at.dataframe and not at.title


@pytest.mark.parametrize(("case_param", "shown"), [("99999", "error"), ("LEON", "info"), ("1 OR 1=1", "info")])
def test_a_tampered_case_parameter_is_handled_kindly(leon, case_param, shown):
    at = signed_in("therapist")
    at.query_params["case"] = case_param
    at.switch_page(PAGE).run()
    assert not at.exception
    if shown == "error":
        assert errors(at) == ["You do not have access to this case, or it does not exist."]
    else:
        assert [i.value for i in at.info] == ["Choose a case from your case list to see its weekly review."]
    assert not at.text_area and not at.radio


def test_a_draft_saved_in_another_window_is_shown_not_overwritten(leon):
    engine, case_id, goals, prioritised = leon
    at = open_page("therapist", case_id)
    at.text_area(key=key(case_id, "advances")).input("Typed in the first window.").run()
    [draft] = reviews(engine, case_id)
    with unit_of_work(engine) as session:
        therapist = principal_for(session, session.exec(select(User).where(User.username == "therapist")).one())
        save_draft(session, therapist, case_id, WEEK, ReviewContent(advances="Typed in the second window."),
                   review_id=draft.id, version=draft.version, today=TODAY)
    at.run()
    assert any(i.value.startswith("This draft was changed in another window") for i in at.info)
    assert at.text_area(key=key(case_id, "advances")).value == "Typed in the second window."
    at.text_area(key=key(case_id, "fit_update")).input("Carrying on here.").run()
    [draft] = reviews(engine, case_id)
    assert (draft.advances, draft.fit_update) == ("Typed in the second window.", "Carrying on here.")


def test_all_weeks_lists_each_weeks_review_and_who_signed_it_off(leon):
    engine, case_id, _, _ = leon
    with unit_of_work(engine) as session:
        signed = {
            week: name
            for week, name in session.exec(
                select(WeeklyReview.week, User.display_name)
                .join(User, User.id == WeeklyReview.signed_off_by)
                .where(WeeklyReview.case_id == case_id, WeeklyReview.signed_off_at.is_not(None))
            ).all()
        }
    at = open_page("therapist", case_id)
    weeks = next(d.value for d in at.dataframe if "Signed off" in d.value.columns).set_index("Week")
    assert list(weeks.columns) == ["Starts", "Review", "Submitted", "Signed off"]
    assert weeks.loc[WEEK, "Review"] == "not started" and weeks.loc[WEEK, "Signed off"] == ""
    assert signed and WEEK - 1 not in signed  # the demo leaves the latest review waiting for sign-off
    for week, name in signed.items():
        assert weeks.loc[week, "Signed off"].startswith(f"{name}, "), week
    assert weeks.loc[WEEK - 1, "Review"] == "submitted" and weeks.loc[WEEK - 1, "Signed off"] == ""
