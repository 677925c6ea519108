"""Audit trail: who signed in, viewed, changed or exported what, and when (UTC). Never clinical text.

Administrators see every entry and can check the chain of seals; supervisors see their team's
part (planner.audit_view says exactly which). Everyone else gets a kind refusal. Reading this
page is itself recorded.
"""

import time as clock
from datetime import timedelta

import pandas as pd
import streamlit as st

from goals.timeline import readable_date
from planner.access import AccessDenied
from planner.audit_view import audit_actions, audit_events, audit_people, check_chain
from planner.db import unit_of_work
from planner.errors import InvalidInput
from views.shared import engine, md, refuse, require_user, today

PAGE_SIZE = 50
REFUSAL = "The audit trail is for administrators and supervisors."

user = require_user()
st.title("Audit trail")

try:
    with unit_of_work(engine()) as session:
        people = dict(audit_people(session, user))
        actions = dict(audit_actions(session, user))
except AccessDenied:
    refuse(REFUSAL)

if user.role == "admin":
    st.caption("Every sign-in, view, change and export, newest first. Times are UTC. Entries never hold clinical text.")
else:
    st.caption(
        "Your team's part of the audit trail: everything done on your team's cases, and everything your team's "
        "accounts did (sign-ins included), newest first. Times are UTC. Entries never hold clinical text."
    )

with st.container(border=True):
    c1, c2, c3, c4, c5 = st.columns([1, 1, 2, 2, 1])
    since = c1.date_input("From", value=today() - timedelta(days=30), format="DD/MM/YYYY", key="audit_since")
    until = c2.date_input("To", value=today(), format="DD/MM/YYYY", key="audit_until")
    action = c3.selectbox(
        "Action", options=list(actions), format_func=actions.get, index=None, placeholder="Any action", key="audit_action"
    )
    actor = c4.selectbox(
        "Person",
        options=list(people),
        format_func=lambda name: f"{people[name]} ({name})",
        index=None,
        placeholder="Anyone",
        key="audit_actor",
    )
    case_id = c5.number_input("Case id", value=None, min_value=1, step=1, placeholder="Any", key="audit_case")

# Paging is pinned to the newest entry when the filters were set: this page's own entries
# (each reading is recorded) then do not push rows from one page to the next.
filters = (since, until, action, actor, case_id)
if st.session_state.get("audit_filters") != filters:
    st.session_state["audit_filters"] = filters
    st.session_state["audit_offset"] = 0
    st.session_state["audit_pin"] = None
offset = st.session_state["audit_offset"]

try:
    with unit_of_work(engine()) as session:
        page = audit_events(
            session,
            user,
            since=since,
            until=until,
            action=action,
            actor=actor,
            case_id=int(case_id) if case_id is not None else None,
            limit=PAGE_SIZE,
            offset=offset,
            up_to=st.session_state["audit_pin"],
        )
except AccessDenied:
    refuse(REFUSAL)
except InvalidInput as error:
    st.error(md(error))
    st.stop()
st.session_state["audit_pin"] = page.newest_id

if not page.rows:
    st.info("No entries match these filters.")
else:
    frame = pd.DataFrame.from_records(
        [
            {
                "When (UTC)": f"{readable_date(row.at.date())} {row.at:%H:%M:%S}",
                "Who": row.actor,
                "Name": row.actor_name,
                "What": row.what,
                "Object": row.object,
                "Case": str(row.case_id) if row.case_id is not None else "",
                "Outcome": "Refused" if row.outcome == "denied" else "Allowed",
            }
            for row in page.rows
        ]
    )
    st.dataframe(frame, hide_index=True, width="stretch")
    st.caption(f"Entries {offset + 1} to {offset + len(page.rows)} of {page.total}.")


def move_to(new_offset: int, *, latest: bool = False) -> None:
    # A callback runs before the next run, so a click reads the trail once, not twice.
    st.session_state["audit_offset"] = new_offset
    if latest:
        st.session_state["audit_pin"] = None


newer, older, latest, _ = st.columns([1, 1, 1, 3])
newer.button(
    "Newer", icon=":material/arrow_back:", disabled=offset == 0, key="audit_newer",
    on_click=move_to, args=(max(0, offset - PAGE_SIZE),),
)
older.button(
    "Older", icon=":material/arrow_forward:", disabled=offset + PAGE_SIZE >= page.total, key="audit_older",
    on_click=move_to, args=(offset + PAGE_SIZE,),
)
latest.button("Show the latest", icon=":material/refresh:", key="audit_latest", on_click=move_to, args=(0,), kwargs={"latest": True})

if user.role == "admin":
    st.subheader("Chain of seals")
    st.caption(
        "Each entry is sealed with a key kept outside the database, together with the entry before it. "
        "The check recomputes every seal: it names the first entry that was altered, or that follows a removed one."
    )
    if st.button("Check the chain", icon=":material/verified:", key="audit_check"):
        started = clock.perf_counter()
        try:
            with st.spinner("Checking every entry's seal..."):
                result = check_chain(engine(), user)
        except AccessDenied:
            refuse(REFUSAL)
        took = clock.perf_counter() - started
        if result.first_bad_id is None:
            st.success(f"OK. {md(result.detail)} (checked in {took:.1f} s)", icon=":material/verified:")
        else:
            st.error(md(result.detail), icon=":material/warning:")
