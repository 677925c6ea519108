"""What every page needs: the engine, the signed-in person, timeouts, and kind refusals."""

from __future__ import annotations

import hashlib
import pickle
import time
from collections.abc import Callable
from datetime import date
from typing import Any

import streamlit as st

from planner import settings
from planner.access import Principal
from planner.accounts import load_principal
from planner.db import make_engine, unit_of_work


@st.cache_resource(show_spinner=False)
def _engine_for(url: str):
    # Shared by every user of the server: an engine holds no personal data, only connections.
    return make_engine(url)


def engine():
    return _engine_for(settings.database_url())


def today() -> date:
    return date.today()


def sign_in_as(principal: Principal) -> None:
    now = time.time()
    st.session_state["user_id"] = principal.id
    st.session_state["signed_in_at"] = now
    st.session_state["last_seen"] = now


def sign_out(message: str | None = None) -> None:
    st.session_state.clear()
    if message:
        st.session_state["sign_in_notice"] = message


def current_user() -> Principal | None:
    """The signed-in person, re-read from the database on every run (deactivation is immediate)."""
    user_id = st.session_state.get("user_id")
    if user_id is None:
        return None
    now = time.time()
    idle, limit = settings.idle_timeout_minutes(), settings.session_limit_hours()
    if now - st.session_state.get("last_seen", now) > idle * 60:
        sign_out(f"You were signed out after {_count(idle, 'minute')} without activity. Please sign in again.")
        return None
    if now - st.session_state.get("signed_in_at", now) > limit * 3600:
        sign_out(f"You were signed out because you had been signed in for {_count(limit, 'hour')}. Please sign in again.")
        return None
    with unit_of_work(engine()) as session:
        principal = load_principal(session, user_id)
    if principal is None:
        sign_out("Your account is not active any more. Please speak to your service administrator.")
        return None
    st.session_state["last_seen"] = now
    return principal


def _count(n: int, unit: str) -> str:
    return f"{n} {unit}" + ("" if n == 1 else "s")


def require_user() -> Principal:
    user = current_user()
    if user is None:
        st.warning("Please sign in first.")
        st.stop()
    return user


def refuse(message: str = "You do not have access to this page or case.") -> None:
    """Refuse kindly and stop: the same words whether the thing is hidden or does not exist."""
    st.error(message, icon=":material/lock:")
    st.stop()


ROLE_LABELS = {"therapist": "Therapist", "supervisor": "Supervisor", "family": "Family", "admin": "Administrator"}


_MARKDOWN_SPECIAL = set("\\`*_{}[]()<>#+-.!|~:$&=\"'^")


def md(text: object) -> str:
    """User text made inert for st.markdown/st.title/st.caption: every markup character escaped.

    CommonMark lets any ASCII punctuation be backslash-escaped, so links, images, HTML, Streamlit
    colour/icon directives (:red[...]) and LaTeX ($...$) all show as the characters typed.
    """
    return "".join("\\" + ch if ch in _MARKDOWN_SPECIAL else ch for ch in str(text)).replace("\n", "  \n")


def case_id_param(what: str) -> int:
    """The case named by ?case=ID. The parameter is user input: anything but a number stops kindly."""
    raw = st.query_params.get("case", "")
    if not raw.isdigit() or len(raw) > 12:
        st.title(what.capitalize())
        st.info(f"Choose a case from your case list to see its {what}.")
        st.page_link("views/caseload.py", label="Go to the case list", icon=":material/arrow_back:")
        st.stop()
    return int(raw)


def chart(name: str, inputs: tuple, build: Callable[[], Any]) -> None:
    """Draw the Altair chart `build()` makes from `inputs` (every value it reads), reusing this session's spec
    while the inputs are unchanged.

    Each click reruns the page, but most clicks change none of a chart's data, and building an Altair chart
    and turning it into a Vega-Lite spec costs 3 to 12 ms a chart (half the timeline page's rerun). The spec is
    kept under `name` in the person's own session state, never in a cache shared between users; a changed
    input (a new rating, another case) changes the fingerprint and the chart is built again. Specs are not
    re-validated against the Vega-Lite schema (st.altair_chart would, at about 4 ms a chart): our charts are
    built by code, not users, so the tests and the browser are the check instead.
    """
    fingerprint = hashlib.blake2b(pickle.dumps(inputs, protocol=pickle.HIGHEST_PROTOCOL), digest_size=16).digest()
    specs = st.session_state.setdefault("_chart_specs", {})
    kept = specs.get(name)
    if kept is None or kept[0] != fingerprint:
        kept = specs[name] = (fingerprint, build().to_dict(validate=False))
    st.vega_lite_chart(kept[1], width="stretch")


# Every page about one case, in the order of the work; each case page links to the others with the case.
CASE_PAGES = (
    ("views/case_overview.py", "Case overview", ":material/description:"),
    ("views/driver_map.py", "Driver map", ":material/hub:"),
    ("views/plan.py", "Plan", ":material/checklist:"),
    ("views/weekly_review.py", "Weekly review", ":material/event_note:"),
    ("views/timeline.py", "Timeline and progress", ":material/timeline:"),
    ("views/family_sharing.py", "Family summary", ":material/family_restroom:"),
    ("views/supervision.py", "Supervision", ":material/forum:"),
    ("views/fidelity.py", "Fidelity", ":material/fact_check:"),
    ("views/forum_brief.py", "Forum brief", ":material/picture_as_pdf:"),
)


def case_links(case_id: int, here: str, *, per_row: int = 4) -> None:
    """Links to the case's other pages in the page body, `here` left out."""
    targets = [entry for entry in CASE_PAGES if entry[0] != here]
    for start in range(0, len(targets), per_row):
        row = targets[start : start + per_row]
        for column, (page, label, icon) in zip(st.columns(per_row), row):
            column.page_link(page, label=label, icon=icon, query_params={"case": str(case_id)})


def case_menu(case_id: int, alias: str) -> None:
    """This case's pages in the sidebar: the app's menu cannot carry the case, so these links do.

    Called by each case page after its access check, so a refused case shows no links."""
    with st.sidebar:
        st.caption("This case: " + md(alias))
        for page, label, icon in CASE_PAGES:
            st.page_link(page, label=label, icon=icon, query_params={"case": str(case_id)})
