"""The Two-step sign-in page and the code step of signing in, through AppTest with pyotp as the phone."""

import time
from pathlib import Path

import pyotp
import pytest
from sqlmodel import select
from streamlit.testing.v1 import AppTest

from planner.accounts import CODE_FAILED
from planner.db import make_engine, unit_of_work
from planner.models import AuditEvent, User
from tests.helpers import signed_in

ROOT = Path(__file__).resolve().parents[2]
PAGE = "views/two_step.py"


@pytest.fixture
def app_url(demo_sqlite_url, monkeypatch):
    monkeypatch.setenv("PLANNER_DATABASE_URL", demo_sqlite_url)
    return demo_sqlite_url


def button(at: AppTest, label: str):
    return next(b for b in at.button if b.label == label)


def code_field(at: AppTest):
    return next(t for t in at.text_input if "6-digit code" in t.label)


def wrong_code(secret: str) -> str:
    totp, now = pyotp.TOTP(secret), time.time()
    near = {totp.at(now + drift) for drift in (-60, -30, 0, 30, 60)}
    return next(c for c in (f"{n:06d}" for n in range(0, 1_000_000, 7919)) if c not in near)


def enrol_through_the_page(username: str) -> str:
    at = signed_in(username)
    at.switch_page(PAGE).run()
    assert at.title[0].value == "Two-step sign-in" and "**off**" in at.info[0].value
    button(at, "Set up two-step sign-in").click().run()
    assert not at.exception, at.exception
    secret = at.code[0].value.replace(" ", "")
    assert at.code[1].value.startswith("otpauth://totp/MST-PSB%20Planner:") and secret in at.code[1].value
    assert len(at.get("image")) == 1  # the QR code, drawn on the server
    code_field(at).input(wrong_code(secret))
    button(at, "Switch on").click().run()
    assert [e.value for e in at.error] == [CODE_FAILED.replace(".", "\\.").replace("-", "\\-")]
    code_field(at).input(pyotp.TOTP(secret).now())
    button(at, "Switch on").click().run()
    assert not at.exception, at.exception
    assert "Two-step sign-in is on" in at.success[0].value and "**on**" in at.info[0].value
    return secret


def test_enrol_then_sign_in_asks_for_the_code(app_url):
    secret = enrol_through_the_page("therapist")
    at = signed_in("therapist")
    assert "user_id" not in at.session_state  # the password alone is not enough now
    assert [t.label for t in at.text_input] == ["6-digit code"]
    assert set(at.session_state["two_step_pending"]) == {"account_id", "until"}  # never the password
    at.text_input[0].input(wrong_code(secret))
    at.button[0].click().run()
    assert [e.value for e in at.error] == [CODE_FAILED] and "user_id" not in at.session_state
    at.text_input[0].input(pyotp.TOTP(secret).at(time.time() + 30))  # the next step: unused so far
    at.button[0].click().run()
    assert not at.exception, at.exception
    assert at.session_state["user_id"] and at.title[0].value == "My cases"
    assert "two_step_pending" not in at.session_state
    with unit_of_work(make_engine(app_url)) as session:
        done = session.exec(select(AuditEvent.action).where(AuditEvent.actor == "therapist")).all()
    assert {"two_step_enrolment", "two_step_enabled", "two_step_failed", "sign_in_code_asked", "sign_in"} <= set(done)


def test_the_code_step_expires_and_can_be_started_again(app_url):
    enrol_through_the_page("supervisor")
    at = signed_in("supervisor")
    assert [t.label for t in at.text_input] == ["6-digit code"]
    button(at, "Start again").click().run()
    assert [t.label for t in at.text_input] == ["User name", "Password"]
    at = signed_in("supervisor")
    at.session_state["two_step_pending"] = {**at.session_state["two_step_pending"], "until": time.time() - 1}
    at.run()
    assert [t.label for t in at.text_input] == ["User name", "Password"]
    assert "ran out" in at.info[0].value


def test_switching_off_needs_a_current_code(app_url):
    secret = enrol_through_the_page("admin")
    at = signed_in("admin")
    at.text_input[0].input(pyotp.TOTP(secret).at(time.time() + 30))
    at.button[0].click().run()
    at.switch_page(PAGE).run()
    code_field(at).input(wrong_code(secret))
    button(at, "Switch off").click().run()
    assert at.error and "**on**" in at.info[0].value
    code_field(at).input(pyotp.TOTP(secret).at(time.time() - 30))
    button(at, "Switch off").click().run()  # an older step than the one used to sign in: a replay, refused
    assert at.error and "**on**" in at.info[0].value
    with unit_of_work(make_engine(app_url)) as session:
        session.exec(select(User).where(User.username == "admin")).one().totp_last_step = None  # as if time passed
    code_field(at).input(pyotp.TOTP(secret).now())
    button(at, "Switch off").click().run()
    assert not at.exception, at.exception
    assert at.success[0].value == "Two-step sign-in is off." and "**off**" in at.info[0].value
    assert [t.label for t in signed_in("admin").text_input] != ["6-digit code"]


def test_family_gets_a_kind_refusal(app_url):
    with unit_of_work(make_engine(app_url)) as session:
        family_id = session.exec(select(User.id).where(User.username == "family")).one()
    at = AppTest.from_file(str(ROOT / PAGE), default_timeout=60)
    at.session_state["user_id"] = family_id
    at.session_state["signed_in_at"] = at.session_state["last_seen"] = time.time()
    at.run()
    assert not at.exception, at.exception
    assert "for staff accounts" in at.error[0].value and not at.button and not at.code
    with pytest.raises(ValueError):  # nor is the page in the family's menu
        signed_in("family").switch_page(PAGE)
