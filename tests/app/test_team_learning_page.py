"""The Team learning page through AppTest: supervisors see their team's analyses; nobody else does."""

import time
from datetime import date
from pathlib import Path

import pytest
from sqlmodel import select
from streamlit.testing.v1 import AppTest

from planner.db import make_engine, unit_of_work
from planner.models import Case, Team, User
from planner.team_learning import team_learning
from tests.helpers import person, signed_in

PAGE = "views/team_learning.py"
ROOT = Path(__file__).resolve().parents[2]
REFUSAL = "Team learning is for supervisors: it looks across every case of their team."


@pytest.fixture
def demo(demo_sqlite_url, monkeypatch):
    monkeypatch.setenv("PLANNER_DATABASE_URL", demo_sqlite_url)
    return make_engine(demo_sqlite_url)


def page_as(engine, username: str) -> AppTest:
    """The page run on its own, as `username` (what opening its address would run)."""
    with unit_of_work(engine) as session:
        user_id = session.exec(select(User.id).where(User.username == username)).one()
    at = AppTest.from_file(str(ROOT / PAGE), default_timeout=60)
    at.session_state["user_id"] = user_id
    at.session_state["signed_in_at"] = at.session_state["last_seen"] = time.time()
    return at.run()


@pytest.mark.parametrize(("username", "team"), [("supervisor", "Northgate MST-PSB"), ("supervisor2", "Riverside MST-PSB")])
def test_supervisor_sees_the_three_analyses_for_their_own_team(demo, username, team):
    at = signed_in(username)
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    assert at.title[0].value == "Team learning"
    who = person(demo, username)
    with unit_of_work(demo) as session:
        team_id = session.exec(select(Team.id).where(Team.name == team)).one()
        statuses = session.exec(select(Case.status).where(Case.team_id == team_id)).all()
        expected = team_learning(session, who, today=date.today())
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Cases"] == str(len(statuses)) == str(expected.cases)
    assert f"({statuses.count('open')} open, {statuses.count('closed')} closed)" in at.caption[0].value
    assert metrics["Median weeks to improve by 3"] == f"{expected.time_to_improve.iloc[0]['median_weeks']:g}"
    assert [s.value for s in at.subheader] == [
        "Most frequent drivers by system",
        "Interventions and how their drivers moved",
        "Weeks until a driver improved by 3 points",
    ]
    # In page order: needs, strengths, type x driver type, the same by driver, weeks to improve.
    assert len(at.dataframe) == 5
    names = ["frequent_need", "frequent_strength", "effects", "by_driver", "time_to_improve"]
    frames = dict(zip(names, (d.value for d in at.dataframe), strict=True))
    assert frames["frequent_need"]["cases"].tolist() == expected.frequent[expected.frequent["kind"] == "Need"]["cases"].tolist()
    assert frames["effects"]["pairs"].sum() == expected.effects["pairs"].sum() > 0
    assert frames["time_to_improve"]["group"].iloc[0] == "All systems"
    assert len(at.get("vega_lite_chart")) == 4  # needs, strengths, the heat map, weeks by system
    # Every explanation is on the page: how each analysis is computed.
    captions = "\n".join(c.value for c in at.caption)
    assert "counts once per case" in captions and "8 weeks" in captions and "first rating" in captions


def test_the_page_is_in_the_supervisors_menu_only(demo):
    for username in ("therapist", "family", "admin"):
        at = signed_in(username)
        with pytest.raises(ValueError):  # not in their menu
            at.switch_page(PAGE)


@pytest.mark.parametrize("username", ["therapist", "family", "admin"])
def test_others_opening_it_directly_are_refused(demo, username):
    at = page_as(demo, username)
    assert not at.exception, at.exception
    assert [e.value for e in at.error] == [REFUSAL]
    assert not at.title and not at.metric and not at.dataframe
