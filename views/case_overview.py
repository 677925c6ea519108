"""Case overview: where one family's plan stands, from its real drivers, plan, goals and ratings."""

import altair as alt
import streamlit as st

from goals.timeline import readable_date, week_label
from planner.access import AccessDenied
from planner.cases import case_overview
from planner.db import unit_of_work
from drivers.model import SYSTEM_LABELS
from views.shared import case_id_param, case_links, case_menu, chart, engine, md, refuse, require_user, today

user = require_user()

case_id = case_id_param("case overview")
try:
    with unit_of_work(engine()) as session:
        view = case_overview(session, user, case_id, today=today())
except AccessDenied:
    refuse("You do not have access to this case, or it does not exist.")

case = view.case
st.title(md(f"{case.alias}, {case.age}"))
case_menu(case_id, case.alias)
case_links(case.id, "views/case_overview.py")
st.caption(
    md(
        f"{week_label(case.week, case.planned_weeks)} · started {readable_date(case.start_date)} · "
        f"plan ends {readable_date(case.plan_end)} · therapist {case.therapist} · {case.team}"
        + (" · closed" if case.status == "closed" else "")
    )
)

drivers = view.drivers
needs = drivers[drivers["kind"] == "need"]
scale = view.overall["safety scale"]
m1, m2, m3, m4 = st.columns(4)
m1.metric(
    "Safety scale now",
    "—" if scale.empty else f"{scale.iloc[-1]}/10",
    delta=None if len(scale) < 2 else f"{scale.iloc[-1] - scale.iloc[0]:+d} since intake",
    help="Overall 0-10 scale: 0 = the child cannot safely live at home, 10 = safe enough to close.",
)
m2.metric("Drivers", len(drivers), help=f"{len(needs)} needs, {len(drivers) - len(needs)} strengths")
m3.metric("Prioritised drivers", int(drivers["prioritised"].sum()))
if view.marked_goals.empty:
    m4.metric("Intermediary goals met", "—", help="Shown once a week's goals have been marked in its review.")
else:
    met = int((view.marked_goals["status"] == "met").sum())
    partly = int((view.marked_goals["status"] == "partly met").sum())
    m4.metric(
        f"Goals met in week {int(view.marked_goals['week'].iloc[0])}",
        f"{met} of {len(view.marked_goals)}",
        help=f"{partly} partly met. The latest week whose intermediary goals have been marked.",
    )

if view.last_review_week is not None and case.status == "open" and case.week - view.last_review_week > 2:
    st.warning(f"The last submitted weekly review is for week {view.last_review_week}: reviews are overdue.")
if view.open_comments:
    count = view.open_comments
    st.info(f"{count} open supervisor comment{'s' if count != 1 else ''} on this case.", icon=":material/forum:")
    st.page_link(
        "views/supervision.py", label="Open supervision", icon=":material/forum:", query_params={"case": str(case.id)}
    )

tab_drivers, tab_plan, tab_progress, tab_safety, tab_referral = st.tabs(
    ["Drivers", "Interventions and goals", "Progress", "Safety plan", "Referral and people"]
)

with tab_drivers:
    if drivers.empty:
        st.info("No drivers yet: start from the catalogue in the driver map.")
        st.page_link("views/driver_map.py", label="Open the driver map", query_params={"case": str(case.id)})
    else:
        st.caption("The fit circle: what drives the behaviour, with strengths beside needs. Ratings 0-10: how strongly each is at work now.")
        st.dataframe(
            # Strengths are usually not rated: a dash, not the table's grey "None".
            drivers.assign(
                system=drivers["system"].map(SYSTEM_LABELS),
                intake=drivers["intake"].map(lambda v: "—" if v is None or v != v else f"{int(v)}/10"),
            ),
            column_order=["name", "system", "kind", "prioritised", "intake", "rating", "changeability", "interventions", "status"],
            column_config={
                "name": st.column_config.TextColumn("Driver", width="large"),
                "system": "System",
                "kind": "Need or strength",
                "prioritised": st.column_config.CheckboxColumn("Prioritised"),
                "intake": st.column_config.TextColumn("At intake"),
                "rating": st.column_config.ProgressColumn("Now", min_value=0, max_value=10, format="%d/10"),
                "changeability": st.column_config.NumberColumn("Changeability (1-5)"),
                "interventions": st.column_config.NumberColumn("Interventions"),
                "status": "Hypothesis",
            },
            hide_index=True,
            height=36 * (len(drivers) + 1) + 4,
        )
        unaddressed = drivers[drivers["prioritised"] & (drivers["interventions"] == 0)]
        if not unaddressed.empty:
            st.warning("Prioritised drivers with no intervention yet: " + md(", ".join(unaddressed["name"])))

