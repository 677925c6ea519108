"""The Team dashboard page through AppTest: the supervisor's rows, filters and flags; refusals for everyone else."""

from datetime import date

import pytest
from sqlmodel import select
from streamlit.testing.v1 import AppTest

from goals.on_track import all_flags
from planner.case_progress import case_states
from planner.dashboard import flag_labels
from planner.db import make_engine, unit_of_work
from planner.models import Case, User
from tests import factories
from tests.conftest import DEMO_PASSWORD
from tests.helpers import signed_in

pytestmark = pytest.mark.db
PAGE = "views/team_dashboard.py"


@pytest.fixture
def demo(demo_sqlite_url, monkeypatch):
    monkeypatch.setenv("PLANNER_DATABASE_URL", demo_sqlite_url)
    return make_engine(demo_sqlite_url)


def expected_labels(engine) -> dict[str, list[str]]:
    """Flag labels per open Northgate case, straight from the on-track rules."""
    with unit_of_work(engine) as session:
        team_id = session.exec(select(User.team_id).where(User.username == "supervisor")).one()
        scope = (Case.team_id == team_id) & (Case.status == "open")
        states = case_states(session, scope, today=date.today())
        aliases = dict(session.exec(select(Case.id, Case.alias).where(scope)).all())
    return {aliases[cid]: flag_labels([f.kind for f in all_flags(state)]) for cid, state in states.items()}


def test_supervisor_lands_on_the_dashboard_with_every_open_case_and_its_flags(demo):
    at = signed_in("supervisor")
    assert at.title[0].value == "Team dashboard"
    frame = at.dataframe[0].value
    expected = expected_labels(demo)
    assert sorted(frame["alias"]) == sorted(expected)
    for alias, flags in zip(frame["alias"], frame["flags"]):
        assert list(flags) == expected[alias], alias
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Open cases"] == str(len(expected))
    assert metrics["Cases with flags"] == str(sum(bool(f) for f in expected.values()))
    assert any(expected.values()), "the demo is built to trip the rules"
    # Default sort: most flags first.
    counts = list(frame["flag_count"])
    assert counts == sorted(counts, reverse=True)
    leon = frame[frame["alias"] == "Leon"].iloc[0]
    assert leon["plan"] == "week 24 of 30"
    # Each flagged case's messages are shown (escaped) in the expander.
    shown = "\n".join(m.value for m in at.markdown)
    assert "Leon" in shown and "Open a case" in [s.value for s in at.subheader]


def test_filters_narrow_the_rows(demo):
    at = signed_in("supervisor")
    everyone = at.dataframe[0].value
    at.toggle(key="dash_only_flagged").set_value(True).run()
    flagged = at.dataframe[0].value
    assert 0 < len(flagged) < len(everyone)
    assert (flagged["flag_count"] > 0).all()
    at.toggle(key="dash_only_flagged").set_value(False).run()

    therapist = sorted(everyone["therapist"].unique())[0]
    at.multiselect(key="dash_therapists").set_value([therapist]).run()
    mine = at.dataframe[0].value
    assert set(mine["therapist"]) == {therapist}
    assert len(mine) == (everyone["therapist"] == therapist).sum()
    at.multiselect(key="dash_therapists").set_value([]).run()

    at.text_input(key="dash_search").input("leo").run()
    assert list(at.dataframe[0].value["alias"]) == ["Leon"]
    at.text_input(key="dash_search").input("nobody by this name").run()
    assert not at.dataframe
    assert any("No open case matches" in i.value for i in at.info)
    at.text_input(key="dash_search").input("").run()

    at.selectbox(key="dash_sort").set_value("Young person (A to Z)").run()
    aliases = list(at.dataframe[0].value["alias"])
    assert aliases == sorted(aliases)


def test_links_open_each_case(demo):
    at = signed_in("supervisor")
    frame = at.dataframe[0].value
    links = at.get("page_link")
    for case_id in frame["case_id"]:
        mine = [link for link in links if link.query_string == f"case={case_id}"]
        assert {link.label for link in mine} == {"Case overview", "On track", "Supervision"}, case_id
        assert {link.page for link in mine} == {"case_overview", "timeline", "supervision"}


@pytest.mark.parametrize(("username", "home"), [("therapist", "My cases"), ("family", "Our progress"), ("admin", "Accounts")])
def test_others_do_not_get_the_dashboard(demo, username, home):
    at = signed_in(username)
    assert [t.value for t in at.title][:1] == [home]
    try:
        at.switch_page(PAGE).run()
    except ValueError:  # not in this person's menu: the address falls back to their home page
        at.run()
    assert not at.exception, at.exception
    assert [t.value for t in at.title][:1] == [home]
    assert "Cases with flags" not in [m.label for m in at.metric]


def test_a_supervisor_without_a_team_is_refused_kindly(demo):
    with unit_of_work(demo) as session:
        factories.user(session, "lone.supervisor", "supervisor", team_id=None, password=DEMO_PASSWORD)
    at = signed_in("lone.supervisor")
    assert [t.value for t in at.title] == ["Team dashboard"]
    assert [e.value for e in at.error] == ["You do not have access to this page or case."]
    assert not at.dataframe and not at.metric


def test_a_team_with_no_open_cases_gets_a_kind_empty_state(demo):
    with unit_of_work(demo) as session:
        quiet = factories.team(session, "Quiet team")
        factories.user(session, "quiet.supervisor", "supervisor", team_id=quiet.id, password=DEMO_PASSWORD)
    at = signed_in("quiet.supervisor")
    assert [t.value for t in at.title] == ["Team dashboard"]
    assert {m.label: m.value for m in at.metric}["Open cases"] == "0"
    assert any("no open cases" in i.value for i in at.info)
    assert not at.dataframe and not at.error


def test_user_text_is_shown_as_typed_not_as_markup(demo):
    with unit_of_work(demo) as session:
        supervisor = session.exec(select(User).where(User.username == "supervisor")).one()
        therapist = session.exec(select(User).where(User.username == "therapist")).one()
        factories.empty_case(
            session, alias="**Zed** [x](http://example.invalid)", therapist_id=therapist.id, team_id=supervisor.team_id
        )
    at = signed_in("supervisor")
    assert "**Zed** [x](http://example.invalid)" in set(at.dataframe[0].value["alias"])
    names = [m.value for m in at.markdown if "Zed" in m.value]
    # No weekly review for weeks 1 and 2: flagged, so it appears in the flag notes and the links.
    assert names and all(r"\*\*Zed\*\* \[x\]\(http" in n for n in names), names
