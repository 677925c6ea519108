"""Every page, for every role, through Streamlit's AppTest (the server side of a real run)."""

import pytest
from sqlmodel import select
from streamlit.testing.v1 import AppTest

from planner.accounts import SIGN_IN_FAILED
from planner.db import make_engine, unit_of_work
from planner.models import Case, User
from tests.conftest import DEMO_PASSWORD
from tests.helpers import APP, signed_in


@pytest.fixture
def app_url(demo_sqlite_url, monkeypatch):
    monkeypatch.setenv("PLANNER_DATABASE_URL", demo_sqlite_url)
    return demo_sqlite_url


def leon_id(url) -> int:
    with unit_of_work(make_engine(url)) as session:
        return session.exec(select(Case.id).where(Case.alias == "Leon")).one()


def texts(at: AppTest) -> str:
    parts = [e.value for kind in ("title", "header", "subheader", "caption", "markdown", "info", "error", "warning") for e in getattr(at, kind)]
    parts += [m.label + " " + str(m.value) for m in at.metric]
    return "\n".join(str(p) for p in parts)


def test_sign_in_page_comes_first(app_url):
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert at.title[0].value == "MST-PSB Planner"
    assert [t.label for t in at.text_input] == ["User name", "Password"]


@pytest.mark.parametrize(("username", "password"), [("therapist", "wrong password!"), ("nobody-here", DEMO_PASSWORD), ("", "")])
def test_failed_sign_in_gives_one_generic_message(app_url, username, password):
    at = signed_in(username, password)
    assert [e.value for e in at.error] == [SIGN_IN_FAILED]
    assert "user_id" not in at.session_state


def test_repeated_failures_slow_down_even_after_a_reload(app_url):
    for _ in range(3):
        assert [e.value for e in signed_in("therapist2", "not the password").error] == [SIGN_IN_FAILED]
    fresh = signed_in("therapist2", DEMO_PASSWORD)  # a new session, as after reloading the page
    assert "user_id" not in fresh.session_state
    assert "Too many attempts with this user name" in fresh.error[0].value


def test_therapist_sees_my_cases_with_leon(app_url):
    at = signed_in("therapist")
    assert at.title[0].value == "My cases"
    frame = at.dataframe[0].value
    assert "Leon" in set(frame["alias"]) and (frame["status"] == "open").all()
    assert at.metric[0].value == str(len(frame))


def test_my_cases_shows_the_same_on_track_flags_as_the_team_dashboard(app_url):
    from datetime import date

    from planner.accounts import load_principal
    from planner.dashboard import team_dashboard

    with unit_of_work(make_engine(app_url)) as session:
        supervisor = load_principal(session, session.exec(select(User.id).where(User.username == "supervisor")).one())
        board = team_dashboard(session, supervisor, today=date.today())
    at = signed_in("therapist")
    frame = at.dataframe[0].value.set_index("alias")
    mine = board[board["alias"].isin(frame.index)].set_index("alias")
    assert len(mine) == len(frame) >= 3
    for alias, row in mine.iterrows():
        assert list(frame.loc[alias, "flags"]) == list(row["flags"]), alias
    assert any("Goal unmet near end" in label for label in frame.loc["Leon", "flags"])
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Flagged cases"] == str(int((mine["flag_count"] > 0).sum()))


def test_therapist_opens_leons_case(app_url):
    at = signed_in("therapist")
    at.query_params["case"] = str(leon_id(app_url))
    at.switch_page("views/case_overview.py").run()
    assert not at.exception
    assert at.title[0].value.startswith("Leon")
    shown = texts(at)
    assert "week" in shown and "Safety scale now" in shown
    drivers = at.dataframe[0].value
    assert "Dad minimises what happened" in set(drivers["name"])


@pytest.mark.parametrize("case_param", ["LEON", "-1", "99999", "1 OR 1=1"])
def test_case_page_handles_tampered_parameters_kindly(app_url, case_param):
    at = signed_in("therapist")
    at.query_params["case"] = case_param
    at.switch_page("views/case_overview.py").run()
    assert not at.exception
    assert "Leon" not in texts(at)


