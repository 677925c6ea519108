"""Sessions end: after 30 minutes idle, after 12 hours in all, and at the next click after deactivation.

Issue #8: "idle timeout (30 minutes by default) and an absolute one (12 hours); deactivating an account ends
its sessions at their next interaction". The clock is moved by rewriting the session's own timestamps
(`last_seen`, `signed_in_at`, as views.shared.sign_in_as sets them) rather than patching time.time, which
Streamlit itself uses. Each time the person lands on the sign-in form at the page they asked for, with a kind
note saying why, nothing of the case is shown, and signing in again opens that page.
"""

from __future__ import annotations

import time

import pytest
from sqlmodel import select
from streamlit.testing.v1 import AppTest

from planner.account_admin import set_active
from planner.db import unit_of_work
from planner import settings
from planner.models import User
from tests.conftest import DEMO_PASSWORD
from tests.helpers import APP, open_case_page, person

pytestmark = pytest.mark.db

PAGE = "views/driver_map.py"
IDLE_TIMEOUT_S, ABSOLUTE_TIMEOUT_S = 30 * 60, 12 * 60 * 60  # the defaults
IDLE_NOTE = "You were signed out after 30 minutes without activity. Please sign in again."
ABSOLUTE_NOTE = "You were signed out because you had been signed in for 12 hours. Please sign in again."
INACTIVE_NOTE = "Your account is not active any more. Please speak to your service administrator."


def on_the_map(at: AppTest) -> bool:
    return bool(at.title) and at.title[0].value.startswith("Driver map")


def signed_out_kindly(at: AppTest, note: str) -> None:
    assert not at.exception, at.exception
    assert "user_id" not in at.session_state
    assert [t.value for t in at.title] == ["MST-PSB Planner"]  # the sign-in form, not the case
    assert [i.value for i in at.info] == [note]
    assert [t.label for t in at.text_input][:2] == ["User name", "Password"]
    shown = " ".join(str(e.value) for kind in ("markdown", "caption", "subheader", "error") for e in getattr(at, kind))
    assert "Leon" not in shown and not at.dataframe


def sign_in_again(at: AppTest) -> AppTest:
    at.text_input[0].input("therapist")
    at.text_input[1].input(DEMO_PASSWORD)
    at.button[0].click().run()
    assert not at.exception, at.exception
    return at


def test_the_limits_are_thirty_minutes_idle_and_twelve_hours_in_all_by_default(monkeypatch):
    monkeypatch.delenv("PLANNER_IDLE_TIMEOUT_MINUTES", raising=False)
    monkeypatch.delenv("PLANNER_SESSION_LIMIT_HOURS", raising=False)
    assert (settings.idle_timeout_minutes() * 60, settings.session_limit_hours() * 3600) == (IDLE_TIMEOUT_S, ABSOLUTE_TIMEOUT_S)


@pytest.mark.parametrize("value", ["0", "241", "-5", "ten", "1.5", "30 minutes"])
def test_an_unusable_idle_limit_is_refused_by_name(monkeypatch, value):
    monkeypatch.setenv("PLANNER_IDLE_TIMEOUT_MINUTES", value)
    with pytest.raises(settings.InvalidSetting, match="PLANNER_IDLE_TIMEOUT_MINUTES must be a whole number from 1 to 240"):
        settings.check()


def test_a_service_sets_a_shorter_idle_limit(leon, monkeypatch):
    _, case_id = leon
    monkeypatch.setenv("PLANNER_IDLE_TIMEOUT_MINUTES", "10")
    monkeypatch.setenv("PLANNER_SESSION_LIMIT_HOURS", "8")
    at = open_case_page("therapist", PAGE, case_id)
    assert on_the_map(at)
    at.session_state["last_seen"] = time.time() - 9 * 60  # nine minutes: still signed in
    at.run()
    assert on_the_map(at)
    at.session_state["last_seen"] = time.time() - 11 * 60
    at.run()
    signed_out_kindly(at, "You were signed out after 10 minutes without activity. Please sign in again.")
    sign_in_again(at)
    at.session_state["signed_in_at"] = time.time() - 8 * 3600 - 5
    at.run()
    signed_out_kindly(at, "You were signed out because you had been signed in for 8 hours. Please sign in again.")


def test_a_wrong_setting_is_said_plainly_in_the_page(leon, monkeypatch):
    monkeypatch.setenv("PLANNER_SESSION_LIMIT_HOURS", "forever")
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception, at.exception
    shown = [e.value.replace("\\", "") for e in at.error]  # the page escapes markdown characters
    assert shown == [
        "The planner is set up wrongly: PLANNER_SESSION_LIMIT_HOURS must be a whole number from 1 to 24 "
        "(it is 'forever'). Please ask whoever runs it to correct the setting."
    ]
    assert not at.text_input  # no sign-in form under a broken configuration


def test_thirty_minutes_idle_signs_out_kindly_and_signing_in_reopens_the_page(leon):
    _, case_id = leon
    at = open_case_page("therapist", PAGE, case_id)
    assert on_the_map(at)
    at.session_state["last_seen"] = time.time() - IDLE_TIMEOUT_S - 5
    at.run()
    signed_out_kindly(at, IDLE_NOTE)
    sign_in_again(at)
    assert on_the_map(at) and at.query_params["case"] == str(case_id)


def test_activity_within_thirty_minutes_keeps_the_session_and_resets_the_clock(leon):
    _, case_id = leon
    at = open_case_page("therapist", PAGE, case_id)
    nearly = time.time() - IDLE_TIMEOUT_S + 60
    at.session_state["last_seen"] = nearly
    at.run()
    assert on_the_map(at) and "user_id" in at.session_state
    assert at.session_state["last_seen"] > nearly + 59  # this click counts as activity


def test_twelve_hours_signed_in_ends_the_session_even_when_active(leon):
    _, case_id = leon
    at = open_case_page("therapist", PAGE, case_id)
    at.session_state["signed_in_at"] = time.time() - ABSOLUTE_TIMEOUT_S + 60  # a minute to go, busy all day
    at.run()
    assert on_the_map(at)
    at.session_state["signed_in_at"] = time.time() - ABSOLUTE_TIMEOUT_S - 5
    at.session_state["last_seen"] = time.time()  # active a moment ago: the absolute limit still applies
    at.run()
    signed_out_kindly(at, ABSOLUTE_NOTE)
    sign_in_again(at)
    assert on_the_map(at)


def test_deactivation_ends_the_session_at_its_next_interaction(leon):
    engine, case_id = leon
    at = open_case_page("therapist", PAGE, case_id)
    assert on_the_map(at)
    admin = person(engine, "admin")
    with unit_of_work(engine) as session:
        account = session.exec(select(User).where(User.username == "therapist")).one()
        set_active(session, admin, account.id, active=False, version=account.version)
    at.run()  # the next click, seconds later: well inside both time limits
    signed_out_kindly(at, INACTIVE_NOTE)
    sign_in_again(at)  # and the password no longer opens anything
    assert "user_id" not in at.session_state and not on_the_map(at)
    assert any("do not match an active account" in e.value for e in at.error)