with tab_plan:
    st.subheader("Overarching goals")
    if view.overarching_goals.empty:
        st.info("No overarching goals yet.")
    else:
        st.dataframe(view.overarching_goals, hide_index=True, column_config={"gas_score": "GAS score (-2 to +2)"})
    st.subheader("Intermediary goals")
    if view.weekly_goals.empty:
        st.info("No intermediary goals set yet.")
    else:
        current = int(view.weekly_goals["week"].iloc[0])
        st.caption(f"Set for week {current}.")
        st.dataframe(view.weekly_goals, hide_index=True, column_order=["goal", "owner", "status"])
        if not view.marked_goals.empty and int(view.marked_goals["week"].iloc[0]) != current:
            st.caption(f"Week {int(view.marked_goals['week'].iloc[0])}, as marked in its review.")
            st.dataframe(view.marked_goals, hide_index=True, column_order=["goal", "owner", "status"])
    st.subheader("Interventions")
    if view.interventions.empty:
        st.info("No interventions yet: aim one at each prioritised driver.")
    else:
        st.dataframe(view.interventions, hide_index=True, column_config={"drivers": st.column_config.TextColumn("Aimed at", width="large")})

with tab_progress:
    if view.overall.empty:
        st.info("No weekly ratings yet. They appear here once the first weekly review is done.")
    else:
        st.caption("The overall 0-10 safety scale, week by week.")
        chart(
            "overview.scale",
            (view.overall, case.planned_weeks),
            lambda: (
                alt.Chart(view.overall)
                .mark_line(point=True, color="#0072B2", strokeWidth=3)
                .encode(
                    x=alt.X("week:Q", title="week of plan", scale=alt.Scale(domain=[1, case.planned_weeks])),
                    y=alt.Y("safety scale:Q", title="0-10 safety scale", scale=alt.Scale(domain=[0, 10])),
                    tooltip=[alt.Tooltip("week:Q"), alt.Tooltip("safety scale:Q")],
                )
                .properties(height=260)
            ),
        )

with tab_safety:
    if view.safety_rules.empty:
        st.info("No safety rules yet. Every MST-PSB plan needs a written safety plan.")
    else:
        st.dataframe(
            view.safety_rules.assign(review_date=view.safety_rules["review_date"].map(readable_date)),
            hide_index=True,
            column_config={"rule": st.column_config.TextColumn("Rule", width="large"), "review_date": "Review by"},
        )

with tab_referral:
    st.caption("Restricted: never shown to the family.")
    for referral in view.referrals:
        st.markdown(f"**{md(referral.summary)}**")
        st.text(referral.description)
        st.dataframe(
            [
                {"measure": "Frequency", "detail": referral.frequency},
                {"measure": "Intensity", "detail": referral.intensity},
                {"measure": "Duration", "detail": referral.duration},
                {"measure": "Hackett continuum", "detail": referral.hackett_level},
                {"measure": "Brook traffic light", "detail": referral.brook_colour},
            ],
            hide_index=True,
        )
    st.subheader("People")
    st.dataframe(view.participants, hide_index=True)
    st.subheader("Desired outcomes, in their own words")
    st.dataframe(view.outcomes, hide_index=True, column_config={"outcome": st.column_config.TextColumn("Outcome", width="large")})