def test_colleague_cannot_open_leons_case_by_url(app_url):
    at = signed_in("therapist2")
    assert "Leon" not in set(at.dataframe[0].value["alias"])
    at.query_params["case"] = str(leon_id(app_url))
    at.switch_page("views/case_overview.py").run()
    assert not at.exception
    assert [e.value for e in at.error] == ["You do not have access to this case, or it does not exist."]
    assert "Dad minimises" not in texts(at) and not at.dataframe


def test_supervisor_sees_team_cases(app_url):
    at = signed_in("supervisor")
    assert at.title[0].value == "Team dashboard"  # the supervisor's home; the full list is one click away
    at.switch_page("views/caseload.py").run()
    assert not at.exception, at.exception
    assert at.title[0].value == "Team cases"
    frame = at.dataframe[0].value
    assert "Leon" in set(frame["alias"]) and frame["therapist"].nunique() >= 3


def test_family_sees_only_their_progress(app_url):
    at = signed_in("family")
    assert at.title[0].value == "Our progress"
    assert [h.value for h in at.header] == [
        "What is going well", "Goals we have reached", "What we are working on", "How things are going", "What happens next"
    ]
    shown = texts(at)
    assert "Mia" not in shown and "harm" not in shown.lower()
    # Staff pages are not registered for a family, so no URL reaches them (the services refuse anyway).
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("views/case_overview.py")
    at.query_params["case"] = str(leon_id(app_url))
    at.run()
    assert at.title[0].value == "Our progress" and "Dad minimises" not in texts(at)


def test_admin_sees_accounts_and_no_cases(app_url):
    at = signed_in("admin")
    assert at.title[0].value == "Accounts"
    assert {"therapist", "therapist2", "supervisor", "family", "admin"} <= set(at.dataframe[0].value["username"])
    for page in ("views/case_overview.py", "views/driver_map.py", "views/caseload.py"):
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            at.switch_page(page)


def test_admin_deactivates_and_reactivates_an_account_but_not_their_own(app_url):
    at = signed_in("admin")
    with unit_of_work(make_engine(app_url)) as session:
        ids = {u.username: u.id for u in session.exec(select(User)).all()}

    def press(username: str, label: str) -> None:
        at.selectbox[0].set_value(ids[username]).run()
        next(b for b in at.button if b.label == f"{label} {username}").click().run()
        assert not at.exception

    def active(username: str) -> bool:
        with unit_of_work(make_engine(app_url)) as session:
            return session.get(User, ids[username]).active

    press("therapist2", "Deactivate")
    assert active("therapist2") is False
    press("therapist2", "Reactivate")
    assert active("therapist2") is True
    press("admin", "Deactivate")
    assert [e.value.replace("\\", "") for e in at.error] == ["You cannot deactivate your own account."]
    assert active("admin") is True


def test_deactivated_account_is_signed_out_at_next_click(app_url):
    at = signed_in("therapist2")
    assert at.title[0].value == "My cases"
    with unit_of_work(make_engine(app_url)) as session:
        user = session.exec(select(User).where(User.username == "therapist2")).one()
        user.active = False
    at.run()
    assert at.title[0].value == "MST-PSB Planner"
    assert "not active" in at.info[0].value


def test_sign_out(app_url):
    at = signed_in("therapist")
    at.sidebar.button(key="sign_out").click().run()
    assert at.title[0].value == "MST-PSB Planner" and "user_id" not in at.session_state


def test_unopenable_database_gives_a_clear_message(monkeypatch, tmp_path):
    monkeypatch.setenv("PLANNER_DATABASE_URL", f"sqlite:///{tmp_path / 'nowhere' / 'x.db'}")
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert "PLANNER_DATABASE_URL" in at.error[0].value.replace("\\", "")
