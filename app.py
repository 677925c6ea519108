"""Entry point: page config, the sign-in gate, and the menu built from the signed-in role."""

from pathlib import Path

import streamlit as st

from planner import settings
from planner.db import DatabaseUnavailable
from views.organisation_sign_in import sign_out_everywhere
from views.shared import CASE_PAGES, ROLE_LABELS, current_user, engine, md

# A local favicon: a ":material/...:" or emoji page icon is fetched from a third-party server.
DEEP_LINKS = (
    "case_overview", "driver_map", "plan", "weekly_review", "timeline", "family_sharing",
    "supervision", "fidelity", "forum_brief",
)

st.set_page_config(page_title="MST-PSB Planner", page_icon=str(Path(__file__).parent / "data" / "favicon.png"), layout="wide")

try:
    settings.check()
    engine()  # opened once per server, retried on every run until it works
    user = current_user()
except DatabaseUnavailable as error:
    st.error(f"The planner cannot open its database. {md(error)}", icon=":material/database:")
    st.stop()
except settings.InvalidSetting as error:
    st.error(f"The planner is set up wrongly: {md(error)} Please ask whoever runs it to correct the setting.", icon=":material/settings:")
    st.stop()

if user is None:
    # A signed-out link to a case page shows the sign-in form at that address, so signing in lands
    # on the page asked for (whose own access check still decides what it shows).
    pages = [st.Page("views/sign_in.py", title="Sign in", icon=":material/login:", default=True)] + [
        st.Page("views/sign_in.py", title="Sign in", url_path=path, visibility="hidden") for path in DEEP_LINKS
    ]
elif user.role in ("therapist", "supervisor"):
    # The same case pages for both roles: what each may do on them is decided by the services.
    # They are routable but not in the menu: a menu link cannot carry the case, so it would only lead to
    # "choose a case". Each case page lists the case's pages in the sidebar instead (views.shared.case_menu).
    case_pages = [
        st.Page(page, title=title, icon=icon, visibility="hidden") for page, title, icon in CASE_PAGES
    ]
    transfer = st.Page("views/case_transfer.py", title="Export and import", icon=":material/swap_horiz:")
    two_step = st.Page("views/two_step.py", title="Two-step sign-in", icon=":material/phonelink_lock:")
    if user.role == "therapist":
        home = st.Page("views/caseload.py", title="My cases", icon=":material/folder_shared:", default=True)
        pages = {"Cases": [home, *case_pages], "Account": [transfer, two_step]}
    else:
        home = st.Page("views/team_dashboard.py", title="Team dashboard", icon=":material/dashboard:", default=True)
        team = [
            home,
            st.Page("views/caseload.py", title="Team cases", icon=":material/groups:"),
            st.Page("views/team_learning.py", title="Team learning", icon=":material/insights:"),
            st.Page("views/audit_log.py", title="Audit trail", icon=":material/policy:"),
        ]
        pages = {"Team": [*team, *case_pages], "Account": [transfer, two_step]}
elif user.role == "family":
    # On a family's own phone the tab should not announce what kind of service this is.
    st.set_page_config(page_title="Our progress")
    pages = [st.Page("views/family_progress.py", title="Our progress", icon=":material/sunny:", default=True)]
else:
    pages = [
        st.Page("views/accounts.py", title="Accounts", icon=":material/manage_accounts:", default=True),
        st.Page("views/audit_log.py", title="Audit trail", icon=":material/policy:"),
        st.Page("views/two_step.py", title="Two-step sign-in", icon=":material/phonelink_lock:"),
    ]

if user is not None:
    with st.sidebar:
        st.markdown(f"**{md(user.display_name)}**")
        st.caption(ROLE_LABELS.get(user.role, user.role))
        if st.button("Sign out", icon=":material/logout:", key="sign_out"):
            sign_out_everywhere("You have signed out.")

st.navigation(pages).run()
