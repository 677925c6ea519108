"""Sign in with a local account."""

import streamlit as st

from planner.accounts import sign_in
from planner.db import unit_of_work
from views.shared import engine, sign_in_as

st.title("MST-PSB Planner")
st.caption("Plans, driver maps and weekly reviews for MST-PSB teams. Please sign in.")

notice = st.session_state.pop("sign_in_notice", None)
if notice:
    st.info(notice)

with st.form("sign_in", enter_to_submit=True):
    username = st.text_input("User name", max_chars=64, autocomplete="username")
    password = st.text_input("Password", type="password", max_chars=256, autocomplete="current-password")
    submitted = st.form_submit_button("Sign in", type="primary")

if submitted:
    with unit_of_work(engine()) as session:
        result = sign_in(session, username, password)
    if result.principal is None:
        st.error(result.message)
    else:
        sign_in_as(result.principal)
        st.rerun()
