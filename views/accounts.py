"""Accounts: who can sign in, in which role and team; deactivate people who have left."""

import streamlit as st

from planner.access import AccessDenied
from planner.account_admin import AccountRuleError, list_accounts, set_active
from planner.errors import StaleEdit
from planner.db import unit_of_work
from views.shared import ROLE_LABELS, engine, md, refuse, require_user

user = require_user()
st.title("Accounts")
st.caption("Who can sign in. Deactivating an account signs that person out at their next click; nothing they recorded is lost.")

try:
    with unit_of_work(engine()) as session:
        accounts = list_accounts(session, user)
except AccessDenied:
    refuse()

c1, c2 = st.columns(2)
c1.metric("Active accounts", int(accounts["active"].sum()))
c2.metric("Deactivated", int((~accounts["active"]).sum()))
st.dataframe(
    accounts.assign(role=accounts["role"].map(ROLE_LABELS)),
    column_order=["username", "name", "role", "team", "active"],
    column_config={
        "username": "User name",
        "name": "Name",
        "role": "Role",
        "team": "Team",
        "active": st.column_config.CheckboxColumn("Active"),
    },
    hide_index=True,
)
st.caption("New accounts are created on the server with `python -m planner user add`.")

st.subheader("Deactivate or reactivate")
labels = {int(r.id): f"{r.username} ({r.name}, {'active' if r.active else 'deactivated'})" for r in accounts.itertuples()}
chosen = st.selectbox("Account", options=list(labels), format_func=labels.get, index=None, placeholder="Choose an account")
if chosen is not None:
    row = accounts[accounts["id"] == chosen].iloc[0]
    label = "Reactivate" if not row["active"] else "Deactivate"
    if st.button(f"{label} {row['username']}", type="secondary"):
        try:
            with unit_of_work(engine()) as session:
                set_active(session, user, chosen, active=not bool(row["active"]), version=int(row["version"]))
        except (AccountRuleError, StaleEdit) as error:
            st.error(md(error))
        else:
            st.toast(md(f"{label}d {row['username']}."))
            st.rerun()
