"""views/organisation_sign_in.py through AppTest: the button only when configured, adopting a fresh identity once.

A tiny script calls the module's functions, so these run before and after its call sites are in place
(the real round trip through a provider and a browser is tests/e2e/test_organisation_sign_in.py).
"""

import secrets
import time

import pytest
from sqlmodel import select
from streamlit.testing.v1 import AppTest

from planner.db import make_engine, unit_of_work
from planner.models import AuditEvent
from views.organisation_sign_in import NOT_SET_UP

pytestmark = pytest.mark.db
BUTTON = "Sign in with your organisation"
AUTH = {
    "redirect_uri": "http://127.0.0.1:8501/oauth2callback",
    "cookie_secret": "a-long-random-cookie-secret-for-tests",
    "client_id": "planner",
    "client_secret": "s3cret",
    "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration",
}


def sign_in_page():
    """Stands for app.py and views/sign_in.py with the call-site lines in."""
    import streamlit as st

    from views.organisation_sign_in import adopt_identity, offer_button, sign_out_everywhere
    from views.shared import current_user, sign_in_as

    user = current_user()
    if user is None:
        notice = st.session_state.pop("sign_in_notice", None)
        if notice:
            st.info(notice)
        if adopt_identity() is not None:
            st.rerun()
        offer_button()
        if st.button("Password sign-in"):  # what the password form does
            from planner.accounts import authenticate
            from planner.db import unit_of_work
            from tests.conftest import DEMO_PASSWORD
            from views.shared import engine

            with unit_of_work(engine()) as session:
                sign_in_as(authenticate(session, "therapist", DEMO_PASSWORD))
            st.rerun()
    else:
        st.markdown(f"Signed in as {user.username}")
        if st.button("Sign out"):
            sign_out_everywhere("You have signed out.")


@pytest.fixture
def db_url(demo_sqlite_url, monkeypatch):
    monkeypatch.setenv("PLANNER_DATABASE_URL", demo_sqlite_url)
    return demo_sqlite_url


def app(*, auth=AUTH, user=None):
    at = AppTest.from_function(sign_in_page, default_timeout=60)
    if auth is not None:
        at.secrets["auth"] = auth
    if user is not None:
        at.user = user
    return at


def identity(username="supervisor", *, iat=None):
    # A fresh nonce per call: the gate is shared by the whole process, as on a real server.
    return {"is_logged_in": True, "iss": "http://127.0.0.1:9", "sub": secrets.token_hex(6), "aud": "planner",
            "iat": int(time.time()) if iat is None else iat, "nonce": secrets.token_urlsafe(8),
            "preferred_username": username, "email": f"{username}@org.example", "name": "Some One"}


def texts(at):
    return [m.value for m in at.markdown] + [e.value for e in at.error]


def test_not_configured_shows_no_button_and_no_error(db_url):
    at = app(auth=None).run()
    assert not at.exception and not at.error and BUTTON not in [b.label for b in at.button]


def test_incomplete_auth_section_shows_no_button(db_url):
    at = app(auth={k: v for k, v in AUTH.items() if k != "client_secret"}).run()
    assert not at.exception and BUTTON not in [b.label for b in at.button]


def test_configured_shows_the_button(db_url):
    at = app().run()
    assert not at.exception and [b.label for b in at.button][0] == BUTTON


def test_a_fresh_identity_of_active_staff_signs_in_once(db_url):
    claims = identity("supervisor")
    at = app(user=claims).run()
    assert not at.exception and "Signed in as supervisor" in texts(at)
    assert at.session_state["signed_in_with"] == "organisation"
    again = app(user=claims).run()  # the same cookie in a new session: a reload, another tab
    assert not again.exception and "Signed in as supervisor" not in texts(again) and not again.error
    assert [b.label for b in again.button][0] == BUTTON


def test_an_old_identity_cookie_signs_no_one_in(db_url):
    at = app(user=identity("supervisor", iat=int(time.time()) - 31 * 60)).run()
    assert not at.exception and not at.error and "Signed in as supervisor" not in texts(at)
    assert [b.label for b in at.button][0] == BUTTON


@pytest.mark.parametrize("username", ["family", "n.nobody"])
def test_no_planner_account_gets_the_kind_message(db_url, username):
    at = app(user=identity(username)).run()
    assert not at.exception and [e.value for e in at.error] == [NOT_SET_UP]
    assert "user_id" not in at.session_state
    with unit_of_work(make_engine(db_url)) as session:
        last = session.exec(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert (last.action, last.actor, last.object_type) == ("sign_in_failed", username, "oidc")


def test_a_logged_out_user_is_left_alone(db_url):
    at = app(user={"is_logged_in": False}).run()
    assert not at.exception and not at.error and [b.label for b in at.button][0] == BUTTON


def test_the_idle_timeout_still_applies_after_an_organisation_sign_in(db_url):
    at = app(user=identity("supervisor")).run()
    assert "Signed in as supervisor" in texts(at)
    at.session_state["last_seen"] = time.time() - 31 * 60
    at.run()  # same session, same identity cookie: the planner's timeout wins
    assert not at.exception and "Signed in as supervisor" not in texts(at)
    assert any("30 minutes" in i.value for i in at.info)
    assert [b.label for b in at.button][0] == BUTTON


def test_sign_out_after_an_organisation_sign_in_also_logs_out_of_streamlit(db_url):
    at = app(user=identity("supervisor")).run()
    next(b for b in at.button if b.label == "Sign out").click().run()
    assert not at.exception and "user_id" not in at.session_state
    assert at.user["is_logged_in"] is False  # st.logout() ran (in a browser: the provider's end-session)


def test_sign_out_after_a_password_sign_in_leaves_streamlit_alone(db_url):
    at = app(user={"is_logged_in": False}).run()
    next(b for b in at.button if b.label == "Password sign-in").click().run()
    assert "Signed in as therapist" in texts(at)
    next(b for b in at.button if b.label == "Sign out").click().run()
    assert not at.exception and "user_id" not in at.session_state
    assert [i.value for i in at.info] == ["You have signed out."]
