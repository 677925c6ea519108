"""Our progress: the family's own plan in plain, warm words."""

import pandas as pd
import streamlit as st

from goals.timeline import readable_date
from planner.access import AccessDenied
from planner.db import unit_of_work
from planner.family import family_summary
from views.shared import engine, md, refuse, require_user, today

user = require_user()
if user.family_case_id is None:
    refuse()
try:
    with unit_of_work(engine()) as session:
        summary = family_summary(session, user, user.family_case_id, today=today())
except AccessDenied:
    refuse()

st.title("Our progress")
st.caption("How things are going, in a few words. Your therapist can talk any of this through with you.")

c1, c2 = st.columns(2)
c1.metric("Week of the plan", f"{summary.week} of {summary.planned_weeks}")
c2.metric("Weeks left", summary.weeks_left)


def bullet_list(items: list[str], empty: str) -> None:
    st.markdown("\n".join(f"- {md(item)}" for item in items) if items else empty)


st.header("What is going well")
bullet_list(summary.going_well + summary.goals_reached, "Your therapist will add this soon.")

st.header("What we are working on")
bullet_list(summary.working_on + summary.goals_ahead, "Your therapist will add this soon.")

st.header("How safe and settled things feel")
if summary.scale:
    st.caption("0 means things are very hard. 10 means things are safe and settled.")
    st.line_chart(pd.DataFrame(summary.scale, columns=["week", "score"]), x="week", y="score", x_label="week", y_label="score (0 to 10)")
else:
    st.info("Your first score will show here after your first weekly meeting.")

st.header("What happens next")
st.markdown(
    f"We keep meeting every week. The plan ends around **{md(readable_date(summary.plan_end))}**, "
    f"in {summary.weeks_left} weeks."
)
