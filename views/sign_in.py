"""Sign in with a local account, and with a 6-digit code when the person switched two-step sign-in on;
or, when configured, through the organisation's identity provider (views/organisation_sign_in.py).

Between the two steps the session holds only the account id and a deadline (5 minutes), never
the password; the code is checked against the same database throttle as passwords.
"""

import time

import streamlit as st

from planner.accounts import sign_in
from planner.db import unit_of_work
from planner.two_factor import complete_sign_in
from views.organisation_sign_in import adopt_identity, offer_button
from views.shared import engine, sign_in_as

PENDING = "two_step_pending"
CODE_TIME_LIMIT_S = 5 * 60

st.title("MST-PSB Planner")
st.caption("Plans, driver maps and weekly reviews for MST-PSB teams. Please sign in.")

notice = st.session_state.pop("sign_in_notice", None)
if notice:
    st.info(notice)

if adopt_identity() is not None:  # straight back from the organisation's sign-in
    st.rerun()

pending = st.session_state.get(PENDING)
if pending and time.time() > pending["until"]:
    del st.session_state[PENDING]
    pending = None
    st.info("The time for typing the code ran out. Please sign in again.")

if pending:
    st.subheader("Two-step sign-in")
    st.write("Open your authenticator app and type the 6-digit code it shows for MST-PSB Planner.")
    with st.form("two_step_code", enter_to_submit=True):
        code = st.text_input("6-digit code", max_chars=9, autocomplete="one-time-code", key="sign_in_code")
        submitted = st.form_submit_button("Continue", type="primary")
    if st.button("Start again", key="sign_in_start_again"):
        del st.session_state[PENDING]
        st.rerun()
    if submitted:
        with unit_of_work(engine()) as session:
            result = complete_sign_in(session, pending["account_id"], code)
        if result.principal is not None:
            del st.session_state[PENDING]
            sign_in_as(result.principal)
            st.rerun()
        elif result.code_needed_for is None:
            del st.session_state[PENDING]
            st.session_state["sign_in_notice"] = "Please sign in again."
            st.rerun()
        else:
            st.error(result.message)
    st.stop()

with st.form("sign_in", enter_to_submit=True):
    username = st.text_input("User name", max_chars=64, autocomplete="username")
    password = st.text_input("Password", type="password", max_chars=256, autocomplete="current-password")
    submitted = st.form_submit_button("Sign in", type="primary")

offer_button()  # only when the secrets configure an [auth] section

if submitted:
    with unit_of_work(engine()) as session:
        result = sign_in(session, username, password)
    if result.code_needed_for is not None:
        st.session_state[PENDING] = {"account_id": result.code_needed_for, "until": time.time() + CODE_TIME_LIMIT_S}
        st.rerun()
    elif result.principal is None:
        st.error(result.message)
    else:
        sign_in_as(result.principal)
        st.rerun()
