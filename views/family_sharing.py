"""Family summary: preview what the family will see, publish it, and manage the family's login.

The case's therapist previews (the family's own page, drawn by the same function), adds an
optional message, publishes (asked first), and creates, resets or revokes the family login.
Supervisors see the same preview, read-only.
"""

import pandas as pd
import streamlit as st

from goals.timeline import readable_date
from planner.access import AccessDenied
from planner.db import unit_of_work
from planner.errors import InvalidInput, StaleEdit
from planner.family import MAX_GRADE, MAX_MESSAGE, NOTHING_YET, family_page, preview_family_summary, publish_family_summary
from planner.family_accounts import (
    USERNAME_HELP,
    create_family_login,
    family_login,
    reset_family_password,
    revoke_family_login,
    suggested_username,
)
from views.family_progress import draw_summary
from views.shared import case_id_param, case_menu, engine, md, refuse, require_user, today

user = require_user()
case_id = case_id_param("family summary")
MESSAGE_KEY = f"family_message_{case_id}"
PUBLISH_FLAG = f"family_publish_{case_id}"
RESET_FLAG = f"family_reset_{case_id}"
REVOKE_FLAG = f"family_revoke_{case_id}"
PASSWORD_ONCE = "family_password_once"
TOAST = "family_sharing_toast"
FIELD_LABELS = {"message": "Message", "username": "User name", "login": "Family login"}


def load():
    with unit_of_work(engine()) as session:
        preview = preview_family_summary(session, user, case_id, today=today(), message=st.session_state.get(MESSAGE_KEY, ""))
        login = family_login(session, user, case_id)
    return preview, login


try:
    preview, login = load()
except AccessDenied:
    refuse("You do not have access to this case, or it does not exist.")


def show_errors(error: InvalidInput) -> None:
    for field, message in error.errors.items():
        st.error(f"**{FIELD_LABELS.get(field, field)}:** {md(message)}")


def saved(message: str) -> None:
    st.session_state[TOAST] = message
    st.rerun()


def open_dialog(flag: str) -> None:
    """One dialog at a time: opening one closes any other left open."""
    for other in (PUBLISH_FLAG, RESET_FLAG, REVOKE_FLAG):
        st.session_state.pop(other, None)
    st.session_state[flag] = True


def closed(flag: str):
    def close() -> None:
        st.session_state.pop(flag, None)

    return close


if message := st.session_state.pop(TOAST, None):
    st.toast(message, icon=":material/check_circle:")

st.title("Family summary: " + md(preview.alias))
case_menu(case_id, preview.alias)
st.caption(
    "What the family reads when they sign in: a plain, encouraging summary built only from the family wording "
    "of drivers and goals. Preview it, then publish it; the family always sees the last version you published."
)

m1, m2, m3 = st.columns(3)
m1.metric(
    "Reading grade",
    f"{preview.grade:.1f}",
    help="Flesch-Kincaid grade of everything on the family's page. 6 or below reads at about age 11.",
)
m2.metric("Last published", readable_date(preview.published.shared_on) if preview.published else "Never")
m3.metric("Left out", len(preview.left_out), help="Drivers and overarching goals not shown to the family, and why.")

if preview.grade > MAX_GRADE:
    st.warning(
        f"This summary reads at grade {preview.grade:.1f}, above the grade 6 a child of about 11 can read. "
        "Use shorter words and shorter lines in the family wording."
    )
if preview.hard_lines:
    st.warning(
        "These lines read above grade 6 on their own: "
        + md("; ".join(f"“{line}” (grade {grade:.1f})" for line, grade in preview.hard_lines))
        + ". Try shorter words."
    )
if preview.left_out:
    with st.expander(f"Left out of the summary ({len(preview.left_out)})"):
        st.caption("Only what has family wording, is supported by evidence and (for needs) is prioritised is shown.")
        st.dataframe(
            pd.DataFrame([{"what": r.kind, "name": r.name, "why": r.reason} for r in preview.left_out]),
            hide_index=True,
            column_config={
                "what": st.column_config.TextColumn("Kind"),
                "name": st.column_config.TextColumn("Driver or goal", width="large"),
                "why": st.column_config.TextColumn("Why it is left out", width="large"),
            },
        )

tab_preview, tab_now, tab_login = st.tabs(["Preview", "What the family sees now", "Family login"])

