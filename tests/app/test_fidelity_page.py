"""The Fidelity case page through AppTest: the supervisor records, the therapist reads, others are refused."""

import time
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import delete
from sqlmodel import select
from streamlit.testing.v1 import AppTest

from planner.db import make_engine, unit_of_work
from planner.models import AdherenceScore, Case, Rating, User
from tests.helpers import case_id, open_case_page, signed_in

PAGE = "views/fidelity.py"
REFUSAL = "You do not have access to this case, or it does not exist."
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def demo(demo_sqlite_url, monkeypatch):
    monkeypatch.setenv("PLANNER_DATABASE_URL", demo_sqlite_url)
    return make_engine(demo_sqlite_url)


def button(at: AppTest, label: str):
    return next(b for b in at.button if b.label == label)


def this_month() -> date:
    return date.today().replace(day=1)


def test_supervisor_sees_adherence_beside_the_scale_and_every_principle(demo):
    at = open_case_page("supervisor", PAGE, case_id(demo, "Leon"))
    assert at.title[0].value == "Fidelity: Leon"
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["MST principles served"] == "9 of 9" and metrics["Months flagged"].startswith("0 of ")
    assert len(at.get("vega_lite_chart")) == 2  # adherence, then the safety scale on the same months
    principles = next(d.value for d in at.dataframe if "principle" in d.value.columns)
    assert list(principles["number"]) == list(range(1, 10)) and (principles["count"] >= 1).all()
    scores = next(d.value for d in at.dataframe if "score" in d.value.columns)
    assert len(scores) == int(metrics["Months flagged"].split(" of ")[1]) >= 6
    assert any("Every one of the nine principles" in s.value for s in at.success)
    assert button(at, "Save score")


def test_supervisor_records_a_low_score_and_the_month_is_flagged(demo):
    leon = case_id(demo, "Leon")
    at = open_case_page("supervisor", PAGE, leon)
    assert at.selectbox(key="adherence_month").value == this_month()
    at.number_input(key="adherence_score").set_value(0.5)
    button(at, "Save score").click().run()
    assert not at.exception and not at.error
    assert {m.label: m.value for m in at.metric}["Latest adherence"] == "0.50"
    assert any("below 0.61" in w.value for w in at.warning)
    with unit_of_work(demo) as session:
        row = session.exec(select(AdherenceScore).where(AdherenceScore.case_id == leon, AdherenceScore.month == this_month())).one()
        supervisor = session.exec(select(User.id).where(User.username == "supervisor")).one()
    assert (row.score, row.recorded_by) == (0.5, supervisor)


def test_saving_without_a_score_asks_for_one_and_changes_nothing(demo):
    leon = case_id(demo, "Leon")
    with unit_of_work(demo) as session:
        before = session.exec(select(AdherenceScore.score).where(AdherenceScore.case_id == leon).order_by(AdherenceScore.month)).all()
    at = open_case_page("supervisor", PAGE, leon)
    button(at, "Save score").click().run()
    assert [e.value for e in at.error] == ["**Score:** Enter the adherence score as a number from 0 to 1, for example 0\\.75\\."]
    with unit_of_work(demo) as session:
        after = session.exec(select(AdherenceScore.score).where(AdherenceScore.case_id == leon).order_by(AdherenceScore.month)).all()
    assert after == before


def test_therapist_reads_a_flagged_case_but_cannot_record(demo):
    at = open_case_page("therapist", PAGE, case_id(demo, "Callum"))
    assert at.title[0].value == "Fidelity: Callum"
    assert any("below 0.61" in w.value for w in at.warning)
    assert {m.label: m.value for m in at.metric}["Months flagged"].startswith("1 of ")
    assert not any(b.label == "Save score" for b in at.button)
    assert any("recorded by the team supervisor" in c.value for c in at.caption)


def test_uncovered_principles_are_called_out(demo):
    at = open_case_page("therapist", PAGE, case_id(demo, "Amira"))
    warning = next(w.value for w in at.warning if "Not served by any intervention" in w.value)
    assert "2 Positive and strength" in warning and "5 Targeting sequences" in warning and "7 Continuous effort" in warning
    assert {m.label: m.value for m in at.metric}["MST principles served"] == "6 of 9"


@pytest.mark.parametrize("username", ["therapist2", "supervisor2"])
def test_staff_without_the_case_are_refused(demo, username):
    at = open_case_page(username, PAGE, case_id(demo, "Leon"))
    assert [e.value for e in at.error] == [REFUSAL]
    assert not at.metric and not at.get("vega_lite_chart") and not at.dataframe


@pytest.mark.parametrize("username", ["family", "admin"])
def test_family_and_admin_have_no_such_page_and_are_refused_by_address(demo, username):
    leon = case_id(demo, "Leon")
    at = signed_in(username)
    at.query_params["case"] = str(leon)
    with pytest.raises(ValueError):  # not in their menu
        at.switch_page(PAGE)
    # Opened directly, the page refuses on its own.
    with unit_of_work(demo) as session:
        user_id = session.exec(select(User.id).where(User.username == username)).one()
    page = AppTest.from_file(str(ROOT / PAGE), default_timeout=60)
    page.session_state["user_id"] = user_id
    page.session_state["signed_in_at"] = page.session_state["last_seen"] = time.time()
    page.query_params["case"] = str(leon)
    page.run()
    assert not page.exception, page.exception
    assert [e.value for e in page.error] == [REFUSAL]
    assert not page.title and not page.metric


def test_a_case_without_scores_or_ratings_says_so_and_still_takes_a_score(demo):
    amira = case_id(demo, "Amira")
    with unit_of_work(demo) as session:
        session.exec(delete(AdherenceScore).where(AdherenceScore.case_id == amira))
    at = open_case_page("supervisor", PAGE, amira)
    assert {m.label: m.value for m in at.metric}["Latest adherence"] == "—"
    assert len(at.get("vega_lite_chart")) == 2  # the safety scale is drawn, the adherence chart is empty
    with unit_of_work(demo) as session:
        session.exec(delete(Rating).where(Rating.case_id == amira, Rating.subject == "overall"))
        assert session.get(Case, amira).status == "open"
    at = open_case_page("supervisor", PAGE, amira)
    assert any("No adherence scores or safety-scale ratings yet" in i.value for i in at.info)
    assert not at.get("vega_lite_chart")
    at.number_input(key="adherence_score").set_value(0.9)
    button(at, "Save score").click().run()
    assert not at.error and {m.label: m.value for m in at.metric}["Latest adherence"] == "0.90"
    assert len(at.get("vega_lite_chart")) == 2