with tab_preview:
    if preview.can_publish:
        st.text_area(
            "Message from your therapist (optional)",
            key=MESSAGE_KEY,
            max_chars=MAX_MESSAGE,
            placeholder="A few warm words for the family, in short sentences.",
            help="Shown at the top of the summary. Up to 500 characters, at a reading grade of 6 or below.",
        )
        for field, problem in preview.message_errors.items():
            st.error(f"**{FIELD_LABELS.get(field, field)}:** {md(problem)}")

        @st.dialog("Publish this summary?", on_dismiss=closed(PUBLISH_FLAG))
        def confirm_publish() -> None:
            st.write(
                "The family will see this version from the next time they open their page, until you publish "
                "again. Earlier versions are kept."
            )
            c1, c2 = st.columns(2)
            if c1.button("Publish", type="primary", key="publish_confirm"):
                try:
                    with unit_of_work(engine()) as session:
                        publish_family_summary(
                            session, user, case_id, today=today(), message=st.session_state.get(MESSAGE_KEY, "")
                        )
                except InvalidInput as error:
                    show_errors(error)
                else:
                    st.session_state.pop(PUBLISH_FLAG, None)
                    saved("Published: the family now sees this summary.")
            if c2.button("Cancel", key="publish_cancel"):
                st.session_state.pop(PUBLISH_FLAG, None)
                st.rerun()

        if st.button("Publish to the family…", type="primary", icon=":material/send:", disabled=bool(preview.message_errors)):
            open_dialog(PUBLISH_FLAG)
        if st.session_state.get(PUBLISH_FLAG):
            confirm_publish()
    else:
        st.caption("Read-only: only the case's therapist publishes the family summary.")
    st.caption("Exactly as the family will see it if you publish now:")
    with st.container(border=True):
        draw_summary(family_page(preview.summary, shared_on=today()), key="family_summary_preview")

with tab_now:
    if preview.published is None:
        st.info(f"Nothing published yet. Until you publish, the family sees: “{NOTHING_YET}”")
    else:
        st.caption(
            md(
                f"Published on {readable_date(preview.published.shared_on)}"
                + (f" by {preview.published_by}" if preview.published_by else "")
                + ". This is what the family sees now."
            )
        )
        with st.container(border=True):
            draw_summary(
                family_page(preview.published.summary, shared_on=preview.published.shared_on), key="family_summary_now"
            )

with tab_login:
    issued = st.session_state.pop(PASSWORD_ONCE, None)
    if issued and issued[0] == case_id:
        st.success(
            f"The password for **{md(issued[1])}** is below. Give it to the family now: it will not be shown again.",
            icon=":material/key:",
        )
        st.code(issued[2], language=None)
        st.caption("Read it aloud as three words and three digits, with dashes between them.")
    if login is None:
        st.info("No family login yet. Create one so the family can read their summary on their own phone or computer.")
    else:
        c1, c2 = st.columns(2)
        c1.metric("User name", login.username)
        c2.metric("Login", "Active" if login.active else "Revoked", help=f"Created {readable_date(login.created_at.date())}")
    if not preview.can_publish:
        st.caption("Read-only: only the case's therapist creates, resets or revokes the family login.")
    elif login is None:
        with st.form("family_login_form"):
            username = st.text_input(
                "User name for the family", value=suggested_username(preview.alias, case_id), max_chars=64, help=USERNAME_HELP
            )
            if st.form_submit_button("Create family login", type="primary"):
                try:
                    with unit_of_work(engine()) as session:
                        new = create_family_login(session, user, case_id, username=username)
                except InvalidInput as error:
                    show_errors(error)
                else:
                    st.session_state[PASSWORD_ONCE] = (case_id, new.username, new.password)
                    saved(f"Family login {new.username} created.")
    else:

        @st.dialog("Reset the family's password?", on_dismiss=closed(RESET_FLAG))
        def confirm_reset() -> None:
            st.write("The old password stops working at once. You will see the new one once, to give to the family.")
            if not login.active:
                st.write("This also lets them sign in again.")
            if st.button("Reset password", type="primary", key="reset_confirm"):
                try:
                    with unit_of_work(engine()) as session:
                        new = reset_family_password(session, user, case_id, version=login.version)
                except (InvalidInput, StaleEdit) as error:
                    st.error(md(error))
                else:
                    st.session_state.pop(RESET_FLAG, None)
                    st.session_state[PASSWORD_ONCE] = (case_id, new.username, new.password)
                    saved("New password set.")

        @st.dialog("Revoke the family's login?", on_dismiss=closed(REVOKE_FLAG))
        def confirm_revoke() -> None:
            st.write(
                "They are signed out at their next click and cannot sign in again. Nothing is deleted: "
                "reset the password to let them back in."
            )
            if st.button("Revoke login", type="primary", key="revoke_confirm"):
                try:
                    with unit_of_work(engine()) as session:
                        revoke_family_login(session, user, case_id, version=login.version)
                except (InvalidInput, StaleEdit) as error:
                    st.error(md(error))
                else:
                    st.session_state.pop(REVOKE_FLAG, None)
                    saved("Family login revoked.")

        b1, b2 = st.columns(2)
        if b1.button("Reset password…" if login.active else "Reset password and let them back in…", icon=":material/key:"):
            open_dialog(RESET_FLAG)
        if login.active and b2.button("Revoke login…", icon=":material/block:"):
            open_dialog(REVOKE_FLAG)
        if st.session_state.get(RESET_FLAG):
            confirm_reset()
        elif st.session_state.get(REVOKE_FLAG):
            confirm_revoke()
